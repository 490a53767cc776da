#include "actors/spawn.hpp"
#include "actors/tables.hpp"

#include <caf/all.hpp>

#include <unordered_map>

namespace rkgate::actors {

namespace {

/// The numbers taken on one base table.
struct base_table_slots {
  slot_numbers slots;                           ///< which slots are taken
  std::unordered_map<std::string, int> slot_of; ///< order guid -> its slot
};

struct table_pool_state {
  std::string restaurant;
  std::unordered_map<std::int64_t, base_table_slots> bases; ///< base table code -> its numbers
  store_actor db;
  static constexpr const char* name = "table-pool";
};

table_pool_actor::behavior_type table_pool(table_pool_actor::stateful_pointer<table_pool_state> self,
                                           std::string restaurant, table_allocations restored, store_actor db) {
  auto& st = self->state;
  st.restaurant = std::move(restaurant);
  st.db = db;
  for (const auto& [base, slots] : restored) {
    auto& b = st.bases[base];
    b.slots = slot_numbers(slots);
    for (const auto& [slot, guid] : slots)
      b.slot_of[guid] = slot;
  }
  return {
    [self](atom::allocate, std::int64_t base, const std::string& guid) -> int {
      auto& st = self->state;
      auto& b = st.bases[base];
      if (auto known = b.slot_of.find(guid); known != b.slot_of.end())
        return known->second;
      int slot = b.slots.take();
      b.slot_of[guid] = slot;
      persistence::write_batch batch;
      batch.put(persistence::table::tables, table_key(st.restaurant, base, slot), guid);
      // Unsynced and not waited for: the STORE writes in arrival order, and
      // the ORDER's synced record, written with CreateOrder after this,
      // makes it durable too (the log is synced in order) before
      // CreateOrder's reply is acted on.
      caf::anon_send(st.db, atom::put_v, std::move(batch), false);
      return slot;
    },
    [self](atom::release, std::int64_t base, const std::string& guid) {
      auto& st = self->state;
      auto b = st.bases.find(base);
      if (b == st.bases.end())
        return;
      auto known = b->second.slot_of.find(guid);
      if (known == b->second.slot_of.end())
        return;
      persistence::write_batch batch;
      batch.erase(persistence::table::tables, table_key(st.restaurant, base, known->second));
      b->second.slots.release(known->second);
      b->second.slot_of.erase(known);
      self->request(st.db, caf::infinite, atom::put_v, std::move(batch), true)
        .then([](bool) {}, [](caf::error&) {});
    },
  };
}

} // namespace

table_pool_actor spawn_table_pool(caf::actor_system& sys, std::string restaurant, table_allocations restored,
                                  store_actor db) {
  return sys.spawn(table_pool, std::move(restaurant), std::move(restored), db);
}

} // namespace rkgate::actors
