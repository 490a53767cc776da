#pragma once
// Durable state of the gateway in RocksDB: one column family per kind of
// record, byte keys and values (the actors serialize their records), atomic
// batches, and synced writes for anything that acknowledges a client.
// Every call blocks on disk: call it only from the STORE actor's own thread
// (a detached actor) or from start-up code, never from a scheduler thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rkgate::persistence {

/// The kinds of records, each its own column family.
enum class table {
  orders,      ///< guid -> order record (JSON)
  idempotency, ///< source \x1f external_id -> guid + body hash
  tables,      ///< restaurant \x1f base table \x1f slot -> guid
  licenses,    ///< instance guid -> last seqNumber
  outbox,      ///< callback deliveries not yet acknowledged
  events,      ///< events feed, keyed by time
  meta,        ///< schema version and counters
  live_orders, ///< guid -> source, for every order not yet final (read at start-up)
};

const char* to_string(table t);

/// A set of writes applied atomically.
class write_batch {
public:
  void put(table t, std::string key, std::string value);
  void erase(table t, std::string key);
  bool empty() const { return ops_.empty(); }

  struct op {
    table t;
    std::string key;
    std::optional<std::string> value; ///< nullopt = erase
  };
  const std::vector<op>& ops() const { return ops_; }

private:
  std::vector<op> ops_;
};

class store {
public:
  /// Opens (creating when absent) the database at `path`; nullptr and
  /// `*error` set on failure.
  static std::unique_ptr<store> open(const std::string& path, std::string* error);
  ~store();

  /// Applies `batch`; with `sync` it is on disk when this returns.
  /// Returns false and sets `*error` on failure.
  bool write(const write_batch& batch, bool sync, std::string* error);

  /// Makes every write applied so far durable (one fsync of the write-ahead
  /// log). Safe to call from another thread while writes go on: the STORE
  /// writes unsynced at once and syncs in the background (group commit).
  /// Returns the last write's sequence number the sync covers (see
  /// last_sequence()); nullopt and `*error` set on failure.
  std::optional<std::uint64_t> sync_wal(std::string* error);

  /// RocksDB's sequence number of the last write applied (it grows with every
  /// write): a sync that starts after a write returned covers it.
  std::uint64_t last_sequence() const;

  /// The value at `key`, nullopt when absent; throws std::runtime_error on an
  /// I/O error or corruption (which must not read as "absent").
  std::optional<std::string> get(table t, std::string_view key) const;

  /// Calls `visit(key, value)` for every record whose key starts with
  /// `prefix`, in key order (bytewise), until `visit` returns false; an empty
  /// prefix visits the whole table. Throws std::runtime_error on an I/O error.
  void scan(table t, std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& visit) const;

  /// False only when `key` is certainly absent from `t`, answered from memory
  /// (memtables, cached Bloom filters) without any disk I/O, so unlike every
  /// other call it may run on any thread. True means "maybe": read it to know.
  /// Writes still queued in the STORE actor are not seen.
  bool may_contain(table t, std::string_view key) const;

  /// Writes the memtables to table files, so the next open replays no log
  /// (for bulk loads such as the benchmark's seeded stores).
  bool flush(std::string* error);

private:
  struct impl;
  explicit store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace rkgate::persistence
