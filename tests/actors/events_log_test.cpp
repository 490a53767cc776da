// The EVENTS LOG on a real actor system (it owns a thread, which the
// deterministic scheduler cannot drive): an appended event is read back, and
// the log runs on its own thread, named and events_nice steps of nice below
// its caller, so that on a saturated machine the requests' threads go first.

#include "actors/tracking.hpp"

#include "real_system.hpp"
#include "thread_nice.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <sched.h>

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
