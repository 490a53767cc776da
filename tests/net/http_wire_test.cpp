// rkgate::net::http_engine against a raw TCP (or TLS) server whose reply
// bytes each test writes itself: chunked and close-delimited bodies, interim
// replies, keep-alive and stale connections, malformed and cut-off replies,
// header injection, URLs, TLS and timeouts. Every wait is on a future or a
// deadline, never a sleep.

#include "loop/event_loop.hpp"
#include "net/http_engine.hpp"
#include "roundtrip.hpp"

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using rkgate::net::error_kind;
using rkgate::net::http_engine;
using rkgate::net::outcome;
using rkgate::test::patience;
using rkgate::test::roundtrip;
using rkgate::test::to;

namespace {

/// A socket listening on 127.0.0.1 at a free port (written to `port`).
int listen_on_loopback(int backlog, std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, backlog) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0)
      ::close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

/// A server-side TLS context with a self-signed certificate for 127.0.0.1,
/// made once per run.
SSL_CTX* self_signed_tls() {
  static const std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context = [] {
    // OpenSSL writes through write(2): a write to a peer that has gone would
    // raise SIGPIPE and end the test run instead of failing the write.
    std::signal(SIGPIPE, SIG_IGN);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    if (!key || !cert || !ctx)
      throw std::runtime_error("self-signed certificate: OpenSSL allocation failed");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1,
                               -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0 || SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1)
      throw std::runtime_error("self-signed certificate: signing or loading failed");
    return ctx;
  }();
  return context.get();
}

/// A request as the raw server read it.
struct raw_request {
  int connection = 0; ///< the accepted connection it came on, counted from 0
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers; ///< names lower-cased
  std::string body;
};

class raw_server;

/// One accepted connection, as its script sees it (on the connection's own thread).
class raw_connection {
public:
  raw_connection(raw_server& server, int fd, SSL* tls, int number)
    : server_(server), fd_(fd), tls_(tls), number_(number) {}
  ~raw_connection() { close(); }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  int number() const { return number_; }

  /// Reads one whole request (headers, then Content-Length bytes of body) and
  /// logs it with the server; nothing when the peer closes first.
  std::optional<raw_request> read_request();

  /// Writes exactly `bytes`; false when the peer has gone.
  bool write(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size() && fd_ >= 0) {
      const char* from = bytes.data() + sent;
      const std::size_t left = bytes.size() - sent;
      long n = tls_ ? SSL_write(tls_, from, static_cast<int>(left)) : ::send(fd_, from, left, MSG_NOSIGNAL);
      if (n > 0)
        sent += static_cast<std::size_t>(n);
      else if (tls_ || n == 0 || errno != EINTR)
        return false;
    }
    return sent == bytes.size();
  }

  /// Returns once the peer closes (or the server stops), discarding what it sends.
  void wait_for_close() {
    while (fill()) {
    }
  }

  /// Closes the connection: with a FIN, or with a RST when `reset`.
  void close(bool reset = false);

private:
  /// Appends what arrives next to buffered_; false on close or error.
  bool fill() {
    if (fd_ < 0)
      return false;
    char chunk[16384];
    long got = 0;
    do {
      got = tls_ ? SSL_read(tls_, chunk, sizeof chunk) : ::recv(fd_, chunk, sizeof chunk, 0);
    } while (got < 0 && !tls_ && errno == EINTR);
    if (got <= 0)
      return false;
    buffered_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  raw_server& server_;
  int fd_;
  SSL* tls_;
  int number_;
  std::string buffered_; ///< read, not yet taken (a pipelined request's start)
};

/// A TCP server on 127.0.0.1 (free port) that runs `script` for each
/// accepted connection, each on a thread of its own; with a TLS context, it
/// does the server's handshake first and skips the script when that fails.
/// Stopping shuts every open connection down, which ends what a script waits on.
class raw_server {
public:
  using script = std::function<void(raw_connection&)>;

