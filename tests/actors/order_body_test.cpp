// parse_order_body: the order body of api.md §3.3 into a typed cart.

#include "actors/order_body.hpp"
#include "common/digest.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace rkgate::actors;
using nlohmann::json;

namespace {

json full_body() {
  return json::parse(R"({
    "restaurant": "msk-01", "external_id": "site-000123", "order_category": 2, "table_code": 101, "guests": 2,
    "items": [
      {"id": 1000041, "quantity": 1, "price": 150.0, "modifiers": [{"id": 1000870, "quantity": 2}],
       "item_comment": "no onions"},
      {"code": 62, "quantity": 0.5},
      {"id": 1000100, "quantity": 1, "components": [{"component_id": 1, "item_id": 1000002, "quantity": 1}]}
    ],
    "discounts": [{"type": "REF", "code": 10}, {"type": "SUM", "code": 1137, "sum": 120},
                  {"type": "MARKUPSUM", "code": 1143, "sum": 40.5}],
    "payments": [{"currency_code": 1, "sum": 100.0}, {"currency_code": 5, "sum": 86.01}],
    "comment": "Long comment", "short_external_info": "site-123 +79990001122",
    "customer": {"name": "Ivan", "phone": "+79990001122", "address": "Pushkina 1"},
    "deliver_at": "2026-11-22T13:30:00+03:00", "accept": "auto", "callback_url": "https://shop.example/cb"
  })");
}

/// The field path of the error parsing `body` gives (fails the test when it parses).
std::string error_path(const json& body, bool need_external_id = true) {
  auto r = parse_order_body(body, need_external_id);
  auto* e = std::get_if<body_error>(&r);
  if (!e)
    return "<parsed>";
  CHECK(e->code == "bad_request");
  CHECK_FALSE(e->message.empty());
  return e->path;
}

} // namespace

TEST_CASE("order body: a full body becomes a typed cart", "[actors][order_body]") {
  auto r = parse_order_body(full_body(), true);
  REQUIRE(std::holds_alternative<cart>(r));
  const auto& c = std::get<cart>(r);
  CHECK(c.restaurant == "msk-01");
  CHECK(c.external_id == "site-000123");
  CHECK(c.order_category == 2);
  CHECK(c.table_code == 101);
  CHECK(c.guests == 2);
  REQUIRE(c.items.size() == 3);
  CHECK(c.items[0].ref.id == 1000041);
  CHECK(c.items[0].quantity == 1000);
  CHECK(c.items[0].price == 15000);
  REQUIRE(c.items[0].modifiers.size() == 1);
  CHECK(c.items[0].modifiers[0].count == 2);
  CHECK(c.items[0].comment == "no onions");
  CHECK(c.items[1].ref.code == 62);
  CHECK_FALSE(c.items[1].ref.id);
  CHECK(c.items[1].quantity == 500); // thousandths
  REQUIRE(c.items[2].components.size() == 1);
  CHECK(c.items[2].components[0].item.id == 1000002);
  REQUIRE(c.discounts.size() == 3);
  CHECK(c.discounts[0].type == discount_type::ref);
  CHECK_FALSE(c.discounts[0].sum);
  CHECK(c.discounts[1].type == discount_type::sum);
  CHECK(c.discounts[1].sum == 12000);
  CHECK(c.discounts[2].type == discount_type::markup);
  CHECK(c.discounts[2].sum == 4050);
  REQUIRE(c.payments.size() == 2);
  CHECK(c.payments[1].currency_code == 5);
  CHECK(c.payments[1].sum == 8601); // kopecks, no floating-point drift
  CHECK(c.short_external_info == "site-123 +79990001122");
  CHECK(c.customer.phone == "+79990001122");
  CHECK_FALSE(c.manual_accept);
}

