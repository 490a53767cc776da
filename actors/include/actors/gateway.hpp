#pragma once
// Start-up of the actor topology: reads the durable state synchronously
// (before any actor runs), spawns STORE, CASH SERVER, MENU CACHE, TABLE POOL,
// SOURCE and the re-attached ORDER actors, and
// returns the handles the HTTP layer routes to.

#include "actors/actors.hpp"
#include "actors/console.hpp"
#include "actors/tracking.hpp"
#include "config/config.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace caf {
class actor_system;
}
namespace rk7 {
class transport;
}
namespace rkgate::net {
class http_engine;
}

namespace rkgate::actors {

/// One restaurant as the actors see it.
struct rk7_call_stats;
struct order_status_stats;

struct restaurant_context {
  config::restaurant cfg;
  cash_server_actor cash;
  std::shared_ptr<const health_board> health; ///< the CASH SERVER's published health
  std::shared_ptr<const menu_board> menus;    ///< the MENU CACHE's published menus
  std::shared_ptr<const rk7_call_stats> rk7_calls; ///< its r_keeper calls, for GET /metrics
  std::shared_ptr<order_status_stats> status_changes; ///< announced status changes, for GET /metrics
  std::shared_ptr<const read_stamp> status_read; ///< the STATUS POLLER's last answered list, for GET /metrics
  menu_cache_actor menu;
  table_pool_actor tables;    ///< numbers its orders' tables (100, 100.1, ...)
  status_poller_actor poller; ///< follows its gateway orders on the cash server
  notifier_actor notifier;    ///< the gateway's one NOTIFIER
  /// Sources with a default callback URL: an order of another source without
  /// its own callback_url gets no callback, so none is built. Null: ask the NOTIFIER.
  std::shared_ptr<const std::set<std::string>> callback_sources;
  events_log_actor events;    ///< the gateway's one EVENTS LOG
  console_actor console;      ///< announces manual orders' changes (docs/console.md); may be null
};

using restaurant_map = std::map<std::string, std::shared_ptr<const restaurant_context>>;

/// A SOURCE's orders as it publishes them for GET /metrics (it is the only writer).
struct source_order_stats {
  std::atomic<std::uint64_t> open{0};      ///< orders being created or open (not over)
  std::atomic<std::uint64_t> in_memory{0}; ///< of those, with their ORDER in memory
};

/// Everything the HTTP layer needs to route a request; immutable after start.
struct directory {
  config::gateway cfg;
  store_actor store;
  restaurant_map restaurants;
  std::map<std::string, source_actor> sources; ///< by source name
  std::map<std::string, std::shared_ptr<const source_order_stats>> source_orders; ///< by source name, for GET /metrics
  notifier_actor notifier;
  events_log_actor events;
  console_actor console; ///< the operator console's index and actions (docs/console.md)
  std::shared_ptr<const std::atomic<std::uint64_t>> callbacks_pending; ///< the NOTIFIER's queue, for GET /metrics
  std::chrono::steady_clock::time_point started;
};

/// Spawns every actor for `cfg`, restoring orders, idempotency keys and
/// table allocations from `db`. Push callbacks go out through `callbacks`
/// (the engine `net` runs on).
std::shared_ptr<const directory> start_gateway(caf::actor_system& sys, const config::gateway& cfg,
                                               std::shared_ptr<persistence::store> db,
                                               std::shared_ptr<rk7::transport> net,
                                               std::shared_ptr<net::http_engine> callbacks);

/// Maps an r_keeper failure to the API: 503 cash_server_unavailable when the
/// server could not be asked, else 502 cash_server_error with its text.
api_reply cash_failure(const rk7::error& e);

/// Human text of an r_keeper failure (never contains credentials).
std::string describe(const rk7::error& e);

} // namespace rkgate::actors
