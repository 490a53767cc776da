// Reply parsers on fixtures. Each fixture that has a usable res*.xsd is
// validated against it first, so the fixtures are replies a schema-true
// server could send; the leniency cases are inline variants of them.

#include "fixtures.hpp"

#include "rk7/codec.hpp"
#include "support/xsd.hpp"

#include <catch2/catch.hpp>

using rk7_test::fixture;
using rkgate::test::xsd_errors;

namespace {

/// The fixture's text after checking it against `schema`.
std::string valid_fixture(const std::string& name, const std::string& schema) {
  std::string xml = fixture(name);
  INFO(name << " against " << schema);
  CHECK(xsd_errors(schema, xml) == "");
  return xml;
}

template <class Reply>
rk7::error error_of(const std::string& xml) {
  rk7::result<Reply> r = rk7::parse<Reply>(xml);
  REQUIRE_FALSE(r);
  return r.error();
}

} // namespace

TEST_CASE("GetSystemInfo: the 7.5 docs example and a 7.25 reply", "[rk7][parse]") {
  // GetSystemInfo has no res schema in either set.
  auto old = rk7::parse<rk7::system_info>(fixture("get_system_info_7_5.xml"));
  REQUIRE(old);
  CHECK(old->server_version == "7.5.2.34");
  CHECK(old->xml_version == "66");
  CHECK(old->net_name == "TEST_RK7SRV_COUNT"); // no root NetName: taken from SystemInfo
  CHECK(old->rest_code.empty());
  CHECK_FALSE(old->restaurant);

  auto newer = rk7::parse_reply<rk7::get_system_info>(fixture("get_system_info_7_25.xml"));
  REQUIRE(newer);
  CHECK(newer->net_name == "DEMOSERVER");
  CHECK(newer->rest_code == "331950001");
  CHECK(newer->shift_date == "20260415");
  REQUIRE(newer->restaurant);
  CHECK(newer->restaurant->name == "Ресторан на Невском");
}

TEST_CASE("GetRefList", "[rk7][parse]") {
  auto list = rk7::parse<rk7::ref_list>(valid_fixture("get_ref_list.xml", "resGetRefList.xsd"));
  REQUIRE(list);
  REQUIRE(list->references.size() == 3);
  CHECK(list->references[0].ref_name == "MENUITEMS");
  CHECK(list->references[0].count == 412);
  CHECK(list->references[0].data_version == 151);
  CHECK(list->references[2].data_version == 0); // optional DataVersion missing
}

TEST_CASE("GetRefData: Items/Item with Childs (7.5 docs example)", "[rk7][parse]") {
  // There is no resGetRefData.xsd in either set.
  auto ref = rk7::parse<rk7::reference>(fixture("get_ref_data_docs.xml"));
  REQUIRE(ref);
  CHECK(ref->ref_name == "AWARDSPENALTIESGROUPS");
  REQUIRE(ref->items.size() == 2);
  const rk7::ref_item& all = ref->items[0];
  CHECK(all.tag == "Item");
  CHECK(all.get("Name") == std::optional<std::string>("Все"));
  CHECK(all.get("name") == all.get("NAME")); // case-insensitive lookup
  CHECK(all.get_int("ident") == std::optional<std::int64_t>(0));
  CHECK(all.child_idents == std::vector<std::int64_t>{1000015});
  CHECK_FALSE(all.get("NoSuchAttr"));
  CHECK_FALSE(all.get_int("GUIDString")); // present but not an integer
  CHECK(ref->items[1].child_idents.empty());
}

TEST_CASE("GetRefData: items straight under RK7Reference (7.6 docs example)", "[rk7][parse]") {
  // The 7.6 menu example puts <Item> directly under RK7Reference, the 7.5
  // one wraps them in <Items>: both are read.
  auto ref = rk7::parse<rk7::reference>(fixture("get_ref_data_menuitems.xml"));
  REQUIRE(ref);
  CHECK(ref->data_version == 151);
  REQUIRE(ref->items.size() == 2);
  CHECK(ref->items[0].get_int("PRICETYPES-3") == std::optional<std::int64_t>(12000));
  // "price not set" is int64 max and must not overflow.
  CHECK(ref->items[0].get_int("PRICETYPES-5") ==
        std::optional<std::int64_t>(9223372036854775807LL));
  CHECK(ref->items[1].get("Name") == std::optional<std::string>("Борщ"));
  CHECK_FALSE(ref->items[1].get("GUIDString")); // missing optional attribute
}

