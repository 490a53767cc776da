// `rk7sim --cashier auto` end to end: the cashier takes an order saved over
// XML through bill and payment with the documented timing, GetOrder and
// GetOrderList (versions, lastversion) reflect each step, and /sim/state
// logs when each step happened and when a client could first see it.
//
// Session 1's attempt (never committed) saw /sim/state list no orders. The
// one way found to get exactly that: XML posts without `Content-Type:
// application/xml` go out form-encoded (libcurl's default), and rk7sim, like
// a real cash server, sees an empty body and answers HTTP 200 "Empty input
// XML", so nothing is created and nothing fails loudly. Every XML call below
// therefore checks the reply's Status.
#include "support/http.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

using rkgate::test::binary_path;
using rkgate::test::child;
using rkgate::test::http_request;
using json = nlohmann::json;

namespace {

constexpr int interval_ms = 150;
const std::map<std::string, std::string> headers = {{"Authorization", "Basic dXNlcjpwYXNz"}, // user:pass
                                                    {"Content-Type", "application/xml"}};

struct sim_process {
  child proc;
  explicit sim_process(std::vector<std::string> extra)
      : proc([&] {
          std::vector<std::string> a = {binary_path("rk7sim"), "--listen", "127.0.0.1:0", "--user", "user",
                                        "--password", "pass"};
          a.insert(a.end(), extra.begin(), extra.end());
          return a;
        }()) {}
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(proc.port()) + path; }

  /// One XML command; REQUIREs that the cash server answered `status`.
  pugi::xml_node xml(pugi::xml_document& doc, const std::string& cmd, const std::string& inner = "",
                     const std::string& attrs = "", const std::string& status = "Ok") {
    std::string body = "<RK7Query><RK7CMD CMD=\"" + cmd + "\" " + attrs + ">" + inner + "</RK7CMD></RK7Query>";
    auto r = http_request("POST", url("/rk7api/v0/xmlinterface.xml"), body, headers);
    REQUIRE(r.status == 200);
    REQUIRE(doc.load_string(r.body.c_str()));
    auto root = doc.child("RK7QueryResult");
    INFO(cmd << " answered " << r.body.substr(0, 400));
    REQUIRE(std::string(root.attribute("Status").value()) == status);
    return root;
  }

  json state() const {
    auto r = http_request("GET", url("/sim/state"), "", headers);
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  }

  /// Polls /sim/state until `done` holds; FAILs after `limit`.
  json wait_for(const std::function<bool(const json&)>& done, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    json s = state();
    while (!done(s)) {
      if (std::chrono::steady_clock::now() > deadline)
        FAIL("condition not met in time; state: " << s.dump().substr(0, 2000));
      std::this_thread::sleep_for(std::chrono::milliseconds(20)); // poll interval, not a wait for the sim
      s = state();
    }
    return s;
  }
};

/// The cashier's logged action `what` on `guid`, or null.
json action(const json& state, const std::string& guid, const std::string& what) {
  for (const auto& a : state["cashier"]["actions"])
    if (a["guid"] == guid && a["action"] == what)
      return a;
  return nullptr;
}

long long service_end(const json& state, const std::string& command) {
  long long end = -1;
  for (const auto& e : state["service_log"])
    if (e["command"] == command)
      end = e["end_ms"].get<long long>();
  return end;
}

} // namespace

