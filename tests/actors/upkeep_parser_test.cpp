// The UPKEEP PARSER on a real actor system (it owns a thread, which the
// deterministic scheduler cannot drive): it parses on that thread,
// upkeep_nice steps of nice below its caller as a batch thread, and sends the parsed call back
// to the actor it was given.

#include "actors/spawn.hpp"

#include "real_system.hpp"
#include "thread_nice.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <sched.h>
#include <unistd.h>

#include <atomic>

using namespace rkgate;
using namespace rkgate::actors;

TEST_CASE("upkeep parser: parses on its own thread at lower priority and hands the call back",
          "[actors][upkeep_parser]") {
  rkgate::test::real_actor_system real;
  auto& sys = real.sys;
  const int own_nice = test::own_nice();
  auto parsed_on = std::make_shared<std::atomic<pid_t>>(0);
  auto parsed_at_nice = std::make_shared<std::atomic<int>>(-100);
  auto parsed_under_policy = std::make_shared<std::atomic<int>>(-1);
  rk7_completion call;
  call.latency = std::chrono::milliseconds(7);
  call.parse = [parsed_on, parsed_at_nice, parsed_under_policy] {
    parsed_on->store(gettid());
    parsed_at_nice->store(test::own_nice());
    parsed_under_policy->store(sched_getscheduler(0));
    rk7_outcome o;
    o.error = "parsed there";
    return o;
  };
  auto parser = spawn_upkeep_parser(sys);
  caf::scoped_actor self{sys};
  self->send(parser, atom::parse_v, call, caf::actor_cast<caf::actor>(self));
  bool answered = false;
  self->receive(
    [&](atom::done, rk7_completion& back) {
      answered = true;
      CHECK(parsed_on->load() != 0); // parsed before it was sent back
      CHECK(back.latency == std::chrono::milliseconds(7));
      CHECK(back.parse().error == "parsed there");
    },
    caf::after(std::chrono::seconds(10)) >> [] {});
  REQUIRE(answered);
  CHECK(parsed_on->load() != gettid());
  CHECK(parsed_at_nice->load() == test::lowered_nice(upkeep_nice));
  CHECK(parsed_under_policy->load() == SCHED_BATCH); // its wake-ups do not preempt a loop thread
  CHECK(test::own_nice() == own_nice); // the caller's thread is untouched
  CHECK(sched_getscheduler(0) == SCHED_OTHER);
  self->send_exit(parser, caf::exit_reason::user_shutdown);
}
