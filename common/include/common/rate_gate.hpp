#pragma once
// A per-client request rate limit (config `rate_limit: 50/s`) as the generic cell
// rate algorithm: one atomic "theoretical arrival time", no lock, no timer. Up to
// one second's worth of requests may arrive at once; beyond that they are spaced
// at the rate.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace rkgate {

class rate_gate {
public:
  using clock = std::chrono::steady_clock;

  /// `per_second` > 0.
  explicit rate_gate(double per_second);

  /// Admits a request at `now`: zero when admitted, otherwise how long until
  /// one would be (nothing is counted for a refused request).
  std::chrono::nanoseconds admit(clock::time_point now = clock::now()) noexcept;

private:
  std::int64_t interval_ns_; ///< between requests at the rate
  std::int64_t burst_ns_;    ///< how far ahead of now the schedule may run
  std::atomic<std::int64_t> tat_ns_{0}; ///< when the next request is due, on `clock`
};

} // namespace rkgate
