#pragma once
// Following orders after creation (issue 5, api.md §4 and §6): the STATUS
// POLLER (one per cash server), the NOTIFIER (push callbacks) and the EVENTS
// LOG (the /api/v4/events feed), and what the ORDER actors tell them.

#include "actors/actors.hpp"
#include "config/config.hpp"
#include "events/feed.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace rkgate::net {
class http_engine;
}

namespace rkgate::actors {

/// One status change to push to a source's callback endpoint.
struct callback_job {
  std::string source;      ///< source name: its secret signs, its default URL applies
  std::string order_guid;
  std::string url;         ///< the order's callback_url; empty = the source's default
  std::string body;        ///< notify::callback_body(...), the exact bytes to send
};

/// A finished callback attempt, sent by the HTTP engine's thread to the NOTIFIER.
struct callback_done {
  std::string order_guid;
  std::uint64_t sequence = 0;
  long http_status = 0;
  int error = 0;           ///< net::error_kind as int
  std::string error_message;
};

/// A read of the events feed.
struct events_query {
  std::string hash;                     ///< "none", or the hash of the last event seen
  std::vector<std::string> restaurants; ///< the reader may see these restaurants
};

/// Who hears that an order changed on the cash server after it was first seen
/// there (a later r_keeper version): the CONSOLE (docs/console.md §1, created ->
/// accepted). It ignores orders it does not know.
using till_change_listener = caf::typed_actor<
  // The order (guid) has a later version on the cash server than when first seen.
  caf::reacts_to<atom::refresh, std::string>>;

/// The STATUS POLLER of one cash server.
using status_poller_actor = caf::typed_actor<
  // An ORDER that is on the cash server asks to be followed: guid, the ORDER,
  // its SOURCE, the order's version it already knows (-1: none), which needs
  // no read-back. A null ORDER: it left memory; changes go to its SOURCE,
  // which loads it again (and at once when the version it knew is not the
  // latest seen, as a refresh may have been on its way to it).
  caf::reacts_to<atom::watch, std::string, order_actor, source_actor, std::int64_t>,
  // The ORDER is over (closed or deleted): stop following it.
  caf::reacts_to<atom::forget, std::string>,
  // Internal: time for the next GetOrderList (only the latest tick counts).
  caf::reacts_to<atom::tick, std::uint64_t>>;

/// The NOTIFIER: the durable callback outbox and its delivery (detached).
using notifier_actor = caf::typed_actor<
  // Stores a callback (synced) and delivers it, in order per order.
  caf::reacts_to<atom::put, callback_job>,
  // Internal: an attempt finished.
  caf::reacts_to<atom::done, callback_done>,
  // Internal: a delivery falls due.
  caf::reacts_to<atom::tick>>;

/// The EVENTS LOG: the events feed with retention and persistence (detached).
using events_log_actor = caf::typed_actor<
  // Appends an event (at once in the feed; written with the others that came
  // before the next flush).
  caf::reacts_to<atom::put, events::new_event>,
  // Internal: writes the events appended since the last flush, in one write.
  caf::reacts_to<atom::flush>,
  // Reads the feed: the `data` object of the answer as JSON text.
  caf::replies_to<atom::get, events_query>::with<std::string>>;

/// Timing of the STATUS POLLER.
struct poll_timing {
  std::chrono::milliseconds active{2000}; ///< while gateway orders are open
  std::chrono::milliseconds idle{10000};  ///< while none is
  double phase = 0; ///< where in each period this restaurant polls, [0, 1): restaurants spread over it
};

/// The STATUS POLLER of one restaurant; `till` (may be null) hears of orders
/// changed on the cash server after their first sighting; `answered` (may be
/// null) is marked whenever a GetOrderList is answered, for GET /metrics.
status_poller_actor spawn_status_poller(caf::actor_system& sys, std::string restaurant,
                                        cash_server_actor cash, poll_timing timing,
                                        till_change_listener till = {},
                                        std::shared_ptr<read_stamp> answered = nullptr);

/// The NOTIFIER over `db` (the outbox table) and `engine`. Loads the pending
/// deliveries before it handles anything.
/// `depth` (optional) is kept equal to the number of callbacks pending, for GET /metrics.
notifier_actor spawn_notifier(caf::actor_system& sys, std::vector<config::source> sources,
                              std::shared_ptr<persistence::store> db,
                              std::shared_ptr<net::http_engine> engine,
                              std::shared_ptr<std::atomic<std::uint64_t>> depth = nullptr);

/// The EVENTS LOG over `db` (the events table) with a retention window, on
/// its own thread `events_nice` steps of nice below the process: no request
/// waits for an append, and the feed's readers wait for it only on a saturated
/// machine.
inline constexpr int events_nice = 5;
events_log_actor spawn_events_log(caf::actor_system& sys, std::shared_ptr<persistence::store> db,
                                  std::chrono::milliseconds retention);

} // namespace rkgate::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::callback_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::callback_done)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::events_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::events::new_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::order_actor)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(rkgate::actors::source_actor)
