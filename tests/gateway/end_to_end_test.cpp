// rkgate against rk7sim, end to end: every route of api.md §3 and its error codes.

#include "gateway_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <set>

using namespace rkgate::test;

TEST_CASE("ping, restaurants, auth and routing", "[gateway][e2e]") {
  sim s;
  gate g(s);

  auto ping = g.get("/api/v3/ping?restaurant=r1");
  REQUIRE(ping.status == 200);
  auto j = body_of(ping);
  CHECK(j["result"] == true);
  CHECK(j["data"]["source"]["name"] == "site-a");
  CHECK(j["data"]["restaurant"]["id"] == "r1");
  REQUIRE(eventually([&] { return body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["cash_server"]["reachable"] == true; }));

  CHECK(g.get("/api/v3/ping?restaurant=r1", nullptr).status == 401);
  CHECK(g.get("/api/v3/ping?restaurant=r1", "wrong-token").status == 401);
  CHECK(body_of(g.get("/api/v3/ping?restaurant=r1", "wrong"))["error"]["code"] == "unauthorized");
  // Token as query parameter (ProCart clients).
  CHECK(g.get(std::string("/api/v3/ping?restaurant=r1&token=") + token_a, nullptr).status == 200);
  CHECK(body_of(g.get("/api/v3/ping?restaurant=nope"))["error"]["code"] == "unknown_restaurant");
  // site-b has exactly one restaurant: it may omit it.
  CHECK(g.get("/api/v3/ping", token_b).status == 200);

  auto list = body_of(g.get("/api/v3/restaurants"));
  REQUIRE(list["data"]["restaurants"].size() == 1);
  CHECK(list["data"]["restaurants"][0]["id"] == "r1");

  CHECK(g.get("/healthz", nullptr).status == 200);
  auto swagger = g.get("/swagger", nullptr, {{"Accept", "application/json"}});
  CHECK(swagger.status == 200);
  CHECK(body_of(swagger)["openapi"] == "3.0.3");
  CHECK(g.get("/swagger", nullptr).body.find("<html") != std::string::npos);
}

