// rkgate-bench's per-response samples, against a local keep-alive HTTP server
// that reports 2 ms of upstream time and 2.5 ms of its own on every answer.

#include "one_route.hpp"
#include "support/http.hpp"

#include <catch2/catch.hpp>

namespace {

/// Answers every request with 200 and `Server-Timing: rk7;dur=2, total;dur=2.5`.
rkgate::test::local_server fixed_server() {
  return rkgate::test::local_server([](const rkgate::test::served_request&) {
    rkgate::test::scripted_response r;
    r.body = "ok";
    r.headers["Server-Timing"] = "rk7;dur=2, total;dur=2.5";
    return r;
  });
}

} // namespace

TEST_CASE("samples: one per recorded response, in CLOCK_MONOTONIC, overhead less the upstream time", "[bench]") {
  auto server = fixed_server();
  auto before = std::chrono::steady_clock::now().time_since_epoch();
  auto r = rkgate::bench::run_load(rkgate::test::one_route(server.port(), "ping", "/ping", 200));
  auto after = std::chrono::steady_clock::now().time_since_epoch();
  REQUIRE(r.recorded > 0);
  REQUIRE(r.samples.size() == r.recorded);
  // The kernel turns receive stamps on for the whole machine a moment after
  // the first socket asks (a deferred work item), so on a machine where no
  // socket asked before, the answers at the very start of a run may come
  // unstamped; none may later than this.
  const auto stamps_on_by = r.samples.front().intended_ns + 100'000'000;
  std::uint64_t stamped = 0;
  for (const auto& s : r.samples) {
    CHECK(s.route == "ping");
    CHECK(s.intended_ns > before.count());
    CHECK(s.intended_ns < after.count());
    // The server reported 2 ms upstream: the overhead is what is left of the latency.
    CHECK(s.overhead_ns == (s.latency_ns > 2'000'000 ? static_cast<std::int64_t>(s.latency_ns - 2'000'000) : 0));
    // Its part inside the server: the reported total less the upstream time.
    CHECK(s.in_server_ns == 500'000);
    // Written at or after its intended time, and before its answer came.
    CHECK(s.late_ns < s.latency_ns);
    // The kernel stamped the answer's arrival (loopback does), after the
    // request was written and before the generator read it: on the same clock,
    // the wait before the write and the wait before the read fit in the latency.
    if (s.read_lag_ns < 0) {
      CHECK(s.intended_ns < stamps_on_by);
      continue;
    }
    ++stamped;
    CHECK(static_cast<std::uint64_t>(s.read_lag_ns) + s.late_ns <= s.latency_ns);
  }
  // The server's own part: one per stamped answer, never more than the whole.
  CHECK(stamped > r.recorded / 2);
  const auto& stats = r.routes.at("ping");
  CHECK(stats.overhead_at_server.count() == stamped);
  CHECK(stats.overhead_at_server.max() <= stats.overhead.max());
  CHECK(stats.overhead_in_server.count() == r.recorded);
  CHECK(stats.overhead_in_server.max() == Approx(500'000).epsilon(0.001));
  // Open loop: the intended send times step by 1/rate (5 ms).
  auto step = r.samples[1].intended_ns - r.samples[0].intended_ns;
  CHECK(step % 5'000'000 == 0);
}

TEST_CASE("samples: none kept unless asked for", "[bench]") {
  auto server = fixed_server();
  auto o = rkgate::test::one_route(server.port(), "ping", "/ping", 200);
  o.keep_samples = false;
  auto r = rkgate::bench::run_load(o);
  CHECK(r.recorded > 0);
  CHECK(r.samples.empty());
}
