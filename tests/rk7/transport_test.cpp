// The transport against the scriptable local server (and once against rk7sim
// over HTTPS): outcomes are awaited on futures with deadlines, never with sleeps.

#include "fixtures.hpp"

#include "rk7/client.hpp"
#include "loop/event_loop.hpp"
#include "net/http_engine.hpp"
#include "rk7/transport.hpp"
#include "support/http.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using rkgate::test::local_server;
using rkgate::test::scripted_response;
using rkgate::test::served_request;

namespace {

constexpr auto deadline = 10s;

scripted_response answer(int status, std::string body) {
  scripted_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

rk7::endpoint endpoint_of(const local_server& server) {
  rk7::endpoint ep;
  ep.url = server.url("/rk7api/v0/xmlinterface.xml");
  ep.user = "http";
  ep.password = "secret";
  ep.connect_timeout = 2000ms;
  ep.timeout = 5000ms;
  return ep;
}

/// Posts and waits (with a deadline) for the callback's outcome.
rk7::result<std::string> post_and_wait(rk7::transport& net, const rk7::endpoint& ep,
                                       std::string xml) {
  auto done = std::make_shared<std::promise<rk7::result<std::string>>>();
  auto outcome = done->get_future();
  net.post(ep, std::move(xml), [done](rk7::result<std::string> r) { done->set_value(std::move(r)); });
  REQUIRE(outcome.wait_for(deadline) == std::future_status::ready);
  return outcome.get();
}

/// The first request in `log`, which must have one.
served_request first_of(const rkgate::test::request_log& log) {
  auto seen = log.all();
  REQUIRE_FALSE(seen.empty());
  return seen.front();
}

} // namespace

TEST_CASE("a 200 reply delivers the body; the request carries auth and content type",
          "[rk7][transport]") {
  rkgate::test::request_log rec;
  local_server server([&](const served_request& r) {
    rec.add(r);
    return answer(200, "<RK7QueryResult Status=\"Ok\"/>");
  });
  rkgate::loop::event_loop loop{1};
  rk7::transport net{std::make_shared<rkgate::net::http_engine>(loop)};
  const std::string xml = rk7::build(rk7::get_system_info{});
  auto r = post_and_wait(net, endpoint_of(server), xml);
  REQUIRE(r);
  CHECK(*r == "<RK7QueryResult Status=\"Ok\"/>");

  served_request seen = first_of(rec);
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/rk7api/v0/xmlinterface.xml");
  CHECK(seen.headers["authorization"] == "Basic aHR0cDpzZWNyZXQ=");
  CHECK(seen.headers["content-type"] == "application/xml; charset=utf-8");
  CHECK(seen.body == xml);
}

TEST_CASE("HTTP failures map to typed errors", "[rk7][transport]") {
  std::atomic<int> status{401};
  local_server server([&](const served_request&) { return answer(status.load(), "no"); });
  rkgate::loop::event_loop loop{1};
  rk7::transport net{std::make_shared<rkgate::net::http_engine>(loop)};

  auto denied = post_and_wait(net, endpoint_of(server), "<x/>");
  REQUIRE_FALSE(denied);
  CHECK(denied.error().kind == rk7::error_kind::unauthorized);
  CHECK(denied.error().http_status == 401);
  CHECK_FALSE(denied.error().unreachable());

  status = 500;
  auto failed = post_and_wait(net, endpoint_of(server), "<x/>");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == rk7::error_kind::http_status);
  CHECK(failed.error().http_status == 500);
  CHECK(failed.error().message.find("500") != std::string::npos);
}

TEST_CASE("an answer slower than the timeout is a timeout", "[rk7][transport]") {
  local_server server([](const served_request&) {
    scripted_response slow = answer(200, "<late/>");
    slow.delay = 3000ms;
    return slow;
  });
  rkgate::loop::event_loop loop{1};
  rk7::transport net{std::make_shared<rkgate::net::http_engine>(loop)};
  rk7::endpoint ep = endpoint_of(server);
  ep.timeout = 200ms;
  auto r = post_and_wait(net, ep, "<x/>");
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == rk7::error_kind::timeout);
  CHECK(r.error().unreachable());
}

TEST_CASE("refused and dropped connections are network errors", "[rk7][transport]") {
  rkgate::loop::event_loop loop{1};
  rk7::transport net{std::make_shared<rkgate::net::http_engine>(loop)};
  rk7::endpoint closed;
  {
    local_server gone([](const served_request&) { return scripted_response{}; });
    closed = endpoint_of(gone);
  } // the port is closed now
  auto refused = post_and_wait(net, closed, "<x/>");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == rk7::error_kind::network);
  CHECK(refused.error().unreachable());
  CHECK_FALSE(refused.error().message.empty());

  local_server rude([](const served_request&) {
    scripted_response drop;
    drop.drop_connection = true;
    return drop;
  });
  auto dropped = post_and_wait(net, endpoint_of(rude), "<x/>");
  REQUIRE_FALSE(dropped);
  CHECK(dropped.error().kind == rk7::error_kind::network);
}

