#include "actors/spawn.hpp"

#include "background_thread.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <thread>
#include <utility>

namespace rkgate::actors {

namespace {

/// Syncs the write-ahead log on its own thread, so that the STORE keeps
/// writing (unsynced, microseconds) while an fsync (milliseconds) runs.
/// Answers with the sequence number of the last write the sync covers.
using wal_syncer_actor = caf::typed_actor<caf::replies_to<atom::flush>::with<std::uint64_t>>;

/// Syncs start at most this often. A sync covers every write made before it
/// starts, so under load each one covers a few orders' writes instead of
/// about one (before: 0.8-0.9 syncs per order at 2,000 orders/s, each an
/// fdatasync and two thread wake-ups). No order waits for it: the creating
/// record's sync runs while r_keeper handles CreateOrder (tens of ms and
/// more), and after an idle spell the first sync starts at once.
constexpr auto min_sync_interval = std::chrono::milliseconds(2);

wal_syncer_actor::behavior_type wal_syncer(std::shared_ptr<persistence::store> db) {
  detail::run_in_background("rkgate.wal", store_nice);
  auto last_start = std::make_shared<std::chrono::steady_clock::time_point>();
  return {
    [db, last_start](atom::flush) -> caf::result<std::uint64_t> {
      // This thread exists to wait on the disk; waiting for the interval here
      // lets more writes join the sync.
      std::this_thread::sleep_until(*last_start + min_sync_interval);
      *last_start = std::chrono::steady_clock::now();
      std::string error;
      if (auto covered = db->sync_wal(&error))
        return *covered;
      return caf::make_error(caf::sec::runtime_error, error); // the STORE logs it
    },
  };
}

struct store_state {
  std::shared_ptr<persistence::store> db;
  wal_syncer_actor syncer;
  /// Batches received since the last flush, applied together.
  persistence::write_batch pending;
  struct waiter {
    caf::typed_response_promise<bool> rp;
    bool sync = false;
  };
  std::vector<waiter> waiting; ///< puts in `pending`
  bool flush_scheduled = false;
  /// Written puts that wait for a sync, in write order, with the sequence
  /// number of their write.
  std::deque<std::pair<std::uint64_t, caf::typed_response_promise<bool>>> unsynced;
  bool sync_in_flight = false;
  static constexpr const char* name = "store";
};

using store_pointer = store_actor::stateful_pointer<store_state>;

/// Answers the unsynced puts written up to sequence number `upto`.
void answer_synced(store_state& st, std::uint64_t upto, bool ok) {
  while (!st.unsynced.empty() && st.unsynced.front().first <= upto) {
    st.unsynced.front().second.deliver(ok);
    st.unsynced.pop_front();
  }
}

void start_sync(store_pointer self);

/// A sync ended: answers the puts written up to `upto` and starts the next
/// sync if more wait.
void sync_ended(store_pointer self, std::uint64_t upto, bool ok) {
  auto& st = self->state;
  st.sync_in_flight = false;
  answer_synced(st, upto, ok);
  start_sync(self);
}

// Group commit: every put written before a sync starts shares it. The answer
// to a synced put comes after the sync.
void start_sync(store_pointer self) {
  auto& st = self->state;
  if (st.sync_in_flight || st.unsynced.empty())
    return;
  st.sync_in_flight = true;
  // A failed sync fails the puts it was asked for: those written so far.
  const std::uint64_t asked_for = st.unsynced.back().first;
  self->request(st.syncer, caf::infinite, atom::flush_v)
    .then([self](std::uint64_t covered) { sync_ended(self, covered, true); },
          [self, asked_for](caf::error& err) {
            spdlog::error("store: WAL sync failed: {}", caf::to_string(err));
            sync_ended(self, asked_for, false);
          });
}

// Writes what is pending as one unsynced batch, answers the puts that did
// not ask for a sync and queues the others for the next WAL sync. Writes
// reach RocksDB in the order the puts arrived.
void flush(store_pointer self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.waiting.empty())
    return;
  std::string error;
  bool ok = st.db->write(st.pending, false, &error);
  if (!ok)
    spdlog::error("store: write failed: {}", error);
  const std::uint64_t sequence = st.db->last_sequence();
  for (auto& w : st.waiting) {
    if (ok && w.sync)
      st.unsynced.emplace_back(sequence, std::move(w.rp));
    else
      w.rp.deliver(ok);
  }
  st.pending = {};
  st.waiting.clear();
  start_sync(self);
}

store_actor::behavior_type store(store_pointer self, std::shared_ptr<persistence::store> db) {
  detail::run_in_background("rkgate.store", store_nice);
  self->state.db = db;
  self->state.syncer = self->spawn<caf::detached>(wal_syncer, db);
  self->link_to(self->state.syncer); // stops with the STORE
  return {
    [self](atom::put, const persistence::write_batch& batch, bool sync) {
      auto& st = self->state;
      for (const auto& op : batch.ops()) {
        if (op.value)
          st.pending.put(op.t, op.key, *op.value);
        else
          st.pending.erase(op.t, op.key);
      }
      auto rp = self->make_response_promise<bool>();
      st.waiting.push_back(store_state::waiter{rp, sync});
      if (!st.flush_scheduled) {
        st.flush_scheduled = true;
        // Mailbox order: the flush runs after every put already queued.
        self->send(self, atom::flush_v);
      }
      return rp;
    },
    [self](atom::flush) { flush(self); },
    [self](atom::get, const store_key& k) -> store_value {
      flush(self); // read your own writes
      store_value v;
      if (auto found = self->state.db->get(k.table, k.key)) {
        v.found = true;
        v.value = std::move(*found);
      }
      return v;
    },
    [self](atom::scan, const store_key& k) -> store_records {
      flush(self);
      store_records out;
      self->state.db->scan(k.table, k.key, [&](std::string_view key, std::string_view value) {
        out.items.emplace_back(std::string(key), std::string(value));
        return true;
      });
      return out;
    },
  };
}

} // namespace

store_actor spawn_store(caf::actor_system& sys, std::shared_ptr<persistence::store> db) {
  return sys.spawn<caf::detached>(store, std::move(db));
}

std::string idempotency_key(const std::string& source, const std::string& external_id) {
  return source + '\x1f' + external_id;
}

std::string table_key(const std::string& restaurant, std::int64_t base, int slot) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06d", slot);
  return restaurant + '\x1f' + std::to_string(base) + '\x1f' + buf;
}

} // namespace rkgate::actors
