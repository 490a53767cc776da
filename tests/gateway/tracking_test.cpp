// Issue 5 end to end against rk7sim: status tracking (the cashier's actions
// on the till), signed push callbacks (also through a dead endpoint and a
// restart), the events feed, table-side ordering, pay, close and cancel.

#include "tracking_fixture.hpp"

#include <catch2/catch.hpp>

using namespace rkgate::test;

namespace {

std::string created(const tracking_gate& g, const json& body) {
  auto r = g.post("/api/v3/postorder", body);
  REQUIRE(r.status == 201);
  return body_of(r)["data"]["guid"].get<std::string>();
}

int status_of(const tracking_gate& g, const std::string& guid) {
  auto o = g.order(guid);
  return o.is_object() ? o["status"].get<int>() : -1;
}

} // namespace

TEST_CASE("the cashier's bill, payment and void reach getorders, callbacks and events", "[gateway][e2e][tracking]") {
  callback_receiver cb;
  sim s(2);
  tracking_gate g(s, cb.server.url("/cb"));
  auto a = created(g, simple_order("t-a"));
  auto b = created(g, simple_order("t-b"));
  const auto a_items = g.order(a)["items"];
  REQUIRE(a_items.size() > 0);
  REQUIRE(eventually([&] { return cb.statuses(a) == std::vector<int>{0} && cb.statuses(b) == std::vector<int>{0}; }));
  CHECK(g.has_event("save_order", a));

  s.control("POST", "/sim/orders/" + a + "/bill");
  REQUIRE(eventually([&] { return status_of(g, a) == 2; }, std::chrono::seconds(5)));
  REQUIRE(eventually([&] { return cb.statuses(a) == std::vector<int>{0, 2}; }, std::chrono::seconds(5)));

  s.control("POST", "/sim/orders/" + a + "/pay");
  s.control("POST", "/sim/orders/" + b + "/void");
  REQUIRE(eventually([&] { return cb.statuses(a) == std::vector<int>{0, 2, 1}; }, std::chrono::seconds(5)));
  REQUIRE(eventually([&] { return cb.statuses(b) == std::vector<int>{0, 3}; }, std::chrono::seconds(5)));
  CHECK(status_of(g, a) == 1);
  CHECK(status_of(g, b) == 3);
  CHECK(g.get("/api/v3/getorders")["data"]["orders"].empty());

  // The bodies follow the contract. Each carries the priced order, the ones
  // announced after creation too (read back from the record's text).
  for (const auto& body : cb.bodies())
    if (body["guid"] == a)
      CHECK(body["order"]["items"] == a_items);
  for (const auto& body : cb.bodies()) {
    if (body["guid"] != a || body["status"] != 1)
      continue;
    CHECK(body["event"] == "order_status");
    CHECK(body["external_id"] == "t-a");
    CHECK(body["restaurant"] == "r1");
    CHECK(body["status_name"] == "closed");
    CHECK(body["previous_status"] == 2);
    CHECK(body["order"]["guid"] == a);
    CHECK(body["order"]["status"] == 1);
  }
  CHECK(cb.bad_signatures == 0);
  CHECK(g.has_event("order_status", a));
  CHECK(g.has_event("order_status", b));

  // Dishes added on the till: an additional_order event, the new item in getorders.
  auto c = created(g, simple_order("t-c"));
  auto items = g.order(c)["items"].size();
  s.control("POST", "/sim/orders/" + c + "/dishes", json{{"dish", 1000003}, {"quantity", 1000}});
  REQUIRE(eventually([&] { return g.order(c)["items"].size() == items + 1; }, std::chrono::seconds(5)));
  REQUIRE(eventually([&] { return g.has_event("additional_order", c); }, std::chrono::seconds(5)));
}

TEST_CASE("an order's own callback_url gets its callbacks where its source has no default",
          "[gateway][e2e][tracking]") {
  callback_receiver site_a;
  callback_receiver own;
  own.secret = "s2"; // site-b's secret signs its orders' callbacks
  sim s(2);
  tracking_gate g(s, site_a.server.url("/cb"));
  auto with_url = simple_order("own-url");
  with_url["restaurant"] = "r2";
  with_url["callback_url"] = own.server.url("/own");
  auto r = g.post("/api/v3/postorder", with_url, token_b);
  REQUIRE(r.status == 201);
  auto guid = body_of(r)["data"]["guid"].get<std::string>();
  REQUIRE(eventually([&] { return !own.statuses(guid).empty(); }, std::chrono::seconds(10)));
  CHECK(own.statuses(guid) == std::vector<int>{0});
  CHECK(own.bad_signatures == 0);
}

