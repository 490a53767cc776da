// rkgate-bench's per-response samples, against a tiny keep-alive HTTP server
// in the test that reports 2 ms of upstream time on every answer.

#include "one_route.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace {

/// Answers every request on every connection with 200 and
/// `Server-Timing: rk7;dur=2` until destroyed.
class fixed_server {
public:
  fixed_server() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(listener_, 16) == 0);
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] {
      while (true) {
        int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0)
          return; // the listener was shut down
        connections_.emplace_back([fd] { serve(fd); });
      }
    });
  }
  ~fixed_server() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    for (auto& t : connections_)
      t.join();
  }
  std::uint16_t port() const { return port_; }

private:
  static void serve(int fd) {
    static const std::string answer =
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer-Timing: rk7;dur=2\r\n\r\nok";
    std::string in;
    char buf[4096];
    while (true) {
      auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      in.append(buf, static_cast<std::size_t>(n));
      for (auto end = in.find("\r\n\r\n"); end != std::string::npos; end = in.find("\r\n\r\n")) {
        in.erase(0, end + 4); // the requests carry no body
        if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0)
          break;
      }
    }
    ::close(fd);
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> connections_;
};

} // namespace

TEST_CASE("samples: one per recorded response, in CLOCK_MONOTONIC, overhead less the upstream time", "[bench]") {
  fixed_server server;
  auto before = std::chrono::steady_clock::now().time_since_epoch();
  auto r = rkgate::bench::run_load(rkgate::test::one_route(server.port(), "ping", "/ping", 200));
  auto after = std::chrono::steady_clock::now().time_since_epoch();
  REQUIRE(r.recorded > 0);
  REQUIRE(r.samples.size() == r.recorded);
  for (const auto& s : r.samples) {
    CHECK(s.route == "ping");
    CHECK(s.intended_ns > before.count());
    CHECK(s.intended_ns < after.count());
    // The server reported 2 ms upstream: the overhead is what is left of the latency.
    CHECK(s.overhead_ns == (s.latency_ns > 2'000'000 ? static_cast<std::int64_t>(s.latency_ns - 2'000'000) : 0));
  }
  // Open loop: the intended send times step by 1/rate (5 ms).
  auto step = r.samples[1].intended_ns - r.samples[0].intended_ns;
  CHECK(step % 5'000'000 == 0);
}

TEST_CASE("samples: none kept unless asked for", "[bench]") {
  fixed_server server;
  auto o = rkgate::test::one_route(server.port(), "ping", "/ping", 200);
  o.keep_samples = false;
  auto r = rkgate::bench::run_load(o);
  CHECK(r.recorded > 0);
  CHECK(r.samples.empty());
}
