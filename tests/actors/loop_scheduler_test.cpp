// run_actors_on: a real actor system whose actors run on an event loop's
// threads (what rkgate runs); detached actors keep their own thread, and
// requests, timeouts and delayed messages work as on CAF's own scheduler,
// with their timers on the loop instead of a clock thread.

#include "actors/loop_scheduler.hpp"
#include "loop/event_loop.hpp"

#include "thread_nice.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

struct loop_system {
  rkgate::loop::event_loop loop;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  explicit loop_system(std::size_t threads = 2) : loop(threads) {
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    cfg.set("logger.console-verbosity", caf::atom("quiet"));
    rkgate::actors::run_actors_on(cfg, loop);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

/// Answers an int with its double and whether it ran on the loop.
caf::behavior doubler(caf::event_based_actor*, rkgate::loop::event_loop* loop) {
  return {
    [loop](int x) { return caf::make_message(x * 2, loop->in_loop_thread()); },
  };
}

} // namespace

TEST_CASE("actors run on the loop's threads and answer requests", "[actors][loop_scheduler]") {
  loop_system s;
  auto worker = s.sys->spawn(doubler, &s.loop);
  caf::scoped_actor self{*s.sys};
  bool answered = false;
  self->request(worker, 10s, 21).receive(
    [&](int doubled, bool on_loop) {
      answered = true;
      CHECK(doubled == 42);
      CHECK(on_loop);
    },
    [](const caf::error&) {});
  CHECK(answered);
  self->send_exit(worker, caf::exit_reason::user_shutdown);
}

TEST_CASE("a message sent from a loop handler reaches its actor; detached actors keep their thread",
          "[actors][loop_scheduler]") {
  loop_system s;
  auto on_loop = std::make_shared<std::promise<bool>>();
  auto detached_on_loop = std::make_shared<std::promise<bool>>();
  auto receiver = s.sys->spawn([&s, on_loop](caf::event_based_actor*) -> caf::behavior {
    return {[&s, on_loop](int) { on_loop->set_value(s.loop.in_loop_thread()); }};
  });
  auto detached = s.sys->spawn<caf::detached>([&s, detached_on_loop](caf::event_based_actor*) -> caf::behavior {
    return {[&s, detached_on_loop](int) { detached_on_loop->set_value(s.loop.in_loop_thread()); }};
  });
  asio::post(s.loop.io(), [receiver, detached] {
    caf::anon_send(receiver, 1); // as an HTTP handler or an HTTP completion does
    caf::anon_send(detached, 1);
  });
  auto a = on_loop->get_future();
  auto b = detached_on_loop->get_future();
  REQUIRE(a.wait_for(10s) == std::future_status::ready);
  REQUIRE(b.wait_for(10s) == std::future_status::ready);
  CHECK(a.get());
  CHECK_FALSE(b.get());
  caf::anon_send_exit(receiver, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(detached, caf::exit_reason::user_shutdown);
}

TEST_CASE("delayed messages, idle timeouts and request timeouts fire on the loop", "[actors][loop_scheduler]") {
  loop_system s;
  auto delayed = std::make_shared<std::promise<std::string>>();
  auto timed_out = std::make_shared<std::promise<bool>>();
  auto idle = std::make_shared<std::promise<bool>>();
  // Takes the request and never answers it.
  auto silent = s.sys->spawn([](caf::event_based_actor* self) -> caf::behavior {
    auto held = std::make_shared<std::vector<caf::response_promise>>();
    return {[self, held](int) {
      held->push_back(self->make_response_promise());
      return held->back();
    }};
  });
  auto asker = s.sys->spawn([&s, silent, delayed, timed_out](caf::event_based_actor* self) -> caf::behavior {
    // The hour-long timer arms the loop's timer first: the sooner ones set
    // after it must re-arm it, or nothing below fires within the test.
    self->delayed_send(self, std::chrono::seconds(3600), std::string{"too late"});
    self->delayed_send(self, 20ms, std::string{"later"});
    self->request(silent, 20ms, 1).then([](int) {}, [timed_out, &s](const caf::error& e) {
      timed_out->set_value(e == caf::sec::request_timeout && s.loop.in_loop_thread());
    });
    return {[delayed](const std::string& text) { delayed->set_value(text); }};
  });
  auto waiter = s.sys->spawn([&s, idle](caf::event_based_actor* self) -> caf::behavior {
    return {
      [](int) {},
      caf::after(20ms) >> [self, idle, &s] {
        idle->set_value(s.loop.in_loop_thread());
        self->quit();
      },
    };
  });
  auto text = delayed->get_future();
  auto timeout = timed_out->get_future();
  auto idled = idle->get_future();
  REQUIRE(text.wait_for(10s) == std::future_status::ready);
  REQUIRE(timeout.wait_for(10s) == std::future_status::ready);
  REQUIRE(idled.wait_for(10s) == std::future_status::ready);
  CHECK(text.get() == "later");
  CHECK(timeout.get());
  CHECK(idled.get());
  // No clock thread: the timers are the loop's.
  CHECK_FALSE(rkgate::test::nice_of_thread("caf.clock").has_value());
  caf::anon_send_exit(asker, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}

TEST_CASE("an actor that ends with timers pending is let go at once", "[actors][loop_scheduler]") {
  loop_system s{1}; // one loop thread: a handler posted during or after a turn runs after it
  // Takes the request and drops it unanswered (a promise kept, or the request
  // left in its mailbox, would hold the requester).
  auto asked = std::make_shared<std::promise<void>>();
  auto silent = s.sys->spawn([asked](caf::event_based_actor* self) -> caf::behavior {
    return {[self, asked](int) {
      self->make_response_promise();
      asked->set_value();
    }};
  });
  auto ending = std::make_shared<std::promise<void>>();
  caf::actor_addr quitter_addr;
  {
    // Its request timeout and idle timeout hold references to it in the
    // clock; its clean-up cancels them, and nothing else holds it.
    auto quitter = s.sys->spawn([silent](caf::event_based_actor* self) -> caf::behavior {
      self->request(silent, std::chrono::seconds(3600), 1).then([](int) {}, [](const caf::error&) {});
      return {
        [self](const std::string&) { self->quit(); },
        caf::after(std::chrono::seconds(3600)) >> [] {},
      };
    });
    quitter->attach_functor([ending] { ending->set_value(); });
    quitter_addr = quitter.address();
    caf::anon_send(quitter, std::string{"quit"});
  }
  REQUIRE(ending->get_future().wait_for(10s) == std::future_status::ready);
  REQUIRE(asked->get_future().wait_for(10s) == std::future_status::ready);
  auto released = std::make_shared<std::promise<bool>>();
  asio::post(s.loop.io(), [released, quitter_addr] {
    released->set_value(caf::actor_cast<caf::actor>(quitter_addr) == nullptr);
  });
  auto was_released = released->get_future();
  REQUIRE(was_released.wait_for(10s) == std::future_status::ready);
  CHECK(was_released.get());
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}

TEST_CASE("the actor system shuts down though a loop thread spawned actors", "[actors][loop_scheduler]") {
  loop_system s;
  auto spawned = std::make_shared<std::promise<void>>();
  asio::post(s.loop.io(), [&s, spawned] {
    // As an HTTP handler spawning a bridge: CAF's logger is now held by this thread.
    auto quick = s.sys->spawn([](caf::event_based_actor* self) { self->quit(); });
    spawned->set_value();
  });
  REQUIRE(spawned->get_future().wait_for(10s) == std::future_status::ready);
  // A hang would stop the suite, so a watchdog turns one into a failure.
  std::promise<void> down;
  std::thread watchdog([done = down.get_future()] {
    if (done.wait_for(10s) != std::future_status::ready) {
      std::fputs("the actor system's destructor hangs\n", stderr);
      std::_Exit(1);
    }
  });
  s.sys.reset();
  down.set_value();
  watchdog.join();
}
