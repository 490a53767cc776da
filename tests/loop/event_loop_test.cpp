// rkgate::loop::event_loop: handlers run on its threads, which know they are
// the loop's and run with a short scheduler slice; stop() runs what is
// already queued, then joins.

#include "loop/event_loop.hpp"

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <catch2/catch.hpp>

#include <sys/utsname.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using rkgate::loop::event_loop;

TEST_CASE("handlers run on the loop's threads, which know themselves", "[loop]") {
  event_loop loop{2};
  CHECK(loop.threads() == 2);
  CHECK_FALSE(loop.in_loop_thread());
  std::promise<std::pair<bool, std::thread::id>> ran;
  asio::post(loop.io(), [&] { ran.set_value({loop.in_loop_thread(), std::this_thread::get_id()}); });
  auto result = ran.get_future();
  REQUIRE(result.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto [inside, thread] = result.get();
  CHECK(inside);
  CHECK(thread != std::this_thread::get_id());

  event_loop other{1};
  std::promise<bool> other_ran;
  asio::post(other.io(), [&] { other_ran.set_value(loop.in_loop_thread()); });
  CHECK_FALSE(other_ran.get_future().get()); // a thread of another loop is not this loop's
}

TEST_CASE("zero threads means one", "[loop]") {
  event_loop loop{0};
  CHECK(loop.threads() == 1);
}

TEST_CASE("stop runs every handler already queued, then joins; a second stop does nothing", "[loop]") {
  event_loop loop{1};
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<int> ran{0};
  asio::post(loop.io(), [gate] { gate.wait(); }); // holds the only thread
  for (int i = 0; i < 100; ++i)
    asio::post(loop.io(), [&] { ++ran; });
  std::thread stopper([&] { loop.stop(); });
  release.set_value();
  stopper.join();
  CHECK(ran == 100);
  loop.stop();
}

TEST_CASE("stop refuses to run on the loop's own thread", "[loop]") {
  event_loop loop{1};
  std::promise<bool> threw;
  asio::post(loop.io(), [&] {
    try {
      loop.stop();
      threw.set_value(false);
    } catch (const std::logic_error&) {
      threw.set_value(true);
    }
  });
  CHECK(threw.get_future().get());
}

TEST_CASE("on_every_thread runs once on each thread", "[loop]") {
  event_loop loop{3};
  std::mutex mutex;
  std::set<std::thread::id> ran_on;
  int runs = 0;
  loop.on_every_thread([&] {
    std::lock_guard<std::mutex> lock(mutex);
    ran_on.insert(std::this_thread::get_id());
    ++runs;
  });
  CHECK(runs == 3);
  CHECK(ran_on.size() == 3);
  CHECK(ran_on.count(std::this_thread::get_id()) == 0);
}

namespace {

bool kernel_has_custom_slices() {
  utsname u{};
  int major = 0, minor = 0;
  return uname(&u) == 0 && std::sscanf(u.release, "%d.%d", &major, &minor) == 2
         && (major > 6 || (major == 6 && minor >= 12));
}

} // namespace

TEST_CASE("the loop's threads ask the kernel for a short slice", "[loop]") {
  if (!kernel_has_custom_slices()) {
    WARN("this kernel has no custom slices (Linux 6.12+): nothing to check");
    return;
  }
  const auto own = rkgate::loop::thread_slice_ns();
  event_loop loop{2};
  std::mutex mutex;
  std::vector<std::uint64_t> slices;
  loop.on_every_thread([&] {
    std::lock_guard<std::mutex> lock(mutex);
    slices.push_back(rkgate::loop::thread_slice_ns());
  });
  CHECK(slices == std::vector<std::uint64_t>{rkgate::loop::loop_thread_slice_ns, rkgate::loop::loop_thread_slice_ns});
  CHECK(rkgate::loop::thread_slice_ns() == own); // the caller's thread is untouched
  CHECK(own != rkgate::loop::loop_thread_slice_ns);
}
