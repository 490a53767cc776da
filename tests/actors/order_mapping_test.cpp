// order_mapping: cart -> SaveOrder session, r_keeper order -> priced JSON and totals.

#include "actors/order_mapping.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace rkgate;
using namespace rkgate::actors;
using nlohmann::json;

namespace {

cart sample_cart() {
  auto r = parse_order_body(json::parse(R"({
    "external_id": "x",
    "items": [
      {"id": 1000001, "quantity": 2, "modifiers": [{"code": 31, "quantity": 1}], "item_comment": "no onions"},
      {"code": 7, "quantity": 0.5},
      {"id": 1000100, "quantity": 1, "components": [{"component_id": 1, "item_id": 1000002, "quantity": 2}]}
    ],
    "discounts": [{"type": "REF", "code": 1}, {"type": "SUM", "code": 2, "sum": 100},
                  {"type": "MARKUPSUM", "code": 3, "sum": 40}],
    "payments": [{"currency_code": 1, "sum": 100}, {"currency_code": 2, "sum": 50.5}]
  })"), true);
  return std::get<cart>(r);
}

rk7::dish_line dish(std::int64_t id, kopecks price, rk7::milli qty) {
  rk7::dish_line d;
  d.id = id;
  d.code = id % 100;
  d.name = "dish " + std::to_string(id);
  d.price = price;
  d.quantity = qty;
  d.amount = price * qty / 1000;
  d.state = 1;
  return d;
}

rk7::discount_line discount(std::int64_t code, kopecks amount) {
  rk7::discount_line d;
  d.code = code;
  d.id = 1000 + code;
  d.name = "discount " + std::to_string(code);
  d.amount = amount;
  return d;
}

} // namespace

TEST_CASE("to_session: dishes, modifiers, item comment, combos, discounts, prepayments", "[actors][mapping]") {
  order_settings s{15004, 1, 7, 1004009};
  auto session = to_session(sample_cart(), s);
  REQUIRE(session.station);
  CHECK(session.station->id == 15004);
  REQUIRE(session.dishes.size() == 2);
  const auto& first = session.dishes[0];
  CHECK(first.item.id == 1000001);
  CHECK(first.quantity == 2000);
  REQUIRE(first.modis.size() == 2);
  CHECK(first.modis[0].item.code == 31);
  CHECK(first.modis[0].open_name.empty());
  // The item comment is the configured open modifier, by Ident, with openName.
  CHECK(first.modis[1].item.id == 1004009);
  CHECK(first.modis[1].open_name == "no onions");
  CHECK(session.dishes[1].item.code == 7);
  CHECK_FALSE(session.dishes[1].item.id);
  CHECK(session.dishes[1].quantity == 500);
  REQUIRE(session.combos.size() == 1);
  CHECK(session.combos[0].item.id == 1000100);
  REQUIRE(session.combos[0].components.size() == 1);
  CHECK(session.combos[0].components[0].item.id == 1000002);
  CHECK(session.combos[0].components[0].count == 2);
  REQUIRE(session.discounts.size() == 3);
  CHECK(session.discounts[0].item.code == 1);
  CHECK_FALSE(session.discounts[0].amount); // REF: r_keeper computes it
  CHECK(session.discounts[1].item.code == 2);
  CHECK(session.discounts[1].amount == 10000);
  CHECK(session.discounts[2].item.code == 3);
  CHECK(session.discounts[2].amount == 4000);
  REQUIRE(session.prepays.size() == 2);
  CHECK(session.prepays[0].currency.code == 1);
  CHECK(session.prepays[0].amount == 10000);
  CHECK(session.prepays[1].amount == 5050);
  REQUIRE(session.prepays[1].reason);
  CHECK(session.prepays[1].reason->code == 7);
  CHECK_FALSE(session.prepays[1].promised);
}

TEST_CASE("to_session: without a configured comment modifier or reason nothing is invented", "[actors][mapping]") {
  auto session = to_session(sample_cart(), order_settings{0, 0, 0, 0});
  CHECK_FALSE(session.station);
  CHECK(session.dishes[0].modis.size() == 1);
  CHECK_FALSE(session.prepays[0].reason);
}

