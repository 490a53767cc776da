#pragma once
// Typed requests and replies of the r_keeper 7 XML interface, as far as the
// gateway needs them. Money is in kopecks, quantities in thousandths, GUIDs
// upper case in braces. Replies are parsed leniently: attributes a server
// does not send stay at their defaults (nullopt, 0, empty).
//
// Protocol reference: ../shared/spec/rk7-xml.md (sections cited as §n).

#include "common/guid.hpp"
#include "common/money.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rk7 {

using rkgate::kopecks;
using rkgate::milli;
using rkgate::guid_bits;

// -- references ---------------------------------------------------------------

/// Identifies a reference-book item (§3.1): exactly one of id (Ident), code, guid.
struct ref {
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> code;
  std::optional<std::string> guid;

  static ref by_id(std::int64_t v) { return ref{v, std::nullopt, std::nullopt}; }
  static ref by_code(std::int64_t v) { return ref{std::nullopt, v, std::nullopt}; }
  bool empty() const { return !id && !code && !guid; }
};

/// A reference as a reply names it (`resRefItem`): id, code, name.
struct named_ref {
  std::int64_t id = 0;
  std::int64_t code = 0;
  std::string name;
};

/// Identifies an order: guid, or visit + orderIdent (guid wins when both set).
struct order_ref {
  std::string guid;
  std::int64_t visit = 0;
  std::int64_t order_ident = 0;

  static order_ref by_guid(std::string g) { return order_ref{std::move(g), 0, 0}; }
};

// -- XML-SaaS licence (§5) ------------------------------------------------------

/// The `LicenseInfo` element; `seq_number` is filled by the license_sequencer.
struct license_info {
  std::string anchor;        ///< `6:<ProductGUID>#<RestCode>/17`
  std::string license_token; ///< licence id from the licensing server
  std::string instance_guid; ///< persisted per installation
  std::uint64_t seq_number = 0;
};

// -- GetSystemInfo (§4.1) ---------------------------------------------------------

struct get_system_info {};

struct system_info {
  std::string server_version; ///< root ServerVersion
  std::string xml_version;    ///< root XmlVersion
  std::string net_name;       ///< root NetName (or SystemInfo NetName)
  std::string rest_code;      ///< SystemInfo RestCode (newer servers)
  std::string shift_date;     ///< SystemInfo ShiftDate (newer servers)
  std::optional<named_ref> restaurant;
};

// -- GetRefList / GetRefData (§4.2) ------------------------------------------------

struct get_ref_list {};

struct ref_list_entry {
  std::string ref_name; ///< upper case as servers report it, e.g. MENUITEMS
  std::int64_t count = 0;
  std::int64_t data_version = 0;
};

struct ref_list {
  std::vector<ref_list_entry> references;
};

struct get_ref_data {
  std::string ref_name;  ///< e.g. "MENUITEMS" (case-insensitive on servers)
  std::string prop_mask; ///< empty = server default
  bool only_active = true;
  std::optional<std::int64_t> ref_item_ident;
  int with_child_items = 0; ///< 0..3, see §4.2
  /// WithMacroProp="1": also the generated `gen<Name>` properties (e.g. the
  /// dish description `genDescription0419`, see docs/rk7-interop.md).
  bool with_macro_prop = false;
};

/// One reference-book item: every attribute as text (servers differ in which
/// they send), the `Childs/Child ChildIdent` list, and RIChildItems children.
struct ref_item {
  std::string tag; ///< element name: "Item", or the class name (e.g. TSelector) under RIChildItems
  std::map<std::string, std::string> attrs;
  std::vector<std::int64_t> child_idents;
  std::vector<ref_item> children;

  /// Attribute by name, case-insensitive; nullopt when absent.
  std::optional<std::string> get(const std::string& name) const;
  /// Integer attribute; nullopt when absent or not an integer.
  std::optional<std::int64_t> get_int(const std::string& name) const;
  /// The item's ident: `Ident`, else `ItemIdent` (RIChildItems children such
  /// as TSelectorDetail carry only ItemIdent), else `id`; 0 when none.
  std::int64_t ident() const;
  /// The `PRICETYPES-<price_type>` price in kopecks. Servers write integer
  /// kopecks; a decimal value ("250.00") is read as roubles. nullopt when
  /// absent, unparsable or the "not set" value 9223372036854775807.
  std::optional<kopecks> price(std::int64_t price_type) const;
};

