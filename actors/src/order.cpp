#include "actors/announce.hpp"
#include "actors/order_mapping.hpp"
#include "actors/order_store.hpp"
#include "actors/spawn.hpp"
#include "actors/tables.hpp"

#include "rk7/codec.hpp"

#include "common/json_text.hpp"
#include "events/qr_format.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>

namespace rkgate::actors {

struct order_state {
  order_record rec;
  /// `rec.priced` as a DOM while the step that priced it announces it (null
  /// otherwise), so those announcements do not parse it back.
  nlohmann::json priced;
  cart body;
  order_context ctx;
  order_settings settings;
  std::optional<std::pair<std::string, std::string>> first_write; ///< idempotency key/value
  /// Postorder callers: response promises and request sinks alike.
  std::vector<std::function<void(const api_reply&)>> waiting;
  /// Why creation was abandoned: the answer to a postorder caller whose wait
  /// arrives while the erase of the record is still on disk.
  std::optional<api_reply> abandoned;
  bool running = false;      ///< a step is in flight
  int retries = 0;
  rk7_meter meter; ///< r_keeper time of creation (Server-Timing of postorder)
  std::chrono::microseconds disk_wait{0}; ///< waits for a durable record after r_keeper replied (Server-Timing)
  int calls = 0; ///< requests whose answer is still on its way (it stays in memory until none is)
  caf::actor_clock::time_point last_activity; ///< when it last handled a message of its interface
  static constexpr const char* name = "order";
};

namespace {

/// The order's current state, announced (with the priced DOM when it has one).
announced_order announced(const order_state& st) {
  return announced_order{st.rec, st.priced.is_null() ? nullptr : &st.priced};
}

/// The priced DOM serves the announcements of the step that built it; an idle
/// ORDER keeps only its text (`rec.priced`), which a later announcement parses.
/// Let go at once, while its nodes are still in cache: tens of thousands of
/// idle ORDERs held them, and each ORDER leaving memory freed them cold on a
/// loop thread (docs/performance-log.md, "Session 20").
void drop_priced_dom(order_state& st) {
  st.priced = nlohmann::json();
}

using self_ptr = order_actor::stateful_pointer<order_state>;

/// Calls to the CASH SERVER carry no CAF timeout: it answers every call,
/// within the transport's `cash_server.timeout` once the call is out, so the
/// ORDER always learns the real outcome (a CAF timeout could fire while the
/// write still waited in the CASH SERVER's queue and went out later). The
/// only error left is the CASH SERVER stopping (shutdown).
constexpr auto cash_call = caf::infinite;

/// Test hook: RKGATE_TEST_CRASH_AFTER=create_order kills the process right
/// after CreateOrder succeeded and was persisted, before SaveOrder;
/// =save_order once SaveOrder succeeded, before its reply is stored.
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

/// A request the ORDER awaits, counted in `calls`: an ORDER never leaves
/// memory with an answer still on its way to it.
template <class Reply, class Handle, class F, class G>
void counted(self_ptr self, Handle&& request, F on_reply, G on_error) {
  ++self->state.calls;
  std::forward<Handle>(request).then(
    [self, on_reply](Reply& r) mutable {
      --self->state.calls;
      on_reply(r);
    },
    [self, on_error](caf::error& err) mutable {
      --self->state.calls;
      on_error(err);
    });
}

/// Persists the record (plus extra writes), then continues with `next`.
template <class F>
void persist(self_ptr self, bool sync, persistence::write_batch batch, F next) {
  auto& st = self->state;
  st.rec.updated_at = now_iso8601();
  stage_order(batch, st.rec);
  counted<bool>(self, self->request(st.ctx.store, caf::infinite, atom::put_v, std::move(batch), sync),
                [next](bool ok) mutable { next(ok); }, [next](caf::error&) mutable { next(false); });
}

template <class F>
void persist(self_ptr self, F next) {
  persist(self, true, persistence::write_batch{}, std::move(next));
}

/// Writes the record unsynced without waiting for the STORE: it writes in
/// arrival order, so every later write of this order lands after it.
void persist_unawaited(self_ptr self) {
  auto& st = self->state;
  st.rec.updated_at = now_iso8601();
  persistence::write_batch batch;
  stage_order(batch, st.rec);
  caf::anon_send(st.ctx.store, atom::put_v, std::move(batch), false);
}

/// `r` with the creation's r_keeper and disk times (Server-Timing).
api_reply timed(const order_state& st, api_reply r) {
  r.rk7_ms = st.meter.total();
  r.disk_ms = static_cast<double>(st.disk_wait.count()) / 1000.0;
  return r;
}

void answer(self_ptr self, api_reply why) {
  auto waiting = std::move(self->state.waiting);
  self->state.waiting.clear();
  auto r = timed(self->state, std::move(why));
  for (auto& to : waiting)
    to(r);
}

api_reply stored_reply(const order_record& rec) {
  if (!rec.reply_code.empty())
    return api_reply::failure(rec.reply_status, rec.reply_code, rec.reply_message);
  return api_reply::success(rec.reply_status == 0 ? 202 : rec.reply_status, postorder_data_json(rec));
}

/// The postorder answer once creation has ended (abandoned, answered or
/// saved); nullopt while it is still under way.
std::optional<api_reply> settled(const order_state& st) {
  if (st.abandoned)
    return timed(st, *st.abandoned);
  if (st.rec.reply_status != 0 || st.rec.step == order_step::saved)
    return timed(st, stored_reply(st.rec));
  return std::nullopt;
}

void release_table(self_ptr self) {
  auto& st = self->state;
  if (st.rec.table_slot >= 0)
    self->send(st.ctx.rest->tables, atom::release_v, st.rec.table_code, st.rec.guid);
}

/// The order is over (closed, deleted or failed): free its table and stop.
void finish(self_ptr self) {
  release_table(self);
  if (self->state.ctx.rest->poller)
    self->send(self->state.ctx.rest->poller, atom::forget_v, self->state.rec.guid);
  self->quit();
}

/// Gives the order's table back now (not when the actor stops).
void free_table(self_ptr self) {
  release_table(self);
  self->state.rec.table_slot = -1;
  self->state.rec.table_name.clear();
}

void back_to_waiting(self_ptr self, api_reply why);

/// Creation failed before anything reached the cash server: forget the
/// order and its idempotency key so a retry starts afresh. The table is
/// freed before the caller hears of it, so that a retry finds it free.
void abandon(self_ptr self, api_reply why) {
  auto& st = self->state;
  if (st.rec.manual)
    return back_to_waiting(self, std::move(why));
  persistence::write_batch batch;
  stage_erase_order(batch, st.rec);
  self->send(st.ctx.source, atom::forget_v, st.rec.external_id);
  free_table(self);
  st.abandoned = why;
  answer(self, why);
  counted<bool>(self, self->request(st.ctx.store, caf::infinite, atom::put_v, std::move(batch), true),
                [self](bool) { finish(self); }, [self](caf::error&) { finish(self); });
}

/// A manual order's accept created nothing: free the table, keep the order
/// waiting for the next attempt (docs/console.md §1) and answer the accept.
void back_to_waiting(self_ptr self, api_reply why) {
  auto& st = self->state;
  free_table(self);
  st.rec.step = order_step::waiting;
  st.rec.status = 5;
  st.running = false;
  persist(self, [self, why](bool) { answer(self, why); });
}

/// Creation failed after CreateOrder: keep the record with the error.
void fail(self_ptr self, api_reply why) {
  auto& st = self->state;
  st.rec.step = order_step::failed;
  st.rec.status = 3;
  st.rec.reply_status = why.status;
  st.rec.reply_code = why.code;
  st.rec.reply_message = why.message;
  count_status(*st.ctx.rest, st.rec.status);
  answer(self, why);
  persist(self, [self](bool) {
    publish_status(*self->state.ctx.rest, announced(self->state), 5);
    finish(self);
  });
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
  st.priced = priced_order(o, st.body);
  st.rec.priced = json_text(st.priced);
  st.rec.status = status_of(o);
  if (o.version != 0)
    st.rec.rk7_version = o.version;
}

/// One r_keeper call and the synced write of the record that describes it,
/// side by side: the reply is acted on only once the record is durable, so
/// the write costs no time on the order's path while a
/// crash can never leave a reply acted on without its record
/// (docs/architecture.md, "Crash safety of order creation").
/// `next(stored, reply)` runs once both have answered.
template <class Req, class F>
void call_while_storing(self_ptr self, const Req& req, persistence::write_batch batch, F next) {
  using reply_type = rk7_result<typename rk7::command_traits<Req>::reply>;
  struct joint {
    std::optional<bool> stored;
    std::optional<reply_type> reply;
    std::chrono::steady_clock::time_point replied;
    F next;
    void maybe_go() {
      if (stored && reply)
        next(*stored, std::move(*reply));
    }
  };
  auto j = std::make_shared<joint>(joint{std::nullopt, std::nullopt, {}, std::move(next)});
  persist(self, true, std::move(batch), [self, j](bool ok) {
    j->stored = ok;
    if (j->reply) // r_keeper answered first: the order waited for the disk
      self->state.disk_wait += std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - j->replied);
    j->maybe_go();
  });
  auto& st = self->state;
  counted<reply_type>(
    self, self->request(st.ctx.rest->cash, cash_call, atom::call_v, req, st.meter),
    [j](reply_type& r) {
      j->reply = std::move(r);
      j->replied = std::chrono::steady_clock::now();
      j->maybe_go();
    },
    [j](caf::error& err) {
      rk7::error e; // the CASH SERVER stopped: the call may or may not have happened
      e.kind = rk7::error_kind::timeout;
      e.message = "cash server did not answer: " + caf::to_string(err);
      j->reply = reply_type(e);
      j->maybe_go();
    });
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
  counted<rk7_result<rk7::ack>>(
    self, self->request(st.ctx.rest->cash, cash_call, atom::call_v, req, st.meter),
    [self, done](rk7_result<rk7::ack>& r) mutable {
      if (!r)
        return done(cash_failure(r.error()));
      auto& st = self->state;
      auto before = st.rec.status;
      st.rec.status = 1;
      st.rec.to_pay = 0;
      persist(self, [self, done, before](bool) mutable {
        announce_status(*self->state.ctx.rest, announced(self->state), before);
        done(api_reply::success(200, order_api_json(self->state.rec)));
        finish(self);
      });
    },
    [done](caf::error& err) mutable {
      done(api_reply::failure(503, "cash_server_unavailable", "cash server did not answer: " + caf::to_string(err)));
    });
}

/// Asks the restaurant's STATUS POLLER to follow this order on the cash
/// server, with changes going to `to`: this ORDER, or null when it leaves
/// memory (they then go to its SOURCE).
void follow(self_ptr self, order_actor to) {
  auto& st = self->state;
  if (st.ctx.rest->poller)
    self->send(st.ctx.rest->poller, atom::watch_v, st.rec.guid, std::move(to), st.ctx.source, st.rec.rk7_version);
}

/// Creation is complete: answer the callers, close a paid order if configured.
/// The final record is written unsynced and the 201 does not wait for it: if
/// the process dies before the write, the synced record of the creation makes
/// the ORDER reconcile by guid after the restart (GetOrder finds the dishes),
/// exactly as after a power loss.
void created(self_ptr self) {
  auto& st = self->state;
  st.running = false;
  st.rec.reply_status = 201;
  count_status(*st.ctx.rest, st.rec.status);
  answer(self, api_reply::success(201, postorder_data_json(st.rec, !st.priced.is_null())));
  persist_unawaited(self);
  announced_order saved = announced(st);
  announce_event(*st.ctx.rest, events::code::save_order, saved, session_invoice(saved, 0, 1));
  publish_status(*st.ctx.rest, saved, 5);
  drop_priced_dom(st);
  follow(self, caf::actor_cast<order_actor>(self));
  if (st.ctx.rest->cfg.refs.close_paid_order && fully_prepaid(st.rec))
    pay(self, [](const api_reply& r) {
      if (!r.ok())
        spdlog::warn("closing a paid order failed: {}", r.message);
    });
}

/// SaveOrder. Nothing is written beside it: the synced record written with
/// CreateOrder is what makes SaveOrder safe to repeat (after a crash the
/// ORDER reconciles by guid and GetOrder tells whether the dishes are there),
/// and the final record follows the reply. SaveOrder's reply carries the
/// whole order as the cash server now holds it (rk7-xml.md §4.6), so no
/// GetOrder follows.
void save(self_ptr self) {
  auto& st = self->state;
  rk7::save_order req;
  req.target = rk7::order_ref::by_guid(st.rec.guid);
  req.sessions.push_back(to_session(st.body, st.settings));
  counted<rk7_result<rk7::saved_order>>(
    self, self->request(st.ctx.rest->cash, cash_call, atom::call_v, req, st.meter),
    [self](rk7_result<rk7::saved_order>& r) {
      auto& st = self->state;
      if (!r) {
        if (r.error().unreachable())
          return retry_later(self); // reconcile: GetOrder tells whether it happened
        return fail(self, cash_failure(r.error()));
      }
      crash_hook("save_order");
      apply(st, r->record);
      st.rec.step = order_step::saved;
      created(self);
    },
    [self](caf::error&) { retry_later(self); }); // the CASH SERVER stopped
}

/// CreateOrder, side by side with the synced write of the record that
/// describes it (and, on the first attempt, the idempotency key): its reply
/// is acted on only once that record is durable.
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
  persistence::write_batch batch;
  if (st.first_write) {
    batch.put(persistence::table::idempotency, st.first_write->first, st.first_write->second);
    st.first_write.reset();
  }
  call_while_storing(self, req, std::move(batch), [self](bool stored, rk7_result<rk7::created_order> r) {
    auto& st = self->state;
    if (!stored) {
      // At worst an empty visit stays on the till: no dishes were sent.
      return abandon(self, api_reply::failure(500, "internal_error", "order could not be stored"));
    }
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
    crash_hook("create_order");
    save(self);
  });
}

