#include "actors/spawn.hpp"

#include "rk7/transport.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

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

} // namespace

std::shared_ptr<const directory> start_gateway(caf::actor_system& sys, const config::gateway& cfg,
                                               std::shared_ptr<persistence::store> db,
                                               std::shared_ptr<rk7::transport> net) {
  auto dir = std::make_shared<directory>();
  dir->cfg = cfg;
  dir->started = std::chrono::steady_clock::now();

  // Durable state, read before any actor runs.
  table_allocations tables;
  db->scan(persistence::table::tables, "", [&](std::string_view key, std::string_view value) {
    auto parts = split_key(key);
    if (parts.size() == 3)
      tables[{parts[0], std::stoll(parts[1])}][std::stoi(parts[2])] = std::string(value);
    return true;
  });
  std::map<std::string, source_restore> restored;
  db->scan(persistence::table::idempotency, "", [&](std::string_view key, std::string_view value) {
    auto parts = split_key(key);
    auto v = nlohmann::json::parse(value, nullptr, false);
    if (parts.size() == 2 && v.is_object())
      restored[parts[0]].keys[parts[1]] = {v.value("guid", ""), v.value("hash", "")};
    return true;
  });
  std::size_t active = 0;
  db->scan(persistence::table::orders, "", [&](std::string_view, std::string_view value) {
    if (auto rec = order_record_from_json(value)) {
      active += rec->final() ? 0 : 1;
      restored[rec->source].orders.push_back(std::move(*rec));
    }
    return true;
  });
  spdlog::info("restored {} active orders", active);

  dir->store = spawn_store(sys, db);
  dir->gateway = spawn_gateway(sys, std::move(tables), dir->store);
  for (const auto& r : cfg.restaurants) {
    auto ctx = std::make_shared<restaurant_context>();
    ctx->cfg = r;
    ctx->cash = spawn_cash_server(sys, r.id, net, endpoint_of(r.cash_server), cash_server_timing{});
    ctx->menu = spawn_menu_cache(sys, r, ctx->cash);
    dir->restaurants[r.id] = ctx;
  }
  for (const auto& s : cfg.sources) {
    restaurant_map allowed;
    for (const auto& [id, ctx] : dir->restaurants)
      if (s.allows(id))
        allowed[id] = ctx;
    // Orders of restaurants a source has lost stay readable but are not re-attached.
    dir->sources[s.name] = spawn_source(sys, s, std::move(allowed), dir->gateway, dir->store,
                                     std::move(restored[s.name]));
  }
  return dir;
}

} // namespace rkgate::actors
