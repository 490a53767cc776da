#include "actors/menu.hpp"
#include "common/digest.hpp"
#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <utility>
#include <strings.h>

namespace rkgate::actors {

namespace {

using nlohmann::json;

std::optional<std::int64_t> first_int(const rk7::ref_item& item,
                                      std::initializer_list<const char*> names) {
  for (auto* n : names)
    if (auto v = item.get_int(n))
      return v;
  return std::nullopt;
}

std::string first_text(const rk7::ref_item& item, std::initializer_list<const char*> names) {
  for (auto* n : names)
    if (auto v = item.get(n); v && !v->empty())
      return *v;
  return {};
}

std::int64_t ident_of(const rk7::ref_item& item) { return item.ident(); }

/// A `True`/`False` property; nullopt when absent.
std::optional<bool> flag(const rk7::ref_item& item, const char* name) {
  auto v = item.get(name);
  if (!v)
    return std::nullopt;
  return strcasecmp(v->c_str(), "True") == 0 || *v == "1";
}

/// Selection limits of a MODISCHEMEDETAILS line. `UpLimit`/`DownLimit` count
/// only when `UseUpLimit`/`UseDownLimit` are True (real servers send
/// `UpLimit="0" UseUpLimit="False"` for "no upper limit"). Without the
/// switches the limits are taken as given, an UpLimit of 0 meaning none.
std::pair<int, std::optional<int>> limits_of(const rk7::ref_item& line) {
  auto down = line.get_int("DownLimit").value_or(0);
  auto up = line.get_int("UpLimit").value_or(0);
  int min = flag(line, "UseDownLimit").value_or(true) ? static_cast<int>(std::max<std::int64_t>(0, down)) : 0;
  std::optional<int> max;
  if (flag(line, "UseUpLimit").value_or(up > 0))
    max = static_cast<int>(std::max<std::int64_t>(0, up));
  return {min, max};
}

/// Orders MODISCHEMEDETAILS lines by `SortNum`, keeping the reply's order otherwise.
void by_sort_num(std::vector<rk7::ref_item>& lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const rk7::ref_item& a, const rk7::ref_item& b) {
    return a.get_int("SortNum").value_or(0) < b.get_int("SortNum").value_or(0);
  });
}

std::int64_t parent_of(const rk7::ref_item& item) {
  return first_int(item, {"Parent", "MainParentIdent", "ParentIdent"}).value_or(0);
}

bool active(const rk7::ref_item& item) {
  auto s = item.get("Status");
  if (!s)
    return true;
  return strcasecmp(s->c_str(), "rsDeleted") != 0 && strcasecmp(s->c_str(), "rsInactive") != 0
         && strcasecmp(s->c_str(), "rsDraft") != 0;
}

int sort_of(const rk7::ref_item& item, int fallback) {
  return static_cast<int>(first_int(item, {"SortOrder", "Sort", "OrderNum"}).value_or(fallback));
}

/// Every item of a reference, with RIChildItems hierarchies flattened; a
/// nested item without its own parent attribute gets its enclosing item's.
std::vector<rk7::ref_item> flatten(const rk7::reference* ref) {
  std::vector<rk7::ref_item> out;
  if (!ref)
    return out;
  std::function<void(const rk7::ref_item&, std::int64_t)> walk =
    [&](const rk7::ref_item& item, std::int64_t parent) {
      rk7::ref_item copy = item;
      copy.children.clear();
      if (parent != 0 && parent_of(copy) == 0)
        copy.attrs["Parent"] = std::to_string(parent);
      out.push_back(copy);
      for (const auto& child : item.children)
        walk(child, ident_of(item));
    };
  for (const auto& item : ref->items)
    walk(item, 0);
  return out;
}

const rk7::reference* find_ref(const menu_sources& src, const char* name) {
  auto it = src.refs.find(name);
  return it == src.refs.end() ? nullptr : &it->second;
}

/// The group of `classification` a dish is in: `CLASSIFICATORGROUPS-<classification>`
/// (value = group Ident; 0 or absent: not classified there).
std::int64_t dish_group(const rk7::ref_item& dish, std::int64_t classification) {
  return dish.get_int("CLASSIFICATORGROUPS-" + std::to_string(classification)).value_or(0);
}