TEST_CASE("rk7sim --cashier auto: bill then payment, with the documented timing and versions",
          "[rk7sim][process][cashier]") {
  sim_process sim({"--cashier", "auto", "--cashier-interval", std::to_string(interval_ms), "--cashier-rates",
                   "add=0,void=0,stoplist=0"});
  pugi::xml_document d1, d2, d3, d4, d5, d6, d7;
  std::string empty = sim.xml(d1, "CreateOrder", "<Order><Table code=\"102\"/></Order>").attribute("guid").value();
  std::string guid = sim.xml(d2, "CreateOrder", "<Order><Table code=\"101\"/></Order>").attribute("guid").value();
  long long list_before = sim.xml(d4, "GetOrderList").attribute("lastversion").as_llong();
  auto saved = sim.xml(d3, "SaveOrder",
                       "<Order guid=\"" + guid + "\"/><Session><Dish id=\"1000029\" quantity=\"2000\"/></Session>");
  long long saved_version = saved.child("Order").attribute("version").as_llong();

  json s = sim.wait_for([&](const json& st) { return !action(st, guid, "pay").is_null(); });
  json bill = action(s, guid, "bill"), pay = action(s, guid, "pay");
  REQUIRE_FALSE(bill.is_null());
  long long save_end = service_end(s, "SaveOrder");
  REQUIRE(save_end >= 0);

  // Billed in the first round after a whole quiet interval, paid one round later.
  // Upper bounds leave room for a loaded machine (timers fire late, never early).
  const long long slack = 1500;
  long long bill_at = bill["at_ms"], pay_at = pay["at_ms"];
  CHECK(bill_at - save_end >= interval_ms);
  CHECK(bill_at - save_end <= 2 * interval_ms + slack);
  CHECK(pay_at - bill_at >= interval_ms);
  CHECK(pay_at - bill_at <= interval_ms + slack);

  CHECK(bill["version"] == saved_version + 1);
  CHECK(pay["version"] == saved_version + 2);
  CHECK(pay["list_version"] == bill["list_version"].get<long long>() + 1);
  CHECK(bill["list_version"] == list_before + 2); // SaveOrder, then the bill
  // No client has asked for the order list since: nobody could have seen the steps yet.
  CHECK(bill["seen_ms"].is_null());

  // What a polling client sees: the new lastversion, the order closed at the new version.
  auto list = sim.xml(d5, "GetOrderList", "", "lastversion=\"" + std::to_string(list_before) + "\"");
  CHECK(list.attribute("lastversion").as_llong() == pay["list_version"].get<long long>());
  pugi::xml_node listed;
  for (auto v : list.children("Visit"))
    for (auto o : v.child("Orders").children("Order"))
      if (std::string(o.attribute("guid").value()) == guid)
        listed = o;
  REQUIRE(listed);
  CHECK(listed.attribute("Version").as_llong() == saved_version + 2);
  CHECK(std::string(listed.attribute("Bill").value()) == "1");
  CHECK(std::string(listed.attribute("Finished").value()) == "1");
  auto order = sim.xml(d6, "GetOrder", "<Order guid=\"" + guid + "\"/>").child("Order");
  CHECK(order.attribute("paid").as_int() == 1);
  CHECK(order.attribute("version").as_llong() == saved_version + 2);
  sim.xml(d7, "GetOrderList", "", "lastversion=\"" + std::string(list.attribute("lastversion").value()) + "\"",
          "No changes");

  // The GetOrderList above is when a poller could first have learnt of both steps.
  json after = sim.state();
  json seen_bill = action(after, guid, "bill"), seen_pay = action(after, guid, "pay");
  REQUIRE_FALSE(seen_bill["seen_ms"].is_null());
  CHECK(seen_bill["seen_ms"] == seen_pay["seen_ms"]);
  CHECK(seen_pay["seen_ms"].get<long long>() >= pay_at);
  CHECK(seen_pay["seen_unix_ms"].get<long long>() >= seen_pay["at_unix_ms"].get<long long>());

  // The order without dishes (a client between CreateOrder and SaveOrder) is left alone.
  long long rounds = after["cashier"]["rounds"];
  json later = sim.wait_for([&](const json& st) { return st["cashier"]["rounds"].get<long long>() >= rounds + 3; });
  for (const auto& o : later["orders"])
    if (o["guid"] == empty) {
      CHECK(o["version"] == 1);
      CHECK(o["paid"] == false);
      CHECK(o["deleted"] == false);
    }
  CHECK(later["cashier"]["actions"].size() == 2);
}

TEST_CASE("rk7sim /sim/cashier: turns the cashier on with settings, refuses bad ones, turns it off",
          "[rk7sim][process][cashier]") {
  sim_process sim({});
  CHECK(sim.state()["cashier"]["auto"] == false);
  auto bad = http_request("POST", sim.url("/sim/cashier"), R"({"mode":"auto","interval_ms":100,"void_rate":2})",
                          headers);
  CHECK(bad.status == 400);
  CHECK(http_request("POST", sim.url("/sim/cashier"), R"({"mode":"auto","interval_ms":0})", headers).status == 400);
  json unchanged = sim.state()["cashier"];
  CHECK(unchanged["auto"] == false);
  CHECK(unchanged["interval_ms"] == 2000);
  CHECK(unchanged["void_rate"] == 0.05);

  auto on = http_request("POST", sim.url("/sim/cashier"),
                         R"({"mode":"auto","interval_ms":100,"add_rate":0,"void_rate":1,"stoplist_rate":0})", headers);
  REQUIRE(on.status == 200);
  pugi::xml_document d1, d2;
  std::string guid = sim.xml(d1, "CreateOrder", "<Order><Table code=\"103\"/></Order>").attribute("guid").value();
  sim.xml(d2, "SaveOrder", "<Order guid=\"" + guid + "\"/><Session><Dish id=\"1000027\" quantity=\"1000\"/></Session>");
  json s = sim.wait_for([&](const json& st) { return !action(st, guid, "void").is_null(); });
  CHECK_FALSE(action(s, guid, "bill").is_null());
  CHECK(action(s, guid, "pay").is_null());
  CHECK(s["cashier"]["interval_ms"] == 100);

  REQUIRE(http_request("POST", sim.url("/sim/cashier"), R"({"mode":"off"})", headers).status == 200);
  CHECK(sim.state()["cashier"]["auto"] == false);
}
