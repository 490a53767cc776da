// rkgate against rk7sim: the issue-4 cases end_to_end_test.cpp leaves out:
// XML-SaaS numbering across restarts and desyncs, MARKUPSUM and automatic
// discounts, 502 cash_server_error, print_info by visit, 202 past the
// deadline, Server-Timing.

#include "gateway_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <future>
#include <regex>
#include <sstream>

using namespace rkgate::test;

namespace {

const std::string instance_guid = "{8A9B7F0E-2C51-4B0A-9F4E-1D2C3B4A5968}";
const std::string anchor = "6:655cee55-7bcd-4826-b6e0-a8ccf2017ef3#199990001/17"; // demo restaurant 1
const std::string license_token = "lic-token-1";

/// Rewrites the gateway's config with restaurant r1 under XML-SaaS, then restarts it.
void restart_with_saas(gate& g) {
  g.restart_with("    menu:\n", "    license:\n      mode: saas\n      saas:\n        anchor: \"" + anchor +
                                   "\"\n        license_token: " + license_token + "\n        instance_guid: \"" +
                                   instance_guid + "\"\n");
}

/// Posts raw XML to the simulated cash server (as another client would).
std::string rk7_raw(const sim& s, const std::string& cmd_xml) {
  return http_request("POST", s.base() + "/rk7api/v0/xmlinterface.xml",
                      "<?xml version=\"1.0\" encoding=\"utf-8\"?><RK7Query>" + cmd_xml + "</RK7Query>",
                      {{"Authorization", "Basic aHR0cDpodHRw"}, {"Content-Type", "application/xml"}})
    .body;
}

std::string license_xml(long seq) {
  return "<LicenseInfo anchor=\"" + anchor + "\" licenseToken=\"" + license_token + "\"><LicenseInstance guid=\"" +
         instance_guid + "\"" + (seq >= 0 ? " seqNumber=\"" + std::to_string(seq) + "\"" : std::string()) +
         "/></LicenseInfo>";
}

/// The last seqNumber the simulated cash server accepted for our instance.
long server_seq(const sim& s) {
  auto reply = rk7_raw(s, "<RK7CMD CMD=\"GetXMLLicenseInstanceSeqNumber\">" + license_xml(-1) + "</RK7CMD>");
  std::smatch m;
  REQUIRE(std::regex_search(reply, m, std::regex("LicenseInstance[^>]*seqNumber=\"([0-9]+)\"")));
  return std::stol(m[1]);
}

long request_count(sim& s, const std::string& cmd) {
  auto st = s.state();
  return st["requests"].value(cmd, 0L);
}

/// The whole milliseconds of metric `name` (`<name>;dur=`) in a Server-Timing header, or -1.
long timing_ms(const http_response& r, const std::string& name) {
  auto it = r.headers.find("server-timing");
  if (it == r.headers.end())
    return -1;
  std::smatch m;
  if (!std::regex_search(it->second, m, std::regex("(^|, )" + name + ";dur=([0-9]+)\\.[0-9]{3}(,|$)")))
    return -1;
  return std::stol(m[2]);
}

long rk7_ms(const http_response& r) { return timing_ms(r, "rk7"); }

/// A priced simple_order (1120 in dishes) carrying one markup line that
/// charged `charged`, reported as a markup.
void check_one_markup(const json& priced, double charged) {
  REQUIRE(priced["discounts"].size() == 1);
  CHECK(priced["discounts"][0]["type"] == "MARKUPSUM");
  CHECK(priced["discounts"][0]["sum"] == charged);
  CHECK(priced["pricelist_sum"] == 1120.0);
  CHECK(priced["markup_sum"] == charged);
  CHECK(priced["discount_sum"] == 0.0);
  CHECK(priced["total"] == 1120.0 + charged);
}

} // namespace

