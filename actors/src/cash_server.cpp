#include "actors/spawn.hpp"

#include "rk7/client.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <deque>

namespace rkgate::actors {

struct cash_server_state {
  std::string restaurant;
  std::unique_ptr<rk7::client> client;
  cash_health health;
  cash_server_timing timing;
  std::uint64_t next_id = 1;
  std::deque<std::function<void()>> writes; ///< queued write starters
  bool write_in_flight = false;
  bool check_in_flight = false;
  static constexpr const char* name = "cash-server";
};

namespace {

using self_ptr = cash_server_actor::stateful_pointer<cash_server_state>;

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

/// Posts `req`; the transport thread sends the completion back to the actor.
template <class Req, class Promise>
void start_call(self_ptr self, const Req& req, Promise rp, bool write) {
  auto id = self->state.next_id++;
  auto started = std::chrono::steady_clock::now();
  auto hdl = caf::actor_cast<cash_server_actor>(self);
  self->state.client->call(req, [hdl, id, started, rp, write](rk7::result<reply_of<Req>> r) mutable {
    rk7_completion c;
    c.id = id;
    c.write = write;
    c.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
    if (!r) {
      c.unreachable = r.error().unreachable();
      c.error = describe(r.error());
    }
    c.deliver = [rp, r = std::move(r)]() mutable { rp.deliver(std::move(r)); };
    caf::anon_send(hdl, atom::done_v, std::move(c));
  });
}

void pump_writes(self_ptr self) {
  auto& st = self->state;
  if (st.write_in_flight || st.writes.empty())
    return;
  auto start = std::move(st.writes.front());
  st.writes.pop_front();
  st.write_in_flight = true;
  start();
}

template <class Req>
auto read_handler(self_ptr self) {
  return [self](atom::call, Req& req) -> caf::result<rk7_result<reply_of<Req>>> {
    if (known_down(self->state))
      return rk7_result<reply_of<Req>>(unavailable(self->state));
    auto rp = self->template make_response_promise<rk7_result<reply_of<Req>>>();
    start_call(self, req, rp, false);
    return rp;
  };
}

template <class Req>
auto write_handler(self_ptr self) {
  return [self](atom::call, Req& req) -> caf::result<rk7_result<reply_of<Req>>> {
    if (known_down(self->state))
      return rk7_result<reply_of<Req>>(unavailable(self->state));
    auto rp = self->template make_response_promise<rk7_result<reply_of<Req>>>();
    self->state.writes.push_back([self, req = std::move(req), rp]() { start_call(self, req, rp, true); });
    pump_writes(self);
    return rp;
  };
}

void check_health(self_ptr self) {
  auto& st = self->state;
  if (st.check_in_flight)
    return;
  st.check_in_flight = true;
  auto hdl = caf::actor_cast<cash_server_actor>(self);
  auto started = std::chrono::steady_clock::now();
  st.client->call(rk7::get_system_info{}, [hdl, self, started](rk7::result<rk7::system_info> r) {
    rk7_completion c;
    c.latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
    if (!r) {
      c.unreachable = r.error().unreachable();
      c.error = describe(r.error());
    }
    // Runs on the actor (the message proves it is alive).
    c.deliver = [self, r, latency = c.latency]() {
      auto& st = self->state;
      st.check_in_flight = false;
      if (r) {
        st.health.version = r->server_version;
        st.health.net_name = r->net_name;
        st.health.latency_ms = latency.count();
      }
      self->delayed_send(self, st.health.reachable ? st.timing.healthy : st.timing.down, atom::tick_v);
    };
    caf::anon_send(hdl, atom::done_v, std::move(c));
  });
}

} // namespace

namespace {

cash_server_actor::behavior_type
cash_server(cash_server_actor::stateful_pointer<cash_server_state> self, std::string restaurant,
            std::shared_ptr<rk7::transport> net, rk7::endpoint ep, cash_server_timing timing) {
  auto& st = self->state;
  st.restaurant = std::move(restaurant);
  st.client = std::make_unique<rk7::client>(std::move(net), std::move(ep));
  st.timing = timing;
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
    [self](atom::status) { return self->state.health; },
    [self](atom::done, rk7_completion& c) {
      auto& st = self->state;
      auto& h = st.health;
      bool was = h.checked && h.reachable;
      h.checked = true;
      if (c.unreachable) {
        h.reachable = false;
        h.last_error = c.error;
      } else {
        h.reachable = true;
        h.last_error = c.error; // an r_keeper-level error still proves it answers
        if (c.error.empty())
          h.latency_ms = c.latency.count();
      }
      if (was != h.reachable)
        spdlog::warn("cash server {}: {}{}", st.restaurant, h.reachable ? "reachable" : "unreachable: ",
                     h.reachable ? "" : h.last_error);
      if (c.deliver)
        c.deliver();
      if (c.write) {
        st.write_in_flight = false;
        pump_writes(self);
      }
    },
    [self](atom::tick) { check_health(self); },
  };
}

} // namespace

cash_server_actor spawn_cash_server(caf::actor_system& sys, std::string restaurant,
                                    std::shared_ptr<rk7::transport> net, rk7::endpoint ep,
                                    cash_server_timing timing) {
  return sys.spawn(cash_server, std::move(restaurant), std::move(net), std::move(ep), timing);
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
