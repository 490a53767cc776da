// GET /metrics (api.md §7): Prometheus text with the HTTP, r_keeper, order,
// callback and menu families, for internal callers only.

#include "gateway_fixture.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

using namespace rkgate::test;

TEST_CASE("metrics count routes by code, r_keeper calls, status changes, callbacks and menu age",
          "[gateway][e2e][metrics]") {
  sim s;
  gate g(s);
  REQUIRE(g.get("/api/v3/ping?restaurant=r1").status == 200);
  REQUIRE(g.get("/api/v3/ping?restaurant=r1", "wrong").status == 401);
  REQUIRE(g.get("/api/v3/getmenu?restaurant=r1").status == 200);
  REQUIRE(g.post("/api/v3/postorder", simple_order("m-1")).status == 201);

  auto m = http_request("GET", g.url("/metrics"));
  REQUIRE(m.status == 200);
  CHECK(m.headers["content-type"].find("text/plain") == 0);
  const auto& t = m.body;
  CHECK(metric_sample(t, R"(rkgate_http_requests_total{route="GET /api/v3/ping",code="200"})") == 1);
  CHECK(metric_sample(t, R"(rkgate_http_requests_total{route="GET /api/v3/ping",code="401"})") == 1);
  CHECK(metric_sample(t, R"(rkgate_http_requests_total{route="POST /api/v3/postorder",code="201"})") == 1);
  CHECK(metric_sample(t, R"(rkgate_http_request_duration_seconds_count{route="GET /api/v3/getmenu"})") == 1);
  // The gateway's own part: for the postorder, which waited for r_keeper, and less than
  // its whole duration; none for getmenu, answered from the MENU CACHE.
  CHECK(metric_sample(t, R"(rkgate_http_request_overhead_seconds_count{route="POST /api/v3/postorder"})") == 1);
  CHECK(metric_sample(t, R"(rkgate_http_request_overhead_seconds_sum{route="POST /api/v3/postorder"})")
        < metric_sample(t, R"(rkgate_http_request_duration_seconds_sum{route="POST /api/v3/postorder"})"));
  CHECK(metric_sample(t, R"(rkgate_http_request_overhead_seconds_count{route="GET /api/v3/getmenu"})") == -1);
  CHECK(metric_sample(t, R"(rkgate_cash_server_up{restaurant="r1"})") == 1);
  // CreateOrder and SaveOrder at least, besides the menu and health reads.
  CHECK(metric_sample(t, R"(rkgate_rk7_call_duration_seconds_count{restaurant="r1"})") >= 2);
  CHECK(metric_sample(t, R"(rkgate_order_status_changes_total{restaurant="r1",status="0"})") == 1);
  CHECK(metric_sample(t, "rkgate_callbacks_pending") >= 0);
  auto age = metric_sample(t, R"(rkgate_menu_age_seconds{restaurant="r1"})");
  CHECK(age >= 0);
  CHECK(age < 60);
  // The order is followed: the STATUS POLLER lists the orders at once, then every period.
  double poll_age = -1;
  CHECK(eventually([&] {
    poll_age = metric_sample(http_request("GET", g.url("/metrics")).body,
                             R"(rkgate_status_poll_age_seconds{restaurant="r1"})");
    return poll_age >= 0; // -1: not in the answer yet
  }));
  CHECK(poll_age < 60);
  // Every sample line is `name{labels} number` or `name number`.
  std::regex line_format(R"(^([a-z_0-9]+(\{[^}]*\})? -?[0-9.e+-]+|# (HELP|TYPE) .*)$)");
  std::istringstream lines(t);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(std::regex_match(line, line_format));
  }

  // Down cash server: up is 0 and transport errors are counted by kind.
  s.proc.reset();
  REQUIRE(eventually([&] {
    auto again = http_request("GET", g.url("/metrics")).body;
    return metric_sample(again, R"(rkgate_cash_server_up{restaurant="r1"})") == 0 &&
           metric_sample(again, R"(rkgate_rk7_call_errors_total{restaurant="r1",kind="network"})") >= 1;
  }));
}

TEST_CASE("metrics answer only internal_allow", "[gateway][e2e][metrics]") {
  sim s;
  gate g(s);
  g.restart_with("  max_body:", "  internal_allow: [10.255.255.1]\n");
  auto refused = http_request("GET", g.url("/metrics"));
  CHECK(refused.status == 403);
  CHECK(body_of(refused)["error"]["code"] == "forbidden");
}
