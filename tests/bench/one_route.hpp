#pragma once
// A short open-loop load of one route, as the bench tests run it.

#include "bench/load.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace rkgate::test {

/// 300 ms at `rate` requests/s over 2 connections to `path` on a loopback
/// `port`, no warm-up, every response kept as a sample.
inline bench::load_options one_route(std::uint16_t port, const std::string& name, const std::string& path,
                                     double rate) {
  bench::load_options o;
  o.port = port;
  o.connections = 2;
  o.rate = rate;
  o.duration = std::chrono::milliseconds(300);
  o.warmup = std::chrono::milliseconds(0);
  o.progress = false;
  o.keep_samples = true;
  bench::request_template t;
  t.name = name;
  t.path = path;
  o.mix.push_back(t);
  return o;
}

} // namespace rkgate::test
