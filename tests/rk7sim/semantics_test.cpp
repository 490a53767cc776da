// r_keeper semantics of the simulated cash server, driven directly.
#include "sim_helpers.hpp"

using namespace rk7sim_test;
using rkgate::rk7sim::cash_server;
using rkgate::rk7sim::cash_server_options;
using rkgate::rk7sim::demo_dataset;

namespace {

bool menu_has(const reply& menu, long long dish) {
  for (auto i : menu.root().child("Dishes").children("Item"))
    if (i.attribute("Ident").as_llong() == dish)
      return true;
  return false;
}

reply order_menu(cash_server& s, int category = 1) {
  return run(s, "GetOrderMenu",
             query("GetOrderMenu", "<Station id=\"15004\"/><OrderCategory id=\"" + std::to_string(category) + "\"/>"));
}

long long attr(const reply& r, const char* name) { return r.root().child("Order").attribute(name).as_llong(); }

} // namespace

TEST_CASE("stop list: dish absent from GetOrderMenu, SaveOrder refused with FaultyTag", "[rk7sim]") {
  cash_server s(demo_dataset());
  CHECK(menu_has(order_menu(s), demo::borsch));
  REQUIRE(s.set_stop_list(demo::borsch, true).ok);
  CHECK_FALSE(menu_has(order_menu(s), demo::borsch));

  std::string guid = create_order(s);
  auto r = save(s, guid, "<Dish id=\"1000029\" quantity=\"1000\"/><Dish id=\"1000007\" quantity=\"1000\"/>");
  CHECK(r.status() == "Query Executing Error");
  auto err = r.root().child("Error");
  REQUIRE(err);
  CHECK(err.child("FaultyTag").child("Dish").attribute("id").as_llong() == demo::borsch);
  // All or nothing: the valid cola line was not saved either.
  CHECK_FALSE(get_order(s, guid).root().child("Order").child("Session"));

  REQUIRE(s.set_stop_list(demo::borsch, false).ok);
  CHECK(menu_has(order_menu(s), demo::borsch));
  CHECK(save(s, guid, "<Dish id=\"1000007\" quantity=\"1000\"/>").status() == "Ok");
}

TEST_CASE("stop-list changes bump the MENUITEMS DataVersion", "[rk7sim]") {
  cash_server s(demo_dataset());
  auto version = [&] {
    auto r = run(s, "GetRefList", query("GetRefList"));
    for (auto ref : r.root().child("RK7RefList").children("RK7Reference"))
      if (std::string(ref.attribute("RefName").value()) == "MENUITEMS")
        return ref.attribute("DataVersion").as_int();
    return -1;
  };
  int before = version();
  REQUIRE(s.set_stop_list(demo::cola, true).ok);
  CHECK(version() == before + 1);
}

TEST_CASE("dish rests: quantity in GetOrderMenu, decremented by SaveOrder, enforced", "[rk7sim]") {
  cash_server s(demo_dataset());
  auto quantity_in_menu = [&] {
    for (auto i : order_menu(s).root().child("Dishes").children("Item"))
      if (i.attribute("Ident").as_llong() == demo::ribeye)
        return i.attribute("quantity").as_llong(-1);
    return -2LL; // absent
  };
  CHECK(quantity_in_menu() == 5000);
  std::string guid = create_order(s);
  std::string steak = "<Dish id=\"1000012\" quantity=\"3000\"><Modi id=\"1004005\"/></Dish>";
  REQUIRE(save(s, guid, steak).status() == "Ok");
  CHECK(quantity_in_menu() == 2000);
  auto r = save(s, guid, steak);
  CHECK(r.status() == "Query Executing Error");
  CHECK(r.root().child("Error").child("FaultyTag").child("Dish"));
  CHECK(quantity_in_menu() == 2000);
  auto rests = run(s, "GetDishRests", query("GetDishRests"));
  CHECK(rests.root().child("DishRest").attribute("quantity").as_llong() == 2000);
  REQUIRE(save(s, guid, "<Dish id=\"1000012\" quantity=\"2000\"><Modi id=\"1004004\"/></Dish>").status() == "Ok");
  CHECK(quantity_in_menu() == -2); // sold out: absent from the menu
}

