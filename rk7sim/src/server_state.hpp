#pragma once
// Internal: the state of one simulated cash server and the helpers its
// command files share. Not a public header.

#include "rk7sim/cash_server.hpp"

#include <pugixml.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace rkgate::rk7sim {

/// A command failure that becomes the reply's Status/RK7ErrorN/ErrorText.
struct query_failure : std::runtime_error {
  query_failure(std::string status_, int code_, const std::string& text)
      : std::runtime_error(text), status(std::move(status_)), code(code_) {}
  std::string status;
  int code;
};

/// `Bad Query Parameters`: a missing or malformed attribute or element.
[[noreturn]] void bad_query(const std::string& text);
/// `Query Executing Error`: a business error with an r_keeper error number (0: none).
[[noreturn]] void exec_error(int code, const std::string& text);

/// Thrown by the XML-SaaS check when a request repeats the last seqNumber
/// identically: the whole reply is the cached one.
struct cached_reply {
  std::string text;
};

/// What a command produced besides its payload.
struct outcome {
  outcome(std::string status_ = "Ok", int error_n_ = 0, std::string text_ = "")
      : status(std::move(status_)), error_n(error_n_), text(std::move(text_)) {}
  std::string status;
  int error_n;
  std::string text;
  /// Child elements already written as text (xml_text), placed after the
  /// payload's DOM children.
  std::string raw_children;
};

/// One failing line of SaveOrder/CalcOrder/ValidateOrder (reported with FaultyTag).
struct line_error {
  int code;
  std::string text;
  pugi::xml_node faulty;
};

// Error numbers. Those marked [sim] are the simulator's own choice: no public
// source gives the real number (see docs/rk7sim.md).
constexpr int err_unknown_item = 3800;     // [sim] unknown dish/modifier/discount/currency
constexpr int err_dish_prohibited = 3801;  // [sim] dish on the stop list
constexpr int err_rest_exceeded = 3802;    // [sim] not enough rest
constexpr int err_no_price = 3803;         // [sim] dish has no price in the price type
constexpr int err_bad_modifier = 3804;     // [sim] modifier not allowed for the dish
constexpr int err_bad_combo = 3805;        // [sim] combo component not in the scheme
constexpr int err_prepay_reason = 3806;    // [sim] Prepay without a valid Reason
constexpr int err_order_closed = 3807;     // [sim] change to a paid/deleted order
constexpr int err_guests_required = 3444;
constexpr int err_not_enough_money = 3373;
constexpr int err_shift_closing = 2172;
constexpr int err_seq_set = 5305;
constexpr int err_seq_increase = 5310;

// --- the order model ---

struct modi_line {
  ident id = 0;
  std::int64_t count = 1;
  kopecks price = 0;
  std::string open_name;
  int uni = 0;
  std::string line_guid;
};

struct discount_line {
  ident id = 0;
  std::optional<kopecks> requested; ///< the manual amount from the request
  kopecks amount = 0;               ///< computed: negative for discounts
  bool automatic = false;
  int uni = 0;
  std::string line_guid;
};

struct component_line {
  ident id = 0;      ///< the component dish (MENUITEMS)
  ident element = 0; ///< the combo element (MODIFIERS) it was chosen through
  std::int64_t count = 1;
  kopecks price = 0; ///< the element's surcharge per piece
  int uni = 0;
  std::string line_guid;
};

struct dish_line {
  ident id = 0;
  bool combo = false;
  milli quantity = 0;
  kopecks price = 0;
  int seat = 0;
  std::vector<modi_line> modis;
  std::vector<component_line> components;
  std::vector<discount_line> discounts; ///< dish-level
  int uni = 0;
  std::string line_guid;
  kopecks amount = 0; ///< computed, before dish-level discounts
};

struct prepay_line {
  ident currency = 0;
  kopecks amount = 0;
  bool promised = false;
  ident reason = 0;
  int uni = 0;
  std::string line_guid;
};

struct pay_line {
  ident currency = 0;
  kopecks amount = 0;
  int uni = 0;
  std::string line_guid;
};

struct print_check {
  int uni = 0;
  std::string line_guid;
  bool bill = false;
  kopecks amount = 0;
  std::int64_t check_num = 0;
  std::string print_time;
  std::vector<pay_line> pays;
};

