#pragma once
// Which callback deliveries to attempt when: the in-memory scheduling logic
// the NOTIFIER actor drives. No threads, no I/O, no clock of its own: every
// call takes "now".
//
// Rules:
// - per order, delivery n+1 is not attempted before n succeeded (2xx) or was
//   given up: each order is one queue and only its head is ever in flight;
// - orders are independent: a failing or slow URL only delays its own orders'
//   queues, and at most `per_url_in_flight` attempts hit one URL at once;
// - a failed attempt schedules the next after retry_policy::delay_after, and
//   one failing >= give_up_after past the first attempt gives the delivery up.
//
// Driving it: add() what the outbox restored or enqueued; send what due(now)
// returns (through net::http_engine); feed each outcome to complete() and
// persist its verdict (outbox.update on retry, outbox.remove otherwise); call
// due() again after add()/complete(), and when next_wakeup() comes.

#include "net/http_engine.hpp"
#include "notify/delivery.hpp"

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rkgate::notify {

struct dispatch_limits {
  std::size_t per_url_in_flight = 4;  ///< concurrent attempts to one URL
  std::size_t total_in_flight = 256;  ///< concurrent attempts overall
};

class dispatcher {
public:
  explicit dispatcher(retry_policy policy = {}, dispatch_limits limits = {});

  /// Queues `d` behind its order's pending deliveries. Deliveries of one order
  /// must be added in sequence order; throws std::invalid_argument otherwise.
  void add(delivery d);

  /// The deliveries to attempt now, oldest due first, each marked in flight.
  std::vector<delivery> due(time_point now);

  enum class verdict {
    delivered, ///< 2xx: remove it from the outbox
    retry,     ///< failed: store the updated delivery; it is due at next_attempt_at
    gave_up,   ///< failed after the retry window: remove it (and log it)
  };
  struct result {
    verdict what;
    delivery d; ///< with attempts, first_attempt_at, next_attempt_at, last_error updated
  };

  /// The outcome of the in-flight attempt of delivery `sequence` of
  /// `order_guid`; nullopt when no such attempt is in flight.
  std::optional<result> complete(const std::string& order_guid, std::uint64_t sequence,
                                 const net::outcome& outcome, time_point now);

  /// When the earliest waiting delivery falls due (nullopt: nothing waits on
  /// time). Deliveries held back only by a URL cap are not counted: a
  /// completion frees them.
  std::optional<time_point> next_wakeup() const;

  std::size_t pending() const;   ///< deliveries queued, including in flight
  std::size_t in_flight() const; ///< attempts sent and not completed

private:
  struct order_queue {
    std::deque<delivery> items;
    bool in_flight = false; ///< its head is being attempted
  };
  bool url_full(const std::string& url) const;

  retry_policy policy_;
  dispatch_limits limits_;
  std::map<std::string, order_queue> orders_; ///< only orders with pending deliveries
  std::map<std::string, std::size_t> url_in_flight_;
  std::size_t in_flight_ = 0;
};

/// Why an attempt failed, for delivery::last_error ("" for a 2xx).
std::string describe_failure(const net::outcome& outcome);

/// The POST for one attempt: JSON body, X-Rkgate-Signature, X-Rkgate-Delivery
/// (the delivery id, for de-duplication by the receiver), TLS verified.
net::request callback_request(const delivery& d,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10));

} // namespace rkgate::notify
