// Parsers on reply shapes taken from public code that decodes real servers'
// replies and from live-checked notes (tests/fixtures/rk7/real/, each file
// names its source). These are not checked against the XSDs: real servers
// send attributes the schemas do not declare (ArrivalDateTime, gen*, ...).

#include "fixtures.hpp"

#include "rk7/codec.hpp"

#include <catch2/catch.hpp>

using rk7_test::fixture;

namespace {

std::string real(const std::string& name) { return fixture("real/" + name); }

const rk7::ref_item* by_ident(const std::vector<rk7::ref_item>& items, std::int64_t id) {
  for (const auto& i : items)
    if (i.ident() == id)
      return &i;
  return nullptr;
}

} // namespace

TEST_CASE("real MODISCHEMEDETAILS: limits, free count and their Use* switches", "[rk7][real]") {
  auto r = rk7::parse<rk7::reference>(real("modischemedetails_kw.xml"));
  REQUIRE(r);
  CHECK(r->ref_name == "MODISCHEMEDETAILS");
  CHECK(r->data_version == 41);
  REQUIRE(r->items.size() == 2);
  const auto& sauce = r->items[0];
  CHECK(sauce.get_int("ModiScheme") == 1000400);
  CHECK(sauce.get_int("ModiGroup") == 1000300);
  CHECK(sauce.get_int("DownLimit") == 1);
  CHECK(sauce.get_int("UpLimit") == 2);
  CHECK(sauce.get_int("FreeCount") == 1);
  CHECK(sauce.get("UseUpLimit") == std::string("True"));
  // UpLimit="0" with UseUpLimit="False" means "no upper limit", not "none allowed".
  const auto& extras = r->items[1];
  CHECK(extras.get_int("UpLimit") == 0);
  CHECK(extras.get("UseUpLimit") == std::string("False"));
  CHECK(extras.get_int("DefaultModifier") == 1000355);
}

TEST_CASE("real MODIGROUPS: combo groups are modifier groups of type mgtCombo", "[rk7][real]") {
  auto r = rk7::parse<rk7::reference>(real("modigroups_combo_docs.xml"));
  REQUIRE(r);
  REQUIRE(r->items.size() == 2);
  CHECK(r->items[0].get("ModiGroupType") == std::string("mgtModifier"));
  CHECK(r->items[0].child_idents == std::vector<std::int64_t>{1000350, 1000351});
  CHECK(r->items[1].get("ModiGroupType") == std::string("mgtCombo"));
  CHECK(r->items[1].child_idents == std::vector<std::int64_t>{1000360});
}

TEST_CASE("real MENUITEMS in a batch reply: classification, gen* description, RIChildItems", "[rk7][real]") {
  auto r = rk7::parse<rk7::reference>(real("menuitems_by_classification_kw.xml"));
  REQUIRE(r);
  CHECK(r->data_version == 77);
  REQUIRE(r->items.size() == 3); // two under Items, one in the collection's RIChildItems
  const auto* borsch = by_ident(r->items, 1000100);
  REQUIRE(borsch);
  CHECK(borsch->get_int("CLASSIFICATORGROUPS-12288") == 12290);
  CHECK(borsch->get("genDescription0419") == std::string("Со сметаной и пампушкой"));
  CHECK(borsch->get_int("ModiScheme") == 1000400);
  REQUIRE(borsch->children.size() == 1);
  CHECK(borsch->children[0].tag == "TClassificatorGroup");
  CHECK(borsch->children[0].ident() == 12290);
  CHECK(by_ident(r->items, 1000101)->get("Status") == std::string("rsInactive"));
  const auto* compote = by_ident(r->items, 1000102);
  REQUIRE(compote);
  CHECK(compote->tag == "TRK7MenuItem");
}

TEST_CASE("PRICETYPES-n: integer kopecks, decimal roubles, the unset value", "[rk7][real]") {
  auto r = rk7::parse<rk7::reference>(real("refdata_prices_7_25.xml"));
  REQUIRE(r);
  REQUIRE(r->items.size() == 1);
  const auto& item = r->items[0];
  CHECK(item.ident() == 1000059);
  CHECK(item.price(3) == 25000);
  CHECK(item.price(5) == 30000);
  CHECK_FALSE(item.price(7));

  rk7::ref_item kopecks_item;
  kopecks_item.attrs["PRICETYPES-0"] = "5000";                 // the vendor SetRefData example
  kopecks_item.attrs["PRICETYPES-1"] = "9223372036854775807";  // "no price" (G-woo)
  kopecks_item.attrs["PRICETYPES-2"] = "12.5";
  kopecks_item.attrs["PRICETYPES-4"] = "abc";
  CHECK(kopecks_item.price(0) == 5000);
  CHECK_FALSE(kopecks_item.price(1));
  CHECK(kopecks_item.price(2) == 1250);
  CHECK_FALSE(kopecks_item.price(4));
}

TEST_CASE("ref_item::ident falls back to ItemIdent (RIChildItems children)", "[rk7][real]") {
  rk7::ref_item detail;
  detail.attrs["ItemIdent"] = "1000442";
  CHECK(detail.ident() == 1000442);
  detail.attrs["Ident"] = "7";
  CHECK(detail.ident() == 7);
  CHECK(rk7::ref_item{}.ident() == 0);
}

TEST_CASE("real CreateOrder: root VisitID/OrderID and the full Order agree", "[rk7][real]") {
  auto c = rk7::parse<rk7::created_order>(real("create_order_kw.xml"));
  REQUIRE(c);
  CHECK(c->visit == 640419540);
  CHECK(c->order_ident == 256);
  CHECK(c->guid == "{2CB7FB2C-0000-4000-8000-00000000C0DE}");
  REQUIRE(c->record);
  CHECK(c->record->visit == 640419540);
  CHECK(c->record->order_ident == 256);
  CHECK(c->record->persistent_comment == "Код заказа: 123");
  REQUIRE(c->record->waiter);
  CHECK(c->record->waiter->id == 1000005); // its Role child does not disturb the reference
  REQUIRE(c->record->order_category);
  CHECK(c->record->order_category->code == 2);
}

TEST_CASE("real GetOrder sent as RK7Command: the Order inside CommandResult", "[rk7][real]") {
  auto o = rk7::parse<rk7::order>(real("get_order_batch_kw.xml"));
  REQUIRE(o);
  CHECK(o->visit == 640419540);
  CHECK(o->order_ident == 256);
  CHECK(o->version == 4);
  CHECK(o->order_sum == 59800);
  CHECK(o->total_pieces == 2000);
  CHECK(o->finished);
  CHECK_FALSE(o->paid);
  REQUIRE(o->table);
  CHECK(o->table->name == "Стол 1");
}

TEST_CASE("real error replies: Unknown command, shift closing", "[rk7][real]") {
  auto unknown = rk7::parse<rk7::system_info>(real("unknown_command_7_26.xml"));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == rk7::error_kind::rk7_status);
  CHECK(unknown.error().status == "Bad Query Parameters");
  CHECK(unknown.error().message == "Unknown command getsysteminfo");

  auto closing = rk7::parse<rk7::saved_order>(real("shift_closing_7_26.xml"));
  REQUIRE_FALSE(closing);
  CHECK(closing.error().status == "Query Parse Error");
  CHECK(closing.error().rk7_error_n == 2172);
}
