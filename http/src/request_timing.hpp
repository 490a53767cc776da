#pragma once
// What RESTinio keeps in every request of the HTTP layer (private header).

#include "metrics/metrics.hpp"

#include <restinio/all.hpp>

#include <chrono>

namespace rkgate::http {

/// What RESTinio keeps in every request (its extra data): when the request was
/// read and which route's stats count its answer in GET /metrics.
struct request_timing {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  metrics::route_stats* route = nullptr; ///< set by the matched route; null: no route matched
};

struct request_timing_factory {
  using data_t = request_timing;
  void make_within(restinio::extra_data_buffer_t<data_t> buffer) noexcept { new (buffer.get()) data_t{}; }
};

using request_handle = restinio::generic_request_handle_t<request_timing>;

} // namespace rkgate::http
