#pragma once
// The gateway's one event loop: an asio io_context run by a fixed set of
// threads. The HTTP server, the outbound HTTP engine and the actors (through
// the scheduler in actors/loop_scheduler.hpp) all run their work on it, so a
// request, the r_keeper calls it makes and its answer pass from one to the
// next on the thread that is already running, without waking another thread.
// Blocking work (RocksDB, upkeep parsing) keeps threads of its own.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace asio {
class io_context;
}

namespace rkgate::loop {

/// The scheduler slice each loop thread asks the kernel for (Linux 6.12+;
/// older kernels ignore it): see event_loop.cpp.
inline constexpr std::uint64_t loop_thread_slice_ns = 100'000;

/// The calling thread's scheduler slice as the kernel reports it (Linux
/// 6.12+ reports a SCHED_OTHER thread's in `sched_attr.sched_runtime`), 0 when
/// it cannot be read.
std::uint64_t thread_slice_ns();

class event_loop {
public:
  /// Starts `threads` threads (at least one) running the io_context.
  explicit event_loop(std::size_t threads);
  /// Stops: see stop().
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  asio::io_context& io();
  std::size_t threads() const;

  /// Whether the calling thread is one of this loop's threads.
  bool in_loop_thread() const;

  /// Runs `f` once on each of the loop's threads and returns when all have
  /// run it (never call it from a loop thread): for thread-local state, such
  /// as what CAF keeps per thread that spawns actors.
  void on_every_thread(const std::function<void()>& f);

  /// Runs what is already queued, then stops the threads and joins them
  /// (idempotent; never call it from a loop thread). Whatever is still
  /// waiting then (a socket's read, a timer) is dropped with the io_context.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace rkgate::loop
