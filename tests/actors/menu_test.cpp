// build_menu and check_cart on reference books shaped as real r_keeper
// servers send them (tests/fixtures/actors/menu_real/, see
// docs/rk7-interop.md), parsed by the rk7 client's own parsers.

#include "actors/menu.hpp"
#include "rk7/codec.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace rkgate::actors;
using nlohmann::json;
using rkgate::milli;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(RKGATE_FIXTURES_DIR) + "/actors/menu_real/" + name, std::ios::binary);
  if (!in)
    throw std::runtime_error("missing fixture " + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class Reply>
Reply parsed(const std::string& name) {
  auto r = rk7::parse<Reply>(fixture(name));
  if (!r)
    throw std::runtime_error("fixture " + name + " does not parse");
  return std::move(*r);
}

menu_sources sources(std::int64_t classification = 12288) {
  menu_sources src;
  const std::pair<const char*, const char*> refs[] = {
    {"CLASSIFICATORGROUPS", "classificatorgroups.xml"}, {"MENUITEMS", "menuitems.xml"},
    {"MODIFIERS", "modifiers.xml"},                     {"MODIGROUPS", "modigroups.xml"},
    {"MODISCHEMES", "modischemes.xml"},                 {"MODISCHEMEDETAILS", "modischemedetails.xml"},
    {"UNCHANGEABLEORDERTYPES", "order_categories.xml"}};
  for (const auto& [name, file] : refs)
    src.refs[name] = parsed<rk7::reference>(file);
  src.order_menu = parsed<rk7::order_menu>("get_order_menu.xml");
  src.rests = parsed<rk7::dish_rests>("get_dish_rests.xml");
  src.classification = classification;
  src.order_category_code = 1;
  return src;
}

json menu_json(const menu_sources& src) {
  auto m = build_menu(src);
  m.finish("2026-04-22T17:56:03+03:00", nullptr);
  return json::parse(m.json);
}

const json* by_id(const json& list, std::int64_t id, const char* key = "id") {
  for (const auto& x : list)
    if (x.at(key) == id)
      return &x;
  return nullptr;
}

cart_item line(std::int64_t id) {
  cart_item l;
  l.ref.id = id;
  return l;
}

cart_modifier modi(std::int64_t id, int count = 1) {
  cart_modifier c;
  c.ref.id = id;
  c.count = count;
  return c;
}

cart_component component(std::int64_t component_id, std::int64_t dish, milli quantity = 1000) {
  cart_component c;
  c.component_id = component_id;
  c.item.id = dish;
  c.quantity = quantity;
  return c;
}

std::vector<std::string> problems_of(const menu& m, const cart_item& l) {
  cart c;
  c.items = {l};
  std::vector<std::string> out;
  for (const auto& p : check_cart(m, c))
    out.push_back(p.problem);
  return out;
}

} // namespace

TEST_CASE("menu categories are the configured classification's groups, recursively", "[menu]") {
  auto j = menu_json(sources());
  CHECK(j["order_category"] == json({{"code", 1}, {"name", "Основная"}}));
  std::map<std::int64_t, json> cats;
  for (const auto& c : j["categories"])
    cats[c["id"].get<std::int64_t>()] = c;
  REQUIRE(cats.size() == 4); // Супы, Холодные супы, Напитки, Комбо; not the accounting classification
  CHECK(cats[12290]["name"] == "Супы");
  CHECK(cats[12290]["parent_id"].is_null());
  CHECK(cats[12292]["parent_id"] == 12290);
  CHECK(cats[12291]["name"] == "Напитки");
  CHECK_FALSE(cats.count(8193));
  // Dishes by their group in CLASSIFICATORGROUPS-12288, not by other classifications.
  CHECK((*by_id(j["items"], 1000100))["category_id"] == 12290);
  CHECK((*by_id(j["items"], 1000101))["category_id"] == 12292);
  CHECK(by_id(j["items"], 1000105) == nullptr); // accounting only (value 0 in 12288)
  CHECK(by_id(j["items"], 1000106) == nullptr); // rsInactive
  CHECK(by_id(j["items"], 1000120) == nullptr); // component dish outside the classification
}

TEST_CASE("menu for a group inside a classification narrows to that subtree", "[menu]") {
  auto j = menu_json(sources(12290));
  std::set<std::int64_t> ids;
  for (const auto& i : j["items"])
    ids.insert(i["id"].get<std::int64_t>());
  CHECK(ids == std::set<std::int64_t>{1000100, 1000101}); // Солянка is stop-listed
  REQUIRE(j["categories"].size() == 2);
  CHECK(j["categories"][0]["id"] == 12290); // dishes sit in it directly: it is the top category
  CHECK(j["categories"][1]["parent_id"] == 12290);
}

TEST_CASE("menu items: prices, stop list, remains, descriptions, missing attributes", "[menu]") {
  auto j = menu_json(sources());
  const auto& items = j["items"];
  const json* borsch = by_id(items, 1000100);
  REQUIRE(borsch);
  CHECK((*borsch)["name"] == "Борщ");
  CHECK((*borsch)["code"] == 101);
  CHECK((*borsch)["price"] == 350.0);
  CHECK((*borsch)["remains"].is_null());
  CHECK((*borsch)["modifier_scheme_id"] == 1000400);
  CHECK((*borsch)["combo"] == false);
  // Description precedence: genDescription0419, then Comment, then Instruct.
  CHECK((*borsch)["description"] == "Со сметаной и пампушкой");
  CHECK((*by_id(items, 1000101))["description"] == "На квасе");
  CHECK((*by_id(items, 1000102))["description"] == "Клюква, сахар");
  CHECK((*by_id(items, 1000101))["remains"] == 3.0);
  CHECK(by_id(items, 1000104) == nullptr); // prohibited in GetDishRests

  const json* water = by_id(items, 1000103); // only Ident, Name and its group
  REQUIRE(water);
  CHECK((*water)["code"] == 0);
  CHECK((*water)["description"] == "");
  CHECK((*water)["modifier_scheme_id"].is_null());
  CHECK((*water)["price"] == 80.0);
  CHECK((*water)["category_id"] == 12291);
}

