// rkgate-seed-store: fills a gateway store with N orders as postorder would
// have left them (order record, idempotency key, live index entry, table
// allocation of the open ones), through the gateway's own encoders, for the
// memory and start-up benchmark and its tests.
//
//   rkgate-seed-store --path DIR --orders N [--restaurants R] [--sources S]
//                     [--open-permille P] [--samples K] [--console C]
//
// Sources and restaurants follow scripts/sim-config.sh: source `demo` plus
// `bench-1`..`bench-S`, restaurants `r1`..`rR`. Order k of a source has the
// external_id `seed-<k>` and the body `seed_body` below, so a test can repeat
// the very same postorder (the summary printed on stdout gives the first
// order of each outcome with its body, and K orders spread evenly over the
// store as {source, guid}). P per mille of the orders are open (re-attached at
// start-up); the rest are closed, a few deleted. The first C finished orders
// also went through the operator console and were archived there.

#include "actors/console.hpp"
#include "actors/order_mapping.hpp"
#include "actors/order_store.hpp"
#include "actors/spawn.hpp"
#include "actors/tables.hpp"
#include "common/guid.hpp"
#include "common/json_text.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace rkgate;
using nlohmann::json;

struct options {
  std::string path;
  long orders = 0;
  int restaurants = 1;
  int sources = 0;
  int open_permille = 10;
  long samples = 0;
  long console = 0;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "rkgate-seed-store: " << why
            << "\nusage: rkgate-seed-store --path DIR --orders N [--restaurants R] [--sources S]"
               " [--open-permille P] [--samples K] [--console C]\n";
  std::exit(2);
}

long number(const std::string& flag, const char* text, long min) {
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (!*text || *end || v < min)
    usage(flag + " wants a whole number >= " + std::to_string(min));
  return v;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc)
      usage(flag + " needs a value");
    const char* v = argv[++i];
    if (flag == "--path")
      o.path = v;
    else if (flag == "--orders")
      o.orders = number(flag, v, 1);
    else if (flag == "--restaurants")
      o.restaurants = static_cast<int>(number(flag, v, 1));
    else if (flag == "--sources")
      o.sources = static_cast<int>(number(flag, v, 0));
    else if (flag == "--samples")
      o.samples = number(flag, v, 0);
    else if (flag == "--console")
      o.console = number(flag, v, 0);
    else if (flag == "--open-permille")
      o.open_permille = static_cast<int>(number(flag, v, 0));
    else
      usage("unknown option " + flag);
  }
  if (o.path.empty() || o.orders == 0)
    usage("--path and --orders are required");
  if (o.open_permille > 1000)
    usage("--open-permille is at most 1000");
  return o;
}

/// The body of a seeded order, as a client would have sent it (without token).
/// `variant` picks one of a few carts of the rk7sim demo menu.
json seed_body(const std::string& restaurant, const std::string& external_id, int variant) {
  json items = json::array();
  for (int i = 0; i <= variant % 4; ++i)
    items.push_back({{"id", 1000001 + 2 * i + variant % 3}, {"quantity", 1 + (variant + i) % 3}});
  return {{"restaurant", restaurant},
          {"external_id", external_id},
          {"items", items},
          {"comment", "Seeded order, ring the bell twice"},
          {"customer", {{"name", "Seeded Customer"}, {"phone", "+79990000000"}}}};
}

/// What the cash server would have answered for `c`: one session, list prices.
rk7::order priced_order(const actors::cart& c) {
  rk7::order o;
  o.order_ident = 1;
  rk7::session_line session;
  session.uni = 1;
  for (const auto& item : c.items) {
    rk7::dish_line d;
    d.id = item.ref.id.value_or(0);
    d.code = d.id % 1000;
    d.name = "Dish " + std::to_string(d.id);
    d.quantity = item.quantity;
    d.price = 25000 + (d.id % 7) * 1000;
    d.amount = d.price * item.quantity / 1000;
    d.state = 6;
    o.order_sum += d.amount;
    session.dishes.push_back(std::move(d));
  }
  o.sessions.push_back(std::move(session));
  return o;
}

enum class outcome { open, closed, deleted };

/// The priced part of a seeded order, the same for every order of one cart
/// variant and outcome, so it is computed once.
struct priced_template {
  int status = 0;
  std::string priced;
  kopecks sum = 0;
  kopecks paid = 0;
  kopecks to_pay = 0;
};

priced_template price(int variant, outcome how) {
  auto parsed = actors::parse_order_body(seed_body("r1", "seed-0", variant), true);
  const auto& cart = std::get<actors::cart>(parsed); // seed_body is valid by construction
  auto order = priced_order(cart);
  order.paid = order.finished = how == outcome::closed;
  order.deleted = how == outcome::deleted;
  auto totals = actors::totals_of(order);
  priced_template t;
  t.status = actors::status_of(order);
  t.priced = json_text(actors::priced_order(order, cart));
  t.sum = totals.total;
  t.paid = order.paid ? totals.total : 0;
  t.to_pay = order.paid ? 0 : totals.to_pay;
  return t;
}

} // namespace

