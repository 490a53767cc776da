// Open orders idle for `orders.unload_after` leave memory: the SOURCE asks
// their ORDER to unload, keeps what it needs to find them, and loads them
// again from the store when something is handed to them (an action, or a
// change the STATUS POLLER saw on the till).

#include "restaurant_fixture.hpp"

#include <nlohmann/json.hpp>

using namespace rkgate;
using namespace rkgate::test;

namespace {

const std::string& guid = fixture_guid;
constexpr auto unload_after = std::chrono::seconds(10);

struct unload_fixture : polled_restaurant_fixture {
  source_actor source;

  /// Starts the SOURCE of site-a with the order of the fixtures open on the
  /// cash server (version 3, fully prepaid), as start-up re-attaches it, and
  /// answers the poll its first watch brings with that same version.
  unload_fixture() {
    auto rec = fixture_order(guid);
    rec.step = order_step::saved;
    rec.status = 0;
    rec.visit = 471734503;
    rec.order_ident = 256;
    rec.table_code = 100;
    rec.table_slot = 0;
    rec.table_name = "100";
    rec.sum = rec.paid = 86800;
    rec.to_pay = 0;
    rec.rk7_version = 3;
    rec.reply_status = 201;
    stored->records[{persistence::table::orders, guid}] = to_json(rec);
    rest->tables = own(spawn_table_pool(sys, "r1", {{100, {{0, guid}}}}, store));
    config::source cfg;
    cfg.name = "site-a";
    cfg.restaurants = {"all"};
    source_restore restored;
    restored.orders.push_back(rec);
    source = own(spawn_source(sys, cfg, restaurant_map{{"r1", rest}}, store, restored, unload_after));
    sched.run();
    rk7.answer("GetOrderList", order_list_reply(guid, 3));
    sched.run();
    REQUIRE(rk7.pending.empty());
  }

  std::size_t running() { return sys.registry().running(); }

  /// Lets `unload_after` pass with nothing happening to the order.
  void idle() {
    sched.advance_time(unload_after);
    sched.run();
  }

  std::optional<order_record> persisted() { return stored_order(*stored, guid); }
};

} // namespace

TEST_CASE_METHOD(unload_fixture, "unload: an idle open order leaves memory; closing it loads it again",
                 "[actors][order][unload]") {
  auto before = running();
  idle();
  CHECK(running() == before - 1);   // the ORDER stopped
  CHECK(rk7.count("GetOrder") == 0); // the poller had nothing new: no read-back

  auto closed = ask<api_reply>(source, atom::close_v, guid);
  sched.run();
  REQUIRE(rk7.count("PayOrder") == 1); // loaded again from its record, it pays
  CHECK(rk7.peek("PayOrder").xml.find(guid) != std::string::npos);
  rk7.answer("PayOrder", rk7_fixture("pay_order.xml"));
  sched.run();
  REQUIRE(*closed);
  CHECK((*closed)->status == 200);
  REQUIRE(persisted());
  CHECK(persisted()->status == 1);
  CHECK(running() == before - 1); // over: it stops for good
}

TEST_CASE_METHOD(unload_fixture, "unload: a till change to an unloaded order loads it and reads it back once",
                 "[actors][order][unload]") {
  auto before = running();
  idle();
  REQUIRE(running() == before - 1);

  sched.advance_time(std::chrono::minutes(10)); // the next poll
  sched.run();
  REQUIRE(rk7.count("GetOrderList") == 1);
  rk7.answer("GetOrderList", order_list_reply(guid, 4));
  sched.run();
  CHECK(running() == before);
  REQUIRE(rk7.count("GetOrder") == 1); // once, though both the poller and the SOURCE knew of the change
  rk7.answer("GetOrder", get_order_reply(guid, "version=\"4\" orderSum=\"86800\" unpaidSum=\"0\" finished=\"1\" paid=\"1\""));
  sched.run();
  REQUIRE(persisted());
  CHECK(persisted()->status == 1); // paid on the till
  CHECK(rk7.count("GetOrder") == 0);
}

TEST_CASE_METHOD(unload_fixture, "unload: an order waiting for an answer stays in memory until it has it",
                 "[actors][order][unload]") {
  auto before = running();
  sched.advance_time(std::chrono::minutes(10));
  sched.run();
  rk7.answer("GetOrderList", order_list_reply(guid, 4));
  sched.run();
  REQUIRE(rk7.count("GetOrder") == 1); // read-back under way

  idle();
  CHECK(running() == before); // asked, it stays: an answer is on its way
  rk7.answer("GetOrder", get_order_reply(guid, "version=\"4\" orderSum=\"86800\" unpaidSum=\"0\" finished=\"0\" paid=\"0\""));
  sched.run();
  CHECK(running() == before);
  idle();
  CHECK(running() == before - 1);
  REQUIRE(persisted());
  CHECK(persisted()->rk7_version == 4); // loaded again, it will not read version 4 back
}

TEST_CASE_METHOD(unload_fixture, "unload: getorders lists an unloaded order from its record",
                 "[actors][order][unload]") {
  idle();
  auto listed = ask<api_reply>(source, atom::list_v, std::string{"r1"});
  sched.run();
  REQUIRE(*listed);
  REQUIRE((*listed)->ok());
  auto orders = nlohmann::json::parse((*listed)->data)["orders"];
  REQUIRE(orders.size() == 1);
  CHECK(orders[0]["guid"] == guid);
  CHECK(rk7.count("GetOrder") == 0); // read from the store, not from the till
}

TEST_CASE_METHOD(unload_fixture, "unload: 0 keeps open orders in memory", "[actors][order][unload]") {
  config::source cfg;
  cfg.name = "site-b";
  cfg.restaurants = {"all"};
  auto rec = fixture_order("{00000000-0000-0000-0000-000000000002}");
  rec.source = "site-b";
  rec.step = order_step::saved;
  rec.status = 0;
  rec.rk7_version = 3;
  source_restore restored;
  restored.orders.push_back(rec);
  own(spawn_source(sys, cfg, restaurant_map{{"r1", rest}}, store, restored, std::chrono::milliseconds{0}));
  sched.run();
  auto before = running();
  sched.advance_time(std::chrono::hours(1));
  sched.run();
  // site-a's order left memory; site-b's did not.
  CHECK(running() == before - 1);
}
