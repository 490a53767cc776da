#pragma once
// Counters and latency histograms for GET /metrics (api.md §7), and the Prometheus
// text exposition format.
//
// Observations come from many threads (RESTinio's, CAF's), so the instruments are
// relaxed atomics: observing never blocks and never allocates. Everything that
// allocates (routes, label sets) is created before serving starts.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rkgate::metrics {

/// `name="value"` pairs, in order.
using labels = std::vector<std::pair<std::string, std::string>>;

/// A histogram's state at one moment: cumulative counts per upper bound.
struct histogram_snapshot {
  std::vector<double> bounds;          ///< upper bounds in seconds, ascending (+Inf implied)
  std::vector<std::uint64_t> buckets;  ///< cumulative count per bound, then +Inf
  double sum = 0;                      ///< seconds
  std::uint64_t count = 0;
};

/// Builds Prometheus text format (version 0.0.4).
class text_writer {
public:
  /// `# HELP` and `# TYPE` lines; once per metric family.
  void family(std::string_view name, std::string_view help, std::string_view type);
  void sample(std::string_view name, const labels& l, double value);
  /// `_bucket`, `_sum` and `_count` samples of a histogram family.
  void histogram(std::string_view name, const labels& l, const histogram_snapshot& h);
  /// Lines already in the format (from a part that rendered its own families).
  void raw(std::string_view text) { out_ += text; }

  const std::string& text() const { return out_; }

private:
  std::string out_;
};

/// Latency histogram with fixed bounds; observe() is lock-free.
class histogram {
public:
  /// Default bounds: 0.5 ms ... 30 s, for HTTP routes and r_keeper calls alike.
  histogram();
  explicit histogram(std::vector<double> bounds_seconds);

  void observe(double seconds) noexcept;
  histogram_snapshot snapshot() const;

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_; ///< per bound, then +Inf; not cumulative
  std::atomic<std::uint64_t> sum_ns_{0};
};

/// Requests of one HTTP route: answers by status code and latency.
class route_stats {
public:
  route_stats();

  /// Counts one answer with `status` (100-599) that took `seconds`.
  void observe(int status, double seconds) noexcept;
  /// Counts the gateway's own part of an answer that waited for r_keeper: its
  /// time less the r_keeper calls made for it.
  void observe_overhead(double seconds) noexcept { overhead_.observe(seconds); }

  /// (status, count) for every status seen at least once.
  std::vector<std::pair<int, std::uint64_t>> by_status() const;
  histogram_snapshot latency() const { return latency_.snapshot(); }
  histogram_snapshot overhead() const { return overhead_.snapshot(); }

private:
  std::array<std::atomic<std::uint64_t>, 500> by_status_{}; ///< index status - 100
  histogram latency_;
  histogram overhead_; ///< finer bounds: 0.1 ms ... 1 s
};

/// Every route's stats, keyed by a route label fixed when routes are registered.
/// Lookups after start-up are read-only, so they need no lock.
class http_stats {
public:
  /// Creates (before serving) or finds the stats of `route`.
  route_stats& route(const std::string& name);
  /// The stats of `name`, or nullptr when it was never registered.
  route_stats* find(std::string_view name);

  /// Appends `rkgate_http_requests_total`, `rkgate_http_request_duration_seconds`
  /// and, for routes that wait for r_keeper, `rkgate_http_request_overhead_seconds`.
  void write(text_writer& out) const;

private:
  std::map<std::string, std::unique_ptr<route_stats>, std::less<>> routes_;
};

/// Escapes a label value (backslash, quote, newline).
std::string escape_label(std::string_view value);

} // namespace rkgate::metrics
