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

TEST_CASE_METHOD(poller_fixture, "a list asked for before an order was watched does not judge it") {
  // The till hears of an order changed after its first sighting. A list that
  // was on its way while the order was created may show an older version
  // (its reply overtaken by SaveOrder's): that is no change on the till.
  auto heard = std::make_shared<std::vector<std::string>>();
  auto till = own(sys.spawn([heard]() -> till_change_listener::behavior_type {
    return {[heard](atom::refresh, const std::string& guid) { heard->push_back(guid); }};
  }));
  auto poller = own(spawn_status_poller(sys, "r1", rest->cash,
                                        poll_timing{std::chrono::seconds(2), std::chrono::seconds(10), 0.25}, till));
  sched.run();
  REQUIRE(polled_after(std::chrono::milliseconds(2500))); // the first poll is at r_keeper
  const std::string guid = "{8F3C2A10-5B6D-4E7F-9A81-0C2D3E4F5A6B}";
  caf::anon_send(poller, atom::watch_v, guid, order_actor{}, source_actor{}, std::int64_t{5});
  sched.run();
  rk7.answer("GetOrderList", order_list_reply(guid, 4));
  sched.run();
  CHECK(heard->empty());
  // The next list was asked for after the watch: a later version is a change.
  bool asked = false;
  for (int i = 0; i < 40 && !asked; ++i)
    asked = polled_after(std::chrono::milliseconds(100));
  REQUIRE(asked);
  rk7.answer("GetOrderList", order_list_reply(guid, 6));
  sched.run();
  REQUIRE(heard->size() == 1);
  CHECK(heard->front() == guid);
}

TEST_CASE_METHOD(poller_fixture, "a listed order is matched whatever the spelling of its guid; an unlisted one is read back") {
  // Some servers list guids in lower case or without braces: the order is
  // still the one followed, not one that left the list.
  auto refreshed = std::make_shared<std::vector<bool>>(); // `absent` of each refresh
  auto order = own(caf::actor_cast<order_actor>(sys.spawn([refreshed]() -> caf::behavior {
    return {[refreshed](atom::refresh, bool absent) { refreshed->push_back(absent); }};
  })));
  auto poller = own(spawn_status_poller(sys, "r1", rest->cash,
                                        poll_timing{std::chrono::seconds(2), std::chrono::seconds(10), 0.25}));
  sched.run();
  REQUIRE(polled_after(std::chrono::milliseconds(2500)));
  rk7.answer("GetOrderList", empty_list);
  sched.run();
  caf::anon_send(poller, atom::watch_v, std::string("{8F3C2A10-5B6D-4E7F-9A81-0C2D3E4F5A6B}"), order,
                 source_actor{}, std::int64_t{5});
  sched.run();
  auto next_list = [&](const std::string& reply) {
    bool asked = false;
    for (int i = 0; i < 40 && !asked; ++i)
      asked = rk7.count("GetOrderList") > 0 || polled_after(std::chrono::milliseconds(100));
    REQUIRE(asked);
    rk7.answer("GetOrderList", reply);
    sched.run();
  };
  next_list(order_list_reply("8f3c2a10-5b6d-4e7f-9a81-0c2d3e4f5a6b", 5));
  CHECK(refreshed->empty()); // listed, at the version the ORDER read
  next_list(order_list_reply("{8f3c2a10-5b6d-4e7f-9a81-0c2d3e4f5a6b}", 7));
  REQUIRE(refreshed->size() == 1);
  CHECK(refreshed->back() == false); // a later version: read back as changed
  next_list(empty_list);
  REQUIRE(refreshed->size() == 2);
  CHECK(refreshed->back() == true); // gone from the list: closed or voided
}