/// Table first (the pool's write is covered by the synced record written
/// with CreateOrder), then CreateOrder.
void allocate_then_create(self_ptr self) {
  auto& st = self->state;
  if (st.rec.table_slot >= 0)
    return create(self);
  counted<int>(
    self, self->request(st.ctx.rest->tables, caf::infinite, atom::allocate_v, st.rec.table_code, st.rec.guid),
    [self](int slot) {
      auto& st = self->state;
      st.rec.table_slot = slot;
      st.rec.table_name = st.rec.manual ? delivery_table_name(slot) : table_name(st.rec.table_code, slot);
      create(self);
    },
    [self](caf::error& err) {
      abandon(self, api_reply::failure(500, "internal_error", "table allocation failed: " + caf::to_string(err)));
    });
}

/// After a restart or an ambiguous failure: ask the cash server whether the
/// order exists and how far it got, then continue from there.
void reconcile(self_ptr self) {
  auto& st = self->state;
  rk7::get_order req{rk7::order_ref::by_guid(st.rec.guid)};
  counted<rk7_result<rk7::order>>(
    self, self->request(st.ctx.rest->cash, cash_call, atom::call_v, req, st.meter),
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
        return created(self);
      }
      st.rec.step = order_step::created;
      save(self); // stores the record as it sends SaveOrder
    },
    [self](caf::error&) { retry_later(self); });
}

