// GetOrderList's listed orders are written as text, not as a DOM
// (rk7sim/src/xml_text.hpp): values escaped as pugixml would, each list in
// its own place in batch replies, deleted orders and failed commands absent;
// the referenced items' IDs, codes and names as needIdents/needCodes/needNames ask.
#include "sim_helpers.hpp"

using namespace rk7sim_test;
using rkgate::rk7sim::cash_server;
using rkgate::rk7sim::demo_dataset;

namespace {

std::string create_with_comment(cash_server& s, const std::string& escaped_comment) {
  reply r = run(s, "CreateOrder",
                query("CreateOrder", "<Order persistentComment=\"" + escaped_comment +
                                         "\"><Table code=\"101\"/><OrderCategory id=\"1\"/></Order>"));
  REQUIRE(r.status() == "Ok");
  return r.root().attribute("guid").value();
}

std::vector<std::string> listed_guids(pugi::xml_node result) {
  std::vector<std::string> guids;
  for (auto v : result.children("Visit"))
    for (auto o : v.child("Orders").children("Order"))
      guids.push_back(o.attribute("guid").value());
  return guids;
}

} // namespace

TEST_CASE("GetOrderList: orders in creation order, deleted ones absent, values escaped", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string plain = create_order(s);
  std::string voided = create_order(s);
  // & < > " ' and a tab, as XML escapes in the request.
  std::string special = create_with_comment(s, "a&amp;b&lt;c&gt;&quot;d' &#9;e Стол");
  REQUIRE(s.void_order(voided).ok);

  // Reply checked against resGetOrderList.xsd; names asked for (off by default).
  auto list = run(s, "GetOrderList", query("GetOrderList", "", "needNames=\"1\""));
  REQUIRE(list.status() == "Ok");
  CHECK(listed_guids(list.root()) == std::vector<std::string>{plain, special});
  auto last_visit = list.root().last_child();
  CHECK(std::string(last_visit.attribute("PersistentComment").value()) == "a&b<c>\"d' \te Стол");
  CHECK(last_visit.child("Guests").attribute("count").as_int() == 0);
  auto order = last_visit.child("Orders").child("Order");
  CHECK(std::string(order.attribute("TableName").value()) == "Стол 101");
  CHECK(order.attribute("TableCode").as_int() == 101);
}

TEST_CASE("GetOrderList in a batch: each list inside its own CommandResult", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string at_100 = create_order(s);
  std::string at_101 = create_with_comment(s, "x");
  reply r = parse(s.handle("<RK7Query><RK7Command2 CMD=\"GetOrderList\"/><RK7Command CMD=\"GetSystemInfo\"/>"
                           "<RK7Command CMD=\"GetOrderList\"><Table code=\"101\"/></RK7Command>"
                           "<RK7Command CMD=\"GetOrderList\"><Table code=\"999999\"/></RK7Command></RK7Query>"));
  std::vector<pugi::xml_node> results;
  for (auto c : r.root().children("CommandResult"))
    results.push_back(c);
  REQUIRE(results.size() == 4);
  CHECK(listed_guids(results[0]) == std::vector<std::string>{at_100, at_101});
  CHECK(results[0].child("SourceCommand")); // the DOM part of the result stays first
  CHECK(results[1].child("SystemInfo"));
  CHECK(listed_guids(results[2]) == std::vector<std::string>{at_101});
  // A failed command carries no list.
  CHECK(std::string(results[3].attribute("Status").value()) != "Ok");
  CHECK_FALSE(results[3].child("Visit"));
}

TEST_CASE("GetOrderList: needIdents, needCodes and needNames choose the references' attributes", "[rk7sim]") {
  cash_server s(demo_dataset());
  std::string open = create_order(s);
  std::string paid = create_order(s);
  REQUIRE(s.pay(paid).ok);
  const char* refs[] = {"Table", "Waiter", "OrderCateg", "OrderType"};
  auto has = [](pugi::xml_node order, const std::string& attr) { return bool(order.attribute(attr.c_str())); };

  SECTION("the vendor's defaults: IDs and codes, no names") {
    auto list = run(s, "GetOrderList", query("GetOrderList"));
    REQUIRE(list.status() == "Ok");
    auto order = list.root().child("Visit").child("Orders").child("Order");
    for (std::string r : refs) {
      CHECK(has(order, r + "ID"));
      CHECK(has(order, r + "Code"));
      CHECK_FALSE(has(order, r + "Name"));
    }
    CHECK(order.attribute("TableCode").as_int() == 100);
  }
  SECTION("the STATUS POLLER's lean list: open orders, none of them") {
    auto list = run(s, "GetOrderList",
                    query("GetOrderList", "", "onlyOpened=\"1\" needIdents=\"0\" needCodes=\"0\""));
    REQUIRE(list.status() == "Ok");
    CHECK(listed_guids(list.root()) == std::vector<std::string>{open});
    auto order = list.root().child("Visit").child("Orders").child("Order");
    for (std::string r : refs)
      for (const char* part : {"ID", "Code", "Name"})
        CHECK_FALSE(has(order, r + part));
    CHECK(order.attribute("Version"));
    CHECK(order.attribute("guid"));
  }
  SECTION("names alone") {
    auto list = run(s, "GetOrderList",
                    query("GetOrderList", "", "needIdents=\"0\" needCodes=\"0\" needNames=\"1\""));
    REQUIRE(list.status() == "Ok");
    CHECK(listed_guids(list.root()) == std::vector<std::string>{open, paid});
    auto order = list.root().child("Visit").child("Orders").child("Order");
    CHECK(std::string(order.attribute("TableName").value()) == "Стол 100");
    for (std::string r : refs) {
      CHECK(has(order, r + "Name"));
      CHECK_FALSE(has(order, r + "ID"));
      CHECK_FALSE(has(order, r + "Code"));
    }
  }
}

