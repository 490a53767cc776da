#pragma once
// The menu for external sales (api.md §3.2), built from r_keeper reference
// books, GetOrderMenu and GetDishRests, and the cart checks that need it
// (stop list, remains, modifier rules). Pure logic: no actors, no I/O.

#include "actors/order_body.hpp"
#include "rk7/types.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rkgate::actors {

struct menu_category {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> parent_id;
  int sort = 0;
};

struct menu_item {
  std::int64_t id = 0;
  std::int64_t code = 0;
  std::string name;
  std::string description;
  std::int64_t category_id = 0;
  kopecks price = 0;
  std::optional<milli> remains; ///< nullopt = unlimited
  std::optional<std::int64_t> modifier_scheme_id;
  bool combo = false;
  int sort = 0;
};

struct menu_modifier {
  std::int64_t id = 0;
  std::int64_t code = 0;
  std::string name;
  kopecks price = 0;
  std::optional<milli> remains;
};

/// One line of a modifier scheme (MODISCHEMEDETAILS) with its group's modifiers.
struct menu_modifier_group {
  std::int64_t id = 0; ///< the MODIGROUPS Ident
  std::string name;
  int min = 0;
  std::optional<int> max; ///< nullopt: no upper limit
  std::vector<menu_modifier> modifiers;
};

struct menu_scheme {
  std::int64_t id = 0;
  std::string name;
  std::vector<menu_modifier_group> groups;
};

/// One line of a combo scheme: an mgtCombo group whose elements name dishes.
struct menu_combo_component {
  std::int64_t id = 0; ///< the MODIGROUPS Ident of the combo group
  std::string name;
  int min = 0;
  std::optional<int> max = 1; ///< nullopt: no upper limit
  std::optional<std::int64_t> default_item_id; ///< the DefaultModifier element's dish
  std::vector<std::int64_t> items; ///< MENUITEMS Idents (may lie outside the classification)
};

struct menu_combo {
  std::int64_t item_id = 0;
  std::vector<menu_combo_component> components;
};

/// One ready menu for one order category, with its JSON and version.
struct menu {
  std::int64_t order_category_code = 0;
  std::int64_t order_category_id = 0;
  std::string order_category_name;
  std::vector<menu_category> categories;
  std::vector<menu_item> items;
  std::vector<menu_scheme> schemes;
  std::vector<menu_combo> combos;

  // -- lookups for cart checks -------------------------------------------------
  std::map<std::int64_t, std::size_t> item_by_id;   ///< index into items
  std::map<std::int64_t, std::int64_t> id_by_code;  ///< sellable and stopped dishes
  std::set<std::int64_t> stopped;                   ///< in the classification, not for sale now
  std::map<std::int64_t, std::int64_t> modifier_id_by_code;
  std::map<std::int64_t, std::int64_t> component_id_by_code; ///< combo component dishes
  std::set<std::int64_t> discount_codes;
  std::set<std::int64_t> currency_codes;

  std::string version;      ///< hash of the `data` object without version/updated_at
  std::string updated_at;   ///< when the content last changed (ISO 8601)
  std::string json;         ///< the full `data` object served by getmenu (moved into `body` once rendered)

  /// The whole getmenu response body (api.md §1 envelope around `json`) and
  /// its gzip, rendered once per menu version by the MENU CACHE so that no
  /// request copies or compresses 1 MB (empty until the MENU CACHE sets them).
  std::string body;
  std::string body_gzip;

  /// Sets version from the content and renders `json` with `updated_at`.
  void finish(const std::string& updated_at_if_changed, const menu* previous);
};

/// Everything a menu is built from.
struct menu_sources {
  std::map<std::string, rk7::reference> refs; ///< by upper-case RefName
  rk7::order_menu order_menu;
  rk7::dish_rests rests;
  /// external_sales_classification: the Ident of the classification (the
  /// `<n>` of the dishes' `CLASSIFICATORGROUPS-<n>`), or of a group inside
  /// one, which narrows the menu to that group's subtree.
  std::int64_t classification = 0;
  std::int64_t order_category_code = 0; ///< prices are for this category
};

/// The RefNames the menu cache loads.
const std::vector<std::string>& menu_ref_names();

/// Builds the menu; `version`/`json` are set by menu::finish.
menu build_menu(const menu_sources& src);

/// One problem of a cart (api.md §3.4).
struct cart_problem {
  std::string field = "items"; ///< items, discounts or payments
  std::size_t index = 0;
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> code;
  std::string problem;
  std::optional<milli> available;
};

/// Stop list, remains, modifier rules, unknown items/discounts/currencies.
std::vector<cart_problem> check_cart(const menu& m, const cart& c);

/// The `details` JSON array for a 422.
std::string problems_json(const std::vector<cart_problem>& problems);

/// The Ident of a cart item, resolved by id or code; nullopt when unknown.
std::optional<std::int64_t> resolve_item(const menu& m, const item_ref& ref);

} // namespace rkgate::actors
