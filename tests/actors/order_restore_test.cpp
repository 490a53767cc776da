// An open order re-attached at start-up is followed again at once: the
// restaurant's STATUS POLLER polls as soon as its first order is watched, so
// a void made on the till while the gateway was down is seen right after the
// restart, not one poll period later.

#include "restaurant_fixture.hpp"

using namespace rkgate;
using namespace rkgate::test;

namespace {

const std::string& guid = fixture_guid;

/// GetOrder of the order, still open and unpaid.
std::string open_order_reply() {
  return get_order_reply(guid, "version=\"3\" orderSum=\"86800\" unpaidSum=\"86800\" finished=\"0\" paid=\"0\"");
}

// Polls every 10 minutes: only the poll at the first watch can come within the test.
struct restore_fixture : polled_restaurant_fixture {

  /// Re-attaches an open order saved on the cash server, as start-up does.
  void restore_open_order() {
    auto rec = fixture_order(guid);
    rec.step = order_step::saved;
    rec.status = 0;
    rec.visit = 471734503;
    reattach_order(*this, rest, store, rec);
  }

  std::optional<order_record> persisted() { return stored_order(*stored, guid); }
};

} // namespace

TEST_CASE_METHOD(restore_fixture, "restore: an order voided on the till while the gateway was down is deleted at once",
                 "[actors][order]") {
  restore_open_order();
  REQUIRE(rk7.count("GetOrderList") == 1); // no waiting for the poll period
  rk7.answer("GetOrderList", order_list_reply(guid, std::nullopt));
  sched.run();
  // Absent from the list of open orders: GetOrder tells voided from paid.
  REQUIRE(rk7.count("GetOrder") == 1);
  CHECK(rk7.peek("GetOrder").xml.find(guid) != std::string::npos);
  rk7.answer("GetOrder", rk7_error_reply("GetOrder", 0, "Order not found"));
  sched.run();
  REQUIRE(persisted());
  CHECK(persisted()->status == 3);
}

TEST_CASE_METHOD(restore_fixture, "restore: an order still open on the till stays open", "[actors][order]") {
  restore_open_order();
  REQUIRE(rk7.count("GetOrderList") == 1);
  rk7.answer("GetOrderList", order_list_reply(guid, 3));
  sched.run();
  // Its version is new to this ORDER, so it is read back once.
  REQUIRE(rk7.count("GetOrder") == 1);
  rk7.answer("GetOrder", open_order_reply());
  sched.run();
  CHECK(rk7.pending.empty());
  auto rec = persisted();
  CHECK((!rec || rec->status == 0)); // re-read (stored when it changed), never ended
}