TEST_CASE("an unknown min_tls fails the call with a clear message", "[rk7][transport]") {
  local_server server([](const served_request&) { return scripted_response{}; });
  rkgate::loop::event_loop loop{1};
  rk7::transport net{std::make_shared<rkgate::net::http_engine>(loop)};
  rk7::endpoint ep = endpoint_of(server);
  ep.min_tls = "1.4";
  auto r = post_and_wait(net, ep, "<x/>");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("min_tls") != std::string::npos);
}

TEST_CASE("many concurrent posts from several threads all complete", "[rk7][transport]") {
  local_server server([](const served_request& r) { return answer(200, r.body); });
  rkgate::loop::event_loop loop{1};
  rk7::transport net{std::make_shared<rkgate::net::http_engine>(loop)};
  const rk7::endpoint ep = endpoint_of(server);
  constexpr int threads = 4, per_thread = 25, total = threads * per_thread;

  std::mutex mutex;
  std::vector<std::string> bodies;
  std::promise<void> all_done;
  std::atomic<int> remaining{total};
  std::atomic<int> failures{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        std::string xml = "<n v=\"" + std::to_string(t * per_thread + i) + "\"/>";
        net.post(ep, xml, [&, xml](rk7::result<std::string> r) {
          {
            std::lock_guard<std::mutex> lock(mutex);
            if (r && *r == xml)
              bodies.push_back(*r);
            else
              ++failures;
          }
          if (--remaining == 0)
            all_done.set_value();
        });
      }
    });
  }
  for (auto& p : posters)
    p.join();
  REQUIRE(all_done.get_future().wait_for(deadline) == std::future_status::ready);
  CHECK(failures == 0);
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(bodies.size() == static_cast<std::size_t>(total));
}

TEST_CASE("destroying the transport and its engine cancels what is in flight", "[rk7][transport]") {
  std::promise<void> arrived;
  std::atomic<bool> first{true};
  local_server server([&](const served_request&) {
    if (first.exchange(false))
      arrived.set_value();
    scripted_response slow = answer(200, "<late/>");
    slow.delay = 5000ms;
    return slow;
  });
  auto outcome = std::make_shared<std::promise<rk7::result<std::string>>>();
  auto result = outcome->get_future();
  {
    rkgate::loop::event_loop loop{1};
    rk7::transport net{std::make_shared<rkgate::net::http_engine>(loop)};
    net.post(endpoint_of(server), "<x/>",
             [outcome](rk7::result<std::string> r) { outcome->set_value(std::move(r)); });
    REQUIRE(arrived.get_future().wait_for(deadline) == std::future_status::ready);
  } // ~transport (and ~http_engine) while the server is still holding the answer
  REQUIRE(result.wait_for(0ms) == std::future_status::ready);
  auto r = result.get();
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == rk7::error_kind::network);
}

TEST_CASE("client: build, post and parse one command", "[rk7][transport]") {
  const std::string reply = rk7_test::fixture("get_order_list.xml");
  rkgate::test::request_log rec;
  local_server server([&](const served_request& r) {
    rec.add(r);
    return answer(200, reply);
  });
  rkgate::loop::event_loop loop{1};
  auto net = std::make_shared<rk7::transport>(std::make_shared<rkgate::net::http_engine>(loop));
  rk7::client cash(net, endpoint_of(server));
  rk7::get_order_list req;
  req.only_opened = true;

  std::promise<rk7::result<rk7::order_list>> done;
  auto outcome = done.get_future();
  cash.call(req, [&](rk7::result<rk7::order_list> r) { done.set_value(std::move(r)); });
  REQUIRE(outcome.wait_for(deadline) == std::future_status::ready);
  auto list = outcome.get();
  REQUIRE(list);
  CHECK(list->orders.size() == 2);
  CHECK(first_of(rec).body == rk7::build(req));
}

TEST_CASE("client: rk7sim over HTTPS with its self-signed certificate, as cash servers are reached",
          "[rk7][transport][tls]") {
  rkgate::test::child sim({rkgate::test::binary_path("rk7sim"), "--listen", "127.0.0.1:0", "--user", "http",
                           "--password", "secret", "--tls"});
  rkgate::loop::event_loop loop{2};
  auto net = std::make_shared<rk7::transport>(std::make_shared<rkgate::net::http_engine>(loop));
  rk7::endpoint ep;
  ep.url = "https://127.0.0.1:" + std::to_string(sim.port()) + "/rk7api/v0/xmlinterface.xml";
  ep.user = "http";
  ep.password = "secret";
  ep.verify_tls = false; // the cash server's certificate is its own, as r_keeper's are
  ep.connect_timeout = 5000ms;
  ep.timeout = 10000ms;

  auto info = [&](const rk7::endpoint& where) {
    std::promise<rk7::result<rk7::system_info>> done;
    auto outcome = done.get_future();
    rk7::client(net, where).call(rk7::get_system_info{}, [&](rk7::result<rk7::system_info> r) {
      done.set_value(std::move(r));
    });
    REQUIRE(outcome.wait_for(deadline) == std::future_status::ready);
    return outcome.get();
  };
  for (int i = 0; i < 3; ++i) { // the first call opens the TLS connection, the rest reuse it
    auto r = info(ep);
    REQUIRE(r);
    CHECK_FALSE(r->server_version.empty());
  }
  auto verified = ep;
  verified.verify_tls = true;
  auto refused = info(verified);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == rk7::error_kind::network);
}
