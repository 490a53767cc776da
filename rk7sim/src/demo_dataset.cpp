// The built-in demo restaurant and the large-menu generator.
#include "rk7sim/dataset.hpp"

#include <cstdio>

namespace rkgate::rk7sim {
namespace {

constexpr ident hall_prices = 1;     // PRICETYPES: hall price list
constexpr ident delivery_prices = 2; // PRICETYPES: delivery price list

template <class T>
T make(const char* ref, ident id, std::int64_t code, std::string name) {
  T item;
  item.id = id;
  item.code = code;
  item.name = std::move(name);
  item.guid = stable_guid(std::string(ref) + ":" + std::to_string(id));
  return item;
}

struct dish_row {
  const char* name;
  ident category;
  kopecks price;
  ident scheme;
  const char* comment;
};

} // namespace

dataset demo_dataset(int index) {
  dataset d;
  d.restaurant.rest_code = 199990000 + index;
  d.restaurant.name = "Демо-ресторан " + std::to_string(index);
  d.restaurant.net_name = "SIMRK7-" + std::to_string(index);

  d.price_types = {make<price_type>("PRICETYPES", hall_prices, 1, "Основной"),
                   make<price_type>("PRICETYPES", delivery_prices, 2, "Доставка")};

  // Categories (CATEGLIST): a root with children.
  const char* categ_names[] = {"Салаты", "Супы", "Горячее", "Пицца", "Напитки", "Десерты", "Бар", "Комбо"};
  d.categories.push_back(make<category>("CATEGLIST", 100, 1, "Меню"));
  for (int i = 0; i < 8; ++i) {
    auto c = make<category>("CATEGLIST", 101 + i, 2 + i, categ_names[i]);
    c.parent = 100;
    d.categories.push_back(c);
  }

  // Classification: "external sales" and the hall-only bar.
  d.classificator_groups.push_back(make<classificator_group>("CLASSIFICATORGROUPS", 2000, 1, "Классификация меню"));
  auto ext = make<classificator_group>("CLASSIFICATORGROUPS", 2001, 2, "Внешние продажи");
  ext.parent = 2000;
  auto bar = make<classificator_group>("CLASSIFICATORGROUPS", 2002, 3, "Только зал");
  bar.parent = 2000;
  d.classificator_groups.push_back(ext);
  d.classificator_groups.push_back(bar);
  d.external_sales_group = 2001;

  // Modifiers, groups, schemes.
  auto add_modi = [&](ident id, const char* name, kopecks price, bool open = false) {
    auto m = make<modifier>("MODIFIERS", id, id - 1004000, name);
    m.prices[hall_prices] = price;
    m.prices[delivery_prices] = price;
    m.open = open;
    d.modifiers.push_back(m);
  };
  add_modi(1004001, "Соус кетчуп", 5000);
  add_modi(1004002, "Соус сырный", 5000);
  add_modi(1004003, "Соус барбекю", 6000);
  add_modi(1004004, "Прожарка rare", 0);
  add_modi(1004005, "Прожарка medium", 0);
  add_modi(1004006, "Прожарка well done", 0);
  add_modi(1004007, "Без лука", 0);
  add_modi(1004008, "Двойной сыр", 9000);
  add_modi(1004009, "Комментарий к блюду", 0, true);
  auto group = [&](ident id, const char* name, std::vector<ident> modis) {
    auto g = make<modi_group>("MODIGROUPS", id, id - 1005000, name);
    g.modifiers = std::move(modis);
    d.modi_groups.push_back(g);
  };
  group(1005001, "Соусы", {1004001, 1004002, 1004003});
  group(1005002, "Прожарка", {1004004, 1004005, 1004006});
  group(1005003, "Пожелания", {1004007, 1004008});
  group(1005004, "Комментарий", {1004009});
  d.modi_schemes = {make<modi_scheme>("MODISCHEMES", 1006001, 1, "Пицца"),
                    make<modi_scheme>("MODISCHEMES", 1006002, 2, "Стейк"),
                    make<modi_scheme>("MODISCHEMES", 1006003, 3, "Общая")};
  auto detail = [&](ident id, ident scheme, ident grp, int down, int up, int free = 0) {
    auto x = make<modi_scheme_detail>("MODISCHEMEDETAILS", id, id - 1007000, "");
    x.scheme = scheme;
    x.group = grp;
    x.down_limit = down;
    x.up_limit = up;
    x.free_count = free;
    d.modi_scheme_details.push_back(x);
  };
  detail(1007001, 1006001, 1005001, 0, 2, 1);
  detail(1007002, 1006001, 1005003, 0, 0);
  d.modi_scheme_details.back().use_up_limit = false; // wishes: no upper limit
  detail(1007003, 1006001, 1005004, 0, 1);
  detail(1007004, 1006002, 1005002, 1, 1);
  detail(1007005, 1006002, 1005001, 0, 1);
  detail(1007006, 1006002, 1005004, 0, 1);
  detail(1007007, 1006003, 1005004, 0, 1);
  for (auto& x : d.modi_scheme_details)
    x.name = "Строка схемы " + std::to_string(x.code);

  // Dishes: category ident, hall price (kopecks), modifier scheme.
  const dish_row rows[] = {
      {"Цезарь с курицей", 101, 42000, 1006003, "Романо, курица гриль, пармезан, соус цезарь"},
      {"Цезарь с креветками", 101, 52000, 1006003, "Романо, тигровые креветки, пармезан"},
      {"Греческий салат", 101, 36000, 1006003, "Томаты, огурцы, фета, оливки"},
      {"Оливье", 101, 29000, 1006003, "Классический, с говядиной"},
      {"Салат с тунцом", 101, 45000, 1006003, "Тунец, яйцо, микс салатов"},
      {"Винегрет", 101, 21000, 1006003, "Свёкла, картофель, квашеная капуста"},
      {"Борщ", 102, 35000, 1006003, "Со сметаной и чесночными гренками"},
      {"Том ям", 102, 59000, 1006003, "Креветки, кокосовое молоко, рис"},
      {"Солянка", 102, 39000, 1006003, "Мясная сборная"},
      {"Куриный суп с лапшой", 102, 27000, 1006003, "Домашняя лапша"},
      {"Крем-суп грибной", 102, 33000, 1006003, "Шампиньоны, сливки"},
      {"Стейк рибай", 103, 189000, 1006002, "Мраморная говядина, 300 г"},
      {"Стейк из лосося", 103, 99000, 1006002, "С овощами гриль"},
      {"Бефстроганов", 103, 54000, 1006003, "С картофельным пюре"},
      {"Котлета по-киевски", 103, 49000, 1006003, "С картофелем"},
      {"Паста карбонара", 103, 47000, 1006003, "Бекон, сливки, пармезан"},
      {"Паста болоньезе", 103, 45000, 1006003, "Говяжий фарш, томаты"},
      {"Плов", 103, 42000, 1006003, "Баранина, рис, морковь"},
      {"Бургер классический", 103, 49000, 1006001, "Говядина, чеддер, соус"},
      {"Бургер с курицей", 103, 44000, 1006001, "Куриное филе, салат"},
      {"Пицца Маргарита", 104, 49000, 1006001, "Томаты, моцарелла, базилик"},
      {"Пицца Пепперони", 104, 59000, 1006001, "Пепперони, моцарелла"},
      {"Пицца Четыре сыра", 104, 64000, 1006001, "Моцарелла, горгонзола, пармезан, чеддер"},
      {"Пицца Гавайская", 104, 57000, 1006001, "Курица, ананас"},
      {"Пицца Мясная", 104, 69000, 1006001, "Бекон, ветчина, колбаски"},
      {"Пицца Вегетарианская", 104, 52000, 1006001, "Перец, грибы, томаты"},
      {"Морс клюквенный", 105, 15000, 0, "0,5 л"},
      {"Лимонад домашний", 105, 19000, 0, "0,5 л"},
      {"Кола", 105, 14000, 0, "0,33 л"},
      {"Сок апельсиновый", 105, 18000, 0, "0,3 л"},
      {"Вода минеральная", 105, 12000, 0, "0,5 л"},
      {"Чай чёрный", 105, 16000, 0, "Чайник 0,6 л"},
      {"Чай зелёный", 105, 16000, 0, "Чайник 0,6 л"},
      {"Кофе американо", 105, 17000, 0, "200 мл"},
      {"Капучино", 105, 21000, 0, "300 мл"},
      {"Чизкейк", 106, 32000, 1006003, "Нью-Йорк"},
      {"Тирамису", 106, 34000, 1006003, "Маскарпоне, савоярди"},
      {"Медовик", 106, 28000, 1006003, "Домашний"},
      {"Мороженое пломбир", 106, 19000, 1006003, "Три шарика"},
      {"Блины со сметаной", 106, 22000, 1006003, "Три блина"},
  };
  ident next_dish = 1000001;
  for (const auto& r : rows) {
    auto m = make<menu_item>("MENUITEMS", next_dish, next_dish - 1000000, r.name);
    m.category = r.category;
    m.groups = {2001};
    m.prices[hall_prices] = r.price;
    m.prices[delivery_prices] = r.price + r.price / 10; // delivery is 10% dearer
    m.modi_scheme = r.scheme;
    m.comment = r.comment;
    m.recipe = r.comment;
    m.cook_mins = r.category == 105 ? 2 : 15;
    d.menu_items.push_back(m);
    ++next_dish;
  }
  // Bar: hall only, outside "external sales", no delivery price.
  const char* bar_rows[] = {"Пиво светлое 0,5", "Вино красное 150 мл", "Вино белое 150 мл", "Виски 50 мл", "Коктейль Мохито"};
  kopecks bar_price = 30000;
  for (const char* name : bar_rows) {
    auto m = make<menu_item>("MENUITEMS", next_dish, next_dish - 1000000, name);
    m.category = 107;
    m.groups = {2002};
    m.prices[hall_prices] = bar_price;
    m.comment = "Только в зале";
    d.menu_items.push_back(m);
    bar_price += 5000;
    ++next_dish;
  }
  // A combo: soup + main + drink, described as real servers do (D-combo):
  // ComboScheme -> MODISCHEMES (mstCombo) -> MODISCHEMEDETAILS -> MODIGROUPS
  // (mgtCombo) -> MODIFIERS whose Dish is the component dish.
  auto element = [&](ident id, ident dish, kopecks surcharge) {
    const menu_item* m = nullptr;
    for (const auto& x : d.menu_items)
      if (x.id == dish)
        m = &x;
    auto e = make<modifier>("MODIFIERS", id, id - 1004000, m ? m->name : "?");
    e.dish = dish;
    e.prices[hall_prices] = surcharge;
    e.prices[delivery_prices] = surcharge;
    d.modifiers.push_back(e);
  };
  element(1004101, 1000007, 0);    // Борщ
  element(1004102, 1000010, 0);    // Куриный суп с лапшой
  element(1004103, 1000014, 0);    // Бефстроганов
  element(1004104, 1000016, 5000); // Паста карбонара, +50 ₽
  element(1004105, 1000027, 0);    // Морс клюквенный
  element(1004106, 1000029, 0);    // Кола
  group(1005101, "Суп", {1004101, 1004102});
  group(1005102, "Горячее", {1004103, 1004104});
  group(1005103, "Напиток", {1004105, 1004106});
  for (auto& g : d.modi_groups)
    g.combo = g.id > 1005100;
  auto lunch = make<modi_scheme>("MODISCHEMES", 1006101, 101, "Комбо обед");
  lunch.combo = true;
  d.modi_schemes.push_back(lunch);
  detail(1007101, 1006101, 1005101, 1, 1);
  detail(1007102, 1006101, 1005102, 1, 1);
  detail(1007103, 1006101, 1005103, 1, 1);
  d.modi_scheme_details[d.modi_scheme_details.size() - 3].default_modifier = 1004101;
  d.modi_scheme_details[d.modi_scheme_details.size() - 2].default_modifier = 1004103;
  d.modi_scheme_details[d.modi_scheme_details.size() - 1].default_modifier = 1004105;
  for (auto& x : d.modi_scheme_details)
    if (x.name.empty())
      x.name = "Строка комбо " + std::to_string(x.code);

  auto combo = make<menu_item>("MENUITEMS", 1000100, 100, "Комбо обед");
  combo.category = 108;
  combo.groups = {2001};
  combo.prices[hall_prices] = 69000;
  combo.prices[delivery_prices] = 75000;
  combo.combo_scheme = 1006101;
  combo.comment = "Суп, горячее и напиток";
  d.menu_items.push_back(combo);

  // Order categories (different price types) and order types.
  auto hall = make<order_category>("UNCHANGEABLEORDERTYPES", 1, 1, "Основная");
  hall.price_type = hall_prices;
  auto delivery = make<order_category>("UNCHANGEABLEORDERTYPES", 2, 2, "Доставка");
  delivery.price_type = delivery_prices;
  d.order_categories = {hall, delivery};
  d.order_types = {make<order_type>("CHANGEABLEORDERTYPES", 1, 1, "Зал"),
                   make<order_type>("CHANGEABLEORDERTYPES", 2, 2, "Доставка курьером"),
                   make<order_type>("CHANGEABLEORDERTYPES", 3, 3, "Самовывоз")};

  // Discounts: dictionary percent, manual amount, markup, automatic for
  // delivery, manual-amount markup.
  auto pct = make<discount>("DISCOUNTS", 1001, 1, "Скидка 10%");
  pct.percent = 10;
  auto amount = make<discount>("DISCOUNTS", 1002, 2, "Скидка суммой");
  amount.kind = discount_kind::amount;
  auto markup = make<discount>("DISCOUNTS", 1003, 3, "Наценка за обслуживание 5%");
  markup.kind = discount_kind::markup;
  markup.percent = 5;
  auto automatic = make<discount>("DISCOUNTS", 1004, 4, "Скидка на доставку 5%");
  automatic.percent = 5;
  automatic.auto_order_category = 2;
  auto markup_amount = make<discount>("DISCOUNTS", 1005, 5, "Наценка суммой");
  markup_amount.kind = discount_kind::markup_amount;
  d.discounts = {pct, amount, markup, automatic, markup_amount};

  auto cur = [&](ident id, const char* name, const char* type) {
    auto c = make<currency>("CURRENCIES", id, id, name);
    c.type = type;
    d.currencies.push_back(c);
  };
  cur(1, "Наличные", "cash");
  cur(2, "Банковская карта", "card");
  cur(3, "Оплата онлайн", "online");

  for (int t = 100; t <= 110; ++t) {
    auto tb = make<table>("TABLES", 10000 + t, t, "Стол " + std::to_string(t));
    tb.hall = "Основной зал";
    d.tables.push_back(tb);
  }
  auto del_table = make<table>("TABLES", 10900, 900, "Доставка");
  del_table.hall = "Доставка";
  d.tables.push_back(del_table);

  auto st = make<station>("CASHES", 15004, 4, "Касса 1");
  st.net_name = "SIMCASH" + std::to_string(index);
  d.stations = {st};
  auto waiter = make<employee>("EMPLOYEES", 1001, 1, "Иванова Анна");
  waiter.role = "Официант";
  auto manager = make<employee>("EMPLOYEES", 1002, 2, "Петров Сергей");
  manager.role = "Менеджер";
  d.employees = {waiter, manager};

  auto v1 = make<order_void>("ORDERVOIDS", 1, 1, "Отказ гостя");
  v1.on_check_void = v1.on_dish_return = v1.on_bill_cancel = true;
  auto v2 = make<order_void>("ORDERVOIDS", 2, 2, "Закончился продукт");
  v2.on_stop_list = true;
  auto v3 = make<order_void>("ORDERVOIDS", 3, 3, "Отмена предоплаты");
  v3.on_prepay_deletion = true;
  d.order_voids = {v1, v2, v3};
  d.deposit_reasons = {make<deposit_reason>("DEPOSITCOLLECTREASONS", 1, 1, "Предоплата заказа"),
                       make<deposit_reason>("DEPOSITCOLLECTREASONS", 2, 2, "Оплата онлайн")};

  d.rests[1000012] = dish_rest{false, 5000}; // 5 ribeye steaks left

  d.default_order_category = 1;
  d.default_order_type = 1;
  d.default_waiter = 1001;
  d.default_station = 15004;
  d.default_table = 10100;
  return d;
}

dataset generated_dataset(int dishes, int index) {
  dataset d = demo_dataset(index);
  const ident first = 2000001;
  const ident gen_categ = 109;
  auto c = category{};
  c.id = gen_categ;
  c.code = 10;
  c.name = "Генерированные";
  c.guid = stable_guid("CATEGLIST:" + std::to_string(gen_categ));
  c.parent = 100;
  d.categories.push_back(c);
  for (int i = 0; i < dishes; ++i) {
    menu_item m;
    m.id = first + i;
    m.code = 10000 + i;
    char name[64];
    std::snprintf(name, sizeof name, "Блюдо %05d", i + 1);
    m.name = name;
    m.guid = stable_guid("MENUITEMS:" + std::to_string(m.id));
    m.category = gen_categ;
    m.groups = {d.external_sales_group};
    kopecks price = 10000 + (i * 137) % 90000;
    price -= price % 100;
    m.prices[hall_prices] = price;
    m.prices[delivery_prices] = price + price / 10;
    m.modi_scheme = (i % 3 == 0) ? 1006003 : 0;
    m.comment = "Сгенерированное блюдо для нагрузочных тестов";
    m.cook_mins = 10;
    d.menu_items.push_back(m);
  }
  return d;
}

} // namespace rkgate::rk7sim
