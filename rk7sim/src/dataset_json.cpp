// Dataset <-> JSON (nlohmann), and deterministic GUIDs for built-in data.
#include "rk7sim/dataset.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <stdexcept>

namespace rkgate::rk7sim {

NLOHMANN_JSON_SERIALIZE_ENUM(discount_kind, {{discount_kind::percent, "percent"},
                                             {discount_kind::amount, "amount"},
                                             {discount_kind::markup, "markup"},
                                             {discount_kind::markup_amount, "markup_amount"}})

#define RK7SIM_REF_FIELDS id, code, name, guid, active
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(category, RK7SIM_REF_FIELDS, parent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(classificator_group, RK7SIM_REF_FIELDS, parent)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(menu_item, RK7SIM_REF_FIELDS, category, groups, prices,
                                                modi_scheme, combo_scheme, comment, recipe, cook_mins)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(modifier, RK7SIM_REF_FIELDS, prices, open, dish)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(modi_group, RK7SIM_REF_FIELDS, modifiers, combo)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(modi_scheme, RK7SIM_REF_FIELDS, combo)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(modi_scheme_detail, RK7SIM_REF_FIELDS, scheme, group,
                                                down_limit, up_limit, use_up_limit, free_count,
                                                default_modifier)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(order_category, RK7SIM_REF_FIELDS, price_type)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(order_type, RK7SIM_REF_FIELDS)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(discount, RK7SIM_REF_FIELDS, kind, percent, auto_order_category)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(currency, RK7SIM_REF_FIELDS, type)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(table, RK7SIM_REF_FIELDS, hall)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(price_type, RK7SIM_REF_FIELDS)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(station, RK7SIM_REF_FIELDS, net_name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(employee, RK7SIM_REF_FIELDS, role)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(order_void, RK7SIM_REF_FIELDS, on_check_void, on_bill_cancel,
                                                on_dish_return, on_stop_list, on_prepay_deletion)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(deposit_reason, RK7SIM_REF_FIELDS)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(restaurant_info, rest_code, name, net_name, cash_group,
                                                guests_required)
#undef RK7SIM_REF_FIELDS

void to_json(nlohmann::json& j, const dish_rest& r) {
  j = {{"prohibited", r.prohibited}};
  if (r.quantity)
    j["quantity"] = *r.quantity;
}

void from_json(const nlohmann::json& j, dish_rest& r) {
  r.prohibited = j.value("prohibited", false);
  if (j.contains("quantity") && !j.at("quantity").is_null())
    r.quantity = j.at("quantity").get<milli>();
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(dataset, restaurant, categories, classificator_groups, menu_items,
                                                modifiers, modi_groups, modi_schemes, modi_scheme_details,
                                                order_categories, order_types, discounts, currencies, tables,
                                                price_types, stations, employees, order_voids, deposit_reasons,
                                                rests, external_sales_group, default_order_category,
                                                default_order_type, default_waiter, default_station, default_table)

std::string dataset_to_json(const dataset& data) { return nlohmann::json(data).dump(1); }

dataset dataset_from_json(const std::string& text) {
  try {
    auto d = nlohmann::json::parse(text).get<dataset>();
    if (d.menu_items.empty() || d.tables.empty() || d.order_categories.empty() || d.price_types.empty())
      throw std::runtime_error("dataset needs menu_items, tables, order_categories and price_types");
    return d;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("bad dataset JSON: ") + e.what());
  }
}

std::string stable_guid(const std::string& seed) {
  // Two independent 64-bit FNV-1a style hashes, mixed; formatted as a v4 GUID.
  auto hash = [&](std::uint64_t h) {
    for (unsigned char c : seed) {
      h ^= c;
      h *= 0x100000001B3ULL;
    }
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return h;
  };
  std::uint64_t a = hash(0xCBF29CE484222325ULL), b = hash(0x84222325CBF29CE4ULL);
  char out[39];
  std::snprintf(out, sizeof out, "{%08X-%04X-4%03X-%04X-%012llX}", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0xFFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return out;
}

} // namespace rkgate::rk7sim
