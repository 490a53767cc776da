#include "loop/event_loop.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace rkgate::loop {

namespace {

/// The loop the calling thread runs, if any.
thread_local const event_loop* current_loop = nullptr;

/// The kernel's `struct sched_attr` as of its first version (48 bytes).
struct sched_attr_v0 {
  std::uint32_t size = sizeof(sched_attr_v0);
  std::uint32_t policy = 0;
  std::uint64_t flags = 0;
  std::int32_t nice = 0;
  std::uint32_t priority = 0;
  std::uint64_t runtime = 0;
  std::uint64_t deadline = 0;
  std::uint64_t period = 0;
};

/// Asks for a short scheduler slice for the calling thread (Linux 6.12+:
/// `sched_attr.sched_runtime` of a SCHED_OTHER thread; older kernels ignore
/// it). Under EEVDF a woken thread otherwise waits for the running thread's
/// slice to end (1.4 ms on the 2-core benchmark machine) before it may preempt
/// it; a thread with a shorter slice may preempt at once. A loop thread wakes
/// for each request and each r_keeper reply and runs briefly, which is what
/// short slices are for (docs/performance-log.md, "Session 18").
void ask_for_short_slice() {
  sched_attr_v0 attr;
  attr.policy = SCHED_OTHER;
  attr.nice = getpriority(PRIO_PROCESS, 0);
  attr.runtime = loop_thread_slice_ns;
  syscall(SYS_sched_setattr, 0, &attr, 0);
}

} // namespace

struct event_loop::impl {
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running{io.get_executor()};
  std::vector<std::thread> threads;
};

event_loop::event_loop(std::size_t threads) : impl_(std::make_unique<impl>()) {
  if (threads == 0)
    threads = 1;
  for (std::size_t i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([this] {
      current_loop = this;
      ask_for_short_slice();
      impl_->io.run();
    });
    // Named before the constructor returns, so the names are there once the gateway serves.
    pthread_setname_np(impl_->threads.back().native_handle(), ("rkgate.loop." + std::to_string(i)).c_str());
  }
}

std::uint64_t thread_slice_ns() {
  sched_attr_v0 attr;
  if (syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0)
    return 0;
  return attr.runtime;
}

event_loop::~event_loop() {
  stop();
}

asio::io_context& event_loop::io() {
  return impl_->io;
}

std::size_t event_loop::threads() const {
  return impl_->threads.size();
}

bool event_loop::in_loop_thread() const {
  return current_loop == this;
}

void event_loop::on_every_thread(const std::function<void()>& f) {
  if (in_loop_thread())
    throw std::logic_error("event_loop::on_every_thread called from one of its own threads");
  // Each handler holds its thread until all have started, so no thread runs two.
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t started = 0, finished = 0;
  const std::size_t all = threads();
  for (std::size_t i = 0; i < all; ++i)
    asio::post(impl_->io, [&] {
      std::unique_lock<std::mutex> lock(mutex);
      ++started;
      changed.notify_all();
      changed.wait(lock, [&] { return started == all; });
      lock.unlock();
      f();
      lock.lock();
      ++finished;
      changed.notify_all();
    });
  std::unique_lock<std::mutex> lock(mutex);
  changed.wait(lock, [&] { return finished == all; });
}

void event_loop::stop() {
  if (!impl_->keep_running)
    return;
  if (in_loop_thread())
    throw std::logic_error("event_loop::stop called from one of its own threads");
  impl_->keep_running.reset();
  // Behind everything already queued: those handlers still run.
  asio::post(impl_->io, [this] { impl_->io.stop(); });
  for (auto& t : impl_->threads)
    t.join();
}

} // namespace rkgate::loop
