#pragma once
// The reference data of one simulated restaurant: reference books, prices,
// dish rests. Built in (demo), generated (large menus) or loaded from JSON.

#include "common/money.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rkgate::rk7sim {

/// r_keeper's Ident of a reference-book item.
using ident = std::int64_t;

/// Fields every reference-book item has.
struct ref_base {
  ident id = 0;
  std::int64_t code = 0;
  std::string name;
  std::string guid; ///< `{UPPER-CASE}` spelling
  bool active = true;
};

/// CATEGLIST: the dish category tree.
struct category : ref_base {
  ident parent = 0;
};

/// CLASSIFICATORGROUPS: classification groups ("external sales" and the like).
struct classificator_group : ref_base {
  ident parent = 0;
};

/// MENUITEMS: a dish, or a combo when `combo_scheme` is set.
struct menu_item : ref_base {
  ident category = 0;                ///< CATEGLIST parent
  std::vector<ident> groups;         ///< CLASSIFICATORGROUPS it belongs to
  std::map<ident, kopecks> prices;   ///< price type -> price
  ident modi_scheme = 0;
  /// Non-zero for a combo: a MODISCHEMES item of type mstCombo (as on real
  /// servers; its detail lines name mgtCombo groups of combo elements).
  ident combo_scheme = 0;
  std::string comment;               ///< short description
  std::string recipe;                ///< composition text
  int cook_mins = 0;
};

/// MODIFIERS: a modifier; `open` ones take a free-text openName (InputName).
/// A combo element (member of an mgtCombo group) names its dish; its prices
/// are the surcharge for choosing that dish.
struct modifier : ref_base {
  std::map<ident, kopecks> prices;
  bool open = false;
  ident dish = 0; ///< combo elements: the MENUITEMS dish (`Dish`)
};

/// MODIGROUPS: a group of modifiers, or of combo elements (mgtCombo).
struct modi_group : ref_base {
  std::vector<ident> modifiers;
  bool combo = false; ///< ModiGroupType mgtCombo
};

/// MODISCHEMES: a modifier scheme assigned to dishes, or a combo scheme
/// (mstCombo) assigned to combos through MENUITEMS `ComboScheme`.
struct modi_scheme : ref_base {
  bool combo = false; ///< ModiSchemeType mstCombo
};

/// MODISCHEMEDETAILS: one group of a scheme with its selection limits.
struct modi_scheme_detail : ref_base {
  ident scheme = 0;
  ident group = 0;
  int down_limit = 0; ///< minimum number of modifiers from the group (UseDownLimit = down_limit > 0)
  int up_limit = 1;   ///< maximum number of modifiers from the group, when use_up_limit
  bool use_up_limit = true; ///< false: no upper limit (real servers then send UpLimit="0")
  int free_count = 0; ///< how many are free of charge
  ident default_modifier = 0; ///< combos: the element a missing choice takes
};

/// UNCHANGEABLEORDERTYPES: an order category with its price type.
struct order_category : ref_base {
  ident price_type = 0;
};

/// CHANGEABLEORDERTYPES: an order type.
struct order_type : ref_base {};

enum class discount_kind { percent, amount, markup, markup_amount };

/// DISCOUNTS: a percent discount, a manual-amount discount, a percent markup
/// or a manual-amount markup; automatic when bound to an order category.
struct discount : ref_base {
  discount_kind kind = discount_kind::percent;
  int percent = 0;                ///< for percent and markup
  ident auto_order_category = 0;  ///< non-zero: applied automatically

  /// r_keeper's IsMarkup: it adds to the order instead of taking off.
  bool is_markup() const { return kind == discount_kind::markup || kind == discount_kind::markup_amount; }
  /// r_keeper's ManualAmount: the amount comes with the order (`amount`).
  bool manual_amount() const { return kind == discount_kind::amount || kind == discount_kind::markup_amount; }
};

/// CURRENCIES: a payment currency.
struct currency : ref_base {
  std::string type; ///< e.g. "cash", "card", "online"
};

/// TABLES.
struct table : ref_base {
  std::string hall;
};

/// PRICETYPES.
struct price_type : ref_base {};

/// CASHES: a station.
struct station : ref_base {
  std::string net_name;
};

/// EMPLOYEES.
struct employee : ref_base {
  std::string role;
};

/// ORDERVOIDS: a void/delete reason with the operations it may be used for.
struct order_void : ref_base {
  bool on_check_void = false;
  bool on_bill_cancel = false;
  bool on_dish_return = false;
  bool on_stop_list = false;
  bool on_prepay_deletion = false;
};

/// DEPOSITCOLLECTREASONS: a prepayment reason.
struct deposit_reason : ref_base {};

/// A dish's rest: on the stop list, or limited to a quantity (thousandths).
struct dish_rest {
  bool prohibited = false;
  std::optional<milli> quantity;
};

/// The restaurant as the cash server describes itself.
struct restaurant_info {
  std::int64_t rest_code = 199990001; ///< 9-digit object code (XML-SaaS anchor)
  std::string name;
  std::string net_name;               ///< cash server's network name
  ident cash_group = 15001;
  bool guests_required = false;       ///< CreateOrder without Guests -> 3444
};

/// Everything a simulated cash server serves.
struct dataset {
  restaurant_info restaurant;
  std::vector<category> categories;
  std::vector<classificator_group> classificator_groups;
  std::vector<menu_item> menu_items;
  std::vector<modifier> modifiers;
  std::vector<modi_group> modi_groups;
  std::vector<modi_scheme> modi_schemes;
  std::vector<modi_scheme_detail> modi_scheme_details;
  std::vector<order_category> order_categories;
  std::vector<order_type> order_types;
  std::vector<discount> discounts;
  std::vector<currency> currencies;
  std::vector<table> tables;
  std::vector<price_type> price_types;
  std::vector<station> stations;
  std::vector<employee> employees;
  std::vector<order_void> order_voids;
  std::vector<deposit_reason> deposit_reasons;
  std::map<ident, dish_rest> rests; ///< by MENUITEMS ident
  ident external_sales_group = 0;   ///< the classification an aggregator reads
  ident default_order_category = 0;
  ident default_order_type = 0;
  ident default_waiter = 0;
  ident default_station = 0;
  ident default_table = 0;
};

/// The built-in demo restaurant (about 40 dishes in "external sales" plus some
/// outside it, modifier schemes, a combo, two order categories with different
/// price types, discounts, three currencies, tables 100-110 and a delivery
/// table, a station and a waiter). `index` (1-based) varies names and codes so
/// several restaurants in one process differ.
dataset demo_dataset(int index = 1);

/// The demo restaurant plus `dishes` generated dishes (for benchmarks).
dataset generated_dataset(int dishes, int index = 1);

/// A deterministic GUID derived from `seed` (stable across runs).
std::string stable_guid(const std::string& seed);

/// The dataset as JSON text.
std::string dataset_to_json(const dataset& data);

/// Parses JSON text written by dataset_to_json; throws std::runtime_error
/// with a clear message on malformed input.
dataset dataset_from_json(const std::string& text);

} // namespace rkgate::rk7sim
