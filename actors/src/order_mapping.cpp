#include "actors/order_mapping.hpp"

#include "common/json_object.hpp"
#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace rkgate::actors {

namespace {

rk7::ref ref_of(const item_ref& r) {
  return r.id ? rk7::ref::by_id(*r.id) : rk7::ref::by_code(r.code.value_or(0));
}

} // namespace

rk7::session_request to_session(const cart& c, const order_settings& s) {
  rk7::session_request session;
  if (s.station_id != 0)
    session.station = rk7::ref::by_id(s.station_id);
  for (const auto& item : c.items) {
    if (!item.components.empty()) {
      rk7::combo_request combo;
      combo.item = ref_of(item.ref);
      combo.quantity = item.quantity;
      for (const auto& comp : item.components) {
        rk7::component_request cr;
        cr.item = ref_of(comp.item);
        cr.count = static_cast<int>(std::max<milli>(1, comp.quantity / 1000));
        combo.components.push_back(cr);
      }
      session.combos.push_back(combo);
      continue;
    }
    rk7::dish_request dish;
    dish.item = ref_of(item.ref);
    dish.quantity = item.quantity;
    for (const auto& mod : item.modifiers) {
      rk7::modi_request mr;
      mr.item = ref_of(mod.ref);
      mr.count = mod.count;
      dish.modis.push_back(mr);
    }
    if (!item.comment.empty() && s.item_comment_modifier != 0) {
      rk7::modi_request mr;
      mr.item = rk7::ref::by_id(s.item_comment_modifier);
      mr.open_name = item.comment;
      dish.modis.push_back(mr);
    }
    session.dishes.push_back(dish);
  }
  for (const auto& d : c.discounts) {
    rk7::discount_request dr;
    dr.item = rk7::ref::by_code(d.code);
    dr.amount = d.sum;
    session.discounts.push_back(dr);
  }
  for (const auto& p : c.payments) {
    rk7::prepay_request pr;
    pr.currency = rk7::ref::by_code(p.currency_code);
    pr.amount = p.sum;
    if (s.prepay_reason != 0)
      pr.reason = rk7::ref::by_code(s.prepay_reason);
    session.prepays.push_back(pr);
  }
  return session;
}

namespace {

kopecks line_sum(const rk7::dish_line& d) {
  return d.amount != 0 ? d.amount : d.price * d.quantity / 1000;
}

kopecks modi_sum(const rk7::modi_line& m) {
  return m.amount != 0 ? m.amount : m.price * m.count;
}

bool live(const rk7::dish_line& d) {
  return d.state != 7;
}

/// Which sign r_keeper gave the discount lines of `o`. rk7sim reports a
/// discount negative and a markup positive (docs/rk7sim.md, "discountSum is
/// signed"); other samples (tests/fixtures/rk7/save_order.xml) show a discount
/// as a positive amount with orderSum = dishes - amount. rk7-xml.md and the
/// XSD (xs:integer, no sign rule) do not settle it, so the order's own
/// orderSum decides; when both readings or neither fit (e.g. no discounts, or
/// orderSum absent), the signed reading holds.
bool discounts_reported_positive(const rk7::order& o, kopecks pricelist) {
  kopecks raw = 0;
  bool any = false;
  for (const auto& s : o.sessions)
    for (const auto& d : s.discounts) {
      raw += d.amount;
      any = true;
    }
  if (!any || raw == 0)
    return false;
  bool signed_fits = pricelist + raw == o.order_sum;
  bool positive_fits = pricelist - raw == o.order_sum;
  return positive_fits && !signed_fits;
}

/// A discount line's effect on the total: negative for a discount, positive for a markup.
kopecks effect_of(const rk7::discount_line& d, bool reported_positive) {
  return reported_positive ? -d.amount : d.amount;
}

kopecks pricelist_of(const rk7::order& o) {
  kopecks sum = 0;
  for (const auto& s : o.sessions)
    for (const auto& d : s.dishes) {
      if (!live(d))
        continue;
      sum += line_sum(d);
      for (const auto& m : d.modis)
        sum += modi_sum(m);
    }
  return sum;
}

} // namespace

order_totals totals_of(const rk7::order& o) {
  order_totals t;
  t.pricelist = pricelist_of(o);
  bool positive = discounts_reported_positive(o, t.pricelist);
  for (const auto& s : o.sessions) {
    for (const auto& d : s.discounts) {
      auto effect = effect_of(d, positive);
      if (effect < 0)
        t.discounts -= effect;
      else
        t.markups += effect;
    }
    for (const auto& p : s.prepays)
      t.prepaid += p.amount;
    for (const auto& p : s.pays)
      t.paid += p.amount;
  }
  t.total = t.pricelist - t.discounts + t.markups;
  t.to_pay = std::max<kopecks>(0, t.total - t.prepaid - t.paid);
  return t;
}

nlohmann::json priced_order(const rk7::order& o, const cart& requested) {
  using nlohmann::json;
  json items = json::array();
  json discounts = json::array();
  for (const auto& s : o.sessions) {
    for (const auto& d : s.dishes) {
      if (!live(d))
        continue;
      json mods = json::array();
      for (const auto& m : d.modis)
        mods.push_back(json_object("id", m.id,
                                   "code", m.code,
                                   "name", m.open_name.empty() ? m.name : m.open_name,
                                   "quantity", m.count,
                                   "price", to_number(m.price),
                                   "sum", to_number(modi_sum(m))));
      items.push_back(json_object("id", d.id,
                                  "code", d.code,
                                  "name", d.name,
                                  "quantity", portions(d.quantity),
                                  "price", to_number(d.price),
                                  "sum", to_number(line_sum(d)),
                                  "modifiers", std::move(mods),
                                  "discount_sum", 0.0));
    }
    for (const auto& d : s.discounts) {
      std::string type = "AUTO";
      for (const auto& r : requested.discounts)
        if (r.code == d.code)
          type = to_string(r.type);
      discounts.push_back(json_object("type", std::move(type),
                                      "code", d.code,
                                      "name", d.name,
                                      "sum", to_number(d.amount >= 0 ? d.amount : -d.amount)));
    }
  }
  auto t = totals_of(o);
  return json_object("items", std::move(items),
                     "discounts", std::move(discounts),
                     "pricelist_sum", to_number(t.pricelist),
                     "discount_sum", to_number(t.discounts),
                     "markup_sum", to_number(t.markups),
                     "total", to_number(t.total),
                     "prepaid", to_number(t.prepaid),
                     "to_pay", to_number(t.to_pay));
}

int status_of(const rk7::order& o) {
  if (o.deleted)
    return 3;
  if (o.finished || o.paid)
    return 1;
  if (o.bill)
    return 2;
  return 0;
}

const char* status_name(int status) {
  switch (status) {
    case 0:
      return "open";
    case 1:
      return "closed";
    case 2:
      return "bill";
    case 3:
      return "deleted";
    case 4:
      return "deferred";
    case 5:
      return "new";
  }
  return "unknown";
}

} // namespace rkgate::actors
