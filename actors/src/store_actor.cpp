#include "actors/spawn.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace rkgate::actors {

namespace {

/// Syncs the write-ahead log on its own thread, so that the STORE keeps
/// writing (unsynced, microseconds) while an fsync (milliseconds) runs.
using wal_syncer_actor = caf::typed_actor<caf::replies_to<atom::flush>::with<bool>>;

wal_syncer_actor::behavior_type wal_syncer(std::shared_ptr<persistence::store> db) {
  return {
    [db](atom::flush) {
      std::string error;
      bool ok = db->sync_wal(&error);
      if (!ok)
        spdlog::error("store: {}", error);
      return ok;
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
  std::vector<caf::typed_response_promise<bool>> to_sync; ///< written, for the next sync
  std::vector<caf::typed_response_promise<bool>> syncing; ///< covered by the sync in flight
  bool sync_in_flight = false;
  static constexpr const char* name = "store";
};

using store_pointer = store_actor::stateful_pointer<store_state>;

// Group commit: every put that asked for a sync while one was on disk shares
// the next one. The answer to a synced put comes after the sync.
void start_sync(store_pointer self) {
  auto& st = self->state;
  if (st.sync_in_flight || st.to_sync.empty())
    return;
  st.sync_in_flight = true;
  st.syncing = std::move(st.to_sync);
  st.to_sync.clear();
  auto done = [self](bool ok) {
    auto& st = self->state;
    for (auto& rp : st.syncing)
      rp.deliver(ok);
    st.syncing.clear();
    st.sync_in_flight = false;
    start_sync(self);
  };
  self->request(st.syncer, caf::infinite, atom::flush_v)
    .then(done, [done](caf::error& err) {
      spdlog::error("store: WAL sync failed: {}", caf::to_string(err));
      done(false);
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
  for (auto& w : st.waiting) {
    if (ok && w.sync)
      st.to_sync.push_back(std::move(w.rp));
    else
      w.rp.deliver(ok);
  }
  st.pending = {};
  st.waiting.clear();
  start_sync(self);
}

store_actor::behavior_type store(store_pointer self, std::shared_ptr<persistence::store> db) {
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
