#pragma once
// Spawning the gateway's actors (internal to the actors module and its
// tests): one function per role, defined next to the actor's behaviour.

#include "actors/gateway.hpp"
#include "rk7/transport.hpp"

#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace rkgate::actors {

/// The STORE: RocksDB calls on a detached actor's own thread, and WAL syncs
/// on a second one, both `store_nice` steps of nice below the process: what
/// waits for them (a synced write) runs beside an r_keeper call of tens of
/// milliseconds, so on a busy machine the event loop's threads, which carry
/// the requests, get a core first.
store_actor spawn_store(caf::actor_system& sys, std::shared_ptr<persistence::store> db);
inline constexpr int store_nice = 5;

/// An UPKEEP PARSER (the gateway has one per two hardware threads, each for
/// its share of the restaurants) on its own thread, `upkeep_nice` steps of
/// nice below the process (docs/architecture.md, "Upkeep at low priority").
upkeep_parser_actor spawn_upkeep_parser(caf::actor_system& sys);
inline constexpr int upkeep_nice = 10;

/// Health check periods of the CASH SERVER.
struct cash_server_timing {
  std::chrono::milliseconds healthy{2000};
  std::chrono::milliseconds down{1000};
};

/// How the CASH SERVER reaches r_keeper: posts one request body and calls
/// `done` (on any thread, exactly once) with the reply body or a transport
/// error. The seam between the actor and the network: production posts
/// through rk7::transport (transport_poster), actor tests answer with a fake.
using rk7_poster = std::function<void(std::string xml, rk7::body_callback done)>;

/// Posts to `ep` through `net`.
rk7_poster transport_poster(std::shared_ptr<rk7::transport> net, rk7::endpoint ep);

/// Everything a CASH SERVER is made of.
struct cash_server_setup {
  std::string restaurant;
  rk7_poster post;
  cash_server_timing timing;
  /// Writes sent before the previous one answered (config
  /// `cash_server.writes_in_flight`); 1 under XML-SaaS whatever is set.
  int writes_in_flight = 1;
  /// XML-SaaS: the LicenseInfo of this restaurant (nullopt = lifetime licence)
  /// and the last seqNumber persisted for its instance (nullopt = none yet).
  std::optional<rk7::license_info> license;
  std::optional<std::uint64_t> last_seq;
  /// Where the seqNumber is persisted (table::licenses, key = instance guid)
  /// before each licensed call; needed only with a licence.
  store_actor store;
  /// Where the CASH SERVER publishes its health after each change (ping reads it).
  std::shared_ptr<health_board> health = std::make_shared<health_board>();
  /// Parses the replies to status polls and menu loads; null: the CASH SERVER
  /// parses every reply itself.
  upkeep_parser_actor parser;
};

/// The CASH SERVER of one restaurant.
cash_server_actor spawn_cash_server(caf::actor_system& sys, cash_server_setup setup);

/// The MENU CACHE of one restaurant.
/// `board` receives each ready menu (getmenu reads it); may be null.
/// `phase` ([0, 1)) is where in each refresh period it re-reads: restaurants
/// spread over the period instead of re-reading together.
menu_cache_actor spawn_menu_cache(caf::actor_system& sys, config::restaurant cfg, cash_server_actor cash,
                                  std::shared_ptr<menu_board> board = nullptr, double phase = 0);

/// One restaurant's table allocations: base table code -> slot -> guid.
using table_allocations = std::map<std::int64_t, std::map<int, std::string>>;

/// The TABLE POOL of `restaurant`, starting from its stored allocations.
table_pool_actor spawn_table_pool(caf::actor_system& sys, std::string restaurant, table_allocations restored,
                                  store_actor db);

/// What an ORDER needs around it.
struct order_context {
  std::shared_ptr<const restaurant_context> rest;
  store_actor store;
  source_actor source;
  /// `orders.unload_after`: idle this long, an open ORDER may leave memory
  /// when its SOURCE asks (0: never).
  std::chrono::milliseconds unload_after{0};
};

/// The exit reason of an ORDER that left memory at its SOURCE's request
/// (its order goes on, in the store), as opposed to one whose order is over.
caf::error order_unloaded();

/// An ORDER. `first_write` is the idempotency record persisted together
/// with the first step (nullopt for orders restored from the store).
/// `body` is the cart of `rec.body` when the caller already parsed it (a new
/// order); without it the ORDER parses the stored body (a restored order).
/// `first_caller`: the postorder request that created the order, answered
/// when creation ends. It is the ORDER's caller from birth: an ORDER whose
/// creation fails stops at once, possibly before any later message could
/// reach it.
order_actor spawn_order(caf::actor_system& sys, order_record rec, order_context ctx,
                        std::optional<std::pair<std::string, std::string>> first_write,
                        std::optional<cart> body = std::nullopt, answer_sink_ptr first_caller = nullptr);

/// Restored state of one source: its orders that are not final. Everything
/// else (finished orders, idempotency keys of other orders) stays on disk and
/// is read on demand through the STORE.
struct source_restore {
  std::vector<order_record> orders;
  /// For `may_contain` only (answers from memory, never blocks): lets a new
  /// external_id skip the read of the idempotency table.
  std::shared_ptr<const persistence::store> db;
};

/// A SOURCE, re-attaching ORDER actors for its active restored orders.
/// `unload_after` (`orders.unload_after`, 0: never): open orders idle this
/// long leave memory and are loaded from the store when needed again.
/// `stats` (optional) is kept up to date with its open orders and those in memory.
source_actor spawn_source(caf::actor_system& sys, config::source cfg, restaurant_map restaurants,
                          store_actor db, source_restore restored,
                          std::chrono::milliseconds unload_after = std::chrono::milliseconds{0},
                          std::shared_ptr<source_order_stats> stats = nullptr);

/// Key helpers for the store.
std::string idempotency_key(const std::string& source, const std::string& external_id);
std::string table_key(const std::string& restaurant, std::int64_t base, int slot);

} // namespace rkgate::actors