json opt_int(const std::optional<std::int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}

json opt_count(const std::optional<int>& v) {
  return v ? json(*v) : json(nullptr);
}

json opt_portions(const std::optional<milli>& v) {
  return v ? json(portions(*v)) : json(nullptr);
}

json content_of(const menu& m) {
  json cats = json::array();
  for (const auto& c : m.categories)
    cats.push_back({{"id", c.id}, {"name", c.name}, {"parent_id", opt_int(c.parent_id)}, {"sort", c.sort}});
  json items = json::array();
  for (const auto& i : m.items) {
    if (m.stopped.count(i.id))
      continue;
    items.push_back({{"id", i.id},
                     {"code", i.code},
                     {"name", i.name},
                     {"description", i.description},
                     {"category_id", i.category_id},
                     {"price", to_number(i.price)},
                     {"remains", opt_portions(i.remains)},
                     {"modifier_scheme_id", opt_int(i.modifier_scheme_id)},
                     {"combo", i.combo},
                     {"sort", i.sort}});
  }
  json schemes = json::array();
  for (const auto& s : m.schemes) {
    json groups = json::array();
    for (const auto& g : s.groups) {
      json mods = json::array();
      for (const auto& mod : g.modifiers)
        mods.push_back({{"id", mod.id},
                        {"code", mod.code},
                        {"name", mod.name},
                        {"price", to_number(mod.price)},
                        {"remains", opt_portions(mod.remains)}});
      groups.push_back({{"id", g.id}, {"name", g.name}, {"min", g.min}, {"max", opt_count(g.max)}, {"modifiers", mods}});
    }
    schemes.push_back({{"id", s.id}, {"name", s.name}, {"groups", groups}});
  }
  json combos = json::array();
  for (const auto& c : m.combos) {
    if (m.stopped.count(c.item_id))
      continue;
    json comps = json::array();
    for (const auto& comp : c.components)
      comps.push_back({{"id", comp.id},
                       {"name", comp.name},
                       {"min", comp.min},
                       {"max", opt_count(comp.max)},
                       {"default_item_id", opt_int(comp.default_item_id)},
                       {"items", comp.items}});
    combos.push_back({{"item_id", c.item_id}, {"components", comps}});
  }
  return json{{"order_category", {{"code", m.order_category_code}, {"name", m.order_category_name}}},
              {"categories", cats},
              {"items", items},
              {"modifier_schemes", schemes},
              {"combos", combos}};
}

} // namespace

const std::vector<std::string>& menu_ref_names() {
  static const std::vector<std::string> names = {
    "MENUITEMS", "CATEGLIST", "CLASSIFICATORGROUPS", "MODIFIERS", "MODIGROUPS", "MODISCHEMES",
    "MODISCHEMEDETAILS", "DISCOUNTS", "CURRENCIES", "UNCHANGEABLEORDERTYPES"};
  return names;
}

void menu::finish(const std::string& now, const menu* previous) {
  auto data = content_of(*this);
  version = sha256_hex(json_text(data)).substr(0, 16);
  updated_at = (previous && previous->version == version) ? previous->updated_at : now;
  data["version"] = version;
  data["updated_at"] = updated_at;
  json = json_text(data);
}

