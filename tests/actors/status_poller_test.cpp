// The STATUS POLLER polls on its restaurant's slot of the period
// (actors/upkeep_slots.hpp), not a period after it was spawned or answered.

#include "restaurant_fixture.hpp"

#include "actors/tracking.hpp"

using namespace rkgate;
using namespace rkgate::test;

namespace {

const char* empty_list = "<?xml version=\"1.0\" encoding=\"utf-8\"?><RK7QueryResult ServerVersion=\"7.26.8.100\" "
                         "Status=\"Ok\" CMD=\"GetOrderList\" lastversion=\"101\"/>";

struct poller_fixture : caf_fixture {
  fake_rk7 rk7;
  store_actor store = own(spawn_held_store(sys, std::make_shared<held_store_data>()));
  std::shared_ptr<restaurant_context> rest = healthy_restaurant(*this, rk7, store);

  /// Advances the clock by `d` and tells whether a GetOrderList went out.
  bool polled_after(std::chrono::milliseconds d) {
    sched.advance_time(d);
    sched.run();
    return rk7.count("GetOrderList") == 1;
  }
};

} // namespace

TEST_CASE_METHOD(poller_fixture, "a restaurant polls at its phase of the period, every period") {
  // With nothing to follow the period is the idle one: 10 s; phase 0.25 puts
  // the polls at 2.5 s, 12.5 s, 22.5 s ...
  own(spawn_status_poller(sys, "r1", rest->cash, poll_timing{std::chrono::seconds(2), std::chrono::seconds(10), 0.25}));
  sched.run();
  CHECK_FALSE(polled_after(std::chrono::milliseconds(2499)));
  REQUIRE(polled_after(std::chrono::milliseconds(1)));
  sched.advance_time(std::chrono::milliseconds(40)); // the call takes 40 ms
  rk7.answer("GetOrderList", empty_list);
  sched.run();
  CHECK_FALSE(polled_after(std::chrono::milliseconds(9959)));
  CHECK(polled_after(std::chrono::milliseconds(1)));
}
