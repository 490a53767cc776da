// GetSystemInfo, GetRefList, GetRefData, GetOrderMenu, GetDishRests.
#include "ref_rows.hpp"
#include "server_state.hpp"

#include <algorithm>
#include <cctype>
#include <unistd.h>

namespace rkgate::rk7sim {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

/// A parsed PropMask: which item properties to write.
struct prop_mask {
  bool all = true;
  std::vector<std::string> include;   // upper case; a trailing '*' is a prefix
  std::vector<std::string> exclude;   // from "!Prop"
  bool child_items = false;           // RIChildItems mentioned

  bool matches_one(const std::vector<std::string>& list, const std::string& prop) const {
    std::string p = upper(prop);
    for (const auto& m : list) {
      if (!m.empty() && m.back() == '*') {
        if (p.compare(0, m.size() - 1, m, 0, m.size() - 1) == 0)
          return true;
      } else if (m == p) {
        return true;
      }
    }
    return false;
  }
  bool wants(const std::string& prop) const {
    if (matches_one(exclude, prop))
      return false;
    return all || matches_one(include, prop);
  }
};

/// Parses "*", "items.(A,B)", "items.*", "{A,B}", "!A", "PRICETYPES^3", "PriceTypes*".
prop_mask parse_mask(const std::string& text) {
  prop_mask m;
  if (text.empty() || text == "*")
    return m;
  std::string s = text;
  std::string token;
  std::vector<std::string> tokens;
  int depth = 0;
  for (char c : s) {
    if (c == '(' || c == '{')
      ++depth;
    if (c == ')' || c == '}')
      --depth;
    if ((c == ',' || c == ';') && depth <= 1) {
      tokens.push_back(token);
      token.clear();
    } else if (c != '(' && c != ')' && c != '{' && c != '}' && c != ' ') {
      token += c;
    }
  }
  tokens.push_back(token);
  bool explicit_include = false;
  for (auto t : tokens) {
    std::string u = upper(t);
    if (u.rfind("ITEMS.", 0) == 0)
      u = u.substr(6);
    if (u.find("RICHILDITEMS") != std::string::npos) {
      m.child_items = true;
      continue;
    }
    if (u.empty())
      continue;
    if (u[0] == '!') {
      m.exclude.push_back(u.substr(1));
      continue;
    }
    auto caret = u.find('^');
    if (caret != std::string::npos)
      u = u.substr(0, caret) + "-" + u.substr(caret + 1);
    if (u == "*") {
      m.all = true;
      continue;
    }
    explicit_include = true;
    m.include.push_back(u);
  }
  m.all = !explicit_include;
  return m;
}

struct prop_filter {
  std::string name, value, substring;
  bool has_value = false;
};

bool passes(const ref_row& r, const std::vector<prop_filter>& filters) {
  for (const auto& f : filters) {
    bool ok = false;
    for (const auto& [k, v] : r.props)
      if (upper(k) == upper(f.name))
        ok = f.has_value ? v == f.value : v.find(f.substring) != std::string::npos;
    if (!ok)
      return false;
  }
  return true;
}

void write_row(pugi::xml_node parent, const char* element, const ref_row& r, const prop_mask& mask, int with_children,
               const std::vector<ref_row>& all_rows, const ref_book& menu) {
  auto item = parent.append_child(element);
  for (const auto& [k, v] : r.props)
    if (mask.wants(k))
      item.append_attribute(k.c_str()) = v.c_str();
  if (!r.childs.empty() && mask.wants("Childs")) {
    auto childs = item.append_child("Childs");
    childs.append_attribute("ClassName") = "tChildCollection";
    for (ident c : r.childs)
      childs.append_child("Child").append_attribute("ChildIdent") = static_cast<long long>(c);
  }
  if (with_children == 0)
    return;
  pugi::xml_node kids;
  auto kids_node = [&]() {
    if (!kids)
      kids = item.append_child("RIChildItems");
    return kids;
  };
  if (with_children & 1)
    for (const auto& c : all_rows)
      if (c.parent == r.id && c.id != r.id && &c != &r && c.class_name == r.class_name)
        write_row(kids_node(), c.class_name.c_str(), c, mask, with_children, all_rows, menu);
  if (with_children & 2)
    for (ident m : r.members)
      for (const auto& mr : menu.rows)
        if (mr.id == m)
          write_row(kids_node(), mr.class_name.c_str(), mr, mask, 0, menu.rows, menu);
}

const order_category* category_for(const dataset& d, ident id) {
  if (auto c = by_id(d.order_categories, id))
    return c;
  return d.order_categories.empty() ? nullptr : &d.order_categories.front();
}

} // namespace

