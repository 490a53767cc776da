#include "actors/ops_metrics.hpp"
#include "actors/order_store.hpp"
#include "actors/spawn.hpp"
#include "actors/upkeep_slots.hpp"

#include "net/http_engine.hpp"
#include "rk7/transport.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace rkgate::actors {

namespace {

/// Splits "a\x1fb\x1fc" into its parts.
std::vector<std::string> split_key(std::string_view key) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    auto end = key.find('\x1f', pos);
    out.emplace_back(key.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    if (end == std::string_view::npos)
      return out;
    pos = end + 1;
  }
}

rk7::endpoint endpoint_of(const config::cash_server_section& cs) {
  rk7::endpoint ep;
  ep.url = cs.url;
  ep.user = cs.user;
  ep.password = cs.password;
  ep.verify_tls = cs.verify_tls;
  ep.min_tls = cs.min_tls;
  ep.timeout = cs.timeout;
  return ep;
}

/// The CASH SERVER of `r`, with its XML-SaaS licence and persisted seqNumber.
cash_server_setup cash_setup(const config::restaurant& r, std::shared_ptr<rk7::transport> net,
                             persistence::store& db, store_actor store) {
  cash_server_setup setup;
  setup.restaurant = r.id;
  setup.post = transport_poster(std::move(net), endpoint_of(r.cash_server));
  setup.store = store;
  setup.writes_in_flight = static_cast<int>(r.cash_server.writes_in_flight);
  if (r.license.mode == config::license_section::mode_t::saas && r.license.saas) {
    const auto& saas = *r.license.saas;
    setup.license = rk7::license_info{saas.anchor, saas.license_token, saas.instance_guid, 0};
    if (auto last = db.get(persistence::table::licenses, saas.instance_guid))
      setup.last_seq = std::stoull(*last);
  }
  return setup;
}

} // namespace

std::shared_ptr<const directory> start_gateway(caf::actor_system& sys, const config::gateway& cfg,
                                               std::shared_ptr<persistence::store> db,
                                               std::shared_ptr<rk7::transport> net,
                                               std::shared_ptr<net::http_engine> callbacks) {
  auto dir = std::make_shared<directory>();
  dir->cfg = cfg;
  dir->started = std::chrono::steady_clock::now();

  // Durable state, read before any actor runs.
  std::map<std::string, table_allocations> tables; // by restaurant
  db->scan(persistence::table::tables, "", [&](std::string_view key, std::string_view value) {
    auto parts = split_key(key);
    if (parts.size() == 3)
      tables[parts[0]][std::stoll(parts[1])][std::stoi(parts[2])] = std::string(value);
    return true;
  });
  // Only orders that are not final come into memory (each gets its ORDER);
  // finished orders and idempotency keys are read on demand, so start-up
  // time and memory do not grow with the number of stored orders.
  std::map<std::string, source_restore> restored;
  auto live = read_live_orders(*db);
  spdlog::info("restored {} active orders", live.size());
  for (auto& rec : live)
    restored[rec.source].orders.push_back(std::move(rec));
  auto console_restored = read_console(*db);

  dir->store = spawn_store(sys, db);
  auto callbacks_pending = std::make_shared<std::atomic<std::uint64_t>>(0);
  dir->callbacks_pending = callbacks_pending;
  dir->notifier = spawn_notifier(sys, cfg.sources, db, std::move(callbacks), std::move(callbacks_pending));
  dir->events = spawn_events_log(sys, db, cfg.events.retention);
  // Before the restaurants: their ORDERs and STATUS POLLERs report to it.
  dir->console = spawn_console(sys, dir->store, dir->notifier, dir->events, std::move(console_restored),
                               cfg.console.unload_after);
  auto callback_sources = std::make_shared<std::set<std::string>>();
  for (const auto& s : cfg.sources)
    if (!s.callback_url.empty())
      callback_sources->insert(s.name);
  // One UPKEEP PARSER per two hardware threads, the restaurants dealt out in
  // turn: a big chain's polls outgrow one thread, while on a small machine a
  // second would only compete with the actors.
  std::vector<upkeep_parser_actor> parsers(std::max(1u, std::thread::hardware_concurrency() / 2));
  for (auto& p : parsers)
    p = spawn_upkeep_parser(sys);
  std::size_t index = 0;
  for (const auto& r : cfg.restaurants) {
    const auto& parser = parsers[index % parsers.size()];
    auto phase = upkeep_phase(index++, cfg.restaurants.size());
    auto ctx = std::make_shared<restaurant_context>();
    ctx->cfg = r;
    auto cash = cash_setup(r, net, *db, dir->store);
    cash.parser = parser;
    auto calls = std::make_shared<rk7_call_stats>();
    cash.post = counted_poster(std::move(cash.post), calls);
    ctx->rk7_calls = std::move(calls);
    ctx->status_changes = std::make_shared<order_status_stats>();
    ctx->health = cash.health;
    ctx->cash = spawn_cash_server(sys, std::move(cash));
    auto menus = std::make_shared<menu_board>();
    ctx->menus = menus;
    ctx->menu = spawn_menu_cache(sys, r, ctx->cash, std::move(menus), phase);
    ctx->tables = spawn_table_pool(sys, r.id, std::move(tables[r.id]), dir->store);
    auto status_read = std::make_shared<read_stamp>();
    ctx->status_read = status_read;
    ctx->poller = spawn_status_poller(sys, r.id, ctx->cash, poll_timing{r.status_poll, r.status_poll * 5, phase},
                                      dir->console, std::move(status_read));
    ctx->notifier = dir->notifier;
    ctx->callback_sources = callback_sources;
    ctx->events = dir->events;
    ctx->console = dir->console;
    dir->restaurants[r.id] = ctx;
  }
  for (const auto& s : cfg.sources) {
    restaurant_map allowed;
    for (const auto& [id, ctx] : dir->restaurants)
      if (s.allows(id))
        allowed[id] = ctx;
    // Orders of restaurants a source has lost stay readable but are not re-attached.
    auto& mine = restored[s.name];
    mine.db = db;
    auto stats = std::make_shared<source_order_stats>();
    dir->source_orders[s.name] = stats;
    dir->sources[s.name] =
      spawn_source(sys, s, std::move(allowed), dir->store, std::move(mine), cfg.orders.unload_after, std::move(stats));
  }
  caf::anon_send(dir->console, atom::loaded_v, console_wiring{dir->restaurants, dir->sources});
  return dir;
}

} // namespace rkgate::actors
