// rkgate started on a store that already holds orders (written by
// rkgate-seed-store in the gateway's own record format): only the open ones
// are loaded at start-up, everything else must still be found on demand.

#include "support/http.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

namespace {

using nlohmann::json;
using namespace rkgate::test;
namespace fs = std::filesystem;

const char* demo_token = "demo-token";
const char* other_token = "bench-token-1";

/// Runs the seeder and returns its summary (stdout, JSON).
json seed(const fs::path& data, int orders) {
  std::string cmd = binary_path("rkgate-seed-store") + " --path " + data.string() + " --orders "
                    + std::to_string(orders) + " --restaurants 2 --sources 1 --open-permille 10 2>/dev/null";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  return json::parse(out);
}

/// rk7sim plus rkgate on a seeded store (sources `demo` and `bench-1`, as the seeder names them).
struct seeded_gateway {
  fs::path dir = fs::temp_directory_path() / ("rkgate-startup-" + std::to_string(::getpid()));
  json seeded;
  std::unique_ptr<child> sim;
  std::unique_ptr<child> gate;

  explicit seeded_gateway(int orders) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    seeded = seed(dir / "data", orders);
    sim = std::make_unique<child>(std::vector<std::string>{binary_path("rk7sim"), "--listen", "127.0.0.1:0",
                                                           "--user", "http", "--password", "http",
                                                           "--restaurants", "2", "--cashier", "off",
                                                           // rk7sim does not know the seeded orders: a
                                                           // status poll would rightly void the open ones.
                                                           // The first poll comes as soon as the re-attached
                                                           // orders are followed, so it is held past the test
                                                           // (other commands go on beside it).
                                                           "--latency-cmd", "GetOrderList=120000",
                                                           "--serialize", "0"});
    auto config = (dir / "rkgate.yaml").string();
    std::ofstream f(config);
    f << "server:\n  listen: 127.0.0.1:0\n  request_timeout: 5s\n"
      << "storage:\n  path: " << (dir / "data").string() << "\n"
      << "sources:\n"
      << "  - name: demo\n    token: " << demo_token << "\n    secret: s1\n    restaurants: [all]\n"
      << "  - name: bench-1\n    token: " << other_token << "\n    secret: s2\n    restaurants: [all]\n"
      << "restaurants:\n";
    for (int r = 1; r <= 2; ++r)
      f << "  - id: r" << r << "\n    name: Restaurant " << r << "\n"
        << "    cash_server:\n      url: http://127.0.0.1:" << sim->port() << "/r" << r
        << "/rk7api/v0/xmlinterface.xml\n      user: http\n      password: http\n      timeout: 60s\n"
        << "    status_poll: 3600s\n"
        << "    r_keeper_references:\n      station_id: 15004\n      waiter_code: 1\n      table_code: 100\n"
        << "      delivery_table_code: 900\n      order_category: 1\n      external_sales_classification: 2001\n"
        << "      prepay_reason: 1\n      item_comment_modifier: 1004009\n      close_paid_order: false\n";
    f.close();
    gate = std::make_unique<child>(std::vector<std::string>{binary_path("rkgate"), "--config", config});
  }
  ~seeded_gateway() {
    gate.reset();
    sim.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(gate->port()) + path;
  }
  http_response post(const std::string& path, const json& body, const char* token = demo_token) const {
    return http_request("POST", url(path), body.dump(), {{"Content-Type", "application/json"}, {"token", token}});
  }
  http_response get(const std::string& path, const char* token = demo_token) const {
    return http_request("GET", url(path), "", {{"token", token}});
  }
  const char* token_of(const json& example) const {
    return example["source"] == "demo" ? demo_token : other_token;
  }
  /// Orders rk7sim's restaurant `r` holds (a new order would show up here).
  std::size_t sim_orders(int r) const {
    auto resp = http_request("GET", "http://127.0.0.1:" + std::to_string(sim->port()) + "/r" + std::to_string(r)
                                        + "/sim/state",
                             "", {{"Authorization", "Basic aHR0cDpodHRw"}});
    return json::parse(resp.body)["orders"].size();
  }
};

