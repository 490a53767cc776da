#include "events/qr_format.hpp"

#include "common/money.hpp"

#include <stdexcept>

namespace rkgate::events {

using nlohmann::json;

namespace {

json field(const json& object, const char* key, json fallback = nullptr) {
  if (object.is_object()) {
    auto it = object.find(key);
    if (it != object.end() && !it->is_null())
      return *it;
  }
  return fallback;
}

json array_field(const json& object, const char* key) {
  json value = field(object, key);
  return value.is_array() ? value : json::array();
}

/// The sum of the "sum" fields of `lines`, in kopecks (no float arithmetic).
kopecks total_of(const json& lines) {
  kopecks total = 0;
  for (const auto& line : lines) {
    json sum = field(line, "sum", 0);
    if (sum.is_number())
      total += kopecks_from_number(sum.get<double>()).value_or(0);
  }
  return total;
}

json qr_line(const json& line, const char* type) {
  return {{"id", field(line, "id")},
          {"type", type},
          {"name", field(line, "name", "")},
          {"price", field(line, "price", 0.0)},
          {"count", field(line, "quantity", 0.0)},
          {"sum", field(line, "sum", 0.0)}};
}

} // namespace

table_info table_of(const json& record) {
  table_info t;
  json table = field(record, "table");
  json code = field(table, "code", 0);
  t.id = code.is_number_integer() ? code.get<std::int64_t>() : 0;
  json name = field(table, "name", "");
  t.name = name.is_string() ? name.get<std::string>() : "";
  return t;
}

json table_repr(const table_info& table) {
  return {{"id", table.id},
          {"name", table.name},
          {"max_guests", table.max_guests ? json(*table.max_guests) : json(nullptr)}};
}

json qr_dishes(const json& items) {
  json dishes = json::array();
  if (!items.is_array())
    return dishes;
  for (const auto& item : items) {
    json dish = qr_line(item, "dish");
    json modifiers = json::array();
    for (const auto& m : array_field(item, "modifiers"))
      modifiers.push_back(qr_line(m, "modifier"));
    dish["modifiers"] = std::move(modifiers);
    dishes.push_back(std::move(dish));
  }
  return dishes;
}

json qr_order(const json& record, const json& waiter) {
  const table_info table = table_of(record);
  const json items = array_field(record, "items");
  json pricelist = field(record, "pricelist_sum");
  json discounts = json::array();
  for (const auto& d : array_field(record, "discounts"))
    discounts.push_back({{"id", field(d, "code")},
                         {"type", field(d, "type")},
                         {"name", field(d, "name", "")},
                         {"sum", field(d, "sum", 0.0)}});
  return {{"guid", field(record, "guid")},
          {"sum", field(record, "sum", 0.0)},
          {"pricelist_sum", pricelist.is_number() ? pricelist : json(to_number(total_of(items)))},
          {"table", {{"id", table.id}, {"name", table.name}}},
          {"waiter", waiter},
          {"discounts", discounts},
          {"payments", array_field(record, "payments")},
          {"dishes", qr_dishes(items)}};
}

json qr_invoice(const json& record, const json& session_items, std::int64_t session_id) {
  json items = json::array();
  for (const auto& dish : qr_dishes(session_items))
    items.push_back({{"id", dish["id"]},
                     {"type", dish["type"]},
                     {"count", dish["count"]},
                     {"modifiers", dish["modifiers"]},
                     {"name", dish["name"]}});
  return {{"id", session_id},
          {"order_guid", field(record, "guid")},
          {"table_id", table_of(record).id},
          {"unpaid_sum", field(record, "to_pay", field(record, "sum", 0.0))},
          {"session_id", session_id},
          {"status", field(record, "status", 0)},
          {"error", nullptr},
          {"session", {{"items", items}, {"payments", nullptr}}}};
}

new_event order_event(code what, const json& record, const table_info& table, const json& invoice,
                      const json& waiter) {
  json guid = field(record, "guid");
  json restaurant = field(record, "restaurant");
  if (!guid.is_string() || !restaurant.is_string())
    throw std::invalid_argument("order event needs an order record with guid and restaurant");
  new_event e;
  e.what = what;
  e.restaurant = restaurant.get<std::string>();
  e.table = table.id;
  e.guid = guid.get<std::string>();
  e.invoice = invoice;
  e.order = qr_order(record, waiter);
  e.table_repr = table_repr(table);
  return e;
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
