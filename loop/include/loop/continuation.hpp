#pragma once
// A completion handler marked as the continuation of the handler that started
// its operation. asio runs an operation that completes at once (a write with
// room in the socket's buffer, a read with data already there) through the
// handler queue: a marked handler is queued behind the running handler on its
// own thread; an unmarked one is queued for any thread, and asio wakes another
// loop thread to run it. On a 2-core machine that thread often lands on the
// same core and preempts the very handler it was woken behind
// (docs/performance-log.md, "Session 20"). Mark the steps of a chain that one
// thread should carry on with.

#include <utility>

namespace rkgate::loop {

template <class F>
struct continuation {
  F f;

  template <class... Args>
  void operator()(Args&&... args) {
    f(std::forward<Args>(args)...);
  }

  /// asio's hook, found by argument-dependent lookup.
  friend bool asio_handler_is_continuation(continuation*) { return true; }
};

template <class F>
continuation(F) -> continuation<F>;

} // namespace rkgate::loop
