#pragma once
// The durable outbox of push callbacks in the store's `outbox` table.
//
// Key: <order guid> \x1f <sequence as 16 hex digits>, so a prefix scan lists
// an order's deliveries in sequence order and a full scan after a restart
// restores every pending delivery, each order's in order. Value: the delivery
// as JSON (times in milliseconds since the Unix epoch).
//
// Every call does disk I/O: use it from a thread that may block (a detached
// NOTIFIER, or start-up), never from a loop thread.

#include "notify/delivery.hpp"

#include <map>
#include <string>
#include <vector>

namespace rkgate::persistence {
class store;
}

namespace rkgate::notify {

class outbox {
public:
  explicit outbox(persistence::store& db);

  struct loaded {
    std::vector<delivery> deliveries; ///< each order's in sequence order
    std::vector<std::string> unreadable_keys; ///< records that did not parse (left in place)
  };
  /// Reads every pending delivery and resumes the per-order sequence numbers.
  /// Call once, before enqueue. Throws std::runtime_error on an I/O error.
  loaded load();

  /// Stores (synced) a new delivery with the order's next sequence number and
  /// returns it, due at `now`. Throws std::invalid_argument for an empty guid
  /// or URL (or a guid with \x1f) and std::runtime_error when the write fails;
  /// nothing is stored then.
  delivery enqueue(const std::string& order_guid, const std::string& url,
                   const std::string& signature, const std::string& body, time_point now);

  /// Rewrites `d` after a failed attempt (attempts, next_attempt_at, ...).
  /// Not synced: losing it after a crash only brings a retry forward.
  void update(const delivery& d);

  /// Deletes `d` (delivered or given up). Not synced: at-least-once allows
  /// the rare repeat after a crash.
  void remove(const delivery& d);

  /// Deliveries stored and not removed.
  std::size_t size() const;

  /// The table key of delivery `sequence` of `order_guid`.
  static std::string key(const std::string& order_guid, std::uint64_t sequence);

private:
  void write(const std::string& key, const std::string* value, bool sync);

  struct order_state {
    std::uint64_t last_sequence = 0;
    std::size_t pending = 0;
  };
  persistence::store& db_;
  std::map<std::string, order_state> orders_; ///< only orders with pending deliveries
};

/// The delivery as the outbox stores it (JSON text), and back (nullopt when
/// the text is not a delivery).
std::string to_json(const delivery& d);
std::optional<delivery> delivery_from_json(const std::string& text);

} // namespace rkgate::notify
