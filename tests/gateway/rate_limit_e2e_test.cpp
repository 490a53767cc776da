// Per-source rate limits (config `rate_limit`, api.md §1: 429 rate_limited with
// Retry-After): a source over its limit is refused and nothing is done for it;
// other sources are not affected.

#include "gateway_fixture.hpp"

#include <catch2/catch.hpp>


using namespace rkgate::test;

TEST_CASE("a source over its rate_limit gets 429 rate_limited with Retry-After; others go on",
          "[gateway][e2e][rate_limit]") {
  sim s;
  gate g(s);
  g.restart_with("    secret: s2\n", "    rate_limit: 30/m\n");

  // 30/m is 0.5/s: a burst of one request, then one per 2 s.
  CHECK(g.get("/api/v3/ping", token_b).status == 200);
  auto refused = g.get("/api/v3/ping", token_b);
  REQUIRE(refused.status == 429);
  CHECK(body_of(refused)["error"]["code"] == "rate_limited");
  auto retry_after = std::stoi(refused.headers["retry-after"]);
  CHECK(retry_after >= 1);
  CHECK(retry_after <= 2);

  // A refused postorder creates nothing.
  auto order = simple_order("rl-1");
  CHECK(g.post("/api/v3/postorder", order, token_b).status == 429);
  CHECK(body_of(g.get("/api/v3/getorders"))["data"]["orders"].empty()); // site-a sees its own: none

  // site-a has no limit.
  for (int i = 0; i < 20; ++i)
    REQUIRE(g.get("/api/v3/ping?restaurant=r1").status == 200);

  // Admitted again once the interval has passed.
  REQUIRE(eventually([&] { return g.get("/api/v3/ping", token_b).status == 200; }, std::chrono::seconds(5)));
  CHECK(s.live_orders() == 0);
}
