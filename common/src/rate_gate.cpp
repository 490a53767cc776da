#include "common/rate_gate.hpp"

#include <algorithm>
#include <cmath>

namespace rkgate {

rate_gate::rate_gate(double per_second)
  : interval_ns_(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(1e9 / per_second)))),
    // A burst of one second's worth (at least one request) beyond the steady rate.
    burst_ns_(std::max<std::int64_t>(0, (std::max<std::int64_t>(1, static_cast<std::int64_t>(per_second)) - 1)
                                          * interval_ns_)) {}

std::chrono::nanoseconds rate_gate::admit(clock::time_point now) noexcept {
  const std::int64_t t = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::int64_t tat = tat_ns_.load(std::memory_order_relaxed);
  for (;;) {
    std::int64_t start = std::max(tat, t);
    if (start - t > burst_ns_)
      return std::chrono::nanoseconds(start - t - burst_ns_);
    if (tat_ns_.compare_exchange_weak(tat, start + interval_ns_, std::memory_order_relaxed))
      return std::chrono::nanoseconds(0);
  }
}

} // namespace rkgate