TEST_CASE("getmenu serves the external-sales menu with ETag", "[gateway][e2e]") {
  sim s;
  gate g(s);
  auto r = g.get("/api/v3/getmenu?restaurant=r1");
  REQUIRE(r.status == 200);
  auto data = body_of(r)["data"];
  CHECK(data["order_category"]["code"] == 1);
  CHECK(data["items"].size() == 41); // 40 dishes and the combo; the bar is outside
  CHECK_FALSE(data["categories"].empty());
  bool ribeye_limited = false, caesar_described = false;
  for (const auto& i : data["items"]) {
    if (i["id"] == 1000012)
      ribeye_limited = i["remains"] == 5.0;
    if (i["id"] == 1000001)
      caesar_described = !i["description"].get<std::string>().empty() && i["price"] == 420.0;
  }
  CHECK(ribeye_limited);
  CHECK(caesar_described);
  CHECK_FALSE(data["modifier_schemes"].empty());
  auto etag = r.headers["etag"];
  REQUIRE(etag == "\"" + data["version"].get<std::string>() + "\"");
  auto again = g.get("/api/v3/getmenu?restaurant=r1", token_a, {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());

  // Order-category prices: delivery is 10% dearer.
  auto delivery = body_of(g.get("/api/v3/getmenu?restaurant=r1&order_category=2"))["data"];
  for (const auto& i : delivery["items"])
    if (i["id"] == 1000001)
      CHECK(i["price"] == 462.0);
  CHECK(g.get("/api/v3/getmenu?restaurant=r1&order_category=x").status == 400);
}

TEST_CASE("validate prices without creating anything and lists problems", "[gateway][e2e]") {
  sim s;
  gate g(s);
  json cart = simple_order("v-1");
  cart["items"][0]["price"] = 1.0; // not the menu price
  auto r = g.post("/api/v3/validate", cart);
  REQUIRE(r.status == 200);
  auto data = body_of(r)["data"];
  CHECK(data["order"]["items"].size() == 2);
  CHECK(data["order"]["total"] == 420.0 + 2 * 350.0);
  REQUIRE(data["warnings"].size() == 1);
  CHECK(data["warnings"][0]["problem"] == "price_changed");
  CHECK(s.live_orders() == 0);

  json bad = simple_order("v-2");
  bad["items"].push_back({{"id", 999999}, {"quantity", 1}});
  bad["items"].push_back({{"id", 1000012}, {"quantity", 6}});
  bad["discounts"] = {{{"type", "REF"}, {"code", 77}}};
  bad["payments"] = {{{"currency_code", 99}, {"sum", 1}}};
  auto v = g.post("/api/v3/validate", bad);
  REQUIRE(v.status == 422);
  auto err = body_of(v)["error"];
  CHECK(err["code"] == "cart_invalid");
  std::set<std::string> problems;
  for (const auto& p : err["details"])
    problems.insert(p["problem"].get<std::string>());
  CHECK(problems == std::set<std::string>{"unknown_item", "not_enough_remains", "unknown_discount", "unknown_currency"});
  for (const auto& p : err["details"])
    if (p["problem"] == "not_enough_remains")
      CHECK(p["available"] == 5.0);

  // Bad bodies.
  CHECK(body_of(g.post("/api/v3/validate", json{{"restaurant", "r1"}, {"items", json::array()}}))["error"]["code"] == "bad_request");
  auto raw = rkgate::test::http_request("POST", g.url("/api/v3/validate"), "{not json",
                                        {{"token", token_a}, {"Content-Type", "application/json"}});
  CHECK(raw.status == 400);
  CHECK(body_of(raw)["error"]["code"] == "bad_json");
  json wrong = simple_order("v-3");
  wrong["items"][1]["quantity"] = "two";
  auto w = body_of(g.post("/api/v3/validate", wrong));
  CHECK(w["error"]["details"]["field"] == "items[1].quantity");
  json big = simple_order("v-4");
  big["comment"] = std::string(70000, 'x');
  CHECK(g.post("/api/v3/validate", big).status == 413);
}

TEST_CASE("postorder creates once, getorders and close follow it", "[gateway][e2e]") {
  sim s;
  gate g(s);
  json order = simple_order("site-1");
  order["items"][0]["item_comment"] = "no onions";
  order["short_external_info"] = "site-1 +79990001122";
  order["comment"] = "Long comment for the kitchen";
  auto r = g.post("/api/v3/postorder", order);
  REQUIRE(r.status == 201);
  auto data = body_of(r)["data"];
  auto guid = data["guid"].get<std::string>();
  CHECK(data["status"] == 0);
  CHECK(data["table"]["name"] == "100");
  CHECK(data["order"]["total"] == 1120.0);
  CHECK(s.live_orders() == 1);

  // Idempotent repeat: same guid, nothing new on the cash server.
  auto again = g.post("/api/v3/postorder", order);
  CHECK(again.status == 200);
  CHECK(body_of(again)["data"]["guid"] == guid);
  CHECK(s.live_orders() == 1);
  // Same external_id, different body.
  json changed = order;
  changed["items"][0]["quantity"] = 3;
  auto conflict = g.post("/api/v3/postorder", changed);
  CHECK(conflict.status == 409);
  CHECK(body_of(conflict)["error"]["code"] == "idempotency_conflict");

  // Second and third concurrent orders go to 100.1 and 100.2.
  auto second = body_of(g.post("/api/v3/postorder", simple_order("site-2")))["data"];
  auto third = body_of(g.post("/api/v3/postorder", simple_order("site-3")))["data"];
  CHECK(second["table"]["name"] == "100.1");
  CHECK(third["table"]["name"] == "100.2");

  auto open = body_of(g.get("/api/v3/getorders"))["data"]["orders"];
  CHECK(open.size() == 3);
  auto found = body_of(g.post("/api/v3/getorders", json{{"guids", {guid, "{00000000-0000-0000-0000-000000000000}"}}}))["data"];
  REQUIRE(found["orders"].size() == 1);
  CHECK(found["orders"][0]["external_id"] == "site-1");
  CHECK(found["orders"][0]["short_external_info"] == "site-1 +79990001122");
  CHECK(found["not_found"].size() == 1);
  // Another source cannot see it.
  auto other = body_of(g.post("/api/v3/getorders", json{{"guids", {guid}}}, token_b))["data"];
  CHECK(other["orders"].empty());
  CHECK(other["not_found"].size() == 1);
  CHECK(g.post("/api/v3/close", json{{"guid", guid}}, token_b).status == 404);

  // Not prepaid: cannot close.
  auto close = g.post("/api/v3/close", json{{"guid", guid}});
  CHECK(close.status == 409);
  CHECK(body_of(close)["error"]["code"] == "invalid_state");

  // print_info from loopback.
  auto encoded = "%7B" + guid.substr(1, guid.size() - 2) + "%7D";
  auto info = rkgate::test::http_request("GET", g.url("/api/v3/internal/print_info?guid=" + encoded));
  CHECK(info.status == 200);
  CHECK(info.body == "Long comment for the kitchen");

  // The cashier pays the first order: it leaves getorders and its table is reused.
  s.control("POST", "/sim/orders/" + guid + "/pay");
  REQUIRE(eventually([&] { return body_of(g.get("/api/v3/getorders"))["data"]["orders"].size() == 2; }));
  auto fourth = body_of(g.post("/api/v3/postorder", simple_order("site-4")))["data"];
  CHECK(fourth["table"]["name"] == "100");
  // A retry of the finished order is answered from its stored record.
  auto stored = g.post("/api/v3/postorder", order);
  CHECK(stored.status == 200);
  CHECK(body_of(stored)["data"]["guid"] == guid);
  CHECK(body_of(stored)["data"]["table"]["name"] == "100");
}

TEST_CASE("prepaid order in two currencies with discounts, closed through the API", "[gateway][e2e]") {
  sim s;
  gate g(s);
  json order = simple_order("pp-1"); // 420 + 2*350 = 1120
  order["discounts"] = {{{"type", "REF"}, {"code", 1}}, {{"type", "SUM"}, {"code", 2}, {"sum", 100}}};
  auto priced = body_of(g.post("/api/v3/validate", order))["data"]["order"];
  REQUIRE(priced["discounts"].size() == 2);
  double total = priced["total"];
  CHECK(total < 1120.0);
  order["payments"] = {{{"currency_code", 1}, {"sum", 100.0}}, {{"currency_code", 2}, {"sum", total - 100.0}}};
  auto r = g.post("/api/v3/postorder", order);
  REQUIRE(r.status == 201);
  auto data = body_of(r)["data"];
  CHECK(data["order"]["to_pay"] == 0.0);
  CHECK(data["order"]["prepaid"] == total);
  auto close = g.post("/api/v3/close", json{{"guid", data["guid"]}});
  CHECK(close.status == 200);
  CHECK(body_of(close)["data"]["status"] == 1);
  CHECK(g.post("/api/v3/close", json{{"guid", data["guid"]}}).status == 409);
}

TEST_CASE("stop list: 422 and nothing created", "[gateway][e2e]") {
  sim s;
  gate g(s);
  auto before = g.post("/api/v3/postorder", simple_order("stop-0"));
  REQUIRE(before.status == 201);
  s.control("POST", "/sim/stoplist", json{{"dish", 1000001}, {"on", true}});
  REQUIRE(eventually([&] {
    auto items = body_of(g.get("/api/v3/getmenu?restaurant=r1"))["data"]["items"];
    for (const auto& i : items)
      if (i["id"] == 1000001)
        return false;
    return true;
  }));
  auto r = g.post("/api/v3/postorder", simple_order("stop-1"));
  REQUIRE(r.status == 422);
  CHECK(body_of(r)["error"]["details"][0]["problem"] == "stop_list");
  CHECK(s.live_orders() == 1);
  // A retry of the order created before the stop list is answered with it
  // (its cart is not judged again); a changed body is still a conflict.
  auto retry = g.post("/api/v3/postorder", simple_order("stop-0"));
  CHECK(retry.status == 200);
  CHECK(body_of(retry)["data"]["guid"] == body_of(before)["data"]["guid"]);
  json changed = simple_order("stop-0");
  changed["items"][0]["quantity"] = 3;
  CHECK(g.post("/api/v3/postorder", changed).status == 409);
  CHECK(s.live_orders() == 1);
}

TEST_CASE("cash server down: ping says so, postorder 503 with nothing created", "[gateway][e2e]") {
  sim s;
  gate g(s);
  REQUIRE(eventually([&] { return body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["cash_server"]["reachable"] == true; }));
  REQUIRE(g.get("/api/v3/getmenu?restaurant=r1").status == 200);
  s.proc->stop(SIGKILL);
  REQUIRE(eventually([&] { return body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["cash_server"]["reachable"] == false; }));
  auto ping = body_of(g.get("/api/v3/ping?restaurant=r1"));
  CHECK_FALSE(ping["data"]["cash_server"]["last_error"].is_null());
  auto r = g.post("/api/v3/postorder", simple_order("down-1"));
  CHECK(r.status == 503);
  CHECK(body_of(r)["error"]["code"] == "cash_server_unavailable");
  CHECK(body_of(g.get("/api/v3/getorders"))["data"]["orders"].empty());
}

TEST_CASE("a crash between CreateOrder and SaveOrder leaves one complete order", "[gateway][e2e]") {
  sim s;
  gate g(s, 1, "create_order");
  auto r = g.post("/api/v3/postorder", simple_order("crash-1"));
  CHECK(r.status == 0); // the gateway died mid-request
  REQUIRE(s.live_orders() == 1);
  g.start(); // restart without the hook
  auto retry = g.post("/api/v3/postorder", simple_order("crash-1"));
  INFO("retry answered " << retry.status << ": " << retry.body);
  REQUIRE((retry.status == 200 || retry.status == 201));
  auto st = s.state();
  std::size_t live = 0, dishes = 0;
  for (const auto& o : st["orders"])
    if (!o.value("deleted", false)) {
      ++live;
      for (const auto& sess : o["sessions"])
        dishes += sess["dishes"].size();
    }
  CHECK(live == 1);
  CHECK(dishes == 2);
  CHECK(body_of(retry)["data"]["order"]["total"] == 1120.0);
}

TEST_CASE("two restaurants at once, one slow", "[gateway][e2e]") {
  sim s(2);
  gate g(s, 2);
  REQUIRE(g.get("/api/v3/getmenu?restaurant=r1").status == 200);
  REQUIRE(g.get("/api/v3/getmenu?restaurant=r2").status == 200);
  s.control("POST", "/sim/latency", json{{"ms", 2000}}, 1);
  std::thread slow([&] {
    auto r = g.post("/api/v3/postorder", simple_order("slow-1"));
    CHECK((r.status == 201 || r.status == 202));
  });
  auto started = std::chrono::steady_clock::now();
  json fast = simple_order("fast-1");
  fast["restaurant"] = "r2";
  auto r = g.post("/api/v3/postorder", fast);
  auto took = std::chrono::steady_clock::now() - started;
  slow.join();
  CHECK(r.status == 201);
  CHECK(took < std::chrono::milliseconds(1500));
}
