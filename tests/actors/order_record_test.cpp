// order_record: the persisted record and its API forms (api.md §3.5, §3.6).

#include "actors/order_record.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace rkgate::actors;
using nlohmann::json;

namespace {

order_record sample() {
  order_record r;
  r.guid = "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}";
  r.source = "site-a";
  r.external_id = "site-1";
  r.restaurant = "r1";
  r.body_hash = "abc";
  r.body = R"({"external_id":"site-1","items":[{"id":1,"quantity":1}],"comment":"Ring twice",)"
           R"("short_external_info":"site-1 +7999","customer":{"name":"Ivan","phone":"+7999"},)"
           R"("payments":[{"currency_code":1,"sum":100.0},{"currency_code":2,"sum":20.5}]})";
  r.step = order_step::saved;
  r.status = 0;
  r.table_code = 100;
  r.table_name = "100.1";
  r.table_slot = 1;
  r.visit = 471734503;
  r.order_ident = 256;
  r.created_at = "2026-11-22T14:30:00+03:00";
  r.updated_at = "2026-11-22T14:30:01+03:00";
  r.priced = R"({"items":[{"id":1,"code":1,"name":"Caesar","quantity":1.0,"price":420.0,"sum":420.0,)"
             R"("modifiers":[],"discount_sum":0.0}],"discounts":[{"type":"SUM","code":2,"name":"d","sum":100.0}],)"
             R"("pricelist_sum":420.0,"discount_sum":100.0,"markup_sum":0.0,"total":320.0,"prepaid":120.5,"to_pay":199.5})";
  r.sum = 32000;
  r.paid = 12050;
  r.to_pay = 19950;
  r.reply_status = 201;
  return r;
}

} // namespace

TEST_CASE("order record: persisted JSON round-trips", "[actors][order_record]") {
  auto r = sample();
  auto back = order_record_from_json(to_json(r));
  REQUIRE(back);
  CHECK(back->guid == r.guid);
  CHECK(back->source == r.source);
  CHECK(back->body == r.body);
  CHECK(back->step == order_step::saved);
  CHECK(back->table_name == "100.1");
  CHECK(back->table_slot == 1);
  CHECK(back->visit == r.visit);
  CHECK(back->priced == r.priced);
  CHECK(back->sum == 32000);
  CHECK(back->paid == 12050);
  CHECK(back->to_pay == 19950);
  CHECK(back->reply_status == 201);
  CHECK_FALSE(order_record_from_json("not json"));
  CHECK_FALSE(order_record_from_json("[1]"));
}

TEST_CASE("order record: written as the DOM of all its fields dumps, every field round-trips",
          "[actors][order_record]") {
  auto r = sample();
  r.manual = true;
  r.rk7_version = 7;
  r.reply_code = "ok";
  r.reply_message = "Заказ \"принят\"\n\tвсе блюда";
  r.body_hash = "h";
  const json dom = {{"guid", r.guid}, {"source", r.source}, {"external_id", r.external_id},
                    {"restaurant", r.restaurant}, {"body_hash", r.body_hash}, {"body", r.body},
                    {"manual", r.manual}, {"step", "saved"}, {"status", r.status},
                    {"table_code", r.table_code}, {"table_name", r.table_name}, {"table_slot", r.table_slot},
                    {"visit", r.visit}, {"order_ident", r.order_ident}, {"created_at", r.created_at},
                    {"updated_at", r.updated_at}, {"priced", r.priced}, {"sum", r.sum}, {"paid", r.paid},
                    {"to_pay", r.to_pay}, {"rk7_version", r.rk7_version}, {"reply_status", r.reply_status},
                    {"reply_code", r.reply_code}, {"reply_message", r.reply_message}};
  // The same bytes as the records earlier versions stored.
  CHECK(to_json(r) == dom.dump());
  auto back = order_record_from_json(to_json(r));
  REQUIRE(back);
  CHECK(to_json(*back) == to_json(r));
  CHECK(back->manual);
  CHECK(back->rk7_version == 7);
  CHECK(back->reply_message == r.reply_message);
  CHECK(back->order_ident == 256);
  CHECK(back->created_at == r.created_at);
}

