// server.threads: the HTTP (RESTinio) thread count, `auto` or 1..max_threads;
// server.actor_threads: CAF's worker threads, `auto` or 1..max_threads;
// server.actor_scheduler: CAF's scheduling policy, `auto`, `sharing` or `stealing`.

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

TEST_CASE("server.threads defaults to auto: half the hardware threads, at least one", "[config][load]") {
  auto dflt = load_text(restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(dflt));
  const auto& server = std::get<gateway>(dflt).server;
  CHECK(server.threads == 0);
  auto expected = std::max(1u, std::thread::hardware_concurrency() / 2);
  CHECK(http_threads(server) == expected);
  CHECK(server_of("  threads: auto\n").threads == 0);
}

TEST_CASE("server.threads takes a count", "[config][load]") {
  auto one = server_of("  threads: 1\n");
  CHECK(one.threads == 1);
  CHECK(http_threads(one) == 1);
  auto most = server_of("  threads: " + std::to_string(max_threads) + "\n");
  CHECK(http_threads(most) == max_threads);
}

TEST_CASE("server.threads out of range or not a count is an error at its line", "[config][errors]") {
  for (std::string bad : {std::string("0"), std::string("-2"), std::string("1.5"), std::string("many"),
                          std::string("[2]"), std::to_string(max_threads + 1)})
    check_rejected("threads", bad, "auto");
}

TEST_CASE("server.actor_scheduler: auto shares one queue on small machines; both policies can be chosen",
          "[config][load]") {
  auto dflt = load_text(restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(dflt));
  const auto& server = std::get<gateway>(dflt).server;
  CHECK(server.scheduler == actor_scheduler::automatic);
  CHECK(shares_actor_queue(server) == (std::thread::hardware_concurrency() <= 4));
  CHECK(server_of("  actor_scheduler: auto\n").scheduler == actor_scheduler::automatic);
  CHECK(shares_actor_queue(server_of("  actor_scheduler: sharing\n")));
  CHECK_FALSE(shares_actor_queue(server_of("  actor_scheduler: stealing\n")));
}

TEST_CASE("server.actor_scheduler: anything else is an error at its line", "[config][errors]") {
  for (std::string bad : {"share", "Sharing", "1", "[sharing]"})
    check_rejected("actor_scheduler", bad, "sharing");
}

TEST_CASE("server.actor_threads defaults to one per hardware thread and takes a count", "[config][load]") {
  auto dflt = load_text(restaurant_with(""));
  REQUIRE(std::holds_alternative<gateway>(dflt));
  const auto& server = std::get<gateway>(dflt).server;
  CHECK(server.actor_threads == 0);
  CHECK(actor_threads(server) == std::max(1u, std::thread::hardware_concurrency()));
  CHECK(server_of("  actor_threads: auto\n").actor_threads == 0);
  CHECK(actor_threads(server_of("  actor_threads: 3\n")) == 3);
  CHECK(actor_threads(server_of("  actor_threads: " + std::to_string(max_threads) + "\n")) == max_threads);
}

TEST_CASE("server.actor_threads out of range or not a count is an error at its line", "[config][errors]") {
  for (std::string bad : {std::string("0"), std::string("-1"), std::string("two"), std::to_string(max_threads + 1)})
    check_rejected("actor_threads", bad, "auto");
}