/// A manual order whose first write failed: forgotten like an auto order.
void abandon_waiting(self_ptr self) {
  self->state.rec.manual = false;
  abandon(self, api_reply::failure(500, "internal_error", "order could not be stored"));
}

void run(self_ptr self) {
  auto& st = self->state;
  if (st.running)
    return;
  st.running = true;
  switch (st.rec.step) {
    case order_step::creating:
      if (st.first_write) // a new order: its key is written with CreateOrder
        return allocate_then_create(self);
      return reconcile(self);
    case order_step::created:
      return reconcile(self);
    case order_step::saved:
      st.running = false;
      return follow(self, caf::actor_cast<order_actor>(self));
    case order_step::failed:
      st.running = false;
      return self->quit();
    case order_step::waiting:
      // Manual acceptance: stored (with the idempotency key) and idle until accepted.
      if (st.first_write) {
        persistence::write_batch batch;
        batch.put(persistence::table::idempotency, st.first_write->first, st.first_write->second);
        st.first_write.reset();
        // Stored with its postorder answer (201, status 5); in memory the answer
        // counts only once the write is on disk, so `wait` cannot run ahead of it.
        st.rec.reply_status = 201;
        persist(self, true, std::move(batch), [self](bool ok) {
          auto& st = self->state;
          st.running = false;
          if (!ok)
            return abandon_waiting(self);
          st.rec.reply_status = 201;
          count_status(*st.ctx.rest, st.rec.status);
          answer(self, stored_reply(st.rec));
          publish_status(*st.ctx.rest, announced(st), std::nullopt); // received, waiting for an operator
        });
        st.rec.reply_status = 0;
        return;
      }
      st.running = false;
      return;
  }
}