TEST_CASE("GetRefData: CommandResult batch form with RIChildItems", "[rk7][parse]") {
  // Batch replies (RK7Command / RK7Command2) have no schema: the res*.xsd
  // files describe the RK7CMD form only.
  auto ref = rk7::parse<rk7::reference>(fixture("get_ref_data_batch_selectors.xml"));
  REQUIRE(ref);
  CHECK(ref->data_version == 133);
  REQUIRE(ref->items.size() == 1);
  REQUIRE(ref->items[0].children.size() == 1);
  const rk7::ref_item& soups = ref->items[0].children[0];
  CHECK(soups.tag == "TSelector");
  CHECK(soups.get("Name") == std::optional<std::string>("Супы"));
  REQUIRE(soups.children.size() == 2);
  CHECK(soups.children[1].tag == "TSelectorDetail");
  CHECK(soups.children[1].get_int("objectsifr") == std::optional<std::int64_t>(1000191));
}

TEST_CASE("GetOrderMenu", "[rk7][parse]") {
  auto menu = rk7::parse<rk7::order_menu>(valid_fixture("get_order_menu.xml", "resGetOrderMenu.xsd"));
  REQUIRE(menu);
  REQUIRE(menu->price_scale);
  CHECK(menu->price_scale->id == 3);
  REQUIRE(menu->dishes.size() == 2);
  CHECK(menu->dishes[0].ident == 1000189);
  CHECK(menu->dishes[0].price == 12000);
  CHECK_FALSE(menu->dishes[0].quantity); // unlimited
  CHECK(menu->dishes[1].quantity == std::optional<rk7::milli>(5000));
  REQUIRE(menu->modifiers.size() == 2);
  CHECK(menu->modifiers[1].price == 5000);
  CHECK(menu->order_types == std::vector<std::int64_t>{1001});
}

TEST_CASE("GetDishRests", "[rk7][parse]") {
  auto rests = rk7::parse<rk7::dish_rests>(valid_fixture("get_dish_rests.xml", "resGetDishRests.xsd"));
  REQUIRE(rests);
  REQUIRE(rests->rests.size() == 2);
  CHECK(rests->rests[0].quantity == 5000);
  CHECK_FALSE(rests->rests[0].prohibited);
  CHECK(rests->rests[1].prohibited);
  CHECK(rests->rests[1].name == "Солянка");
}

TEST_CASE("CreateOrder: root attributes and the full order", "[rk7][parse]") {
  auto created = rk7::parse<rk7::created_order>(valid_fixture("create_order.xml", "resCreateOrder.xsd"));
  REQUIRE(created);
  CHECK(created->visit == 471734503);
  CHECK(created->order_ident == 256);
  CHECK(created->guid == "{BED30F72-70B1-4929-AF40-A36E652FDC10}");
  REQUIRE(created->record);
  CHECK(created->record->persistent_comment == "Код заказа: 123");
  REQUIRE(created->record->order_category);
  CHECK(created->record->order_category->name == "Доставка");

  SECTION("older servers: root attributes only, in other spellings") {
    auto bare = rk7::parse<rk7::created_order>(
        R"(<RK7QueryResult Status="Ok" visit="5" orderident="256" GUID="{BED30F72-70B1-4929-AF40-A36E652FDC10}"/>)");
    REQUIRE(bare);
    CHECK(bare->visit == 5);
    CHECK(bare->order_ident == 256);
    CHECK(bare->guid == "{BED30F72-70B1-4929-AF40-A36E652FDC10}");
    CHECK_FALSE(bare->record);
  }
  SECTION("an Ok reply that names no order is a bad reply") {
    rk7::error e = error_of<rk7::created_order>(R"(<RK7QueryResult Status="Ok"/>)");
    CHECK(e.kind == rk7::error_kind::bad_reply);
    CHECK_FALSE(e.message.empty());
  }
}