int main(int argc, char** argv) {
  const options opt = parse(argc, argv);
  spdlog::set_level(spdlog::level::warn); // stdout carries the JSON summary only
  const auto started = std::chrono::steady_clock::now();
  std::string error;
  auto db = persistence::store::open(opt.path, &error);
  if (!db) {
    std::cerr << "rkgate-seed-store: " << error << "\n";
    return 1;
  }
  // Through start-up's own reader: marks the live index as built (the store is new).
  std::size_t live_before = actors::read_live_orders(*db).size();

  std::vector<std::string> sources = {"demo"};
  for (int k = 1; k <= opt.sources; ++k)
    sources.push_back("bench-" + std::to_string(k));
  std::map<std::string, long> next_ext; // per source
  std::map<std::string, int> next_slot; // per restaurant, open orders hold a table each
  const std::string now = actors::now_iso8601();
  const std::int64_t base_table = 100;
  constexpr int variants = 12;
  std::vector<std::vector<priced_template>> templates(variants);
  for (int v = 0; v < variants; ++v)
    for (auto how : {outcome::open, outcome::closed, outcome::deleted})
      templates[v].push_back(price(v, how));

  persistence::write_batch batch;
  long open = 0;
  long archived = 0;
  json examples = json::object(); // the first order of each outcome, for tests and the benchmark
  const char* outcome_names[] = {"open", "closed", "deleted"};
  json samples = json::array();
  const long sample_every = opt.samples ? std::max(1L, opt.orders / opt.samples) : 0;
  for (long n = 0; n < opt.orders; ++n) {
    const auto& source = sources[n % sources.size()];
    const std::string restaurant = "r" + std::to_string(1 + (n / sources.size()) % opt.restaurants);
    const std::string ext = "seed-" + std::to_string(next_ext[source]++);
    const int variant = static_cast<int>(n % variants);
    const bool is_open = (n * 7919) % 1000 < opt.open_permille; // spread over sources and restaurants
    const outcome how = is_open ? outcome::open : n % 50 == 0 ? outcome::deleted : outcome::closed;
    const auto& t = templates[variant][static_cast<int>(how)];
    json body = seed_body(restaurant, ext, variant);

    actors::order_record rec;
    rec.guid = new_guid();
    rec.source = source;
    rec.external_id = ext;
    rec.restaurant = restaurant;
    auto stored = actors::store_body(body);
    rec.body_hash = std::move(stored.hash);
    rec.body = std::move(stored.text);
    rec.step = actors::order_step::saved;
    rec.status = t.status;
    rec.table_code = base_table;
    rec.table_slot = is_open ? next_slot[restaurant]++ : 0;
    rec.table_name = actors::table_name(base_table, rec.table_slot);
    rec.visit = 1000 + n;
    rec.order_ident = 1;
    rec.created_at = rec.updated_at = now;
    rec.priced = t.priced;
    rec.sum = t.sum;
    rec.paid = t.paid;
    rec.to_pay = t.to_pay;
    rec.reply_status = 201;

    actors::stage_order(batch, rec);
    batch.put(persistence::table::idempotency, actors::idempotency_key(source, ext),
              actors::to_json(actors::idempotency_entry{rec.guid, rec.body_hash}));
    if (!examples.contains(outcome_names[static_cast<int>(how)]))
      examples[outcome_names[static_cast<int>(how)]] = {
        {"source", source}, {"guid", rec.guid}, {"status", rec.status}, {"body", body}};
    if (sample_every && n % sample_every == 0 && static_cast<long>(samples.size()) < opt.samples)
      samples.push_back({{"source", source}, {"guid", rec.guid}});
    if (!is_open && archived < opt.console) {
      actors::console_brief b{rec.guid, "archived", restaurant, now, static_cast<std::uint64_t>(++archived)};
      json history = json::array({{{"action", "received"}, {"operator", nullptr}, {"at", now}, {"result", "ok"}},
                                  {{"action", "accept"}, {"operator", "hall"}, {"at", now}, {"result", "ok"}},
                                  {{"action", "archive"}, {"operator", "hall"}, {"at", now}, {"result", "ok"}}});
      actors::stage_console_order(batch, b, source, actors::order_api_json(rec), rec.body,
                                  json_text(history));
    }
    if (is_open) {
      batch.put(persistence::table::tables, actors::table_key(restaurant, base_table, rec.table_slot), rec.guid);
      ++open;
    }
    if (batch.ops().size() >= 4096 || n + 1 == opt.orders) {
      if (!db->write(batch, false, &error)) {
        std::cerr << "rkgate-seed-store: " << error << "\n";
        return 1;
      }
      batch = {};
    }
    if ((n + 1) % 100000 == 0)
      std::cerr << "seeded " << n + 1 << " orders\n";
  }
  if (!db->flush(&error)) {
    std::cerr << "rkgate-seed-store: " << error << "\n";
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  json summary = {{"orders", opt.orders},
                  {"open", open},
                  {"console_archived", archived},
                  {"live_before", live_before},
                  {"sources", sources},
                  {"restaurants", opt.restaurants},
                  {"seconds", seconds},
                  {"examples", examples},
                  {"samples", samples}};
  std::cout << summary.dump() << std::endl;
  return 0;
}