TEST_CASE("modifier scheme limits are enforced", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  // The steak needs exactly one doneness modifier.
  CHECK(save(s, guid, "<Dish id=\"1000012\" quantity=\"1000\"/>").error_n() == 3804);
  // Borsch has no sauces in its scheme.
  CHECK(save(s, guid, "<Dish id=\"1000007\" quantity=\"1000\"><Modi id=\"1004001\"/></Dish>").error_n() == 3804);
}

TEST_CASE("prices follow the order category's price type", "[rk7sim]") {
  cash_server s(demo_dataset());
  auto price = [&](int category, long long dish) {
    for (auto i : order_menu(s, category).root().child("Dishes").children("Item"))
      if (i.attribute("Ident").as_llong() == dish)
        return i.attribute("Price").as_llong();
    return -1LL;
  };
  CHECK(price(1, demo::margherita) == 49000);
  CHECK(price(2, demo::margherita) == 53900);
  CHECK(price(1, demo::beer) == 30000);
  CHECK(price(2, demo::beer) == -1); // no delivery price: not on the delivery menu

  std::string hall = create_order(s, 1), delivery = create_order(s, 2);
  REQUIRE(save(s, hall, "<Dish id=\"1000021\" quantity=\"1000\"/>").status() == "Ok");
  REQUIRE(save(s, delivery, "<Dish id=\"1000021\" quantity=\"1000\"/>").status() == "Ok");
  CHECK(get_order(s, hall).root().child("Order").child("Session").child("Dish").attribute("price").as_llong() == 49000);
  auto d = get_order(s, delivery);
  CHECK(d.root().child("Order").child("Session").child("Dish").attribute("price").as_llong() == 53900);
  // An explicit price wins over the price list.
  REQUIRE(save(s, hall, "<Dish id=\"1000029\" quantity=\"1000\" price=\"100\"/>").status() == "Ok");
  CHECK(attr(get_order(s, hall), "orderSum") == 49100);
}

TEST_CASE("discounts: percent, amount, markup and automatic by category", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string hall = create_order(s, 1);
  REQUIRE(save(s, hall, "<Dish id=\"1000021\" quantity=\"2000\"/>").status() == "Ok"); // 98000
  REQUIRE(save(s, hall, "<Discount id=\"1001\"/>").status() == "Ok");                   // -9800
  auto o = get_order(s, hall);
  CHECK(attr(o, "discountSum") == -9800);
  CHECK(attr(o, "orderSum") == 88200);
  REQUIRE(save(s, hall, "<Discount id=\"1002\" amount=\"1200\"/>").status() == "Ok");
  CHECK(attr(get_order(s, hall), "orderSum") == 87000);
  REQUIRE(save(s, hall, "<Discount id=\"1003\"/>").status() == "Ok"); // +5% of 98000
  CHECK(attr(get_order(s, hall), "discountSum") == -9800 - 1200 + 4900);
  // An amount discount needs its amount.
  CHECK(save(s, hall, "<Discount id=\"1002\"/>").status() == "Query Executing Error");
  // A manual-amount markup adds what it is given, and needs it too.
  REQUIRE(save(s, hall, "<Discount id=\"1005\" amount=\"4050\"/>").status() == "Ok");
  CHECK(attr(get_order(s, hall), "discountSum") == -9800 - 1200 + 4900 + 4050);
  CHECK(attr(get_order(s, hall), "orderSum") == 98000 - 9800 - 1200 + 4900 + 4050);
  CHECK(save(s, hall, "<Discount id=\"1005\"/>").status() == "Query Executing Error");

  std::string delivery = create_order(s, 2);
  REQUIRE(save(s, delivery, "<Dish id=\"1000021\" quantity=\"1000\"/>").status() == "Ok"); // 53900
  auto d = get_order(s, delivery);
  CHECK(attr(d, "discountSum") == -2695); // automatic 5% bound to the delivery category
  bool automatic = false;
  for (auto disc : d.root().child("Order").child("Session").children("Discount"))
    automatic |= std::string(disc.attribute("charge_source").value()) == "automatic";
  CHECK(automatic);
}

