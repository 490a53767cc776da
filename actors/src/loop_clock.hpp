#pragma once
// CAF's timers (delayed messages, request timeouts, `after` handlers) kept on
// the event loop instead of CAF's clock thread. That thread was woken for
// every timer set, about a thousand times a second under load, though only
// the earliest due time matters; here setting a timer is a map insert under
// a mutex, and one asio timer on the loop is re-armed only when the earliest
// due time moves. Due entries are shipped on the loop thread that runs the
// timer, outside the mutex (shipping or dropping one may end an actor, whose
// clean-up cancels its timers here).

#include <caf/detail/simple_actor_clock.hpp>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <mutex>
#include <vector>

namespace rkgate::actors::detail {

class loop_clock final : public caf::detail::simple_actor_clock {
public:
  explicit loop_clock(asio::io_context& io);

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type, uint64_t id) override;
  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type, uint64_t id) override;
  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override;
  void cancel_ordinary_timeout(caf::abstract_actor* self, caf::atom_value type) override;
  void cancel_request_timeout(caf::abstract_actor* self, caf::message_id id) override;
  void cancel_timeouts(caf::abstract_actor* self) override;
  void schedule_message(time_point t, caf::strong_actor_ptr receiver, caf::mailbox_element_ptr content) override;
  void schedule_message(time_point t, caf::group target, caf::strong_actor_ptr sender, caf::message content) override;
  void cancel_all() override;

  /// Drops every timer and arms no more: for the actor system's stop.
  void stop();

private:
  using due_list = std::vector<unique_delayed_event_ptr>;

  /// Runs `insert` (one of the base class's setters) under the mutex unless
  /// stopped, then arms the asio timer if the earliest due time moved.
  template <class F>
  void add(F insert) {
    std::lock_guard<std::mutex> lock(mtx_);
    if (stopped_)
      return;
    insert();
    arm_locked();
  }

  /// Arms the asio timer for the earliest entry when that is sooner than
  /// what it is armed for. Called with `mtx_` held.
  void arm_locked();
  /// The timer's handler: takes the due entries and ships them.
  void on_timer();
  /// Takes every entry out (for dropping them outside the mutex).
  due_list take_all_locked();

  std::mutex mtx_;
  asio::steady_timer timer_;
  time_point armed_for_ = time_point::max(); ///< max: not armed
  bool stopped_ = false;
};

} // namespace rkgate::actors::detail