TEST_CASE("SaveOrder: the order record with every line kind", "[rk7][parse]") {
  auto saved = rk7::parse_reply<rk7::save_order>(valid_fixture("save_order.xml", "resSaveOrder.xsd"));
  REQUIRE(saved);
  CHECK(saved->errors.empty());
  const rk7::order& o = saved->record;
  CHECK(o.visit == 471734503);
  CHECK(o.order_ident == 256);
  CHECK(o.version == 3);
  CHECK(o.crc32 == -123456789);
  CHECK(o.order_sum == 86800);
  CHECK(o.unpaid_sum == 26800);
  CHECK(o.discount_sum == 5000);
  CHECK(o.promised_sum == 60000);
  CHECK(o.total_pieces == 4000);
  CHECK(o.bill); // PrintCheck bill="1"
  CHECK_FALSE(o.paid);
  REQUIRE(o.waiter);
  CHECK(o.waiter->name == "Иван Петров");
  REQUIRE(o.sessions.size() == 1);
  const rk7::session_line& s = o.sessions[0];
  CHECK(s.uni == 1);
  REQUIRE(s.dishes.size() == 3);
  const rk7::dish_line& pizza = s.dishes[0];
  CHECK(pizza.line_guid == "{AAAAAAAA-0000-0000-0000-000000000001}");
  CHECK(pizza.state == 1);
  REQUIRE(pizza.modis.size() == 2);
  CHECK(pizza.modis[1].open_name == "Без лука, пожалуйста");
  const rk7::dish_line& combo = s.dishes[1];
  CHECK(combo.is_combo);
  REQUIRE(combo.components.size() == 2);
  CHECK(combo.components[1].quantity == 2000); // count 2
  CHECK(s.dishes[2].quantity == 2000);
  CHECK(s.dishes[2].amount == 12000);
  REQUIRE(s.discounts.size() == 1);
  CHECK(s.discounts[0].amount == 5000);
  REQUIRE(s.prepays.size() == 1);
  CHECK(s.prepays[0].promised);
  CHECK(s.prepays[0].amount == 60000);
  CHECK(s.pays.empty());
}

TEST_CASE("SaveOrder: Query Executing Error with Error/FaultyTag", "[rk7][parse]") {
  rk7::error e = error_of<rk7::saved_order>(
      valid_fixture("save_order_faulty_tag.xml", "resSaveOrder.xsd"));
  CHECK(e.kind == rk7::error_kind::rk7_status);
  CHECK(e.status == "Query Executing Error");
  CHECK(e.rk7_error_n == 3001);
  CHECK(e.message == "Блюдо запрещено к продаже");
  REQUIRE(e.lines.size() == 1);
  CHECK(e.lines[0].faulty_tag == "Dish");
  CHECK(e.lines[0].faulty_id == std::optional<std::int64_t>(1000191));
  CHECK(e.lines[0].faulty_code == std::optional<std::int64_t>(224));
  CHECK_FALSE(e.unreachable());
}

TEST_CASE("SaveOrder: 5305 asks for a seqNumber resync", "[rk7][parse]") {
  // Error replies carry no payload, which resSaveOrder.xsd (Order required)
  // does not allow; they match the bare RK7QueryResult type of resPrintBill.xsd.
  rk7::error e = error_of<rk7::saved_order>(valid_fixture("save_order_5305.xml", "resPrintBill.xsd"));
  CHECK(e.kind == rk7::error_kind::rk7_status);
  CHECK(e.rk7_error_n == 5305);
  CHECK(e.seq_out_of_step());
  CHECK(e.message.find("[1, 2]") != std::string::npos);
}

