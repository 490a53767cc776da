#pragma once
// Restaurant r1 as the ORDER tests need it: the demo references and a healthy
// CASH SERVER that posts to a fake_rk7.

#include "caf_fixture.hpp"

#include "actors/gateway.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace rkgate::test {

/// r1 with a CASH SERVER posting to `rk7` and persisting to `store`; its first
/// GetSystemInfo is answered, so it is healthy. `before_health` runs after the
/// CASH SERVER is spawned (e.g. to add a STATUS POLLER).
template <class F = void (*)(restaurant_context&)>
std::shared_ptr<restaurant_context> healthy_restaurant(
  caf_fixture& f, fake_rk7& rk7, store_actor store, F before_health = [](restaurant_context&) {}) {
  auto rest = std::make_shared<restaurant_context>();
  rest->cfg.id = "r1";
  rest->cfg.refs.station_id = 15004;
  rest->cfg.refs.waiter_code = 1;
  rest->cfg.refs.table_code = 100;
  rest->cfg.refs.order_category = 1;
  cash_server_setup setup;
  setup.restaurant = "r1";
  setup.post = rk7.poster();
  setup.store = store;
  rest->cash = f.own(spawn_cash_server(f.sys, setup));
  before_health(*rest);
  f.sched.run();
  rk7.answer("GetSystemInfo", rk7_fixture("get_system_info_7_5.xml"));
  f.sched.run();
  return rest;
}

/// A `before_health` for healthy_restaurant: r1 gets a STATUS POLLER polling with `timing`.
inline auto with_poller(caf_fixture& f, poll_timing timing) {
  return [&f, timing](restaurant_context& r) { r.poller = f.own(spawn_status_poller(f.sys, "r1", r.cash, timing)); };
}

/// r1 over a fake STORE, with a STATUS POLLER that polls every 10 minutes:
/// polls come only when a test says so (or at the first watch).
struct polled_restaurant_fixture : caf_fixture {
  fake_rk7 rk7;
  std::shared_ptr<fake_store_data> stored = std::make_shared<fake_store_data>();
  store_actor store = own(spawn_fake_store(sys, stored));
  std::shared_ptr<restaurant_context> rest =
    healthy_restaurant(*this, rk7, store, with_poller(*this, poll_timing{std::chrono::minutes(10), std::chrono::minutes(10)}));
};

/// The GUID of the order in the rk7 fixtures.
inline const std::string fixture_guid = "{BED30F72-70B1-4929-AF40-A36E652FDC10}";

/// A lean GetOrderList reply at list version 100 + `version` with the order
/// `guid` of the fixtures at `version` (visit 471734503, order 256), or
/// without it when `version` is empty.
inline std::string order_list_reply(const std::string& guid, std::optional<std::int64_t> version) {
  std::string visits;
  if (version)
    visits = "<Visit VisitID=\"471734503\" Finished=\"0\"><Orders><Order OrderID=\"256\" Version=\"" +
             std::to_string(*version) + "\" guid=\"" + guid +
             "\" OrderSum=\"86800\" ToPaySum=\"26800\" Finished=\"0\"/></Orders></Visit>";
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><RK7QueryResult ServerVersion=\"7.26.8.100\" Status=\"Ok\" "
         "CMD=\"GetOrderList\" lastversion=\"" + std::to_string(100 + version.value_or(0)) + "\">" + visits +
         "</RK7QueryResult>";
}

/// The order of the rk7 fixtures as the SOURCE of `site-a` admits it (external_id x-1).
inline order_record fixture_order(const std::string& guid) {
  order_record rec;
  rec.guid = guid;
  rec.source = "site-a";
  rec.external_id = "x-1";
  rec.restaurant = "r1";
  rec.body = R"({"external_id":"x-1","items":[{"id":1024421,"quantity":1}]})";
  return rec;
}

/// A GetOrder reply for the order `guid` of the fixtures (visit 471734503,
/// order 256) with the order's other `attributes`.
inline std::string get_order_reply(const std::string& guid, const std::string& attributes) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><RK7QueryResult ServerVersion=\"7.6.5.92\" Status=\"Ok\" "
         "CMD=\"GetOrder\"><Order visit=\"471734503\" orderIdent=\"256\" guid=\"" + guid + "\" " + attributes +
         "/></RK7QueryResult>";
}

/// Re-attaches `rec` as start-up does: on base table 100 (slot 0, held by the
/// order in r1's TABLE POOL), with nothing to write first.
inline order_actor reattach_order(caf_fixture& f, const std::shared_ptr<restaurant_context>& rest,
                                  store_actor store, order_record rec) {
  rec.table_code = 100;
  rec.table_slot = 0;
  rec.table_name = "100";
  rest->tables = f.own(spawn_table_pool(f.sys, "r1", {{100, {{0, rec.guid}}}}, store));
  order_context ctx;
  ctx.rest = rest;
  ctx.store = store;
  auto order = f.own(spawn_order(f.sys, std::move(rec), ctx, std::nullopt));
  f.sched.run();
  return order;
}

/// The record of `guid` as the fake STORE holds it.
inline std::optional<order_record> stored_order(const fake_store_data& stored, const std::string& guid) {
  auto v = stored.get(persistence::table::orders, guid);
  return v ? order_record_from_json(*v) : std::nullopt;
}

} // namespace rkgate::test
