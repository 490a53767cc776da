// End to end against rk7sim: every change of a console order (docs/console.md
// §1) is a signed callback at the source's endpoint and an order_status event,
// both with delivery_state and the action behind it, in order per order; and
// status tracking moves created -> accepted when the order changes on the till.

#include "console_fixture.hpp"
#include "tracking_fixture.hpp"

#include <catch2/catch.hpp>

using namespace rkgate::test;

namespace {

/// The callbacks received for one order, in arrival order.
std::vector<json> callbacks_of(callback_receiver& cb, const std::string& guid) {
  std::vector<json> out;
  for (const auto& b : cb.bodies())
    if (b.value("guid", "") == guid)
      out.push_back(b);
  return out;
}

std::vector<std::string> states_of(const std::vector<json>& bodies) {
  std::vector<std::string> out;
  for (const auto& b : bodies)
    out.push_back(b.value("delivery_state", "?"));
  return out;
}

/// The order_status events about one order, oldest first.
std::vector<json> status_events(const console_gate& g, const std::string& guid) {
  auto feed = body_of(g.get("/api/v4/events?hash=none", console_source));
  std::vector<json> out;
  for (const auto& u : feed["data"]["updates"])
    if (u["code"] == "order_status" && u.value("guid", "") == guid)
      out.push_back(u);
  return out;
}

std::vector<std::string> event_states(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(e["order"].value("delivery_state", "?"));
  return out;
}

json console_record(const console_gate& g, const std::string& guid) {
  return body_of(g.get(console_gate::order_path(guid), op_hall))["data"];
}

/// One callback as the test expects it: top level and the record agree.
void check_callback(const json& b, int status, const json& previous_status, const std::string& state,
                    const json& previous_state, const std::string& action, const json& who) {
  INFO(b.dump());
  CHECK(b["event"] == "order_status");
  CHECK(b["restaurant"] == "r1");
  CHECK(b["status"] == status);
  CHECK(b["previous_status"] == previous_status);
  CHECK(b["delivery_state"] == state);
  CHECK(b["previous_delivery_state"] == previous_state);
  CHECK(b["action"]["action"] == action);
  CHECK(b["action"]["operator"] == who);
  CHECK(b["action"]["at"].is_string());
  CHECK(b["order"]["delivery_state"] == state);
  CHECK(b["order"]["status"] == status);
  CHECK(b["order"]["history"].is_array());
}

} // namespace

TEST_CASE("console: accept, cancel, dispatch and archive are called back and in the events feed, in order",
          "[console][e2e]") {
  callback_receiver cb;
  cb.secret = "s";
  sim s(2);
  console_gate g(s, cb.server.url("/cb"));

  auto a = g.post_order("announce-a");
  auto b = g.post_order("announce-b");
  REQUIRE(g.post(console_gate::order_path(a, "accept"), nullptr, op_hall).status == 200);
  REQUIRE(g.post(console_gate::order_path(b, "cancel"), json{{"reason", "guest declined"}}, op_evening).status == 200);
  REQUIRE(g.post(console_gate::order_path(a, "dispatch"), nullptr, op_evening).status == 200);
  REQUIRE(g.post(console_gate::order_path(a, "archive"), nullptr, op_hall).status == 200);

  using states = std::vector<std::string>;
  REQUIRE(eventually([&] { return callbacks_of(cb, a).size() >= 4 && callbacks_of(cb, b).size() >= 2; }));
  auto ca = callbacks_of(cb, a);
  auto cbs = callbacks_of(cb, b);
  REQUIRE(states_of(ca) == states{"waiting", "created", "in_transit", "archived"});
  REQUIRE(states_of(cbs) == states{"waiting", "deleted"});
  check_callback(ca[0], 5, nullptr, "waiting", nullptr, "received", nullptr);
  check_callback(ca[1], 0, 5, "created", "waiting", "accept", "hall");
  check_callback(ca[2], 0, 0, "in_transit", "created", "dispatch", "evening");
  check_callback(ca[3], 0, 0, "archived", "in_transit", "archive", "hall");
  CHECK(ca[1]["order"]["table"]["name"].get<std::string>().rfind("Dlv", 0) == 0);
  check_callback(cbs[0], 5, nullptr, "waiting", nullptr, "received", nullptr);
  check_callback(cbs[1], 3, 5, "deleted", "waiting", "cancel", "evening");
  CHECK(cbs[1]["action"]["reason"] == "guest declined");
  CHECK(cb.bad_signatures == 0);

  // The feed says the same, in the same order; save_order marks the accept.
  REQUIRE(eventually([&] { return status_events(g, a).size() >= 4 && status_events(g, b).size() >= 2; }));
  auto ea = status_events(g, a);
  CHECK(event_states(ea) == states{"waiting", "created", "in_transit", "archived"});
  CHECK(event_states(status_events(g, b)) == states{"waiting", "deleted"});
  CHECK(ea[1]["order"]["status"] == 0);
  CHECK(ea[1]["order"]["previous_delivery_state"] == "waiting");
  CHECK(ea[1]["order"]["action"]["operator"] == "hall");
  CHECK(ea[2]["order"]["action"]["action"] == "dispatch");
  auto feed = body_of(g.get("/api/v4/events?hash=none", console_source))["data"]["updates"];
  bool save_order = false;
  for (const auto& u : feed)
    save_order |= u["code"] == "save_order" && u["guid"] == a && u["order"]["delivery_state"] == "created";
  CHECK(save_order);

  // Nothing more than those: no duplicate from the ORDER's own announcements.
  CHECK(callbacks_of(cb, a).size() == 4);
  CHECK(callbacks_of(cb, b).size() == 2);
}

