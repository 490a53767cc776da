#include "actors/order_store.hpp"
#include "actors/spawn.hpp"

#include "common/guid.hpp"
#include "common/json_text.hpp"
#include "events/qr_format.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <functional>
#include <set>
#include <unordered_map>

namespace rkgate::actors {

struct source_state {
  config::source cfg;
  restaurant_map restaurants;
  store_actor db;
  std::shared_ptr<const persistence::store> disk; ///< may_contain only (never blocks)
  struct key_entry {
    std::string guid;
    std::string hash;
  };
  /// external_id -> order, for the live orders only; any other key is read
  /// from the store when asked for. Hash maps here and below: every postorder
  /// looks up and inserts in maps of thousands of live orders, and a tree's
  /// dozen string comparisons on cold memory were most of the SOURCE's time
  /// at low load (docs/performance-log.md, session 17).
  std::unordered_map<std::string, key_entry> keys;
  struct order_entry {
    std::string external_id;
    std::string restaurant;
    order_actor actor; ///< null while the order is out of memory (unloaded)
    std::int64_t table_code = 0; ///< the base table the body named (0: the default)
    std::vector<std::string> merged; ///< external_ids merged into this order
    bool unloading = false; ///< asked to leave memory, no answer yet
    bool loading = false;   ///< its record is being read to load it again
    /// Uses of the ORDER waiting for an unload or a load to settle.
    std::vector<std::function<void(const order_actor&)>> held;
    caf::actor_clock::time_point last_used; ///< when the SOURCE last handed it something
  };
  using order_map = std::unordered_map<std::string, order_entry>;
  order_map orders; ///< guid -> live order (finished ones are on disk only)
  /// (restaurant, table code) -> guids of the live orders there: table-side
  /// ordering and guests' calls find a table's orders without a pass over all.
  std::map<std::pair<std::string, std::int64_t>, std::set<std::string>> at_table;
  std::unordered_map<caf::actor_addr, std::string> guid_of; ///< ORDER in memory -> its guid
  std::chrono::milliseconds unload_after{0}; ///< `orders.unload_after` (0: never)
  /// (last use, guid) of the ORDERs in memory, oldest first; an entry whose
  /// order was used again since is stale and skipped.
  std::deque<std::pair<caf::actor_clock::time_point, std::string>> idle;
  bool sweep_scheduled = false;
  std::shared_ptr<source_order_stats> stats; ///< published counts (may be null)
  static constexpr const char* name = "source";
};

namespace {

using self_ptr = source_actor::stateful_pointer<source_state>;
using nlohmann::json;

/// Publishes how many orders are open and how many ORDERs are in memory.
void publish(const source_state& st) {
  if (!st.stats)
    return;
  st.stats->open.store(st.orders.size(), std::memory_order_relaxed);
  st.stats->in_memory.store(st.guid_of.size(), std::memory_order_relaxed);
}

/// Makes `e` the live order `guid`; every live order goes in through here.
source_state::order_entry& add_live(source_state& st, const std::string& guid, source_state::order_entry e) {
  st.at_table[{e.restaurant, e.table_code}].insert(guid);
  return st.orders[guid] = std::move(e);
}

/// Removes a live order; every live order leaves through here.
void remove_live(source_state& st, source_state::order_map::iterator it) {
  auto table = st.at_table.find({it->second.restaurant, it->second.table_code});
  if (table != st.at_table.end()) {
    table->second.erase(it->first);
    if (table->second.empty())
      st.at_table.erase(table);
  }
  st.orders.erase(it);
}

order_actor start_order(self_ptr self, order_record rec,
                        std::optional<std::pair<std::string, std::string>> first_write,
                        std::optional<cart> body = std::nullopt, answer_sink_ptr first_caller = nullptr) {
  auto& st = self->state;
  auto rest = st.restaurants.find(rec.restaurant);
  if (rest == st.restaurants.end()) {
    spdlog::warn("order {}: restaurant {} is no longer configured", rec.guid, rec.restaurant);
    return {};
  }
  order_context ctx{rest->second, st.db, caf::actor_cast<source_actor>(self), st.unload_after};
  auto guid = rec.guid;
  auto a = actors::spawn_order(self->system(), std::move(rec), std::move(ctx), std::move(first_write), std::move(body),
                               std::move(first_caller));
  self->monitor(a);
  st.guid_of[a.address()] = std::move(guid);
  publish(st);
  return a;
}

// -- orders out of memory -------------------------------------------------------
//
// An open ORDER idle for `unload_after` leaves memory at the SOURCE's request
// (atom::unload; the ORDER agrees only with nothing under way) and is loaded
// again from its stored record when something is handed to it. While an
// unload or a load is under way, uses wait in the entry's `held`, so nothing
// the SOURCE hands on can reach an ORDER that is leaving.

/// At most this many unload requests per sweep, a sweep at most this often:
/// ORDERs idle since a burst leave memory in small batches, between requests.
constexpr int unloads_per_sweep = 200;
constexpr auto sweep_pause = std::chrono::milliseconds(100);

void sweep(self_ptr self);

void schedule_sweep(self_ptr self) {
  auto& st = self->state;
  if (st.sweep_scheduled || st.idle.empty())
    return;
  st.sweep_scheduled = true;
  auto due = st.idle.front().first + st.unload_after - self->clock().now();
  self->delayed_send(self, std::max<caf::timespan>(due, sweep_pause), atom::unload_v);
}

/// The SOURCE handed the ORDER something: its idle time starts again.
void used(self_ptr self, const std::string& guid, source_state::order_entry& e) {
  auto& st = self->state;
  if (st.unload_after.count() == 0)
    return;
  e.last_used = self->clock().now();
  st.idle.emplace_back(e.last_used, guid);
  schedule_sweep(self);
}

void load(self_ptr self, const std::string& guid);

/// Runs the uses that waited, with the ORDER now in memory, or loads it.
void release_held(self_ptr self, const std::string& guid, source_state::order_entry& e) {
  if (e.held.empty())
    return;
  if (!e.actor)
    return load(self, guid);
  used(self, guid, e);
  auto actor = e.actor;
  auto held = std::move(e.held);
  e.held.clear();
  for (auto& use : held)
    use(actor);
}

/// The order is over (or cannot be loaded): it leaves the SOURCE; its record
/// and keys stay in the store. Uses that waited see it as not live.
void drop(self_ptr self, source_state::order_map::iterator it) {
  auto& st = self->state;
  st.keys.erase(it->second.external_id);
  for (const auto& ext : it->second.merged)
    st.keys.erase(ext);
  auto held = std::move(it->second.held);
  remove_live(st, it);
  publish(st);
  for (auto& use : held)
    use(order_actor{});
}

/// The ORDER of `guid` left memory.
void unloaded(self_ptr self, const std::string& guid, source_state::order_entry& e) {
  self->state.guid_of.erase(e.actor.address());
  e.actor = nullptr;
  e.unloading = false;
  publish(self->state);
  release_held(self, guid, e);
}

void ask_unload(self_ptr self, const std::string& guid, source_state::order_entry& e) {
  e.unloading = true;
  self->request(e.actor, caf::infinite, atom::unload_v)
    .then(
      [self, guid](bool gone) {
        auto it = self->state.orders.find(guid);
        if (it == self->state.orders.end() || !it->second.unloading)
          return; // its DOWN came first and settled it
        auto& e = it->second;
        if (gone)
          return unloaded(self, guid, e);
        e.unloading = false; // busy: asked again once idle
        used(self, guid, e);
        release_held(self, guid, e);
      },
      [](caf::error&) {}); // it stopped: its DOWN settles the entry
}

void sweep(self_ptr self) {
  auto& st = self->state;
  st.sweep_scheduled = false;
  auto now = self->clock().now();
  int asked = 0;
  while (!st.idle.empty() && asked < unloads_per_sweep) {
    const auto& [at, guid] = st.idle.front();
    if (at + st.unload_after > now)
      break;
    auto it = st.orders.find(guid);
    if (it != st.orders.end() && it->second.actor && !it->second.unloading && it->second.last_used == at) {
      ask_unload(self, guid, it->second);
      ++asked;
    }
    st.idle.pop_front();
  }
  schedule_sweep(self);
}

/// Loads the ORDER of an unloaded order from its stored record.
void load(self_ptr self, const std::string& guid) {
  auto& e = self->state.orders.at(guid);
  if (e.loading)
    return;
  e.loading = true;
  self->request(self->state.db, caf::infinite, atom::get_v, store_key{persistence::table::orders, guid})
    .then(
      [self, guid](const store_value& v) {
        auto it = self->state.orders.find(guid);
        if (it == self->state.orders.end())
          return;
        auto& e = it->second;
        e.loading = false;
        auto rec = v.found ? order_record_from_json(v.value) : std::nullopt;
        if (!rec)
          spdlog::error("order {}: its stored record is missing or unreadable", guid);
        else if (!rec->final())
          e.actor = start_order(self, std::move(*rec), std::nullopt);
        if (!e.actor)
          return drop(self, it);
        release_held(self, guid, e);
      },
      [self, guid](caf::error& err) {
        spdlog::error("order {}: reading its record failed: {}", guid, caf::to_string(err));
        auto it = self->state.orders.find(guid);
        if (it == self->state.orders.end())
          return;
        it->second.loading = false;
        auto held = std::move(it->second.held);
        it->second.held.clear();
        for (auto& use : held)
          use(order_actor{});
      });
}

/// Runs `use` with the ORDER of `guid` in memory: at once, or once an unload
/// under way has settled, or once it is loaded again from the store. A null
/// handle: the order is not live (over, or not this source's).
template <class F>
void with_order(self_ptr self, const std::string& guid, F use) {
  auto& st = self->state;
  auto it = st.orders.find(guid);
  if (it == st.orders.end())
    return use(order_actor{});
  auto& e = it->second;
  if (e.actor && !e.unloading) {
    used(self, guid, e);
    return use(e.actor);
  }
  e.held.emplace_back(std::move(use));
  if (!e.actor)
    load(self, guid);
}

/// False when the store certainly holds no key for `external_id` (answered
/// from memory), so a new order needs no read before it is admitted.
bool maybe_stored(const source_state& st, const std::string& external_id) {
  return !st.disk || st.disk->may_contain(persistence::table::idempotency, idempotency_key(st.cfg.name, external_id));
}

/// The stored answer to a postorder of an order that is no longer live
/// (201; the sink makes it 200 for a retry).
api_reply stored_answer(const std::string& record) {
  auto rec = order_record_from_json(record);
  if (!rec)
    return api_reply::failure(500, "internal_error", "order record unreadable");
  if (!rec->reply_code.empty())
    return api_reply::failure(rec->reply_status, rec->reply_code, rec->reply_message);
  return api_reply::success(201, postorder_data_json(*rec));
}

api_reply failed(const caf::error& err, const char* what) {
  return api_reply::failure(500, "internal_error", std::string(what) + " failed: " + caf::to_string(err));
}

/// An admission delivered into a request's answer sink instead of to a
/// requesting actor: postorder answered without a bridge (the same
/// `deliver` calls as a response promise, so every admission path serves both).
struct sink_reply {
  self_ptr self;
  answer_sink_ptr sink;

