// Event objects built from an order record, compared with the QR-menu
// reference examples (save_order / additional_order, 186.0 = 150 + 3 x 12).

#include "events/qr_format.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;
using namespace rkgate::events;

namespace {

json dish_item(std::int64_t id, const char* name, double price, double quantity, double sum) {
  return {{"id", id},     {"code", id % 1000}, {"name", name},         {"quantity", quantity},
          {"price", price}, {"sum", sum},      {"modifiers", json::array()}, {"discount_sum", 0.0}};
}

/// An order record (api.md §3.6) like the reference's order.
json record() {
  return {{"guid", "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}"},
          {"external_id", "qr-1"},
          {"restaurant", "msk-01"},
          {"status", 0},
          {"status_name", "open"},
          {"table", {{"code", 1000028}, {"name", "6"}}},
          {"sum", 186.0},
          {"paid", 0.0},
          {"to_pay", 186.0},
          {"items", {dish_item(1000041, "Dish with a modifier", 150.0, 1.0, 150.0),
                     dish_item(1000062, "Dish", 12.0, 3.0, 36.0)}},
          {"discounts", json::array()},
          {"payments", json::array()},
          {"comment", ""},
          {"short_external_info", ""},
          {"customer", nullptr}};
}

} // namespace

TEST_CASE("the order object follows the reference", "[events][qr]") {
  const json waiter = {{"id", 9001}, {"name", "System"}};
  json order = qr_order(record(), waiter);
  CHECK(order == json::parse(R"({
    "guid": "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}",
    "sum": 186.0, "pricelist_sum": 186.0,
    "table": {"id": 1000028, "name": "6"},
    "waiter": {"id": 9001, "name": "System"},
    "discounts": [], "payments": [],
    "dishes": [
      {"id": 1000041, "type": "dish", "name": "Dish with a modifier", "price": 150.0,
       "count": 1.0, "sum": 150.0, "modifiers": []},
      {"id": 1000062, "type": "dish", "name": "Dish", "price": 12.0,
       "count": 3.0, "sum": 36.0, "modifiers": []}]})"));
}

TEST_CASE("the invoice lists the session's items", "[events][qr]") {
  json added = json::array({dish_item(1000041, "Dish with a modifier", 150.0, 1.0, 150.0)});
  json invoice = qr_invoice(record(), added, 122);
  CHECK(invoice == json::parse(R"({
    "id": 122, "order_guid": "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}",
    "table_id": 1000028, "unpaid_sum": 186.0, "session_id": 122, "status": 0, "error": null,
    "session": {"items": [{"id": 1000041, "type": "dish", "count": 1.0, "modifiers": [],
                           "name": "Dish with a modifier"}],
                "payments": null}})"));
}

TEST_CASE("modifiers, discounts, payments and a record pricelist_sum map through", "[events][qr]") {
  json r = record();
  r["items"][0]["modifiers"] = json::array(
      {{{"id", 1000870}, {"code", 870}, {"name", "Cheese"}, {"quantity", 1}, {"price", 20.0},
        {"sum", 20.0}}});
  r["discounts"] = json::array({{{"type", "REF"}, {"code", 10}, {"name", "Staff"}, {"sum", 18.6}}});
  r["payments"] = json::array({{{"currency_code", 5}, {"sum", 100.0}}});
  r["pricelist_sum"] = 206.0;
  json order = qr_order(r);
  CHECK(order["waiter"].is_null());
  CHECK(order["pricelist_sum"] == 206.0);
  CHECK(order["dishes"][0]["modifiers"] ==
        json::parse(R"([{"id":1000870,"type":"modifier","name":"Cheese","price":20.0,"count":1,"sum":20.0}])"));
  CHECK(order["discounts"] ==
        json::parse(R"([{"id":10,"type":"REF","name":"Staff","sum":18.6}])"));
  CHECK(order["payments"] == r["payments"]);
}

TEST_CASE("pricelist_sum adds item sums in kopecks", "[events][qr]") {
  json r = record();
  r["items"] = json::array({dish_item(1, "a", 0.1, 1, 0.1), dish_item(2, "b", 0.2, 1, 0.2)});
  CHECK(qr_order(r)["pricelist_sum"] == 0.3); // 0.1 + 0.2 in doubles is 0.30000000000000004
}

TEST_CASE("order events and table calls carry table, guid and table_repr", "[events][qr]") {
  table_info table = table_of(record());
  CHECK(table.id == 1000028);
  CHECK(table.name == "6");
  table.max_guests = 50;

  new_event saved = order_event(code::save_order, record(), table,
                                qr_invoice(record(), record()["items"], 121));
  CHECK(saved.what == code::save_order);
  CHECK(saved.restaurant == "msk-01");
  CHECK(saved.table == 1000028);
  CHECK(saved.guid == "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}");
  CHECK(saved.invoice["session"]["items"].size() == 2);
  CHECK(saved.order["sum"] == 186.0);
  CHECK(saved.table_repr == json{{"id", 1000028}, {"name", "6"}, {"max_guests", 50}});

  new_event paid = order_event(code::online_payment, record(), table);
  CHECK(paid.invoice.is_null());
  CHECK(paid.order == qr_order(record()));
  // A QR order the caller built already is the event's order as given.
  json prebuilt = qr_order(record());
  prebuilt["sum"] = 1.5;
  CHECK(order_event(code::order_status, record(), table, nullptr, prebuilt).order == prebuilt);

  new_event waiter = table_call(code::waiter_call, "msk-01", table);
  CHECK(waiter.guid.empty());
  CHECK(waiter.order.is_null());
  CHECK(waiter.invoice.is_null());
  CHECK(waiter.table_repr["max_guests"] == 50);

  table_info unknown = table_of(json{{"guid", "{G}"}, {"restaurant", "r"}, {"table", nullptr}});
  CHECK(unknown.id == 0);
  CHECK(table_repr(unknown)["max_guests"].is_null());
}

TEST_CASE("an order event needs a record with guid and restaurant", "[events][qr]") {
  CHECK_THROWS_AS(order_event(code::order_status, json::array(), {}), std::invalid_argument);
  CHECK_THROWS_AS(order_event(code::order_status, json{{"guid", "{G}"}}, {}), std::invalid_argument);
}
