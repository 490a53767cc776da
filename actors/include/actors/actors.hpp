#pragma once
// Every actor interface of the gateway (docs/architecture.md), VAST style:
// atoms in a type-ID block, one typed interface per role, one comment per
// handler. Payloads never leave the process, so they are declared
// CAF_ALLOW_UNSAFE_MESSAGE_TYPE instead of being serializable.

#include "actors/api_reply.hpp"
#include "actors/menu.hpp"
#include "actors/order_body.hpp"
#include "actors/order_record.hpp"
#include "persistence/store.hpp"
#include "rk7/error.hpp"
#include "rk7/types.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

// -- atoms ------------------------------------------------------------------------

CAF_BEGIN_TYPE_ID_BLOCK(rkgate_atoms, caf::first_custom_type_id)
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, call, "call")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, done, "done")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, tick, "tick")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, status, "status")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, get, "get")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, put, "put")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, scan, "scan")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, check, "check")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, lookup, "lookup")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, create, "create")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, wait, "wait")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, list, "list")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, find, "find")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, close, "close")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, allocate, "allocate")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, release, "release")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, forget, "forget")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, run, "run")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, loaded, "loaded")
  // Issue 5: status tracking, callbacks, events, table-side ordering.
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, refresh, "refresh")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, watch, "watch")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, pay, "pay")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, cancel, "cancel")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, append, "append")
  // Issue 6: manual acceptance (operator console).
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, accept, "accept")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, flush, "flush")
  // Issue 7: idle open orders leave memory.
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, unload, "unload")
  CAF_ADD_ATOM(rkgate_atoms, rkgate::atom, parse, "parse")
CAF_END_TYPE_ID_BLOCK(rkgate_atoms)

namespace rkgate::actors {

// -- payloads -----------------------------------------------------------------------

/// The health of one cash server, from its periodic GetSystemInfo.
struct cash_health {
  bool checked = false;   ///< at least one check finished
  bool reachable = false;
  std::string version;
  std::string net_name;
  std::string last_error; ///< empty when the last call succeeded
  std::int64_t latency_ms = -1;
  bool saas = false;          ///< XML-SaaS licensing (else lifetime)
  /// Lifetime: always. XML-SaaS: the server accepted our LicenseInfo on the
  /// last licensed call (GetXMLLicenseInstanceSeqNumber at start, then every
  /// SaveOrder/PayOrder); false before the first answer and after a refusal.
  bool license_valid = true;
  std::string license_error;  ///< why the licence was refused, empty otherwise
};

/// The CASH SERVER's health as an immutable snapshot, published by that actor
/// after each change and read by ping in the HTTP handler without a message
/// round trip (docs/architecture.md, "Snapshots"). Only the CASH SERVER
/// publishes; a reader holds its snapshot as long as it likes.
class health_board {
public:
  /// Replaces the snapshot (the CASH SERVER only).
  void publish(const cash_health& h) { std::atomic_store(&current_, std::make_shared<const cash_health>(h)); }
  /// The latest snapshot; never null.
  std::shared_ptr<const cash_health> read() const { return std::atomic_load(&current_); }

private:
  std::shared_ptr<const cash_health> current_ = std::make_shared<const cash_health>();
};

/// A parsed r_keeper reply: what it tells about the server's health, and
/// `deliver`, which hands it to the waiting requester.
struct rk7_outcome {
  bool unreachable = false;
  std::string error; ///< text of a failure, empty on success
  std::function<void()> deliver;
};

/// A finished r_keeper call, sent by the engine's completion to the CASH SERVER
/// (or first to the UPKEEP PARSER, for a status poll or a menu load).
/// `parse` reads the reply off the transport: the engine only moves bytes,
/// so a large reply (a long GetOrderList) delays no other call in it.
struct rk7_completion {
  std::chrono::milliseconds latency{0};
  std::function<rk7_outcome()> parse;
};

/// Time the CASH SERVER spent in r_keeper calls made on behalf of one API
/// request (the `Server-Timing: rk7;dur=` header). The requester creates it
/// and passes it with each call; the CASH SERVER adds each call's round trip
/// (and the time a write waited while r_keeper did another write) before it
/// answers, so the sum is complete when the reply arrives. Kept in
/// microseconds: whole milliseconds per call would count their fractions as
/// gateway overhead.
struct rk7_meter {
  std::shared_ptr<std::atomic<std::int64_t>> us = std::make_shared<std::atomic<std::int64_t>>(0);
  void add(std::chrono::microseconds d) const { us->fetch_add(d.count()); }
  /// Milliseconds, with fractions.
  double total() const { return static_cast<double>(us->load()) / 1000.0; }
};

using menu_ptr = std::shared_ptr<const menu>;

/// When a cash server was last read for something: the one actor that reads
/// marks it, GET /metrics reads its age in the HTTP handler.
class read_stamp {
public:
  /// Notes that the cash server just answered.
  void mark() {
    at_.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  }
  /// Seconds since the last mark, or -1 before the first.
  double age_seconds() const {
    auto at = at_.load(std::memory_order_relaxed);
    if (at == 0)
      return -1;
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()
                                         - std::chrono::steady_clock::duration(at))
      .count();
  }

private:
  std::atomic<std::chrono::steady_clock::rep> at_{0}; ///< steady_clock ticks; 0: never
};

