#pragma once
// The events feed of GET /api/v4/events?hash= (api.md §6), in the QR-menu
// notification format: an append-only list of events, each with a unique
// hash ("0x" + 8 lowercase hex), kept for a retention window (also across
// restarts, through the store's `events` table) and read by hash:
// since(h) gives the events after the one with hash h, oldest first, or every
// retained event with reset = true when h is "none", unknown or expired.
//
// Not thread-safe: the EVENTS LOG actor owns one. With a store, append and
// prune do disk I/O (use a thread that may block, e.g. a detached actor).

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rkgate::persistence {
class store;
class write_batch;
}

namespace rkgate::events {

/// Wall-clock time: event times are persisted and must survive restarts.
using clock = std::chrono::system_clock;
using time_point = clock::time_point;

/// What happened (the QR-menu event codes).
enum class code {
  save_order,       ///< a new order
  additional_order, ///< items added to an open order on the same table
  online_payment,   ///< a payment added to an open order
  bill_request,     ///< the guest asks for the bill
  waiter_call,      ///< the guest calls the waiter
  order_status,     ///< an order's status changed
};
const char* to_string(code c);
std::optional<code> code_from_string(std::string_view text);

/// An event as the caller describes it (see qr_format.hpp for builders).
struct new_event {
  code what = code::order_status;
  std::string restaurant;
  std::int64_t table = 0;       ///< table id
  std::string guid;             ///< the order's guid; empty for calls without an order
  nlohmann::json invoice = nullptr;
  nlohmann::json order = nullptr;
  nlohmann::json table_repr = nullptr;
};

/// A retained event. It is kept as the text of its update object, serialized
/// once at append (an event is read far more cheaply than a DOM is kept: a
/// DOM is a few KB of small heap blocks per event for the whole retention
/// window), plus what the feed filters and expires by.
struct event {
  std::string hash;           ///< "0x" + 8 lowercase hex, unique among retained events
  std::string restaurant;
  std::uint64_t sequence = 0; ///< position in the feed, increasing
  time_point created_at{};
  /// The update object as the feed returns it, as JSON text:
  /// {"code","guid"?,"hash","invoice","order","restaurant","table","table_repr"}
  /// (nlohmann's key order; invalid UTF-8 in the caller's strings replaced by U+FFFD).
  std::string update;
};

/// One answer of the feed. The updates point into the feed: they stay valid
/// until the feed next drops events or texts (the next append, since, prune or
/// load).
struct page {
  std::vector<const event*> updates; ///< oldest first
  bool reset = false;                ///< the hash was "none", unknown or expired
};

/// Which restaurants a reader may see.
using visibility = std::function<bool(const std::string& restaurant)>;

class feed {
public:
  /// `db` may be nullptr (memory only). `hash_seed` randomizes the hashes of
  /// this run (pass a random number; tests pass a fixed one). With a store,
  /// the update texts of events older than `in_memory` (and already written)
  /// leave memory and are read back from the store when a page needs them:
  /// the retention window can hold hundreds of thousands of events, while
  /// readers mostly ask for the newest.
  feed(persistence::store* db, std::chrono::milliseconds retention, std::uint32_t hash_seed,
       std::chrono::milliseconds in_memory = std::chrono::milliseconds::max());

  /// Reads the retained events from the store and erases the expired ones.
  /// Returns how many stored records did not parse (they are erased too).
  /// Throws std::runtime_error on an I/O error.
  std::size_t load(time_point now);

  /// Appends an event at `now` and returns it, dropping the events that left
  /// the retention window (so the feed stays bounded when nobody reads it).
  /// Throws std::invalid_argument for an empty restaurant and
  /// std::runtime_error when the store write fails (the event is not added
  /// then).
  const event& append(new_event e, time_point now);

  /// The same, but the event's write (and the erases of the dropped events)
  /// go into `staged` for the caller to write (several events in one write);
  /// the event is in the feed at once.
  const event& append(new_event e, time_point now, persistence::write_batch& staged);

  /// Writes what append(..., staged) staged (unsynced); false, with `error`, when it failed.
  bool write(const persistence::write_batch& staged, std::string* error);

  /// The events after `hash` visible to the reader (see the header comment).
  /// A hash of an event the reader may not see counts as unknown. Prunes first.
  page since(std::string_view hash, const visibility& visible, time_point now);

  /// Drops events older than the retention window; returns how many.
  std::size_t prune(time_point now);

  /// prune(), and the texts of stored events past the in-memory window leave
  /// memory (as after a write): what the EVENTS LOG does when idle, so a quiet
  /// feed lets go of a burst's events without waiting for an append.
  std::size_t tidy(time_point now);

  std::size_t size() const { return events_.size(); }
  /// How many retained events have their update text in memory.
  std::size_t texts_in_memory() const;
  std::chrono::milliseconds retention() const { return retention_; }

private:
  std::string next_hash();
  const event& add(new_event&& e, time_point now);
  /// Drops the events older than the window; their erases go into `batch`.
  std::size_t drop_expired(time_point now, persistence::write_batch& batch);
  /// Lets the texts of written events older than `in_memory_` leave memory.
  void cool(time_point now);
  /// Reads a cooled event's text back from the store; false when its record
  /// is gone or unreadable.
  bool warm(event& e);
  void stage(const event& e, persistence::write_batch& batch) const;
  /// Writes `batch` (unsynced); true without a store or with nothing to write.
  bool persist(const persistence::write_batch& batch, std::string* error);

  persistence::store* db_;
  std::chrono::milliseconds retention_;
  std::uint32_t seed_;
  std::chrono::milliseconds in_memory_;
  std::uint64_t staged_through_ = 0;  ///< the newest sequence staged by append(..., staged)
  std::uint64_t written_through_ = 0; ///< events up to this sequence are in the store
  std::uint64_t cooled_through_ = 0;  ///< no text in memory at or below this sequence, except warmed ones
  std::uint64_t next_sequence_ = 1;
  std::uint32_t hash_counter_ = 0;
  std::deque<event> events_;                              ///< by sequence
  std::unordered_map<std::string, std::uint64_t> by_hash_; ///< hash -> sequence
};

/// The `data` object of the answer as JSON text, {"reset":true,"updates":[...]}
/// (reset only when set), assembled from the stored update texts: the same
/// bytes as nlohmann's dump() of that object.
std::string page_text(const page& p);

/// The event as the store keeps it: a one-line JSON header
/// {"created_at","hash","restaurant","sequence"}, a newline, the update text.
std::string to_storage(const event& e);

/// Back from the store: the format above (the update text is checked, not
/// parsed into a DOM), or the earlier one (one JSON object: the update object
/// plus "sequence" and "created_at"). nullopt when neither.
std::optional<event> event_from_storage(std::string_view text);

} // namespace rkgate::events
