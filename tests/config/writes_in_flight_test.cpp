// restaurants[].cash_server.writes_in_flight: writes sent before the previous
// one answered (issue 7: keeps r_keeper busy while the gateway turns around).

#include "minimal_config.hpp"
#include "problems_of.hpp"

#include <config/config.hpp>

#include <catch2/catch.hpp>

using namespace rkgate::config;

namespace {

/// The minimal restaurant with `line` added to its cash_server section.
std::string with_cash_server_line(const std::string& line) {
  std::string text = restaurant_with("");
  auto at = text.find("      password: http\n");
  return text.insert(at, line);
}

} // namespace

TEST_CASE("cash_server.writes_in_flight defaults to 2 and takes 1 to 4", "[config][load]") {
  auto dflt = load_text(restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(dflt));
  CHECK(std::get<gateway>(dflt).restaurants[0].cash_server.writes_in_flight == 2);

  auto one = load_text(with_cash_server_line("      writes_in_flight: 1\n"));
  REQUIRE(std::holds_alternative<gateway>(one));
  CHECK(std::get<gateway>(one).restaurants[0].cash_server.writes_in_flight == 1);
}

TEST_CASE("cash_server.writes_in_flight outside 1..4 or not a number is an error at its line", "[config][errors]") {
  for (const char* bad : {"      writes_in_flight: 0\n", "      writes_in_flight: 5\n", "      writes_in_flight: many\n"}) {
    const auto problems = problems_of(with_cash_server_line(bad));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "restaurants[0].cash_server.writes_in_flight");
    CHECK(problems[0].line == 6);
  }
}
