// The ORDER's reconcile decision after a restart (docs/architecture.md,
// "Crash safety"): GetOrder by GUID decides between CreateOrder, SaveOrder
// and nothing; an unreachable cash server means "ask again later".

#include "restaurant_fixture.hpp"

using namespace rkgate;
using namespace rkgate::test;

namespace {

const std::string& guid = fixture_guid;

std::string bare_order_reply() { return get_order_reply(guid, "orderSum=\"0\" unpaidSum=\"0\""); }

struct order_fixture : caf_fixture {
  fake_rk7 rk7;
  std::shared_ptr<fake_store_data> stored = std::make_shared<fake_store_data>();
  store_actor store = own(spawn_fake_store(sys, stored));
  std::shared_ptr<restaurant_context> rest = healthy_restaurant(*this, rk7, store);
  order_actor order;

  /// Re-attaches an order persisted at `step`, as start-up does.
  void restore(order_step step) {
    auto rec = fixture_order(guid);
    rec.step = step;
    rec.status = step == order_step::creating ? 5 : 0;
    order = reattach_order(*this, rest, store, rec);
  }

  std::optional<order_record> persisted() { return stored_order(*stored, guid); }
};

} // namespace

TEST_CASE_METHOD(order_fixture, "reconcile: not on the cash server -> CreateOrder again", "[actors][order]") {
  restore(order_step::creating);
  REQUIRE(rk7.count("GetOrder") == 1);
  CHECK(rk7.count("CreateOrder") == 0); // never blindly: ask first
  rk7.answer("GetOrder", rk7_error_reply("GetOrder", 0, "Order not found"));
  sched.run();
  REQUIRE(rk7.count("CreateOrder") == 1);
  CHECK(rk7.peek("CreateOrder").xml.find(guid) != std::string::npos); // the same GUID
}

TEST_CASE_METHOD(order_fixture, "reconcile: created without lines -> SaveOrder only", "[actors][order]") {
  restore(order_step::created);
  rk7.answer("GetOrder", bare_order_reply());
  sched.run();
  CHECK(rk7.count("CreateOrder") == 0);
  REQUIRE(rk7.count("SaveOrder") == 1);
  CHECK(rk7.peek("SaveOrder").xml.find("1024421") != std::string::npos);
  CHECK(persisted() == std::nullopt); // the stored record already covers a repeat
  rk7.answer("SaveOrder", rk7_fixture("save_order.xml"));
  sched.run();
  REQUIRE(persisted());
  CHECK(persisted()->step == order_step::saved);
}

TEST_CASE_METHOD(order_fixture, "reconcile: already saved -> nothing is written again", "[actors][order]") {
  restore(order_step::created);
  rk7.answer("GetOrder", rk7_fixture("get_order.xml"));
  sched.run();
  CHECK(rk7.count("CreateOrder") == 0);
  CHECK(rk7.count("SaveOrder") == 0);
  REQUIRE(persisted());
  CHECK(persisted()->step == order_step::saved);
  CHECK(persisted()->reply_status == 201);
  CHECK(persisted()->visit == 471734503);
}

TEST_CASE_METHOD(order_fixture, "reconcile: unreachable -> asks again after the back-off", "[actors][order]") {
  restore(order_step::created);
  rk7.fail("GetOrder", rk7::error_kind::timeout);
  sched.run();
  CHECK(rk7.pending.empty());
  CHECK(persisted() == std::nullopt); // nothing decided, nothing written
  // At 2 s both timers fire: the cash server's next check (its healthy
  // period) and the ORDER's first retry, which fails fast while the cash
  // server is still known down and backs off again (4 s).
  sched.advance_time(std::chrono::milliseconds(2000));
  sched.run();
  CHECK(rk7.count("GetOrder") == 0);
  rk7.answer("GetSystemInfo", rk7_fixture("get_system_info_7_5.xml"));
  sched.run();
  sched.advance_time(std::chrono::milliseconds(3999));
  sched.run();
  CHECK(rk7.count("GetOrder") == 0);
  sched.advance_time(std::chrono::milliseconds(1));
  sched.run();
  REQUIRE(rk7.count("GetOrder") == 1);
  rk7.answer("GetOrder", bare_order_reply());
  sched.run();
  CHECK(rk7.count("SaveOrder") == 1);
}