/// The MENU CACHE's ready menus by order category code, published by that
/// actor whenever one changes and read by getmenu in the HTTP handler without a
/// message round trip (docs/architecture.md, "Snapshots"). Only the MENU
/// CACHE publishes (each publication copies the small map: read-copy-update).
class menu_board {
public:
  using menus = std::map<std::int64_t, menu_ptr>;
  /// Replaces one category's menu (the MENU CACHE only).
  void publish(std::int64_t category, menu_ptr m) {
    auto next = std::make_shared<menus>(*std::atomic_load(&current_));
    (*next)[category] = std::move(m);
    std::atomic_store(&current_, std::shared_ptr<const menus>(std::move(next)));
  }
  /// The ready menu of a category; null until its first load finished.
  menu_ptr find(std::int64_t category) const {
    auto all = std::atomic_load(&current_);
    auto it = all->find(category);
    return it == all->end() ? nullptr : it->second;
  }
  /// Notes that the cash server was just read, changed or not (the MENU CACHE only).
  void checked() { checked_.mark(); }
  /// Seconds since the cash server was last read for this menu, or -1 before the
  /// first read; GET /metrics' menu age.
  double age_seconds() const { return checked_.age_seconds(); }

private:
  std::shared_ptr<const menus> current_ = std::make_shared<const menus>();
  read_stamp checked_;
};

/// A menu, or why none could be loaded (cash_server_unavailable, ...).
struct menu_reply {
  menu_ptr value;
  api_reply failure;
};

/// A key of one table of the store.
struct store_key {
  persistence::table table = persistence::table::orders;
  std::string key;
};

/// A value read from the store (`found` false when absent).
struct store_value {
  bool found = false;
  std::string value;
};

/// Records returned by a scan, as key/value pairs.
struct store_records {
  std::vector<std::pair<std::string, std::string>> items;
};

/// A postorder handed to the SOURCE: the parsed cart and what to persist.
struct order_request {
  std::string restaurant;
  cart body;
  std::string body_json; ///< the body as received, without token
  std::string hash;
  bool manual = false;   ///< waits for an operator's accept (docs/console.md)
  bool no_merge = false; ///< never add to the table's open order (table_orders_merge)
};

/// A list of order GUIDs (POST getorders).
struct guid_list {
  std::vector<std::string> guids;
};

/// Prepayments to add to an open order (POST pay).
struct payment_list {
  std::vector<cart_payment> payments;
};

template <class T>
using rk7_result = rk7::result<T>;

} // namespace rkgate::actors

// -- interfaces -------------------------------------------------------------------------