TEST_CASE("open modifier text, combo defaults, prepayment with reason", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  REQUIRE(save(s, guid,
               "<Dish id=\"1000021\" quantity=\"1000\"><Modi id=\"1004009\" openName=\"Нарезать на 8\"/></Dish>"
               "<Combo id=\"1000100\" quantity=\"1000\"/>")
              .status() == "Ok");
  auto o = get_order(s, guid).root().child("Order");
  CHECK(std::string(o.child("Session").child("Dish").child("Modi").attribute("openName").value()) == "Нарезать на 8");
  int components = 0;
  for (auto c : o.child("Session").child("Combo").children("Component")) {
    (void)c;
    ++components;
  }
  CHECK(components == 3); // each group took its default dish
  CHECK(save(s, guid, "<Combo id=\"1000100\" quantity=\"1000\"><Component id=\"1000021\"/></Combo>").error_n() == 3805);
  CHECK(save(s, guid, "<Prepay id=\"1\" amount=\"1000\"/>").status() == "Query Executing Error"); // no Reason
  REQUIRE(save(s, guid, "<Prepay id=\"1\" amount=\"1000\"><Reason id=\"1\"/></Prepay>").status() == "Ok");
  CHECK(attr(get_order(s, guid), "prepaySum") == 1000);
}

TEST_CASE("CalcOrder and ValidateOrder price without saving", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  long long version = attr(get_order(s, guid), "version");
  auto calc = run(s, "CalcOrder",
                  query("CalcOrder", "<Order guid=\"" + guid + "\"/><Session><Dish id=\"1000021\" quantity=\"1000\"/></Session>"));
  CHECK(attr(calc, "orderSum") == 49000);
  auto o = get_order(s, guid);
  CHECK(attr(o, "orderSum") == 0);
  CHECK(attr(o, "version") == version);
  REQUIRE(s.set_stop_list(demo::margherita, true).ok);
  auto v = run(s, "ValidateOrder",
               query("ValidateOrder", "<Order guid=\"" + guid + "\"/><Session><Dish id=\"1000021\" quantity=\"1000\"/></Session>"));
  CHECK(v.root().child("Error").attribute("RK7ErrorN").as_int() == 3801);
}

TEST_CASE("orders: visit ids, orderIdent 256, client guid, version and crc32 on every change", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s, 1, "{a1b2c3d4-0000-4000-8000-00000000abcd}");
  CHECK(guid == "{A1B2C3D4-0000-4000-8000-00000000ABCD}");
  auto o = get_order(s, guid);
  CHECK(attr(o, "orderIdent") == 256);
  CHECK(attr(o, "visit") > 1000000);
  long long v1 = attr(o, "version"), crc1 = attr(o, "crc32");
  REQUIRE(save(s, guid, "<Dish id=\"1000029\" quantity=\"1000\"/>").status() == "Ok");
  auto o2 = get_order(s, guid);
  CHECK(attr(o2, "version") == v1 + 1);
  CHECK(attr(o2, "crc32") != crc1);
  // The same client guid cannot be created twice.
  auto dup = run(s, "CreateOrder", query("CreateOrder", "<Order guid=\"" + guid + "\"><Table code=\"101\"/></Order>"));
  CHECK(dup.status() == "Query Executing Error");
  // Missing Table is a parameter error (the request is deliberately schema-invalid).
  CHECK(parse(s.handle(query("CreateOrder", "<Order/>"))).status() == "Bad Query Parameters");
}

