// Request builders: one <RK7Query><RK7CMD CMD="..."> document per command,
// elements in the order the qry*.xsd sequences require.

#include "rk7/codec.hpp"

#include "ref_names.hpp"

#include <pugixml.hpp>

#include <string>

namespace rk7 {
namespace {

struct query {
  pugi::xml_document doc;
  pugi::xml_node cmd;

  explicit query(const char* name) {
    pugi::xml_node decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "utf-8";
    cmd = doc.append_child("RK7Query").append_child("RK7CMD");
    cmd.append_attribute("CMD") = name;
  }

  std::string str() const {
    string_writer out;
    doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
    return std::move(out.text);
  }

private:
  /// pugixml's output straight into a string (no stream, no second copy).
  struct string_writer : pugi::xml_writer {
    std::string text;
    void write(const void* data, std::size_t size) override { text.append(static_cast<const char*>(data), size); }
  };
};

void set_int(pugi::xml_node node, const char* name, std::int64_t value) {
  node.append_attribute(name) = static_cast<long long>(value);
}

void set_bool(pugi::xml_node node, const char* name, bool value) {
  node.append_attribute(name) = value ? "1" : "0";
}

/// id wins over code, code over guid: the server takes exactly one.
void set_ref(pugi::xml_node node, const ref& r) {
  if (r.id)
    set_int(node, "id", *r.id);
  else if (r.code)
    set_int(node, "code", *r.code);
  else if (r.guid)
    node.append_attribute("guid") = r.guid->c_str();
}

pugi::xml_node add_ref(pugi::xml_node parent, const char* name, const ref& r) {
  pugi::xml_node node = parent.append_child(name);
  set_ref(node, r);
  return node;
}

void add_opt_ref(pugi::xml_node parent, const char* name, const std::optional<ref>& r) {
  if (r)
    add_ref(parent, name, *r);
}

void add_order(pugi::xml_node parent, const order_ref& o) {
  pugi::xml_node node = parent.append_child("Order");
  if (!o.guid.empty()) {
    node.append_attribute("guid") = o.guid.c_str();
  } else {
    set_int(node, "visit", o.visit);
    set_int(node, "orderIdent", o.order_ident);
  }
}

void add_license(pugi::xml_node parent, const license_info& l, bool with_seq) {
  pugi::xml_node info = parent.append_child("LicenseInfo");
  info.append_attribute("anchor") = l.anchor.c_str();
  info.append_attribute("licenseToken") = l.license_token.c_str();
  pugi::xml_node inst = info.append_child("LicenseInstance");
  inst.append_attribute("guid") = l.instance_guid.c_str();
  if (with_seq)
    inst.append_attribute("seqNumber") = static_cast<unsigned long long>(l.seq_number);
}

void add_dish(pugi::xml_node session, const dish_request& d) {
  pugi::xml_node dish = add_ref(session, "Dish", d.item);
  set_int(dish, "quantity", d.quantity);
  if (d.price)
    set_int(dish, "price", *d.price);
  for (const modi_request& m : d.modis) {
    pugi::xml_node modi = add_ref(dish, "Modi", m.item);
    set_int(modi, "count", m.count);
    if (m.price)
      set_int(modi, "price", *m.price);
    if (!m.open_name.empty())
      modi.append_attribute("openName") = m.open_name.c_str();
  }
}

void add_combo(pugi::xml_node session, const combo_request& c) {
  pugi::xml_node combo = add_ref(session, "Combo", c.item);
  set_int(combo, "quantity", c.quantity);
  for (const component_request& comp : c.components)
    set_int(add_ref(combo, "Component", comp.item), "count", comp.count);
}

void add_sessions(pugi::xml_node cmd, const std::vector<session_request>& sessions) {
  for (const session_request& s : sessions) {
    pugi::xml_node session = cmd.append_child("Session");
    add_opt_ref(session, "Station", s.station);
    for (const dish_request& d : s.dishes)
      add_dish(session, d);
    for (const combo_request& c : s.combos)
      add_combo(session, c);
    for (const discount_request& d : s.discounts) {
      pugi::xml_node discount = add_ref(session, "Discount", d.item);
      if (d.amount)
        set_int(discount, "amount", *d.amount);
    }
    for (const prepay_request& p : s.prepays) {
      pugi::xml_node prepay = add_ref(session, "Prepay", p.currency);
      set_int(prepay, "amount", p.amount);
      if (p.promised)
        set_bool(prepay, "promised", true);
      add_opt_ref(prepay, "Reason", p.reason);
    }
  }
}

} // namespace

std::string build(const get_system_info&) { return query("GetSystemInfo").str(); }
std::string build(const get_ref_list&) { return query("GetRefList").str(); }
std::string build(const get_dish_rests&) { return query("GetDishRests").str(); }

std::string build(const get_ref_data& r) {
  query q("GetRefData");
  q.cmd.append_attribute("RefName") = detail::schema_ref_name(r.ref_name).c_str();
  if (r.ref_item_ident)
    set_int(q.cmd, "RefItemIdent", *r.ref_item_ident);
  if (!r.prop_mask.empty())
    q.cmd.append_attribute("PropMask") = r.prop_mask.c_str();
  if (r.with_child_items != 0)
    set_int(q.cmd, "WithChildItems", r.with_child_items);
  set_bool(q.cmd, "OnlyActive", r.only_active);
  if (r.with_macro_prop)
    set_bool(q.cmd, "WithMacroProp", true);
  return q.str();
}

std::string build(const get_order_menu& r) {
  query q("GetOrderMenu");
  set_bool(q.cmd, "checkrests", r.check_rests);
  add_ref(q.cmd, "Station", r.station);
  add_opt_ref(q.cmd, "Table", r.table);
  add_opt_ref(q.cmd, "OrderCategory", r.order_category);
  return q.str();
}

std::string build(const create_order& r) {
  query q("CreateOrder");
  pugi::xml_node order = q.cmd.append_child("Order");
  if (!r.guid.empty())
    order.append_attribute("guid") = r.guid.c_str();
  if (!r.persistent_comment.empty())
    order.append_attribute("persistentComment") = r.persistent_comment.c_str();
  add_ref(order, "Table", r.table);
  add_opt_ref(order, "Station", r.station);
  add_opt_ref(order, "Waiter", r.waiter);
  add_opt_ref(order, "OrderCategory", r.order_category);
  add_opt_ref(order, "OrderType", r.order_type);
  if (r.guests > 0) {
    pugi::xml_node guests = order.append_child("Guests");
    set_int(guests, "count", r.guests);
    for (int i = 1; i <= r.guests; ++i)
      guests.append_child("Guest").append_attribute("guestLabel") = std::to_string(i).c_str();
  }
  if (!r.external_props.empty()) {
    pugi::xml_node props = order.append_child("ExternalProps");
    for (const auto& [name, value] : r.external_props) {
      pugi::xml_node prop = props.append_child("Prop");
      prop.append_attribute("name") = name.c_str();
      prop.append_attribute("value") = value.c_str();
    }
  }
  return q.str();
}

std::string build(const save_order& r) {
  query q("SaveOrder");
  if (r.deferred)
    set_bool(q.cmd, "deferred", true);
  if (r.license)
    add_license(q.cmd, *r.license, true);
  add_order(q.cmd, r.target);
  add_sessions(q.cmd, r.sessions);
  return q.str();
}

std::string build(const calc_order& r) {
  query q("CalcOrder");
  if (r.target) {
    add_order(q.cmd, *r.target);
  } else {
    // qryCalcOrder.xsd: Guests, GuestType?, OrderCategory, OrderType, Table, Waiter.
    set_int(q.cmd.append_child("Guests"), "count", r.guests);
    add_opt_ref(q.cmd, "OrderCategory", r.order_category);
    add_opt_ref(q.cmd, "OrderType", r.order_type);
    add_opt_ref(q.cmd, "Table", r.table);
    add_opt_ref(q.cmd, "Waiter", r.waiter);
  }
  add_sessions(q.cmd, r.sessions);
  return q.str();
}

std::string build(const validate_order& r) {
  query q("ValidateOrder");
  if (r.target)
    add_order(q.cmd, *r.target);
  add_opt_ref(q.cmd, "Table", r.table);
  add_opt_ref(q.cmd, "OrderCategory", r.order_category);
  add_sessions(q.cmd, r.sessions);
  return q.str();
}

std::string build(const get_order& r) {
  query q("GetOrder");
  add_order(q.cmd, r.target);
  return q.str();
}

std::string build(const get_order_list& r) {
  query q("GetOrderList");
  if (r.last_version)
    set_int(q.cmd, "lastversion", *r.last_version);
  set_bool(q.cmd, "onlyOpened", r.only_opened);
  // Written only when they differ from the vendor's defaults (1, 1, 0).
  if (!r.need_idents)
    set_bool(q.cmd, "needIdents", false);
  if (!r.need_codes)
    set_bool(q.cmd, "needCodes", false);
  if (r.need_names)
    set_bool(q.cmd, "needNames", true);
  return q.str();
}

std::string build(const print_bill& r) {
  query q("PrintBill");
  add_order(q.cmd, r.target);
  add_ref(q.cmd, "Station", r.station);
  add_ref(q.cmd, "Cashier", r.cashier);
  return q.str();
}

std::string build(const pay_order& r) {
  query q("PayOrder");
  if (r.license)
    add_license(q.cmd, *r.license, true);
  add_order(q.cmd, r.target);
  add_ref(q.cmd, "Station", r.station);
  add_ref(q.cmd, "Cashier", r.cashier);
  for (const payment_request& p : r.payments)
    set_int(add_ref(q.cmd, "Payment", p.currency), "amount", p.amount);
  return q.str();
}

std::string build(const void_order& r) {
  query q("VoidOrder");
  add_order(q.cmd, r.target);
  add_ref(q.cmd, "Station", r.station);
  add_ref(q.cmd, "Manager", r.manager);
  add_ref(q.cmd, "DeleteReason", r.reason);
  return q.str();
}

std::string build(const get_license_seq& r) {
  query q("GetXMLLicenseInstanceSeqNumber");
  add_license(q.cmd, r.license, false);
  return q.str();
}

} // namespace rk7