TEST_CASE("XML-SaaS: numbering continues after a crash and recovers from a desync", "[gateway][e2e][saas]") {
  sim s(1, {"--saas", "--license-token", license_token});
  gate g(s);
  CHECK(body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["license"]["mode"] == "lifetime");
  restart_with_saas(g);
  REQUIRE(eventually([&] { return body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["license"]["valid"] == true; }));
  CHECK(body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["license"]["mode"] == "saas");

  REQUIRE(g.post("/api/v3/postorder", simple_order("saas-1")).status == 201);
  REQUIRE(g.post("/api/v3/postorder", simple_order("saas-2")).status == 201);
  CHECK(server_seq(s) == 1); // SaveOrder 0, SaveOrder 1
  auto checks = request_count(s, "GetXMLLicenseInstanceSeqNumber");

  // A crash: the persisted counter carries on, no resync needed.
  g.proc->stop(SIGKILL);
  g.start();
  REQUIRE(g.post("/api/v3/postorder", simple_order("saas-3")).status == 201);
  CHECK(server_seq(s) == 2);
  // One counter read by the gateway, its start-up licence check (+1: our server_seq).
  CHECK(eventually([&] { return request_count(s, "GetXMLLicenseInstanceSeqNumber") == checks + 2; }));

  // Another client of the same instance moves the server's counter to 4:
  // our next number (3) is refused with 5310, the gateway resyncs and retries.
  auto bump = rk7_raw(s, "<RK7CMD CMD=\"PayOrder\">" + license_xml(4) +
                           "<Order guid=\"{00000000-0000-0000-0000-0000000000AA}\"/><Station id=\"15004\"/>"
                           "<Cashier code=\"1\"/></RK7CMD>");
  REQUIRE(server_seq(s) == 4);
  auto before = request_count(s, "GetXMLLicenseInstanceSeqNumber");
  auto r = g.post("/api/v3/postorder", simple_order("saas-4"));
  REQUIRE(r.status == 201);
  CHECK(body_of(r)["data"]["order"]["total"] == 1120.0);
  CHECK(server_seq(s) == 5);
  CHECK(request_count(s, "GetXMLLicenseInstanceSeqNumber") == before + 2); // the resync and our check
  CHECK(s.live_orders() == 4);
  CHECK(body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["license"]["valid"] == true);

  // The prepaid order closes with PayOrder, also licensed.
  json paid = simple_order("saas-5");
  paid["payments"] = {{{"currency_code", 1}, {"sum", 1120.0}}};
  auto created = body_of(g.post("/api/v3/postorder", paid));
  REQUIRE(created["data"]["order"]["to_pay"] == 0.0);
  CHECK(g.post("/api/v3/close", json{{"guid", created["data"]["guid"]}}).status == 200);
  CHECK(server_seq(s) == 7);
}

TEST_CASE("XML-SaaS: a wrong anchor shows in ping as an invalid licence", "[gateway][e2e][saas]") {
  sim s(1, {"--saas", "--license-token", "another-token"});
  gate g(s);
  restart_with_saas(g); // our token is not the one the server accepts
  REQUIRE(eventually([&] {
    auto lic = body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["license"];
    return lic["mode"] == "saas" && lic.contains("error");
  }));
  auto lic = body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["license"];
  CHECK(lic["valid"] == false);
  auto r = g.post("/api/v3/postorder", simple_order("bad-lic-1"));
  CHECK(r.status == 502);
  CHECK(body_of(r)["error"]["code"] == "cash_server_error");
}

