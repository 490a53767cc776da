#include "actors/order_mapping.hpp"
#include "actors/spawn.hpp"
#include "actors/tables.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>

namespace rkgate::actors {

struct order_state {
  order_record rec;
  cart body;
  order_context ctx;
  order_settings settings;
  std::optional<std::pair<std::string, std::string>> first_write; ///< idempotency key/value
  std::vector<caf::typed_response_promise<api_reply>> waiting;    ///< postorder callers
  bool running = false;      ///< a step is in flight
  int retries = 0;
  std::chrono::steady_clock::time_point refreshed;
  static constexpr const char* name = "order";
};

namespace {

using self_ptr = order_actor::stateful_pointer<order_state>;

caf::duration call_timeout(const order_state& st) {
  return caf::duration{st.ctx.rest->cfg.cash_server.timeout + std::chrono::seconds(5)};
}

/// Test hook: RKGATE_TEST_CRASH_AFTER=create_order kills the process right
/// after CreateOrder succeeded and was persisted, before SaveOrder.
void crash_hook(const char* point) {
  const char* v = std::getenv("RKGATE_TEST_CRASH_AFTER");
  if (v && std::string(v) == point) {
    spdlog::warn("test hook: crashing after {}", point);
    std::raise(SIGKILL);
  }
}

std::int64_t base_table(const order_state& st) {
  return st.body.table_code.value_or(st.ctx.rest->cfg.refs.table_code);
}

/// Persists the record (plus extra writes), then continues with `next`.
template <class F>
void persist(self_ptr self, bool sync, persistence::write_batch batch, F next) {
  auto& st = self->state;
  st.rec.updated_at = now_iso8601();
  batch.put(persistence::table::orders, st.rec.guid, to_json(st.rec));
  self->request(st.ctx.store, caf::infinite, atom::put_v, std::move(batch), sync)
    .then([next](bool ok) mutable { next(ok); },
          [next](caf::error&) mutable { next(false); });
}

template <class F>
void persist(self_ptr self, F next) {
  persist(self, true, persistence::write_batch{}, std::move(next));
}

void answer(self_ptr self, const api_reply& r) {
  auto waiting = std::move(self->state.waiting);
  self->state.waiting.clear();
  for (auto& rp : waiting)
    rp.deliver(r);
}

api_reply stored_reply(const order_record& rec) {
  if (!rec.reply_code.empty())
    return api_reply::failure(rec.reply_status, rec.reply_code, rec.reply_message);
  return api_reply::success(rec.reply_status == 0 ? 202 : rec.reply_status, postorder_data_json(rec));
}

void release_table(self_ptr self) {
  auto& st = self->state;
  if (st.rec.table_slot >= 0)
    self->send(st.ctx.gateway, atom::release_v, st.rec.restaurant, st.rec.table_code, st.rec.guid);
}

/// The order is over (closed, deleted or failed): free its table and stop.
void finish(self_ptr self) {
  release_table(self);
  self->quit();
}

/// Creation failed before anything reached the cash server: forget the
/// order and its idempotency key so a retry starts afresh.
void abandon(self_ptr self, api_reply why) {
  auto& st = self->state;
  persistence::write_batch batch;
  batch.erase(persistence::table::orders, st.rec.guid);
  batch.erase(persistence::table::idempotency, idempotency_key(st.rec.source, st.rec.external_id));
  self->send(st.ctx.source, atom::forget_v, st.rec.external_id);
  answer(self, why);
  self->request(st.ctx.store, caf::infinite, atom::put_v, std::move(batch), true)
    .then([self](bool) { finish(self); }, [self](caf::error&) { finish(self); });
}

/// Creation failed after CreateOrder: keep the record with the error.
void fail(self_ptr self, api_reply why) {
  auto& st = self->state;
  st.rec.step = order_step::failed;
  st.rec.status = 3;
  st.rec.reply_status = why.status;
  st.rec.reply_code = why.code;
  st.rec.reply_message = why.message;
  answer(self, why);
  persist(self, [self](bool) { finish(self); });
}

void apply(order_state& st, const rk7::order& o) {
  if (o.visit != 0)
    st.rec.visit = o.visit;
  if (o.order_ident != 0)
    st.rec.order_ident = o.order_ident;
  auto t = totals_of(o);
  st.rec.sum = t.total;
  st.rec.paid = t.prepaid + t.paid;
  st.rec.to_pay = t.to_pay;
  st.rec.priced = priced_order_json(o, st.body);
  st.rec.status = status_of(o);
  st.refreshed = std::chrono::steady_clock::now();
}

void run(self_ptr self);

/// Retries a step later (the cash server was unreachable or timed out).
void retry_later(self_ptr self) {
  auto& st = self->state;
  st.running = false;
  ++st.retries;
  auto delay = std::chrono::seconds(std::min(30, 1 << std::min(st.retries, 5)));
  self->delayed_send(self, delay, atom::run_v);
}

bool fully_prepaid(const order_record& rec) {
  return rec.to_pay == 0 && rec.paid > 0 && (rec.status == 0 || rec.status == 2);
}

/// PayOrder with the prepayments; `done` gets the reply.
template <class F>
void pay(self_ptr self, F done) {
  auto& st = self->state;
  rk7::pay_order req;
  req.target = rk7::order_ref::by_guid(st.rec.guid);
  req.station = rk7::ref::by_id(st.ctx.rest->cfg.refs.station_id);
  req.cashier = rk7::ref::by_code(st.ctx.rest->cfg.refs.cashier_code.value_or(st.ctx.rest->cfg.refs.waiter_code));
  // Fully prepaid: the prepayments settle the order, so no further Payment
  // lines are sent (r_keeper wants payments equal to what is still unpaid).
  self->request(st.ctx.rest->cash, call_timeout(st), atom::call_v, req)
    .then(
      [self, done](rk7_result<rk7::ack>& r) mutable {
        if (!r)
          return done(cash_failure(r.error()));
        auto& st = self->state;
        st.rec.status = 1;
        st.rec.to_pay = 0;
        persist(self, [self, done](bool) mutable {
          done(api_reply::success(200, order_api_json(self->state.rec)));
          finish(self);
        });
      },
      [done](caf::error& err) mutable {
        done(api_reply::failure(503, "cash_server_unavailable", "cash server did not answer: " + caf::to_string(err)));
      });
}

/// Creation is complete: answer the callers, close a paid order if configured.
void created(self_ptr self) {
  auto& st = self->state;
  st.running = false;
  st.rec.reply_status = 201;
  persist(self, [self](bool) {
    auto& st = self->state;
    answer(self, api_reply::success(201, postorder_data_json(st.rec)));
    if (st.ctx.rest->cfg.refs.close_paid_order && fully_prepaid(st.rec))
      pay(self, [](const api_reply& r) {
        if (!r.ok())
          spdlog::warn("closing a paid order failed: {}", r.message);
      });
  });
}

/// GetOrder after SaveOrder: the priced result as the cash server holds it.
void read_back(self_ptr self) {
  auto& st = self->state;
  self->request(st.ctx.rest->cash, call_timeout(st), atom::call_v, rk7::get_order{rk7::order_ref::by_guid(st.rec.guid)})
    .then(
      [self](rk7_result<rk7::order>& r) {
        if (r)
          apply(self->state, *r);
        created(self);
      },
      [self](caf::error&) { created(self); });
}

void save(self_ptr self) {
  auto& st = self->state;
  rk7::save_order req;
  req.target = rk7::order_ref::by_guid(st.rec.guid);
  req.sessions.push_back(to_session(st.body, st.settings));
  self->request(st.ctx.rest->cash, call_timeout(st), atom::call_v, req)
    .then(
      [self](rk7_result<rk7::saved_order>& r) {
        auto& st = self->state;
        if (!r) {
          if (r.error().unreachable())
            return retry_later(self); // reconcile: GetOrder tells whether it happened
          return fail(self, cash_failure(r.error()));
        }
        apply(st, r->record);
        st.rec.step = order_step::saved;
        persist(self, [self](bool) { read_back(self); });
      },
      [self](caf::error&) { retry_later(self); });
}

void create(self_ptr self) {
  auto& st = self->state;
  const auto& refs = st.ctx.rest->cfg.refs;
  rk7::create_order req;
  req.guid = st.rec.guid;
  req.table = rk7::ref::by_code(st.rec.table_code);
  req.station = rk7::ref::by_id(refs.station_id);
  if (refs.waiter_code != 0)
    req.waiter = rk7::ref::by_code(refs.waiter_code);
  req.order_category = rk7::ref::by_code(st.body.order_category.value_or(refs.order_category));
  if (refs.order_type)
    req.order_type = rk7::ref::by_code(*refs.order_type);
  req.guests = st.body.guests > 0 ? st.body.guests : 1;
  req.persistent_comment = st.body.short_external_info;
  req.external_props["table"] = st.rec.table_name;
  req.external_props["source"] = st.rec.source;
  req.external_props["external_id"] = st.rec.external_id;
  self->request(st.ctx.rest->cash, call_timeout(st), atom::call_v, req)
    .then(
      [self](rk7_result<rk7::created_order>& r) {
        auto& st = self->state;
        if (!r) {
          const auto& e = r.error();
          if (e.kind == rk7::error_kind::network) // refused: nothing was created
            return abandon(self, cash_failure(e));
          if (e.unreachable())
            return retry_later(self); // timed out: it may exist; GetOrder will tell
          return abandon(self, cash_failure(e));
        }
        st.rec.visit = r->visit;
        st.rec.order_ident = r->order_ident;
        st.rec.step = order_step::created;
        st.rec.status = 0;
        persist(self, [self](bool) {
          crash_hook("create_order");
          save(self);
        });
      },
      [self](caf::error&) { retry_later(self); });
}

/// Table first (persisted by the pool), then CreateOrder.
void allocate_then_create(self_ptr self) {
  auto& st = self->state;
  if (st.rec.table_slot >= 0)
    return create(self);
  self->request(st.ctx.gateway, caf::infinite, atom::allocate_v, st.rec.restaurant, st.rec.table_code, st.rec.guid)
    .then(
      [self](int slot) {
        auto& st = self->state;
        st.rec.table_slot = slot;
        st.rec.table_name = table_name(st.rec.table_code, slot);
        persist(self, [self](bool) { create(self); });
      },
      [self](caf::error& err) {
        abandon(self, api_reply::failure(500, "internal_error", "table allocation failed: " + caf::to_string(err)));
      });
}

/// After a restart or an ambiguous failure: ask the cash server whether the
/// order exists and how far it got, then continue from there.
void reconcile(self_ptr self) {
  auto& st = self->state;
  self->request(st.ctx.rest->cash, call_timeout(st), atom::call_v, rk7::get_order{rk7::order_ref::by_guid(st.rec.guid)})
    .then(
      [self](rk7_result<rk7::order>& r) {
        auto& st = self->state;
        if (!r) {
          if (r.error().unreachable())
            return retry_later(self);
          // Not on the cash server: CreateOrder never happened.
          st.rec.step = order_step::creating;
          return allocate_then_create(self);
        }
        bool has_lines = false;
        for (const auto& s : r->sessions)
          has_lines = has_lines || !s.dishes.empty();
        apply(st, *r);
        if (has_lines) {
          st.rec.step = order_step::saved;
          return persist(self, [self](bool) { created(self); });
        }
        st.rec.step = order_step::created;
        persist(self, [self](bool) { save(self); });
      },
      [self](caf::error&) { retry_later(self); });
}

void run(self_ptr self) {
  auto& st = self->state;
  if (st.running)
    return;
  st.running = true;
  switch (st.rec.step) {
    case order_step::creating:
      if (st.first_write) {
        // The very first step: idempotency key and record, synced together.
        persistence::write_batch batch;
        batch.put(persistence::table::idempotency, st.first_write->first, st.first_write->second);
        st.first_write.reset();
        return persist(self, true, std::move(batch), [self](bool ok) {
          if (!ok)
            return abandon(self, api_reply::failure(500, "internal_error", "order could not be stored"));
          allocate_then_create(self);
        });
      }
      return reconcile(self);
    case order_step::created:
      return reconcile(self);
    case order_step::saved:
      st.running = false;
      return;
    case order_step::failed:
      st.running = false;
      return self->quit();
  }
}

/// getorders: refresh an open order from the cash server (at most once a second).
template <class Promise>
void refresh(self_ptr self, Promise rp) {
  auto& st = self->state;
  if (st.rec.step != order_step::saved
      || std::chrono::steady_clock::now() - st.refreshed < std::chrono::seconds(1)) {
    rp.deliver(order_api_json(st.rec));
    return;
  }
  self->request(st.ctx.rest->cash, call_timeout(st), atom::call_v, rk7::get_order{rk7::order_ref::by_guid(st.rec.guid)})
    .then(
      [self, rp](rk7_result<rk7::order>& r) mutable {
        auto& st = self->state;
        if (!r) {
          rp.deliver(order_api_json(st.rec));
          return;
        }
        auto before = st.rec.status;
        apply(st, *r);
        rp.deliver(order_api_json(st.rec));
        if (before != st.rec.status)
          persist(self, [self](bool) {
            if (self->state.rec.final())
              finish(self);
          });
      },
      [self, rp](caf::error&) mutable { rp.deliver(order_api_json(self->state.rec)); });
}

order_actor::behavior_type order(order_actor::stateful_pointer<order_state> self, order_record rec,
                                 order_context ctx, std::optional<std::pair<std::string, std::string>> first_write) {
  auto& st = self->state;
  st.rec = std::move(rec);
  st.ctx = std::move(ctx);
  st.first_write = std::move(first_write);
  auto parsed = parse_order_body(nlohmann::json::parse(st.rec.body, nullptr, false), false);
  if (auto* c = std::get_if<cart>(&parsed))
    st.body = *c;
  const auto& refs = st.ctx.rest->cfg.refs;
  st.settings.station_id = refs.station_id;
  st.settings.waiter_code = refs.waiter_code;
  st.settings.prepay_reason = refs.prepay_reason;
  st.settings.item_comment_modifier = refs.item_comment_modifier;
  if (st.rec.table_code == 0)
    st.rec.table_code = base_table(st);
  self->send(self, atom::run_v);
  return {
    [self](atom::wait) -> caf::result<api_reply> {
      auto& st = self->state;
      if (st.rec.reply_status != 0 || st.rec.step == order_step::saved)
        return stored_reply(st.rec);
      auto rp = self->make_response_promise<api_reply>();
      st.waiting.push_back(rp);
      return rp;
    },
    [self](atom::get) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      refresh(self, rp);
      return rp;
    },
    [self](atom::close) -> caf::result<api_reply> {
      auto& st = self->state;
      if (st.rec.step != order_step::saved || !fully_prepaid(st.rec))
        return api_reply::failure(409, "invalid_state",
                                  st.rec.to_pay > 0 ? "order is not fully paid"
                                                    : "order cannot be closed in its state");
      auto rp = self->make_response_promise<api_reply>();
      pay(self, [rp](const api_reply& r) mutable { rp.deliver(r); });
      return rp;
    },
    [self](atom::run) {
      self->state.running = false;
      run(self);
    },
  };
}

} // namespace

order_actor spawn_order(caf::actor_system& sys, order_record rec, order_context ctx,
                        std::optional<std::pair<std::string, std::string>> first_write) {
  return sys.spawn(order, std::move(rec), std::move(ctx), std::move(first_write));
}

} // namespace rkgate::actors
