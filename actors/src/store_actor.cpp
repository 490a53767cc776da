#include "actors/spawn.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace rkgate::actors {

namespace {

struct store_state {
  std::shared_ptr<persistence::store> db;
  /// Batches received since the last flush, applied together.
  persistence::write_batch pending;
  bool pending_sync = false;
  std::vector<caf::typed_response_promise<bool>> waiting;
  bool flush_scheduled = false;
  static constexpr const char* name = "store";
};

using store_pointer = store_actor::stateful_pointer<store_state>;

// Writes what is pending as one batch with at most one sync, then answers
// every put that waited for it. Under load many puts share one sync.
void flush(store_pointer self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.waiting.empty())
    return;
  std::string error;
  bool ok = st.db->write(st.pending, st.pending_sync, &error);
  if (!ok)
    spdlog::error("store: write failed: {}", error);
  for (auto& rp : st.waiting)
    rp.deliver(ok);
  st.pending = {};
  st.pending_sync = false;
  st.waiting.clear();
}

store_actor::behavior_type store(store_pointer self, std::shared_ptr<persistence::store> db) {
  self->state.db = std::move(db);
  return {
    [self](atom::put, const persistence::write_batch& batch, bool sync) {
      auto& st = self->state;
      for (const auto& op : batch.ops()) {
        if (op.value)
          st.pending.put(op.t, op.key, *op.value);
        else
          st.pending.erase(op.t, op.key);
      }
      st.pending_sync = st.pending_sync || sync;
      auto rp = self->make_response_promise<bool>();
      st.waiting.push_back(rp);
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