// -- following the order after creation (issue 5) ---------------------------------

std::size_t item_count(const order_record& rec) {
  auto priced = nlohmann::json::parse(rec.priced.empty() ? "null" : rec.priced, nullptr, false);
  return priced.is_object() && priced["items"].is_array() ? priced["items"].size() : 0;
}

/// A read-back from the cash server: store what changed and announce it
/// (dishes added on the till, a new status); close a now fully prepaid order
/// when configured; stop once the order is over.
void reread(self_ptr self, const rk7::order& o) {
  auto& st = self->state;
  auto before = st.rec;
  apply(st, o);
  if (before.status == st.rec.status && before.priced == st.rec.priced && before.sum == st.rec.sum
      && before.paid == st.rec.paid)
    return drop_priced_dom(st);
  auto items_before = item_count(before);
  auto sessions = static_cast<std::int64_t>(o.sessions.size());
  persist(self, [self, previous = before.status, items_before, sessions](bool) {
    auto& st = self->state;
    announced_order now = announced(st);
    if (item_count(st.rec) > items_before)
      announce_event(*st.ctx.rest, events::code::additional_order, now, session_invoice(now, items_before, sessions));
    if (previous != st.rec.status)
      announce_status(*st.ctx.rest, now, previous);
    drop_priced_dom(st);
    if (st.rec.final())
      return finish(self);
    if (st.ctx.rest->cfg.refs.close_paid_order && fully_prepaid(st.rec))
      pay(self, [](const api_reply& r) {
        if (!r.ok())
          spdlog::warn("closing a paid order failed: {}", r.message);
      });
  });
}

