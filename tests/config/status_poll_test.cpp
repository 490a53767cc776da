// restaurants[].status_poll: the STATUS POLLER period (issue 5).

#include <config/config.hpp>

#include <catch2/catch.hpp>

using namespace rkgate::config;
using std::chrono::milliseconds;

namespace {

std::string restaurant_with(const std::string& extra) {
  return R"(restaurants:
  - id: r1
)" + extra + R"(    cash_server:
      url: https://127.0.0.1:8086/rk7api/v0/xmlinterface.xml
      user: http
      password: http
    r_keeper_references:
      station_id: 1
      waiter_code: 2
      table_code: 3
      order_category: 4
      external_sales_classification: 5
)";
}

} // namespace

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
    auto result = load_text(restaurant_with(bad));
    REQUIRE(std::holds_alternative<std::vector<problem>>(result));
    const auto& problems = std::get<std::vector<problem>>(result);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "restaurants[0].status_poll");
    CHECK(problems[0].line == 3);
  }
}