struct session {
  int uni = 0;
  std::string line_guid;
  std::int64_t session_id = 0;
  ident station = 0;
  ident author = 0;
  std::string start_service;
  std::vector<dish_line> dishes;
  std::vector<discount_line> discounts; ///< order-level
  std::vector<prepay_line> prepays;
};

struct totals {
  kopecks dish_sum = 0;
  kopecks discount_sum = 0; ///< negative for discounts, positive for markups
  kopecks order_sum = 0;    ///< dish_sum + discount_sum
  kopecks prepay_sum = 0;   ///< non-promised prepayments
  kopecks promised_sum = 0;
  kopecks paid_sum = 0;
  kopecks unpaid_sum = 0;   ///< order_sum - prepay_sum - paid_sum (ignores promised)
  milli total_pieces = 0;
  int cook_mins = 0;
};

struct order {
  std::int64_t visit = 0;
  /// Where its visit's first order (deleted ones included) stands in
  /// `cash_server::impl::orders`: GetOrderList lists visits in that order.
  std::size_t visit_rank = 0;
  /// Its visit's guid, held by `visit_guids` (which never drops or moves one).
  const std::string* visit_guid = nullptr;
  int order_ident = 256;
  std::string guid;
  std::string name;
  std::int64_t version = 1;
  std::int32_t crc32 = 0;
  ident table = 0, waiter = 0, station = 0, category = 0, type = 0;
  int guests = 0;
  std::string persistent_comment, non_persistent_comment;
  std::vector<std::pair<std::string, std::string>> ext_props;
  std::string open_time;
  std::string bill_time;   ///< "" until a precheck is printed
  std::string finish_time; ///< "" until closed
  bool paid = false, finished = false, deleted = false;
  std::vector<session> sessions;
  std::vector<discount_line> auto_discounts;
  std::vector<print_check> checks;
  int next_uni = 1;
  totals sums;
  /// Its GetOrderList element as last written, for `listed_version` and the
  /// reference parts `listed_parts` asked then: a poll lists every open order,
  /// and rewriting unchanged ones was most of the simulator's CPU under polls.
  mutable std::string listed_text;
  mutable std::int64_t listed_version = -1;
  mutable unsigned listed_parts = 0;
};

/// Local time as r_keeper writes it: YYYY-MM-DDThh:mm:ss.
std::string now_text();

/// The cash server's state; command files implement its member functions.
struct cash_server::impl {
  impl(dataset d, cash_server_options o);

  dataset data;
  cash_server_options opt;
  mutable std::mutex mu;

  std::vector<std::unique_ptr<order>> orders; ///< creation order, including deleted
  /// The same orders by GUID: every SaveOrder looks its order up and every
  /// CreateOrder checks its GUID is new; a scan grew with the day's orders.
  std::unordered_map<std::string, order*> orders_by_guid;
  std::int64_t next_visit = 0;
  std::int64_t list_version = 1;              ///< GetOrderList lastversion
  std::int64_t next_session_id = 1;
  std::int64_t next_check_num = 1;
  std::map<std::string, int> ref_versions;    ///< DataVersion by RefName
  std::map<std::string, std::int64_t> counts; ///< requests by command
  struct seq_state {
    std::int64_t last = -1;
    std::string last_request, last_reply;
  };
  std::map<std::string, seq_state> seqs; ///< XML-SaaS instance guid -> counter
  std::map<std::int64_t, std::string> visit_guids;

  // envelope (cash_server.cpp)
  std::string handle(std::string_view body);
  outcome run(const std::string& cmd, const pugi::xml_node& q, pugi::xml_node out);

  // reference books (references.cpp)
  void get_ref_list(const pugi::xml_node& q, pugi::xml_node out);
  void get_ref_data(const pugi::xml_node& q, pugi::xml_node out);
  void get_order_menu(const pugi::xml_node& q, pugi::xml_node out);
  void get_dish_rests(const pugi::xml_node& q, pugi::xml_node out);
  void get_system_info(const pugi::xml_node& q, pugi::xml_node out);
  void bump_ref(const std::string& ref_name);

