// Combos as real servers describe them (docs/rk7-interop.md): the reference
// chain ComboScheme -> MODISCHEMES (mstCombo) -> MODISCHEMEDETAILS ->
// MODIGROUPS (mgtCombo) -> MODIFIERS with Dish, and SaveOrder's
// <Combo><Component/></Combo> checked against it. Replies are XSD-checked by run().
#include "sim_helpers.hpp"

using namespace rk7sim_test;
using rkgate::rk7sim::cash_server;
using rkgate::rk7sim::demo_dataset;

namespace {

pugi::xml_node item_with(const reply& r, long long ident) {
  for (auto i : r.root().child("RK7Reference").child("Items").children("Item"))
    if (i.attribute("Ident").as_llong() == ident)
      return i;
  return {};
}

reply ref_data(cash_server& s, const char* name) {
  return run(s, "GetRefData", query("GetRefData", "", std::string("RefName=\"") + name + "\""));
}

long long component_count(const reply& order) {
  long long n = 0;
  for (auto c : order.root().child("Order").child("Session").child("Combo").children("Component"))
    n += c.attribute("count").as_llong();
  return n;
}

} // namespace

TEST_CASE("combo reference chain: ComboScheme, mstCombo, lines, mgtCombo groups, elements with Dish", "[rk7sim][combo]") {
  cash_server s(demo_dataset());
  auto menu = ref_data(s, "MenuItems");
  auto lunch = item_with(menu, demo::combo);
  REQUIRE(lunch);
  CHECK_FALSE(lunch.child("ComboComponents")); // the simulator's old invented shape is gone
  long long scheme = lunch.attribute("ComboScheme").as_llong();
  auto schemes = ref_data(s, "ModiSchemes");
  REQUIRE(item_with(schemes, scheme));
  CHECK(std::string(item_with(schemes, scheme).attribute("ModiSchemeType").value()) == "mstCombo");

  auto details = ref_data(s, "ModiSchemeDetails");
  auto groups = ref_data(s, "ModiGroups");
  auto modifiers = ref_data(s, "Modifiers");
  int lines = 0;
  std::vector<long long> dishes;
  for (auto det : details.root().child("RK7Reference").child("Items").children("Item")) {
    if (det.attribute("ModiScheme").as_llong() != scheme)
      continue;
    ++lines;
    CHECK(std::string(det.attribute("UseUpLimit").value()) == "True");
    CHECK(det.attribute("UpLimit").as_int() == 1);
    auto group = item_with(groups, det.attribute("ModiGroup").as_llong());
    REQUIRE(group);
    CHECK(std::string(group.attribute("ModiGroupType").value()) == "mgtCombo");
    for (auto child : group.child("Childs").children("Child")) {
      auto element = item_with(modifiers, child.attribute("ChildIdent").as_llong());
      REQUIRE(element);
      dishes.push_back(element.attribute("Dish").as_llong());
    }
    // The default element is one of the group's.
    CHECK(det.attribute("DefaultModifier").as_llong() != 0);
  }
  CHECK(lines == 3);
  CHECK(dishes == std::vector<long long>{1000007, 1000010, 1000014, 1000016, 1000027, 1000029});
}

TEST_CASE("SaveOrder combo: chosen components, defaults for missing lines, surcharge, limits", "[rk7sim][combo]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  // Chicken soup and carbonara (+50 roubles); the drink line takes its default (morse).
  REQUIRE(save(s, guid,
               "<Combo id=\"1000100\" quantity=\"1000\"><Component id=\"1000010\" count=\"1\"/>"
               "<Component code=\"16\" count=\"1\"/></Combo>")
              .status() == "Ok");
  auto o = get_order(s, guid);
  auto combo = o.root().child("Order").child("Session").child("Combo");
  REQUIRE(combo);
  std::vector<long long> ids;
  for (auto c : combo.children("Component"))
    ids.push_back(c.attribute("id").as_llong());
  CHECK(ids == std::vector<long long>{1000010, 1000016, 1000027});
  CHECK(component_count(o) == 3);
  CHECK(combo.attribute("amount").as_llong() == 69000 + 5000);

  // Two soups break the soup line's UpLimit 1; a dish outside the combo is refused.
  auto two_soups = save(s, guid,
                        "<Combo id=\"1000100\" quantity=\"1000\"><Component id=\"1000007\"/>"
                        "<Component id=\"1000010\"/></Combo>");
  CHECK(two_soups.error_n() == 3805);
  CHECK(save(s, guid, "<Combo id=\"1000100\" quantity=\"1000\"><Component id=\"1000021\"/></Combo>").error_n()
        == 3805);
  // A combo sent as a Dish, and a dish sent as a Combo, are refused.
  CHECK(save(s, guid, "<Dish id=\"1000100\" quantity=\"1000\"/>").error_n() == 3805);
  CHECK(save(s, guid, "<Combo id=\"1000007\" quantity=\"1000\"/>").error_n() == 3805);
  // Nothing of the refused packages was saved.
  CHECK(component_count(get_order(s, guid)) == 3);
}

TEST_CASE("modifier line without an upper limit: UpLimit 0, UseUpLimit False", "[rk7sim][combo]") {
  cash_server s(demo_dataset());
  auto details = ref_data(s, "ModiSchemeDetails");
  bool found = false;
  for (auto det : details.root().child("RK7Reference").child("Items").children("Item"))
    if (det.attribute("ModiScheme").as_llong() == 1006001 && det.attribute("ModiGroup").as_llong() == 1005003) {
      found = true;
      CHECK(std::string(det.attribute("UseUpLimit").value()) == "False");
      CHECK(det.attribute("UpLimit").as_int() == 0);
    }
  CHECK(found);
  std::string guid = create_order(s);
  // Pizza wishes: "no onion" three times plus double cheese, no upper limit.
  CHECK(save(s, guid,
             "<Dish id=\"1000021\" quantity=\"1000\"><Modi id=\"1004007\" count=\"3\"/><Modi id=\"1004008\"/></Dish>")
            .status()
        == "Ok");
  // The sauces line keeps its limit of 2.
  CHECK(save(s, guid, "<Dish id=\"1000021\" quantity=\"1000\"><Modi id=\"1004001\" count=\"3\"/></Dish>").error_n()
        == 3804);
}
