// The pure pieces of the operator console: the menu preview of a waiting
// order and its validate-style problems (docs/console.md §4).

#include "actors/console.hpp"

#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

namespace rkgate::actors {

using nlohmann::json;

namespace {

/// price x quantity (thousandths), rounded to kopecks.
kopecks times(kopecks price, milli quantity) {
  return (price * quantity + (quantity >= 0 ? 500 : -500)) / 1000;
}

const menu_modifier* find_modifier(const menu& m, const item_ref& ref) {
  std::optional<std::int64_t> id = ref.id;
  if (!id && ref.code) {
    auto it = m.modifier_id_by_code.find(*ref.code);
    if (it != m.modifier_id_by_code.end())
      id = it->second;
  }
  if (!id)
    return nullptr;
  for (const auto& s : m.schemes)
    for (const auto& g : s.groups)
      for (const auto& mod : g.modifiers)
        if (mod.id == *id)
          return &mod;
  return nullptr;
}

/// The sellable menu item a cart line names (stopped and unknown: null).
const menu_item* item_of(const menu& m, const item_ref& ref) {
  auto id = resolve_item(m, ref);
  auto it = id ? m.item_by_id.find(*id) : m.item_by_id.end();
  return it == m.item_by_id.end() ? nullptr : &m.items[it->second];
}

json optional_number(const std::optional<std::int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}

} // namespace

menu_preview preview_from_menu(const menu& m, const cart& c) {
  json items = json::array();
  kopecks pricelist = 0;
  for (const auto& line : c.items) {
    const menu_item* item = item_of(m, line.ref);
    kopecks unit = item ? item->price : 0;
    json mods = json::array();
    for (const auto& mr : line.modifiers) {
      const auto* mod = find_modifier(m, mr.ref);
      kopecks price = mod ? mod->price : 0;
      unit += price * mr.count;
      mods.push_back({{"id", mod ? json(mod->id) : optional_number(mr.ref.id)},
                      {"code", mod ? json(mod->code) : optional_number(mr.ref.code)},
                      {"name", mod ? mod->name : std::string()},
                      {"quantity", mr.count},
                      {"price", to_number(price)},
                      {"sum", to_number(times(price * mr.count, line.quantity))}});
    }
    kopecks sum = times(unit, line.quantity);
    pricelist += sum;
    json j = {{"id", item ? json(item->id) : optional_number(line.ref.id)},
              {"code", item ? json(item->code) : optional_number(line.ref.code)},
              {"name", item ? item->name : std::string()},
              {"quantity", portions(line.quantity)},
              {"price", to_number(item ? item->price : 0)},
              {"sum", to_number(sum)},
              {"modifiers", mods},
              {"discount_sum", 0.0}};
    if (!line.comment.empty())
      j["item_comment"] = line.comment;
    items.push_back(std::move(j));
  }
  json discounts = json::array();
  kopecks discount_sum = 0, markup_sum = 0;
  for (const auto& d : c.discounts) {
    kopecks amount = d.sum.value_or(0);
    (d.type == discount_type::markup ? markup_sum : discount_sum) += amount;
    discounts.push_back({{"type", to_string(d.type)}, {"code", d.code}, {"name", ""}, {"sum", to_number(amount)}});
  }
  menu_preview p;
  p.total = pricelist - discount_sum + markup_sum;
  for (const auto& pay : c.payments)
    p.prepaid += pay.sum;
  p.to_pay = std::max<kopecks>(0, p.total - p.prepaid);
  json out = {{"items", items},
              {"discounts", discounts},
              {"pricelist_sum", to_number(pricelist)},
              {"discount_sum", to_number(discount_sum)},
              {"markup_sum", to_number(markup_sum)},
              {"total", to_number(p.total)},
              {"prepaid", to_number(p.prepaid)},
              {"to_pay", to_number(p.to_pay)}};
  p.priced = json_text(out);
  return p;
}

std::string console_problems(const menu& m, const cart& c) {
  json out = json::array();
  auto name_of = [&](const std::optional<std::int64_t>& id) -> json {
    auto it = id ? m.item_by_id.find(*id) : m.item_by_id.end();
    return it == m.item_by_id.end() ? json(nullptr) : json(m.items[it->second].name);
  };
  for (const auto& p : check_cart(m, c)) {
    json j = {{"index", p.index},
              {"id", optional_number(p.id)},
              {"code", optional_number(p.code)},
              {"name", p.field == "items" ? name_of(p.id) : json(nullptr)},
              {"problem", p.problem},
              {"blocking", true}};
    if (p.field != "items")
      j["field"] = p.field;
    if (p.available)
      j["available"] = portions(*p.available);
    out.push_back(std::move(j));
  }
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    const auto& line = c.items[i];
    const menu_item* found = item_of(m, line.ref);
    if (!line.price || !found)
      continue;
    const auto& item = *found;
    if (item.price != *line.price)
      out.push_back({{"index", i},
                     {"id", item.id},
                     {"code", item.code},
                     {"name", item.name},
                     {"problem", "price_changed"},
                     {"price", to_number(*line.price)},
                     {"actual_price", to_number(item.price)},
                     {"blocking", false}});
  }
  return json_text(out);
}

} // namespace rkgate::actors
