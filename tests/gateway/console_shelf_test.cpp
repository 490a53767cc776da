// Archived and deleted console orders leave memory after console.unload_after
// (docs/console.md §6) and stay listed, counted, readable and actionable from
// the store, across a restart too.

#include "console_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace rkgate::test;

namespace {

json data_of(const rkgate::test::http_response& r) {
  auto j = body_of(r);
  return j.is_object() && j.contains("data") ? j["data"] : json(nullptr);
}

std::vector<std::string> guids_of(const json& page) {
  std::vector<std::string> out;
  for (const auto& o : page["orders"])
    out.push_back(o["guid"].get<std::string>());
  return out;
}

/// Every page of `state` with `limit`, in order, following next_cursor.
std::vector<std::string> all_pages(const console_gate& g, const std::string& state, int limit) {
  std::vector<std::string> out;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto path = "/api/v3/console/orders?state=" + state + "&limit=" + std::to_string(limit);
    auto page = data_of(g.get(cursor.empty() ? path : path + "&cursor=" + cursor, op_hall));
    for (auto& guid : guids_of(page))
      out.push_back(guid);
    if (page["next_cursor"].is_null())
      break;
    cursor = page["next_cursor"].get<std::string>();
  }
  return out;
}

/// Newest first by (created_at, guid), as the list orders them.
bool newest_first(const json& page) {
  for (std::size_t i = 1; i < page["orders"].size(); ++i) {
    const auto& a = page["orders"][i - 1];
    const auto& b = page["orders"][i];
    if (std::make_pair(a["created_at"], a["guid"]) < std::make_pair(b["created_at"], b["guid"]))
      return false;
  }
  return true;
}

} // namespace

TEST_CASE("console: archived and deleted orders leave memory and are still listed, counted and acted on",
          "[console]") {
  sim s(2);
  console_gate g(s, "", "console:\n  unload_after: 300ms\n");
  auto archived = g.post_order("shelf-1");
  auto deleted = g.post_order("shelf-2");
  auto waiting = g.post_order("shelf-3");
  auto before = data_of(g.get("/api/v3/console/orders", op_hall))["version"].get<std::uint64_t>();
  REQUIRE(g.post(console_gate::order_path(archived, "cancel"), json{{"reason", "duplicate"}}, op_hall).status == 200);
  REQUIRE(g.post(console_gate::order_path(archived, "archive"), json::object(), op_hall).status == 200);
  REQUIRE(g.post(console_gate::order_path(deleted, "cancel"), json{{"reason", "no answer"}}, op_hall).status == 200);
  auto changes_since = [&](std::uint64_t v) {
    return data_of(g.get("/api/v3/console/orders?since_version=" + std::to_string(v), op_hall));
  };
  // Still in memory: the poll lists the two changed orders.
  auto early = changes_since(before);
  CHECK_FALSE(early.contains("reset"));
  // Once they leave memory, a client that may have missed their changes reloads.
  REQUIRE(eventually([&] { return changes_since(before).value("reset", false); }));
  auto now_version = data_of(g.get("/api/v3/console/orders", op_hall))["version"].get<std::uint64_t>();
  auto quiet = changes_since(now_version);
  CHECK_FALSE(quiet.contains("reset"));
  CHECK(quiet["orders"].empty());

  auto all = data_of(g.get("/api/v3/console/orders", op_hall));
  auto listed = guids_of(all);
  CHECK(std::set<std::string>(listed.begin(), listed.end()) == std::set<std::string>{waiting, deleted});
  CHECK(listed.size() == 2);
  CHECK(newest_first(all));
  CHECK(all["counts"] == json{{"all", 2}, {"waiting", 1}, {"created", 0}, {"accepted", 0},
                              {"in_transit", 0}, {"archived", 1}, {"deleted", 1}});
  auto shelf = data_of(g.get("/api/v3/console/orders?state=archived", op_hall));
  REQUIRE(guids_of(shelf) == std::vector<std::string>{archived});
  // Read back whole from the store: history and the actions still allowed.
  const auto& a = shelf["orders"][0];
  CHECK(a["delivery_state"] == "archived");
  CHECK(a["status"] == 3);
  REQUIRE(a["history"].size() == 3);
  CHECK(a["history"][1]["action"] == "cancel");
  CHECK(a["history"][1]["reason"] == "duplicate");
  CHECK(a["history"][2]["action"] == "archive");
  CHECK(a["allowed_actions"] == json::array());
  CHECK(data_of(g.get("/api/v3/console/orders?state=deleted", op_hall))["orders"][0]["guid"] == deleted);
  // Another operator's restaurants: none of them.
  CHECK(data_of(g.get("/api/v3/console/orders?state=archived", op_night))["counts"]["archived"] == 0);

  // An action on an order out of memory: read back, acted on, answered.
  auto moved = g.post(console_gate::order_path(deleted, "archive"), json::object(), op_hall);
  REQUIRE(moved.status == 200);
  CHECK(data_of(moved)["delivery_state"] == "archived");
  CHECK(data_of(moved)["history"].back()["action"] == "archive");
  // Pages run across orders in memory and out of it, each order once.
  auto paged = all_pages(g, "archived", 1);
  CHECK(std::set<std::string>(paged.begin(), paged.end()) == std::set<std::string>{archived, deleted});
  CHECK(paged.size() == 2);
  CHECK(data_of(g.get(console_gate::order_path(archived), op_hall))["guid"] == archived);
  CHECK(g.get(console_gate::order_path("{00000000-0000-0000-0000-000000000000}"), op_hall).status == 404);
  CHECK(g.get(console_gate::order_path(archived), op_night).status == 404);

  // After a restart: the same lists and counts, the finished orders read from the store.
  g.restart();
  auto again = data_of(g.get("/api/v3/console/orders?state=archived", op_hall));
  auto restored = guids_of(again);
  CHECK(std::set<std::string>(restored.begin(), restored.end()) == std::set<std::string>{archived, deleted});
  CHECK(newest_first(again));
  CHECK(again["counts"]["archived"] == 2);
  CHECK(again["counts"]["deleted"] == 0);
  CHECK(again["counts"]["all"] == 1);
  CHECK(guids_of(data_of(g.get("/api/v3/console/orders", op_hall))) == std::vector<std::string>{waiting});
  for (const auto& o : again["orders"])
    CHECK(o["history"].back()["action"] == "archive");
}
