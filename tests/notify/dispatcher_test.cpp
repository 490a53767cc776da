// The dispatcher with an injected clock: per-order ordering, backoff, give-up,
// URL caps, independence of orders, and a restart through the outbox.

#include "scratch_store.hpp"

#include "notify/dispatcher.hpp"
#include "notify/outbox.hpp"

#include <catch2/catch.hpp>

using namespace rkgate::notify;
using namespace std::chrono_literals;
using rkgate::net::outcome;
using rkgate_test::scratch_store;

namespace {

const time_point t0 = time_point(std::chrono::hours(24 * 365 * 56));

outcome replied(long status) {
  outcome o;
  o.http_status = status;
  return o;
}

outcome refused() {
  outcome o;
  o.error = rkgate::net::error_kind::network;
  o.error_message = "Couldn't connect to server (http://dead/hook)";
  return o;
}

delivery make(const std::string& guid, std::uint64_t seq, const std::string& url,
              time_point at = t0) {
  delivery d;
  d.order_guid = guid;
  d.sequence = seq;
  d.url = url;
  d.body = guid + "/" + std::to_string(seq);
  d.created_at = at;
  d.next_attempt_at = at;
  return d;
}

std::vector<std::string> ids(const std::vector<delivery>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds)
    out.push_back(d.id());
  return out;
}

} // namespace

TEST_CASE("the backoff doubles from 1 s and is capped at 10 min", "[notify][backoff]") {
  retry_policy policy;
  const std::vector<long> expected_s = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600};
  for (std::size_t i = 0; i < expected_s.size(); ++i)
    CHECK(policy.delay_after(static_cast<int>(i + 1)) == std::chrono::seconds(expected_s[i]));
  CHECK(policy.delay_after(10000) == 10min);
}

TEST_CASE("an order's next delivery waits until the previous one succeeded",
          "[notify][dispatcher]") {
  dispatcher dispatch;
  dispatch.add(make("{A}", 1, "http://a/hook"));
  dispatch.add(make("{A}", 2, "http://a/hook"));
  dispatch.add(make("{A}", 3, "http://a/hook"));
  CHECK(dispatch.pending() == 3);

  CHECK(ids(dispatch.due(t0)) == std::vector<std::string>{"{A}#1"});
  CHECK(dispatch.due(t0).empty()); // #1 in flight, #2 must wait

  auto failed = dispatch.complete("{A}", 1, replied(500), t0 + 100ms);
  REQUIRE(failed);
  CHECK(failed->what == dispatcher::verdict::retry);
  CHECK(failed->d.attempts == 1);
  CHECK(failed->d.last_error == "HTTP 500");
  CHECK(failed->d.first_attempt_at == t0 + 100ms);
  CHECK(failed->d.next_attempt_at == t0 + 1100ms);
  CHECK(dispatch.next_wakeup() == t0 + 1100ms);
  CHECK(dispatch.due(t0 + 1s).empty()); // not yet due, and #2 still waits behind it

  CHECK(ids(dispatch.due(t0 + 1100ms)) == std::vector<std::string>{"{A}#1"});
  auto ok = dispatch.complete("{A}", 1, replied(204), t0 + 1200ms);
  REQUIRE(ok);
  CHECK(ok->what == dispatcher::verdict::delivered);
  CHECK(ids(dispatch.due(t0 + 1200ms)) == std::vector<std::string>{"{A}#2"});
  REQUIRE(dispatch.complete("{A}", 2, replied(200), t0 + 1300ms)->what ==
          dispatcher::verdict::delivered);
  CHECK(ids(dispatch.due(t0 + 1300ms)) == std::vector<std::string>{"{A}#3"});
  REQUIRE(dispatch.complete("{A}", 3, replied(299), t0 + 1400ms)->what ==
          dispatcher::verdict::delivered);
  CHECK(dispatch.pending() == 0);
  CHECK(dispatch.in_flight() == 0);
  CHECK_FALSE(dispatch.next_wakeup());
}