  // orders (orders.cpp)
  void create_order(const pugi::xml_node& q, pugi::xml_node out);
  outcome save_order(const pugi::xml_node& q, pugi::xml_node out);
  outcome calc_order(const pugi::xml_node& q, pugi::xml_node out, bool validate_only);
  void get_order(const pugi::xml_node& q, pugi::xml_node out);
  outcome get_order_list(const pugi::xml_node& q, pugi::xml_node out);
  void print_bill_cmd(const pugi::xml_node& q, pugi::xml_node out);
  void pay_order(const pugi::xml_node& q, pugi::xml_node out);
  void void_order_cmd(const pugi::xml_node& q, pugi::xml_node out);

  // XML-SaaS (license.cpp)
  /// SaaS mode: checks LicenseInfo and the seqNumber rule (may throw cached_reply).
  void check_license(const pugi::xml_node& q);
  void get_seq_number(const pugi::xml_node& q, pugi::xml_node out);
  void remember_reply(const pugi::xml_node& q, const std::string& reply);

  // shared order helpers (order_model.cpp)
  order* find_order(const std::string& guid);
  order& need_order(const pugi::xml_node& order_elem);
  /// Applies request <Session> content to `o`; collects line errors instead of
  /// throwing; checks and decrements `rests` (a working copy the caller commits).
  void apply_session(order& o, const pugi::xml_node& s, std::vector<line_error>& errors,
                     std::map<ident, dish_rest>& rests);
  void recompute(order& o) const;
  /// Version, crc32 and the list version after a change. With `write_to`,
  /// the order record is also written there (the reply of SaveOrder and
  /// CreateOrder): built once for both.
  void touch(order& o, pugi::xml_node write_to = {});
  /// Appends the order record (`Order`) to `parent` and returns it.
  pugi::xml_node write_order(pugi::xml_node parent, const order& o, bool detailed = true) const;
  void do_print_bill(order& o);
  void do_pay(order& o, const std::vector<pay_line>& pays);
  void do_void(order& o);
  /// A random GUID in r_keeper's spelling, for orders, visits and lines.
  /// From the server's own generator: OpenSSL's RAND_bytes and snprintf per
  /// GUID (common/guid) cost a SaveOrder ~14 % of its CPU for ~6 line GUIDs.
  std::string fresh_guid() const;
  mutable std::mt19937_64 guid_rng{std::random_device{}()};
};

// --- lookups shared by command files ---

/// The reference item a request element names by id, code or guid; nullptr if none matches.
template <class T>
const T* find_ref(const std::vector<T>& items, const pugi::xml_node& n) {
  if (!n)
    return nullptr;
  if (auto a = n.attribute("id")) {
    for (const auto& x : items)
      if (x.id == a.as_llong(-1))
        return &x;
    return nullptr;
  }
  if (auto a = n.attribute("code")) {
    for (const auto& x : items)
      if (x.code == a.as_llong(-1))
        return &x;
    return nullptr;
  }
  if (auto a = n.attribute("guid")) {
    for (const auto& x : items)
      if (x.guid == a.value())
        return &x;
  }
  return nullptr;
}

template <class T>
const T* by_id(const std::vector<T>& items, ident id) {
  for (const auto& x : items)
    if (x.id == id)
      return &x;
  return nullptr;
}

/// Like find_ref, but a missing match is r_keeper's "not found in collection" error.
template <class T>
const T& need_ref(const std::vector<T>& items, const pugi::xml_node& n, const char* collection) {
  if (const T* x = find_ref(items, n))
    return *x;
  std::string key = n.attribute("id") ? n.attribute("id").value()
                    : n.attribute("code") ? n.attribute("code").value()
                                          : n.attribute("guid").value();
  exec_error(0, "Не найден элемент " + key + " в коллекции " + collection);
}

/// Writes a response reference `<name id code name/>`.
template <class T>
pugi::xml_node write_ref(pugi::xml_node parent, const char* name, const T* item) {
  auto n = parent.append_child(name);
  if (item) {
    n.append_attribute("id") = static_cast<long long>(item->id);
    n.append_attribute("code") = static_cast<long long>(item->code);
    n.append_attribute("name") = item->name.c_str();
  }
  return n;
}

/// The price of an item in a price type, if set.
template <class T>
std::optional<kopecks> price_in(const T& item, ident price_type) {
  auto it = item.prices.find(price_type);
  if (it == item.prices.end())
    return std::nullopt;
  return it->second;
}

} // namespace rkgate::rk7sim