TEST_CASE("GetOrderList: No changes until something changes", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  auto first = run(s, "GetOrderList", query("GetOrderList"));
  std::string lv = first.root().attribute("lastversion").value();
  CHECK(first.root().child("Visit").child("Orders").child("Order").attribute("guid").value() == guid);
  CHECK(run(s, "GetOrderList", query("GetOrderList", "", "lastversion=\"" + lv + "\"")).status() == "No changes");
  REQUIRE(s.print_bill(guid).ok == false); // empty order: nothing to bill, nothing changes
  CHECK(run(s, "GetOrderList", query("GetOrderList", "", "lastversion=\"" + lv + "\"")).status() == "No changes");
  REQUIRE(s.add_dish(guid, demo::cola, 1000).ok);
  auto changed = run(s, "GetOrderList", query("GetOrderList", "", "lastversion=\"" + lv + "\""));
  CHECK(changed.status() == "Ok");
  CHECK(changed.root().attribute("lastversion").as_llong() > std::stoll(lv));
}

TEST_CASE("PrintBill sets the bill flag; PayOrder wants the exact sum (3373) and closes", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  REQUIRE(save(s, guid, "<Dish id=\"1000029\" quantity=\"2000\"/>").status() == "Ok"); // 28000
  auto bill = run(s, "PrintBill", query("PrintBill", "<Order guid=\"" + guid + "\"/><Station id=\"15004\"/><Cashier id=\"1001\"/>"));
  REQUIRE(bill.status() == "Ok");
  auto list = run(s, "GetOrderList", query("GetOrderList"));
  CHECK(list.root().child("Visit").child("Orders").child("Order").attribute("Bill").as_bool());
  auto pay = [&](long long amount) {
    return run(s, "PayOrder", query("PayOrder", "<Order guid=\"" + guid + "\"/><Station id=\"15004\"/><Cashier id=\"1001\"/>"
                                                "<Payment id=\"1\" amount=\"" + std::to_string(amount) + "\"/>"));
  };
  auto short_pay = pay(27999);
  CHECK(short_pay.status() == "Query Executing Error");
  CHECK(short_pay.error_n() == 3373);
  CHECK(pay(28001).error_n() == 3373);
  CHECK_FALSE(attr(get_order(s, guid), "paid"));
  REQUIRE(pay(28000).status() == "Ok");
  auto o = get_order(s, guid);
  CHECK(attr(o, "paid") == 1);
  CHECK(attr(o, "finished") == 1);
  CHECK(attr(o, "unpaidSum") == 0);
  CHECK(save(s, guid, "<Dish id=\"1000029\" quantity=\"1000\"/>").status() == "Query Executing Error");
}

TEST_CASE("VoidOrder deletes the order", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  REQUIRE(run(s, "VoidOrder", query("VoidOrder", "<Order guid=\"" + guid + "\"/><Station id=\"15004\"/><Manager id=\"1002\"/>"
                                                 "<DeleteReason id=\"1\"/>"))
              .status() == "Ok");
  CHECK(get_order(s, guid).status() == "Query Executing Error");
  CHECK_FALSE(run(s, "GetOrderList", query("GetOrderList")).root().child("Visit"));
  CHECK(s.open_orders().empty());
}

