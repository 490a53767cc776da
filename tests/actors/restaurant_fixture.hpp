#pragma once
// Restaurant r1 as the ORDER tests need it: the demo references and a healthy
// CASH SERVER that posts to a fake_rk7.

#include "caf_fixture.hpp"

#include "actors/gateway.hpp"

#include <memory>
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

} // namespace rkgate::test
