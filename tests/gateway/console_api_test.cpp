// End-to-end tests of the operator console API (docs/console.md) against
// rkgate + rk7sim: authentication, the list and its changes poll, accept on the
// delivery table, accept while the cash server is down, cancel, and two
// operators accepting one order at once.

#include "console_fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <future>

using namespace rkgate::test;

namespace {

json sim_order(sim& s, const std::string& guid) {
  auto state = s.state(); // kept alive: the loop below reads into it
  for (const auto& o : state["orders"])
    if (o.value("guid", "") == guid)
      return o;
  return nullptr;
}

json data_of(const rkgate::test::http_response& r) {
  auto j = body_of(r);
  return j.is_object() && j.contains("data") ? j["data"] : json(nullptr);
}

std::string error_code(const rkgate::test::http_response& r) {
  auto j = body_of(r);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

} // namespace

TEST_CASE("console: operator tokens, restaurants and hidden orders", "[console]") {
  sim s(2);
  console_gate g(s);
  CHECK(g.get("/api/v3/console/me", nullptr).status == 401);
  CHECK(g.get("/api/v3/console/me", console_source).status == 401); // a source token is not an operator's
  auto me = g.get("/api/v3/console/me", op_hall);
  REQUIRE(me.status == 200);
  CHECK(data_of(me) == json{{"name", "hall"}, {"restaurants", {{{"id", "r1"}, {"name", "Restaurant 1"}}}}});
  CHECK(g.get("/api/v3/console/me?token=" + std::string(op_night), nullptr).status == 200);
  CHECK(g.get("/api/v3/console/orders?restaurant=r2", op_hall).status == 403);
  CHECK(g.post("/api/v3/getorders", json{{"guids", json::array()}}, op_hall).status == 401);

  auto guid = g.post_order("auth-1");
  CHECK(g.get(console_gate::order_path(guid), op_hall).status == 200);
  CHECK(error_code(g.get(console_gate::order_path(guid), op_night)) == "not_found"); // r2's operator
  CHECK(g.post(console_gate::order_path(guid, "accept"), json::object(), op_night).status == 404);
  CHECK(g.get(console_gate::order_path("{00000000-0000-0000-0000-000000000000}"), op_hall).status == 404);
  CHECK(g.get("/api/v3/console/orders/not-a-guid", op_hall).status == 404);
}

TEST_CASE("console: a manual order waits, listed with filters, paging and changes", "[console]") {
  sim s(2);
  console_gate g(s);
  auto first = g.post_order("list-1");
  auto rec = data_of(g.get(console_gate::order_path(first), op_hall));
  CHECK(rec["status"] == 5);
  CHECK(rec["status_name"] == "new");
  CHECK(rec["delivery_state"] == "waiting");
  CHECK(rec["allowed_actions"] == json{"accept", "cancel"});
  CHECK(rec["table"].is_null());
  CHECK(rec["problems"] == json::array());
  CHECK(rec["history"].size() == 1);
  CHECK(rec["history"][0]["action"] == "received");
  CHECK(rec["items"].size() == 2);
  CHECK(rec["items"][0]["name"].get<std::string>() != "");
  CHECK(rec["sum"].get<double>() > 0);
  CHECK(s.live_orders(1) == 0); // nothing on the cash server yet

  auto second = g.post_order("list-2");
  auto third = g.post_order("list-3");
  // Newest first by created_at (whole seconds), ties by guid descending.
  std::vector<std::pair<std::string, std::string>> expected;
  for (const auto& guid : {first, second, third})
    expected.emplace_back(data_of(g.get(console_gate::order_path(guid), op_hall))["created_at"], guid);
  std::sort(expected.rbegin(), expected.rend());
  auto page1 = data_of(g.get("/api/v3/console/orders?state=waiting&limit=2", op_hall));
  REQUIRE(page1["orders"].size() == 2);
  CHECK(page1["orders"][0]["guid"] == expected[0].second);
  CHECK(page1["orders"][1]["guid"] == expected[1].second);
  CHECK(page1["counts"]["waiting"] == 3);
  CHECK(page1["counts"]["all"] == 3);
  REQUIRE(page1["next_cursor"].is_string());
  auto page2 = data_of(g.get("/api/v3/console/orders?state=waiting&limit=2&cursor="
                             + page1["next_cursor"].get<std::string>(), op_hall));
  REQUIRE(page2["orders"].size() == 1);
  CHECK(page2["orders"][0]["guid"] == expected[2].second);
  CHECK(page2["next_cursor"].is_null());
  CHECK(data_of(g.get("/api/v3/console/orders?state=created", op_hall))["orders"].empty());
  CHECK(data_of(g.get("/api/v3/console/orders", op_night))["orders"].empty()); // r2 only

  // The changes poll: nothing new, then exactly the changed order.
  auto version = page1["version"].get<std::uint64_t>();
  auto none = data_of(g.get("/api/v3/console/orders?since_version=" + std::to_string(version), op_hall));
  CHECK(none["orders"].empty());
  CHECK(none["version"] == version);
  CHECK(none["more"] == false);
  auto fourth = g.post_order("list-4");
  auto changed = data_of(g.get("/api/v3/console/orders?since_version=" + std::to_string(version), op_hall));
  REQUIRE(changed["orders"].size() == 1);
  CHECK(changed["orders"][0]["guid"] == fourth);
  CHECK(changed["version"].get<std::uint64_t>() > version);
  auto limited = data_of(g.get("/api/v3/console/orders?since_version=0&limit=1", op_hall));
  CHECK(limited["more"] == true);
  CHECK(limited["version"] == limited["orders"][0]["version"]);
  CHECK(data_of(g.get("/api/v3/console/orders?since_version=999999", op_hall))["reset"] == true);

  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
         {"state=lost", "state"}, {"limit=0", "limit"}, {"limit=201", "limit"},
         {"cursor=zz", "cursor"}, {"since_version=-1", "since_version"}}) {
    auto r = g.get("/api/v3/console/orders?" + query, op_hall);
    CHECK(r.status == 400);
    CHECK(body_of(r)["error"]["details"]["field"] == field);
  }
}

