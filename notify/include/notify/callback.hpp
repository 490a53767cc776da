#pragma once
// The body of a push callback (api.md §4):
//   {"event":"order_status","guid","external_id","restaurant","status",
//    "status_name","previous_status","at","order":<order record>}
// The order record (api.md §3.6) comes in already built, so the gateway's
// record builder stays its one source.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rkgate::notify {

/// One status change of one order.
struct status_change {
  std::string guid;        ///< {XXXXXXXX-...}
  std::string external_id;
  std::string restaurant;
  int status = 0;                     ///< api.md §2, 0..5
  std::optional<int> previous_status; ///< nullopt for the first status (JSON null)
  std::string at;                     ///< ISO 8601 with offset
  /// Further top-level fields, written between "at" and "order" (an object, or
  /// null for none): console orders add delivery_state, previous_delivery_state
  /// and action (docs/console.md §1).
  nlohmann::json extra = nullptr;
};

/// The status_name of api.md §2 ("open", "closed", "bill", "deleted",
/// "deferred", "new"); throws std::invalid_argument outside 0..5.
const char* callback_status_name(int status);

/// The callback body as compact JSON text: these exact bytes are signed and
/// sent. Throws std::invalid_argument for a status outside 0..5, an empty
/// guid, an `order` that is not a JSON object, or an `extra` that is neither
/// null nor an object.
std::string callback_body(const status_change& change, const nlohmann::json& order);

} // namespace rkgate::notify
