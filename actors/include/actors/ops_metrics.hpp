#pragma once
// What the actors contribute to GET /metrics (api.md §7): r_keeper call latency
// and errors per cash server, cash server health, menu age. The instruments are
// relaxed atomics written by one poster or actor each and read by the HTTP handler
// that renders /metrics; see docs/architecture.md, "Snapshots".

#include "actors/spawn.hpp"
#include "metrics/metrics.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

namespace rkgate::actors {

struct directory;

/// The r_keeper calls of one cash server.
struct rk7_call_stats {
  metrics::histogram duration; ///< every HTTP exchange, answered or not
  /// Transport failures by rk7::error_kind (network, timeout, unauthorized, http_status).
  std::array<std::atomic<std::uint64_t>, 6> errors{};
};

/// Order status changes of one restaurant as its orders announced them, by status 0-7.
struct order_status_stats {
  std::array<std::atomic<std::uint64_t>, 8> by_status{};
  void count(int status) {
    if (status >= 0 && status < static_cast<int>(by_status.size()))
      by_status[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
  }
};

/// `inner`, counting each call's duration and transport failure in `stats`.
rk7_poster counted_poster(rk7_poster inner, std::shared_ptr<rk7_call_stats> stats);

/// Appends the actors' metric families for every restaurant of `dir`.
void write_metrics(const directory& dir, metrics::text_writer& out);

} // namespace rkgate::actors
