// Order creation with each r_keeper call running side by side with the write
// of the record that describes it (docs/architecture.md, "Crash safety of
// order creation"): a reply is acted on only once that record is stored, and
// the CreateOrder record is synced. A STORE that answers only when the test
// says so shows the order of events.

#include "restaurant_fixture.hpp"

#include "actors/tracking.hpp"

#include <vector>

using namespace rkgate;
using namespace rkgate::test;

namespace {

const std::string& guid = fixture_guid;
const std::string key = std::string("site-a") + '\x1f' + "x-1";

struct creation_fixture : caf_fixture {
  fake_rk7 rk7;
  std::shared_ptr<held_store_data> stored = std::make_shared<held_store_data>();
  store_actor store = own(spawn_held_store(sys, stored));
  std::shared_ptr<restaurant_context> rest =
    healthy_restaurant(*this, rk7, store, with_poller(*this, poll_timing{std::chrono::seconds(2), std::chrono::seconds(10)}));
  order_actor order;

  /// Answers the oldest put with `ok` (once the scheduler runs).
  void release(bool ok = true) {
    REQUIRE_FALSE(stored->puts.empty());
    stored->next_ok = ok;
    caf::anon_send(store, atom::flush_v);
  }

  /// A new order, as the SOURCE admits it (with its idempotency key and,
  /// from postorder, the request's answer sink).
  void admit(answer_sink_ptr first_caller = nullptr) {
    auto rec = fixture_order(guid);
    rest->tables = own(spawn_table_pool(sys, "r1", {}, store));
    order_context ctx;
    ctx.rest = rest;
    ctx.store = store;
    order = own(spawn_order(sys, rec, ctx, std::make_pair(key, std::string(R"({"guid":"x"})")), std::nullopt,
                            std::move(first_caller)));
    sched.run();
  }

  /// Up to CreateOrder sent: the table's allocation goes to the store first
  /// (unsynced, not waited for), then the record, written while CreateOrder is out.
  void until_create_sent(answer_sink_ptr first_caller = nullptr) {
    admit(std::move(first_caller));
    REQUIRE(rk7.count("CreateOrder") == 1);
    REQUIRE(stored->puts.size() == 2);
    CHECK(stored->puts.front().writes(persistence::table::tables, "r1\x1f" "100\x1f" "000000"));
    CHECK_FALSE(stored->puts.front().sync); // made durable by the record's sync below
    release(); // its answer goes to nobody: the pool did not wait
    sched.run();
    REQUIRE(stored->puts.size() == 1);
    const auto& intent = stored->puts.front();
    CHECK(intent.sync);
    CHECK(intent.writes(persistence::table::idempotency, key));
    CHECK(intent.writes(persistence::table::orders, guid));
  }
};

/// A request's answer sink that keeps what it was told.
struct recording_sink : answer_sink {
  std::vector<api_reply> answers;
  void admitted(const std::string&, bool) override {}
  void answer(api_reply r) override { answers.push_back(std::move(r)); }
};

} // namespace

TEST_CASE_METHOD(creation_fixture, "creation: the request an ORDER is spawned with is answered, though the ORDER "
                                   "stops before any other message reaches it",
                 "[actors][order]") {
  // A refused CreateOrder abandons the order, and the ORDER stops once its
  // record is erased. Its SOURCE once sent the request's sink in a message
  // after the spawn, which could arrive at an ORDER already gone (the
  // request then answered 500, "answer lost").
  auto sink = std::make_shared<recording_sink>();
  until_create_sent(sink);
  auto down = std::make_shared<bool>(false);
  own(sys.spawn([down, order = order](caf::event_based_actor* self) {
    self->monitor(order);
    self->set_down_handler([down](caf::down_msg&) { *down = true; });
    return caf::behavior{[](int) {}};
  }));
  sched.run();
  rk7.answer("CreateOrder", rk7_fixture("error_shift_too_old.xml"));
  release(); // the creating record
  sched.run();
  REQUIRE(sink->answers.size() == 1);
  CHECK(sink->answers[0].status == 502);
  CHECK(sink->answers[0].code == "cash_server_error");
  CHECK_FALSE(*down);
  release(); // the erase of the record and the key
  sched.run();
  CHECK(*down);
  CHECK(sink->answers.size() == 1);
}

TEST_CASE_METHOD(creation_fixture, "creation: SaveOrder waits until CreateOrder's record is durable",
                 "[actors][order]") {
  until_create_sent();
  SECTION("the reply comes first") {
    rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
    sched.run();
    CHECK(rk7.count("SaveOrder") == 0); // the reply waits for the record
    release();
    sched.run();
    CHECK(rk7.count("SaveOrder") == 1);
  }
  SECTION("the record comes first") {
    release();
    sched.run();
    CHECK(rk7.count("SaveOrder") == 0); // nothing to act on yet
    rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
    sched.run();
    CHECK(rk7.count("SaveOrder") == 1);
  }
}

TEST_CASE_METHOD(creation_fixture, "creation: a record that cannot be stored stops the order before SaveOrder",
                 "[actors][order]") {
  until_create_sent();
  auto reply = ask<api_reply>(order, atom::wait_v);
  sched.run();
  rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
  release(false);
  sched.run();
  CHECK(rk7.count("SaveOrder") == 0); // no dishes go to the till
  REQUIRE(*reply);
  CHECK((*reply)->status == 500);
  REQUIRE_FALSE(stored->puts.empty()); // the order and its key are forgotten
  CHECK(stored->puts.front().erases(persistence::table::idempotency, key));
  CHECK(stored->puts.front().erases(persistence::table::orders, guid));
}

TEST_CASE_METHOD(creation_fixture, "creation: SaveOrder's reply completes the order; the poller skips its version",
                 "[actors][order]") {
  until_create_sent();
  auto reply = ask<api_reply>(order, atom::wait_v);
  rk7.answer("CreateOrder", rk7_fixture("create_order.xml"));
  release();
  sched.run();
  REQUIRE(rk7.count("SaveOrder") == 1);
  CHECK(stored->puts.empty()); // nothing beside SaveOrder: the synced creating record covers it
  rk7.answer("SaveOrder", rk7_fixture("save_order.xml")); // the order at version 3
  sched.run();
  REQUIRE(*reply); // the 201 does not wait for the final record
  CHECK((*reply)->status == 201);
  REQUIRE(stored->puts.size() == 1); // the final record, unsynced: a crash before it reconciles
  CHECK_FALSE(stored->puts.front().sync);
  CHECK(stored->puts.front().writes(persistence::table::orders, guid));
  release();
  sched.run();
  CHECK(rk7.count("GetOrder") == 0); // SaveOrder's reply carried the order

  // Followed now: the version SaveOrder answered is not read back, a later one is.
  REQUIRE(rk7.count("GetOrderList") == 1);
  rk7.answer("GetOrderList", order_list_reply(guid, 3));
  sched.run();
  CHECK(rk7.count("GetOrder") == 0);
  sched.advance_time(std::chrono::seconds(2));
  sched.run();
  REQUIRE(rk7.count("GetOrderList") == 1);
  rk7.answer("GetOrderList", order_list_reply(guid, 4));
  sched.run();
  CHECK(rk7.count("GetOrder") == 1);
}