TEST_CASE("other status errors", "[rk7][parse]") {
  rk7::error shift = error_of<rk7::created_order>(
      valid_fixture("error_shift_too_old.xml", "resPrintBill.xsd"));
  CHECK(shift.rk7_error_n == 2133);
  CHECK(shift.message.find("Общая смена") == 0);
  CHECK_FALSE(shift.seq_out_of_step());

  rk7::error unknown = error_of<rk7::system_info>(
      valid_fixture("error_bad_parameters.xml", "resPrintBill.xsd"));
  CHECK(unknown.status == "Bad Query Parameters");
  CHECK(unknown.rk7_error_n == 0);
  CHECK(unknown.message == "Unknown command getsysteminfo");

  // Empty ErrorText: the message comes from the Errors stack.
  rk7::error printer = error_of<rk7::ack>(valid_fixture("print_bill_errors.xml", "resPrintBill.xsd"));
  CHECK(printer.rk7_error_n == 1702);
  CHECK(printer.message == "Принтер не отвечает");
  REQUIRE(printer.lines.size() == 1);
  CHECK(printer.lines[0].faulty_tag.empty());
}

TEST_CASE("CalcOrder and ValidateOrder: per-line errors on an Ok reply", "[rk7][parse]") {
  auto calc = rk7::parse<rk7::calculated_order>(valid_fixture("calc_order.xml", "resCalcOrder.xsd"));
  REQUIRE(calc);
  CHECK(calc->record.order_sum == 47800);
  CHECK(calc->record.guid.empty());
  REQUIRE(calc->errors.size() == 1);
  CHECK(calc->errors[0].faulty_code == std::optional<std::int64_t>(224));
  CHECK_FALSE(calc->errors[0].faulty_id);

  auto check = rk7::parse<rk7::validation>(valid_fixture("validate_order.xml", "resValidateOrder.xsd"));
  REQUIRE(check);
  REQUIRE(check->errors.size() == 1);
  CHECK(check->errors[0].rk7_error_n == 3002);
  CHECK(check->errors[0].text == "Блюдо в стоп-листе");
}

TEST_CASE("GetOrder: a paid order, RK7CMD and CommandResult forms", "[rk7][parse]") {
  auto o = rk7::parse<rk7::order>(valid_fixture("get_order.xml", "resGetOrder.xsd"));
  REQUIRE(o);
  CHECK(o->paid);
  CHECK(o->finished);
  CHECK_FALSE(o->bill); // the receipt is not a precheck
  REQUIRE(o->sessions.size() == 1);
  CHECK(o->sessions[0].printed);
  CHECK(o->sessions[0].dishes[0].state == 6);
  REQUIRE(o->sessions[0].pays.size() == 1);
  CHECK(o->sessions[0].pays[0].amount == 29900);

  auto batch = rk7::parse<rk7::order>(fixture("get_order_batch.xml"));
  REQUIRE(batch);
  CHECK(batch->guid == "{BED30F72-70B1-4929-AF40-A36E652FDC10}");
  CHECK(batch->unpaid_sum == 29900);
  CHECK(batch->sessions.empty());
  CHECK(batch->open_time.empty()); // missing optional attribute

  rk7::error locked = error_of<rk7::order>(fixture("batch_error.xml"));
  CHECK(locked.kind == rk7::error_kind::rk7_status);
  CHECK(locked.rk7_error_n == 2219);
  CHECK(locked.status == "Query Executing Error");
}

TEST_CASE("GetOrderList: capitalised GetOrderList attributes", "[rk7][parse]") {
  auto list = rk7::parse<rk7::order_list>(valid_fixture("get_order_list.xml", "resGetOrderList.xsd"));
  REQUIRE(list);
  CHECK_FALSE(list->no_changes);
  CHECK(list->last_version == 1542);
  REQUIRE(list->orders.size() == 2);
  const rk7::order_summary& first = list->orders[0];
  CHECK(first.visit == 471734503);
  CHECK(first.order_ident == 256);
  CHECK(first.version == 7);
  CHECK(first.order_sum == 86800);
  CHECK(first.to_pay_sum == 26800);
  CHECK(first.prepay_sum == 60000);
  CHECK(first.bill);
  CHECK_FALSE(first.finished);
  REQUIRE(first.table);
  CHECK(first.table->name == "Стол 1");
  const rk7::order_summary& second = list->orders[1];
  CHECK(second.visit == 471734510);
  CHECK(second.finished);
  CHECK_FALSE(second.bill);
  REQUIRE(second.table);
  CHECK(second.table->code == 7);
  CHECK(second.table->id == 0); // TableID missing
}

