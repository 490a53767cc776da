#pragma once
// rkgate's YAML configuration (../shared/spec/config.md) as typed structs.
// Loading validates everything: unknown keys, wrong types and missing
// required keys are errors that name the key path and line.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rkgate::config {

using std::chrono::milliseconds;

/// An address range in CIDR form (127.0.0.1/32, ::1/128).
struct cidr {
  std::string text;        ///< as written
  bool v6 = false;
  std::uint8_t bytes[16] = {};
  int prefix = 0;
  /// True when `address` (textual IPv4 or IPv6) lies in this range.
  bool contains(const std::string& address) const;
};

/// Parses "10.0.0.0/8", "fd00::/8" or a bare address (a one-address range);
/// nullopt otherwise.
std::optional<cidr> parse_cidr(const std::string& text);

/// The most threads `server.threads` may ask for.
inline constexpr std::size_t max_threads = 256;

struct server_section {
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 11111;
  /// The event loop's threads; 0 means `auto`: see loop_threads().
  std::size_t threads = 0;
  milliseconds request_timeout{10000};
  std::uint64_t max_body = 1024 * 1024;
  std::vector<cidr> internal_allow; ///< default: 127.0.0.1/32, ::1/128
};

/// The event loop's threads, which run the HTTP server, the actors and
/// outbound HTTP: `server.threads`, or for `auto` one per hardware thread.
std::size_t loop_threads(const server_section& server);

struct storage_section {
  std::string path = "./data";
};

struct events_section {
  milliseconds retention{5 * 60 * 1000};
};

/// Open orders in memory: an ORDER with nothing under way for `unload_after`
/// leaves memory (its record is in the store) and is loaded again when
/// something happens to it. 0 keeps every open order in memory.
struct orders_section {
  milliseconds unload_after{10 * 1000};
};

/// The operator console's orders in memory: an archived or deleted order
/// with nothing under way for `unload_after` leaves memory (its entry is in
/// the store) and is read again when it is listed, opened or acted on.
/// 0 keeps every console order that was in memory there.
struct console_section {
  milliseconds unload_after{10 * 60 * 1000};
};

/// Requests per second a source may make (`50/s`, `600/m`).
struct rate_limit {
  double per_second = 0;
};

/// Parses "50/s", "600/m", "1000/h"; nullopt otherwise (or for 0).
std::optional<rate_limit> parse_rate_limit(const std::string& text);

struct source {
  std::string name;
  std::string token;
  std::string secret;                   ///< HMAC key for its callbacks
  std::vector<std::string> restaurants; ///< ids, or the single entry "all"
  std::string callback_url;             ///< optional default
  std::optional<rate_limit> limit;
  bool allows(const std::string& restaurant_id) const;
};

struct operator_account {
  std::string name;
  std::string token;
  std::vector<std::string> restaurants;
  bool allows(const std::string& restaurant_id) const;
};

struct cash_server_section {
  std::string url;
  std::string user;
  std::string password;
  bool verify_tls = false;
  std::string min_tls = "1.0";
  milliseconds timeout{30000};
  /// Writes (CreateOrder, SaveOrder, PayOrder, VoidOrder) sent before the
  /// previous one has answered. r_keeper works through requests one at a
  /// time; a second one already waiting there keeps it busy while the
  /// gateway turns the first reply around. XML-SaaS always uses 1 (the
  /// licence seqNumbers must arrive in order).
  std::int64_t writes_in_flight = 2;
};

struct saas_license {
  std::string anchor;
  std::string license_token;
  std::string instance_guid;
};

struct license_section {
  enum class mode_t { lifetime, saas } mode = mode_t::lifetime;
  std::optional<saas_license> saas; ///< required when mode is saas
};

struct menu_section {
  milliseconds refresh{30000};             ///< reference books (via GetRefList DataVersion)
  milliseconds availability_refresh{3000}; ///< stop list, remains, prices
};

struct references_section {
  std::int64_t station_id = 0;
  std::int64_t waiter_code = 0;
  std::int64_t table_code = 0;
  std::int64_t delivery_table_code = 0;
  std::int64_t order_category = 0;
  std::optional<std::int64_t> order_type;
  std::int64_t external_sales_classification = 0;
  std::int64_t prepay_reason = 0;
  std::int64_t item_comment_modifier = 0;
  bool close_paid_order = false;
  // Optional extras the gateway needs for cashier-side actions.
  std::optional<std::int64_t> cashier_code;  ///< PayOrder/PrintBill; default waiter_code
  std::optional<std::int64_t> void_reason;   ///< ORDERVOIDS id for cancel
};

struct restaurant {
  std::string id;
  std::string name;
  enum class acceptance_t { automatic, manual } acceptance = acceptance_t::automatic;
  bool table_orders_merge = false; ///< QR menu: add to the table's open order
  /// STATUS POLLER period (GetOrderList) while the gateway has open orders
  /// here; five times longer while it has none.
  milliseconds status_poll{2000};
  cash_server_section cash_server;
  license_section license;
  menu_section menu;
  references_section refs;
};

struct gateway {
  server_section server;
  storage_section storage;
  events_section events;
  orders_section orders;
  console_section console;
  std::vector<source> sources;
  std::vector<operator_account> operators;
  std::vector<restaurant> restaurants;

  const restaurant* find_restaurant(const std::string& id) const;
};

/// One problem found in a file: "restaurants[0].cash_server.url: ..." at line.
struct problem {
  std::string path;
  int line = 0; ///< 1-based; 0 when unknown
  std::string message;
  std::string to_string() const; ///< "FILE:LINE: PATH: MESSAGE" without FILE
};

/// The loaded configuration, or every problem found.
using load_result = std::variant<gateway, std::vector<problem>>;

/// Reads and validates a YAML file; problems come sorted by line. `*_env` keys read the named environment
/// variable; a missing variable is a problem.
load_result load_file(const std::string& path);

/// The same for YAML text (tests).
load_result load_text(const std::string& yaml);

/// Parses "500ms", "30s", "5m", "24h" (also "1h30m"); nullopt otherwise.
std::optional<milliseconds> parse_duration(const std::string& text);

/// Parses "1MiB", "512KiB", "1GiB", "1024" (bytes), also KB/MB; nullopt otherwise.
std::optional<std::uint64_t> parse_size(const std::string& text);

} // namespace rkgate::config