menu build_menu(const menu_sources& src) {
  menu m;
  m.order_category_code = src.order_category_code;

  std::optional<std::int64_t> price_type; // the order category's PriceType, when the server names it
  for (const auto& oc : flatten(find_ref(src, "UNCHANGEABLEORDERTYPES")))
    if (first_int(oc, {"Code"}).value_or(-1) == src.order_category_code) {
      m.order_category_name = first_text(oc, {"Name"});
      m.order_category_id = ident_of(oc);
      price_type = oc.get_int("PriceType");
    }
  for (const auto& d : flatten(find_ref(src, "DISCOUNTS")))
    if (active(d))
      if (auto code = first_int(d, {"Code"}))
        m.discount_codes.insert(*code);
  for (const auto& c : flatten(find_ref(src, "CURRENCIES")))
    if (active(c))
      if (auto code = first_int(c, {"Code"}))
        m.currency_codes.insert(*code);

  // -- the classification and its groups ----------------------------------------------
  // Dishes name their group per classification: CLASSIFICATORGROUPS-<classification>
  // = group. The configured Ident is the classification itself or a group inside one;
  // either way the attribute to read is the one of the tree's root.
  auto groups = flatten(find_ref(src, "CLASSIFICATORGROUPS"));
  std::map<std::int64_t, std::int64_t> parent;
  for (const auto& g : groups)
    parent[ident_of(g)] = parent_of(g);
  const std::int64_t selected = src.classification;
  std::int64_t root = selected;
  for (int depth = 0; depth < 64; ++depth) {
    auto it = parent.find(root);
    if (it == parent.end() || it->second == 0)
      break;
    root = it->second;
  }
  auto in_subtree = [&](std::int64_t id) {
    for (int depth = 0; id != 0 && depth < 64; ++depth) {
      if (id == selected)
        return true;
      auto it = parent.find(id);
      if (it == parent.end())
        return false;
      id = it->second;
    }
    return false;
  };
  std::map<std::int64_t, menu_category> categories; // the selected subtree, without itself
  int position = 0;
  for (const auto& g : groups) {
    auto id = ident_of(g);
    ++position;
    if (id == selected || !in_subtree(id) || !active(g))
      continue;
    menu_category c;
    c.id = id;
    c.name = first_text(g, {"Name"});
    auto p = parent_of(g);
    if (p != 0 && p != selected)
      c.parent_id = p;
    c.sort = sort_of(g, position);
    categories[id] = c;
  }

  // -- prices, stop list and remains ------------------------------------------------
  std::map<std::int64_t, const rk7::menu_price*> prices;
  for (const auto& p : src.order_menu.dishes)
    prices[p.ident] = &p;
  std::map<std::int64_t, const rk7::dish_rest*> rests;
  for (const auto& r : src.rests.rests)
    rests[r.id] = &r;
  std::map<std::int64_t, kopecks> modifier_prices;
  for (const auto& p : src.order_menu.modifiers)
    modifier_prices[p.ident] = p.price;

  // -- dishes ---------------------------------------------------------------------
  // A dish is sold externally when its group in the classification is the
  // selected Ident or lies below it. When the classification (a root) names
  // a group the reference book does not list, the dish's own RIChildItems
  // TClassificatorGroup names it.
  std::set<std::int64_t> used_schemes;
  std::vector<std::pair<rk7::ref_item, std::int64_t>> sold; // dish, group
  bool by_classification = false;
  static const std::vector<rk7::ref_item> none;
  const auto* dishes = find_ref(src, "MENUITEMS");
  std::map<std::int64_t, const rk7::ref_item*> dish_by_id;
  for (const auto& d : dishes ? dishes->items : none) {
    if (ident_of(d) == 0 || !active(d))
      continue;
    dish_by_id[ident_of(d)] = &d;
    auto group = dish_group(d, root);
    if (group == 0)
      continue;
    bool known = parent.count(group) != 0;
    if (!(group == selected || in_subtree(group) || (!known && root == selected)))
      continue; // not sold through external sources
    if (group != selected && !categories.count(group)) {
      if (known && !in_subtree(group))
        continue;
      menu_category c{group, "", std::nullopt, static_cast<int>(categories.size()) + 1};
      for (const auto& child : d.children)
        if (child.ident() == group)
          c.name = first_text(child, {"Name"});
      categories[group] = c;
    }
    by_classification = by_classification || group != selected;
    sold.emplace_back(d, group);
  }
  bool direct = std::any_of(sold.begin(), sold.end(), [&](const auto& x) { return x.second == selected; });
  if (by_classification && direct) {
    // Some dishes sit in the selected group itself, others below it: the
    // selected group is then a category too, the top of the others.
    for (auto& [id, c] : categories)
      if (!c.parent_id && parent[id] == selected)
        c.parent_id = selected;
    for (const auto& g : groups)
      if (ident_of(g) == selected)
        categories[selected] = menu_category{selected, first_text(g, {"Name"}), std::nullopt, 0};
  }
  for (const auto& [id, c] : categories)
    m.categories.push_back(c);
  if (!by_classification) {
    // Every dish sits in the selected group itself: the dish category tree
    // (CATEGLIST, a dish's Parent) gives the categories instead.
    m.categories.clear();
    std::map<std::int64_t, rk7::ref_item> categ;
    for (const auto& c : flatten(find_ref(src, "CATEGLIST")))
      categ[ident_of(c)] = c;
    std::set<std::int64_t> wanted;
    for (auto& [d, category] : sold) {
      category = parent_of(d);
      for (auto id = category; id != 0 && !wanted.count(id) && categ.count(id);
           id = parent_of(categ[id]))
        wanted.insert(id);
    }
    position = 0;
    for (const auto& [id, c] : categ) {
      ++position;
      if (!wanted.count(id))
        continue;
      auto p = parent_of(c);
      m.categories.push_back(menu_category{id, first_text(c, {"Name"}),
                                           wanted.count(p) ? std::optional<std::int64_t>(p) : std::nullopt,
                                           sort_of(c, position)});
    }
  }
  position = 0;
  for (const auto& [d, category] : sold) {
    ++position;
    auto id = ident_of(d);
    menu_item item;
    item.id = id;
    item.code = first_int(d, {"Code"}).value_or(0);
    item.name = first_text(d, {"Name"});
    // genDescription0419 (a generated property, asked for with WithMacroProp),
    // else Comment, else Instruct (the recipe-like field rk7sim serves).
    item.description = first_text(d, {"genDescription0419", "Comment", "Instruct"});
    item.category_id = category;
    auto scheme = first_int(d, {"ModiScheme"}).value_or(0);
    if (scheme != 0) {
      item.modifier_scheme_id = scheme;
      used_schemes.insert(scheme);
    }
    item.combo = first_int(d, {"ComboScheme"}).value_or(0) != 0;
    item.sort = sort_of(d, position);

    auto price = prices.find(id);
    auto rest = rests.find(id);
    bool stopped = price == prices.end() || (rest != rests.end() && rest->second->prohibited);
    if (price != prices.end()) {
      item.price = price->second->price;
      if (price->second->quantity)
        item.remains = price->second->quantity;
    }
    if (!item.remains && rest != rests.end() && !rest->second->prohibited)
      item.remains = rest->second->quantity;
    if (item.remains && *item.remains <= 0)
      stopped = true;
    if (stopped)
      m.stopped.insert(id);
    if (item.code != 0)
      m.id_by_code[item.code] = id;
    m.item_by_id[id] = m.items.size();
    m.items.push_back(item);
  }

  // -- modifiers, their groups and scheme lines ---------------------------------------
  std::map<std::int64_t, rk7::ref_item> modifiers;
  std::map<std::int64_t, std::vector<std::int64_t>> group_members;
  for (const auto& mod : flatten(find_ref(src, "MODIFIERS"))) {
    if (!active(mod))
      continue;
    auto id = ident_of(mod);
    modifiers[id] = mod;
    if (auto p = first_int(mod, {"ModiGroup"}).value_or(parent_of(mod)))
      group_members[p].push_back(id);
  }
  std::map<std::int64_t, rk7::ref_item> modi_groups;
  for (const auto& g : flatten(find_ref(src, "MODIGROUPS"))) {
    auto id = ident_of(g);
    modi_groups[id] = g;
    for (auto child : g.child_idents)
      if (std::find(group_members[id].begin(), group_members[id].end(), child) == group_members[id].end())
        group_members[id].push_back(child);
  }
  auto group_name = [&](std::int64_t group, const rk7::ref_item& line) {
    auto it = modi_groups.find(group);
    auto name = it == modi_groups.end() ? std::string() : first_text(it->second, {"Name"});
    return name.empty() ? first_text(line, {"Name"}) : name;
  };
  std::map<std::int64_t, std::string> scheme_names;
  for (const auto& s : flatten(find_ref(src, "MODISCHEMES")))
    scheme_names[ident_of(s)] = first_text(s, {"Name"});
  std::map<std::int64_t, std::vector<rk7::ref_item>> lines_of; // by ModiScheme
  for (const auto& det : flatten(find_ref(src, "MODISCHEMEDETAILS")))
    if (active(det))
      if (auto scheme = first_int(det, {"ModiScheme"}))
        lines_of[*scheme].push_back(det);
  for (auto& [scheme, lines] : lines_of)
    by_sort_num(lines);

  // -- combos: ComboScheme -> MODISCHEMEDETAILS -> MODIGROUPS (mgtCombo) -> MODIFIERS Dish --
  for (const auto& item : m.items) {
    if (!item.combo)
      continue;
    const auto& d = *dish_by_id.at(item.id);
    menu_combo combo;
    combo.item_id = item.id;
    for (const auto& line : lines_of[first_int(d, {"ComboScheme"}).value_or(0)]) {
      auto group = first_int(line, {"ModiGroup"}).value_or(0);
      if (group == 0)
        continue;
      menu_combo_component comp;
      comp.id = group;
      comp.name = group_name(group, line);
      std::tie(comp.min, comp.max) = limits_of(line);
      for (auto element : group_members[group]) {
        auto it = modifiers.find(element);
        auto dish = it == modifiers.end() ? 0 : it->second.get_int("Dish").value_or(0);
        // A component dish may lie outside the classification, but not on the stop list.
        if (dish == 0 || !dish_by_id.count(dish) || m.stopped.count(dish)
            || (!m.item_by_id.count(dish) && rests.count(dish) && rests[dish]->prohibited))
          continue;
        comp.items.push_back(dish);
        if (auto code = dish_by_id[dish]->get_int("Code"))
          m.component_id_by_code[*code] = dish;
        if (line.get_int("DefaultModifier").value_or(0) == element)
          comp.default_item_id = dish;
      }
      combo.components.push_back(comp);
    }
    m.combos.push_back(combo);
  }

  // -- modifier schemes ---------------------------------------------------------------
  // Modifiers with InputName="True" take a free-text name: the API carries that
  // as `item_comment`, so they are not offered; groups left empty are dropped.
  for (auto scheme : used_schemes) {
    menu_scheme s;
    s.id = scheme;
    s.name = scheme_names[scheme];
    for (const auto& line : lines_of[scheme]) {
      auto group = first_int(line, {"ModiGroup"}).value_or(0);
      if (group == 0)
        continue;
      menu_modifier_group g;
      g.id = group;
      g.name = group_name(group, line);
      std::tie(g.min, g.max) = limits_of(line);
      for (auto mid : group_members[group]) {
        auto it = modifiers.find(mid);
        if (it == modifiers.end() || flag(it->second, "InputName").value_or(false))
          continue;
        menu_modifier mod;
        mod.id = mid;
        mod.code = first_int(it->second, {"Code"}).value_or(0);
        mod.name = first_text(it->second, {"Name"});
        if (auto p = modifier_prices.find(mid); p != modifier_prices.end())
          mod.price = p->second;
        else if (price_type)
          mod.price = it->second.price(*price_type).value_or(0);
        if (mod.code != 0)
          m.modifier_id_by_code[mod.code] = mid;
        g.modifiers.push_back(mod);
      }
      if (!g.modifiers.empty())
        s.groups.push_back(g);
    }
    m.schemes.push_back(s);
  }

  auto by_sort = [](const auto& a, const auto& b) {
    return a.sort != b.sort ? a.sort < b.sort : a.id < b.id;
  };
  std::stable_sort(m.categories.begin(), m.categories.end(), by_sort);
  return m;
}