TEST_CASE("any non-2xx reply or transport failure is retried", "[notify][dispatcher]") {
  for (auto o : {replied(301), replied(400), replied(404), replied(503), refused()}) {
    dispatcher dispatch;
    dispatch.add(make("{A}", 1, "http://a/hook"));
    REQUIRE(dispatch.due(t0).size() == 1);
    auto r = dispatch.complete("{A}", 1, o, t0);
    REQUIRE(r);
    CHECK(r->what == dispatcher::verdict::retry);
    CHECK_FALSE(r->d.last_error.empty());
  }
}

TEST_CASE("a delivery is retried for 24 h after its first attempt, then given up",
          "[notify][dispatcher]") {
  dispatcher dispatch;
  dispatch.add(make("{A}", 1, "http://dead/hook"));
  dispatch.add(make("{A}", 2, "http://dead/hook"));
  time_point now = t0;
  int attempts = 0;
  std::optional<dispatcher::result> last;
  for (;;) {
    auto sent = dispatch.due(now);
    REQUIRE(ids(sent) == std::vector<std::string>{"{A}#1"});
    ++attempts;
    last = dispatch.complete("{A}", 1, refused(), now);
    REQUIRE(last);
    if (last->what == dispatcher::verdict::gave_up)
      break;
    REQUIRE(last->what == dispatcher::verdict::retry);
    CHECK(now - t0 < 24h); // never given up early
    now = *dispatch.next_wakeup();
  }
  CHECK(now - t0 >= 24h);
  CHECK(now - t0 < 24h + 10min);
  CHECK(last->d.attempts == attempts);
  CHECK(attempts > 140); // 10 doubling steps, then every 10 min for the rest of the day
  CHECK(last->d.last_error.find("Couldn't connect") != std::string::npos);
  // The given-up delivery no longer holds the order's next one back.
  CHECK(ids(dispatch.due(now)) == std::vector<std::string>{"{A}#2"});
}

TEST_CASE("the window counts from the first attempt, not from enqueueing",
          "[notify][dispatcher]") {
  dispatcher dispatch;
  dispatch.add(make("{A}", 1, "http://a/hook", t0));
  // Waited 30 h behind an earlier delivery: its own first failure is no give-up.
  const time_point late = t0 + 30h;
  REQUIRE(dispatch.due(late).size() == 1);
  CHECK(dispatch.complete("{A}", 1, refused(), late)->what == dispatcher::verdict::retry);
}

TEST_CASE("a dead endpoint does not hold up other orders", "[notify][dispatcher]") {
  dispatcher dispatch;
  for (std::uint64_t s = 1; s <= 3; ++s) {
    dispatch.add(make("{DEAD}", s, "http://dead/hook"));
    dispatch.add(make("{LIVE}", s, "http://live/hook"));
  }
  time_point now = t0;
  int live_delivered = 0;
  for (int round = 0; round < 10 && live_delivered < 3; ++round) {
    for (const auto& d : dispatch.due(now)) {
      const bool live = d.url == "http://live/hook";
      auto r = dispatch.complete(d.order_guid, d.sequence, live ? replied(200) : refused(), now);
      REQUIRE(r);
      if (live) {
        CHECK(r->d.sequence == static_cast<std::uint64_t>(live_delivered + 1));
        ++live_delivered;
      }
    }
    now += 1ms; // the live order's next delivery is due at once; no waiting for the dead one
  }
  CHECK(live_delivered == 3);
  CHECK(dispatch.pending() == 3); // all of the dead order's, #1 retrying
}