  explicit raw_server(script run, SSL_CTX* tls = nullptr) : script_(std::move(run)), tls_(tls) {
    listener_ = listen_on_loopback(64, port_);
    if (::pipe2(wake_, O_CLOEXEC) != 0) {
      ::close(listener_);
      throw std::runtime_error("pipe2 failed");
    }
    acceptor_ = std::thread([this] { accept_all(); });
  }

  ~raw_server() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      for (int fd : open_)
        ::shutdown(fd, SHUT_RDWR);
    }
    (void)!::write(wake_[1], "x", 1);
    acceptor_.join();
    for (auto& worker : workers_)
      worker.join();
    ::close(listener_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  raw_server(const raw_server&) = delete;
  raw_server& operator=(const raw_server&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
  }
  int accepts() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return accepts_;
  }
  std::vector<raw_request> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

private:
  friend class raw_connection;

  void accept_all() {
    for (;;) {
      pollfd ready[2] = {{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (::poll(ready, 2, -1) < 0 && errno != EINTR)
        return;
      if (ready[1].revents != 0)
        return;
      if (ready[0].revents == 0)
        continue;
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // each write() goes out as it is
      int number = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) {
          ::close(fd);
          return;
        }
        number = accepts_++;
        open_.insert(fd);
      }
      workers_.emplace_back([this, fd, number] { serve(fd, number); });
    }
  }

  void serve(int fd, int number) {
    SSL* tls = nullptr;
    if (tls_) {
      tls = SSL_new(tls_);
      SSL_set_fd(tls, fd);
    }
    raw_connection connection(*this, fd, tls, number);
    if (tls && SSL_accept(tls) != 1)
      return;
    try {
      script_(connection);
    } catch (...) {
      // A script that cannot make sense of the bytes ends its connection;
      // the test sees the engine's outcome of that.
    }
  }

  void record(const raw_request& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(r);
  }

  /// The connection closes `fd` next: stopping must no longer touch it.
  void forget(int fd) {
    std::lock_guard<std::mutex> lock(mutex_);
    open_.erase(fd);
  }

  script script_;
  SSL_CTX* tls_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  int wake_[2] = {-1, -1}; ///< written to stop the accepting thread
  std::thread acceptor_;
  std::vector<std::thread> workers_; ///< touched by the accepting thread, then by the destructor

  mutable std::mutex mutex_;
  bool stopping_ = false;
  int accepts_ = 0;
  std::set<int> open_;
  std::vector<raw_request> requests_;
};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::optional<raw_request> raw_connection::read_request() {
  std::size_t head_end = 0;
  while ((head_end = buffered_.find("\r\n\r\n")) == std::string::npos)
    if (!fill())
      return std::nullopt;
  raw_request r;
  r.connection = number_;
  const std::string head = buffered_.substr(0, head_end + 2); // each line ends in \r\n
  buffered_.erase(0, head_end + 4);

  std::size_t line_end = head.find("\r\n");
  const std::string first = head.substr(0, line_end);
  const std::size_t space = first.find(' ');
  r.method = first.substr(0, space);
  if (space != std::string::npos)
    r.target = first.substr(space + 1, first.find(' ', space + 1) - space - 1);
  for (std::size_t start = line_end + 2; start < head.size(); start = line_end + 2) {
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos)
      continue;
    const std::size_t value = line.find_first_not_of(" \t", colon + 1);
    r.headers[lower(line.substr(0, colon))] = value == std::string::npos ? "" : line.substr(value);
  }

  const std::size_t length = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
  while (buffered_.size() < length)
    if (!fill())
      return std::nullopt;
  r.body = buffered_.substr(0, length);
  buffered_.erase(0, length);
  server_.record(r);
  return r;
}