TEST_CASE("XML-SaaS: LicenseInfo, seqNumber rule (5305/5310), resync", "[rk7sim]") {
  cash_server_options opt;
  opt.saas = true;
  cash_server s(demo_dataset(), opt);
  std::string guid = create_order(s);
  const std::string instance = "{5C0A7E7B-1F2D-4E3A-9B8C-7D6E5F4A3B2C}";
  auto license = [&](long long seq, const std::string& anchor_code = "199990001") {
    return "<LicenseInfo anchor=\"6:655cee55-7bcd-4826-b6e0-a8ccf2017ef3#" + anchor_code +
           "/17\" licenseToken=\"token-1\"><LicenseInstance guid=\"" + instance + "\" seqNumber=\"" +
           std::to_string(seq) + "\"/></LicenseInfo>";
  };
  std::string cola = "<Dish id=\"1000029\" quantity=\"1000\"/>";
  CHECK(save(s, guid, cola).error_text() == "Bad license anchor");
  CHECK(save(s, guid, cola, license(0, "123456789")).error_text() == "Bad license anchor");
  REQUIRE(save(s, guid, cola, license(0)).status() == "Ok");
  auto again = save(s, guid, cola, license(0)); // identical retry: the cached answer
  CHECK(again.status() == "Ok");
  CHECK(attr(get_order(s, guid), "totalPieces") == 1000);
  CHECK(save(s, guid, "<Dish id=\"1000029\" quantity=\"2000\"/>", license(0)).error_n() == 5310);
  auto far = save(s, guid, cola, license(7));
  CHECK(far.error_n() == 5305);
  CHECK(far.error_text().find("[1, 2]") != std::string::npos);
  auto seq = run(s, "GetXMLLicenseInstanceSeqNumber",
                 query("GetXMLLicenseInstanceSeqNumber", "<LicenseInfo anchor=\"6:655cee55-7bcd-4826-b6e0-a8ccf2017ef3#199990001/17\" "
                                                         "licenseToken=\"token-1\"><LicenseInstance guid=\"" + instance + "\"/></LicenseInfo>"));
  long long last = seq.root().child("LicenseInfo").child("LicenseInstance").attribute("seqNumber").as_llong();
  CHECK(last == 0);
  CHECK(save(s, guid, cola, license(last + 1)).status() == "Ok");
  CHECK(attr(get_order(s, guid), "totalPieces") == 2000);
}

TEST_CASE("envelope: empty body, unknown command, batches, windows-1251", "[rk7sim]") {
  cash_server s(demo_dataset());
  auto empty = parse(s.handle(""));
  CHECK(empty.status() == "Query Parse Error");
  CHECK(empty.error_text() == "Empty input XML");
  CHECK(parse(s.handle("<RK7Query><RK7CMD CMD=\"getsysteminfo\"/></RK7Query>")).status() == "Bad Query Parameters");
  CHECK(parse(s.handle("<RK7Query><RK7CMD")).status() == "Query Parse Error");

  auto batch = parse(s.handle("<RK7Query><RK7Command2 CMD=\"GetSystemInfo\"/><RK7Command2 CMD=\"Nope\"/></RK7Query>"));
  auto first = batch.root().child("CommandResult");
  CHECK(std::string(first.attribute("Status").value()) == "Ok");
  CHECK(first.child("SourceCommand").child("RK7Command2"));
  CHECK(first.child("SystemInfo"));
  CHECK(std::string(first.next_sibling("CommandResult").attribute("Status").value()) == "Bad Query Parameters");
  CHECK(batch.root().attribute("Processed").as_int() == 2);
  auto plain = parse(s.handle("<RK7Query><RK7Command CMD=\"GetSystemInfo\"/></RK7Query>"));
  CHECK_FALSE(plain.root().child("CommandResult").child("SourceCommand"));

  // "Стол" in windows-1251 inside a comment the server must decode.
  std::string cp1251 = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><RK7Query><RK7CMD CMD=\"CreateOrder\">"
                       "<Order persistentComment=\"\xD1\xF2\xEE\xEB\"><Table code=\"100\"/></Order></RK7CMD></RK7Query>";
  auto created = parse(s.handle(cp1251));
  REQUIRE(created.status() == "Ok");
  CHECK(std::string(created.root().child("Order").attribute("persistentComment").value()) == "Стол");
}

