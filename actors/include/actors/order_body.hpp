#pragma once
// The order body shared by validate and postorder (api.md §3.3) as a typed
// cart, parsed from JSON with field-path errors. Pure logic: no actors.

#include "common/money.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rkgate::actors {

/// A menu item named by r_keeper Ident (`id`) or Code (`code`).
struct item_ref {
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> code;
};

struct cart_modifier {
  item_ref ref;
  int count = 1;
};

struct cart_component {
  std::int64_t component_id = 0;
  item_ref item;
  milli quantity = 1000;
};

struct cart_item {
  item_ref ref;
  milli quantity = 1000;
  std::optional<kopecks> price; ///< the price the client showed
  std::vector<cart_modifier> modifiers;
  std::string comment;          ///< item_comment, 1-255 characters
  std::vector<cart_component> components; ///< combos only
};

enum class discount_type { ref, sum, markup };
const char* to_string(discount_type t); ///< "REF", "SUM", "MARKUPSUM"

struct cart_discount {
  discount_type type = discount_type::ref;
  std::int64_t code = 0;
  std::optional<kopecks> sum; ///< SUM and MARKUPSUM
};

struct cart_payment {
  std::int64_t currency_code = 0;
  kopecks sum = 0;
};

struct customer_info {
  std::string name;
  std::string phone;
  std::string address;
};

/// A parsed order body.
struct cart {
  std::string restaurant; ///< as given; empty when omitted
  std::string external_id;
  std::optional<std::int64_t> order_category; ///< code
  std::optional<std::int64_t> table_code;
  int guests = 0;
  std::vector<cart_item> items;
  std::vector<cart_discount> discounts;
  std::vector<cart_payment> payments;
  std::string comment;
  std::string short_external_info;
  customer_info customer;
  std::string deliver_at;
  bool manual_accept = false; ///< accept: "manual"
  std::string callback_url;
};

/// Why a body was refused: `path` names the field (e.g. `items[2].quantity`).
struct body_error {
  std::string code = "bad_request"; ///< bad_json or bad_request
  std::string path;
  std::string message;
};

/// Parses and validates an order body. `need_external_id` for postorder.
std::variant<cart, body_error> parse_order_body(const nlohmann::json& body,
                                                bool need_external_id);

/// An order body as the order keeps it: its canonical JSON text without
/// `token`, and the idempotency hash of that text (hex SHA-256).
struct stored_body {
  std::string text;
  std::string hash;
};

/// The stored form of `body` (taken by value: the token is dropped in place).
stored_body store_body(nlohmann::json body);

} // namespace rkgate::actors
