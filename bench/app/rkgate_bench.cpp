// rkgate-bench: drives an HTTP server with a weighted request mix, open- or
// closed-loop, and writes latency statistics as JSON.
//
//   rkgate-bench --url http://127.0.0.1:11111 --scenario FILE
//                [--connections N] [--rate R] [--duration S] [--warmup S]
//                [--run-id ID] [--out FILE] [--samples FILE] [--quiet]
//
// A scenario is JSON: {"connections", "rate", "duration_s", "warmup_s",
// "requests": [{"name", "weight", "method", "path", "headers": {}, "body"}]};
// body may be a string or a JSON value; {seq}, {mod:N} and {cmod:N} expand per
// request, {run} to the run's id (--run-id, or the start in Unix ms).
// Example: bench/scenarios/demo-mix.json; docs/performance.md.
// --samples writes every recorded response as a tab-separated line: route,
// intended send time (CLOCK_MONOTONIC, ms), latency and overhead (us; -1
// when the server reported no upstream time) and how late the generator sent
// it (us from the intended time to its first byte written) and how long the
// answer waited for the generator to read it (us from the kernel's receive
// timestamp of its last bytes; -1 without one), to line a tail up with a trace
// of the machine taken at the same time (e.g. `perf record -k CLOCK_MONOTONIC`).

#include "bench/load.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

using nlohmann::json;
using namespace rkgate::bench;

namespace {

json latency_json(const histogram& h) {
  auto us = [&](double q) { return static_cast<double>(h.quantile(q)) / 1000.0; };
  json percentiles = json::array();
  for (double q : {0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9999, 1.0})
    percentiles.push_back({q, us(q)});
  return {{"min", static_cast<double>(h.min()) / 1000.0}, {"mean", h.mean() / 1000.0},
          {"p50", us(0.5)},  {"p90", us(0.9)},   {"p99", us(0.99)},
          {"p999", us(0.999)}, {"max", static_cast<double>(h.max()) / 1000.0},
          {"percentiles", percentiles}};
}

json to_json(const load_result& r, const load_options& o) {
  json routes = json::object();
  for (auto& [name, s] : r.routes) {
    json statuses = json::object();
    for (auto& [code, n] : s.statuses)
      statuses[std::to_string(code)] = n;
    routes[name] = {{"responses", s.responses},
                    {"failures", s.failures},
                    {"rps", r.measured_seconds > 0 ? s.responses / r.measured_seconds : 0},
                    {"statuses", statuses},
                    {"latency_us", latency_json(s.latency)}};
    if (s.overhead.count())
      routes[name]["overhead_us"] = latency_json(s.overhead);
    if (s.overhead_without_disk.count())
      routes[name]["overhead_without_disk_us"] = latency_json(s.overhead_without_disk);
    if (s.overhead_at_server.count())
      routes[name]["overhead_at_server_us"] = latency_json(s.overhead_at_server);
    if (s.overhead_in_server.count())
      routes[name]["overhead_in_server_us"] = latency_json(s.overhead_in_server);
  }
  return {{"run_id", r.run_id},
          {"connections", o.connections},
          {"mode", o.rate > 0 ? "open" : "closed"},
          {"rate", o.rate},
          {"measured_seconds", r.measured_seconds},
          {"recorded", r.recorded},
          {"throughput", r.throughput()},
          {"latency_us", latency_json(r.all)},
          {"routes", routes}};
}

void write_samples(const std::string& path, const std::vector<sample>& samples) {
  std::ofstream f(path);
  if (!f)
    throw std::runtime_error("cannot write " + path);
  f << "route\tintended_ms\tlatency_us\toverhead_us\tlate_us\tread_lag_us\tin_server_us\n";
  char line[256];
  for (const auto& s : samples) {
    std::snprintf(line, sizeof line, "\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", static_cast<double>(s.intended_ns) / 1e6,
                  static_cast<double>(s.latency_ns) / 1e3,
                  s.overhead_ns < 0 ? -1.0 : static_cast<double>(s.overhead_ns) / 1e3,
                  static_cast<double>(s.late_ns) / 1e3,
                  s.read_lag_ns < 0 ? -1.0 : static_cast<double>(s.read_lag_ns) / 1e3,
                  s.in_server_ns < 0 ? -1.0 : static_cast<double>(s.in_server_ns) / 1e3);
    f << s.route << line;
  }
}

void usage() {
  std::fputs("usage: rkgate-bench --url http://HOST:PORT --scenario FILE [--connections N]\n"
             "                    [--rate R] [--duration S] [--warmup S] [--run-id ID]\n"
             "                    [--out FILE] [--samples FILE] [--quiet]\n"
             "A scenario is JSON (bench/scenarios/demo-mix.json); rate 0 is a closed loop.\n",
             stderr);
}

void apply_scenario(const json& s, load_options& o) {
  o.connections = s.value("connections", o.connections);
  o.rate = s.value("rate", o.rate);
  o.duration = std::chrono::milliseconds(static_cast<long>(1000 * s.value("duration_s", 10.0)));
  o.warmup = std::chrono::milliseconds(static_cast<long>(1000 * s.value("warmup_s", 1.0)));
  for (auto& r : s.at("requests")) {
    request_template t;
    t.name = r.value("name", r.value("path", "/"));
    t.weight = r.value("weight", 1.0);
    t.method = r.value("method", "GET");
    t.path = r.value("path", "/");
    if (r.contains("body"))
      t.body = r["body"].is_string() ? r["body"].get<std::string>() : r["body"].dump();
    if (auto h = r.find("headers"); h != r.end())
      for (auto it = h->begin(); it != h->end(); ++it)
        t.headers.emplace_back(it.key(), it.value().get<std::string>());
    o.mix.push_back(std::move(t));
  }
}

bool parse_url(const std::string& url, load_options& o) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return false;
  auto hostport = url.substr(scheme.size());
  hostport = hostport.substr(0, hostport.find('/'));
  auto colon = hostport.rfind(':');
  if (colon == std::string::npos)
    return false;
  o.host = hostport.substr(0, colon);
  o.port = static_cast<std::uint16_t>(std::stoi(hostport.substr(colon + 1)));
  return true;
}

} // namespace

