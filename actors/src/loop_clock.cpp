#include "loop_clock.hpp"

namespace rkgate::actors::detail {

loop_clock::loop_clock(asio::io_context& io) : timer_(io) {}

void loop_clock::set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type, uint64_t id) {
  add([&] { simple_actor_clock::set_ordinary_timeout(t, self, type, id); });
}

void loop_clock::set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type, uint64_t id) {
  add([&] { simple_actor_clock::set_multi_timeout(t, self, type, id); });
}

void loop_clock::set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) {
  add([&] { simple_actor_clock::set_request_timeout(t, self, id); });
}

// The two single cancellations come from the actor itself while it runs, so
// the entry dropped here (which holds a reference to that actor) is never
// its last one. The asio timer stays armed: a wake-up for nothing is cheaper
// than re-arming at every cancellation.
void loop_clock::cancel_ordinary_timeout(caf::abstract_actor* self, caf::atom_value type) {
  std::lock_guard<std::mutex> lock(mtx_);
  simple_actor_clock::cancel_ordinary_timeout(self, type);
}

void loop_clock::cancel_request_timeout(caf::abstract_actor* self, caf::message_id id) {
  std::lock_guard<std::mutex> lock(mtx_);
  simple_actor_clock::cancel_request_timeout(self, id);
}

void loop_clock::cancel_timeouts(caf::abstract_actor* self) {
  due_list dropped; // destroyed after the unlock, as CAF's clean-up calls this
  {
    std::lock_guard<std::mutex> lock(mtx_);
    auto range = actor_lookup_.equal_range(self->id());
    for (auto i = range.first; i != range.second; ++i) {
      dropped.push_back(std::move(i->second->second));
      schedule_.erase(i->second);
    }
    actor_lookup_.erase(range.first, range.second);
  }
}

void loop_clock::schedule_message(time_point t, caf::strong_actor_ptr receiver, caf::mailbox_element_ptr content) {
  add([&] { simple_actor_clock::schedule_message(t, std::move(receiver), std::move(content)); });
}

void loop_clock::schedule_message(time_point t, caf::group target, caf::strong_actor_ptr sender,
                                  caf::message content) {
  add([&] { simple_actor_clock::schedule_message(t, std::move(target), std::move(sender), std::move(content)); });
}

void loop_clock::cancel_all() {
  due_list dropped;
  std::lock_guard<std::mutex> lock(mtx_);
  dropped = take_all_locked();
}

void loop_clock::stop() {
  due_list dropped;
  std::lock_guard<std::mutex> lock(mtx_);
  stopped_ = true;
  timer_.cancel();
  dropped = take_all_locked();
}

loop_clock::due_list loop_clock::take_all_locked() {
  due_list all;
  all.reserve(schedule_.size());
  for (auto& entry : schedule_)
    all.push_back(std::move(entry.second));
  schedule_.clear();
  actor_lookup_.clear();
  return all;
}

void loop_clock::arm_locked() {
  if (schedule_.empty())
    return;
  auto due = schedule_.begin()->first;
  if (due >= armed_for_)
    return;
  armed_for_ = due;
  timer_.expires_at(due);
  // An aborted wait was replaced by a sooner one (or the clock stopped): it
  // must not touch the clock, which may be gone by then.
  timer_.async_wait([this](const asio::error_code& ec) {
    if (ec != asio::error::operation_aborted)
      on_timer();
  });
}

void loop_clock::on_timer() {
  due_list due;
  {
    std::lock_guard<std::mutex> lock(mtx_);
    if (stopped_)
      return;
    armed_for_ = time_point::max();
    auto t = now();
    for (auto i = schedule_.begin(); i != schedule_.end() && i->first <= t;) {
      if (i->second->backlink != actor_lookup_.end())
        actor_lookup_.erase(i->second->backlink);
      due.push_back(std::move(i->second));
      i = schedule_.erase(i);
    }
    arm_locked();
  }
  for (auto& event : due)
    ship(*event);
}

} // namespace rkgate::actors::detail