std::optional<std::int64_t> resolve_item(const menu& m, const item_ref& ref) {
  if (ref.id)
    return m.item_by_id.count(*ref.id) ? ref.id : std::nullopt;
  if (ref.code) {
    auto it = m.id_by_code.find(*ref.code);
    if (it != m.id_by_code.end())
      return it->second;
  }
  return std::nullopt;
}

namespace {

/// The combo rules of a cart line (api.md §3.3): a combo carries components
/// and no modifiers, each component names an item of that combo component,
/// and each component's count is within its limits; below `min` is allowed
/// when the component has a default (the cash server adds it). A dish that
/// is not a combo carries no components.
bool combo_ok(const menu& m, const menu_item& item, const cart_item& line) {
  if (!item.combo)
    return line.components.empty();
  const menu_combo* combo = nullptr;
  for (const auto& cmb : m.combos)
    if (cmb.item_id == item.id)
      combo = &cmb;
  if (!combo || line.components.empty() || !line.modifiers.empty())
    return false;
  std::map<std::int64_t, std::int64_t> chosen; // by component id
  for (const auto& comp : line.components) {
    const menu_combo_component* def = nullptr;
    for (const auto& cc : combo->components)
      if (cc.id == comp.component_id)
        def = &cc;
    if (!def)
      return false;
    std::optional<std::int64_t> dish = comp.item.id;
    if (!dish && comp.item.code)
      if (auto it = m.component_id_by_code.find(*comp.item.code); it != m.component_id_by_code.end())
        dish = it->second;
    if (!dish || std::find(def->items.begin(), def->items.end(), *dish) == def->items.end())
      return false;
    // SaveOrder counts whole pieces (order_mapping: at least 1).
    chosen[def->id] += std::max<std::int64_t>(1, comp.quantity / 1000);
  }
  for (const auto& cc : combo->components) {
    auto n = chosen[cc.id];
    if ((cc.max && n > *cc.max) || (n < cc.min && !cc.default_item_id))
      return false;
  }
  return true;
}

} // namespace

