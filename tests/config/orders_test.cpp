// orders.unload_after: how long an open order with nothing under way stays
// in memory before it is unloaded to the store (issue 7).

#include "minimal_config.hpp"
#include "problems_of.hpp"

#include <config/config.hpp>

#include <catch2/catch.hpp>

using namespace rkgate::config;

TEST_CASE("orders.unload_after defaults to 10s; 0 keeps open orders in memory", "[config][load]") {
  auto dflt = load_text(restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(dflt));
  CHECK(std::get<gateway>(dflt).orders.unload_after == std::chrono::seconds(10));

  auto never = load_text("orders:\n  unload_after: 0s\n" + restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(never));
  CHECK(std::get<gateway>(never).orders.unload_after.count() == 0);

  auto minute = load_text("orders:\n  unload_after: 1m\n" + restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(minute));
  CHECK(std::get<gateway>(minute).orders.unload_after == std::chrono::minutes(1));
}

TEST_CASE("orders.unload_after that is not a duration, or an unknown key, is an error at its line", "[config][errors]") {
  auto problems = problems_of("orders:\n  unload_after: soon\n" + restaurant_with(""));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "orders.unload_after");
  CHECK(problems[0].line == 2);

  problems = problems_of("orders:\n  unload: 5s\n" + restaurant_with(""));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "orders.unload");
}

TEST_CASE("console.unload_after defaults to 10m; a bad value is an error at its line", "[config][load]") {
  auto dflt = load_text(restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(dflt));
  CHECK(std::get<gateway>(dflt).console.unload_after == std::chrono::minutes(10));

  auto short_ = load_text("console:\n  unload_after: 200ms\n" + restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(short_));
  CHECK(std::get<gateway>(short_).console.unload_after == std::chrono::milliseconds(200));

  auto problems = problems_of("console:\n  unload_after: later\n" + restaurant_with(""));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "console.unload_after");
  CHECK(problems[0].line == 2);
}
