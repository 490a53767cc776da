// rkgate against rk7sim serving the real-server menu shapes: combos through
// MODISCHEMES (mstCombo) / MODIGROUPS (mgtCombo) / MODIFIERS Dish, and
// modifier limits with UseUpLimit/UseDownLimit (docs/rk7-interop.md).

#include "gateway_fixture.hpp"

#include <catch2/catch.hpp>

using namespace rkgate::test;

namespace {

const json* find_by(const json& list, const char* key, std::int64_t value) {
  for (const auto& x : list)
    if (x.at(key) == value)
      return &x;
  return nullptr;
}

/// The lunch combo (demo 1000100) with chicken soup and carbonara; the drink line is left to its default.
json combo_order(const std::string& external_id) {
  return json{{"restaurant", "r1"},
              {"external_id", external_id},
              {"items",
               {{{"id", 1000100},
                 {"quantity", 1},
                 {"components",
                  {{{"component_id", 1005101}, {"item_id", 1000010}, {"quantity", 1}},
                   {{"component_id", 1005102}, {"item_id", 1000016}, {"quantity", 1}}}}}}}};
}

} // namespace

TEST_CASE("getmenu shows the combo with its components and modifier limits from the Use* switches",
          "[gateway][e2e][menu]") {
  sim s;
  gate g(s);
  auto r = g.get("/api/v3/getmenu?restaurant=r1");
  REQUIRE(r.status == 200);
  auto data = body_of(r)["data"];

  const json* lunch = find_by(data["items"], "id", 1000100);
  REQUIRE(lunch);
  CHECK((*lunch)["combo"] == true);
  CHECK((*lunch)["name"] == "Комбо обед");
  const json* combo = find_by(data["combos"], "item_id", 1000100);
  REQUIRE(combo);
  REQUIRE((*combo)["components"].size() == 3);
  CHECK((*combo)["components"][0] == json({{"id", 1005101},
                                           {"name", "Суп"},
                                           {"min", 1},
                                           {"max", 1},
                                           {"default_item_id", 1000007},
                                           {"items", {1000007, 1000010}}}));
  CHECK((*combo)["components"][1]["items"] == json({1000014, 1000016}));
  CHECK((*combo)["components"][2]["name"] == "Напиток");

  // The combo scheme is not a modifier scheme; pizza's lines keep their limits.
  CHECK(find_by(data["modifier_schemes"], "id", 1006101) == nullptr);
  const json* pizza = find_by(data["modifier_schemes"], "id", 1006001);
  REQUIRE(pizza);
  const json* sauces = find_by((*pizza)["groups"], "id", 1005001);
  const json* wishes = find_by((*pizza)["groups"], "id", 1005003);
  REQUIRE(sauces);
  REQUIRE(wishes);
  CHECK((*sauces)["min"] == 0);
  CHECK((*sauces)["max"] == 2);
  CHECK((*wishes)["max"].is_null()); // UpLimit 0 with UseUpLimit False: no upper limit
  // The free-text comment modifier (InputName) is not offered: it is item_comment.
  CHECK(find_by((*pizza)["groups"], "id", 1005004) == nullptr);
  const json* steak = find_by(data["modifier_schemes"], "id", 1006002);
  REQUIRE(steak);
  const json* doneness = find_by((*steak)["groups"], "id", 1005002);
  REQUIRE(doneness);
  CHECK((*doneness)["min"] == 1);
  CHECK((*doneness)["max"] == 1);
}

TEST_CASE("postorder of a combo creates it with its components on the cash server", "[gateway][e2e][menu]") {
  sim s;
  gate g(s);
  auto r = g.post("/api/v3/postorder", combo_order("combo-1"));
  REQUIRE(r.status == 201);
  auto guid = body_of(r)["data"]["guid"].get<std::string>();

  auto state = s.state();
  const json* order = nullptr;
  for (const auto& o : state["orders"])
    if (o["guid"] == guid)
      order = &o;
  REQUIRE(order);
  const json* combo = nullptr;
  for (const auto& session : (*order)["sessions"])
    for (const auto& d : session["dishes"])
      if (d["id"] == 1000100)
        combo = &d;
  REQUIRE(combo);
  CHECK((*combo)["combo"] == true);
  std::vector<std::int64_t> components;
  for (const auto& c : (*combo)["components"])
    components.push_back(c["id"].get<std::int64_t>());
  // Chosen soup and main, then the drink line's default (morse).
  CHECK(components == std::vector<std::int64_t>{1000010, 1000016, 1000027});
  CHECK((*combo)["amount"] == 69000 + 5000); // carbonara's combo surcharge
}

TEST_CASE("a cart breaking a modifier rule gets 422 modifier_rule and creates nothing", "[gateway][e2e][menu]") {
  sim s;
  gate g(s);
  // Steak needs exactly one doneness: none given.
  json no_doneness = {{"restaurant", "r1"},
                      {"external_id", "rule-1"},
                      {"items", {{{"id", 1000012}, {"quantity", 1}}}}};
  auto v = g.post("/api/v3/validate", no_doneness);
  REQUIRE(v.status == 422);
  CHECK(body_of(v)["error"]["details"][0]["problem"] == "modifier_rule");
  auto r = g.post("/api/v3/postorder", no_doneness);
  REQUIRE(r.status == 422);
  CHECK(body_of(r)["error"]["details"][0]["problem"] == "modifier_rule");

  // Two soups in a combo line that takes one.
  json two_soups = combo_order("rule-2");
  two_soups["items"][0]["components"][1] = {{"component_id", 1005101}, {"item_id", 1000007}, {"quantity", 1}};
  auto c = g.post("/api/v3/postorder", two_soups);
  REQUIRE(c.status == 422);
  CHECK(body_of(c)["error"]["details"][0]["problem"] == "modifier_rule");
  CHECK(s.live_orders() == 0);

  // Within the rules it goes through: medium doneness, and pizza wishes without an upper limit.
  json ok = {{"restaurant", "r1"},
             {"external_id", "rule-3"},
             {"items",
              {{{"id", 1000012}, {"quantity", 1}, {"modifiers", {{{"id", 1004005}, {"quantity", 1}}}}},
               {{"id", 1000021}, {"quantity", 1}, {"modifiers", {{{"id", 1004007}, {"quantity", 3}}}}}}}};
  REQUIRE(g.post("/api/v3/postorder", ok).status == 201);
  CHECK(s.live_orders() == 1);
}
