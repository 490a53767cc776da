// Reference books as property rows, with r_keeper's property names.
#include "ref_rows.hpp"

#include <limits>

namespace rkgate::rk7sim {
namespace {

const char* status_text(bool active) { return active ? "rsActive" : "rsInactive"; }

/// Properties every item carries, in the order real replies show them.
ref_row base_row(const ref_base& x, const char* cls, ident parent) {
  ref_row r;
  r.id = x.id;
  r.guid = x.guid;
  r.active = x.active;
  r.parent = parent;
  r.class_name = cls;
  r.props = {{"Ident", std::to_string(x.id)},
             {"ItemIdent", std::to_string(x.id)},
             {"SourceIdent", "0"},
             {"GUIDString", x.guid},
             {"MainParentIdent", std::to_string(parent)},
             {"Name", x.name},
             {"AltName", ""},
             {"Code", std::to_string(x.code)},
             {"Status", status_text(x.active)}};
  return r;
}

void add(ref_row& r, const char* name, const std::string& value) { r.props.emplace_back(name, value); }
void add(ref_row& r, const char* name, long long value) { r.props.emplace_back(name, std::to_string(value)); }
void add_bool(ref_row& r, const char* name, bool value) { r.props.emplace_back(name, value ? "True" : "False"); }

std::string categ_path(const dataset& d, ident id) {
  std::string path;
  for (int guard = 0; id != 0 && guard < 32; ++guard) {
    const category* c = nullptr;
    for (const auto& x : d.categories)
      if (x.id == id)
        c = &x;
    if (!c)
      break;
    path = path.empty() ? c->name : c->name + "\\" + path;
    id = c->parent;
  }
  return path;
}

ident classification_root(const dataset& d, ident group) {
  for (int guard = 0; guard < 32; ++guard) {
    const classificator_group* g = nullptr;
    for (const auto& x : d.classificator_groups)
      if (x.id == group)
        g = &x;
    if (!g || g->parent == 0)
      return group;
    group = g->parent;
  }
  return group;
}

template <class Item>
void add_prices(const dataset& d, ref_row& r, const Item& item) {
  for (const auto& pt : d.price_types) {
    auto it = item.prices.find(pt.id);
    // An unset price reads as int64 max, as on real servers.
    long long v = it == item.prices.end() ? std::numeric_limits<long long>::max() : it->second;
    r.props.emplace_back("PRICETYPES-" + std::to_string(pt.id), std::to_string(v));
  }
}

} // namespace

const std::vector<std::string>& served_refs() {
  static const std::vector<std::string> refs = {
      "CASHES", "CATEGLIST", "CHANGEABLEORDERTYPES", "CLASSIFICATORGROUPS", "CURRENCIES",
      "DEPOSITCOLLECTREASONS", "DISCOUNTS", "EMPLOYEES", "MENUITEMS", "MODIFIERS", "MODIGROUPS",
      "MODISCHEMEDETAILS", "MODISCHEMES", "ORDERVOIDS", "PRICETYPES", "TABLES", "UNCHANGEABLEORDERTYPES"};
  return refs;
}

bool build_ref(const dataset& d, const std::string& n, ref_book& out) {
  out.name = n;
  out.rows.clear();
  if (n == "MENUITEMS") {
    out.class_name = "TRK7MenuItems";
    for (const auto& m : d.menu_items) {
      auto r = base_row(m, m.combo_scheme == 0 ? "TRK7MenuItem" : "TRK7MenuItemCombo", m.category);
      add(r, "Parent", m.category);
      add(r, "CategPath", categ_path(d, m.category));
      add(r, "ExtCode", 0);
      add(r, "ModiScheme", m.modi_scheme);
      add(r, "ComboScheme", m.combo_scheme);
      add(r, "CookMins", m.cook_mins);
      add(r, "Comment", m.comment);
      add(r, "Instruct", m.recipe);
      // Generated (user-defined) property, written only for WithMacroProp="1";
      // real menus keep the guest-facing description here (G-kw).
      add(r, "genDescription0419", m.comment);
      add(r, "LargeImagePath", "");
      add(r, "TaxDishType", 0);
      add_prices(d, r, m);
      for (ident g : m.groups)
        r.props.emplace_back("CLASSIFICATORGROUPS-" + std::to_string(classification_root(d, g)), std::to_string(g));
      out.rows.push_back(std::move(r));
    }
  } else if (n == "CATEGLIST") {
    out.class_name = "TCategListItems";
    for (const auto& c : d.categories) {
      auto r = base_row(c, "TCategListItem", c.parent);
      add(r, "Parent", c.parent);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "CLASSIFICATORGROUPS") {
    out.class_name = "TClassificatorGroups";
    for (const auto& g : d.classificator_groups) {
      auto r = base_row(g, "TClassificatorGroup", g.parent);
      add(r, "Parent", g.parent);
      for (const auto& m : d.menu_items)
        for (ident x : m.groups)
          if (x == g.id)
            r.members.push_back(m.id);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "MODIFIERS") {
    out.class_name = "TModifiers";
    for (const auto& m : d.modifiers) {
      ident group = 0;
      for (const auto& g : d.modi_groups)
        for (ident x : g.modifiers)
          if (x == m.id)
            group = g.id;
      auto r = base_row(m, "TModifier", group);
      add(r, "ModiGroup", group);
      // InputName: the till asks for the modifier's name (a free-text modifier).
      add_bool(r, "InputName", m.open);
      // Combo elements name the dish they stand for (real servers: D-combo, G-kw).
      add(r, "Dish", m.dish);
      add_prices(d, r, m);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "MODIGROUPS") {
    out.class_name = "TModiGroups";
    for (const auto& g : d.modi_groups) {
      auto r = base_row(g, "TModiGroup", 0);
      add(r, "ModiGroupType", g.combo ? "mgtCombo" : "mgtModifier");
      r.childs = g.modifiers;
      out.rows.push_back(std::move(r));
    }
  } else if (n == "MODISCHEMES") {
    out.class_name = "TModiSchemes";
    for (const auto& s : d.modi_schemes) {
      auto r = base_row(s, "TModiScheme", 0);
      add(r, "ModiSchemeType", s.combo ? "mstCombo" : "mstModifier");
      out.rows.push_back(std::move(r));
    }
  } else if (n == "MODISCHEMEDETAILS") {
    out.class_name = "TModiSchemeDetails";
    for (const auto& x : d.modi_scheme_details) {
      auto r = base_row(x, "TModiSchemeDetail", x.scheme);
      add(r, "ModiScheme", x.scheme);
      add(r, "ModiGroup", x.group);
      // Property names and order as real servers send them (G-kw model).
      add(r, "Flags", 0);
      add(r, "UpLimit", x.use_up_limit ? x.up_limit : 0);
      add(r, "DownLimit", x.down_limit);
      add(r, "SortNum", 0);
      add(r, "DefaultModifier", x.default_modifier);
      add(r, "FreeCount", x.free_count);
      add_bool(r, "AddUntilUpperLimit", false);
      add_bool(r, "ReplaceDefModifier", false);
      add_bool(r, "ChangesPrice", true);
      add_bool(r, "UseUpLimit", x.use_up_limit);
      add_bool(r, "UseDownLimit", x.down_limit > 0);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "UNCHANGEABLEORDERTYPES") {
    out.class_name = "TUChangeableOrderTypes";
    for (const auto& c : d.order_categories) {
      auto r = base_row(c, "TUChangeableOrderType", 0);
      add(r, "PriceType", c.price_type);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "CHANGEABLEORDERTYPES") {
    out.class_name = "TChangeableOrderTypes";
    for (const auto& t : d.order_types)
      out.rows.push_back(base_row(t, "TChangeableOrderType", 0));
  } else if (n == "DISCOUNTS") {
    out.class_name = "TDiscounts";
    for (const auto& x : d.discounts) {
      auto r = base_row(x, "TDiscount", 0);
      add_bool(r, "IsMarkup", x.is_markup());
      add_bool(r, "ManualAmount", x.manual_amount());
      add(r, "Percent", x.percent);
      add_bool(r, "Automatic", x.auto_order_category != 0);
      add(r, "AutoOrderCategory", x.auto_order_category);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "CURRENCIES") {
    out.class_name = "TCurrencies";
    for (const auto& c : d.currencies) {
      auto r = base_row(c, "TCurrency", 0);
      add(r, "CurrencyType", c.type);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "TABLES") {
    out.class_name = "TTables";
    for (const auto& t : d.tables) {
      auto r = base_row(t, "TTable", 0);
      add(r, "Hall", t.hall);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "PRICETYPES") {
    out.class_name = "TPriceTypes";
    for (const auto& p : d.price_types)
      out.rows.push_back(base_row(p, "TPriceType", 0));
  } else if (n == "CASHES") {
    out.class_name = "TCashes";
    for (const auto& s : d.stations) {
      auto r = base_row(s, "TCash", d.restaurant.cash_group);
      add(r, "NetName", s.net_name);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "EMPLOYEES") {
    out.class_name = "TEmployees";
    for (const auto& e : d.employees) {
      auto r = base_row(e, "TEmployee", 0);
      add(r, "Role", e.role);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "ORDERVOIDS") {
    out.class_name = "TOrderVoids";
    for (const auto& v : d.order_voids) {
      auto r = base_row(v, "TOrderVoid", 0);
      add_bool(r, "ImplOnCheckVoid", v.on_check_void);
      add_bool(r, "ImplOnBillCancel", v.on_bill_cancel);
      add_bool(r, "ImplOnDishReturn", v.on_dish_return);
      add_bool(r, "ImplOnAddDishInStopList", v.on_stop_list);
      add_bool(r, "ImplOnPrepayDeletion", v.on_prepay_deletion);
      out.rows.push_back(std::move(r));
    }
  } else if (n == "DEPOSITCOLLECTREASONS") {
    out.class_name = "TDepositCollectReasons";
    for (const auto& x : d.deposit_reasons)
      out.rows.push_back(base_row(x, "TDepositCollectReason", 0));
  } else {
    return false;
  }
  return true;
}

} // namespace rkgate::rk7sim
