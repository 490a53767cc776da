// server.threads: the event loop's thread count (HTTP, actors, outbound
// HTTP), `auto` or 1..max_threads; the keys of CAF's own scheduler are gone.

#include "minimal_config.hpp"
#include "problems_of.hpp"

#include <config/config.hpp>

#include <catch2/catch.hpp>

#include <thread>

using namespace rkgate::config;

namespace {

server_section server_of(const std::string& threads_line) {
  auto result = load_text("server:\n" + threads_line + restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(result));
  return std::get<gateway>(result).server;
}

/// `server.<key>: <bad>` does not load: one problem, at its line, naming `hint`.
void check_rejected(const std::string& key, const std::string& bad, const std::string& hint) {
  INFO(bad);
  const auto problems = problems_of("server:\n  " + key + ": " + bad + "\n" + restaurant_with(""));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "server." + key);
  CHECK(problems[0].line == 2);
  CHECK(problems[0].message.find(hint) != std::string::npos);
}

} // namespace

TEST_CASE("server.threads defaults to auto: one per hardware thread", "[config][load]") {
  auto dflt = load_text(restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(dflt));
  const auto& server = std::get<gateway>(dflt).server;
  CHECK(server.threads == 0);
  CHECK(loop_threads(server) == std::max(1u, std::thread::hardware_concurrency()));
  CHECK(server_of("  threads: auto\n").threads == 0);
}

TEST_CASE("server.threads takes a count", "[config][load]") {
  auto one = server_of("  threads: 1\n");
  CHECK(one.threads == 1);
  CHECK(loop_threads(one) == 1);
  auto most = server_of("  threads: " + std::to_string(max_threads) + "\n");
  CHECK(loop_threads(most) == max_threads);
}

TEST_CASE("server.threads out of range or not a count is an error at its line", "[config][errors]") {
  for (std::string bad : {std::string("0"), std::string("-2"), std::string("1.5"), std::string("many"),
                          std::string("[2]"), std::to_string(max_threads + 1)})
    check_rejected("threads", bad, "auto");
}

TEST_CASE("server.actor_scheduler and server.actor_threads are refused, naming server.threads", "[config][errors]") {
  check_rejected("actor_scheduler", "sharing", "server.threads");
  check_rejected("actor_threads", "2", "server.threads");
}