TEST_CASE("order body: every refusal names its field", "[actors][order_body]") {
  auto with = [](auto change) {
    json b = full_body();
    change(b);
    return b;
  };
  CHECK(error_path(json::array()) == "");
  CHECK(error_path(with([](json& b) { b.erase("external_id"); })) == "external_id");
  CHECK(error_path(with([](json& b) { b.erase("external_id"); }), false) == "<parsed>"); // validate
  CHECK(error_path(with([](json& b) { b["external_id"] = std::string(201, 'x'); })) == "external_id");
  CHECK(error_path(with([](json& b) { b["restaurant"] = 5; })) == "restaurant");
  CHECK(error_path(with([](json& b) { b["order_category"] = "two"; })) == "order_category");
  CHECK(error_path(with([](json& b) { b["guests"] = -1; })) == "guests");
  CHECK(error_path(with([](json& b) { b.erase("items"); })) == "items");
  CHECK(error_path(with([](json& b) { b["items"] = json::array(); })) == "items");
  CHECK(error_path(with([](json& b) { b["items"] = json::object(); })) == "items");
  CHECK(error_path(with([](json& b) { b["items"][1] = 7; })) == "items[1]");
  CHECK(error_path(with([](json& b) { b["items"][1].erase("code"); })) == "items[1]");
  CHECK(error_path(with([](json& b) { b["items"][1]["code"] = 1.5; })) == "items[1].code");
  CHECK(error_path(with([](json& b) { b["items"][1].erase("quantity"); })) == "items[1].quantity");
  CHECK(error_path(with([](json& b) { b["items"][1]["quantity"] = 0; })) == "items[1].quantity");
  CHECK(error_path(with([](json& b) { b["items"][1]["quantity"] = -1; })) == "items[1].quantity");
  CHECK(error_path(with([](json& b) { b["items"][1]["quantity"] = 0.0001; })) == "items[1].quantity");
  CHECK(error_path(with([](json& b) { b["items"][1]["quantity"] = "two"; })) == "items[1].quantity");
  CHECK(error_path(with([](json& b) { b["items"][0]["price"] = 1.001; })) == "items[0].price");
  CHECK(error_path(with([](json& b) { b["items"][0]["price"] = -1; })) == "items[0].price");
  CHECK(error_path(with([](json& b) { b["items"][0]["modifiers"][0]["quantity"] = 0; }))
        == "items[0].modifiers[0].quantity");
  CHECK(error_path(with([](json& b) { b["items"][0]["modifiers"][0].erase("id"); })) == "items[0].modifiers[0]");
  CHECK(error_path(with([](json& b) { b["items"][0]["item_comment"] = ""; })) == "items[0].item_comment");
  CHECK(error_path(with([](json& b) { b["items"][0]["item_comment"] = std::string(256, 'x'); }))
        == "items[0].item_comment");
  CHECK(error_path(with([](json& b) { b["items"][0]["item_comment"] = 5; })) == "items[0].item_comment");
  CHECK(error_path(with([](json& b) { b["items"][2]["components"][0].erase("component_id"); }))
        == "items[2].components[0].component_id");
  CHECK(error_path(with([](json& b) { b["discounts"][0]["type"] = "PERCENT"; })) == "discounts[0].type");
  CHECK(error_path(with([](json& b) { b["discounts"][0].erase("code"); })) == "discounts[0].code");
  CHECK(error_path(with([](json& b) { b["discounts"][1].erase("sum"); })) == "discounts[1].sum");
  CHECK(error_path(with([](json& b) { b["discounts"][2]["sum"] = 0; })) == "discounts[2].sum");
  CHECK(error_path(with([](json& b) { b["payments"][0].erase("currency_code"); })) == "payments[0].currency_code");
  CHECK(error_path(with([](json& b) { b["payments"][0]["sum"] = 0; })) == "payments[0].sum");
  CHECK(error_path(with([](json& b) { b["payments"][0]["sum"] = 1.234; })) == "payments[0].sum");
  CHECK(error_path(with([](json& b) { b["payments"][1]["currency_code"] = 1; })) == "payments[1].currency_code");
  CHECK(error_path(with([](json& b) { b["short_external_info"] = std::string(31, 'x'); }))
        == "short_external_info");
  CHECK(error_path(with([](json& b) { b["customer"] = "Ivan"; })) == "customer");
  CHECK(error_path(with([](json& b) { b["customer"]["phone"] = 7; })) == "customer.phone");
  CHECK(error_path(with([](json& b) { b["deliver_at"] = "tomorrow"; })) == "deliver_at");
  CHECK(error_path(with([](json& b) { b["accept"] = "later"; })) == "accept");
  CHECK(error_path(with([](json& b) { b["callback_url"] = "ftp://x"; })) == "callback_url");
}

TEST_CASE("order body: character limits count UTF-8 characters, not bytes", "[actors][order_body]") {
  json b = full_body();
  std::string cyr30;
  for (int i = 0; i < 30; ++i)
    cyr30 += "ж"; // 2 bytes each
  b["short_external_info"] = cyr30;
  std::string cyr255;
  for (int i = 0; i < 255; ++i)
    cyr255 += "ж";
  b["items"][0]["item_comment"] = cyr255;
  auto r = parse_order_body(b, true);
  REQUIRE(std::holds_alternative<cart>(r));
  CHECK(std::get<cart>(r).short_external_info == cyr30);
  b["short_external_info"] = cyr30 + "ж";
  CHECK(error_path(b) == "short_external_info");
}

TEST_CASE("order body: stored without the token; the idempotency hash ignores it and key order",
          "[actors][order_body]") {
  json a = json::parse(R"({"external_id": "x", "items": [{"id": 1, "quantity": 1}], "token": "t1"})");
  json b = json::parse(R"({"items": [{"quantity": 1, "id": 1}], "external_id": "x"})");
  auto stored = store_body(a);
  CHECK(stored.text == R"({"external_id":"x","items":[{"id":1,"quantity":1}]})");
  CHECK(stored.hash == rkgate::sha256_hex(stored.text));
  CHECK(stored.hash == store_body(b).hash);
  CHECK(stored.hash.size() == 64);
  b["items"][0]["quantity"] = 2;
  CHECK(store_body(a).hash != store_body(b).hash);
}