TEST_CASE("console: accept creates the order on the delivery table, cancel never reaches the till", "[console]") {
  sim s(2);
  console_gate g(s);
  auto a = g.post_order("accept-1");
  auto b = g.post_order("accept-2");
  auto c = g.post_order("cancel-1");

  auto r = g.post(console_gate::order_path(a, "accept"), nullptr, op_hall);
  REQUIRE(r.status == 200);
  auto rec = data_of(r);
  CHECK(rec["delivery_state"] == "created");
  CHECK(rec["status"] == 0);
  CHECK(rec["table"] == json{{"code", 900}, {"name", "Dlv"}});
  CHECK(rec["visit"].is_number());
  CHECK(rec["allowed_actions"] == json{"dispatch", "archive"});
  auto last = rec["history"].back();
  CHECK(last["action"] == "accept");
  CHECK(last["operator"] == "hall");
  CHECK(last["result"] == "ok");
  CHECK(last["at"].get<std::string>().size() >= 19);
  auto on_till = sim_order(s, a);
  REQUIRE(on_till.is_object());
  CHECK(on_till["table"] == 10900); // the delivery table (code 900)

  auto r2 = data_of(g.post(console_gate::order_path(b, "accept"), json::object(), op_evening));
  CHECK(r2["table"]["name"] == "Dlv.1");

  // A second accept of the same order: 409 saying who accepted it.
  auto again = g.post(console_gate::order_path(a, "accept"), nullptr, op_evening);
  CHECK(again.status == 409);
  CHECK(error_code(again) == "invalid_state");
  CHECK(body_of(again)["error"]["details"]["last_action"]["operator"] == "hall");

  CHECK(body_of(g.post(console_gate::order_path(c, "cancel"), json::object(), op_hall))["error"]["details"]["field"]
        == "reason");
  auto cancelled = g.post(console_gate::order_path(c, "cancel"), json{{"reason", "  guest declined "}}, op_hall);
  REQUIRE(cancelled.status == 200);
  CHECK(data_of(cancelled)["status"] == 3);
  CHECK(data_of(cancelled)["delivery_state"] == "deleted");
  CHECK(data_of(cancelled)["history"].back()["reason"] == "guest declined");
  CHECK(sim_order(s, c).is_null());
  CHECK(s.live_orders(1) == 2);
  // The source sees the cancelled order with status 3 too.
  auto found = data_of(g.post("/api/v3/getorders", json{{"guids", {c}}}, console_source));
  CHECK(found["orders"][0]["status"] == 3);

  // Dispatch and archive are gateway-side.
  CHECK(data_of(g.post(console_gate::order_path(a, "dispatch"), nullptr, op_hall))["delivery_state"] == "in_transit");
  CHECK(data_of(g.post(console_gate::order_path(a, "archive"), nullptr, op_hall))["delivery_state"] == "archived");
  auto counts = data_of(g.get("/api/v3/console/orders", op_hall))["counts"];
  CHECK(counts == json{{"all", 2}, {"waiting", 0}, {"created", 1}, {"accepted", 0}, {"in_transit", 0},
                       {"archived", 1}, {"deleted", 1}});
}

