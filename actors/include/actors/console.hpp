#pragma once
// The operator console (docs/console.md): the CONSOLE actor that indexes the
// manually accepted orders for operators, runs their actions (accept, cancel,
// dispatch, archive) and keeps the persisted change counter; plus the pure
// pieces it and postorder share (menu preview of a waiting order, its problems).

#include "actors/actors.hpp"
#include "actors/menu.hpp"
#include "actors/tracking.hpp"
#include "config/config.hpp"
#include "events/feed.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rkgate::persistence {
class store;
}

namespace rkgate::actors {

struct restaurant_context;

/// A manual order the gateway just stored (status 5, not on the cash server).
struct console_arrival {
  std::string guid;
  std::string source;
  std::string restaurant;
  std::string record;   ///< order record JSON (api.md §3.6) with the menu preview prices
  std::string problems; ///< JSON array: docs/console.md §4 `problems`
  std::string body;     ///< the order body as posted (JSON text, without token)
};

/// What an operator may see: the restaurants granted to it (after a filter).
struct console_scope {
  std::string operator_name;
  std::vector<std::string> restaurants;
};

/// GET /api/v3/console/orders after the HTTP layer checked the parameters.
struct console_query {
  console_scope scope;
  std::string state = "all";                ///< all or a delivery_state
  std::size_t limit = 50;
  std::string cursor;                       ///< opaque, empty = first page
  std::optional<std::uint64_t> since_version;
};

/// One operator action on one order (or a read when `action` is empty).
struct console_action {
  console_scope scope;
  std::string guid;
  std::string action; ///< accept, cancel, dispatch, archive; empty = get
  std::string reason; ///< cancel only, already trimmed and checked
};

/// A status change of a manual order, relayed by its ORDER (announce_status):
/// the CONSOLE announces it with the order's delivery_state (docs/console.md §1).
struct console_status {
  std::string guid;
  std::string source;
  std::string callback_url;     ///< the order's own, empty = the source's default
  std::string record;           ///< the ORDER's record (api.md §3.6), JSON text
  std::optional<int> previous;  ///< nullopt: the order's first status
};

/// What the CONSOLE needs once every actor exists (sent once at start-up).
struct console_wiring {
  std::map<std::string, std::shared_ptr<const restaurant_context>> restaurants;
  std::map<std::string, source_actor> sources;
};

/// The CONSOLE actor: one per gateway. It is the one announcer of its orders'
/// changes (callbacks and events, in order per order).
using console_actor = caf::typed_actor<
  // A manual order was stored by its SOURCE: index it (persisted, synced).
  caf::replies_to<atom::create, console_arrival>::with<bool>,
  // The list or the changes since a version (`data` of docs/console.md §3.2).
  caf::replies_to<atom::list, console_query>::with<api_reply>,
  // One order (action empty) or an action on it.
  caf::replies_to<atom::run, console_action>::with<api_reply>,
  // The restaurants and sources that accepts and cancels go to.
  caf::reacts_to<atom::loaded, console_wiring>,
  // The ORDER of a manual order changed status: track and announce it.
  caf::reacts_to<atom::status, console_status>,
  // The ORDER of a manual order has an event (save_order, additional_order,
  // ...): passed on to the EVENTS LOG with delivery_state, in order.
  caf::reacts_to<atom::put, events::new_event>,
  // The STATUS POLLER saw the order changed on the cash server after its
  // creation (created -> accepted).
  caf::reacts_to<atom::refresh, std::string>,
  // Its own timer: archived and deleted orders idle for `console.unload_after`
  // leave memory.
  caf::reacts_to<atom::tick>>;

/// What the list and the counts need of an order out of memory; kept in the
/// store beside each entry, so start-up reads these and not the entries.
struct console_brief {
  std::string guid;
  std::string state; ///< delivery_state
  std::string restaurant;
  std::string created_at;
  std::uint64_t version = 0;
};

/// The console's durable state, read at start-up: the entries of orders
/// still being worked on (JSON by guid), the briefs of archived and deleted
/// ones, and the change counter. Kept in the store's `meta` table.
struct console_restore {
  std::map<std::string, std::string> entries;
  std::vector<console_brief> finished;
  std::uint64_t version = 0;
};

/// Stages a console order as the CONSOLE stores it (entry, brief and the
/// change counter at `b.version`); `record`, `problems` and `history` are
/// JSON text. For seeding stores (rkgate-seed-store).
void stage_console_order(persistence::write_batch& batch, const console_brief& b, const std::string& source,
                         const std::string& record, const std::string& body, const std::string& history);

/// Reads the console's records from `db` (before any actor runs). A store
/// written before briefs existed gets them here, once.
console_restore read_console(persistence::store& db);

/// The CONSOLE, spawned before the restaurants (their ORDERs and STATUS
/// POLLERs report to it); send it the console_wiring once the SOURCEs exist.
/// Its announcements go to `notifier` and `events`; archived and deleted
/// orders idle for `unload_after` (0: never) leave memory.
console_actor spawn_console(caf::actor_system& sys, store_actor store, notifier_actor notifier,
                            events_log_actor events, console_restore restored,
                            std::chrono::milliseconds unload_after);

// -- pure pieces -----------------------------------------------------------------------

/// The menu-priced view of a cart before it reaches the cash server, in the
/// shape of priced_order (items with names, prices, sums, modifiers;
/// discounts; total, prepaid, to_pay), plus its total sums in kopecks.
struct menu_preview {
  std::string priced; ///< JSON text
  kopecks total = 0;
  kopecks prepaid = 0;
  kopecks to_pay = 0;
};
menu_preview preview_from_menu(const menu& m, const cart& c);

/// The validate-style problems of a cart against a menu (docs/console.md §4):
/// check_cart's problems (`blocking: true`) and `price_changed` (not blocking).
/// JSON array text.
std::string console_problems(const menu& m, const cart& c);

} // namespace rkgate::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::console_arrival)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::console_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::console_action)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::console_status)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::console_wiring)
