// rkgate::net::http_engine against the scriptable local server. Every wait is
// on a future or a counter with a deadline, never a sleep.

#include "loop/event_loop.hpp"
#include "net/http_engine.hpp"
#include "roundtrip.hpp"
#include "support/http.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <vector>

using namespace std::chrono_literals;
using rkgate::net::error_kind;
using rkgate::net::http_engine;
using rkgate::net::outcome;
using rkgate::test::patience;
using rkgate::test::roundtrip;
using rkgate::test::to;
using rkgate::test::local_server;
using rkgate::test::scripted_response;
using rkgate::test::served_request;

namespace {

/// Counts completions down; wait() returns false when the deadline passes first.
class countdown {
public:
  explicit countdown(int n) : left_(n) {}
  void hit() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--left_ == 0)
      zero_.notify_all();
  }
  bool wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    return zero_.wait_for(lock, patience, [&] { return left_ <= 0; });
  }

private:
  std::mutex mutex_;
  std::condition_variable zero_;
  int left_;
};

/// A server that answers every request with `status` and `body` and keeps the
/// first request it saw.
class answering_server {
public:
  answering_server(int status, std::string body)
    : server_([this, status, body](const served_request& r) {
        std::call_once(first_, [&] { seen_.set_value(r); });
        scripted_response answer;
        answer.status = status;
        answer.body = body;
        return answer;
      }) {}
  std::string url(const std::string& path) const { return server_.url(path); }
  served_request first_request() {
    auto seen = seen_.get_future();
    REQUIRE(seen.wait_for(patience) == std::future_status::ready);
    return seen.get();
  }

private:
  std::once_flag first_;
  std::promise<served_request> seen_;
  local_server server_;
};

} // namespace

TEST_CASE("status, body and headers pass through both ways", "[net]") {
  answering_server server(201, "{\"ok\":true}");
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};
  auto req = to(server.url("/hook?x=1"), "{\"event\":\"order_status\"}");
  req.headers = {{"X-Rkgate-Signature", "sha256=abc"}, {"X-Other", "two words"}};
  req.auth = rkgate::net::basic_auth{"http", "secret"};

  outcome o = roundtrip(engine, req);
  CHECK(o.replied());
  CHECK(o.success());
  CHECK(o.http_status == 201);
  CHECK(o.body == "{\"ok\":true}");
  CHECK(o.error_message.empty());
  CHECK(o.elapsed >= 0ms);

  auto r = server.first_request();
  CHECK(r.method == "POST");
  CHECK(r.target == "/hook?x=1");
  CHECK(r.body == "{\"event\":\"order_status\"}");
  CHECK(r.headers["content-type"] == "application/json; charset=utf-8");
  CHECK(r.headers["x-rkgate-signature"] == "sha256=abc");
  CHECK(r.headers["x-other"] == "two words");
  CHECK(r.headers["authorization"] == "Basic aHR0cDpzZWNyZXQ=");
}

TEST_CASE("no Authorization header without credentials; error statuses are replies", "[net]") {
  answering_server server(503, "busy");
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};
  auto req = to(server.url("/"));
  req.content_type = "text/plain";
  outcome o = roundtrip(engine, req);
  CHECK(o.replied());
  CHECK_FALSE(o.success());
  CHECK(o.http_status == 503);
  CHECK(o.body == "busy");
  auto r = server.first_request();
  CHECK(r.headers.count("authorization") == 0);
  CHECK(r.headers["content-type"] == "text/plain");
}

TEST_CASE("a request carries nothing of the one before it on the same connection", "[net]") {
  // The engine reuses finished transfers' easy handles: the second request
  // must not inherit the first one's credentials, headers or content type.
  rkgate::test::request_log log;
  local_server server([&](const served_request& r) {
    log.add(r);
    scripted_response echo;
    echo.body = r.body;
    return echo;
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};
  auto first = to(server.url("/first"), "one");
  first.auth = rkgate::net::basic_auth{"http", "secret"};
  first.headers = {{"X-Rkgate-Signature", "sha256=abc"}};
  first.content_type = "application/xml; charset=utf-8";
  CHECK(roundtrip(engine, first).body == "one");
  CHECK(roundtrip(engine, to(server.url("/second"), "two")).body == "two");
  auto seen = log.all();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].headers["authorization"] == "Basic aHR0cDpzZWNyZXQ=");
  CHECK(seen[1].target == "/second");
  CHECK(seen[1].body == "two");
  CHECK(seen[1].headers.count("authorization") == 0);
  CHECK(seen[1].headers.count("x-rkgate-signature") == 0);
  CHECK(seen[1].headers["content-type"] == "application/json; charset=utf-8");
}

