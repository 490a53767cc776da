#pragma once
// Builders of the QR-menu objects of an event (invoice, order, table_repr)
// from the gateway's order record (api.md §3.6, as JSON). The mapping is
// documented in docs/events.md.

#include "events/feed.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rkgate::events {

/// A table as the feed shows it.
struct table_info {
  std::int64_t id = 0;            ///< the table id ("table" and table_repr.id)
  std::string name;
  std::optional<int> max_guests;  ///< null when unknown
};

/// The table of an order record: id = table.code, name = table.name (the
/// slot's name, e.g. "100.1"); id 0 and "" when the record has no table yet.
table_info table_of(const nlohmann::json& record);

/// {"id", "name", "max_guests"}.
nlohmann::json table_repr(const table_info& table);

/// The QR-menu dishes of record items: {id, type: "dish", name, price, count,
/// sum, modifiers: [{id, type: "modifier", name, price, count, sum}]}.
nlohmann::json qr_dishes(const nlohmann::json& items);

/// The QR-menu "order": {guid, sum, pricelist_sum, table: {id, name}, waiter,
/// discounts, payments, dishes}. `waiter` is {id, name} or null.
nlohmann::json qr_order(const nlohmann::json& record, const nlohmann::json& waiter = nullptr);

/// The QR-menu "invoice" of one ordering session: {id, order_guid, table_id,
/// unpaid_sum, session_id, status, error: null, session: {items, payments:
/// null}} where session.items lists `session_items` (record items: all of
/// them for save_order, the added ones for additional_order).
nlohmann::json qr_invoice(const nlohmann::json& record, const nlohmann::json& session_items,
                          std::int64_t session_id);

/// An event about an order: restaurant, table, guid and "order" from the
/// record, table_repr from `table`, the given invoice (null unless
/// save_order/additional_order). `order` is the record's qr_order when the
/// caller has built it already (one change of an order often makes two
/// events); null: built here. Throws std::invalid_argument when the record is
/// not an object with a guid and restaurant.
new_event order_event(code what, const nlohmann::json& record, const table_info& table,
                      nlohmann::json invoice = nullptr, nlohmann::json order = nullptr);

/// The code of a guest's call at a table: waiter_call or bill_request, by
/// name; nullopt for any other text.
std::optional<code> table_call_code(std::string_view kind);

/// A guest's call at a table (waiter_call or bill_request) with no order.
new_event table_call(code what, const std::string& restaurant, const table_info& table);

} // namespace rkgate::events