json data_of(const http_response& r) {
  auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("data") ? j["data"] : json(nullptr);
}

} // namespace

TEST_CASE("seeded store: a retry of a stored external_id answers the stored order", "[startup]") {
  seeded_gateway g(2000);
  for (const char* outcome : {"closed", "deleted", "open"}) {
    INFO(outcome);
    const auto& ex = g.seeded["examples"][outcome];
    auto r = g.post("/api/v3/postorder", ex["body"], g.token_of(ex));
    INFO(r.body);
    CHECK(r.status == 200);
    CHECK(data_of(r)["guid"] == ex["guid"]);
  }
  CHECK(g.sim_orders(1) == 0);
  CHECK(g.sim_orders(2) == 0);

  // The same external_id with another body is a conflict, not a new order.
  auto changed = g.seeded["examples"]["closed"]["body"];
  changed["comment"] = "changed";
  auto r = g.post("/api/v3/postorder", changed, g.token_of(g.seeded["examples"]["closed"]));
  CHECK(r.status == 409);
  CHECK(g.sim_orders(1) + g.sim_orders(2) == 0);
}

TEST_CASE("seeded store: getorders reads finished orders from disk, only for their source", "[startup]") {
  seeded_gateway g(2000);
  const auto& closed = g.seeded["examples"]["closed"];
  auto r = g.post("/api/v3/getorders", json{{"guids", {closed["guid"]}}}, g.token_of(closed));
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto data = data_of(r);
  REQUIRE(data["orders"].size() == 1);
  CHECK(data["orders"][0]["guid"] == closed["guid"]);
  CHECK(data["orders"][0]["status"] == 1);
  CHECK(data["orders"][0]["external_id"] == closed["body"]["external_id"]);

  const char* other = g.token_of(closed) == demo_token ? other_token : demo_token;
  auto foreign = g.post("/api/v3/getorders", json{{"guids", {closed["guid"]}}}, other);
  REQUIRE(foreign.status == 200);
  CHECK(data_of(foreign)["orders"].empty());
  CHECK(data_of(foreign)["not_found"] == json::array({closed["guid"]}));

  // A finished order cannot be closed again (409); another source's order is unknown (404).
  CHECK(g.post("/api/v3/close", json{{"guid", closed["guid"]}}, g.token_of(closed)).status == 409);
  CHECK(g.post("/api/v3/close", json{{"guid", closed["guid"]}}, other).status == 404);
}

TEST_CASE("seeded store: open orders are re-attached at start-up", "[startup]") {
  seeded_gateway g(2000);
  REQUIRE(g.seeded["open"].get<int>() > 0);
  // A live ORDER answers close itself (an unpaid order cannot be closed); an
  // order left on disk would answer "already closed or deleted". Neither
  // asks the cash server, which does not know the seeded orders.
  const auto& open = g.seeded["examples"]["open"];
  auto r = g.post("/api/v3/close", json{{"guid", open["guid"]}}, g.token_of(open));
  INFO(r.body);
  CHECK(r.status == 409);
  CHECK(json::parse(r.body)["error"]["message"] == "order is not fully paid");
  const auto& closed = g.seeded["examples"]["closed"];
  auto finished = g.post("/api/v3/close", json{{"guid", closed["guid"]}}, g.token_of(closed));
  CHECK(json::parse(finished.body)["error"]["message"] == "order is already closed or deleted");

  // New orders still get created next to the seeded ones.
  auto body = open["body"];
  body["external_id"] = "after-restart-1";
  auto created = g.post("/api/v3/postorder", body, g.token_of(open));
  INFO(created.body);
  CHECK(created.status == 201);
  CHECK(g.sim_orders(1) + g.sim_orders(2) == 1);
}
