#pragma once
// How orders sit in the store: the record, the index of orders that are not
// final yet (the only ones start-up reads), and the idempotency value. One
// place for these encodings, used by the ORDER, the SOURCE, start-up and the
// benchmark's store seeder. Pure logic over persistence: no actors.

#include "actors/order_record.hpp"
#include "persistence/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rkgate::actors {

/// Adds the writes that store `rec`: the record, and its entry in the live
/// index (added while the order is not final, removed once it is).
void stage_order(persistence::write_batch& batch, const order_record& rec);

/// Adds the writes that remove `rec` entirely (record, live entry, idempotency key).
void stage_erase_order(persistence::write_batch& batch, const order_record& rec);

/// The idempotency table's value for an order: its guid and body hash.
struct idempotency_entry {
  std::string guid;
  std::string hash;
};
std::string to_json(const idempotency_entry& e);
std::optional<idempotency_entry> idempotency_entry_from_json(std::string_view text);

/// Every order that is not final, read through the live index (start-up).
/// A store written before the index existed gets it built once by a full
/// scan of the orders. Throws std::runtime_error on an I/O error.
std::vector<order_record> read_live_orders(persistence::store& db);

} // namespace rkgate::actors
