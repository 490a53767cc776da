#pragma once
// What the CONSOLE sends out when one of its orders changes (docs/console.md
// §1 "Callbacks and events"): the order_status callback (api.md §4) and event
// (api.md §6), both carrying delivery_state and the action behind the change.
// Pure builders: the CONSOLE sends what they return.

#include "actors/tracking.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rkgate::actors {

/// One change of a console order: its status and/or delivery_state.
struct console_change {
  std::string guid;
  std::string source;
  std::string callback_url;              ///< the order's own, empty = the source's default
  nlohmann::json record;                 ///< api.md §3.6 record (status, table, items, ...)
  std::optional<int> previous_status;    ///< nullopt: the order's first announcement
  std::string state;                     ///< delivery_state now
  std::optional<std::string> previous_state;
  nlohmann::json action;                 ///< {action, operator, at} that caused it
};

/// The order record a console callback carries: `record` plus delivery_state
/// and the console history.
nlohmann::json console_callback_order(const console_change& c, const nlohmann::json& history);

/// The signed-later callback job: api.md §4 body plus delivery_state,
/// previous_delivery_state and action. Throws std::invalid_argument on a
/// record without a valid status.
callback_job console_callback(const console_change& c, const nlohmann::json& history);

/// The order_status event: the QR-menu order object plus status, status_name,
/// delivery_state, previous_delivery_state and action.
events::new_event console_event(const console_change& c);

/// The callback_url of an order body (JSON text), empty when it has none.
std::string callback_url_of_body(const std::string& body);

} // namespace rkgate::actors