int main(int argc, char** argv) {
  load_options o;
  std::string url, scenario, out, samples;
  json overrides = json::object();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--url") url = next();
    else if (a == "--scenario") scenario = next();
    else if (a == "--connections") overrides["connections"] = std::stoi(next());
    else if (a == "--rate") overrides["rate"] = std::stod(next());
    else if (a == "--duration") overrides["duration_s"] = std::stod(next());
    else if (a == "--warmup") overrides["warmup_s"] = std::stod(next());
    else if (a == "--run-id") o.run_id = next();
    else if (a == "--out") out = next();
    else if (a == "--samples") samples = next();
    else if (a == "--quiet") o.progress = false;
    else {
      usage();
      return 2;
    }
  }
  if (url.empty() || scenario.empty() || !parse_url(url, o)) {
    usage();
    return 2;
  }
  try {
    std::ifstream in(scenario);
    if (!in)
      throw std::runtime_error("cannot read " + scenario);
    json s = json::parse(in);
    s.update(overrides);
    apply_scenario(s, o);
    o.keep_samples = !samples.empty();
    auto r = run_load(o);
    if (!samples.empty())
      write_samples(samples, r.samples);
    auto text = to_json(r, o).dump(2);
    if (out.empty()) {
      std::cout << text << "\n";
    } else {
      std::ofstream(out) << text << "\n";
    }
    std::fprintf(stderr, "%s: %.0f req/s, p50 %.3f ms, p99 %.3f ms\n", scenario.c_str(),
                 r.throughput(), r.all.quantile(0.5) / 1e6, r.all.quantile(0.99) / 1e6);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rkgate-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