TEST_CASE("a dead callback endpoint gets every callback in order once back, across a restart",
          "[gateway][e2e][tracking]") {
  callback_receiver cb;
  cb.down = true;
  sim s(2);
  tracking_gate g(s, cb.server.url("/cb"));
  auto a = created(g, simple_order("d-a"));
  s.control("POST", "/sim/orders/" + a + "/bill");
  REQUIRE(eventually([&] { return status_of(g, a) == 2; }, std::chrono::seconds(5)));
  s.control("POST", "/sim/orders/" + a + "/pay");
  REQUIRE(eventually([&] { return status_of(g, a) == 1; }, std::chrono::seconds(5)));
  REQUIRE(eventually([&] { return cb.refused >= 2; }, std::chrono::seconds(10)));
  CHECK(cb.bodies().empty());

  g.restart();
  cb.down = false;
  // The retry schedule doubles (1 s, 2 s, 4 s, ...): a slow machine that spent
  // longer refusing waits longer for the next attempt.
  REQUIRE(eventually([&] { return cb.statuses(a).size() >= 3; }, std::chrono::seconds(60)));
  CHECK(cb.statuses(a) == std::vector<int>{0, 2, 1});
}

TEST_CASE("the events feed pages by hash, per restaurant, across a restart, and expires", "[gateway][e2e][tracking]") {
  callback_receiver cb;
  sim s(2);
  tracking_gate g(s, cb.server.url("/cb"), "4s");
  auto call = [&](const char* kind) {
    return g.post("/api/v3/tablecall", json{{"restaurant", "r1"}, {"table_code", 105}, {"kind", kind}});
  };
  REQUIRE(call("waiter_call").status == 200);
  CHECK(call("dance").status == 400);
  auto all = g.events();
  CHECK(all["reset"] == true);
  REQUIRE(all["updates"].size() == 1);
  auto first = all["updates"][0];
  CHECK(first["code"] == "waiter_call");
  CHECK(first["restaurant"] == "r1");
  CHECK(first["table"] == 105);
  auto h1 = first["hash"].get<std::string>();

  REQUIRE(call("bill_request").status == 200);
  auto next = g.get("/api/v4/events?hash=" + h1)["data"];
  CHECK_FALSE(next.contains("reset"));
  REQUIRE(next["updates"].size() == 1);
  CHECK(next["updates"][0]["code"] == "bill_request");
  auto h2 = next["updates"][0]["hash"].get<std::string>();
  CHECK(g.get("/api/v4/events?hash=" + h2)["data"]["updates"].empty());
  CHECK(g.get("/api/v4/events?hash=0x00000000")["data"]["reset"] == true);
  // site-b sees restaurant r2 only: r1's events and hashes are not its own.
  CHECK(g.events(token_b)["updates"].empty());
  CHECK(g.get("/api/v4/events?hash=" + h1, token_b)["data"]["reset"] == true);

  g.restart();
  auto after = g.get("/api/v4/events?hash=" + h1)["data"];
  CHECK_FALSE(after.contains("reset"));
  REQUIRE(after["updates"].size() == 1);
  CHECK(after["updates"][0]["hash"] == h2);

  // Past the window the hashes expire and the feed starts over.
  REQUIRE(eventually([&] { return g.get("/api/v4/events?hash=" + h2)["data"].value("reset", false); },
                     std::chrono::seconds(10)));
  CHECK(g.events()["updates"].empty());
}

TEST_CASE("a guest's call at a table carries the table's open order, loaded again if it left memory",
          "[gateway][e2e][tracking]") {
  callback_receiver cb;
  sim s(2);
  tracking_gate g(s, cb.server.url("/cb"), "5m", false, "300ms");
  auto call = [&](std::int64_t table, const char* kind) {
    auto r = g.post("/api/v3/tablecall", json{{"restaurant", "r1"}, {"table_code", table}, {"kind", kind}});
    REQUIRE(r.status == 200);
    return body_of(r)["data"];
  };
  auto table_event = [&](const char* code, std::int64_t table) {
    auto feed = g.events();
    for (const auto& u : feed["updates"])
      if (u["code"] == code && u["table"] == table)
        return u;
    return json();
  };
  auto first = simple_order("call-1");
  first["table_code"] = 105;
  auto guid = created(g, first);
  auto in_memory = [&] {
    return metric_sample(http_request("GET", g.url("/metrics")).body, R"(rkgate_orders_in_memory{source="site-a"})");
  };
  REQUIRE(eventually([&] { return in_memory() == 0; }));

  auto bill = call(105, "bill_request");
  CHECK(bill["guid"] == guid);
  CHECK(bill["kind"] == "bill_request");
  CHECK(bill["table_code"] == 105);
  REQUIRE(eventually([&] { return g.has_event("bill_request", guid); }));
  auto with_order = table_event("bill_request", 105);
  CHECK(with_order["order"]["guid"] == guid);
  CHECK(with_order["table_repr"]["id"] == 105);
  CHECK(with_order["invoice"].is_null());

  // A table without an open order of this source: the call has none.
  auto alone = call(106, "waiter_call");
  CHECK(alone["guid"].is_null());
  REQUIRE(eventually([&] { return table_event("waiter_call", 106).is_object(); }));
  CHECK(table_event("waiter_call", 106)["order"].is_null());

  // Two open orders at a table (one waiting for an operator is never merged):
  // the call names neither.
  auto manual = simple_order("call-2");
  manual["table_code"] = 105;
  manual["accept"] = "manual";
  created(g, manual);
  CHECK(call(105, "waiter_call")["guid"].is_null());
}

