#include "actors/spawn.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace rkgate::actors {

namespace {

store_actor::behavior_type store(std::shared_ptr<persistence::store> db) {
  return {
    [db](atom::put, const persistence::write_batch& batch, bool sync) -> bool {
      std::string error;
      if (!db->write(batch, sync, &error)) {
        spdlog::error("store: write failed: {}", error);
        return false;
      }
      return true;
    },
    [db](atom::get, const store_key& k) -> store_value {
      store_value v;
      if (auto found = db->get(k.table, k.key)) {
        v.found = true;
        v.value = std::move(*found);
      }
      return v;
    },
    [db](atom::scan, const store_key& k) -> store_records {
      store_records out;
      db->scan(k.table, k.key, [&](std::string_view key, std::string_view value) {
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