  void deliver(const caf::error& err) const { sink->answer(failed(err, "admission")); }

  void deliver(const admission& a) const {
    if (a.kind == admission::conflict)
      return sink->answer(api_reply::failure(409, "idempotency_conflict",
                                             "this external_id was used with a different body",
                                             json_text(json{{"guid", a.guid}})));
    sink->admitted(a.guid, a.kind != admission::absent);
    if (!a.order)
      return sink->answer(stored_answer(a.record));
    if (a.spawned) // spawned with this sink as its first caller (first_caller)
      return;
    // A live order that may finish before a one-way wait would reach it.
    self->request(a.order, caf::infinite, atom::wait_v)
      .then([sink = sink](api_reply& r) { sink->answer(std::move(r)); },
            [self = self, sink = sink, guid = a.guid](caf::error& err) {
              if (err != caf::sec::request_receiver_down)
                return sink->answer(failed(err, "order creation"));
              self->request(self->state.db, caf::infinite, atom::get_v,
                            store_key{persistence::table::orders, guid})
                .then([sink](const store_value& v) { sink->answer(stored_answer(v.value)); },
                      [sink](caf::error& e) { sink->answer(failed(e, "store")); });
            });
  }
};

/// The request a new ORDER answers from birth: a sink (postorder without a
/// bridge) goes with the spawn; a response promise's caller asks the ORDER
/// itself once admitted (and hears of an ORDER already gone).
answer_sink_ptr first_caller(const sink_reply& rp) {
  return rp.sink;
}
template <class Promise>
answer_sink_ptr first_caller(const Promise&) {
  return nullptr;
}

/// Reads the stored idempotency key of `external_id`, then calls `next`
/// with it (nullopt: absent); a failed read answers `rp` with the error.
template <class Reply, class F>
void read_key(self_ptr self, Reply rp, const std::string& external_id, F next) {
  auto& st = self->state;
  self->request(st.db, caf::infinite, atom::get_v,
                store_key{persistence::table::idempotency, idempotency_key(st.cfg.name, external_id)})
    .then(
      [next](const store_value& v) mutable {
        next(v.found ? idempotency_entry_from_json(v.value) : std::nullopt);
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

/// Answers the admission of a known key: the live ORDER, or the stored record.
template <class Reply>
void answer_known(self_ptr self, Reply rp, const source_state::key_entry& k, const std::string& hash) {
  auto& st = self->state;
  admission a;
  a.guid = k.guid;
  a.kind = k.hash == hash ? admission::same : admission::conflict;
  if (auto it = st.orders.find(k.guid); it != st.orders.end() && it->second.actor && !it->second.unloading) {
    // Handed out: kept in memory until the caller's wait has come.
    a.order = it->second.actor;
    used(self, k.guid, it->second);
  }
  if (a.kind == admission::conflict || a.order) {
    rp.deliver(a);
    return;
  }
  self->request(st.db, caf::infinite, atom::get_v, store_key{persistence::table::orders, k.guid})
    .then([rp, a](const store_value& v) mutable {
            a.record = v.value;
            rp.deliver(a);
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

/// Collects order records (JSON) from ORDER actors and the store.
struct collector {
  caf::typed_response_promise<api_reply> rp;
  json orders = json::array();
  json not_found = json::array();
  std::size_t pending = 0;
  bool with_not_found = false;
  void one_done() {
    if (--pending == 0)
      deliver();
  }
  void deliver() {
    json data = {{"orders", orders}};
    if (with_not_found)
      data["not_found"] = not_found;
    rp.deliver(api_reply::success(200, json_text(data)));
  }
};

void collect_from(self_ptr self, std::shared_ptr<collector> c, const order_actor& a) {
  self->request(a, std::chrono::seconds(15), atom::get_v)
    .then([c](const std::string& rec) {
            c->orders.push_back(json::parse(rec, nullptr, false));
            c->one_done();
          },
          [c](caf::error&) { c->one_done(); });
}

/// An order that is not live: read from the store (another source's order reads as not found).
void collect_stored(self_ptr self, std::shared_ptr<collector> c, const std::string& guid) {
  self->request(self->state.db, caf::infinite, atom::get_v, store_key{persistence::table::orders, guid})
    .then([c, guid, source = self->state.cfg.name](const store_value& v) {
            auto rec = v.found ? order_record_from_json(v.value) : std::nullopt;
            if (rec && rec->source == source)
              c->orders.push_back(json::parse(order_api_json(*rec), nullptr, false));
            else
              c->not_found.push_back(guid);
            c->one_done();
          },
          [c](caf::error&) { c->one_done(); });
}

/// Table-side ordering: the guid of the source's active order (in memory or
/// not) on the hall table this postorder names, when the restaurant merges a
/// table's orders.
std::optional<std::string> merge_target(const source_state& st, const order_request& req) {
  auto rest = st.restaurants.find(req.restaurant);
  if (req.no_merge || req.manual || !req.body.table_code || rest == st.restaurants.end()
      || !rest->second->cfg.table_orders_merge)
    return std::nullopt;
  auto table = st.at_table.find({req.restaurant, *req.body.table_code});
  if (table == st.at_table.end())
    return std::nullopt;
  return *table->second.begin();
}

/// Table-side ordering gave up on the table's order: the postorder creates
/// an order of its own after all.
template <class Reply>
void create_unmerged(self_ptr self, Reply rp, order_request req) {
  req.no_merge = true;
  self->request(caf::actor_cast<source_actor>(self), caf::infinite, atom::create_v, req)
    .then([rp](const admission& a) mutable { rp.deliver(a); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

/// Adds the postorder to the table's open order as a new session (its ORDER
/// announces `additional_order`) and keeps the external_id pointing at it;
/// when that order is no longer open, a new order is created after all.
template <class Reply>
void merge_with(self_ptr self, Reply rp, order_request req, const std::string& target, const order_actor& order) {
  self->request(order, std::chrono::seconds(30), atom::append_v, req.body)
    .then(
      [self, rp, req, target, order](const api_reply& r) mutable {
        auto& st = self->state;
        auto live = st.orders.find(target);
        if (!r.ok() || st.keys.count(req.body.external_id) || live == st.orders.end())
          return create_unmerged(self, rp, std::move(req));
        st.keys[req.body.external_id] = source_state::key_entry{target, req.hash};
        live->second.merged.push_back(req.body.external_id);
        persistence::write_batch batch;
        batch.put(persistence::table::idempotency, idempotency_key(st.cfg.name, req.body.external_id),
                  to_json(idempotency_entry{target, req.hash}));
        admission a;
        a.guid = target;
        a.order = order;
        self->request(st.db, caf::infinite, atom::put_v, std::move(batch), true)
          .then([rp, a](bool) mutable { rp.deliver(a); }, [rp, a](caf::error&) mutable { rp.deliver(a); });
      },
      [self, rp, req](caf::error&) mutable { create_unmerged(self, rp, std::move(req)); });
}

/// The table's open order, in memory or loaded again, for merge_with.
template <class Reply>
void merge_into(self_ptr self, Reply rp, order_request req, std::string target) {
  with_order(self, target, [self, rp, req, target](const order_actor& order) mutable {
    if (!order) // over meanwhile
      return create_unmerged(self, rp, std::move(req));
    merge_with(self, rp, std::move(req), target, order);
  });
}

/// Admits an external_id known to be new: merges it into the table's open
/// order, or creates the order (its ORDER persists key and record first).
template <class Reply>
void admit_new(self_ptr self, Reply rp, order_request req) {
  auto& st = self->state;
  if (auto target = merge_target(st, req))
    return merge_into(self, rp, std::move(req), *target);
  order_record rec;
  rec.guid = new_guid();
  rec.source = st.cfg.name;
  rec.external_id = req.body.external_id;
  rec.restaurant = req.restaurant;
  rec.body_hash = req.hash;
  rec.body = std::move(req.body_json);
  if (req.manual) {
    rec.manual = true;
    rec.step = order_step::waiting;
  }
  rec.created_at = rec.updated_at = now_iso8601();
  auto first = std::make_pair(idempotency_key(st.cfg.name, rec.external_id),
                              to_json(idempotency_entry{rec.guid, req.hash}));
  admission a;
  a.kind = admission::absent;
  a.guid = rec.guid;
  auto guid = rec.guid;
  source_state::order_entry e;
  e.external_id = rec.external_id;
  e.restaurant = rec.restaurant;
  e.table_code = req.body.table_code.value_or(0);
  e.actor = start_order(self, std::move(rec), first, std::move(req.body), first_caller(rp));
  a.order = e.actor;
  a.spawned = true;
  if (e.actor) {
    st.keys[e.external_id] = source_state::key_entry{guid, req.hash};
    used(self, guid, add_live(st, guid, std::move(e)));
    publish(st);
  }
  rp.deliver(a);
}

/// Admits a postorder: a known external_id is answered (same order or
/// conflict), a new one created; `rp` gets the admission.
template <class Reply>
void admit(self_ptr self, Reply rp, order_request req) {
  auto& st = self->state;
  const auto ext = req.body.external_id;
  if (auto k = st.keys.find(ext); k != st.keys.end()) {
    answer_known(self, rp, k->second, req.hash);
  } else if (!maybe_stored(st, ext)) {
    admit_new(self, rp, std::move(req));
  } else {
    read_key(self, rp, ext, [self, rp, req, ext](std::optional<idempotency_entry> e) mutable {
      auto& st = self->state;
      // Another create of the same external_id may have run meanwhile.
      if (auto k = st.keys.find(ext); k != st.keys.end())
        return answer_known(self, rp, k->second, req.hash);
      if (e)
        return answer_known(self, rp, source_state::key_entry{e->guid, e->hash}, req.hash);
      admit_new(self, rp, std::move(req));
    });
  }
}

// -- a guest's call at a table ------------------------------------------------

/// The guid of this source's one open order at `table`, if exactly one.
std::optional<std::string> one_order_at(const source_state& st, const std::string& restaurant, std::int64_t table) {
  auto at = st.at_table.find({restaurant, table});
  if (at == st.at_table.end() || at->second.size() != 1)
    return std::nullopt; // none, or several: the call names no one order
  return *at->second.begin();
}

/// tablecall: the table's one open order announces the call with itself (its
/// ORDER loaded again if it left memory); with none or several, or when that
/// order ended meanwhile, the call is announced without an order.
api_reply table_call(self_ptr self, const std::string& restaurant, std::int64_t table, const std::string& kind) {
  auto& st = self->state;
  auto rest = st.restaurants.find(restaurant);
  auto what = events::table_call_code(kind);
  if (rest == st.restaurants.end())
    return api_reply::failure(404, "unknown_restaurant", "no restaurant " + restaurant + " for this source");
  if (!what)
    return api_reply::failure(400, "invalid_request", "kind must be \"waiter_call\" or \"bill_request\"");
  auto without_order = [ctx = rest->second, restaurant, table, what = *what] {
    if (ctx->events)
      caf::anon_send(ctx->events, atom::put_v,
                     events::table_call(what, restaurant, events::table_info{table, std::to_string(table), std::nullopt}));
  };
  json data = {{"restaurant", restaurant}, {"table_code", table}, {"kind", kind}, {"guid", nullptr}};
  if (auto guid = one_order_at(st, restaurant, table)) {
    data["guid"] = *guid;
    with_order(self, *guid, [kind, without_order](const order_actor& order) {
      if (order)
        caf::anon_send(order, atom::call_v, kind);
      else
        without_order();
    });
  } else {
    without_order();
  }
  return api_reply::success(200, json_text(data));
}

/// Close, cancel, pay or accept of an order that is not live: 409 with
/// `why` when it is this source's (finished) order, 404 otherwise.
void answer_not_live(self_ptr self, caf::typed_response_promise<api_reply> rp, const std::string& guid,
                     const char* why) {
  self->request(self->state.db, caf::infinite, atom::get_v, store_key{persistence::table::orders, guid})
    .then(
      [rp, why, source = self->state.cfg.name](const store_value& v) mutable {
        auto rec = v.found ? order_record_from_json(v.value) : std::nullopt;
        if (rec && rec->source == source)
          rp.deliver(api_reply::failure(409, "invalid_state", why));
        else
          rp.deliver(api_reply::failure(404, "not_found", "no such order for this source"));
      },
      [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

/// The ORDER of `guid` when it is in memory and staying there, or null (its
/// stored record answers reads of an order out of memory just as well).
order_actor live_order(const source_state& st, const std::string& guid) {
  auto it = st.orders.find(guid);
  return it == st.orders.end() || it->second.unloading ? order_actor{} : it->second.actor;
}

/// Hands an action on `guid` to its ORDER (loaded again if it is out of
/// memory), or answers as not live. An ORDER that finished just before (its
/// DOWN message not here yet) is answered as not live too, instead of with
/// an error.
template <class... Ts>
caf::result<api_reply> to_order(self_ptr self, const std::string& guid, const char* why, Ts... action) {
  auto rp = self->make_response_promise<api_reply>();
  with_order(self, guid, [self, rp, guid, why, action...](const order_actor& a) mutable {
    if (!a)
      return answer_not_live(self, rp, guid, why);
    self->request(a, caf::infinite, action...)
      .then([rp](api_reply& r) mutable { rp.deliver(std::move(r)); },
            [self, rp, guid, why](caf::error& err) mutable {
              if (err == caf::sec::request_receiver_down)
                return answer_not_live(self, rp, guid, why);
              rp.deliver(std::move(err));
            });
  });
  return rp;
}

source_actor::behavior_type source(source_actor::stateful_pointer<source_state> self,
                                   config::source cfg, restaurant_map restaurants, store_actor db,
                                   source_restore restored, std::chrono::milliseconds unload_after,
                                   std::shared_ptr<source_order_stats> stats) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.restaurants = std::move(restaurants);
  st.db = db;
  st.disk = std::move(restored.db);
  st.unload_after = unload_after;
  st.stats = std::move(stats);
  for (auto& rec : restored.orders) {
    auto guid = rec.guid;
    source_state::order_entry e;
    e.external_id = rec.external_id;
    e.restaurant = rec.restaurant;
    e.table_code = rec.table_code;
    source_state::key_entry k{rec.guid, rec.body_hash};
    // Orders of restaurants a source has lost stay readable but are not re-attached.
    e.actor = start_order(self, std::move(rec), std::nullopt);
    if (!e.actor)
      continue;
    st.keys[e.external_id] = std::move(k);
    used(self, guid, add_live(st, guid, std::move(e)));
  }
  publish(st);
  // An ORDER stopped: it left memory (its order goes on, in the store) or its
  // order is over (the ORDER leaves; its record and keys stay in the store).
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    auto g = st.guid_of.find(msg.source);
    if (g == st.guid_of.end())
      return; // already settled by its unload answer
    auto guid = std::move(g->second);
    st.guid_of.erase(g);
    publish(st);
    auto it = st.orders.find(guid);
    if (it == st.orders.end() || it->second.actor.address() != msg.source)
      return;
    if (msg.reason == order_unloaded())
      return unloaded(self, guid, it->second);
    drop(self, it);
  });
  // Shutdown: the ORDERs stop with their SOURCE (they are monitored, not linked,
  // so one failing order never takes the source down).
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [guid, e] : self->state.orders)
      if (e.actor)
        self->send_exit(e.actor, msg.reason); // an order out of memory has nothing to stop
    self->quit(msg.reason);
  });
  return {
    [self](atom::lookup, const std::string& external_id, const std::string& hash) -> caf::result<admission> {
      auto& st = self->state;
      auto rp = self->make_response_promise<admission>();
      if (auto k = st.keys.find(external_id); k != st.keys.end()) {
        answer_known(self, rp, k->second, hash);
      } else if (!maybe_stored(st, external_id)) {
        rp.deliver(admission{});
      } else {
        read_key(self, rp, external_id, [self, rp, hash](std::optional<idempotency_entry> e) mutable {
          if (e)
            answer_known(self, rp, source_state::key_entry{e->guid, e->hash}, hash);
          else
            rp.deliver(admission{});
        });
      }
      return rp;
    },
    [self](atom::create, order_request& req) -> caf::result<admission> {
      auto rp = self->make_response_promise<admission>();
      admit(self, rp, std::move(req));
      return rp;
    },
    [self](atom::create, order_request& req, answer_sink_ptr& sink) {
      admit(self, sink_reply{self, std::move(sink)}, std::move(req));
    },
    [self](atom::list, const std::string& restaurant) -> caf::result<api_reply> {
      auto c = std::make_shared<collector>();
      c->rp = self->make_response_promise<api_reply>();
      // ORDERs in memory answer themselves; the others' stored records are read.
      std::vector<std::string> open;
      for (const auto& [guid, e] : self->state.orders)
        if (restaurant.empty() || e.restaurant == restaurant)
          open.push_back(guid);
      if (open.empty()) {
        c->deliver();
        return c->rp;
      }
      c->pending = open.size();
      for (const auto& guid : open)
        if (auto a = live_order(self->state, guid))
          collect_from(self, c, a);
        else
          collect_stored(self, c, guid);
      return c->rp;
    },
    [self](atom::find, const guid_list& list) -> caf::result<api_reply> {
      auto c = std::make_shared<collector>();
      c->rp = self->make_response_promise<api_reply>();
      c->with_not_found = true;
      c->pending = 1; // released below, after every lookup started
      for (const auto& g : list.guids) {
        ++c->pending;
        if (auto a = live_order(self->state, g))
          collect_from(self, c, a);
        else
          collect_stored(self, c, g);
      }
      c->one_done();
      return c->rp;
    },
    [self](atom::close, const std::string& guid) -> caf::result<api_reply> {
      return to_order(self, guid, "order is already closed or deleted", atom::close_v);
    },
    [self](atom::cancel, const std::string& guid, const std::string& reason) -> caf::result<api_reply> {
      return to_order(self, guid, "order is already closed or deleted", atom::cancel_v, reason);
    },
    [self](atom::pay, const std::string& guid, payment_list& list) -> caf::result<api_reply> {
      return to_order(self, guid, "order is already closed or deleted", atom::pay_v, std::move(list));
    },
    [self](atom::accept, const std::string& guid, std::int64_t base_table) -> caf::result<api_reply> {
      return to_order(self, guid, "the order is not waiting for acceptance", atom::accept_v, base_table);
    },
    [self](atom::call, const std::string& restaurant, std::int64_t table,
           const std::string& kind) -> caf::result<api_reply> {
      return table_call(self, restaurant, table, kind);
    },
    [self](atom::forget, const std::string& external_id) {
      auto& st = self->state;
      auto it = st.keys.find(external_id);
      if (it == st.keys.end())
        return;
      if (auto order = st.orders.find(it->second.guid); order != st.orders.end())
        remove_live(st, order); // its ORDER is stopping; its DOWN finds nothing
      st.keys.erase(it);
      publish(st);
    },
    [self](atom::refresh, const std::string& guid, bool absent) {
      auto it = self->state.orders.find(guid);
      if (it == self->state.orders.end())
        return;
      // Loaded again, an ORDER tells the STATUS POLLER the version it read,
      // and the poller hands it a later one itself: a change is read back
      // once. An order missing from the list has no version to compare.
      bool in_memory = it->second.actor && !it->second.unloading;
      with_order(self, guid, [self, absent, in_memory](const order_actor& a) {
        if (a && (in_memory || absent))
          self->send(a, atom::refresh_v, absent);
      });
    },
    [self](atom::unload) { sweep(self); },
  };
}

} // namespace

source_actor spawn_source(caf::actor_system& sys, config::source cfg, restaurant_map restaurants,
                          store_actor db, source_restore restored, std::chrono::milliseconds unload_after,
                          std::shared_ptr<source_order_stats> stats) {
  return sys.spawn(source, std::move(cfg), std::move(restaurants), db, std::move(restored), unload_after,
                   std::move(stats));
}

} // namespace rkgate::actors
