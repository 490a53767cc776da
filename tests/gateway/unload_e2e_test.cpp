// orders.unload_after end to end (issue 7): an idle open order leaves memory;
// reads come from its record; a payment loads it again and reaches r_keeper;
// a change on the till is still seen and called back. GET /metrics tells how
// many orders are open and how many of them are in memory.

#include "tracking_fixture.hpp"

#include <catch2/catch.hpp>

using namespace rkgate::test;

namespace {

double gauge(const tracking_gate& g, const std::string& name) {
  return metric_sample(http_request("GET", g.url("/metrics")).body, name + R"({source="site-a"})");
}

} // namespace

TEST_CASE("an idle open order leaves memory and comes back when something happens to it",
          "[gateway][e2e][unload]") {
  callback_receiver cb;
  sim s;
  tracking_gate g(s, cb.server.url("/cb"), "5m", false, "1s");
  auto created = g.post("/api/v3/postorder", simple_order("u-1"));
  REQUIRE(created.status == 201);
  auto guid = body_of(created)["data"]["guid"].get<std::string>();
  CHECK(gauge(g, "rkgate_open_orders") == 1);
  REQUIRE(eventually([&] { return gauge(g, "rkgate_orders_in_memory") == 0; }));
  CHECK(gauge(g, "rkgate_open_orders") == 1);

  // Reads come from the record without loading it: getorders, a postorder retry.
  auto order = g.order(guid);
  REQUIRE(order.is_object());
  CHECK(order["status"] == 0);
  auto retry = g.post("/api/v3/postorder", simple_order("u-1"));
  CHECK(retry.status == 200);
  CHECK(body_of(retry)["data"]["guid"] == guid);
  CHECK(gauge(g, "rkgate_orders_in_memory") == 0);

  // A payment loads it again and reaches the cash server.
  auto to_pay = order["to_pay"].get<double>();
  auto paid = g.post("/api/v3/pay", json{{"guid", guid}, {"payments", {{{"currency_code", 3}, {"sum", to_pay}}}}});
  REQUIRE(paid.status == 200);
  CHECK(body_of(paid)["data"]["to_pay"] == 0.0);
  CHECK(g.has_event("online_payment", guid));
  CHECK(g.order(guid)["paid"] == to_pay);

  // Out of memory again, the order closed on the till is seen and called back.
  REQUIRE(eventually([&] { return gauge(g, "rkgate_orders_in_memory") == 0; }));
  s.control("POST", "/sim/orders/" + guid + "/pay");
  REQUIRE(eventually([&] { return cb.statuses(guid) == std::vector<int>{0, 1}; }));
  CHECK(g.order(guid)["status"] == 1);
  REQUIRE(eventually([&] { return gauge(g, "rkgate_open_orders") == 0; }));
  CHECK(gauge(g, "rkgate_orders_in_memory") == 0);
}
