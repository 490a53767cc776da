#pragma once
// One simulated r_keeper 7 cash server: XML request text in, XML reply text
// out, plus the cashier's control operations. Pure and synchronous (no HTTP);
// thread-safe (one internal mutex), so the HTTP front and tests share it.

#include "rk7sim/dataset.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rkgate::rk7sim {

/// How the cash server presents itself and which rules it enforces.
struct cash_server_options {
  std::string server_version = "7.6.5.92";
  int xml_version = 246;
  /// XML-SaaS mode: SaveOrder and PayOrder need a valid LicenseInfo and an
  /// increasing LicenseInstance seqNumber (errors 5305/5310).
  bool saas = false;
  /// The licenseToken accepted in SaaS mode; empty accepts any non-empty token.
  std::string license_token;
  /// First visit id handed out (visit ids are large integers).
  std::int64_t first_visit = 0; ///< 0: derived from the restaurant code
};

/// What the automatic cashier needs to know about an open order.
struct open_order_view {
  std::string guid;
  std::int64_t version = 0;
  bool has_dishes = false; ///< false between CreateOrder and the first SaveOrder
  bool billed = false;     ///< the precheck is printed
};

/// The result of a control operation.
struct control_result {
  bool ok = true;
  std::string error; ///< why it failed, when !ok
};

class cash_server {
public:
  explicit cash_server(dataset data, cash_server_options options = {});
  ~cash_server();
  cash_server(const cash_server&) = delete;
  cash_server& operator=(const cash_server&) = delete;

  /// Executes one XML request (the HTTP body, UTF-8 or windows-1251 as its
  /// declaration says) and returns the `RK7QueryResult` reply in UTF-8.
  std::string handle(std::string_view body);

  /// The reply a real server gives to every request while the common shift is
  /// closing: `Query Parse Error`, RK7ErrorN 2172. Counted like a request.
  std::string shift_closing_reply(std::string_view body);

  /// The command name(s) of a request, for logs and latency rules ("" if unparsable).
  static std::string command_of(std::string_view body);

  // --- cashier control (what staff would do on the tills) ---
  /// Puts a dish (ident or code) on the stop list, or takes it off.
  control_result set_stop_list(ident dish, bool prohibited);
  /// Limits a dish to `quantity` thousandths, or removes the limit (nullopt).
  control_result set_rest(ident dish, std::optional<milli> quantity);
  /// Prints the precheck (bill) of an open order.
  control_result print_bill(const std::string& order_guid);
  /// Pays the exact unpaid sum in cash and closes the order.
  control_result pay(const std::string& order_guid);
  /// Deletes an open order.
  control_result void_order(const std::string& order_guid);
  /// Adds a dish in a new session, as a waiter at a till would.
  control_result add_dish(const std::string& order_guid, ident dish, milli quantity);
  /// Turns XML-SaaS mode on or off.
  void set_saas(bool on);

  /// Orders that are neither paid nor deleted, in creation order.
  std::vector<open_order_view> open_orders() const;
  /// The version of an order, deleted ones included; 0 when there is none.
  std::int64_t order_version(const std::string& order_guid) const;
  /// GetOrderList's current `lastversion`.
  std::int64_t list_version() const;
  /// Idents of the menu's dishes (combos left out), in dataset order.
  std::vector<ident> dish_idents() const;
  /// Whether a dish is on the stop list.
  bool stop_listed(ident dish) const;
  /// JSON: orders (sessions, lines, flags, sums), rests, request counts by command.
  std::string state_json() const;
  /// The current dataset (with current rests) as JSON.
  std::string dataset_json() const;
  /// Number of dishes in MENUITEMS (for logs).
  std::size_t menu_size() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace rkgate::rk7sim
