// The CASH SERVER: the only path to one r_keeper. Reads go out at once;
// writes queue and go out in order, at most `writes_in_flight` at a time
// (r_keeper works through them one by one; one waiting there hides the
// gateway's turn-around between two replies). Under XML-SaaS writes go one at
// a time and each licensed write takes the next seqNumber, persisted before
// the request leaves, with one resync-and-retry on 5305/5310 (rk7-xml.md §5.4). Health comes from
// every call's outcome and from a periodic GetSystemInfo, skipped while
// other calls keep being answered.

#include "actors/spawn.hpp"

#include "rk7/codec.hpp"
#include "rk7/license.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <deque>

namespace rkgate::actors {

struct cash_server_state {
  std::string restaurant;
  rk7_poster post;
  cash_server_timing timing;
  std::optional<rk7::license_sequencer> seq; ///< XML-SaaS only
  std::string instance_guid;
  store_actor store;
  cash_health health;
  std::shared_ptr<health_board> board; ///< `health` as published for ping
  upkeep_parser_actor parser; ///< parses upkeep replies (null: this actor does)
  std::deque<std::function<void()>> writes; ///< queued write starters
  int writes_in_flight = 0;
  int max_writes_in_flight = 1;
  bool check_in_flight = false;
  bool license_checked = false; ///< GetXMLLicenseInstanceSeqNumber answered once
  caf::actor_clock::time_point last_answer; ///< the last call r_keeper answered (the actor's clock)
  static constexpr const char* name = "cash-server";
};

namespace {

using self_ptr = cash_server_actor::stateful_pointer<cash_server_state>;
using clock = std::chrono::steady_clock;

template <class Req>
using reply_of = typename rk7::command_traits<Req>::reply;

/// Known down: fail fast instead of waiting for another timeout.
bool known_down(const cash_server_state& st) {
  return st.health.checked && !st.health.reachable;
}

rk7::error unavailable(const cash_server_state& st) {
  rk7::error e;
  e.kind = rk7::error_kind::network;
  e.message = "cash server unavailable: " + st.health.last_error;
  return e;
}

/// A licence refusal (as opposed to a counter out of step or any other error).
bool license_refused(const rk7::error& e) {
  return e.kind == rk7::error_kind::rk7_status && e.message.find("license") != std::string::npos;
}

/// The gateway's own background reads: status polls and menu loads. Their
/// replies are parsed by the UPKEEP PARSER; an order's calls, CalcOrder and
/// GetOrder are parsed here, on the actor.
template <class Req>
constexpr bool upkeep_read =
  std::is_same_v<Req, rk7::get_order_list> || std::is_same_v<Req, rk7::get_order_menu>
  || std::is_same_v<Req, rk7::get_dish_rests> || std::is_same_v<Req, rk7::get_ref_list>
  || std::is_same_v<Req, rk7::get_ref_data>;

/// Posts `req`; `then` runs on the actor with the parsed reply, after the
/// health was updated from the outcome and the call's time added to `meter`.
template <class Req, class F>
void post_call(self_ptr self, const Req& req, std::optional<rk7_meter> meter, F then) {
  auto hdl = caf::actor_cast<cash_server_actor>(self);
  upkeep_parser_actor parser;
  if constexpr (upkeep_read<Req>)
    parser = self->state.parser;
  auto started = clock::now();
  self->state.post(rk7::build(req), [hdl, parser, started, meter, then](rk7::result<std::string> body) mutable {
    auto took = clock::now() - started; // the round trip; parsing is the gateway's own time
    if (meter)
      meter->add(std::chrono::duration_cast<std::chrono::microseconds>(took));
    rk7_completion c;
    c.latency = std::chrono::duration_cast<std::chrono::milliseconds>(took);
    c.parse = [then, body = std::move(body)]() mutable {
      auto r = body ? rk7::parse_reply<Req>(*body) : rk7::result<reply_of<Req>>(body.error());
      rk7_outcome o;
      if (!r) {
        o.unreachable = r.error().unreachable();
        o.error = describe(r.error());
      }
      o.deliver = [then, r = std::move(r)]() mutable { then(std::move(r)); };
      return o;
    };
    if (parser)
      caf::anon_send(parser, atom::parse_v, std::move(c), caf::actor_cast<caf::actor>(hdl));
    else
      caf::anon_send(hdl, atom::done_v, std::move(c));
  });
}

/// Updates health from one finished call that took `latency`, at `now`.
void note_outcome(cash_server_state& st, const rk7_outcome& c, std::chrono::milliseconds latency,
                  caf::actor_clock::time_point now) {
  auto& h = st.health;
  bool was = h.checked && h.reachable;
  h.checked = true;
  h.reachable = !c.unreachable;
  if (h.reachable)
    st.last_answer = now;
  h.last_error = c.error; // an r_keeper-level error still proves it answers
  if (h.reachable && c.error.empty())
    h.latency_ms = latency.count();
  if (was != h.reachable)
    spdlog::warn("cash server {}: {}{}", st.restaurant, h.reachable ? "reachable" : "unreachable: ",
                 h.reachable ? "" : h.last_error);
}

/// Licence validity from a licensed call's outcome (unreachable says nothing).
template <class T>
void note_license(cash_server_state& st, const rk7::result<T>& r) {
  if (r) {
    st.health.license_valid = true;
    st.health.license_error.clear();
  } else if (license_refused(r.error())) {
    st.health.license_valid = false;
    st.health.license_error = r.error().message;
  }
}

void pump_writes(self_ptr self) {
  auto& st = self->state;
  while (st.writes_in_flight < st.max_writes_in_flight && !st.writes.empty()) {
    auto start = std::move(st.writes.front());
    st.writes.pop_front();
    ++st.writes_in_flight;
    start();
  }
}

/// A write finished: start the next queued one.
void write_done(self_ptr self) {
  --self->state.writes_in_flight;
  pump_writes(self);
}

/// Persists the sequencer's last number (synced), then `next(ok)`.
template <class F>
void persist_seq(self_ptr self, F next) {
  auto& st = self->state;
  persistence::write_batch batch;
  batch.put(persistence::table::licenses, st.instance_guid, std::to_string(*st.seq->last_used()));
  self->request(st.store, caf::infinite, atom::put_v, std::move(batch), true)
    .then([next](bool ok) mutable { next(ok); }, [next](caf::error&) mutable { next(false); });
}

/// Asks the server for its counter and resyncs; `next(ok)` after.
template <class F>
void resync(self_ptr self, std::optional<rk7_meter> meter, F next) {
  post_call(self, self->state.seq->resync_request(), meter,
            [self, next](rk7::result<rk7::license_seq> r) mutable {
              auto& st = self->state;
              note_license(st, r);
              if (!r) {
                spdlog::warn("cash server {}: licence resync failed: {}", st.restaurant, describe(r.error()));
                return next(false);
              }
              spdlog::info("cash server {}: licence seqNumber resynced to {}", st.restaurant, r->seq_number);
              st.seq->resync(r->seq_number);
              next(true);
            });
}

/// One attempt of a licensed write: next seqNumber, persisted, then the call;
/// on 5305/5310 (first attempt only) resync and try once more.
template <class Req, class Promise>
void licensed_attempt(self_ptr self, Req req, std::optional<rk7_meter> meter, Promise rp, bool retried) {
  auto& st = self->state;
  req.license = st.seq->next();
  persist_seq(self, [self, req, meter, rp, retried](bool stored) mutable {
    if (!stored) {
      rk7::error e;
      e.kind = rk7::error_kind::network; // nothing was sent
      e.message = "the licence seqNumber could not be stored";
      rp.deliver(rk7_result<reply_of<Req>>(e));
      return write_done(self);
    }
    post_call(self, req, meter, [self, req, meter, rp, retried](rk7_result<reply_of<Req>> r) mutable {
      if (!r && r.error().seq_out_of_step() && !retried) {
        spdlog::warn("cash server {}: seqNumber {} out of step ({})", self->state.restaurant,
                     req.license->seq_number, describe(r.error()));
        return resync(self, meter, [self, req, meter, rp, r](bool ok) mutable {
          if (!ok) {
            rp.deliver(std::move(r));
            return write_done(self);
          }
          licensed_attempt(self, std::move(req), meter, rp, true);
        });
      }
      note_license(self->state, r);
      rp.deliver(std::move(r));
      write_done(self);
    });
  });
}

/// Starts a queued write.
template <class Req, class Promise>
void start_write(self_ptr self, Req req, std::optional<rk7_meter> meter, Promise rp) {
  constexpr bool licensed = std::is_same<Req, rk7::save_order>::value || std::is_same<Req, rk7::pay_order>::value;
  if constexpr (licensed) {
    if (self->state.seq)
      return licensed_attempt(self, std::move(req), meter, rp, false);
  }
  post_call(self, req, meter, [self, rp](rk7_result<reply_of<Req>> r) mutable {
    rp.deliver(std::move(r));
    write_done(self);
  });
}

template <class Req>
caf::result<rk7_result<reply_of<Req>>> read(self_ptr self, const Req& req, std::optional<rk7_meter> meter) {
  if (known_down(self->state))
    return rk7_result<reply_of<Req>>(unavailable(self->state));
  auto rp = self->template make_response_promise<rk7_result<reply_of<Req>>>();
  post_call(self, req, meter, [rp](rk7_result<reply_of<Req>> r) mutable { rp.deliver(std::move(r)); });
  return rp;
}

template <class Req>
caf::result<rk7_result<reply_of<Req>>> write(self_ptr self, Req req, std::optional<rk7_meter> meter) {
  if (known_down(self->state))
    return rk7_result<reply_of<Req>>(unavailable(self->state));
  auto rp = self->template make_response_promise<rk7_result<reply_of<Req>>>();
  auto queued = clock::now();
  self->state.writes.push_back([self, req = std::move(req), meter, rp, queued]() {
    // Waiting while r_keeper does another write counts as r_keeper time: sent
    // at once, the call would have waited as long on r_keeper's side.
    if (meter)
      meter->add(std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - queued));
    start_write(self, req, meter, rp);
  });
  pump_writes(self);
  return rp;
}

template <class Req>
auto read_handler(self_ptr self) {
  return [self](atom::call, Req& req) { return read(self, req, std::nullopt); };
}
template <class Req>
auto metered_read_handler(self_ptr self) {
  return [self](atom::call, Req& req, rk7_meter& m) { return read(self, req, m); };
}
template <class Req>
auto write_handler(self_ptr self) {
  return [self](atom::call, Req& req) { return write(self, std::move(req), std::nullopt); };
}
template <class Req>
auto metered_write_handler(self_ptr self) {
  return [self](atom::call, Req& req, rk7_meter& m) { return write(self, std::move(req), m); };
}

/// XML-SaaS: once the server answers, ask for the counter to learn whether
/// the licence is accepted (the numbering itself resyncs only on 5305/5310).
void check_license(self_ptr self) {
  post_call(self, self->state.seq->resync_request(), std::nullopt, [self](rk7::result<rk7::license_seq> r) {
    auto& st = self->state;
    note_license(st, r);
    if (r || !r.error().unreachable())
      st.license_checked = true;
  });
}

void check_health(self_ptr self) {
  auto& st = self->state;
  if (st.check_in_flight)
    return;
  // Under load every call proves the server answers: a GetSystemInfo would
  // only take r_keeper's time (it serves one request at a time).
  auto since = self->clock().now() - st.last_answer;
  if (st.health.checked && st.health.reachable && !st.health.version.empty() && since < st.timing.healthy) {
    self->delayed_send(self, st.timing.healthy - since, atom::tick_v);
    return;
  }
  st.check_in_flight = true;
  post_call(self, rk7::get_system_info{}, std::nullopt, [self](rk7::result<rk7::system_info> r) {
    auto& st = self->state;
    st.check_in_flight = false;
    if (r) {
      st.health.version = r->server_version;
      st.health.net_name = r->net_name;
      if (st.seq && !st.license_checked)
        check_license(self);
    }
    self->delayed_send(self, st.health.reachable ? st.timing.healthy : st.timing.down, atom::tick_v);
  });
}

/// The health ping shows before the first check: with an XML-SaaS licence,
/// one the server has not accepted yet.
cash_health initial_health(const cash_server_setup& setup) {
  cash_health h;
  if (setup.license) {
    h.saas = true;
    h.license_valid = false;
  }
  return h;
}

cash_server_actor::behavior_type cash_server(self_ptr self, cash_server_setup setup) {
  auto& st = self->state;
  st.restaurant = std::move(setup.restaurant);
  st.post = std::move(setup.post);
  st.timing = setup.timing;
  st.store = setup.store;
  // Licensed writes must reach r_keeper in seqNumber order: one at a time.
  st.max_writes_in_flight = setup.license ? 1 : std::max(1, setup.writes_in_flight);
  if (setup.license) {
    st.instance_guid = setup.license->instance_guid;
    st.seq.emplace(*setup.license, setup.last_seq);
  }
  st.health = initial_health(setup);
  st.board = setup.health;
  st.parser = setup.parser;
  check_health(self);
  return {
    read_handler<rk7::get_ref_list>(self),
    read_handler<rk7::get_ref_data>(self),
    read_handler<rk7::get_order_menu>(self),
    read_handler<rk7::get_dish_rests>(self),
    read_handler<rk7::calc_order>(self),
    read_handler<rk7::get_order>(self),
    write_handler<rk7::create_order>(self),
    write_handler<rk7::save_order>(self),
    write_handler<rk7::pay_order>(self),
    read_handler<rk7::get_order_list>(self),
    write_handler<rk7::void_order>(self),
    metered_read_handler<rk7::calc_order>(self),
    metered_read_handler<rk7::get_order>(self),
    metered_write_handler<rk7::create_order>(self),
    metered_write_handler<rk7::save_order>(self),
    metered_write_handler<rk7::pay_order>(self),
    [self](atom::status) { return self->state.health; },
    [self](atom::done, rk7_completion& c) {
      auto outcome = c.parse();
      note_outcome(self->state, outcome, c.latency, self->clock().now());
      outcome.deliver();
      // Every change of health comes from a finished call (the outcome, or
      // what its continuation learnt: version, licence).
      self->state.board->publish(self->state.health);
    },
    [self](atom::tick) { check_health(self); },
  };
}

} // namespace

rk7_poster transport_poster(std::shared_ptr<rk7::transport> net, rk7::endpoint ep) {
  return [net = std::move(net), ep = std::move(ep)](std::string xml, rk7::body_callback done) {
    net->post(ep, std::move(xml), std::move(done));
  };
}

cash_server_actor spawn_cash_server(caf::actor_system& sys, cash_server_setup setup) {
  // Published before the actor runs: the HTTP server may answer a ping first.
  setup.health->publish(initial_health(setup));
  return sys.spawn(cash_server, std::move(setup));
}

std::string describe(const rk7::error& e) {
  std::string out = rk7::to_string(e.kind);
  if (!e.status.empty())
    out += " (" + e.status + ")";
  if (e.rk7_error_n != 0)
    out += " RK7ErrorN " + std::to_string(e.rk7_error_n);
  if (e.http_status != 0)
    out += " HTTP " + std::to_string(e.http_status);
  if (!e.message.empty())
    out += ": " + e.message;
  return out;
}

} // namespace rkgate::actors