TEST_CASE("order record: bytes that are not UTF-8 are stored as U+FFFD", "[actors][order_record]") {
  auto r = sample();
  r.reply_message = "cash server said \xC3(";
  auto back = order_record_from_json(to_json(r));
  REQUIRE(back);
  CHECK(back->reply_message == "cash server said \xEF\xBF\xBD(");
  CHECK(back->body == r.body);
}

TEST_CASE("order record: api.md §3.6 record with sums, discounts and payments", "[actors][order_record]") {
  auto j = json::parse(order_api_json(sample()));
  CHECK(j["guid"] == "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}");
  CHECK(j["external_id"] == "site-1");
  CHECK(j["restaurant"] == "r1");
  CHECK(j["status"] == 0);
  CHECK(j["status_name"] == "open");
  CHECK(j["table"] == json{{"code", 100}, {"name", "100.1"}});
  CHECK(j["visit"] == 471734503);
  CHECK(j["order_ident"] == 256);
  CHECK(j["sum"] == 320.0);
  CHECK(j["paid"] == 120.5);
  CHECK(j["to_pay"] == 199.5);
  REQUIRE(j["items"].size() == 1);
  CHECK(j["items"][0]["name"] == "Caesar");
  REQUIRE(j["discounts"].size() == 1);
  CHECK(j["discounts"][0]["type"] == "SUM");
  REQUIRE(j["payments"].size() == 2);
  CHECK(j["payments"][1] == json{{"currency_code", 2}, {"sum", 20.5}});
  CHECK(j["comment"] == "Ring twice");
  CHECK(j["short_external_info"] == "site-1 +7999");
  CHECK(j["customer"]["name"] == "Ivan");
  for (const char* key : {"created_at", "updated_at"})
    CHECK(j.contains(key));
}

TEST_CASE("order record: before creation there is no table, visit or order", "[actors][order_record]") {
  order_record r;
  r.guid = "{00000000-0000-0000-0000-000000000001}";
  r.body = "{}";
  auto j = json::parse(order_api_json(r));
  CHECK(j["status"] == 5);
  CHECK(j["status_name"] == "new");
  CHECK(j["table"].is_null());
  CHECK(j["visit"].is_null());
  CHECK(j["items"].empty());
  CHECK(j["comment"] == "");
  auto p = json::parse(postorder_data_json(r));
  CHECK(p["guid"] == r.guid);
  CHECK(p["status"] == 5);
  CHECK(p["table"].is_null());
  CHECK(p["order"].is_null());
}

TEST_CASE("order record: the postorder data splices the priced order as stored", "[actors][order_record]") {
  order_record r;
  r.guid = "{00000000-0000-0000-0000-000000000002}";
  r.status = 0;
  r.table_code = 100;
  r.table_slot = 2;
  r.table_name = "100.2";
  r.priced = R"({"items":[{"id":1,"name":"Борщ","price":250.5}],"sum":250.5})";
  json expected = {{"guid", r.guid},
                   {"status", 0},
                   {"status_name", "open"},
                   {"table", {{"code", 100}, {"name", "100.2"}}},
                   {"order", json::parse(r.priced)}};
  CHECK(postorder_data_json(r) == expected.dump()); // the same text a DOM would give
  CHECK(postorder_data_json(r, true) == expected.dump());
  r.priced = "{broken";
  CHECK(json::parse(postorder_data_json(r))["order"].is_null()); // never invalid JSON
}

TEST_CASE("order record: final states", "[actors][order_record]") {
  order_record r;
  r.status = 0;
  CHECK_FALSE(r.final());
  r.status = 1;
  CHECK(r.final());
  r.status = 3;
  CHECK(r.final());
  r.status = 0;
  r.step = order_step::failed;
  CHECK(r.final());
}

TEST_CASE("order record: times are ISO 8601 with offset", "[actors][order_record]") {
  auto t = now_iso8601();
  REQUIRE(t.size() == 25);
  CHECK(t[4] == '-');
  CHECK(t[10] == 'T');
  CHECK((t[19] == '+' || t[19] == '-'));
  CHECK(t[22] == ':');
}
