// The EVENTS LOG on a real actor system (it owns a thread, which the
// deterministic scheduler cannot drive): an appended event is read back, and
// the log runs on its own thread, named and events_nice steps of nice below
// its caller, so that on a saturated machine the requests' threads go first.

#include "actors/tracking.hpp"

#include "../notify/scratch_store.hpp"
#include "real_system.hpp"
#include "thread_nice.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <sched.h>
#include <thread>

using namespace rkgate;
using namespace rkgate::actors;

TEST_CASE("events log: appends are read back, on a thread of its own at lower priority",
          "[actors][events_log]") {
  rkgate::test::real_actor_system real;
  auto& sys = real.sys;
  const int own_nice = test::own_nice();
  auto log = spawn_events_log(sys, nullptr, std::chrono::minutes(5));
  caf::scoped_actor self{sys};
  events::new_event e;
  e.what = events::code::order_status;
  e.restaurant = "r1";
  e.guid = "{A}";
  self->send(log, atom::put_v, std::move(e));

  std::string page;
  self->request(log, caf::infinite, atom::get_v, events_query{"none", {"r1"}})
    .receive([&](const std::string& text) { page = text; }, [&](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(page.find("{A}") != std::string::npos);
  CHECK(test::nice_of_thread("rkgate.events").value_or(test::no_such_thread) == test::lowered_nice(events_nice));
  CHECK(test::policy_of_thread("rkgate.events").value_or(test::no_such_thread) == SCHED_BATCH);
  CHECK(test::own_nice() == own_nice); // the caller's thread is untouched
  self->send_exit(log, caf::exit_reason::user_shutdown);
}

TEST_CASE("events log: idle, it lets go of expired events without an append or a read", "[actors][events_log]") {
  rkgate_test::scratch_store disk;
  auto stored = [&disk] {
    std::size_t n = 0;
    disk.db().scan(persistence::table::events, "", [&n](std::string_view, std::string_view) {
      ++n;
      return true;
    });
    return n;
  };
  rkgate::test::real_actor_system real;
  // The test owns the store; the log only borrows it.
  std::shared_ptr<persistence::store> borrowed(&disk.db(), [](persistence::store*) {});
  auto log = spawn_events_log(real.sys, borrowed, std::chrono::seconds(2));
  caf::scoped_actor self{real.sys};
  events::new_event e;
  e.what = events::code::order_status;
  e.restaurant = "r1";
  e.guid = "{A}";
  self->send(log, atom::put_v, std::move(e));
  // The event is written (the log flushes after its puts), then, with nothing
  // more sent to the log, erased once it is past the 2 s window: the log
  // tidies when idle. Neither waits on a fixed sleep: each polls the store
  // until its state shows, for at most 20 s.
  auto wait_for = [&](std::size_t count) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (stored() != count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return stored();
  };
  CHECK(wait_for(1) == 1);
  CHECK(wait_for(0) == 0);
  self->send_exit(log, caf::exit_reason::user_shutdown);
}