void cash_server::impl::bump_ref(const std::string& ref_name) { ++ref_versions[ref_name]; }

void cash_server::impl::get_system_info(const pugi::xml_node&, pugi::xml_node out) {
  auto si = out.append_child("SystemInfo");
  si.append_attribute("SystemTime") = now_text().c_str();
  si.append_attribute("ReqSysVer") = 2;
  si.append_attribute("NetName") = data.restaurant.net_name.c_str();
  si.append_attribute("ProcessID") = static_cast<long long>(::getpid());
  std::string day = now_text().substr(0, 10);
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  si.append_attribute("ShiftDate") = day.c_str();
  si.append_attribute("RestCode") = static_cast<long long>(data.restaurant.rest_code);
  auto bp = si.append_child("BusinessPeriod");
  bp.append_attribute("id") = 0;
  bp.append_attribute("code") = 0;
  auto cg = si.append_child("CashGroup");
  cg.append_attribute("id") = static_cast<long long>(data.restaurant.cash_group);
  cg.append_attribute("code") = static_cast<long long>(data.restaurant.cash_group);
  cg.append_attribute("name") = data.restaurant.net_name.c_str();
  auto r = si.append_child("Restaurant");
  r.append_attribute("id") = 1;
  r.append_attribute("code") = static_cast<long long>(data.restaurant.rest_code);
  r.append_attribute("name") = data.restaurant.name.c_str();
}

void cash_server::impl::get_ref_list(const pugi::xml_node&, pugi::xml_node out) {
  auto list = out.append_child("RK7RefList");
  list.append_attribute("Count") = static_cast<unsigned>(served_refs().size());
  for (const auto& name : served_refs()) {
    ref_book book;
    build_ref(data, name, book);
    auto r = list.append_child("RK7Reference");
    r.append_attribute("RefName") = name.c_str();
    r.append_attribute("Count") = static_cast<unsigned>(book.rows.size());
    r.append_attribute("DataVersion") = ref_versions[name];
  }
}

void cash_server::impl::get_ref_data(const pugi::xml_node& q, pugi::xml_node out) {
  auto ref_attr = q.attribute("RefName");
  if (!ref_attr)
    bad_query("Attribute \"/RK7Query/RK7CMD/@RefName\" is not found");
  std::string name = upper(ref_attr.value());
  ref_book book;
  if (!build_ref(data, name, book))
    bad_query("Unknown reference " + std::string(ref_attr.value()));
  ref_book menu;
  build_ref(data, "MENUITEMS", menu);
  prop_mask mask = parse_mask(q.attribute("PropMask").value());
  bool only_active = q.attribute("OnlyActive").as_bool(false);
  // Generated gen* properties are written only on request, as on real servers.
  if (!q.attribute("WithMacroProp").as_bool(false))
    mask.exclude.push_back("GEN*");
  int with_children = q.attribute("WithChildItems").as_int(0);
  if (mask.child_items && with_children == 0)
    with_children = 1;
  std::vector<prop_filter> filters;
  for (auto f : q.child("PROPFILTERS").children("PROPFILTER")) {
    prop_filter pf;
    pf.name = f.attribute("Name") ? f.attribute("Name").value() : f.attribute("name").value();
    auto v = f.attribute("Value") ? f.attribute("Value") : f.attribute("value");
    pf.has_value = static_cast<bool>(v);
    pf.value = v.value();
    pf.substring = f.attribute("Substring").value();
    filters.push_back(pf);
  }

  auto ref = out.append_child("RK7Reference");
  auto single_ident = q.attribute("RefItemIdent");
  auto single_guid = q.attribute("RefItemGUID");
  if (single_ident || single_guid) {
    // One item: the collection attributes are omitted.
    const ref_row* found = nullptr;
    for (const auto& r : book.rows)
      if ((single_ident && r.id == single_ident.as_llong(-1)) || (single_guid && r.guid == single_guid.value()))
        found = &r;
    if (!found)
      exec_error(0, "Не найден элемент " +
                        std::string(single_ident ? single_ident.value() : single_guid.value()) +
                        " в коллекции " + name);
    write_row(ref.append_child("Items"), "Item", *found, mask, with_children, book.rows, menu);
    return;
  }
  std::vector<const ref_row*> rows;
  for (const auto& r : book.rows) {
    if (only_active && !r.active)
      continue;
    if (!passes(r, filters))
      continue;
    // With hierarchy, children are written inside their parents.
    if ((with_children & 1) && r.parent != 0 && std::any_of(book.rows.begin(), book.rows.end(), [&](const ref_row& p) {
          return p.id == r.parent && p.class_name == r.class_name;
        }))
      continue;
    rows.push_back(&r);
  }
  ref.append_attribute("DataVersion") = ref_versions[name];
  ref.append_attribute("ClassName") = book.class_name.c_str();
  ref.append_attribute("Name") = name.c_str();
  ident min_id = 0, max_id = 0;
  for (const auto& r : book.rows) {
    min_id = min_id == 0 ? r.id : std::min(min_id, r.id);
    max_id = std::max(max_id, r.id);
  }
  ref.append_attribute("MinIdent") = static_cast<long long>(min_id);
  ref.append_attribute("MaxIdent") = static_cast<long long>(max_id);
  ref.append_attribute("ViewRight") = 0;
  ref.append_attribute("UpdateRight") = 0;
  ref.append_attribute("ChildRight") = 0;
  ref.append_attribute("DeleteRight") = 0;
  ref.append_attribute("XMLExport") = "True";
  ref.append_attribute("XMLMask") = q.attribute("PropMask") ? q.attribute("PropMask").value() : "*";
  ref.append_attribute("LeafCollectionCount") = 1;
  ref.append_attribute("TotalItemCount") = static_cast<unsigned>(rows.size());
  auto items = ref.append_child("Items");
  for (const ref_row* r : rows)
    write_row(items, "Item", *r, mask, with_children, book.rows, menu);
}