TEST_CASE("GetOrderList: a lean list (needIdents=0 needCodes=0) has no referenced items", "[rk7][parse]") {
  auto list = rk7::parse<rk7::order_list>(valid_fixture("get_order_list_lean.xml", "resGetOrderList.xsd"));
  REQUIRE(list);
  CHECK(list->last_version == 1543);
  REQUIRE(list->orders.size() == 2);
  const rk7::order_summary& first = list->orders[0];
  CHECK(first.guid == "{BED30F72-70B1-4929-AF40-A36E652FDC10}");
  CHECK(first.version == 7);
  CHECK(first.visit == 471734503);
  CHECK(first.bill);
  CHECK_FALSE(first.table); // no TableID/TableCode/TableName
  CHECK(list->orders[1].guid == "{BED30F72-70B1-4929-AF40-A36E652FDC11}");
  CHECK(list->orders[1].version == 2);
  CHECK(list->orders[1].crc32 == -120);
  // The guid's bits, read with the reply: the key a STATUS POLLER matches by.
  REQUIRE(first.guid_key);
  CHECK(*first.guid_key == *rkgate::guid_bits_of("{BED30F72-70B1-4929-AF40-A36E652FDC10}"));
  CHECK(*list->orders[1].guid_key == *rkgate::guid_bits_of("bed30f72-70b1-4929-af40-a36e652fdc11"));

  // needIdents=0 needCodes=0 needNames=1: the name alone still makes a reference.
  auto named = rk7::parse<rk7::order_list>(
      R"(<RK7QueryResult Status="Ok" lastversion="7"><Visit VisitID="42"><Orders>)"
      R"(<Order OrderID="256" Version="1" guid="{A}" TableName="Стол 1"/></Orders></Visit></RK7QueryResult>)");
  REQUIRE(named);
  REQUIRE(named->orders.at(0).table);
  CHECK_FALSE(named->orders[0].guid_key); // "{A}" is no GUID
  CHECK(named->orders[0].table->name == "Стол 1");
  CHECK(named->orders[0].table->id == 0);
  CHECK(named->orders[0].table->code == 0);
}

TEST_CASE("GetOrderList: GetOrderList2-style lower-case attributes", "[rk7][parse]") {
  auto list = rk7::parse<rk7::order_list>(valid_fixture("get_order_list2.xml", "resGetOrderList2.xsd"));
  REQUIRE(list);
  REQUIRE(list->orders.size() == 1);
  const rk7::order_summary& o = list->orders[0];
  CHECK(o.visit == 471734503);
  CHECK(o.order_ident == 256);
  CHECK(o.version == 7);
  CHECK(o.order_sum == 86800);
  CHECK(o.to_pay_sum == 26800); // unpaidSum
  CHECK(o.bill);                // billTime present
  REQUIRE(o.table);
  CHECK(o.table->id == 1000100);
}

TEST_CASE("GetOrderList: No changes", "[rk7][parse]") {
  auto list = rk7::parse<rk7::order_list>(
      valid_fixture("get_order_list_no_changes.xml", "resGetOrderList.xsd"));
  REQUIRE(list);
  CHECK(list->no_changes);
  CHECK(list->last_version == 1542);
  CHECK(list->orders.empty());

  // Other commands treat No changes as an empty success.
  auto ref = rk7::parse<rk7::reference>(
      R"(<RK7QueryResult Status="No changes" ErrorText=""/>)");
  REQUIRE(ref);
  CHECK(ref->items.empty());
}

TEST_CASE("ack and licence replies", "[rk7][parse]") {
  CHECK(rk7::parse<rk7::ack>(valid_fixture("void_order.xml", "resVoidOrder.xsd")));
  CHECK(rk7::parse_reply<rk7::pay_order>(valid_fixture("pay_order.xml", "resPayOrder.xsd")));

  // resGetXMLLicenseInstanceSeqNumber.xsd is broken (BROKEN.txt) with no 7.6
  // file: the fixture follows §5.4 of the protocol notes.
  auto seq = rk7::parse<rk7::license_seq>(fixture("license_seq.xml"));
  REQUIRE(seq);
  CHECK(seq->seq_number == 41);
  rk7::error e = error_of<rk7::license_seq>(R"(<RK7QueryResult Status="Ok"/>)");
  CHECK(e.kind == rk7::error_kind::bad_reply);
}