TEST_CASE("a reply slower than the timeout is a timeout", "[net]") {
  local_server server([](const served_request&) {
    scripted_response late;
    late.delay = 3s;
    return late;
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};
  auto req = to(server.url("/"));
  req.timeout = 200ms;
  outcome o = roundtrip(engine, req);
  CHECK(o.error == error_kind::timeout);
  CHECK_FALSE(o.replied());
  CHECK(o.http_status == 0);
  CHECK(o.elapsed >= 150ms);
  CHECK(o.elapsed < 3s);
}

TEST_CASE("refused and dropped connections are network errors naming the URL", "[net]") {
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};
  std::string closed_url;
  {
    local_server gone([](const served_request&) { return scripted_response{}; });
    closed_url = gone.url("/gone");
  }
  outcome refused = roundtrip(engine, to(closed_url));
  CHECK(refused.error == error_kind::network);
  CHECK(refused.error_message.find(closed_url) != std::string::npos);

  local_server rude([](const served_request&) {
    scripted_response drop;
    drop.drop_connection = true;
    return drop;
  });
  CHECK(roundtrip(engine, to(rude.url("/"))).error == error_kind::network);
}

TEST_CASE("an unusable request fails without being sent", "[net]") {
  std::atomic<int> hits{0};
  local_server server([&](const served_request&) {
    ++hits;
    return scripted_response{};
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};
  auto req = to(server.url("/"));
  req.min_tls = "1.4";
  outcome o = roundtrip(engine, req);
  CHECK(o.error == error_kind::invalid_request);
  CHECK(o.error_message.find("min_tls") != std::string::npos);
  CHECK(roundtrip(engine, to(server.url("/"))).success()); // the engine goes on
  CHECK(hits == 1);
}

TEST_CASE("many concurrent requests complete; a slow endpoint does not hold up a fast one",
          "[net]") {
  local_server slow([](const served_request&) {
    scripted_response late;
    late.delay = 2s;
    return late;
  });
  local_server fast([](const served_request& r) {
    scripted_response echo;
    echo.body = r.body;
    return echo;
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};
  std::promise<void> slow_done;
  engine.post(to(slow.url("/")), [&](outcome) { slow_done.set_value(); });

  constexpr int total = 60;
  countdown all(total);
  std::mutex mutex;
  std::set<std::string> echoed;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < total; ++i)
    engine.post(to(fast.url("/"), std::to_string(i)), [&](outcome o) {
      if (o.success()) {
        std::lock_guard<std::mutex> lock(mutex);
        echoed.insert(o.body);
      }
      all.hit();
    });
  REQUIRE(all.wait());
  const auto fast_took = std::chrono::steady_clock::now() - started;
  auto slow_result = slow_done.get_future();
  CHECK(slow_result.wait_for(0ms) == std::future_status::timeout); // still waiting on the slow one
  CHECK(fast_took < 2s);
  std::lock_guard<std::mutex> lock(mutex);
  CHECK(echoed.size() == static_cast<std::size_t>(total));
  REQUIRE(slow_result.wait_for(patience) == std::future_status::ready);
}

TEST_CASE("a completion may post the next request", "[net]") {
  local_server server([](const served_request& r) {
    scripted_response echo;
    echo.body = r.body;
    return echo;
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};
  std::promise<std::string> second;
  engine.post(to(server.url("/"), "first"), [&](outcome o) {
    engine.post(to(server.url("/"), o.body + "+second"),
                [&](outcome o2) { second.set_value(o2.body); });
  });
  auto body = second.get_future();
  REQUIRE(body.wait_for(patience) == std::future_status::ready);
  CHECK(body.get() == "first+second");
}

TEST_CASE("shutting the engine down fails what is in flight", "[net]") {
  std::promise<void> arrived;
  std::atomic<bool> first{true};
  local_server server([&](const served_request&) {
    if (first.exchange(false))
      arrived.set_value();
    scripted_response late;
    late.delay = 5s;
    return late;
  });
  auto done = std::make_shared<std::promise<outcome>>();
  auto result = done->get_future();
  {
    rkgate::loop::event_loop loop{1};
    http_engine engine{loop};
    engine.post(to(server.url("/")), [done](outcome o) { done->set_value(std::move(o)); });
    REQUIRE(arrived.get_future().wait_for(patience) == std::future_status::ready);
  }
  REQUIRE(result.wait_for(0ms) == std::future_status::ready);
  outcome o = result.get();
  CHECK(o.error == error_kind::shutdown);
  CHECK_FALSE(o.error_message.empty());
}