TEST_CASE("console: accept while the cash server is down leaves the order waiting", "[console]") {
  sim s(2);
  console_gate g(s);
  auto guid = g.post_order("down-1");
  s.proc.reset(); // rk7sim gone: connections refused
  auto r = g.post(console_gate::order_path(guid, "accept"), nullptr, op_hall);
  CHECK(r.status == 503);
  CHECK(error_code(r) == "cash_server_unavailable");
  auto rec = data_of(g.get(console_gate::order_path(guid), op_hall));
  CHECK(rec["delivery_state"] == "waiting");
  CHECK(rec["status"] == 5);
  CHECK(rec["table"].is_null());
  CHECK(rec["last_error"]["code"] == "cash_server_unavailable");
  CHECK(rec["history"].back()["result"] == "error");
  CHECK(rec["allowed_actions"] == json{"accept", "cancel"});
}

TEST_CASE("console: two operators accepting at once, exactly one wins", "[console]") {
  sim s(2);
  console_gate g(s);
  auto guid = g.post_order("race-1");
  auto path = console_gate::order_path(guid, "accept");
  auto first = std::async(std::launch::async, [&] { return g.post(path, nullptr, op_hall); });
  auto second = std::async(std::launch::async, [&] { return g.post(path, nullptr, op_evening); });
  auto x = first.get();
  auto y = second.get();
  std::vector<long> statuses = {x.status, y.status};
  std::sort(statuses.begin(), statuses.end());
  CHECK(statuses == std::vector<long>{200, 409});
  CHECK(s.live_orders(1) == 1);
  auto rec = data_of(g.get(console_gate::order_path(guid), op_hall));
  std::size_t accepts = 0;
  for (const auto& h : rec["history"])
    accepts += h["action"] == "accept" && h["result"] == "ok";
  CHECK(accepts == 1);
}

TEST_CASE("console: an order cancelled through the source API shows deleted at once", "[console]") {
  sim s(2);
  console_gate g(s);
  auto guid = g.post_order("api-cancel-1");
  REQUIRE(g.post("/api/v3/cancel", json{{"guid", guid}}, console_source).status == 200);
  // The ORDER's status change reaches the console by status tracking, without any operator action.
  REQUIRE(eventually([&] { return data_of(g.get(console_gate::order_path(guid), op_hall))["delivery_state"] == "deleted"; }));
  auto tracked = data_of(g.get(console_gate::order_path(guid), op_hall))["history"].back();
  CHECK(tracked["action"] == "tracking");
  CHECK(tracked["to"] == "deleted");
  auto late = g.post(console_gate::order_path(guid, "cancel"), json{{"reason", "no answer"}}, op_hall);
  CHECK(late.status == 409);
  auto rec = data_of(g.get(console_gate::order_path(guid), op_hall));
  CHECK(rec["delivery_state"] == "deleted");
  CHECK(rec["status"] == 3);
  CHECK(rec["allowed_actions"] == json{"archive"});
  CHECK(s.live_orders(1) == 0);
}