struct reference {
  std::string ref_name;
  std::int64_t data_version = 0;
  std::vector<ref_item> items;
};

// -- GetOrderMenu (§4.3) and dish rests (§4.4) ---------------------------------------

struct get_order_menu {
  ref station;
  std::optional<ref> order_category;
  std::optional<ref> table;
  bool check_rests = true;
};

struct menu_price {
  std::int64_t ident = 0;
  kopecks price = 0;
  std::optional<milli> quantity; ///< present only for limited items
};

struct order_menu {
  std::optional<named_ref> price_scale;
  std::vector<menu_price> dishes;    ///< absent dish = not for sale now
  std::vector<menu_price> modifiers;
  std::vector<std::int64_t> order_types;
};

struct get_dish_rests {};

struct dish_rest {
  std::int64_t id = 0;
  std::int64_t code = 0;
  std::string name;
  milli quantity = 0;
  bool prohibited = false; ///< on the stop list
};

struct dish_rests {
  std::vector<dish_rest> rests;
};

// -- order contents (requests) ---------------------------------------------------------

struct modi_request {
  ref item;
  int count = 1;
  std::optional<kopecks> price;
  std::string open_name; ///< free text of an open modifier (item comment)
};

struct dish_request {
  ref item;
  milli quantity = 1000;
  std::optional<kopecks> price;
  std::vector<modi_request> modis;
};

struct component_request {
  ref item;
  int count = 1;
};

struct combo_request {
  ref item;
  milli quantity = 1000;
  std::vector<component_request> components;
};

struct discount_request {
  ref item;
  std::optional<kopecks> amount; ///< for amount discounts and markups
};

struct prepay_request {
  ref currency;
  kopecks amount = 0;
  std::optional<ref> reason; ///< DEPOSITCOLLECTREASONS item
  bool promised = false;
};

/// One package (`Session`) of lines, in the order they will be written.
struct session_request {
  std::optional<ref> station;
  std::vector<dish_request> dishes;
  std::vector<combo_request> combos;
  std::vector<discount_request> discounts;
  std::vector<prepay_request> prepays;
};

// -- the order record (replies, §4.7) ----------------------------------------------------

struct modi_line {
  std::int64_t id = 0;
  std::int64_t code = 0;
  std::string name;
  int count = 0;
  kopecks price = 0;
  kopecks amount = 0;
  std::string open_name;
};

struct dish_line {
  std::int64_t id = 0;
  std::int64_t code = 0;
  std::string name;
  std::int64_t uni = 0;
  std::string line_guid;
  milli quantity = 0;
  kopecks price = 0;
  kopecks amount = 0;
  int state = 0; ///< 1 open, 3 fixed, 4 printed, 5 partly closed, 6 closed, 7 deleted
  bool is_combo = false;
  std::vector<modi_line> modis;
  std::vector<dish_line> components; ///< combo components (Combo/Component)
};

struct discount_line {
  std::int64_t id = 0;
  std::int64_t code = 0;
  std::string name;
  /// The line's `discountSum` (else `amount`), signed as the server reports
  /// it: rk7sim gives a discount negative and a markup positive; samples of
  /// real servers disagree and rk7-xml.md is silent, so consumers derive the
  /// effect from the order's `orderSum` (actors/order_mapping.cpp).
  kopecks amount = 0;
  std::int64_t uni = 0;
  std::string line_guid;
};

struct payment_line {
  std::int64_t id = 0;
  std::int64_t code = 0;
  std::string name;
  kopecks amount = 0;
  bool promised = false;
  std::string line_guid;
};

struct session_line {
  std::int64_t uni = 0;
  std::string line_guid;
  bool printed = false;
  std::vector<dish_line> dishes;
  std::vector<discount_line> discounts;
  std::vector<payment_line> prepays;
  std::vector<payment_line> pays;
};

struct order {
  std::int64_t visit = 0;
  std::int64_t order_ident = 0;
  std::string guid;
  std::string order_name;
  std::int64_t version = 0;
  std::int64_t crc32 = 0;
  kopecks order_sum = 0;
  kopecks unpaid_sum = 0;
  kopecks discount_sum = 0;
  kopecks prepay_sum = 0;
  kopecks promised_sum = 0;
  milli total_pieces = 0;
  bool paid = false;
  bool finished = false;
  bool deleted = false;
  bool bill = false; ///< a precheck (PrintCheck bill="1") exists
  std::string open_time;
  std::string persistent_comment;
  std::optional<named_ref> table;
  std::optional<named_ref> order_category;
  std::optional<named_ref> order_type;
  std::optional<named_ref> waiter;
  std::vector<session_line> sessions;
};

