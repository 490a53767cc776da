#include "actors/order_store.hpp"

#include "actors/spawn.hpp" // idempotency_key

#include "common/json_text.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace rkgate::actors {

namespace {

using persistence::table;

/// Present once the live index covers every stored order.
const std::string live_index_marker = "live_orders\x1f" "built";

/// One full scan of the orders: the live index of a store from before it existed.
void build_live_index(persistence::store& db) {
  persistence::write_batch batch;
  std::size_t live = 0;
  db.scan(table::orders, "", [&](std::string_view, std::string_view value) {
    if (auto rec = order_record_from_json(value); rec && !rec->final()) {
      batch.put(table::live_orders, rec->guid, rec->source);
      ++live;
    }
    return true;
  });
  batch.put(table::meta, live_index_marker, "1");
  std::string error;
  if (!db.write(batch, true, &error))
    throw std::runtime_error("building the live order index failed: " + error);
  spdlog::info("built the live order index: {} orders", live);
}

} // namespace

void stage_order(persistence::write_batch& batch, const order_record& rec) {
  batch.put(table::orders, rec.guid, to_json(rec));
  if (rec.final())
    batch.erase(table::live_orders, rec.guid);
  else
    batch.put(table::live_orders, rec.guid, rec.source);
}

void stage_erase_order(persistence::write_batch& batch, const order_record& rec) {
  batch.erase(table::orders, rec.guid);
  batch.erase(table::live_orders, rec.guid);
  batch.erase(table::idempotency, idempotency_key(rec.source, rec.external_id));
}

std::string to_json(const idempotency_entry& e) {
  return json_text(nlohmann::json{{"guid", e.guid}, {"hash", e.hash}});
}

std::optional<idempotency_entry> idempotency_entry_from_json(std::string_view text) {
  auto v = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!v.is_object() || !v.contains("guid") || !v["guid"].is_string())
    return std::nullopt;
  return idempotency_entry{v["guid"].get<std::string>(), v.value("hash", "")};
}

std::vector<order_record> read_live_orders(persistence::store& db) {
  if (!db.get(table::meta, live_index_marker))
    build_live_index(db);
  std::vector<std::string> guids;
  db.scan(table::live_orders, "", [&](std::string_view key, std::string_view) {
    guids.emplace_back(key);
    return true;
  });
  std::vector<order_record> out;
  out.reserve(guids.size());
  persistence::write_batch stale; // entries whose record is gone or final
  for (const auto& guid : guids) {
    auto value = db.get(table::orders, guid);
    auto rec = value ? order_record_from_json(*value) : std::nullopt;
    if (rec && !rec->final()) {
      out.push_back(std::move(*rec));
    } else {
      spdlog::warn("live order index: {} is not a live order; entry dropped", guid);
      stale.erase(table::live_orders, guid);
    }
  }
  std::string error;
  if (!stale.empty() && !db.write(stale, false, &error))
    throw std::runtime_error("dropping stale live order entries failed: " + error);
  return out;
}

} // namespace rkgate::actors
