#pragma once
// What both net test files need: a request with short timeouts and a post
// that waits (with a deadline, never a sleep) for its completion.

#include "net/http_engine.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>

namespace rkgate::test {

constexpr auto patience = std::chrono::seconds(10);

inline net::request to(const std::string& url, std::string body = "{}") {
  net::request req;
  req.url = url;
  req.body = std::move(body);
  req.connect_timeout = std::chrono::seconds(2);
  req.timeout = std::chrono::seconds(5);
  return req;
}

/// Posts and waits (with a deadline) for the completion.
inline net::outcome roundtrip(net::http_engine& engine, net::request req) {
  auto done = std::make_shared<std::promise<net::outcome>>();
  auto result = done->get_future();
  engine.post(std::move(req), [done](net::outcome o) { done->set_value(std::move(o)); });
  REQUIRE(result.wait_for(patience) == std::future_status::ready);
  return result.get();
}

} // namespace rkgate::test