/// A per-line error of SaveOrder / CalcOrder / ValidateOrder (§2.5).
struct line_error {
  int rk7_error_n = 0;
  std::string text;
  std::string faulty_tag; ///< name of the offending element, e.g. "Dish"
  std::optional<std::int64_t> faulty_id;
  std::optional<std::int64_t> faulty_code;
};

// -- order commands ------------------------------------------------------------------------

struct create_order {
  std::string guid; ///< client-chosen, so a retry can find the order
  ref table;
  std::optional<ref> station;
  std::optional<ref> waiter;
  std::optional<ref> order_category;
  std::optional<ref> order_type;
  int guests = 0; ///< 0 = send no Guests element
  std::string persistent_comment;
  std::map<std::string, std::string> external_props;
};

struct created_order {
  std::int64_t visit = 0;
  std::int64_t order_ident = 0;
  std::string guid;
  std::optional<order> record; ///< servers since 7.5.5.057 send the full order
};

struct save_order {
  order_ref target;
  std::vector<session_request> sessions;
  std::optional<license_info> license; ///< XML-SaaS only
  bool deferred = false;
};

struct saved_order {
  order record;
  std::vector<line_error> errors;
};

/// CalcOrder: prices a cart without saving anything.
struct calc_order {
  std::optional<order_ref> target; ///< price on top of an existing order
  std::optional<ref> table;
  std::optional<ref> order_category;
  std::optional<ref> order_type;
  std::optional<ref> waiter;
  int guests = 1;
  std::vector<session_request> sessions;
};

struct calculated_order {
  order record;
  std::vector<line_error> errors;
};

/// ValidateOrder: checks that the lines can be sold (not the prices).
struct validate_order {
  std::optional<order_ref> target;
  std::optional<ref> table;
  std::optional<ref> order_category;
  std::vector<session_request> sessions;
};

struct validation {
  std::vector<line_error> errors;
};

struct get_order {
  order_ref target;
};

/// GetOrderList (§4.8). The need_* flags choose which attributes of each
/// order's referenced items (Table, Waiter, OrderCateg, OrderType, ...) the
/// server writes: their IDs, codes and names; defaults are the vendor's.
struct get_order_list {
  std::optional<std::int64_t> last_version;
  bool only_opened = false;
  bool need_idents = true; ///< `TableID`, `WaiterID`, ...
  bool need_codes = true;  ///< `TableCode`, `WaiterCode`, ...
  bool need_names = false; ///< `TableName`, `WaiterName`, ...
};

/// One order as GetOrderList reports it (§4.8).
struct order_summary {
  std::int64_t visit = 0;
  std::int64_t order_ident = 0;
  std::string guid;
  /// `guid` as its bits, whatever its spelling (none when it is not a GUID):
  /// read while the reply is parsed, so a consumer that matches hundreds of
  /// listed orders against its own compares numbers, not text.
  std::optional<guid_bits> guid_key;
  std::int64_t version = 0;
  std::int64_t crc32 = 0;
  kopecks order_sum = 0;
  kopecks to_pay_sum = 0;
  kopecks prepay_sum = 0;
  bool finished = false;
  bool bill = false;
  bool paid = false;
  bool deleted = false;
  std::optional<named_ref> table;
};

struct order_list {
  bool no_changes = false; ///< Status="No changes": lastversion matched
  std::int64_t last_version = 0;
  std::vector<order_summary> orders;
};

struct print_bill {
  order_ref target;
  ref station;
  ref cashier;
};

struct payment_request {
  ref currency;
  kopecks amount = 0;
};

struct pay_order {
  order_ref target;
  ref station;
  ref cashier;
  std::vector<payment_request> payments;
  std::optional<license_info> license;
};

struct void_order {
  order_ref target;
  ref station;
  ref manager;
  ref reason; ///< ORDERVOIDS item
};

struct get_license_seq {
  license_info license;
};

struct license_seq {
  std::uint64_t seq_number = 0;
};

/// Replies that carry nothing but the common status attributes.
struct ack {};

} // namespace rk7