TEST_CASE("additional orders on a table, pay then close, cancel", "[gateway][e2e][tracking]") {
  callback_receiver cb;
  sim s(2);
  tracking_gate g(s, cb.server.url("/cb"));
  auto first = simple_order("tbl-1");
  first["table_code"] = 105;
  auto guid = created(g, first);
  auto items = g.order(guid)["items"].size();
  auto more = json{{"restaurant", "r1"}, {"external_id", "tbl-2"}, {"table_code", 105},
                   {"items", {{{"id", 1000003}, {"quantity", 1}}}}};
  auto added = g.post("/api/v3/postorder", more);
  REQUIRE(added.status == 201);
  CHECK(body_of(added)["data"]["guid"] == guid);
  CHECK(g.order(guid)["items"].size() == items + 1);
  CHECK(s.live_orders() == 1);
  CHECK(g.has_event("additional_order", guid));
  // A repeat of the additional order adds nothing.
  CHECK(g.post("/api/v3/postorder", more).status == 200);
  CHECK(g.order(guid)["items"].size() == items + 1);

  // pay: prepayments, then close.
  auto to_pay = g.order(guid)["to_pay"].get<double>();
  CHECK(g.post("/api/v3/close", json{{"guid", guid}}).status == 409);
  CHECK(g.post("/api/v3/pay", json{{"guid", guid}, {"payments", {{{"currency_code", 3}, {"sum", to_pay + 1}}}}})
          .status == 422);
  CHECK(g.post("/api/v3/pay", json{{"guid", guid}, {"payments", json::array()}}).status == 400);
  for (const char* route : {"/api/v3/pay", "/api/v3/cancel"}) {
    auto not_a_guid = g.post(route, json{{"guid", "order-1"}, {"payments", {{{"currency_code", 3}, {"sum", 1}}}}});
    CHECK(not_a_guid.status == 400);
    CHECK(body_of(not_a_guid)["error"]["details"]["field"] == "guid");
  }
  CHECK(g.order(guid)["to_pay"].get<double>() == to_pay);
  auto paid = g.post("/api/v3/pay", json{{"guid", guid}, {"payments", {{{"currency_code", 3}, {"sum", to_pay}}}}});
  REQUIRE(paid.status == 200);
  CHECK(body_of(paid)["data"]["to_pay"] == 0.0);
  CHECK(g.has_event("online_payment", guid));
  auto closed = g.post("/api/v3/close", json{{"guid", guid}});
  REQUIRE(closed.status == 200);
  CHECK(body_of(closed)["data"]["status"] == 1);
  REQUIRE(eventually([&] { return cb.statuses(guid) == std::vector<int>{0, 1}; }));
  CHECK(g.post("/api/v3/pay", json{{"guid", guid}, {"payments", {{{"currency_code", 3}, {"sum", 1}}}}}).status
        == 409);

  // cancel: an open order without payments is voided; one with payments is refused.
  auto open = created(g, simple_order("c-1"));
  auto cancelled = g.post("/api/v3/cancel", json{{"guid", open}, {"reason", "guest left"}});
  REQUIRE(cancelled.status == 200);
  CHECK(body_of(cancelled)["data"]["status"] == 3);
  CHECK(s.live_orders() == 1); // only the closed one
  CHECK(g.post("/api/v3/cancel", json{{"guid", open}}).status == 409);
  REQUIRE(eventually([&] { return cb.statuses(open) == std::vector<int>{0, 3}; }));
  auto prepaid = simple_order("c-2");
  prepaid["payments"] = {{{"currency_code", 3}, {"sum", 10}}};
  auto with_payment = created(g, prepaid);
  CHECK(g.post("/api/v3/cancel", json{{"guid", with_payment}}).status == 409);
  CHECK(g.post("/api/v3/cancel", json{{"guid", "{00000000-0000-0000-0000-000000000000}"}}).status == 404);
}

TEST_CASE("cancel of an order waiting for acceptance never reaches the cash server", "[gateway][e2e][tracking]") {
  callback_receiver cb;
  sim s(2);
  tracking_gate g(s, cb.server.url("/cb"));
  auto manual = simple_order("m-1");
  manual["accept"] = "manual";
  auto r = g.post("/api/v3/postorder", manual);
  REQUIRE(r.status == 201);
  auto guid = body_of(r)["data"]["guid"].get<std::string>();
  CHECK(body_of(r)["data"]["status"] == 5);
  auto cancelled = g.post("/api/v3/cancel", json{{"guid", guid}});
  REQUIRE(cancelled.status == 200);
  CHECK(body_of(cancelled)["data"]["status"] == 3);
  CHECK(s.live_orders() == 0);
  CHECK(s.state()["requests"].value("CreateOrder", 0) == 0);
}
