#pragma once
// The load engine of rkgate-bench: HTTP/1.1 keep-alive connections driven by
// one epoll loop, closed-loop (each connection sends again when answered) or
// open-loop (requests arrive at a fixed rate whatever the server does;
// latency counts from the intended send time, so a stalled server cannot hide
// its queueing: no coordinated omission).

#include "bench/histogram.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rkgate::bench {

/// One kind of request in the mix. `path`, `body` and header values may
/// contain `{seq}` (a run-wide unique number), `{run}` (the run's id, see
/// load_options::run_id) and `{mod:N}` (seq % N + 1); `{cmod:N}` is
/// (connection index % N + 1), fixed for a connection.
struct request_template {
  std::string name;
  double weight = 1;
  std::string method = "GET";
  std::string path = "/";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct load_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int connections = 64;
  double rate = 0; ///< requests per second for open loop; 0 = closed loop
  std::chrono::milliseconds duration{10000};
  std::chrono::milliseconds warmup{1000}; ///< not recorded
  std::vector<request_template> mix;
  bool progress = true; ///< a line a second on stderr
  bool keep_samples = false; ///< one `sample` per recorded response (load_result::samples)
  /// Replaces `{run}`: with `{seq}` it keeps ids such as a postorder's
  /// external_id unique across runs, so a second run creates orders instead of
  /// repeating the first one's. Empty: the run's start, Unix milliseconds.
  std::string run_id;
};

struct route_stats {
  histogram latency;
  /// End-to-end latency minus the upstream time the server reported in
  /// `Server-Timing: <name>;dur=<ms>` (rkgate reports its r_keeper time so);
  /// only responses that carried the header.
  histogram overhead;
  /// The same, less the time the server reported waiting for its disk
  /// (`Server-Timing: ..., disk;dur=<ms>`); only responses that carried it.
  histogram overhead_without_disk;
  /// The overhead from the request's write to the answer's arrival in this
  /// machine's kernel: the server's own part, without the generator's waits
  /// for a core before it wrote and before it read; only responses that
  /// carried the upstream time and a kernel receive timestamp.
  histogram overhead_at_server;
  /// The server's own time with the request (`Server-Timing: ..., total;dur=<ms>`,
  /// from reading it to handing over the answer) minus the upstream time: the
  /// part of the overhead inside the server's process, without the kernel's
  /// way in and out and the wait for a thread to take the request; only
  /// responses that carried both.
  histogram overhead_in_server;
  std::uint64_t responses = 0;
  std::uint64_t failures = 0; ///< no response: connection error or closed
  std::map<int, std::uint64_t> statuses;
};

/// One recorded response, for lining a run's tail up with what else the
/// machine did at the time (e.g. a `perf record -k CLOCK_MONOTONIC` trace).
struct sample {
  std::string route;
  std::int64_t intended_ns = 0; ///< intended send time, CLOCK_MONOTONIC (steady_clock here)
  std::uint64_t latency_ns = 0;
  std::int64_t overhead_ns = -1; ///< latency minus the reported upstream time; -1: none reported
  std::uint64_t late_ns = 0;     ///< intended send time → the request's first byte written
  /// The response's last bytes received by the kernel → read and parsed by
  /// the generator; -1 when the kernel gave no receive timestamp (it starts
  /// stamping a moment after the first socket on the machine asks, so the
  /// first answers of a run without warm-up may have none).
  std::int64_t read_lag_ns = -1;
  /// The part of `overhead_ns` inside the server (route_stats::overhead_in_server); -1: not reported.
  std::int64_t in_server_ns = -1;
};

struct load_result {
  std::map<std::string, route_stats> routes;
  std::vector<sample> samples; ///< in the order the responses came; only with keep_samples
  histogram all;
  double measured_seconds = 0;
  std::uint64_t recorded = 0;
  std::string run_id; ///< what `{run}` expanded to
  double throughput() const { return measured_seconds > 0 ? recorded / measured_seconds : 0; }
};

/// Runs the load until `duration` has passed (plus warm-up); throws
/// std::runtime_error when no connection can be made.
load_result run_load(const load_options& options);

} // namespace rkgate::bench