std::vector<cart_problem> check_cart(const menu& m, const cart& c) {
  std::vector<cart_problem> out;
  std::map<std::int64_t, milli> wanted;
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    const auto& line = c.items[i];
    cart_problem p;
    p.index = i;
    p.id = line.ref.id;
    p.code = line.ref.code;
    auto id = resolve_item(m, line.ref);
    if (!id) {
      p.problem = "unknown_item";
      out.push_back(p);
      continue;
    }
    const auto& item = m.items[m.item_by_id.at(*id)];
    p.id = item.id;
    p.code = item.code;
    if (m.stopped.count(*id)) {
      p.problem = "stop_list";
      out.push_back(p);
      continue;
    }
    auto& total = wanted[*id];
    total += line.quantity;
    if (item.remains && total > *item.remains) {
      p.problem = "not_enough_remains";
      p.available = *item.remains;
      out.push_back(p);
      continue;
    }
    // Modifiers must come from the dish's scheme, within each group's limits.
    const menu_scheme* scheme = nullptr;
    if (item.modifier_scheme_id)
      for (const auto& s : m.schemes)
        if (s.id == *item.modifier_scheme_id)
          scheme = &s;
    std::map<std::int64_t, int> per_group;
    bool bad = false;
    for (const auto& mod : line.modifiers) {
      std::optional<std::int64_t> mid = mod.ref.id;
      if (!mid && mod.ref.code)
        if (auto it = m.modifier_id_by_code.find(*mod.ref.code); it != m.modifier_id_by_code.end())
          mid = it->second;
      const menu_modifier_group* group = nullptr;
      if (scheme && mid)
        for (const auto& g : scheme->groups)
          for (const auto& gm : g.modifiers)
            if (gm.id == *mid)
              group = &g;
      if (!group) {
        bad = true;
        break;
      }
      per_group[group->id] += mod.count;
    }
    if (!bad && scheme)
      for (const auto& g : scheme->groups) {
        int n = per_group[g.id];
        if (n < g.min || (g.max && n > *g.max))
          bad = true;
      }
    if (!bad)
      bad = !combo_ok(m, item, line);
    if (bad) {
      p.problem = "modifier_rule";
      out.push_back(p);
    }
  }
  auto unknown_code = [&out](const char* field, std::size_t index, std::int64_t code,
                             const char* problem) {
    cart_problem p;
    p.field = field;
    p.index = index;
    p.code = code;
    p.problem = problem;
    out.push_back(p);
  };
  for (std::size_t i = 0; i < c.discounts.size(); ++i)
    if (!m.discount_codes.count(c.discounts[i].code))
      unknown_code("discounts", i, c.discounts[i].code, "unknown_discount");
  for (std::size_t i = 0; i < c.payments.size(); ++i)
    if (!m.currency_codes.count(c.payments[i].currency_code))
      unknown_code("payments", i, c.payments[i].currency_code, "unknown_currency");
  return out;
}

std::string problems_json(const std::vector<cart_problem>& problems) {
  json out = json::array();
  for (const auto& p : problems) {
    json j = {{"field", p.field},
              {"index", p.index},
              {"id", opt_int(p.id)},
              {"code", opt_int(p.code)},
              {"problem", p.problem}};
    if (p.available)
      j["available"] = portions(*p.available);
    out.push_back(j);
  }
  return json_text(out);
}

} // namespace rkgate::actors