TEST_CASE("GetOrderList: an order's element follows its changes and the parts asked for", "[rk7sim]") {
  // The simulator keeps each listed element until the order changes; a stale
  // one would show the old version, sums or bill state.
  cash_server s(demo_dataset());
  std::string guid = create_order(s);
  auto listed = [&](const std::string& attrs) {
    auto list = run(s, "GetOrderList", query("GetOrderList", "", attrs));
    REQUIRE(list.status() == "Ok");
    pugi::xml_document copy;
    copy.append_copy(list.root().child("Visit").child("Orders").child("Order"));
    return copy;
  };
  const std::string lean = "onlyOpened=\"1\" needIdents=\"0\" needCodes=\"0\"";
  auto before = listed(lean);
  auto first = before.first_child();
  CHECK(std::string(first.attribute("Bill").value()) == "0");
  CHECK(first.attribute("OrderSum").as_llong() == 0);
  CHECK_FALSE(first.attribute("TableCode"));

  REQUIRE(save(s, guid, "<Dish id=\"1000029\" quantity=\"1000\"/>").status() == "Ok");
  REQUIRE(s.print_bill(guid).ok);
  auto after = listed(lean);
  auto second = after.first_child();
  CHECK(second.attribute("Version").as_llong() == s.order_version(guid));
  CHECK(second.attribute("Version").as_llong() > first.attribute("Version").as_llong());
  CHECK(second.attribute("OrderSum").as_llong() > 0);
  CHECK(std::string(second.attribute("Bill").value()) == "1");
  CHECK(second.attribute("BillTime"));

  auto full = listed("");
  CHECK(full.first_child().attribute("TableCode").as_int() == 100);
  CHECK(full.first_child().attribute("Version").as_llong() == s.order_version(guid));
  auto lean_again = listed(lean);
  CHECK_FALSE(lean_again.first_child().attribute("TableCode"));
  CHECK(std::string(lean_again.first_child().attribute("BillTime").value()) ==
        second.attribute("BillTime").value());
}

TEST_CASE("GetOrderList: a visit's orders together under it, visits in the order of their first order", "[rk7sim]") {
  cash_server s(demo_dataset());
  auto open_visit = [&](const std::string& visit_xml) {
    reply r = run(s, "CreateOrder",
                  query("CreateOrder", "<Order>" + visit_xml + "<Table code=\"101\"/><OrderCategory id=\"1\"/></Order>"));
    REQUIRE(r.status() == "Ok");
    return std::make_pair(std::string(r.root().attribute("guid").value()), r.root().attribute("VisitID").as_llong());
  };
  auto [first, first_visit] = open_visit("");
  auto [second, second_visit] = open_visit("");
  // A third order joins the first visit after the second visit was opened.
  auto [third, third_visit] = open_visit("<Visit visit=\"" + std::to_string(first_visit) + "\"/>");
  REQUIRE(third_visit == first_visit);
  REQUIRE(second_visit != first_visit);

  auto list = run(s, "GetOrderList", query("GetOrderList"));
  REQUIRE(list.status() == "Ok");
  CHECK(listed_guids(list.root()) == std::vector<std::string>{first, third, second});
  std::vector<long long> visits;
  std::vector<std::string> visit_guids;
  for (auto v : list.root().children("Visit")) {
    visits.push_back(v.attribute("VisitID").as_llong());
    visit_guids.push_back(v.attribute("guid").value());
  }
  CHECK(visits == std::vector<long long>{first_visit, second_visit});
  CHECK(visit_guids.size() == 2);
  CHECK(visit_guids[0] != visit_guids[1]);
  // The same visit guid in a later list, and the joined visit named by it.
  auto again = run(s, "GetOrderList", query("GetOrderList"));
  CHECK(std::string(again.root().child("Visit").attribute("guid").value()) == visit_guids[0]);
  auto [fourth, fourth_visit] = open_visit("<Visit guid=\"" + visit_guids[1] + "\"/>");
  CHECK(fourth_visit == second_visit);
  auto last = run(s, "GetOrderList", query("GetOrderList"));
  CHECK(listed_guids(last.root()) == std::vector<std::string>{first, third, second, fourth});
}