TEST_CASE("discounts: MARKUPSUM and the automatic delivery discount", "[gateway][e2e]") {
  sim s;
  gate g(s);
  // A manual-amount markup (code 5) charges exactly the sum asked for.
  json exact = simple_order("mk-exact"); // 420 + 2*350 = 1120
  exact["discounts"] = {{{"type", "MARKUPSUM"}, {"code", 5}, {"sum", 40.5}}};
  auto created = g.post("/api/v3/postorder", exact);
  REQUIRE(created.status == 201);
  auto charged = body_of(created)["data"]["order"];
  check_one_markup(charged, 40.5);
  CHECK(charged["discounts"][0]["code"] == 5);
  auto listed = body_of(g.post("/api/v3/getorders", json{{"guids", {body_of(created)["data"]["guid"]}}}));
  CHECK(listed["data"]["orders"][0]["sum"] == 1160.5);

  // A percent markup (code 3: +5%) charges its percent whatever sum is sent;
  // it is still reported as a markup.
  json order = simple_order("mk-1"); // 420 + 2*350 = 1120
  order["discounts"] = {{{"type", "MARKUPSUM"}, {"code", 3}, {"sum", 40}}};
  auto v = g.post("/api/v3/validate", order);
  REQUIRE(v.status == 200);
  check_one_markup(body_of(v)["data"]["order"], 56.0);

  // Delivery (order category 2): 10% dearer prices and the 5% automatic discount.
  json delivery = simple_order("auto-1");
  delivery["order_category"] = 2;
  delivery["discounts"] = {{{"type", "SUM"}, {"code", 2}, {"sum", 100}}};
  auto r = g.post("/api/v3/postorder", delivery);
  REQUIRE(r.status == 201);
  auto o = body_of(r)["data"]["order"];
  CHECK(o["pricelist_sum"] == 1232.0); // 462 + 2*385
  bool automatic = false, sum = false;
  for (const auto& d : o["discounts"]) {
    automatic = automatic || (d["type"] == "AUTO" && d["code"] == 4);
    sum = sum || (d["type"] == "SUM" && d["sum"] == 100.0);
  }
  CHECK(automatic);
  CHECK(sum);
  CHECK(o["markup_sum"] == 0.0);
  CHECK(o["discount_sum"].get<double>() > 100.0);
  CHECK(o["total"].get<double>() == Approx(1232.0 - o["discount_sum"].get<double>()));
  auto rec = body_of(g.post("/api/v3/getorders", json{{"guids", {body_of(r)["data"]["guid"]}}}))["data"]["orders"][0];
  CHECK(rec["sum"] == o["total"]);
}

TEST_CASE("cash server error: 502 with RK7ErrorN and nothing half-created", "[gateway][e2e]") {
  sim s;
  gate g(s);
  REQUIRE(g.get("/api/v3/getmenu?restaurant=r1").status == 200);
  // Every request from now on: "shift closing" (RK7ErrorN 2172).
  s.control("POST", "/sim/faults", json{{"kind", "shift_closing"}, {"count", 1000}});
  auto r = g.post("/api/v3/postorder", simple_order("shift-1"));
  // Once seen answering 500 under CI load (session 9, not reproduced): on a
  // failure, the answer and the gateway's log tell which path it took.
  INFO("answer: " << r.body << "\nrkgate stderr:\n" << g.proc->stderr_text());
  REQUIRE(r.status == 502);
  auto err = body_of(r)["error"];
  CHECK(err["code"] == "cash_server_error");
  CHECK(err["details"]["rk7_error_n"] == 2172);
  CHECK(s.live_orders() == 0);
  CHECK(body_of(g.get("/api/v3/getorders"))["data"]["orders"].empty());
  auto v = g.post("/api/v3/validate", simple_order("shift-2"));
  CHECK(v.status == 502);
  // An r_keeper error proves the server answers: still reachable.
  CHECK(body_of(g.get("/api/v3/ping?restaurant=r1"))["data"]["cash_server"]["reachable"] == true);

  // Once the shift is open again, the same external_id creates the order.
  s.control("DELETE", "/sim/faults");
  auto retry = g.post("/api/v3/postorder", simple_order("shift-1"));
  CHECK(retry.status == 201);
  CHECK(body_of(retry)["data"]["table"]["name"] == "100"); // the failed attempt freed its table
  CHECK(s.live_orders() == 1);
}

TEST_CASE("print_info by visit and order_ident; only from internal_allow", "[gateway][e2e]") {
  sim s;
  gate g(s);
  json order = simple_order("pi-1");
  order["comment"] = "Позвонить за 10 минут\nдомофон 12";
  REQUIRE(g.post("/api/v3/postorder", order).status == 201);
  auto rec = body_of(g.get("/api/v3/getorders"))["data"]["orders"][0];
  auto visit = rec["visit"].get<long long>();
  auto ident = rec["order_ident"].get<long long>();
  auto info = http_request("GET", g.url("/api/v3/internal/print_info?visit=" + std::to_string(visit) +
                                        "&order_ident=" + std::to_string(ident)));
  CHECK(info.status == 200);
  CHECK(info.headers["content-type"].find("text/plain") == 0);
  CHECK(info.body == "Позвонить за 10 минут\nдомофон 12");
  auto missing = http_request("GET", g.url("/api/v3/internal/print_info?visit=1&order_ident=2"));
  CHECK(missing.status == 404);

  // From an address outside internal_allow: restrict the list to one that is
  // not loopback and ask again from loopback.
  g.restart_with("  max_body:", "  internal_allow: [10.255.255.1]\n");
  auto refused = http_request("GET", g.url("/api/v3/internal/print_info?visit=" + std::to_string(visit) +
                                           "&order_ident=" + std::to_string(ident)));
  CHECK(refused.status == 403);
  CHECK(body_of(refused)["error"]["code"] == "forbidden");
}

