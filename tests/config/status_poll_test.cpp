// restaurants[].status_poll: the STATUS POLLER period (issue 5).

#include "minimal_config.hpp"
#include "problems_of.hpp"

#include <config/config.hpp>

#include <catch2/catch.hpp>

using namespace rkgate::config;
using std::chrono::milliseconds;

TEST_CASE("status_poll defaults to 2s and takes a duration", "[config][load]") {
  auto dflt = load_text(restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(dflt));
  CHECK(std::get<gateway>(dflt).restaurants[0].status_poll == milliseconds(2000));

  auto set = load_text(restaurant_with("    status_poll: 500ms\n"));
  REQUIRE(std::holds_alternative<gateway>(set));
  CHECK(std::get<gateway>(set).restaurants[0].status_poll == milliseconds(500));
}

TEST_CASE("status_poll below 100ms or not a duration is an error at its line", "[config][errors]") {
  for (const char* bad : {"    status_poll: 10ms\n", "    status_poll: often\n"}) {
    const auto problems = problems_of(restaurant_with(bad));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "restaurants[0].status_poll");
    CHECK(problems[0].line == 3);
  }
}