/// The order became final on the cash server or by the gateway's own action.
template <class F>
void ended(self_ptr self, int status, F then) {
  auto& st = self->state;
  auto previous = st.rec.status;
  st.rec.status = status;
  persist(self, [self, previous, then](bool) mutable {
    announce_status(*self->state.ctx.rest, announced(self->state), previous);
    then();
    finish(self);
  });
}

/// The STATUS POLLER saw a change: GetOrder; an order missing from the list
/// that GetOrder no longer finds was voided on the till.
void refresh_from_poller(self_ptr self, bool absent) {
  auto& st = self->state;
  if (st.rec.step != order_step::saved || st.rec.final())
    return;
  rk7::get_order req{rk7::order_ref::by_guid(st.rec.guid)};
  counted<rk7_result<rk7::order>>(
    self, self->request(st.ctx.rest->cash, cash_call, atom::call_v, req),
    [self, absent](rk7_result<rk7::order>& r) {
      auto& st = self->state;
      if (st.rec.final())
        return;
      if (r)
        return reread(self, *r);
      if (absent && !r.error().unreachable())
        ended(self, 3, [] {});
    },
    [](caf::error&) {}); // the next poll asks again
}

caf::result<api_reply> conflict(const char* message) {
  return api_reply::failure(409, "invalid_state", message);
}

