#include "persistence/store.hpp"

namespace rkgate::persistence {

const char* to_string(table t) {
  switch (t) {
    case table::orders: return "orders";
    case table::idempotency: return "idempotency";
    case table::tables: return "tables";
    case table::licenses: return "licenses";
    case table::outbox: return "outbox";
    case table::events: return "events";
    case table::meta: return "meta";
    case table::live_orders: return "live_orders";
  }
  return "unknown";
}

void write_batch::put(table t, std::string key, std::string value) {
  ops_.push_back(op{t, std::move(key), std::move(value)});
}

void write_batch::erase(table t, std::string key) {
  ops_.push_back(op{t, std::move(key), std::nullopt});
}

} // namespace rkgate::persistence
