// The lookup rules behind every reply parser (rk7/src/xml_read.cpp), seen
// through parse<>: exact spelling first, then any case; alternative names in
// order; integers whole or not at all; elements with very many attributes.

#include "rk7/codec.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

rk7::order_list list_of(const std::string& order_attrs) {
  auto r = rk7::parse<rk7::order_list>(R"(<RK7QueryResult Status="Ok" lastversion="7"><Visit VisitID="42">)"
                                       R"(<Orders><Order )" +
                                       order_attrs + R"(/></Orders></Visit></RK7QueryResult>)");
  REQUIRE(r);
  REQUIRE(r->orders.size() == 1);
  return *r;
}

} // namespace

TEST_CASE("lenient reads: the exact spelling wins over a case variant, wherever it is", "[rk7][parse]") {
  CHECK(list_of(R"(VERSION="1" Version="2")").orders[0].version == 2);
  CHECK(list_of(R"(Version="2" VERSION="1")").orders[0].version == 2);
  // Only case variants: the first in document order.
  CHECK(list_of(R"(VERSION="1" version="2")").orders[0].version == 1);
  CHECK(list_of(R"(Guid="{A}")").orders[0].guid == "{A}");
}

TEST_CASE("lenient reads: alternative names are tried in order", "[rk7][parse]") {
  // OrderID before orderIdent, whichever comes first in the element.
  CHECK(list_of(R"(orderIdent="5" OrderID="6")").orders[0].order_ident == 6);
  CHECK(list_of(R"(ORDERIDENT="5")").orders[0].order_ident == 5);
  // No visit on the order: the Visit element's.
  CHECK(list_of(R"(guid="{A}")").orders[0].visit == 42);
  CHECK(list_of(R"(VISITID="43")").orders[0].visit == 43);
}

TEST_CASE("lenient reads: integers are whole decimals within 64 bits", "[rk7][parse]") {
  CHECK(list_of(R"(OrderSum=" 42 ")").orders[0].order_sum == 42);
  CHECK(list_of(R"(OrderSum="+7")").orders[0].order_sum == 7);
  CHECK(list_of(R"(OrderSum="-9223372036854775808")").orders[0].order_sum == INT64_MIN);
  CHECK(list_of(R"(OrderSum="9223372036854775807")").orders[0].order_sum == INT64_MAX);
  CHECK(list_of(R"(OrderSum="9223372036854775808")").orders[0].order_sum == 0); // out of range
  CHECK(list_of(R"(OrderSum="12abc")").orders[0].order_sum == 0);
  CHECK(list_of(R"(OrderSum="")").orders[0].order_sum == 0);
  CHECK(list_of(R"(OrderSum="-")").orders[0].order_sum == 0);
  CHECK(list_of(R"(OrderSum="1.5")").orders[0].order_sum == 0);

  rk7::ref_item item;
  item.attrs["Ident"] = " 17\t";
  CHECK(item.get_int("ident") == 17);
  item.attrs["Ident"] = "17 x";
  CHECK_FALSE(item.get_int("ident"));
}

TEST_CASE("lenient reads: flags and presence", "[rk7][parse]") {
  auto o = list_of(R"(Finished="TRUE" Bill="0" BillTime="2026-01-01T10:00:00" paid="1 " deleted="false")").orders[0];
  CHECK(o.finished);
  CHECK(o.bill); // a precheck time means a bill
  CHECK_FALSE(o.paid);
  CHECK_FALSE(o.deleted);
  CHECK_FALSE(list_of(R"(Bill="0" BillTime="")").orders[0].bill);
}

TEST_CASE("lenient reads: an element with more attributes than the snapshot holds", "[rk7][parse]") {
  std::string attrs;
  for (int i = 0; i < 100; ++i)
    attrs += "x" + std::to_string(i) + "=\"" + std::to_string(i) + "\" ";
  auto o = list_of(attrs + R"(Version="9" TABLEID="3" guid="{B}")").orders[0];
  CHECK(o.version == 9);
  CHECK(o.guid == "{B}");
  REQUIRE(o.table);
  CHECK(o.table->id == 3);
}