/// POST cancel (api.md §3.9): an order not yet on the cash server is simply
/// deleted (a CreateOrder that timed out and may have happened is voided
/// too); an open order without payments is voided.
caf::result<api_reply> cancel(self_ptr self) {
  auto& st = self->state;
  if (st.rec.final())
    return conflict("order is already closed or deleted");
  const auto& refs = st.ctx.rest->cfg.refs;
  rk7::void_order req;
  req.target = rk7::order_ref::by_guid(st.rec.guid);
  req.station = rk7::ref::by_id(refs.station_id);
  req.manager = rk7::ref::by_code(refs.cashier_code.value_or(refs.waiter_code));
  req.reason = rk7::ref::by_id(refs.void_reason.value_or(0));
  if (st.rec.status == 5) {
    if (st.running)
      return conflict("the order is being created on the cash server; cancel it once it is created");
    auto rp = self->make_response_promise<api_reply>();
    bool maybe_created = st.rec.step == order_step::created || st.retries > 0;
    st.rec.step = order_step::failed;
    ended(self, 3, [self, rp, req, maybe_created]() mutable {
      if (maybe_created && self->state.ctx.rest->cfg.refs.void_reason)
        caf::anon_send(self->state.ctx.rest->cash, atom::call_v, req);
      rp.deliver(api_reply::success(200, order_api_json(self->state.rec)));
    });
    return rp;
  }
  if (st.rec.step != order_step::saved)
    return conflict("the order cannot be cancelled in its state");
  if (st.rec.paid > 0)
    return conflict("the order has payments; it cannot be cancelled");
  if (!refs.void_reason)
    return conflict("the restaurant has no void_reason configured");
  auto rp = self->make_response_promise<api_reply>();
  counted<rk7_result<rk7::ack>>(
    self, self->request(st.ctx.rest->cash, cash_call, atom::call_v, req),
    [self, rp](rk7_result<rk7::ack>& r) mutable {
      if (!r) {
        rp.deliver(cash_failure(r.error()));
        return;
      }
      ended(self, 3, [self, rp]() mutable { rp.deliver(api_reply::success(200, order_api_json(self->state.rec))); });
    },
    [rp](caf::error& err) mutable {
      rp.deliver(api_reply::failure(503, "cash_server_unavailable", "cash server did not answer: " + caf::to_string(err)));
    });
  return rp;
}

/// Writes one more session to the open order; `done(saved order)` on success.
template <class F>
void save_session(self_ptr self, const cart& lines, caf::typed_response_promise<api_reply> rp, F done) {
  auto& st = self->state;
  rk7::save_order req;
  req.target = rk7::order_ref::by_guid(st.rec.guid);
  req.sessions.push_back(to_session(lines, st.settings));
  counted<rk7_result<rk7::saved_order>>(
    self, self->request(st.ctx.rest->cash, cash_call, atom::call_v, req),
    [self, rp, done](rk7_result<rk7::saved_order>& r) mutable {
      if (!r) {
        rp.deliver(cash_failure(r.error()));
        return;
      }
      auto items_before = item_count(self->state.rec);
      apply(self->state, r->record);
      done(items_before, static_cast<std::int64_t>(r->record.sessions.size()));
    },
    [rp](caf::error& err) mutable {
      rp.deliver(api_reply::failure(503, "cash_server_unavailable", "cash server did not answer: " + caf::to_string(err)));
    });
}

