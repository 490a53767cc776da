// A scripted session of every command against cash_server: each request is
// valid against its qry*.xsd and each reply against its res*.xsd.
#include "sim_helpers.hpp"

using namespace rk7sim_test;
using rkgate::rk7sim::cash_server;
using rkgate::rk7sim::demo_dataset;

TEST_CASE("scripted session of all commands, XSD-valid both ways", "[rk7sim][xsd]") {
  cash_server s(demo_dataset());

  auto info = run(s, "GetSystemInfo", query("GetSystemInfo")); // no schema exists for it
  CHECK(info.status() == "Ok");
  CHECK(info.root().child("SystemInfo").attribute("RestCode").as_llong() == 199990001);

  auto list = run(s, "GetRefList", query("GetRefList"));
  CHECK(list.root().child("RK7RefList").attribute("Count").as_int() == 17);

  for (const char* ref : {"MenuItems", "CategList", "ClassificatorGroups", "Modifiers", "ModiGroups", "ModiSchemes",
                          "ModiSchemeDetails", "UnchangeableOrderTypes", "ChangeableOrderTypes", "Discounts",
                          "Currencies", "Tables", "PriceTypes", "Cashes", "Employees", "OrderVoids",
                          "DepositCollectReasons"}) {
    INFO(ref);
    // resGetRefData.xsd does not exist: only the request is checked.
    auto r = run(s, "GetRefData", query("GetRefData", "", std::string("RefName=\"") + ref + "\" OnlyActive=\"1\""));
    CHECK(r.status() == "Ok");
    CHECK(r.root().child("RK7Reference").child("Items").child("Item"));
  }

  auto menu = run(s, "GetOrderMenu", query("GetOrderMenu", "<Station id=\"15004\"/>", "checkrests=\"1\""));
  CHECK(menu.root().child("Dishes").child("Item"));
  auto rests = run(s, "GetDishRests", query("GetDishRests"));
  CHECK(rests.root().child("DishRest").attribute("id").as_llong() == demo::ribeye);

  std::string guid = "{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}";
  auto created = run(s, "CreateOrder",
                     query("CreateOrder", "<Order persistentComment=\"Заказ сайта 42\" guid=\"" + guid +
                                              "\"><Table code=\"900\"/><Station id=\"15004\"/><Waiter id=\"1001\"/>"
                                              "<OrderCategory id=\"2\"/><OrderType id=\"2\"/>"
                                              "<Guests><Guest guestLabel=\"1\"/></Guests>"
                                              "<ExternalProps><Prop name=\"source\" value=\"site\"/></ExternalProps>"
                                              "</Order>"));
  REQUIRE(created.status() == "Ok");
  CHECK(created.root().attribute("guid").value() == guid);
  CHECK(created.root().attribute("OrderID").as_int() == 256);

  auto saved = save(s, guid,
                    "<Station id=\"15004\"/>"
                    "<Dish id=\"1000021\" quantity=\"2000\"><Modi id=\"1004001\" count=\"1\"/>"
                    "<Modi id=\"1004009\" openName=\"Без лука, пожалуйста\"/></Dish>"
                    "<Combo id=\"1000100\" quantity=\"1000\"><Component id=\"1000010\"/></Combo>"
                    "<Discount id=\"1002\" amount=\"5000\"/>"
                    "<Prepay id=\"3\" amount=\"10000\" promised=\"1\"><Reason id=\"1\"/></Prepay>");
  REQUIRE(saved.status() == "Ok");

  auto calc = run(s, "CalcOrder",
                  query("CalcOrder", "<Guests count=\"1\"/><OrderCategory id=\"1\"/><OrderType id=\"1\"/>"
                                     "<Table code=\"100\"/><Waiter id=\"1001\"/><Session><Dish id=\"1000007\" quantity=\"2000\"/></Session>"));
  CHECK(calc.status() == "Ok");
  auto valid = run(s, "ValidateOrder",
                   query("ValidateOrder", "<Order guid=\"" + guid + "\"/><Session><Dish id=\"1000029\" quantity=\"1000\"/></Session>"));
  CHECK(valid.status() == "Ok");

  auto got = get_order(s, guid);
  CHECK(got.root().child("Order").attribute("persistentComment").value() == std::string("Заказ сайта 42"));
  auto orders = run(s, "GetOrderList", query("GetOrderList"));
  long long lastversion = orders.root().attribute("lastversion").as_llong();
  auto same = run(s, "GetOrderList", query("GetOrderList", "", "lastversion=\"" + std::to_string(lastversion) + "\""));
  CHECK(same.status() == "No changes");

  auto bill = run(s, "PrintBill",
                  query("PrintBill", "<Order guid=\"" + guid + "\"/><Station id=\"15004\"/><Cashier id=\"1001\"/>"));
  CHECK(bill.status() == "Ok");
  long long due = get_order(s, guid).root().child("Order").attribute("orderSum").as_llong() - 10000;
  auto paid = run(s, "PayOrder",
                  query("PayOrder", "<Order guid=\"" + guid + "\"/><Station id=\"15004\"/><Cashier id=\"1001\"/>"
                                    "<Payment id=\"2\" amount=\"" + std::to_string(due) + "\"/>"));
  CHECK(paid.status() == "Ok");
  CHECK(paid.root().child("PrintCheck").attribute("amount").as_llong() == due);

  std::string second = create_order(s);
  auto voided = run(s, "VoidOrder",
                    query("VoidOrder", "<Order guid=\"" + second + "\"/><Station id=\"15004\"/><Manager id=\"1002\"/>"
                                       "<DeleteReason id=\"1\"/>"));
  CHECK(voided.status() == "Ok");

  // No usable schema: the 7.26 files are in BROKEN.txt and 7.6 has none.
  CHECK(rkgate::test::schema_path("qryGetXMLLicenseInstanceSeqNumber.xsd").find("7.26") == std::string::npos);
  auto seq = run(s, "GetXMLLicenseInstanceSeqNumber",
                 query("GetXMLLicenseInstanceSeqNumber",
                       "<LicenseInfo anchor=\"6:655cee55-7bcd-4826-b6e0-a8ccf2017ef3#199990001/17\" licenseToken=\"t\">"
                       "<LicenseInstance guid=\"{9A2B3C4D-5E6F-4A1B-8C2D-3E4F5A6B7C8D}\"/></LicenseInfo>"));
  CHECK(seq.status() == "Ok");
}

TEST_CASE("error replies are XSD-valid too", "[rk7sim][xsd]") {
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  REQUIRE(s.set_stop_list(demo::borsch, true).ok);
  auto r = save(s, guid, "<Dish id=\"1000007\" quantity=\"1000\"/>");
  CHECK(r.status() == "Query Executing Error");
  auto pay = run(s, "PayOrder", query("PayOrder", "<Order guid=\"" + guid + "\"/><Station id=\"15004\"/><Cashier id=\"1001\"/>"
                                                  "<Payment id=\"1\" amount=\"100\"/>"));
  CHECK(pay.error_n() == 3373);
  auto bad = run(s, "GetOrder", query("GetOrder", "<Order guid=\"{00000000-0000-4000-8000-000000000000}\"/>"));
  CHECK(bad.status() == "Query Executing Error");
}
