// bench-hello's /delayed/MS route, postorder's overhead floor in bench/run.py:
// it answers after MS and reports the wait as `Server-Timing: rk7;dur`, so the
// generator's overhead of it is what the machine adds by itself.

#include "one_route.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

/// A loopback port nothing listens on right now.
std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

} // namespace

TEST_CASE("bench-hello /delayed/MS waits MS and reports it as upstream time", "[bench]") {
  auto port = free_port();
  rkgate::test::child hello({rkgate::test::binary_path("bench-hello"), std::to_string(port), "1"});
  auto o = rkgate::test::one_route(port, "delayed", "/delayed/20", 100);
  auto r = rkgate::bench::run_load(o);
  REQUIRE(r.recorded > 0);
  CHECK(r.routes["delayed"].statuses[200] == r.recorded);
  for (const auto& s : r.samples) {
    CHECK(s.latency_ns >= 20'000'000u);
    REQUIRE(s.overhead_ns >= 0);
    // The reported wait covers the 20 ms: what is left is the round trip around it.
    CHECK(s.latency_ns - static_cast<std::uint64_t>(s.overhead_ns) >= 20'000'000u);
  }
}
