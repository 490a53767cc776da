#include "order_record.hpp"

#include "xml_read.hpp"

namespace rk7::detail {
namespace {

std::optional<named_ref> opt_named_ref(pugi::xml_node parent, const char* name) {
  pugi::xml_node node = find_child(parent, name);
  if (!node)
    return std::nullopt;
  return read_named_ref(node);
}

/// A `Line` (an order line, or a named_ref) with its id, code and name read.
template <class Line>
Line read_ref(const attr_list& a) {
  Line line;
  line.id = a.integer({"id"});
  line.code = a.integer({"code"});
  line.name = a.text({"name"});
  return line;
}

modi_line read_modi(pugi::xml_node node) {
  attr_list a(node);
  auto m = read_ref<modi_line>(a);
  m.count = static_cast<int>(a.opt_int({"count"}).value_or(1));
  m.price = a.integer({"price"});
  m.amount = a.integer({"amount"});
  m.open_name = a.text({"openName"});
  return m;
}

dish_line read_dish(pugi::xml_node node) {
  attr_list a(node);
  auto d = read_ref<dish_line>(a);
  d.uni = a.integer({"uni"});
  d.line_guid = a.text({"line_guid"});
  // A combo component carries `count`, not `quantity`.
  d.quantity = a.opt_int({"quantity"}).value_or(a.integer({"count"}) * 1000);
  d.price = a.integer({"price"});
  d.amount = a.integer({"amount"});
  d.state = static_cast<int>(a.integer({"state"}));
  d.is_combo = is_named(node, "Combo");
  for (pugi::xml_node child : node.children()) {
    if (is_named(child, "Modi"))
      d.modis.push_back(read_modi(child));
    else if (is_named(child, "Component"))
      d.components.push_back(read_dish(child));
  }
  return d;
}

discount_line read_discount(pugi::xml_node node) {
  attr_list a(node);
  auto d = read_ref<discount_line>(a);
  // discountSum is what the server computed; amount is the manual input.
  d.amount = a.opt_int({"discountSum"}).value_or(a.integer({"amount"}));
  d.uni = a.integer({"uni"});
  d.line_guid = a.text({"line_guid"});
  return d;
}

payment_line read_payment(pugi::xml_node node) {
  attr_list a(node);
  auto p = read_ref<payment_line>(a);
  p.amount = a.integer({"amount"});
  p.promised = a.flag({"promised"});
  p.line_guid = a.text({"line_guid"});
  return p;
}

void read_payments(pugi::xml_node parent, session_line& s) {
  for (pugi::xml_node child : parent.children()) {
    if (is_named(child, "Prepay"))
      s.prepays.push_back(read_payment(child));
    else if (is_named(child, "Pay"))
      s.pays.push_back(read_payment(child));
  }
}

session_line read_session(pugi::xml_node node, order& o) {
  attr_list a(node);
  session_line s;
  s.uni = a.integer({"uni"});
  s.line_guid = a.text({"line_guid"});
  s.printed = a.flag({"printed"});
  for (pugi::xml_node child : node.children()) {
    if (is_named(child, "Dish") || is_named(child, "Combo")) {
      s.dishes.push_back(read_dish(child));
    } else if (is_named(child, "Discount")) {
      s.discounts.push_back(read_discount(child));
    } else if (is_named(child, "PrintCheck")) {
      // Receipts and prechecks hold their own Pay / Prepay lines.
      if (bool_attr(child, {"bill"}) && !bool_attr(child, {"deleted"}))
        o.bill = true;
      read_payments(child, s);
    }
  }
  read_payments(node, s);
  return s;
}

} // namespace

named_ref read_named_ref(pugi::xml_node node) {
  return read_ref<named_ref>(attr_list(node));
}

order read_order(pugi::xml_node node) {
  attr_list a(node);
  order o;
  o.visit = a.integer({"visit", "VisitID"});
  o.order_ident = a.integer({"orderIdent", "OrderID"});
  o.guid = a.text({"guid"});
  o.order_name = a.text({"orderName"});
  o.version = a.integer({"version"});
  o.crc32 = a.integer({"crc32"});
  o.order_sum = a.integer({"orderSum"});
  o.unpaid_sum = a.integer({"unpaidSum"});
  o.discount_sum = a.integer({"discountSum"});
  o.prepay_sum = a.integer({"prepaySum"});
  o.promised_sum = a.integer({"promisedSum"});
  o.total_pieces = a.integer({"totalPieces"});
  o.paid = a.flag({"paid"});
  o.finished = a.flag({"finished"});
  o.deleted = a.flag({"deleted"});
  o.open_time = a.text({"openTime"});
  o.persistent_comment = a.text({"persistentComment"});
  o.table = opt_named_ref(node, "Table");
  o.order_category = opt_named_ref(node, "OrderCategory");
  o.order_type = opt_named_ref(node, "OrderType");
  o.waiter = opt_named_ref(node, "Waiter");
  for (pugi::xml_node child : node.children())
    if (is_named(child, "Session"))
      o.sessions.push_back(read_session(child, o));
  return o;
}

} // namespace rk7::detail
