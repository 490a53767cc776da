// The automatic cashier's rounds, driven directly (no timer): which order
// takes which step when, and what that does to versions and lastversion.
#include "sim_helpers.hpp"

#include "rk7sim/auto_cashier.hpp"

using namespace rk7sim_test;
using rkgate::rk7sim::auto_cashier;
using rkgate::rk7sim::cash_server;
using rkgate::rk7sim::cashier_action;
using rkgate::rk7sim::cashier_settings;
using rkgate::rk7sim::demo_dataset;

namespace {

/// Rates 0: every order goes bill -> pay, nothing random happens.
cashier_settings plain() {
  cashier_settings c;
  c.add_rate = c.void_rate = c.stoplist_rate = 0;
  return c;
}

long long version_of(cash_server& s, const std::string& guid) {
  return get_order(s, guid).root().child("Order").attribute("version").as_llong();
}

long long last_version(cash_server& s) {
  return run(s, "GetOrderList", query("GetOrderList")).root().attribute("lastversion").as_llong();
}

std::string saved_order(cash_server& s) {
  std::string guid = create_order(s);
  REQUIRE(save(s, guid, "<Dish id=\"1000029\" quantity=\"1000\"/>").status() == "Ok");
  return guid;
}

} // namespace

TEST_CASE("auto cashier: a saved order is billed after a quiet round and paid the round after",
          "[rk7sim][cashier]") {
  cash_server s(demo_dataset());
  auto_cashier cashier(s, 7);
  std::string empty = create_order(s); // a client between CreateOrder and SaveOrder
  std::string guid = saved_order(s);
  long long saved = version_of(s, guid), empty_version = version_of(s, empty);

  // First round: the cashier has not yet seen the order stay as it is.
  CHECK(cashier.round(plain()).empty());

  auto billed = cashier.round(plain());
  REQUIRE(billed.size() == 1);
  CHECK(billed[0].guid == guid);
  CHECK(billed[0].action == "bill");
  CHECK(billed[0].version == saved + 1);
  CHECK(billed[0].list_version == last_version(s));
  auto precheck = get_order(s, guid).root().child("Order").find_node(
      [](pugi::xml_node n) { return std::string(n.name()) == "PrintCheck"; });
  CHECK(precheck.attribute("bill").as_int() == 1);

  auto paid = cashier.round(plain());
  REQUIRE(paid.size() == 1);
  CHECK(paid[0].action == "pay");
  CHECK(paid[0].version == saved + 2);
  CHECK(paid[0].list_version == billed[0].list_version + 1);
  auto o = get_order(s, guid).root().child("Order");
  CHECK(o.attribute("paid").as_int() == 1);
  CHECK(o.attribute("finished").as_int() == 1);
  CHECK(o.attribute("version").as_llong() == saved + 2);

  // Nothing is left to do: the closed order stays closed, the empty one untouched.
  CHECK(cashier.round(plain()).empty());
  CHECK(cashier.rounds() == 4);
  CHECK(version_of(s, empty) == empty_version);
  CHECK(s.open_orders().size() == 1);
  CHECK(s.open_orders()[0].guid == empty);
}

TEST_CASE("auto cashier: an order that changes between rounds waits for a quiet round", "[rk7sim][cashier]") {
  cash_server s(demo_dataset());
  auto_cashier cashier(s, 7);
  std::string guid = saved_order(s);
  CHECK(cashier.round(plain()).empty());
  REQUIRE(save(s, guid, "<Dish id=\"1000027\" quantity=\"1000\"/>").status() == "Ok"); // still being filled
  CHECK(cashier.round(plain()).empty());
  auto billed = cashier.round(plain());
  REQUIRE(billed.size() == 1);
  CHECK(billed[0].action == "bill");
}

TEST_CASE("auto cashier: at rate 1 a waiter adds a dish instead of the bill, a billed order is voided",
          "[rk7sim][cashier]") {
  cash_server s(demo_dataset());
  auto_cashier cashier(s, 7);
  std::string guid = saved_order(s);
  cashier_settings adding = plain();
  adding.add_rate = 1;
  cashier.round(adding);
  auto added = cashier.round(adding);
  REQUIRE(added.size() == 1);
  CHECK(added[0].action == "add");
  CHECK(added[0].dish != 0);
  CHECK(get_order(s, guid).root().child("Order").attribute("totalPieces").as_llong() == 2000);
  // One step per round: the bill comes in a later round (here the next).
  auto billed = cashier.round(plain());
  REQUIRE(billed.size() == 1);
  CHECK(billed[0].action == "bill");
  cashier_settings voiding = plain();
  voiding.void_rate = 1;
  auto voided = cashier.round(voiding);
  REQUIRE(voided.size() == 1);
  CHECK(voided[0].action == "void");
  CHECK(voided[0].version == billed[0].version + 1);
  CHECK(get_order(s, guid).status() == "Query Executing Error"); // gone, as VoidOrder does
  CHECK(s.open_orders().empty());
}

TEST_CASE("auto cashier: at stoplist rate 1 every round flips one dish", "[rk7sim][cashier]") {
  cash_server s(demo_dataset());
  auto_cashier cashier(s, 7);
  cashier_settings flipping = plain();
  flipping.stoplist_rate = 1;
  auto first = cashier.round(flipping);
  REQUIRE(first.size() == 1);
  REQUIRE(first[0].action == "stoplist_on");
  CHECK(s.stop_listed(first[0].dish));
  CHECK(first[0].guid.empty());
}

TEST_CASE("auto cashier: settings outside their ranges are refused", "[rk7sim][cashier]") {
  cashier_settings c = plain();
  CHECK_NOTHROW(validate(c));
  c.interval_ms = 0;
  CHECK_THROWS_AS(validate(c), std::invalid_argument);
  c = plain();
  c.void_rate = 1.5;
  CHECK_THROWS_AS(validate(c), std::invalid_argument);
  c = plain();
  c.add_rate = -0.1;
  CHECK_THROWS_AS(validate(c), std::invalid_argument);
}