TEST_CASE("menu modifier schemes: limits from the Use* switches, prices, open modifiers left out", "[menu]") {
  auto j = menu_json(sources());
  REQUIRE(j["modifier_schemes"].size() == 1); // the combo scheme is not a modifier scheme
  const auto& scheme = j["modifier_schemes"][0];
  CHECK(scheme["id"] == 1000400);
  CHECK(scheme["name"] == "Супы");
  const auto& groups = scheme["groups"];
  REQUIRE(groups.size() == 2); // "Пожелания" holds only an InputName modifier
  // SortNum order: Добавки (0) before Соусы (1).
  CHECK(groups[0]["name"] == "Добавки");
  CHECK(groups[0]["min"] == 0);       // DownLimit 1 but UseDownLimit False
  CHECK(groups[0]["max"].is_null());  // UpLimit 0, UseUpLimit False: no upper limit
  CHECK(groups[1]["name"] == "Соусы");
  CHECK(groups[1]["min"] == 1);
  CHECK(groups[1]["max"] == 2);
  const auto& sauces = groups[1]["modifiers"];
  REQUIRE(sauces.size() == 2);
  CHECK(sauces[0]["name"] == "Кетчуп");
  CHECK(sauces[0]["price"] == 20.0);  // not in GetOrderMenu: PRICETYPES-<order category's PriceType>
  CHECK(sauces[1]["price"] == 30.0);  // GetOrderMenu wins
  CHECK(groups[0]["modifiers"][0]["price"] == 0.0); // unset price (int64 max) is no price
}

TEST_CASE("menu combos from ComboScheme -> MODISCHEMEDETAILS -> mgtCombo groups -> MODIFIERS Dish", "[menu]") {
  auto j = menu_json(sources());
  const json* lunch = by_id(j["items"], 1000110);
  REQUIRE(lunch);
  CHECK((*lunch)["combo"] == true);
  CHECK((*lunch)["price"] == 690.0);
  REQUIRE(j["combos"].size() == 1);
  const auto& combo = j["combos"][0];
  CHECK(combo["item_id"] == 1000110);
  REQUIRE(combo["components"].size() == 2);
  const auto& soup = combo["components"][0];
  CHECK(soup == json({{"id", 1000310},
                      {"name", "Суп в комбо"},
                      {"min", 1},
                      {"max", 1},
                      {"default_item_id", 1000120},
                      {"items", {1000120, 1000100}}}));
  const auto& drink = combo["components"][1];
  CHECK(drink["name"] == "Напиток в комбо");
  CHECK(drink["min"] == 0); // UseDownLimit False
  CHECK(drink["max"] == 2);
  CHECK(drink["default_item_id"].is_null());
  CHECK(drink["items"] == json({1000102})); // Чай is on the stop list
}

TEST_CASE("cart checks: modifier limits and combo components", "[menu]") {
  auto m = build_menu(sources());

  auto borsch = line(1000100);
  CHECK(problems_of(m, borsch) == std::vector<std::string>{"modifier_rule"}); // sauces: at least 1
  borsch.modifiers = {modi(1000350)};
  CHECK(problems_of(m, borsch).empty());
  borsch.modifiers = {modi(1000350), modi(1000351, 2)};
  CHECK(problems_of(m, borsch) == std::vector<std::string>{"modifier_rule"}); // sauces: at most 2
  borsch.modifiers = {modi(1000350), modi(1000352, 7)};
  CHECK(problems_of(m, borsch).empty()); // no upper limit on Добавки
  borsch.modifiers = {modi(1000350), modi(1000353)};
  CHECK(problems_of(m, borsch) == std::vector<std::string>{"modifier_rule"}); // open modifier: item_comment

  auto lunch = line(1000110);
  CHECK(problems_of(m, lunch) == std::vector<std::string>{"modifier_rule"}); // a combo carries components
  lunch.components = {component(1000310, 1000100), component(1000311, 1000102, 2000)};
  CHECK(problems_of(m, lunch).empty());
  lunch.components = {component(1000311, 1000102)};
  CHECK(problems_of(m, lunch).empty()); // the soup line has a default
  lunch.components = {component(1000310, 1000100), component(1000310, 1000120)};
  CHECK(problems_of(m, lunch) == std::vector<std::string>{"modifier_rule"}); // two soups, max 1
  lunch.components = {component(1000311, 1000121)};
  CHECK(problems_of(m, lunch) == std::vector<std::string>{"modifier_rule"}); // stop-listed component
  lunch.components = {component(1000311, 1000100)};
  CHECK(problems_of(m, lunch) == std::vector<std::string>{"modifier_rule"}); // not in that component
  cart_component by_code;
  by_code.component_id = 1000310;
  by_code.item.code = 120; // Суп дня, outside the classification, named by code
  lunch.components = {by_code};
  CHECK(problems_of(m, lunch).empty());

  auto morse = line(1000102);
  morse.components = {component(1000311, 1000102)};
  CHECK(problems_of(m, morse) == std::vector<std::string>{"modifier_rule"}); // not a combo
}