TEST_CASE("console: status tracking moves created -> accepted when the order changes on the till", "[console][e2e]") {
  callback_receiver cb;
  cb.secret = "s";
  sim s(2);
  console_gate g(s, cb.server.url("/cb"));
  using states = std::vector<std::string>;

  SECTION("staff changed the order on the till (a later r_keeper version)") {
    auto c = g.post_order("till-edit");
    REQUIRE(g.post(console_gate::order_path(c, "accept"), nullptr, op_hall).status == 200);
    REQUIRE(eventually([&] { return callbacks_of(cb, c).size() == 2; }));
    // Followed by the STATUS POLLER and seen once before the till changes it.
    REQUIRE(eventually([&] { return s.state()["requests"].value("GetOrderList", 0) >= 2; }));
    CHECK(console_record(g, c)["delivery_state"] == "created");
    s.control("POST", "/sim/orders/" + c + "/dishes", json{{"dish", 1000003}, {"quantity", 1000}});
    REQUIRE(eventually([&] { return console_record(g, c)["delivery_state"] == "accepted"; }));
    auto rec = console_record(g, c);
    auto last = rec["history"].back();
    CHECK(last["action"] == "tracking");
    CHECK(last["operator"].is_null());
    CHECK(last["to"] == "accepted");
    CHECK(rec["allowed_actions"] == json{"dispatch", "archive"});
    REQUIRE(eventually([&] { return callbacks_of(cb, c).size() >= 3; }));
    auto cc = callbacks_of(cb, c);
    CHECK(states_of(cc) == states{"waiting", "created", "accepted"});
    check_callback(cc[2], 0, 0, "accepted", "created", "tracking", nullptr);
    REQUIRE(eventually([&] { return event_states(status_events(g, c)) == states{"waiting", "created", "accepted"}; }));
    REQUIRE(g.post(console_gate::order_path(c, "dispatch"), nullptr, op_hall).status == 200);
  }

  SECTION("the bill printed, then the order voided on the till") {
    auto d = g.post_order("till-bill");
    REQUIRE(g.post(console_gate::order_path(d, "accept"), nullptr, op_hall).status == 200);
    REQUIRE(eventually([&] { return callbacks_of(cb, d).size() == 2; }));
    s.control("POST", "/sim/orders/" + d + "/bill");
    REQUIRE(eventually([&] { return console_record(g, d)["status"] == 2; }));
    CHECK(console_record(g, d)["delivery_state"] == "accepted");
    REQUIRE(eventually([&] {
      auto cd = callbacks_of(cb, d);
      return !cd.empty() && cd.back()["status"] == 2;
    }));
    s.control("POST", "/sim/orders/" + d + "/void");
    REQUIRE(eventually([&] { return console_record(g, d)["delivery_state"] == "deleted"; }));
    REQUIRE(eventually([&] {
      auto cd = callbacks_of(cb, d);
      return !cd.empty() && cd.back()["status"] == 3;
    }));
    auto cd = callbacks_of(cb, d);
    // The poller's later version and the ORDER's status 2 may come in either
    // order: one or two callbacks say accepted, the last one with status 2.
    std::vector<std::string> distinct;
    for (const auto& state : states_of(cd))
      if (distinct.empty() || distinct.back() != state)
        distinct.push_back(state);
    CHECK(distinct == states{"waiting", "created", "accepted", "deleted"});
    CHECK(cd[cd.size() - 2]["status"] == 2);
    check_callback(cd.back(), 3, 2, "deleted", "accepted", "tracking", nullptr);
    CHECK(cb.bad_signatures == 0);
  }
}