TEST_CASE("GetRefData: PropMask, RefItemIdent, WithChildItems, prices and classification", "[rk7sim]") {
  cash_server s(demo_dataset());
  auto r = run(s, "GetRefData", query("GetRefData", "", "RefName=\"MenuItems\" OnlyActive=\"1\" PropMask=\"items.(Ident,Name,PRICETYPES^2)\""));
  auto item = r.root().child("RK7Reference").child("Items").child("Item");
  CHECK(item.attribute("Ident"));
  CHECK(item.attribute("PRICETYPES-2"));
  CHECK_FALSE(item.attribute("PRICETYPES-1"));
  CHECK_FALSE(item.attribute("Code"));
  CHECK(r.root().child("RK7Reference").attribute("DataVersion").as_int() >= 1);

  auto one = run(s, "GetRefData", query("GetRefData", "", "RefName=\"MenuItems\" RefItemIdent=\"1000021\" PropMask=\"*\""));
  auto pizza = one.root().child("RK7Reference").child("Items").child("Item");
  CHECK(std::string(pizza.attribute("Name").value()) == "Пицца Маргарита");
  CHECK(pizza.attribute("PRICETYPES-1").as_llong() == 49000);
  CHECK(pizza.attribute("CLASSIFICATORGROUPS-2000").as_llong() == 2001);
  CHECK(pizza.attribute("ModiScheme").as_llong() == 1006001);
  CHECK(std::string(pizza.attribute("Status").value()) == "rsActive");
  CHECK_FALSE(one.root().child("RK7Reference").attribute("DataVersion"));

  auto groups = run(s, "GetRefData", query("GetRefData", "", "RefName=\"ModiGroups\""));
  CHECK(groups.root().child("RK7Reference").child("Items").child("Item").child("Childs").child("Child").attribute("ChildIdent"));
  auto details = run(s, "GetRefData", query("GetRefData", "", "RefName=\"ModiSchemeDetails\""));
  auto det = details.root().child("RK7Reference").child("Items").child("Item");
  CHECK(det.attribute("ModiScheme"));
  CHECK(det.attribute("UpLimit"));
  CHECK(det.attribute("DownLimit"));
  // The switches real servers send beside the limits (docs/rk7-interop.md).
  CHECK(std::string(det.attribute("UseUpLimit").value()) == "True");
  CHECK(det.attribute("UseDownLimit"));
  CHECK(det.attribute("FreeCount"));
  CHECK(det.attribute("DefaultModifier"));
  CHECK(std::string(groups.root().child("RK7Reference").child("Items").child("Item").attribute("ModiGroupType").value())
        == "mgtModifier");

  // gen* (generated) properties only with WithMacroProp="1", as on real servers.
  CHECK_FALSE(pizza.attribute("genDescription0419"));
  auto macro = run(s, "GetRefData",
                   query("GetRefData", "", "RefName=\"MenuItems\" RefItemIdent=\"1000021\" WithMacroProp=\"1\""));
  auto pizza_gen = macro.root().child("RK7Reference").child("Items").child("Item");
  CHECK(std::string(pizza_gen.attribute("genDescription0419").value()) == pizza.attribute("Comment").value());

  // Free-text modifiers are flagged with the real property InputName.
  auto modis = run(s, "GetRefData", query("GetRefData", "", "RefName=\"Modifiers\""));
  int open_modis = 0;
  for (auto m : modis.root().child("RK7Reference").child("Items").children("Item")) {
    CHECK_FALSE(m.attribute("OpenModifier"));
    open_modis += std::string(m.attribute("InputName").value()) == "True";
  }
  CHECK(open_modis >= 1);

  auto ext = run(s, "GetRefData", query("GetRefData", "", "RefName=\"ClassificatorGroups\" RefItemIdent=\"2001\" WithChildItems=\"3\""));
  int dishes = 0;
  for (auto c : ext.root().child("RK7Reference").child("Items").child("Item").child("RIChildItems").children()) {
    (void)c;
    ++dishes;
  }
  CHECK(dishes == 41); // 40 dishes and the combo in "external sales"
}
