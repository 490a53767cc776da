// The callback's bytes: signature and body shape (api.md §4).

#include "notify/callback.hpp"
#include "notify/signature.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;
using namespace rkgate::notify;

TEST_CASE("HMAC-SHA256 matches RFC 4231 and the openssl command line", "[notify][signature]") {
  // RFC 4231, test case 2.
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // printf '%s' BODY | openssl dgst -sha256 -hmac change-me
  CHECK(signature("change-me", R"({"event":"order_status","guid":"{A}"})") ==
        "sha256=c07c058633c7200b8fe1ab61b6adff39cedb1b5dba5d93f8c06dfc3c1756c5bf");
  CHECK(std::string(signature_header) == "X-Rkgate-Signature");
}

TEST_CASE("the signature depends on every byte and on the secret", "[notify][signature]") {
  const std::string body = R"({"a":1})";
  const std::string base = signature("s1", body);
  CHECK(base.size() == 7 + 64);
  CHECK(signature("s2", body) != base);
  CHECK(signature("s1", R"({"a":1} )") != base);
  CHECK(signature("", body).size() == 7 + 64); // an empty secret still signs
}

TEST_CASE("the callback body has the contract's fields in order", "[notify][callback]") {
  json order = {{"guid", "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}"}, {"status", 2}, {"sum", 186.0}};
  status_change change;
  change.guid = "{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}";
  change.external_id = "site-000123";
  change.restaurant = "msk-01";
  change.status = 2;
  change.previous_status = 0;
  change.at = "2026-11-22T14:30:00+03:00";

  const std::string body = callback_body(change, order);
  CHECK(body ==
        R"({"event":"order_status","guid":"{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}",)"
        R"("external_id":"site-000123","restaurant":"msk-01","status":2,"status_name":"bill",)"
        R"("previous_status":0,"at":"2026-11-22T14:30:00+03:00",)"
        R"("order":{"guid":"{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}","status":2,"sum":186.0}})");
  CHECK(json::parse(body)["order"] == order);
}

TEST_CASE("the first status has previous_status null", "[notify][callback]") {
  status_change change;
  change.guid = "{G}";
  change.status = 5;
  auto body = json::parse(callback_body(change, json::object()));
  CHECK(body["status_name"] == "new");
  CHECK(body["previous_status"].is_null());
}

TEST_CASE("bad callback input is refused", "[notify][callback]") {
  status_change change;
  change.guid = "{G}";
  change.status = 6;
  CHECK_THROWS_AS(callback_body(change, json::object()), std::invalid_argument);
  change.status = 0;
  change.previous_status = -1;
  CHECK_THROWS_AS(callback_body(change, json::object()), std::invalid_argument);
  change.previous_status.reset();
  CHECK_THROWS_AS(callback_body(change, json::array()), std::invalid_argument);
  change.guid.clear();
  CHECK_THROWS_AS(callback_body(change, json::object()), std::invalid_argument);
  for (int s = 0; s <= 5; ++s)
    CHECK(callback_status_name(s) != nullptr);
}
