#pragma once
// Helpers for the rk7sim tests: run a request through a cash_server with XSD
// checks on both sides, and read replies with pugixml.

#include "rk7sim/cash_server.hpp"
#include "support/xsd.hpp"

#include <catch2/catch.hpp>
#include <pugixml.hpp>

#include <memory>
#include <sstream>
#include <string>

namespace rk7sim_test {

/// A parsed reply.
struct reply {
  std::shared_ptr<pugi::xml_document> doc = std::make_shared<pugi::xml_document>();
  std::string text;
  pugi::xml_node root() const { return doc->child("RK7QueryResult"); }
  std::string status() const { return root().attribute("Status").value(); }
  int error_n() const { return root().attribute("RK7ErrorN").as_int(); }
  std::string error_text() const { return root().attribute("ErrorText").value(); }
};

inline reply parse(const std::string& text) {
  reply r;
  r.text = text;
  REQUIRE(r.doc->load_string(text.c_str()));
  REQUIRE(r.root());
  return r;
}

/// `<RK7Query><RK7CMD CMD="cmd" attrs>inner</RK7CMD></RK7Query>`
inline std::string query(const std::string& cmd, const std::string& inner = "", const std::string& attrs = "") {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><RK7Query><RK7CMD CMD=\"" + cmd + "\"" +
         (attrs.empty() ? "" : " " + attrs) + (inner.empty() ? "/>" : ">" + inner + "</RK7CMD>") + "</RK7Query>";
}

/// Runs `request` (command `cmd`) and checks the request against qry<cmd>.xsd and
/// the reply against res<cmd>.xsd where such schemas exist.
inline reply run(rkgate::rk7sim::cash_server& server, const std::string& cmd, const std::string& request) {
  if (!rkgate::test::schema_path("qry" + cmd + ".xsd").empty()) {
    INFO("request " << request);
    std::string checked = request;
    if (cmd == "GetRefList") {
      // qryGetRefList.xsd (both sets) declares RK7CMD, not RK7Query, as its root.
      pugi::xml_document d;
      REQUIRE(d.load_string(request.c_str()));
      std::ostringstream inner;
      d.child("RK7Query").child("RK7CMD").print(inner, "", pugi::format_raw);
      checked = inner.str();
    }
    REQUIRE(rkgate::test::xsd_errors("qry" + cmd + ".xsd", checked) == "");
  }
  reply r = parse(server.handle(request));
  std::string schema = "res" + cmd + ".xsd";
  // A failed command without payload (SaveOrder's line errors do carry one) is
  // checked against the bare RK7QueryResult type, as in resVoidOrder.xsd.
  if (r.status() != "Ok" && r.status() != "No changes" && !r.root().first_child())
    schema = "resVoidOrder.xsd";
  if (!rkgate::test::schema_path(schema).empty()) {
    INFO("reply " << r.text);
    REQUIRE(rkgate::test::xsd_errors(schema, r.text) == "");
  }
  return r;
}

/// The demo restaurant's identifiers used across tests.
namespace demo {
constexpr long long margherita = 1000021;   // pizza, scheme "Пицца" (sauces 0..2, comment)
constexpr long long borsch = 1000007;       // scheme "Общая" (comment)
constexpr long long ribeye = 1000012;       // limited to 5 portions; scheme "Стейк" (doneness 1..1)
constexpr long long cola = 1000029;
constexpr long long beer = 1000041;         // bar: hall price only, outside external sales
constexpr long long combo = 1000100;
constexpr long long ketchup = 1004001;
constexpr long long medium = 1004005;
constexpr long long comment = 1004009;      // open modifier
constexpr long long pct10 = 1001, by_amount = 1002, markup5 = 1003, auto_delivery5 = 1004;
constexpr long long cash = 1, card = 2, online = 3;
constexpr long long station = 15004, waiter = 1001, prepay_reason = 1;
} // namespace demo

/// Creates an order at table code 100 in `category`; returns its guid.
inline std::string create_order(rkgate::rk7sim::cash_server& s, int category = 1,
                                 const std::string& guid = "") {
  reply r = run(s, "CreateOrder",
                query("CreateOrder", "<Order" + (guid.empty() ? std::string() : " guid=\"" + guid + "\"") +
                                         "><Table code=\"100\"/><OrderCategory id=\"" + std::to_string(category) +
                                         "\"/></Order>"));
  REQUIRE(r.status() == "Ok");
  return r.root().attribute("guid").value();
}

/// SaveOrder with one session `inner` on order `guid`.
inline reply save(rkgate::rk7sim::cash_server& s, const std::string& guid, const std::string& inner,
                  const std::string& license = "") {
  return run(s, "SaveOrder",
             query("SaveOrder", license + "<Order guid=\"" + guid + "\"/><Session>" + inner + "</Session>"));
}

inline reply get_order(rkgate::rk7sim::cash_server& s, const std::string& guid) {
  return run(s, "GetOrder", query("GetOrder", "<Order guid=\"" + guid + "\"/>"));
}

} // namespace rk7sim_test
