#include "metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rkgate::metrics {

namespace {

std::vector<double> default_bounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

/// The gateway's own time is a fraction of a millisecond when all is well.
std::vector<double> overhead_bounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
}

std::string number(double v) {
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v); // 10, not 1e+01
    return buf;
  }
  // The shortest text that reads back as the same double: 0.0005, not 0.00050000000000000001.
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}

std::string label_text(const labels& l, const char* extra_name = nullptr, const std::string& extra_value = {}) {
  if (l.empty() && !extra_name)
    return {};
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first)
      out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += escape_label(value);
    out += '"';
  };
  for (const auto& [name, value] : l)
    add(name, value);
  if (extra_name)
    add(extra_name, extra_value);
  return out + "}";
}

} // namespace

histogram::histogram() : histogram(default_bounds()) {}

histogram::histogram(std::vector<double> bounds_seconds)
  : bounds_(std::move(bounds_seconds)),
    buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double seconds) noexcept {
  auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e9), std::memory_order_relaxed);
}

histogram_snapshot histogram::snapshot() const {
  histogram_snapshot s;
  s.bounds = bounds_;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.buckets.push_back(running);
  }
  s.count = running;
  s.sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

route_stats::route_stats() : overhead_(overhead_bounds()) {}

void route_stats::observe(int status, double seconds) noexcept {
  if (status >= 100 && status < 600)
    by_status_[static_cast<std::size_t>(status - 100)].fetch_add(1, std::memory_order_relaxed);
  latency_.observe(seconds);
}

std::vector<std::pair<int, std::uint64_t>> route_stats::by_status() const {
  std::vector<std::pair<int, std::uint64_t>> out;
  for (std::size_t i = 0; i < by_status_.size(); ++i)
    if (auto n = by_status_[i].load(std::memory_order_relaxed))
      out.emplace_back(static_cast<int>(i) + 100, n);
  return out;
}

route_stats& http_stats::route(const std::string& name) {
  auto& slot = routes_[name];
  if (!slot)
    slot = std::make_unique<route_stats>();
  return *slot;
}

route_stats* http_stats::find(std::string_view name) {
  auto it = routes_.find(name);
  return it == routes_.end() ? nullptr : it->second.get();
}

void http_stats::write(text_writer& out) const {
  out.family("rkgate_http_requests_total", "HTTP requests answered, by route and status code.", "counter");
  for (const auto& [name, stats] : routes_)
    for (const auto& [status, n] : stats->by_status())
      out.sample("rkgate_http_requests_total", {{"route", name}, {"code", std::to_string(status)}},
                 static_cast<double>(n));
  out.family("rkgate_http_request_duration_seconds", "Time from routing a request to its answer.", "histogram");
  for (const auto& [name, stats] : routes_)
    if (auto latency = stats->latency(); latency.count > 0)
      out.histogram("rkgate_http_request_duration_seconds", {{"route", name}}, latency);
  out.family("rkgate_http_request_overhead_seconds",
             "The gateway's own time with a request that waited for r_keeper: its duration less the r_keeper calls "
             "made for it.",
             "histogram");
  for (const auto& [name, stats] : routes_)
    if (auto overhead = stats->overhead(); overhead.count > 0)
      out.histogram("rkgate_http_request_overhead_seconds", {{"route", name}}, overhead);
}

void text_writer::family(std::string_view name, std::string_view help, std::string_view type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void text_writer::sample(std::string_view name, const labels& l, double value) {
  out_ += name;
  out_ += label_text(l);
  out_ += ' ';
  out_ += number(value);
  out_ += '\n';
}

void text_writer::histogram(std::string_view name, const labels& l, const histogram_snapshot& h) {
  std::string base(name);
  for (std::size_t i = 0; i < h.buckets.size(); ++i) {
    double bound = i < h.bounds.size() ? h.bounds[i] : INFINITY;
    out_ += base + "_bucket" + label_text(l, "le", number(bound)) + ' ' + std::to_string(h.buckets[i]) + '\n';
  }
  sample(base + "_sum", l, h.sum);
  sample(base + "_count", l, static_cast<double>(h.count));
}

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

} // namespace rkgate::metrics