/// POST pay (api.md §3.8): prepayments in a new session, then `online_payment`.
caf::result<api_reply> add_payments(self_ptr self, const payment_list& list) {
  auto& st = self->state;
  if (st.rec.step != order_step::saved || (st.rec.status != 0 && st.rec.status != 2))
    return conflict("only open orders can be paid");
  kopecks paying = 0;
  for (const auto& p : list.payments)
    paying += p.sum;
  if (paying > st.rec.to_pay)
    return api_reply::failure(422, "cart_invalid", "the payments exceed what is left to pay",
                              json_text(nlohmann::json::array({{{"field", "payments"},
                                                                {"index", list.payments.size() - 1},
                                                                {"problem", "overpaid"}}})));
  cart lines;
  lines.payments = list.payments;
  auto rp = self->make_response_promise<api_reply>();
  save_session(self, lines, rp, [self, rp, list](std::size_t, std::int64_t) mutable {
    auto& st = self->state;
    // The record's `payments` lists every prepayment, also the later ones.
    auto body = nlohmann::json::parse(st.rec.body, nullptr, false);
    if (body.is_object()) {
      if (!body["payments"].is_array())
        body["payments"] = nlohmann::json::array();
      for (const auto& p : list.payments)
        body["payments"].push_back({{"currency_code", p.currency_code}, {"sum", to_number(p.sum)}});
      st.rec.body = json_text(body);
    }
    persist(self, [self, rp](bool) mutable {
      auto& st = self->state;
      announce_event(*st.ctx.rest, events::code::online_payment, announced(st), nullptr);
      rp.deliver(api_reply::success(200, order_api_json(st.rec)));
      if (st.ctx.rest->cfg.refs.close_paid_order && fully_prepaid(st.rec))
        pay(self, [](const api_reply& r) {
          if (!r.ok())
            spdlog::warn("closing a paid order failed: {}", r.message);
        });
    });
  });
  return rp;
}

/// Table-side ordering: another postorder for this table becomes a new
/// session of this order (`additional_order`).
caf::result<api_reply> add_session(self_ptr self, const cart& lines) {
  auto& st = self->state;
  if (st.rec.step != order_step::saved || st.rec.status != 0)
    return conflict("the table's order is not open");
  auto rp = self->make_response_promise<api_reply>();
  save_session(self, lines, rp, [self, rp](std::size_t items_before, std::int64_t sessions) mutable {
    persist(self, [self, rp, items_before, sessions](bool) mutable {
      auto& st = self->state;
      announced_order now = announced(st);
      announce_event(*st.ctx.rest, events::code::additional_order, now, session_invoice(now, items_before, sessions));
      rp.deliver(api_reply::success(201, postorder_data_json(st.rec, !st.priced.is_null())));
      drop_priced_dom(st);
    });
  });
  return rp;
}

/// A message of the ORDER's interface: its idle time starts again.
void touch(self_ptr self) {
  self->state.last_activity = self->clock().now();
}

/// Whether the ORDER may leave memory now: an open order (created, not
/// over) with no step, caller or answer pending, idle for `unload_after`.
/// Loaded again, it starts from its stored record, which is then complete.
bool may_unload(self_ptr self) {
  const auto& st = self->state;
  auto after = st.ctx.unload_after;
  return after.count() > 0 && st.rec.step == order_step::saved && !st.rec.final() && !st.running
         && st.calls == 0 && st.waiting.empty() && !st.abandoned
         && self->clock().now() - st.last_activity >= after;
}

