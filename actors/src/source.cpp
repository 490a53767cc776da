#include "actors/spawn.hpp"

#include "common/guid.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace rkgate::actors {

struct source_state {
  config::source cfg;
  restaurant_map restaurants;
  gateway_actor gateway;
  store_actor db;
  struct key_entry {
    std::string guid;
    std::string hash;
  };
  std::map<std::string, key_entry> keys; ///< external_id -> order
  struct order_entry {
    std::string external_id;
    std::string restaurant;
    order_actor actor; ///< null once the order is over
    std::int64_t table_code = 0; ///< the base table the body named (0: the default)
  };
  std::map<std::string, order_entry> orders; ///< guid -> order
  static constexpr const char* name = "source";
};

namespace {

using self_ptr = source_actor::stateful_pointer<source_state>;
using nlohmann::json;

order_actor start_order(self_ptr self, order_record rec,
                        std::optional<std::pair<std::string, std::string>> first_write) {
  auto& st = self->state;
  auto rest = st.restaurants.find(rec.restaurant);
  if (rest == st.restaurants.end()) {
    spdlog::warn("order {}: restaurant {} is no longer configured", rec.guid, rec.restaurant);
    return {};
  }
  order_context ctx{rest->second, st.gateway, st.db, caf::actor_cast<source_actor>(self)};
  auto guid = rec.guid;
  auto a = actors::spawn_order(self->system(), std::move(rec), std::move(ctx), std::move(first_write));
  self->monitor(a);
  return a;
}

/// An admission for a known external_id, with the ORDER or the stored record.
caf::result<admission> known(self_ptr self, const std::string& external_id, const std::string& hash) {
  auto& st = self->state;
  const auto& k = st.keys.at(external_id);
  admission a;
  a.guid = k.guid;
  a.kind = k.hash == hash ? admission::same : admission::conflict;
  auto it = st.orders.find(k.guid);
  if (a.kind == admission::conflict || (it != st.orders.end() && it->second.actor)) {
    if (it != st.orders.end())
      a.order = it->second.actor;
    return a;
  }
  auto rp = self->make_response_promise<admission>();
  self->request(st.db, caf::infinite, atom::get_v, store_key{persistence::table::orders, k.guid})
    .then([rp, a](const store_value& v) mutable {
            a.record = v.value;
            rp.deliver(a);
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
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
    rp.deliver(api_reply::success(200, data.dump()));
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

void collect_stored(self_ptr self, std::shared_ptr<collector> c, const std::string& guid) {
  self->request(self->state.db, caf::infinite, atom::get_v, store_key{persistence::table::orders, guid})
    .then([c, guid](const store_value& v) {
            auto rec = v.found ? order_record_from_json(v.value) : std::nullopt;
            if (rec)
              c->orders.push_back(json::parse(order_api_json(*rec), nullptr, false));
            else
              c->not_found.push_back(guid);
            c->one_done();
          },
          [c](caf::error&) { c->one_done(); });
}

/// Table-side ordering: the source's active order on the hall table this
/// postorder names, when the restaurant merges a table's orders.
std::optional<std::pair<std::string, order_actor>> merge_target(const source_state& st, const order_request& req) {
  auto rest = st.restaurants.find(req.restaurant);
  if (req.no_merge || req.manual || !req.body.table_code || rest == st.restaurants.end()
      || !rest->second->cfg.table_orders_merge)
    return std::nullopt;
  for (const auto& [guid, e] : st.orders)
    if (e.actor && e.restaurant == req.restaurant && e.table_code == *req.body.table_code)
      return std::make_pair(guid, e.actor);
  return std::nullopt;
}

/// Adds the postorder to the table's open order as a new session (its ORDER
/// announces `additional_order`) and keeps the external_id pointing at it;
/// when that order is no longer open, a new order is created after all.
caf::result<admission> merge_into(self_ptr self, order_request req, std::pair<std::string, order_actor> target) {
  auto rp = self->make_response_promise<admission>();
  auto me = caf::actor_cast<source_actor>(self);
  self->request(target.second, std::chrono::seconds(30), atom::append_v, req.body)
    .then(
      [self, rp, req, target, me](const api_reply& r) mutable {
        auto& st = self->state;
        if (!r.ok() || st.keys.count(req.body.external_id)) {
          req.no_merge = true;
          self->request(me, caf::infinite, atom::create_v, req)
            .then([rp](const admission& a) mutable { rp.deliver(a); },
                  [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
          return;
        }
        st.keys[req.body.external_id] = source_state::key_entry{target.first, req.hash};
        persistence::write_batch batch;
        batch.put(persistence::table::idempotency, idempotency_key(st.cfg.name, req.body.external_id),
                  json{{"guid", target.first}, {"hash", req.hash}}.dump());
        admission a;
        a.guid = target.first;
        a.order = target.second;
        self->request(st.db, caf::infinite, atom::put_v, std::move(batch), true)
          .then([rp, a](bool) mutable { rp.deliver(a); }, [rp, a](caf::error&) mutable { rp.deliver(a); });
      },
      [self, rp, req, me](caf::error&) mutable {
        req.no_merge = true;
        self->request(me, caf::infinite, atom::create_v, req)
          .then([rp](const admission& a) mutable { rp.deliver(a); },
                [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      });
  return rp;
}

source_actor::behavior_type source(source_actor::stateful_pointer<source_state> self,
                                   config::source cfg, restaurant_map restaurants, gateway_actor gw,
                                   store_actor db, source_restore restored) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.restaurants = std::move(restaurants);
  st.gateway = gw;
  st.db = db;
  for (auto& [ext, value] : restored.keys)
    st.keys[ext] = source_state::key_entry{value.first, value.second};
  for (auto& rec : restored.orders) {
    auto guid = rec.guid;
    source_state::order_entry e{rec.external_id, rec.restaurant, {}, rec.table_code};
    if (!rec.final())
      e.actor = start_order(self, std::move(rec), std::nullopt);
    st.orders[guid] = e;
  }
  self->set_down_handler([self](caf::down_msg& msg) {
    for (auto& [guid, e] : self->state.orders)
      if (e.actor && e.actor.address() == msg.source)
        e.actor = nullptr;
  });
  // Shutdown: the ORDERs stop with their SOURCE (they are monitored, not linked,
  // so one failing order never takes the source down).
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& [guid, e] : self->state.orders)
      if (e.actor)
        self->send_exit(e.actor, msg.reason);
    self->quit(msg.reason);
  });
  return {
    [self](atom::lookup, const std::string& external_id, const std::string& hash) -> caf::result<admission> {
      if (!self->state.keys.count(external_id))
        return admission{};
      return known(self, external_id, hash);
    },
    [self](atom::create, order_request& req) -> caf::result<admission> {
      auto& st = self->state;
      if (st.keys.count(req.body.external_id))
        return known(self, req.body.external_id, req.hash);
      if (auto target = merge_target(st, req))
        return merge_into(self, std::move(req), *target);
      order_record rec;
      rec.guid = new_guid();
      rec.source = st.cfg.name;
      rec.external_id = req.body.external_id;
      rec.restaurant = req.restaurant;
      rec.body_hash = req.hash;
      rec.body = req.body_json;
      if (req.manual) {
        rec.manual = true;
        rec.step = order_step::waiting;
      }
      rec.created_at = rec.updated_at = now_iso8601();
      st.keys[rec.external_id] = source_state::key_entry{rec.guid, req.hash};
      json key_value = {{"guid", rec.guid}, {"hash", req.hash}};
      auto first = std::make_pair(idempotency_key(st.cfg.name, rec.external_id), key_value.dump());
      admission a;
      a.kind = admission::absent;
      a.guid = rec.guid;
      auto guid = rec.guid;
      source_state::order_entry e{rec.external_id, rec.restaurant, {}, req.body.table_code.value_or(0)};
      e.actor = start_order(self, std::move(rec), first);
      a.order = e.actor;
      st.orders[guid] = e;
      return a;
    },
    [self](atom::list, const std::string& restaurant) -> caf::result<api_reply> {
      auto c = std::make_shared<collector>();
      c->rp = self->make_response_promise<api_reply>();
      std::vector<order_actor> active;
      for (const auto& [guid, e] : self->state.orders)
        if (e.actor && (restaurant.empty() || e.restaurant == restaurant))
          active.push_back(e.actor);
      if (active.empty()) {
        c->deliver();
        return c->rp;
      }
      c->pending = active.size();
      for (const auto& a : active)
        collect_from(self, c, a);
      return c->rp;
    },
    [self](atom::find, const guid_list& list) -> caf::result<api_reply> {
      auto c = std::make_shared<collector>();
      c->rp = self->make_response_promise<api_reply>();
      c->with_not_found = true;
      c->pending = 1; // released below, after every lookup started
      for (const auto& g : list.guids) {
        auto it = self->state.orders.find(g);
        if (it == self->state.orders.end()) {
          c->not_found.push_back(g);
          continue;
        }
        ++c->pending;
        if (it->second.actor)
          collect_from(self, c, it->second.actor);
        else
          collect_stored(self, c, g);
      }
      c->one_done();
      return c->rp;
    },
    [self](atom::close, const std::string& guid) -> caf::result<api_reply> {
      auto it = self->state.orders.find(guid);
      if (it == self->state.orders.end())
        return api_reply::failure(404, "not_found", "no such order for this source");
      if (!it->second.actor)
        return api_reply::failure(409, "invalid_state", "order is already closed or deleted");
      return self->delegate(it->second.actor, atom::close_v);
    },
    [self](atom::cancel, const std::string& guid, const std::string& reason) -> caf::result<api_reply> {
      auto it = self->state.orders.find(guid);
      if (it == self->state.orders.end())
        return api_reply::failure(404, "not_found", "no such order for this source");
      if (!it->second.actor)
        return api_reply::failure(409, "invalid_state", "order is already closed or deleted");
      return self->delegate(it->second.actor, atom::cancel_v, reason);
    },
    [self](atom::pay, const std::string& guid, payment_list& list) -> caf::result<api_reply> {
      auto it = self->state.orders.find(guid);
      if (it == self->state.orders.end())
        return api_reply::failure(404, "not_found", "no such order for this source");
      if (!it->second.actor)
        return api_reply::failure(409, "invalid_state", "order is already closed or deleted");
      return self->delegate(it->second.actor, atom::pay_v, std::move(list));
    },
    [self](atom::accept, const std::string& guid, std::int64_t base_table) -> caf::result<api_reply> {
      auto it = self->state.orders.find(guid);
      if (it == self->state.orders.end())
        return api_reply::failure(404, "not_found", "no such order for this source");
      if (!it->second.actor)
        return api_reply::failure(409, "invalid_state", "the order is not waiting for acceptance");
      return self->delegate(it->second.actor, atom::accept_v, base_table);
    },
    [self](atom::forget, const std::string& external_id) {
      auto& st = self->state;
      auto it = st.keys.find(external_id);
      if (it == st.keys.end())
        return;
      st.orders.erase(it->second.guid);
      st.keys.erase(it);
    },
  };
}

} // namespace

source_actor spawn_source(caf::actor_system& sys, config::source cfg, restaurant_map restaurants,
                          gateway_actor gw, store_actor db, source_restore restored) {
  return sys.spawn(source, std::move(cfg), std::move(restaurants), gw, db, std::move(restored));
}

} // namespace rkgate::actors
