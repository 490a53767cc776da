#include "actors/spawn.hpp"
#include "actors/tables.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <unordered_map>

namespace rkgate::actors {

namespace {

struct table_pool_state {
  std::string restaurant;
  std::int64_t base = 0;
  slot_numbers slots;                           ///< which slots are taken
  std::unordered_map<std::string, int> slot_of; ///< order guid -> its slot
  store_actor db;
  static constexpr const char* name = "table-pool";
};

table_pool_actor::behavior_type table_pool(table_pool_actor::stateful_pointer<table_pool_state> self,
                                           std::string restaurant, std::int64_t base,
                                           std::map<int, std::string> slots, store_actor db) {
  self->state.restaurant = std::move(restaurant);
  self->state.base = base;
  self->state.slots = slot_numbers(slots);
  for (const auto& [slot, guid] : slots)
    self->state.slot_of[guid] = slot;
  self->state.db = db;
  return {
    [self](atom::allocate, const std::string& guid) -> caf::result<int> {
      auto& st = self->state;
      if (auto known = st.slot_of.find(guid); known != st.slot_of.end())
        return known->second;
      int slot = st.slots.take();
      st.slot_of[guid] = slot;
      persistence::write_batch batch;
      batch.put(persistence::table::tables, table_key(st.restaurant, st.base, slot), guid);
      // Unsynced and not waited for: the STORE writes in arrival order, and
      // the ORDER's synced record, written with CreateOrder after this,
      // makes it durable too (the log is synced in order) before
      // CreateOrder's reply is acted on.
      caf::anon_send(st.db, atom::put_v, std::move(batch), false);
      return slot;
    },
    [self](atom::release, const std::string& guid) {
      auto& st = self->state;
      auto known = st.slot_of.find(guid);
      if (known == st.slot_of.end())
        return;
      persistence::write_batch batch;
      batch.erase(persistence::table::tables, table_key(st.restaurant, st.base, known->second));
      st.slots.release(known->second);
      st.slot_of.erase(known);
      self->request(st.db, caf::infinite, atom::put_v, std::move(batch), true)
        .then([](bool) {}, [](caf::error&) {});
    },
  };
}

struct gateway_state {
  table_allocations initial;
  store_actor db;
  std::map<std::pair<std::string, std::int64_t>, table_pool_actor> pools;
  static constexpr const char* name = "gateway";

  table_pool_actor pool(gateway_actor::stateful_pointer<gateway_state> self, const std::string& rest,
                        std::int64_t base) {
    auto key = std::make_pair(rest, base);
    auto it = pools.find(key);
    if (it != pools.end())
      return it->second;
    auto p = self->spawn(table_pool, rest, base, initial[key], db);
    initial.erase(key);
    self->link_to(p); // stops with the GATEWAY at shutdown
    pools.emplace(key, p);
    return p;
  }
};

gateway_actor::behavior_type gateway(gateway_actor::stateful_pointer<gateway_state> self,
                                     table_allocations tables, store_actor db) {
  self->state.initial = std::move(tables);
  self->state.db = db;
  return {
    [self](atom::allocate, const std::string& rest, std::int64_t base,
           const std::string& guid) -> caf::result<int> {
      auto p = self->state.pool(self, rest, base);
      return self->delegate(p, atom::allocate_v, guid);
    },
    [self](atom::release, const std::string& rest, std::int64_t base, const std::string& guid) {
      auto p = self->state.pool(self, rest, base);
      self->send(p, atom::release_v, guid);
    },
  };
}

} // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, table_allocations tables, store_actor db) {
  return sys.spawn(gateway, std::move(tables), db);
}

} // namespace rkgate::actors