TEST_CASE("Cyrillic survives build -> parse", "[rk7][parse]") {
  const std::string comment = "Позвонить за 10 минут, домофон «15К»";
  rk7::create_order req;
  req.table = rk7::ref::by_id(1);
  req.persistent_comment = comment;
  req.external_props = {{"имя", "Ёлка"}};
  std::string xml = rk7::build(req);
  CHECK(xml.find(comment) != std::string::npos); // raw UTF-8, not entities

  // Serve the request's Order back as the reply's order record.
  pugi::xml_document request;
  REQUIRE(request.load_string(xml.c_str()));
  pugi::xml_document reply;
  pugi::xml_node root = reply.append_child("RK7QueryResult");
  root.append_attribute("Status") = "Ok";
  root.append_copy(request.child("RK7Query").child("RK7CMD").child("Order"));
  std::ostringstream out;
  reply.save(out);
  auto o = rk7::parse<rk7::order>(out.str());
  REQUIRE(o);
  CHECK(o->persistent_comment == comment);
}

TEST_CASE("broken replies give bad_reply with a message", "[rk7][parse]") {
  const std::string whole = fixture("save_order.xml");
  const char* const broken[] = {
      "",
      "Internal Server Error",
      "<html><body>502 Bad Gateway</body></html>",
      "<RK7QueryResult Status=\"Ok\"",
      "<RK7QueryResult ErrorText=\"\"/>", // no Status
  };
  for (const char* text : broken) {
    INFO("reply: " << text);
    rk7::error e = error_of<rk7::saved_order>(text);
    CHECK(e.kind == rk7::error_kind::bad_reply);
    CHECK_FALSE(e.message.empty());
    CHECK(std::string(rk7::to_string(e.kind)) == "bad_reply");
  }
  // Truncated anywhere: never a crash, never a value.
  for (std::size_t cut = 0; cut < whole.size() - 20; cut += 97) {
    INFO("cut at " << cut);
    rk7::error e = error_of<rk7::saved_order>(whole.substr(0, cut));
    CHECK(e.kind == rk7::error_kind::bad_reply);
    CHECK_FALSE(e.message.empty());
  }
  // Well-formed but without the payload the command needs.
  rk7::error no_order = error_of<rk7::order>(R"(<RK7QueryResult Status="Ok"/>)");
  CHECK(no_order.kind == rk7::error_kind::bad_reply);
  CHECK(no_order.message.find("Order") != std::string::npos);
}

TEST_CASE("attribute and element names are matched case-insensitively", "[rk7][parse]") {
  auto o = rk7::parse<rk7::order>(
      R"(<RK7QueryResult status="Ok"><ORDER Visit="9" ORDERIDENT="256" OrderSum="100" Paid="true">)"
      R"(<session><DISH ID="5" Quantity="1500" unknownThing="x"><modi id="6" OPENNAME="n"/></DISH></session>)"
      R"(<SomethingNew a="1"/></ORDER></RK7QueryResult>)");
  REQUIRE(o);
  CHECK(o->visit == 9);
  CHECK(o->order_ident == 256);
  CHECK(o->order_sum == 100);
  CHECK(o->paid);
  REQUIRE(o->sessions.size() == 1);
  REQUIRE(o->sessions[0].dishes.size() == 1);
  CHECK(o->sessions[0].dishes[0].quantity == 1500);
  CHECK(o->sessions[0].dishes[0].modis[0].open_name == "n");
  CHECK(o->sessions[0].dishes[0].modis[0].count == 1); // count defaults to 1
}

TEST_CASE("to_string names every error kind", "[rk7]") {
  CHECK(std::string(rk7::to_string(rk7::error_kind::network)) == "network");
  CHECK(std::string(rk7::to_string(rk7::error_kind::timeout)) == "timeout");
  CHECK(std::string(rk7::to_string(rk7::error_kind::unauthorized)) == "unauthorized");
  CHECK(std::string(rk7::to_string(rk7::error_kind::http_status)) == "http_status");
  CHECK(std::string(rk7::to_string(rk7::error_kind::rk7_status)) == "rk7_status");
}
