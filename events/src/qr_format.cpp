#include "events/qr_format.hpp"

#include "common/json_object.hpp"
#include "common/money.hpp"

#include <stdexcept>

namespace rkgate::events {

using nlohmann::json;

namespace {

/// The member `key` of `object` when present and not null; else nullptr.
/// Read in place: the record is never copied, only the values that go into
/// the event.
const json* member(const json& object, const char* key) {
  if (!object.is_object())
    return nullptr;
  auto it = object.find(key);
  return it != object.end() && !it->is_null() ? &*it : nullptr;
}

json field(const json& object, const char* key, json fallback = nullptr) {
  const json* value = member(object, key);
  return value ? *value : fallback;
}

/// The array `key` of `object`, or an empty array (read in place).
const json& array_field(const json& object, const char* key) {
  static const json empty = json::array();
  const json* value = member(object, key);
  return value && value->is_array() ? *value : empty;
}

/// The sum of the "sum" fields of `lines`, in kopecks (no float arithmetic).
kopecks total_of(const json& lines) {
  kopecks total = 0;
  for (const auto& line : lines) {
    const json* sum = member(line, "sum");
    if (sum && sum->is_number())
      total += kopecks_from_number(sum->get<double>()).value_or(0);
  }
  return total;
}

json qr_line(const json& line, const char* type) {
  return json_object("id", field(line, "id"),
                     "type", type,
                     "name", field(line, "name", ""),
                     "price", field(line, "price", 0.0),
                     "count", field(line, "quantity", 0.0),
                     "sum", field(line, "sum", 0.0));
}

json qr_modifiers(const json& item) {
  json modifiers = json::array();
  for (const auto& m : array_field(item, "modifiers"))
    modifiers.push_back(qr_line(m, "modifier"));
  return modifiers;
}

} // namespace

table_info table_of(const json& record) {
  table_info t;
  const json* table = member(record, "table");
  if (!table)
    return t;
  const json* code = member(*table, "code");
  t.id = code && code->is_number_integer() ? code->get<std::int64_t>() : 0;
  const json* name = member(*table, "name");
  t.name = name && name->is_string() ? name->get<std::string>() : "";
  return t;
}

json table_repr(const table_info& table) {
  return json_object("id", table.id,
                     "name", table.name,
                     "max_guests", table.max_guests ? json(*table.max_guests) : json(nullptr));
}

json qr_dishes(const json& items) {
  json dishes = json::array();
  if (!items.is_array())
    return dishes;
  for (const auto& item : items) {
    json dish = qr_line(item, "dish");
    dish["modifiers"] = qr_modifiers(item);
    dishes.push_back(std::move(dish));
  }
  return dishes;
}

json qr_order(const json& record, const json& waiter) {
  const table_info table = table_of(record);
  const json& items = array_field(record, "items");
  json pricelist = field(record, "pricelist_sum");
  json discounts = json::array();
  for (const auto& d : array_field(record, "discounts"))
    discounts.push_back(json_object("id", field(d, "code"),
                                    "type", field(d, "type"),
                                    "name", field(d, "name", ""),
                                    "sum", field(d, "sum", 0.0)));
  return json_object("guid", field(record, "guid"),
                     "sum", field(record, "sum", 0.0),
                     "pricelist_sum", pricelist.is_number() ? pricelist : json(to_number(total_of(items))),
                     "table", json_object("id", table.id, "name", table.name),
                     "waiter", waiter,
                     "discounts", std::move(discounts),
                     "payments", array_field(record, "payments"),
                     "dishes", qr_dishes(items));
}

json qr_invoice(const json& record, const json& session_items, std::int64_t session_id) {
  json items = json::array();
  if (session_items.is_array())
    for (const auto& item : session_items)
      items.push_back(json_object("id", field(item, "id"),
                                  "type", "dish",
                                  "count", field(item, "quantity", 0.0),
                                  "modifiers", qr_modifiers(item),
                                  "name", field(item, "name", "")));
  return json_object("id", session_id,
                     "order_guid", field(record, "guid"),
                     "table_id", table_of(record).id,
                     "unpaid_sum", field(record, "to_pay", field(record, "sum", 0.0)),
                     "session_id", session_id,
                     "status", field(record, "status", 0),
                     "error", nullptr,
                     "session", json_object("items", std::move(items), "payments", nullptr));
}

new_event order_event(code what, const json& record, const table_info& table, json invoice, json order) {
  json guid = field(record, "guid");
  json restaurant = field(record, "restaurant");
  if (!guid.is_string() || !restaurant.is_string())
    throw std::invalid_argument("order event needs an order record with guid and restaurant");
  new_event e;
  e.what = what;
  e.restaurant = restaurant.get<std::string>();
  e.table = table.id;
  e.guid = guid.get<std::string>();
  e.invoice = std::move(invoice);
  e.order = order.is_null() ? qr_order(record) : std::move(order);
  e.table_repr = table_repr(table);
  return e;
}

std::optional<code> table_call_code(std::string_view kind) {
  auto what = code_from_string(kind);
  if (what != code::waiter_call && what != code::bill_request)
    return std::nullopt;
  return what;
}

new_event table_call(code what, const std::string& restaurant, const table_info& table) {
  new_event e;
  e.what = what;
  e.restaurant = restaurant;
  e.table = table.id;
  e.table_repr = table_repr(table);
  return e;
}

} // namespace rkgate::events
