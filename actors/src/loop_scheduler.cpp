#include "actors/loop_scheduler.hpp"

#include "loop/event_loop.hpp"

#include "loop_clock.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/execution_unit.hpp>
#include <caf/logger.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

#include <asio/defer.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

namespace rkgate::actors {

namespace {

class loop_scheduler;

/// The execution unit every actor resumed by the loop runs in: what it
/// schedules goes back to the loop.
class loop_unit final : public caf::execution_unit {
public:
  loop_unit(caf::actor_system& sys, loop_scheduler& scheduler)
    : caf::execution_unit(&sys), scheduler_(scheduler) {}
  void exec_later(caf::resumable* job) override;

private:
  loop_scheduler& scheduler_;
};

class loop_scheduler final : public caf::scheduler::abstract_coordinator {
public:
  loop_scheduler(caf::actor_system& sys, loop::event_loop& loop)
    : abstract_coordinator(sys), loop_(loop), unit_(sys, *this), clock_(loop.io()) {}

  /// Queues `job` (holding a reference to it) on the loop: behind the running
  /// handler when called on a loop thread (asio keeps a continuation on its
  /// own thread), else for whichever loop thread is free.
  void schedule(caf::resumable* job) {
    auto run = [this, job] { resume(job); };
    if (loop_.in_loop_thread())
      asio::defer(loop_.io(), run);
    else
      asio::post(loop_.io(), run);
  }

  void enqueue(caf::resumable* job) override { schedule(job); }

  detail::loop_clock& clock() noexcept override { return clock_; }

protected:
  void init(caf::actor_system_config& cfg) override {
    abstract_coordinator::init(cfg);
    num_workers_ = loop_.threads();
  }

  /// Runs after the actor system saw its last actor go: nothing of ours is
  /// left on the loop but the utility actors, which stop_actors ends.
  void stop() override {
    stop_actors();
    clock_.stop();
    // A thread that spawns an actor keeps a reference to CAF's logger, and
    // the actor system's destructor waits for the last one to go. CAF's own
    // workers end here; the loop's threads go on, so they let go instead.
    // This also waits out a clock handler already queued on the loop, so the
    // clock may go with this scheduler.
    loop_.on_every_thread([] { caf::logger::set_current_actor_system(nullptr); });
  }

private:
  /// One turn of `job`, as CAF's own workers do it.
  void resume(caf::resumable* job) {
    switch (job->resume(&unit_, max_throughput())) {
      case caf::resumable::resume_later:
        schedule(job); // its reference goes along
        break;
      case caf::resumable::done:
      case caf::resumable::awaiting_message:
        intrusive_ptr_release(job);
        break;
      case caf::resumable::shutdown_execution_unit:
        break; // only CAF's own workers are asked to shut down
    }
  }

  loop::event_loop& loop_;
  loop_unit unit_;
  detail::loop_clock clock_;
};

void loop_unit::exec_later(caf::resumable* job) {
  scheduler_.schedule(job);
}

} // namespace

void run_actors_on(caf::actor_system_config& cfg, loop::event_loop& loop) {
  cfg.module_factories.push_back(
    [&loop](caf::actor_system& sys) -> caf::actor_system::module* { return new loop_scheduler(sys, loop); });
}

} // namespace rkgate::actors
