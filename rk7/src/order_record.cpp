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
Line read_ref(pugi::xml_node node) {
  Line line;
  line.id = int_attr(node, {"id"});
  line.code = int_attr(node, {"code"});
  line.name = text_attr(node, {"name"});
  return line;
}

modi_line read_modi(pugi::xml_node node) {
  auto m = read_ref<modi_line>(node);
  m.count = static_cast<int>(opt_int_attr(node, {"count"}).value_or(1));
  m.price = int_attr(node, {"price"});
  m.amount = int_attr(node, {"amount"});
  m.open_name = text_attr(node, {"openName"});
  return m;
}

dish_line read_dish(pugi::xml_node node) {
  auto d = read_ref<dish_line>(node);
  d.uni = int_attr(node, {"uni"});
  d.line_guid = text_attr(node, {"line_guid"});
  // A combo component carries `count`, not `quantity`.
  d.quantity = opt_int_attr(node, {"quantity"}).value_or(int_attr(node, {"count"}) * 1000);
  d.price = int_attr(node, {"price"});
  d.amount = int_attr(node, {"amount"});
  d.state = static_cast<int>(int_attr(node, {"state"}));
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
  auto d = read_ref<discount_line>(node);
  // discountSum is what the server computed; amount is the manual input.
  d.amount = opt_int_attr(node, {"discountSum"}).value_or(int_attr(node, {"amount"}));
  d.uni = int_attr(node, {"uni"});
  d.line_guid = text_attr(node, {"line_guid"});
  return d;
}

payment_line read_payment(pugi::xml_node node) {
  auto p = read_ref<payment_line>(node);
  p.amount = int_attr(node, {"amount"});
  p.promised = bool_attr(node, {"promised"});
  p.line_guid = text_attr(node, {"line_guid"});
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
  session_line s;
  s.uni = int_attr(node, {"uni"});
  s.line_guid = text_attr(node, {"line_guid"});
  s.printed = bool_attr(node, {"printed"});
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
  return read_ref<named_ref>(node);
}

order read_order(pugi::xml_node node) {
  order o;
  o.visit = int_attr(node, {"visit", "VisitID"});
  o.order_ident = int_attr(node, {"orderIdent", "OrderID"});
  o.guid = text_attr(node, {"guid"});
  o.order_name = text_attr(node, {"orderName"});
  o.version = int_attr(node, {"version"});
  o.crc32 = int_attr(node, {"crc32"});
  o.order_sum = int_attr(node, {"orderSum"});
  o.unpaid_sum = int_attr(node, {"unpaidSum"});
  o.discount_sum = int_attr(node, {"discountSum"});
  o.prepay_sum = int_attr(node, {"prepaySum"});
  o.promised_sum = int_attr(node, {"promisedSum"});
  o.total_pieces = int_attr(node, {"totalPieces"});
  o.paid = bool_attr(node, {"paid"});
  o.finished = bool_attr(node, {"finished"});
  o.deleted = bool_attr(node, {"deleted"});
  o.open_time = text_attr(node, {"openTime"});
  o.persistent_comment = text_attr(node, {"persistentComment"});
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