TEST_CASE("postorder past the deadline: 202 with status 5, complete later", "[gateway][e2e]") {
  sim s;
  gate g(s); // request_timeout 5s
  REQUIRE(g.get("/api/v3/getmenu?restaurant=r1").status == 200);
  s.control("POST", "/sim/latency", json{{"ms", 6000}, {"command", "SaveOrder"}});
  auto first = std::async(std::launch::async, [&] { return g.post("/api/v3/postorder", simple_order("late-1")); });
  // CreateOrder is done and SaveOrder under way: a retry now waits for the same order.
  REQUIRE(eventually([&] { return s.live_orders() == 1; }));
  auto retry = g.post("/api/v3/postorder", simple_order("late-1"));
  auto r = first.get();
  REQUIRE(r.status == 202);
  auto data = body_of(r)["data"];
  CHECK(data["status"] == 5);
  CHECK(data["status_name"] == "new");
  auto guid = data["guid"].get<std::string>();
  REQUIRE(guid.size() == 38);
  // The retry reached its own deadline while the order was still being created.
  CHECK(retry.status == 202);
  CHECK(body_of(retry)["data"]["guid"] == guid);
  // The order completes in the background; getorders shows it with its sums.
  REQUIRE(eventually(
    [&] {
      auto found = body_of(g.post("/api/v3/getorders", json{{"guids", {guid}}}))["data"]["orders"];
      return found.size() == 1 && found[0]["status"] == 0 && found[0]["sum"] == 1120.0;
    },
    std::chrono::seconds(15)));
  // A retry now answers the finished result with the same guid.
  auto again = g.post("/api/v3/postorder", simple_order("late-1"));
  CHECK(again.status == 200);
  CHECK(body_of(again)["data"]["guid"] == guid);
  CHECK(s.live_orders() == 1);
}

TEST_CASE("Server-Timing reports the r_keeper time and the whole time of validate and postorder", "[gateway][e2e]") {
  sim s;
  gate g(s);
  REQUIRE(g.get("/api/v3/getmenu?restaurant=r1").status == 200);
  s.control("POST", "/sim/latency", json{{"ms", 150}, {"command", "CalcOrder"}});
  auto v = g.post("/api/v3/validate", simple_order("st-1"));
  REQUIRE(v.status == 200);
  CHECK(rk7_ms(v) >= 150);
  CHECK(rk7_ms(v) < 5000);
  // The gateway's whole time with the request holds its r_keeper time.
  CHECK(timing_ms(v, "total") >= rk7_ms(v));
  CHECK(timing_ms(v, "total") < 5000);

  s.control("POST", "/sim/latency", json{{"ms", 100}, {"command", "CreateOrder"}});
  s.control("POST", "/sim/latency", json{{"ms", 100}, {"command", "SaveOrder"}});
  auto p = g.post("/api/v3/postorder", simple_order("st-2"));
  REQUIRE(p.status == 201);
  CHECK(rk7_ms(p) >= 200); // CreateOrder + SaveOrder
  CHECK(timing_ms(p, "disk") >= 0); // the wait for a durable record after CreateOrder's reply
  CHECK(timing_ms(p, "total") >= rk7_ms(p) + timing_ms(p, "disk"));
  CHECK(timing_ms(v, "disk") == -1); // validate writes nothing
  // A repeat made no r_keeper call and waited for no write.
  auto again = g.post("/api/v3/postorder", simple_order("st-2"));
  CHECK(again.status == 200);
  CHECK(rk7_ms(again) == 0);
  CHECK(timing_ms(again, "disk") == 0);
  CHECK(timing_ms(again, "total") >= 0);
  CHECK(timing_ms(again, "total") < rk7_ms(p));
  // Routes without r_keeper calls carry no header.
  CHECK(rk7_ms(g.get("/api/v3/getmenu?restaurant=r1")) == -1);
}
