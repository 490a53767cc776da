// Routing (http/src/router.hpp): fixed paths come from a table, the rest from
// the express router, and a request reaches the same route, with the same
// /metrics label, whichever of the two answers it.

#include "gateway_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace rkgate::test;

namespace {

/// The process's event loop threads (they are named rkgate.loop.<n>).
int loop_threads(int pid) {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    count += name.rfind("rkgate.loop.", 0) == 0;
  }
  return count;
}

} // namespace

TEST_CASE("fixed paths, their express spellings, wrong methods and parametrised paths route as before",
          "[gateway][e2e][routing]") {
  sim s;
  gate g(s);
  auto exact = g.get("/api/v3/ping?restaurant=r1");
  REQUIRE(exact.status == 200);
  // Express matching ignores a trailing slash and letter case: still ping.
  CHECK(body_of(g.get("/api/v3/ping/?restaurant=r1"))["data"]["restaurant"]["id"] == "r1");
  CHECK(body_of(g.get("/API/v3/Ping?restaurant=r1"))["data"]["restaurant"]["id"] == "r1");
  // A fixed path with another method, and a path nothing matches: 404 not_found.
  auto wrong_method = g.post("/api/v3/ping", json::object());
  CHECK(wrong_method.status == 404);
  CHECK(body_of(wrong_method)["error"]["code"] == "not_found");
  CHECK(g.get("/api/v3/pingx").status == 404);
  // Two methods on one fixed path reach their own handlers.
  CHECK(g.get("/api/v3/getorders").status == 200);
  CHECK(body_of(g.post("/api/v3/getorders", json{{"guids", 5}}))["error"]["details"]["field"] == "guids");
  // A parametrised route (express only).
  auto console = g.get("/api/v3/console/orders/not-a-guid", nullptr);
  CHECK(console.status == 401);

  auto t = http_request("GET", g.url("/metrics")).body;
  CHECK(metric_sample(t, R"(rkgate_http_requests_total{route="GET /api/v3/ping",code="200"})") == 3);
  CHECK(metric_sample(t, R"(rkgate_http_requests_total{route="unmatched",code="404"})") == 2);
  CHECK(metric_sample(t, R"(rkgate_http_requests_total{route="GET /api/v3/getorders",code="200"})") == 1);
  CHECK(metric_sample(t, R"(rkgate_http_requests_total{route="POST /api/v3/getorders",code="400"})") == 1);
  CHECK(metric_sample(t, R"(rkgate_http_requests_total{route="GET /api/v3/console/orders/:guid",code="401"})") == 1);
}

TEST_CASE("server.threads sets the number of event loop threads", "[gateway][e2e][routing]") {
  sim s;
  gate one(s), three(s);
  one.restart_with("  request_timeout", "  threads: 1\n");
  three.restart_with("  request_timeout", "  threads: 3\n");
  REQUIRE(one.get("/api/v3/ping?restaurant=r1").status == 200);
  REQUIRE(three.get("/api/v3/ping?restaurant=r1").status == 200);
  // The loop's threads are named before it serves (READY comes after).
  CHECK(loop_threads(one.proc->pid()) == 1);
  CHECK(loop_threads(three.proc->pid()) == 3);
}