TEST_CASE("at most per_url_in_flight attempts go to one URL at once", "[notify][dispatcher]") {
  dispatch_limits limits;
  limits.per_url_in_flight = 2;
  dispatcher dispatch({}, limits);
  for (int i = 0; i < 5; ++i)
    dispatch.add(make("{S" + std::to_string(i) + "}", 1, "http://slow/hook", t0 + i * 1ms));
  dispatch.add(make("{F}", 1, "http://fast/hook", t0 + 10ms));

  auto first = dispatch.due(t0 + 1s);
  CHECK(ids(first) == std::vector<std::string>{"{S0}#1", "{S1}#1", "{F}#1"});
  CHECK(dispatch.in_flight() == 3);
  CHECK(dispatch.due(t0 + 1s).empty());
  CHECK_FALSE(dispatch.next_wakeup()); // only completions free the slow URL

  REQUIRE(dispatch.complete("{S0}", 1, replied(200), t0 + 2s));
  CHECK(ids(dispatch.due(t0 + 2s)) == std::vector<std::string>{"{S2}#1"});
}

TEST_CASE("unknown completions and out-of-order adds are refused", "[notify][dispatcher]") {
  dispatcher dispatch;
  dispatch.add(make("{A}", 2, "http://a/hook"));
  CHECK_THROWS_AS(dispatch.add(make("{A}", 1, "http://a/hook")), std::invalid_argument);
  CHECK_FALSE(dispatch.complete("{A}", 2, replied(200), t0)); // not in flight
  REQUIRE(dispatch.due(t0).size() == 1);
  CHECK_FALSE(dispatch.complete("{A}", 3, replied(200), t0));
  CHECK_FALSE(dispatch.complete("{B}", 1, replied(200), t0));
  CHECK(dispatch.pending() == 1);
  CHECK(dispatch.in_flight() == 1);
}

TEST_CASE("after a restart pending deliveries resume in order, retries keep their schedule",
          "[notify][dispatcher][outbox]") {
  scratch_store disk;
  {
    outbox box(disk.db());
    box.load();
    dispatcher dispatch;
    for (int i = 0; i < 3; ++i)
      dispatch.add(box.enqueue("{A}", "http://a/hook", "sig", "a", t0));
    dispatch.add(box.enqueue("{B}", "http://b/hook", "sig", "b", t0));
    for (const auto& d : dispatch.due(t0)) {
      auto r = dispatch.complete(d.order_guid, d.sequence,
                                 d.order_guid == "{A}" ? replied(200) : replied(500), t0);
      REQUIRE(r);
      if (r->what == dispatcher::verdict::retry)
        box.update(r->d);
      else
        box.remove(r->d);
    }
    REQUIRE(ids(dispatch.due(t0)) == std::vector<std::string>{"{A}#2"});
    // The gateway dies with {A}#2 in flight.
  }
  disk.reopen();
  outbox box(disk.db());
  dispatcher dispatch;
  for (auto& d : box.load().deliveries)
    dispatch.add(std::move(d));
  CHECK(dispatch.pending() == 3);
  // {A}#2 is attempted again (at least once); {B}#1 keeps its 1 s backoff.
  CHECK(ids(dispatch.due(t0 + 500ms)) == std::vector<std::string>{"{A}#2"});
  CHECK(ids(dispatch.due(t0 + 1s)) == std::vector<std::string>{"{B}#1"});
}

TEST_CASE("the attempt's request carries the body, signature and delivery id",
          "[notify][dispatcher]") {
  delivery d = make("{A}", 7, "https://shop.example/rk-callback");
  d.signature = "sha256=abc";
  auto req = callback_request(d, 3s);
  CHECK(req.url == "https://shop.example/rk-callback");
  CHECK(req.body == d.body);
  CHECK(req.content_type == "application/json; charset=utf-8");
  CHECK(req.verify_tls);
  CHECK(req.timeout == 3s);
  CHECK(req.connect_timeout == 3s);
  using header = std::pair<std::string, std::string>;
  CHECK(req.headers ==
        std::vector<header>{{"X-Rkgate-Signature", "sha256=abc"}, {"X-Rkgate-Delivery", "{A}#7"}});
}
