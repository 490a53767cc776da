#pragma once
// Mapping between the API's cart and r_keeper orders: the SaveOrder
// session of a cart, the priced order JSON of an r_keeper order, and the
// API status of an order. Pure logic: no actors.

#include "actors/order_body.hpp"
#include "rk7/types.hpp"

#include <cstdint>
#include <string>

namespace rkgate::actors {

/// The restaurant's r_keeper references an order needs.
struct order_settings {
  std::int64_t station_id = 0;
  std::int64_t waiter_code = 0;
  std::int64_t prepay_reason = 0;         ///< DEPOSITCOLLECTREASONS code
  std::int64_t item_comment_modifier = 0; ///< MODIFIERS Ident of the open modifier
};

/// The package SaveOrder/CalcOrder gets for a cart: dishes (with modifiers
/// and the item comment as open modifier), combos, discounts, prepayments.
rk7::session_request to_session(const cart& c, const order_settings& s);

/// Sums of an order, all in kopecks; `discounts` and `markups` are both
/// non-negative (api.md §3.4 `discount_sum`, `markup_sum`). Whether a line is
/// a discount or a markup follows from its sign, read in the convention that
/// makes the order's `orderSum` add up (servers differ, see order_mapping.cpp).
struct order_totals {
  kopecks pricelist = 0; ///< dishes and modifiers at list price
  kopecks discounts = 0; ///< total of the discount lines, >= 0
  kopecks markups = 0;   ///< total of the markup lines, >= 0
  kopecks total = 0;     ///< pricelist - discounts + markups
  kopecks prepaid = 0;
  kopecks paid = 0;      ///< closing payments
  kopecks to_pay = 0;
};
order_totals totals_of(const rk7::order& o);

/// The priced order of api.md §3.4; `requested` tells which discount lines
/// the client asked for (their type), the rest are AUTO.
nlohmann::json priced_order(const rk7::order& o, const cart& requested);

/// API status (api.md §2) of an order on the cash server: 0 open, 1 closed,
/// 2 bill, 3 deleted.
int status_of(const rk7::order& o);

/// `status_name` for a status number ("open", ..., "new").
const char* status_name(int status);

} // namespace rkgate::actors
