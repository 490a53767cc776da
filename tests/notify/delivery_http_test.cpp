// One callback end to end: outbox -> dispatcher -> http_engine -> a local
// endpoint that checks the signature; the outcome goes back to the dispatcher.

#include "scratch_store.hpp"

#include "loop/event_loop.hpp"
#include "net/http_engine.hpp"
#include "notify/callback.hpp"
#include "notify/dispatcher.hpp"
#include "notify/outbox.hpp"
#include "notify/signature.hpp"
#include "support/http.hpp"

#include <catch2/catch.hpp>

#include <future>

using namespace rkgate::notify;
using namespace std::chrono_literals;
using rkgate::test::local_server;
using rkgate::test::scripted_response;
using rkgate::test::served_request;
using rkgate_test::scratch_store;

TEST_CASE("a signed callback is delivered through the HTTP engine", "[notify][http]") {
  const std::string secret = "change-me";
  std::promise<served_request> received;
  local_server endpoint([&](const served_request& r) {
    received.set_value(r);
    scripted_response ok;
    ok.status = 204;
    return ok;
  });

  const status_change change{"{F4CE1102-50DC-48F7-A8E0-74DD68A7D8C1}", "site-1", "msk-01",
                             0, 5, "2026-11-22T14:30:00+03:00"};
  const std::string body = callback_body(change, {{"guid", change.guid}, {"status", 0}});

  scratch_store disk;
  outbox box(disk.db());
  box.load();
  dispatcher dispatch;
  const time_point now = clock::now();
  dispatch.add(box.enqueue(change.guid, endpoint.url("/rk-callback"), signature(secret, body), body, now));

  auto attempts = dispatch.due(now);
  REQUIRE(attempts.size() == 1);
  rkgate::loop::event_loop loop{1};
  rkgate::net::http_engine engine{loop};
  std::promise<rkgate::net::outcome> finished;
  engine.post(callback_request(attempts[0], 5s),
              [&](rkgate::net::outcome o) { finished.set_value(std::move(o)); });
  auto outcome = finished.get_future();
  REQUIRE(outcome.wait_for(10s) == std::future_status::ready);

  served_request r = received.get_future().get();
  CHECK(r.target == "/rk-callback");
  CHECK(r.body == body);
  // What a receiver does: recompute the HMAC over the raw body.
  CHECK(r.headers["x-rkgate-signature"] == "sha256=" + hmac_sha256_hex(secret, r.body));
  CHECK(r.headers["x-rkgate-delivery"] == change.guid + "#1");
  CHECK(r.headers["content-type"] == "application/json; charset=utf-8");

  auto verdict = dispatch.complete(change.guid, 1, outcome.get(), clock::now());
  REQUIRE(verdict);
  CHECK(verdict->what == dispatcher::verdict::delivered);
  box.remove(verdict->d);
  CHECK(box.size() == 0);
  CHECK(box.load().deliveries.empty());
}