void raw_connection::close(bool reset) {
  if (fd_ < 0)
    return;
  if (tls_) {
    if (!reset && SSL_is_init_finished(tls_))
      SSL_shutdown(tls_);
    SSL_free(tls_);
    tls_ = nullptr;
  }
  if (reset) {
    linger abort{1, 0}; // close() then sends a RST
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  }
  server_.forget(fd_);
  ::close(fd_);
  fd_ = -1;
}

/// A 200 reply with `body` and its Content-Length; `headers` are extra
/// lines, each ending in \r\n. Without a Connection header it keeps the connection.
std::string reply(const std::string& body, const std::string& headers = "") {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + headers + "\r\n" + body;
}

/// Answers every request on the connection with its own body and keeps the connection.
void echo_all(raw_connection& c) {
  while (auto r = c.read_request())
    c.write(reply(r->body));
}

/// A port whose connects get no answer: its listener never accepts and its
/// backlog (0: one connection) is already full, so the kernel drops further SYNs.
class unanswered_port {
public:
  unanswered_port() {
    listener_ = listen_on_loopback(0, port_);
    filler_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    if (filler_ < 0 || ::connect(filler_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("cannot fill the listener's backlog");
  }
  ~unanswered_port() {
    ::close(filler_);
    ::close(listener_);
  }
  unanswered_port(const unanswered_port&) = delete;
  unanswered_port& operator=(const unanswered_port&) = delete;

  std::uint16_t port() const { return port_; }

private:
  std::uint16_t port_ = 0;
  int listener_ = -1;
  int filler_ = -1;
};

} // namespace

TEST_CASE("a chunked reply arrives de-chunked, and its connection serves the next request", "[net][wire]") {
  raw_server server([](raw_connection& c) {
    if (!c.read_request())
      return;
    // Pieces that split a chunk and a size line; one chunk has an extension,
    // the last one a trailer.
    for (const char* piece : {"HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
                              "lo\r\n7;note=x\r\n, wor", "ld\r\n0\r\nX-Trailer: t\r\n\r\n"})
      c.write(piece);
    echo_all(c);
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  outcome chunked = roundtrip(engine, to(server.url("/chunked")));
  CHECK(chunked.success());
  CHECK(chunked.http_status == 202);
  CHECK(chunked.body == "hello, world");
  outcome next = roundtrip(engine, to(server.url("/next"), "next"));
  CHECK(next.success());
  CHECK(next.body == "next");
  CHECK(server.accepts() == 1);
}

TEST_CASE("a reply without length or chunking ends where the server closes", "[net][wire]") {
  raw_server server([](raw_connection& c) {
    if (!c.read_request())
      return;
    c.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nfirst part, ");
    c.write("second part");
    c.close();
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  outcome o = roundtrip(engine, to(server.url("/")));
  CHECK(o.success());
  CHECK(o.body == "first part, second part");
}

TEST_CASE("an interim 100 Continue gives way to the final reply", "[net][wire]") {
  raw_server server([](raw_connection& c) {
    if (!c.read_request())
      return;
    c.write("HTTP/1.1 100 Continue\r\n\r\n");
    c.write(reply("final"));
    echo_all(c);
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  outcome o = roundtrip(engine, to(server.url("/")));
  CHECK(o.success());
  CHECK(o.http_status == 200);
  CHECK(o.body == "final");
}

TEST_CASE("connections are kept alive unless the reply says Connection: close", "[net][wire]") {
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  SECTION("a kept-alive connection serves the next request") {
    raw_server server(echo_all);
    CHECK(roundtrip(engine, to(server.url("/"), "one")).body == "one");
    CHECK(roundtrip(engine, to(server.url("/"), "two")).body == "two");
    CHECK(server.accepts() == 1);
  }

  SECTION("after Connection: close the next request opens a new connection") {
    // The server leaves its end open: reusing the connection would still get
    // an answer, on connection 0, where the second request must not go.
    raw_server server([](raw_connection& c) {
      while (auto r = c.read_request())
        c.write(reply(r->body, "Connection: close\r\n"));
    });
    CHECK(roundtrip(engine, to(server.url("/"), "one")).body == "one");
    CHECK(roundtrip(engine, to(server.url("/"), "two")).body == "two");
    CHECK(server.accepts() == 2);
    auto seen = server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].connection == 1);
  }
}

TEST_CASE("a pooled connection the server dropped while idle does not fail the next request", "[net][wire]") {
  const bool tls = GENERATE(false, true);
  const bool reset = GENERATE(false, true);
  CAPTURE(tls, reset);
  std::promise<void> dropped;
  raw_server server(
    [&](raw_connection& c) {
      if (c.number() > 0)
        return echo_all(c);
      // The reply says nothing of closing; the server closes right after it.
      if (auto r = c.read_request())
        c.write(reply(r->body));
      c.close(reset);
      dropped.set_value();
    },
    tls ? self_signed_tls() : nullptr);
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  auto req = to(server.url("/"), "first");
  req.verify_tls = false;
  CHECK(roundtrip(engine, req).body == "first");
  REQUIRE(dropped.get_future().wait_for(patience) == std::future_status::ready);
  req.body = "second";
  outcome second = roundtrip(engine, req);
  CHECK(second.success());
  CHECK(second.body == "second");
  CHECK(server.accepts() == 2);
}

TEST_CASE("a reused connection that closes before any reply byte is retried on a new one", "[net][wire]") {
  // The server's idle close racing the next request: the engine finds the
  // connection alive, sends, and only then sees it closed.
  const bool tls = GENERATE(false, true);
  CAPTURE(tls);
  raw_server server(
    [](raw_connection& c) {
      if (c.number() > 0)
        return echo_all(c);
      if (auto r = c.read_request())
        c.write(reply(r->body));
      if (c.read_request())
        c.close();
    },
    tls ? self_signed_tls() : nullptr);
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  auto req = to(server.url("/"), "first");
  req.verify_tls = false;
  CHECK(roundtrip(engine, req).body == "first");
  req.body = "second";
  outcome second = roundtrip(engine, req);
  CHECK(second.success());
  CHECK(second.body == "second");
  CHECK(server.accepts() == 2);
  auto seen = server.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[1].connection == 0);
  CHECK(seen[2].connection == 1);
}

TEST_CASE("a reply that is not HTTP is a network error naming the URL", "[net][wire]") {
  raw_server server([](raw_connection& c) {
    if (!c.read_request())
      return;
    c.write("NOT HTTP\r\n\r\n");
    c.wait_for_close(); // the engine must give up on the bytes, not on a close
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  const std::string url = server.url("/garbage");
  outcome o = roundtrip(engine, to(url));
  CHECK(o.error == error_kind::network);
  CHECK(o.http_status == 0);
  CHECK(o.error_message.find(url) != std::string::npos);
  CHECK(o.elapsed < 2s);
}

TEST_CASE("a connection that closes mid-body is a network error", "[net][wire]") {
  raw_server server([](raw_connection& c) {
    if (!c.read_request())
      return;
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
    c.close();
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  outcome o = roundtrip(engine, to(server.url("/")));
  CHECK(o.error == error_kind::network);
  CHECK_FALSE(o.replied());
  CHECK(o.http_status == 0);
}

TEST_CASE("CR or LF in a header fails the request before anything is sent", "[net][wire]") {
  raw_server server(echo_all);
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  auto bad = to(server.url("/bad"));
  SECTION("CRLF in a value") { bad.headers = {{"X-Note", "a\r\nX-Injected: yes"}}; }
  SECTION("CRLF in a name") { bad.headers = {{"X-Injected: yes\r\nX-Note", "a"}}; }
  SECTION("a lone LF in a value") { bad.headers = {{"X-Note", "a\nX-Injected: yes"}}; }
  SECTION("CRLF in the content type") { bad.content_type = "text/plain\r\nX-Injected: yes"; }
  outcome o = roundtrip(engine, bad);
  CHECK(o.error == error_kind::invalid_request);

  CHECK(roundtrip(engine, to(server.url("/good"))).success()); // the engine goes on
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == "/good");
}

TEST_CASE("an unparsable URL is an invalid request naming the URL", "[net][wire]") {
  const std::string url = GENERATE(as<std::string>{}, "not a url", "ftp://x/", "http://");
  CAPTURE(url);
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  outcome o = roundtrip(engine, to(url));
  CHECK(o.error == error_kind::invalid_request);
  CHECK(o.error_message.find(url) != std::string::npos);
}

TEST_CASE("a URL without a path asks for / with Host host:port", "[net][wire]") {
  raw_server server(echo_all);
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  const std::string authority = "127.0.0.1:" + std::to_string(server.port());
  CHECK(roundtrip(engine, to("http://" + authority, "{}")).success());
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/");
  CHECK(seen[0].headers["host"] == authority);
  CHECK(seen[0].headers["content-length"] == "2");
}

TEST_CASE("a 1 MB request and a 3 MB reply arrive intact", "[net][wire]") {
  std::string big(3 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 23); // 23: a lost or repeated block shows
  raw_server server([&](raw_connection& c) {
    if (c.read_request())
      c.write(reply(big));
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  const std::string sent(1024 * 1024, 'r');
  outcome o = roundtrip(engine, to(server.url("/"), sent));
  CHECK(o.success());
  CHECK(o.body.size() == big.size());
  const bool intact = o.body == big; // not CHECK(a == b): Catch would print 3 MB
  CHECK(intact);
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  const bool request_intact = seen[0].body == sent;
  CHECK(request_intact);
}

TEST_CASE("https without verification gets the reply", "[net][wire][tls]") {
  raw_server server(echo_all, self_signed_tls());
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  auto req = to(server.url("/x"), "over tls");
  req.verify_tls = false;
  outcome o = roundtrip(engine, req);
  CHECK(o.success());
  CHECK(o.body == "over tls");
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].target == "/x");
}

TEST_CASE("https with verification refuses a self-signed certificate", "[net][wire][tls]") {
  raw_server server(echo_all, self_signed_tls());
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  const std::string url = server.url("/x");
  outcome o = roundtrip(engine, to(url)); // verify_tls is on by default
  CHECK(o.error == error_kind::network);
  CHECK(o.error_message.find(url) != std::string::npos);
  CHECK(server.requests().empty());
}

TEST_CASE("https connections are kept alive too", "[net][wire][tls]") {
  raw_server server(echo_all, self_signed_tls());
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  for (const char* body : {"one", "two"}) {
    auto req = to(server.url("/x"), body);
    req.verify_tls = false;
    CHECK(roundtrip(engine, req).body == body);
  }
  CHECK(server.accepts() == 1);
}

TEST_CASE("a server that never answers is a timeout, and its connection is not reused", "[net][wire]") {
  raw_server server([](raw_connection& c) {
    if (c.number() > 0)
      return echo_all(c);
    if (c.read_request())
      c.wait_for_close();
  });
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  auto req = to(server.url("/"));
  req.timeout = 200ms;
  outcome o = roundtrip(engine, req);
  CHECK(o.error == error_kind::timeout);
  CHECK(o.http_status == 0);
  CHECK(o.elapsed >= 150ms);
  CHECK(o.elapsed < 2s);

  CHECK(roundtrip(engine, to(server.url("/"), "next")).body == "next");
  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].connection == 1);
}

TEST_CASE("a connect that gets no answer ends at connect_timeout", "[net][wire]") {
  unanswered_port port;
  rkgate::loop::event_loop loop{1};
  http_engine engine{loop};

  auto req = to("http://127.0.0.1:" + std::to_string(port.port()) + "/");
  req.connect_timeout = 200ms;
  outcome o = roundtrip(engine, req);
  CHECK(o.error == error_kind::timeout);
  CHECK(o.elapsed >= 150ms);
  CHECK(o.elapsed < 2s);
}