TEST_CASE("totals: discounts negative and markups positive (rk7sim's convention)", "[actors][mapping]") {
  rk7::order o;
  rk7::session_line s;
  s.dishes = {dish(1000001, 42000, 1000), dish(1000007, 35000, 2000)}; // 1120.00
  s.discounts = {discount(1, -11200), discount(2, -10000), discount(3, 4000)};
  rk7::payment_line p;
  p.amount = 50000;
  s.prepays = {p};
  o.sessions = {s};
  o.order_sum = 112000 - 11200 - 10000 + 4000;
  auto t = totals_of(o);
  CHECK(t.pricelist == 112000);
  CHECK(t.discounts == 21200);
  CHECK(t.markups == 4000);
  CHECK(t.total == o.order_sum);
  CHECK(t.prepaid == 50000);
  CHECK(t.to_pay == o.order_sum - 50000);
}

TEST_CASE("totals: a server that reports a discount positive is read by its orderSum", "[actors][mapping]") {
  // tests/fixtures/rk7/save_order.xml's shape: orderSum = dishes - amount.
  rk7::order o;
  rk7::session_line s;
  s.dishes = {dish(1, 29900, 1000), dish(2, 49900, 1000), dish(3, 6000, 2000)}; // 918.00
  s.discounts = {discount(10, 5000)};
  o.sessions = {s};
  o.order_sum = 86800;
  auto t = totals_of(o);
  CHECK(t.discounts == 5000);
  CHECK(t.markups == 0);
  CHECK(t.total == 86800);
  // The same line in an order whose orderSum says it was a markup.
  o.order_sum = 96800;
  t = totals_of(o);
  CHECK(t.discounts == 0);
  CHECK(t.markups == 5000);
  CHECK(t.total == 96800);
}

TEST_CASE("totals: deleted dishes and modifiers", "[actors][mapping]") {
  rk7::order o;
  rk7::session_line s;
  auto d = dish(1, 10000, 1000);
  rk7::modi_line m;
  m.price = 500;
  m.count = 2;
  d.modis = {m};
  auto gone = dish(2, 99900, 1000);
  gone.state = 7;
  s.dishes = {d, gone};
  o.sessions = {s};
  auto t = totals_of(o);
  CHECK(t.pricelist == 11000);
  CHECK(t.total == 11000);
}

TEST_CASE("priced_order: api.md §3.4 shape with discount types and AUTO", "[actors][mapping]") {
  rk7::order o;
  rk7::session_line s;
  auto d = dish(1000001, 42000, 2000);
  rk7::modi_line comment;
  comment.id = 1004009;
  comment.name = "Комментарий";
  comment.open_name = "no onions";
  comment.count = 1;
  d.modis = {comment};
  s.dishes = {d};
  s.discounts = {discount(2, -10000), discount(3, 4000), discount(4, -3700)};
  o.sessions = {s};
  o.order_sum = 84000 - 10000 + 4000 - 3700;
  auto j = priced_order(o, sample_cart());
  REQUIRE(j["items"].size() == 1);
  CHECK(j["items"][0]["id"] == 1000001);
  CHECK(j["items"][0]["quantity"] == 2.0);
  CHECK(j["items"][0]["price"] == 420.0);
  CHECK(j["items"][0]["sum"] == 840.0);
  CHECK(j["items"][0]["modifiers"][0]["name"] == "no onions");
  REQUIRE(j["discounts"].size() == 3);
  CHECK(j["discounts"][0]["type"] == "SUM");
  CHECK(j["discounts"][0]["sum"] == 100.0);
  CHECK(j["discounts"][1]["type"] == "MARKUPSUM");
  CHECK(j["discounts"][1]["sum"] == 40.0);
  CHECK(j["discounts"][2]["type"] == "AUTO"); // not asked for: r_keeper applied it by itself
  CHECK(j["discounts"][2]["sum"] == 37.0);
  CHECK(j["pricelist_sum"] == 840.0);
  CHECK(j["discount_sum"] == 137.0);
  CHECK(j["markup_sum"] == 40.0);
  CHECK(j["total"] == 743.0);
  CHECK(j["prepaid"] == 0.0);
  CHECK(j["to_pay"] == 743.0);
}

TEST_CASE("status_of and status_name follow api.md §2", "[actors][mapping]") {
  rk7::order o;
  CHECK(status_of(o) == 0);
  o.bill = true;
  CHECK(status_of(o) == 2);
  o.paid = true;
  CHECK(status_of(o) == 1);
  o.deleted = true;
  CHECK(status_of(o) == 3);
  CHECK(std::string(status_name(4)) == "deferred");
  CHECK(std::string(status_name(5)) == "new");
}