namespace rkgate::actors {

/// The STORE actor: the only user of RocksDB, detached on its own thread.
/// Writes are group-committed: the batches that queue up while one sync is
/// on disk go out together under the next single sync.
using store_actor = caf::typed_actor<
  // Applies a batch atomically; synced to disk when the flag is set. The
  // reply comes once the write (and its sync) is done.
  caf::replies_to<atom::put, persistence::write_batch, bool>::with<bool>,
  // Writes the batches collected since the last flush (sent to itself).
  caf::reacts_to<atom::flush>,
  // Reads one record.
  caf::replies_to<atom::get, store_key>::with<store_value>,
  // Reads every record whose key starts with the given prefix.
  caf::replies_to<atom::scan, store_key>::with<store_records>>;

/// The UPKEEP PARSER actor: reads the replies of the gateway's own background
/// calls (status polls, menu loads) on a thread of lower priority than the
/// actors', so that an order never waits behind a long GetOrderList.
using upkeep_parser_actor = caf::typed_actor<
  // Parses a finished call and sends `(done, the parsed call)` to the actor
  // given (its CASH SERVER).
  caf::reacts_to<atom::parse, rk7_completion, caf::actor>>;

/// The CASH SERVER actor: the only path to one r_keeper; writes one at a time.
using cash_server_actor = caf::typed_actor<
  // Reads the reference-book versions.
  caf::replies_to<atom::call, rk7::get_ref_list>::with<rk7_result<rk7::ref_list>>,
  // Reads one reference book.
  caf::replies_to<atom::call, rk7::get_ref_data>::with<rk7_result<rk7::reference>>,
  // Reads prices and availability for a station and order category.
  caf::replies_to<atom::call, rk7::get_order_menu>::with<rk7_result<rk7::order_menu>>,
  // Reads the stop list and dish limits.
  caf::replies_to<atom::call, rk7::get_dish_rests>::with<rk7_result<rk7::dish_rests>>,
  // Prices a cart without saving anything.
  caf::replies_to<atom::call, rk7::calc_order>::with<rk7_result<rk7::calculated_order>>,
  // Reads one order.
  caf::replies_to<atom::call, rk7::get_order>::with<rk7_result<rk7::order>>,
  // Creates an order (a write: queued behind other writes).
  caf::replies_to<atom::call, rk7::create_order>::with<rk7_result<rk7::created_order>>,
  // Adds a package to an order (a write; carries the XML-SaaS seqNumber).
  caf::replies_to<atom::call, rk7::save_order>::with<rk7_result<rk7::saved_order>>,
  // Pays and closes an order (a write; carries the XML-SaaS seqNumber).
  caf::replies_to<atom::call, rk7::pay_order>::with<rk7_result<rk7::ack>>,
  // Lists the orders (STATUS POLLER; `lastversion` makes an unchanged list cheap).
  caf::replies_to<atom::call, rk7::get_order_list>::with<rk7_result<rk7::order_list>>,
  // Deletes an open order (a write; cancel).
  caf::replies_to<atom::call, rk7::void_order>::with<rk7_result<rk7::ack>>,
  // The calls of validate and postorder again, metered for Server-Timing.
  caf::replies_to<atom::call, rk7::calc_order, rk7_meter>::with<rk7_result<rk7::calculated_order>>,
  caf::replies_to<atom::call, rk7::get_order, rk7_meter>::with<rk7_result<rk7::order>>,
  caf::replies_to<atom::call, rk7::create_order, rk7_meter>::with<rk7_result<rk7::created_order>>,
  caf::replies_to<atom::call, rk7::save_order, rk7_meter>::with<rk7_result<rk7::saved_order>>,
  caf::replies_to<atom::call, rk7::pay_order, rk7_meter>::with<rk7_result<rk7::ack>>,
  // Answers the current health.
  caf::replies_to<atom::status>::with<cash_health>,
  // Internal: an r_keeper call finished (sent from the engine's completion).
  caf::reacts_to<atom::done, rk7_completion>,
  // Internal: time for the periodic GetSystemInfo.
  caf::reacts_to<atom::tick>>;

/// The MENU CACHE actor: the menus of one restaurant, one per order category.
using menu_cache_actor = caf::typed_actor<
  // Answers the menu of an order category (0 = default); waits for a cold load.
  caf::replies_to<atom::get, std::int64_t>::with<menu_reply>,
  // Internal: time to refresh the menu of an order category.
  caf::reacts_to<atom::tick, std::int64_t>,
  // Internal: time to re-read the stop list, remains and prices of an order category.
  caf::reacts_to<atom::check, std::int64_t>>;

/// The TABLE POOL actor: the numbers on every base table of one restaurant,
/// each base table numbered on its own.
using table_pool_actor = caf::typed_actor<
  // Allocates (or returns the existing) slot on a base table for an order
  // GUID: base table code, order GUID.
  caf::replies_to<atom::allocate, std::int64_t, std::string>::with<int>,
  // Frees the slot of an order GUID on a base table: base table code, order GUID.
  caf::reacts_to<atom::release, std::int64_t, std::string>>;

/// The ORDER actor: one order's lifecycle while it is active.
using order_actor = caf::typed_actor<
  // Answers the postorder result once creation has finished. (The request
  // that created the order is answered through the sink it was spawned with.)
  caf::replies_to<atom::wait>::with<api_reply>,
  // Answers the order record (api.md §3.6) as the STATUS POLLER last refreshed it.
  caf::replies_to<atom::get>::with<std::string>,
  // Closes a fully prepaid order with PayOrder.
  caf::replies_to<atom::close>::with<api_reply>,
  // The STATUS POLLER saw the order change on the cash server (true: it is
  // missing from the order list): read it back and announce what changed.
  caf::reacts_to<atom::refresh, bool>,
  // Adds prepayments to an open order (POST pay).
  caf::replies_to<atom::pay, payment_list>::with<api_reply>,
  // Cancels the order (POST cancel) with the reason given.
  caf::replies_to<atom::cancel, std::string>::with<api_reply>,
  // Adds the cart's items as a new session (table-side ordering).
  caf::replies_to<atom::append, cart>::with<api_reply>,
  // A waiting (manual) order accepted by an operator: creates it on the cash
  // server on the given base table; a failure that created nothing leaves it waiting.
  caf::replies_to<atom::accept, std::int64_t>::with<api_reply>,
  // A guest at its table called (tablecall): announces the call ("waiter_call"
  // or "bill_request") with the order.
  caf::reacts_to<atom::call, std::string>,
  // Its SOURCE asks it to leave memory: true (and it stops) when it is open,
  // has nothing under way and has been idle for `orders.unload_after`; its
  // record in the store is then the whole order until the SOURCE loads it again.
  caf::replies_to<atom::unload>::with<bool>,
  // Internal: run the next step of the state machine.
  caf::reacts_to<atom::run>>;

/// What the SOURCE says about an external_id.
struct admission {
  enum kind_t { absent, same, conflict } kind = absent;
  std::string guid;
  order_actor order;  ///< the active ORDER, or null
  bool spawned = false; ///< `order` was spawned by this admission (a postorder sink is already its first caller: spawn_order)
  std::string record; ///< the stored record (JSON) when no ORDER is active
};

/// The SOURCE actor: one ordering system's idempotency keys and orders.
using source_actor = caf::typed_actor<
  // Looks up an external_id with the body hash.
  caf::replies_to<atom::lookup, std::string, std::string>::with<admission>,
  // Admits a new order: persists key and record (synced), spawns its ORDER.
  caf::replies_to<atom::create, order_request>::with<admission>,
  // The same, answering the request itself through its sink: a conflict or
  // a stored order at once, a live or new order by its ORDER.
  caf::reacts_to<atom::create, order_request, answer_sink_ptr>,
  // Lists the source's open orders (restaurant filter, empty = all).
  caf::replies_to<atom::list, std::string>::with<api_reply>,
  // Answers the records of the given orders, whatever their status.
  caf::replies_to<atom::find, guid_list>::with<api_reply>,
  // Closes one of the source's orders.
  caf::replies_to<atom::close, std::string>::with<api_reply>,
  // Adds prepayments to one of the source's orders.
  caf::replies_to<atom::pay, std::string, payment_list>::with<api_reply>,
  // Cancels one of the source's orders: guid, reason.
  caf::replies_to<atom::cancel, std::string, std::string>::with<api_reply>,
  // Accepts one of the source's waiting orders: guid, base table code.
  caf::replies_to<atom::accept, std::string, std::int64_t>::with<api_reply>,
  // A guest's call at a table (tablecall): restaurant, table code, kind
  // ("waiter_call" or "bill_request"). Announced by the table's open order of
  // this source when there is exactly one, else without an order.
  caf::replies_to<atom::call, std::string, std::int64_t, std::string>::with<api_reply>,
  // Drops an idempotency key whose order never reached the cash server.
  caf::reacts_to<atom::forget, std::string>,
  // The STATUS POLLER saw an unloaded order change (true: it left the list of
  // open orders): loads its ORDER from the store and hands it the refresh.
  caf::reacts_to<atom::refresh, std::string, bool>,
  // Internal: asks ORDERs idle for `orders.unload_after` to leave memory.
  caf::reacts_to<atom::unload>>;

} // namespace rkgate::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::api_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::answer_sink_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::cash_health)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::rk7_completion)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::rk7_meter)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::menu_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::store_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::store_value)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::store_records)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::order_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::guid_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::payment_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::cart)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::get_order_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::void_order)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::order_list>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::admission)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::persistence::write_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::get_ref_list)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::get_ref_data)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::get_order_menu)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::get_dish_rests)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::calc_order)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::get_order)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::create_order)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::save_order)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::pay_order)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::ref_list>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::reference>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::order_menu>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::dish_rests>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::calculated_order>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::order>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::created_order>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::saved_order>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rk7::result<rk7::ack>)
