#pragma once
// One push callback waiting to be delivered, and the retry schedule.
//
// Schedule (retry_policy defaults): after the n-th failed attempt the next one
// is due first_delay * 2^(n-1) later, capped at max_delay: 1 s, 2 s, 4 s, ...
// 512 s, then every 10 min. A delivery is given up only when an attempt fails
// at least give_up_after (24 h) after its first attempt, so every delivery is
// tried for at least 24 h (about 155 attempts). Any 2xx ends it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace rkgate::notify {

/// Wall-clock time: delivery times are persisted and must survive restarts.
using clock = std::chrono::system_clock;
using time_point = clock::time_point;

struct delivery {
  std::string order_guid;
  std::uint64_t sequence = 0; ///< per order, from 1; delivered in this order
  std::string url;
  std::string signature; ///< X-Rkgate-Signature value, computed at enqueue
  std::string body;      ///< the exact bytes to POST
  time_point created_at{};
  std::optional<time_point> first_attempt_at; ///< set by the first completed attempt
  int attempts = 0;              ///< completed attempts that failed
  time_point next_attempt_at{};  ///< not attempted before this
  std::string last_error;        ///< of the last failed attempt

  /// "<order guid>#<sequence>": unique, also sent as X-Rkgate-Delivery.
  std::string id() const { return order_guid + "#" + std::to_string(sequence); }
};

struct retry_policy {
  std::chrono::milliseconds first_delay{1000};
  std::chrono::milliseconds max_delay{std::chrono::minutes(10)};
  std::chrono::milliseconds give_up_after{std::chrono::hours(24)};

  /// The wait after the `failures`-th failed attempt (failures >= 1).
  std::chrono::milliseconds delay_after(int failures) const;
  /// True when a failure at `now` ends `d` for good (it counts from the first attempt).
  bool gives_up(const delivery& d, time_point now) const;
};

} // namespace rkgate::notify
