// Reply parsers: lenient readers over the common envelope (envelope.hpp).

#include "rk7/codec.hpp"

#include "envelope.hpp"
#include "order_record.hpp"
#include "xml_read.hpp"

#include <type_traits>

namespace rk7 {

using namespace detail;

namespace {

/// Runs `read(env)` on a reply whose status is fine; errors pass through.
/// "No changes" carries no payload: only GetOrderList gives it a meaning,
/// every other reply is then an empty value.
template <class Reply, class Read>
result<Reply> with_reply(std::string_view xml, Read read) {
  envelope env;
  if (auto err = open_reply(xml, env))
    return *err;
  if (env.no_changes && !std::is_same_v<Reply, order_list>)
    return Reply{};
  return read(env);
}

error missing(const char* what) {
  error e;
  e.kind = error_kind::bad_reply;
  e.message = std::string("reply has no ") + what;
  return e;
}

ref_item read_ref_item(pugi::xml_node node) {
  ref_item item;
  item.tag = node.name();
  for (pugi::xml_attribute a : node.attributes())
    item.attrs[a.name()] = a.value();
  for (pugi::xml_node child : node.children()) {
    if (is_named(child, "Childs")) {
      for (pugi::xml_node c : child.children())
        if (is_named(c, "Child"))
          if (auto ident = opt_int_attr(c, {"ChildIdent"}))
            item.child_idents.push_back(*ident);
    } else if (is_named(child, "RIChildItems")) {
      // Children's tags are their class names (TSelector, TSelectorDetail...).
      for (pugi::xml_node c : child.children())
        if (c.type() == pugi::node_element)
          item.children.push_back(read_ref_item(c));
    } else if (is_named(child, "Items")) {
      for (pugi::xml_node c : child.children())
        if (is_named(c, "Item"))
          item.children.push_back(read_ref_item(c));
    } else if (is_named(child, "ComboComponents") || is_named(child, "ComboGroup")
               || is_named(child, "Component")) {
      // A combo's component groups (rk7sim's shape; tag kept in ref_item::tag).
      item.children.push_back(read_ref_item(child));
    }
  }
  return item;
}

/// Items of a reference: under Items (7.5 docs) or directly (7.6 docs), and
/// the collection-level RIChildItems section that WithChildItems fills
/// (children tagged with their class name, e.g. TRK7MenuItem).
void read_items(pugi::xml_node parent, std::vector<ref_item>& out) {
  for (pugi::xml_node child : parent.children()) {
    if (is_named(child, "Item")) {
      out.push_back(read_ref_item(child));
    } else if (is_named(child, "Items")) {
      read_items(child, out);
    } else if (is_named(child, "RIChildItems")) {
      for (pugi::xml_node c : child.children())
        if (c.type() == pugi::node_element)
          out.push_back(read_ref_item(c));
    }
  }
}

std::vector<menu_price> read_prices(pugi::xml_node list) {
  std::vector<menu_price> out;
  for (pugi::xml_node item : list.children()) {
    if (!is_named(item, "Item"))
      continue;
    menu_price p;
    p.ident = int_attr(item, {"Ident", "ID"});
    p.price = int_attr(item, {"Price"});
    p.quantity = opt_int_attr(item, {"quantity"});
    out.push_back(p);
  }
  return out;
}

std::optional<named_ref> opt_ref_child(pugi::xml_node parent, const char* name) {
  pugi::xml_node node = find_child(parent, name);
  if (!node)
    return std::nullopt;
  return read_named_ref(node);
}

/// GetOrderList writes references flat (TableID/TableCode/TableName), each
/// part only when asked for (needIdents, needCodes, needNames: a lean list has
/// none of them), GetOrderList2 as a child element (<Table id code name/>).
struct flat_ref_names {
  const char* element; ///< "Table"
  const char* id;      ///< "TableID"
  const char* code;    ///< "TableCode"
  const char* name;    ///< "TableName"
};

std::optional<named_ref> flat_or_child_ref(pugi::xml_node node, const attr_list& attrs,
                                           const flat_ref_names& n) {
  const char* id = attrs.find({n.id});
  const char* code = attrs.find({n.code});
  const char* name = attrs.find({n.name});
  if (id || code || name) {
    named_ref r;
    r.id = id ? parse_int(id).value_or(0) : 0;
    r.code = code ? parse_int(code).value_or(0) : 0;
    r.name = name ? name : "";
    return r;
  }
  return opt_ref_child(node, n.element);
}

order_summary read_summary(pugi::xml_node node, std::int64_t visit) {
  attr_list a(node);
  order_summary s;
  s.visit = a.opt_int({"visit", "VisitID"}).value_or(visit);
  s.order_ident = a.integer({"OrderID", "orderIdent"});
  s.guid = a.text({"guid"});
  s.guid_key = rkgate::guid_bits_of(s.guid);
  s.version = a.integer({"Version"});
  s.crc32 = a.integer({"crc32"});
  s.order_sum = a.integer({"OrderSum"});
  s.to_pay_sum = a.integer({"ToPaySum", "unpaidSum"});
  s.prepay_sum = a.integer({"PrepaySum"});
  s.finished = a.flag({"Finished"});
  // GetOrderList2 has no Bill flag; a precheck time means one was printed.
  s.bill = a.flag({"Bill"}) || a.has_text({"BillTime"});
  s.paid = a.flag({"paid"});
  s.deleted = a.flag({"deleted"});
  s.table = flat_or_child_ref(node, a, {"Table", "TableID", "TableCode", "TableName"});
  return s;
}

} // namespace

template <>
result<system_info> parse<system_info>(std::string_view xml) {
  return with_reply<system_info>(xml, [](const envelope& env) -> result<system_info> {
    system_info s;
    s.server_version = text_attr(env.root, {"ServerVersion"});
    s.xml_version = text_attr(env.root, {"XmlVersion"});
    s.net_name = text_attr(env.root, {"NetName"});
    pugi::xml_node info = find_child(env.payload, "SystemInfo");
    if (!info)
      return missing("<SystemInfo>");
    if (s.net_name.empty())
      s.net_name = text_attr(info, {"NetName"});
    s.rest_code = text_attr(info, {"RestCode"});
    s.shift_date = text_attr(info, {"ShiftDate"});
    s.restaurant = opt_ref_child(info, "Restaurant");
    return s;
  });
}

template <>
result<ref_list> parse<ref_list>(std::string_view xml) {
  return with_reply<ref_list>(xml, [](const envelope& env) -> result<ref_list> {
    pugi::xml_node list = find_child(env.payload, "RK7RefList");
    if (!list)
      return missing("<RK7RefList>");
    ref_list out;
    for (pugi::xml_node r : list.children()) {
      if (!is_named(r, "RK7Reference"))
        continue;
      ref_list_entry e;
      e.ref_name = text_attr(r, {"RefName", "Name"});
      e.count = int_attr(r, {"Count"});
      e.data_version = int_attr(r, {"DataVersion"});
      out.references.push_back(std::move(e));
    }
    return out;
  });
}

template <>
result<reference> parse<reference>(std::string_view xml) {
  return with_reply<reference>(xml, [](const envelope& env) -> result<reference> {
    reference out;
    // With RefItemIdent the server omits RK7Reference's attributes but may
    // also omit the element; accept items straight under the payload.
    pugi::xml_node ref = find_child(env.payload, "RK7Reference");
    pugi::xml_node holder = ref ? ref : env.payload;
    out.ref_name = text_attr(ref, {"Name", "RefName"});
    out.data_version = int_attr(ref, {"DataVersion"});
    read_items(holder, out.items);
    if (!ref && out.items.empty())
      return missing("<RK7Reference>");
    return out;
  });
}

template <>
result<order_menu> parse<order_menu>(std::string_view xml) {
  return with_reply<order_menu>(xml, [](const envelope& env) -> result<order_menu> {
    order_menu m;
    m.price_scale = opt_ref_child(env.payload, "PriceScale");
    m.dishes = read_prices(find_child(env.payload, "Dishes"));
    m.modifiers = read_prices(find_child(env.payload, "Modifiers"));
    for (pugi::xml_node item : find_child(env.payload, "OrderTypes").children())
      if (is_named(item, "Item"))
        m.order_types.push_back(int_attr(item, {"Ident", "id"}));
    return m;
  });
}

template <>
result<dish_rests> parse<dish_rests>(std::string_view xml) {
  return with_reply<dish_rests>(xml, [](const envelope& env) -> result<dish_rests> {
    dish_rests out;
    for (pugi::xml_node node : env.payload.children()) {
      if (!is_named(node, "DishRest"))
        continue;
      dish_rest r;
      r.id = int_attr(node, {"id"});
      r.code = int_attr(node, {"code"});
      r.name = text_attr(node, {"name"});
      r.quantity = int_attr(node, {"quantity"});
      r.prohibited = bool_attr(node, {"prohibited"});
      out.rests.push_back(std::move(r));
    }
    return out;
  });
}

template <>
result<created_order> parse<created_order>(std::string_view xml) {
  return with_reply<created_order>(xml, [](const envelope& env) -> result<created_order> {
    created_order c;
    c.visit = result_attr(env, {"VisitID", "visit"}).as_llong();
    c.order_ident = result_attr(env, {"OrderID", "orderIdent"}).as_llong();
    c.guid = result_attr(env, {"guid"}).value();
    if (pugi::xml_node node = find_child(env.payload, "Order")) {
      c.record = read_order(node);
      if (c.visit == 0)
        c.visit = c.record->visit;
      if (c.order_ident == 0)
        c.order_ident = c.record->order_ident;
      if (c.guid.empty())
        c.guid = c.record->guid;
    }
    if (c.visit == 0 && c.guid.empty())
      return missing("VisitID, guid or <Order>");
    return c;
  });
}

template <>
result<saved_order> parse<saved_order>(std::string_view xml) {
  return with_reply<saved_order>(xml, [](const envelope& env) -> result<saved_order> {
    saved_order s;
    s.errors = line_errors(env.payload);
    pugi::xml_node node = find_child(env.payload, "Order");
    if (!node)
      return missing("<Order>");
    s.record = read_order(node);
    return s;
  });
}

template <>
result<calculated_order> parse<calculated_order>(std::string_view xml) {
  return with_reply<calculated_order>(xml, [](const envelope& env) -> result<calculated_order> {
    calculated_order c;
    c.errors = line_errors(env.payload);
    pugi::xml_node node = find_child(env.payload, "Order");
    if (!node)
      return missing("<Order>");
    c.record = read_order(node);
    return c;
  });
}

template <>
result<validation> parse<validation>(std::string_view xml) {
  return with_reply<validation>(xml, [](const envelope& env) -> result<validation> {
    return validation{line_errors(env.payload)};
  });
}

template <>
result<order> parse<order>(std::string_view xml) {
  return with_reply<order>(xml, [](const envelope& env) -> result<order> {
    pugi::xml_node node = find_child(env.payload, "Order");
    if (!node)
      return missing("<Order>");
    return read_order(node);
  });
}

template <>
result<order_list> parse<order_list>(std::string_view xml) {
  return with_reply<order_list>(xml, [](const envelope& env) -> result<order_list> {
    order_list out;
    out.no_changes = env.no_changes;
    out.last_version = result_attr(env, {"lastversion"}).as_llong();
    for (pugi::xml_node visit : env.payload.children()) {
      if (!is_named(visit, "Visit"))
        continue;
      std::int64_t visit_id = int_attr(visit, {"VisitID", "visit"});
      for (pugi::xml_node o : find_child(visit, "Orders").children())
        if (is_named(o, "Order"))
          out.orders.push_back(read_summary(o, visit_id));
    }
    return out;
  });
}

template <>
result<ack> parse<ack>(std::string_view xml) {
  return with_reply<ack>(xml, [](const envelope&) -> result<ack> { return ack{}; });
}

template <>
result<license_seq> parse<license_seq>(std::string_view xml) {
  return with_reply<license_seq>(xml, [](const envelope& env) -> result<license_seq> {
    pugi::xml_node inst = find_child(find_child(env.payload, "LicenseInfo"), "LicenseInstance");
    auto seq = opt_int_attr(inst, {"seqNumber"});
    if (!seq || *seq < 0)
      return missing("LicenseInfo/LicenseInstance seqNumber");
    return license_seq{static_cast<std::uint64_t>(*seq)};
  });
}

} // namespace rk7