order_actor::behavior_type order(order_actor::stateful_pointer<order_state> self, order_record rec,
                                 order_context ctx, std::optional<std::pair<std::string, std::string>> first_write,
                                 std::optional<cart> body, answer_sink_ptr first_caller) {
  auto& st = self->state;
  if (first_caller)
    st.waiting.push_back([first_caller](const api_reply& r) { first_caller->answer(r); });
  st.rec = std::move(rec);
  st.ctx = std::move(ctx);
  st.first_write = std::move(first_write);
  if (body) {
    st.body = std::move(*body);
  } else {
    auto parsed = parse_order_body(nlohmann::json::parse(st.rec.body, nullptr, false), false);
    if (auto* c = std::get_if<cart>(&parsed))
      st.body = std::move(*c);
  }
  const auto& refs = st.ctx.rest->cfg.refs;
  st.settings.station_id = refs.station_id;
  st.settings.waiter_code = refs.waiter_code;
  st.settings.prepay_reason = refs.prepay_reason;
  st.settings.item_comment_modifier = refs.item_comment_modifier;
  if (st.rec.table_code == 0)
    st.rec.table_code = base_table(st);
  touch(self);
  self->send(self, atom::run_v);
  return {
    [self](atom::wait) -> caf::result<api_reply> {
      touch(self);
      auto& st = self->state;
      if (auto r = settled(st))
        return *r;
      auto rp = self->make_response_promise<api_reply>();
      st.waiting.push_back([rp](const api_reply& r) mutable { rp.deliver(r); });
      return rp;
    },
    // The record as the STATUS POLLER keeps it: one GetOrderList per poll finds
    // every changed order, where a GetOrder per open order per getorders would
    // queue on the cash server (which answers one call at a time).
    // A read: it does not keep the order in memory.
    [self](atom::get) -> caf::result<std::string> { return order_api_json(self->state.rec); },
    [self](atom::close) -> caf::result<api_reply> {
      touch(self);
      auto& st = self->state;
      if (st.rec.step != order_step::saved || !fully_prepaid(st.rec))
        return api_reply::failure(409, "invalid_state",
                                  st.rec.to_pay > 0 ? "order is not fully paid"
                                                    : "order cannot be closed in its state");
      auto rp = self->make_response_promise<api_reply>();
      pay(self, [rp](const api_reply& r) mutable { rp.deliver(r); });
      return rp;
    },
    [self](atom::cancel, const std::string&) -> caf::result<api_reply> {
      touch(self);
      auto& st = self->state;
      if (st.rec.step == order_step::waiting && !st.rec.final() && !st.running) {
        // Never sent to the cash server: status 3 and nothing else (docs/console.md §1).
        auto rp = self->make_response_promise<api_reply>();
        st.rec.status = 3;
        persist(self, [self, rp](bool ok) mutable {
          if (!ok) {
            rp.deliver(api_reply::failure(500, "internal_error", "the cancellation could not be stored"));
            return;
          }
          count_status(*self->state.ctx.rest, self->state.rec.status);
          rp.deliver(api_reply::success(200, order_api_json(self->state.rec)));
          publish_status(*self->state.ctx.rest, announced(self->state), 5);
          finish(self);
        });
        return rp;
      }
      return cancel(self);
    },
    [self](atom::refresh, bool absent) {
      touch(self);
      refresh_from_poller(self, absent);
    },
    [self](atom::pay, const payment_list& list) -> caf::result<api_reply> {
      touch(self);
      return add_payments(self, list);
    },
    [self](atom::append, const cart& items) -> caf::result<api_reply> {
      touch(self);
      return add_session(self, items);
    },
    [self](atom::accept, std::int64_t base_table) -> caf::result<api_reply> {
      touch(self);
      auto& st = self->state;
      if (st.rec.step != order_step::waiting || st.rec.final() || st.running)
        return api_reply::failure(409, "invalid_state", "the order is not waiting for acceptance");
      st.rec.step = order_step::creating;
      st.rec.table_code = base_table;
      st.running = true;
      auto rp = self->make_response_promise<api_reply>();
      st.waiting.push_back([rp](const api_reply& r) mutable { rp.deliver(r); });
      allocate_then_create(self);
      return rp;
    },
    [self](atom::call, const std::string& kind) {
      if (auto what = events::table_call_code(kind))
        announce_event(*self->state.ctx.rest, *what, announced(self->state), nullptr);
    },
    [self](atom::unload) -> caf::result<bool> {
      if (!may_unload(self))
        return false;
      follow(self, order_actor{});
      auto rp = self->make_response_promise<bool>();
      rp.deliver(true);
      self->quit(order_unloaded());
      return rp;
    },
    [self](atom::run) {
      touch(self);
      self->state.running = false;
      run(self);
    },
  };
}

} // namespace

caf::error order_unloaded() {
  return caf::error(1, caf::atom("unloaded"));
}

order_actor spawn_order(caf::actor_system& sys, order_record rec, order_context ctx,
                        std::optional<std::pair<std::string, std::string>> first_write, std::optional<cart> body,
                        answer_sink_ptr first_caller) {
  return sys.spawn(order, std::move(rec), std::move(ctx), std::move(first_write), std::move(body),
                   std::move(first_caller));
}

} // namespace rkgate::actors