void cash_server::impl::get_order_menu(const pugi::xml_node& q, pugi::xml_node out) {
  auto st = q.child("Station");
  if (!st)
    bad_query("Error: child element \"Station\" not found");
  need_ref(data.stations, st, "Cashes");
  const order_category* categ = nullptr;
  if (auto c = q.child("OrderCategory"))
    categ = &need_ref(data.order_categories, c, "UnchangeableOrderTypes");
  else if (auto o = q.child("Order"))
    categ = category_for(data, need_order(o).category);
  else
    categ = category_for(data, data.default_order_category);
  if (!categ)
    exec_error(0, "Нет категорий заказа");
  bool check_rests = q.attribute("checkrests").as_bool(true);
  const price_type* pt = by_id(data.price_types, categ->price_type);
  write_ref(out, "PriceScale", pt);
  auto tg = out.append_child("TradeGroup");
  tg.append_attribute("id") = 1;
  tg.append_attribute("code") = 1;
  tg.append_attribute("name") = "Основная торговая группа";
  auto dishes = out.append_child("Dishes");
  for (const auto& m : data.menu_items) {
    if (!m.active)
      continue;
    auto price = price_in(m, categ->price_type);
    if (!price)
      continue;
    std::optional<milli> limit;
    if (check_rests) {
      auto r = data.rests.find(m.id);
      if (r != data.rests.end()) {
        if (r->second.prohibited || (r->second.quantity && *r->second.quantity <= 0))
          continue; // stop-listed: absent from the menu
        limit = r->second.quantity;
      }
    }
    auto item = dishes.append_child("Item");
    item.append_attribute("Ident") = static_cast<long long>(m.id);
    item.append_attribute("Price") = static_cast<long long>(*price);
    if (limit)
      item.append_attribute("quantity") = static_cast<long long>(*limit);
  }
  auto modis = out.append_child("Modifiers");
  for (const auto& m : data.modifiers) {
    auto price = price_in(m, categ->price_type);
    if (!m.active || !price)
      continue;
    auto item = modis.append_child("Item");
    item.append_attribute("Ident") = static_cast<long long>(m.id);
    item.append_attribute("ID") = static_cast<long long>(m.id);
    item.append_attribute("Price") = static_cast<long long>(*price);
  }
  auto types = out.append_child("OrderTypes");
  for (const auto& t : data.order_types)
    if (t.active)
      types.append_child("Item").append_attribute("Ident") = static_cast<long long>(t.id);
}

void cash_server::impl::get_dish_rests(const pugi::xml_node&, pugi::xml_node out) {
  const order_void* reason = nullptr;
  for (const auto& v : data.order_voids)
    if (v.on_stop_list && !reason)
      reason = &v;
  for (const auto& [id, rest] : data.rests) {
    const menu_item* m = by_id(data.menu_items, id);
    if (!m)
      continue;
    auto n = out.append_child("DishRest");
    n.append_attribute("id") = static_cast<long long>(m->id);
    n.append_attribute("code") = static_cast<long long>(m->code);
    n.append_attribute("name") = m->name.c_str();
    n.append_attribute("quantity") = static_cast<long long>(std::max<milli>(0, rest.quantity.value_or(0)));
    n.append_attribute("prohibited") = rest.prohibited ? "1" : "0";
    if (rest.prohibited && reason)
      write_ref(n, "Reason", reason);
  }
}

} // namespace rkgate::rk7sim
