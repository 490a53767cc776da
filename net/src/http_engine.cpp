// A lean HTTP/1.1 client on the gateway's event loop: plain TCP or TLS
// (asio::ssl), one request at a time per connection, connections kept alive
// in a pool per origin. Each connection runs its steps under a strand of its
// own, so calls on different connections go on in parallel on the loop's
// threads; the pool is the only state they share (a mutex held for a few
// pointer moves). A request handed in on a loop thread goes out on the wire
// before post() returns when its connection is ready.
//
// Why not libcurl: with a hundred cash servers each answering 20 ms later,
// curl's per-transfer work (URL parsing, option set-up, connection-cache walk,
// header building, its epoll set inside the loop's) was about 170k
// instructions per call, a sixth of everything an order costs the gateway.

#include "net/http_engine.hpp"

#include "loop/continuation.hpp"
#include "loop/event_loop.hpp"
#include "response_reader.hpp"
#include "url.hpp"

#include <asio/connect.hpp>
#include <asio/dispatch.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/write.hpp>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rkgate::net {

const char* to_string(error_kind kind) {
  switch (kind) {
    case error_kind::none:
      return "none";
    case error_kind::invalid_request:
      return "invalid_request";
    case error_kind::network:
      return "network";
    case error_kind::timeout:
      return "timeout";
    case error_kind::shutdown:
      return "shutdown";
  }
  return "network";
}

namespace {

using steady = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

/// How long a connection may sit in the pool: longer than that and the
/// server has likely dropped it (curl's default was 118 s; r_keeper's own
/// keep-alive is not documented, so stay well below).
constexpr auto max_idle = std::chrono::seconds(30);
/// Idle connections kept per origin; more are closed.
constexpr std::size_t max_idle_per_origin = 256;
constexpr std::size_t read_chunk = 32 * 1024;

std::optional<int> tls_version(const std::string& min_tls) {
  if (min_tls == "1.0") return TLS1_VERSION;
  if (min_tls == "1.1") return TLS1_1_VERSION;
  if (min_tls == "1.2") return TLS1_2_VERSION;
  if (min_tls == "1.3") return TLS1_3_VERSION;
  return std::nullopt;
}

bool header_safe(const std::string& text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

std::string base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

/// The peer went away: a reused connection the server had already closed.
bool peer_gone(const asio::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe
         || ec == asio::ssl::error::stream_truncated;
}

/// One request, from post() to its completion.
struct call {
  request req;
  detail::url_parts url;
  completion done;
  steady::time_point started = steady::now();
  std::string head; ///< request line and headers
  bool retried = false;

  call(request r, detail::url_parts u, completion d) : req(std::move(r)), url(std::move(u)), done(std::move(d)) {}

  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started);
  }

  outcome failure(error_kind kind, const std::string& what) const {
    outcome o;
    o.error = kind;
    o.error_message = what + " (" + req.url + ")";
    o.elapsed = elapsed();
    return o;
  }

  /// Completions must not throw; if one does, the loop must survive it.
  void complete(outcome o) {
    try {
      done(std::move(o));
    } catch (...) {
    }
  }
};

std::string request_head(const request& req, const detail::url_parts& url) {
  std::string head;
  head.reserve(160 + url.target.size() + req.content_type.size());
  head.append("POST ").append(url.target).append(" HTTP/1.1\r\nHost: ").append(url.host_header);
  head.append("\r\nAccept: */*\r\nContent-Type: ").append(req.content_type);
  head.append("\r\nContent-Length: ").append(std::to_string(req.body.size()));
  if (req.auth)
    head.append("\r\nAuthorization: Basic ").append(base64(req.auth->user + ":" + req.auth->password));
  for (const auto& [name, value] : req.headers)
    head.append("\r\n").append(name).append(": ").append(value);
  head.append("\r\n\r\n");
  return head;
}

/// Why a request cannot be sent, or nothing.
std::optional<std::string> unusable(const request& req, const std::optional<detail::url_parts>& url) {
  if (!url)
    return "invalid URL (an absolute http:// or https:// URL with a host and no credentials)";
  if (!tls_version(req.min_tls))
    return "invalid min_tls \"" + req.min_tls + "\" (use 1.0, 1.1, 1.2 or 1.3)";
  if (!header_safe(req.content_type))
    return "invalid content type (line break)";
  for (const auto& [name, value] : req.headers)
    if (name.empty() || !header_safe(name) || name.find(':') != std::string::npos || !header_safe(value))
      return "invalid header \"" + name + "\"";
  return std::nullopt;
}

class connection;

/// The pool: idle connections per origin, the connections in use (to abort
/// them at shutdown) and the TLS contexts. Shared with every connection.
struct pool : std::enable_shared_from_this<pool> {
  asio::io_context& io;
  std::atomic<bool> stopping{false};
  std::atomic<int> calls{0}; ///< posted and not yet completed

  std::mutex mutex; // guards what follows
  std::condition_variable all_done;
  std::unordered_map<std::string, std::vector<std::shared_ptr<connection>>> idle;
  std::unordered_set<std::shared_ptr<connection>> busy;
  std::map<std::pair<bool, std::string>, std::shared_ptr<asio::ssl::context>> contexts;

  explicit pool(asio::io_context& context) : io(context) {}

  void start(std::unique_ptr<call> c, bool fresh);
  void give_back(const std::shared_ptr<connection>& conn);
  void forget(const std::shared_ptr<connection>& conn);
  void call_done();
  void stop();

private:
  std::shared_ptr<asio::ssl::context> tls_context(const request& req);
};

/// One connection to one origin and the call it is serving, if any. All of
/// its steps run on its strand.
class connection : public std::enable_shared_from_this<connection> {
public:
  const std::string origin;

  connection(std::shared_ptr<pool> owner, std::string key,
             std::shared_ptr<asio::ssl::context> tls_context)
    : origin(std::move(key)),
      owner_(std::move(owner)),
      strand_(asio::make_strand(owner_->io)),
      timer_(strand_),
      resolver_(strand_),
      tls_context_(std::move(tls_context)) {
    if (tls_context_)
      tls_.emplace(strand_, *tls_context_);
    else
      plain_.emplace(strand_);
  }

  const asio::strand<asio::io_context::executor_type>& strand() const { return strand_; }

  /// Serves `c`: connects first unless the connection is up.
  void run(std::unique_ptr<call> c) {
    if (owner_->stopping) {
      owner_->forget(shared_from_this());
      auto o = c->failure(error_kind::shutdown, "HTTP engine shut down before the request");
      done_with(std::move(c), std::move(o));
      return;
    }
    call_ = std::move(c);
    ++generation_;
    timed_out_ = false;
    reader_.emplace();
    arm_timer();
    if (connected_)
      send();
    else
      connect();
  }

  /// Whether a pooled connection can carry another request: not idle too
  /// long, and the server has neither closed it nor sent anything unasked.
  /// Called with no operation pending on it.
  bool fit_for_reuse(steady::time_point now) {
    if (now - idle_since_ > max_idle)
      return false;
    char byte;
    const ssize_t n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  steady::time_point idle_since() const { return idle_since_; }

  /// At shutdown: fails the call in flight, if any, and closes.
  void abort() {
    timer_.cancel();
    close();
    if (call_) {
      auto o = call_->failure(error_kind::shutdown, "HTTP engine shut down before the reply");
      done_with(std::move(call_), std::move(o));
    }
  }

private:
  tcp::socket& socket() { return tls_ ? tls_->next_layer() : *plain_; }

  /// Whether a handler belongs to the call in flight (late handlers of an
  /// earlier call, or of one that ended, see another generation or none).
  bool current(unsigned gen) const { return gen == generation_ && call_; }

  /// The completion handler of one step of the call in flight: a failure ends
  /// the call (fail_step), success goes on with `next`. A continuation: a
  /// write that completes at once goes on on this thread, without waking
  /// another loop thread.
  auto step(const char* what, void (connection::*next)()) {
    auto go_on = [self = shared_from_this(), gen = generation_, what, next](asio::error_code ec, auto&&...) {
      if (!self->current(gen))
        return;
      if (ec)
        return self->fail_step(what, ec);
      ((*self).*next)();
    };
    return loop::continuation{std::move(go_on)};
  }

  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(*plain_);
  }

  /// The connect timeout runs from now until the connection is up (TLS
  /// included); the request's own timeout from post().
  void arm_timer() {
    auto deadline = call_->started + call_->req.timeout;
    if (!connected_)
      deadline = std::min(deadline, steady::now() + call_->req.connect_timeout);
    timer_.expires_at(deadline);
    timer_.async_wait([self = shared_from_this(), gen = generation_](asio::error_code ec) {
      if (ec || !self->current(gen))
        return;
      self->timed_out_ = true;
      self->timed_out_connecting_ = !self->connected_;
      self->close(); // the pending step ends with an error and reports the timeout
    });
  }

  void connect() {
    asio::error_code not_an_address;
    const auto address = asio::ip::make_address(call_->url.host, not_an_address);
    if (!not_an_address) {
      const auto port = static_cast<unsigned short>(std::stoi(call_->url.port));
      socket().async_connect(tcp::endpoint(address, port), step("cannot connect", &connection::connected));
      return;
    }
    resolver_.async_resolve(
      call_->url.host, call_->url.port,
      [self = shared_from_this(), gen = generation_](asio::error_code ec, tcp::resolver::results_type found) {
        if (!self->current(gen))
          return;
        if (ec)
          return self->fail_step("cannot resolve " + self->call_->url.host, ec);
        asio::async_connect(self->socket(), found, self->step("cannot connect", &connection::connected));
      });
  }

  void connected() {
    asio::error_code ignored;
    socket().set_option(tcp::no_delay(true), ignored);
    if (!tls_)
      return established();
    const auto& host = call_->url.host;
    asio::error_code not_an_address;
    asio::ip::make_address(host, not_an_address);
    if (not_an_address) // SNI takes names only
      SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str());
    if (call_->req.verify_tls)
      tls_->set_verify_callback(asio::ssl::host_name_verification(host));
    tls_->async_handshake(asio::ssl::stream_base::client, step("TLS handshake failed", &connection::established));
  }

  void established() {
    connected_ = true;
    arm_timer(); // from here on only the request's own timeout
    send();
  }

  void send() {
    const std::array<asio::const_buffer, 2> out{asio::buffer(call_->head), asio::buffer(call_->req.body)};
    with_stream([&](auto& stream) {
      asio::async_write(stream, out, step("cannot send", &connection::receive));
    });
  }

  void receive() {
    if (buffer_.empty())
      buffer_.resize(read_chunk);
    with_stream([&](auto& stream) {
      auto on_read = [self = shared_from_this(), gen = generation_](asio::error_code ec, std::size_t n) {
        self->received(gen, ec, n);
      };
      stream.async_read_some(asio::buffer(buffer_), loop::continuation{std::move(on_read)});
    });
  }

  void received(unsigned gen, asio::error_code ec, std::size_t n) {
    if (!current(gen))
      return;
    if (n > 0 && !reader_->feed(buffer_.data(), n))
      return fail(error_kind::network, reader_->error());
    if (reader_->complete())
      return finish();
    if (!ec)
      return receive();
    if ((ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) && !timed_out_ && reader_->feed_close())
      return finish();
    fail_step(reader_->started() ? reader_->error() : "no reply", ec);
  }

  void finish() {
    timer_.cancel();
    outcome o;
    o.http_status = reader_->status();
    o.body = reader_->take_body();
    auto c = std::move(call_);
    o.elapsed = c->elapsed();
    auto self = shared_from_this();
    if (reader_->reusable()) {
      idle_since_ = steady::now();
      reused_ = true;
      owner_->give_back(self);
    } else {
      close();
      owner_->forget(self);
    }
    // Last: the completion may post the next request onto this very connection.
    done_with(std::move(c), std::move(o));
  }

  /// A step failed with `ec`: a timeout if the timer closed the socket; a
  /// retry on a fresh connection if a reused one turned out dead before any
  /// reply byte (the server closed it idle: it never saw the request); else
  /// a network error.
  void fail_step(const std::string& what, const asio::error_code& ec) {
    if (timed_out_)
      return fail(error_kind::timeout, timed_out_connecting_
                                         ? "not connected within " + std::to_string(call_->req.connect_timeout.count()) + " ms"
                                         : "no reply within " + std::to_string(call_->req.timeout.count()) + " ms");
    if (reused_ && !reader_->started() && !call_->retried && peer_gone(ec)) {
      timer_.cancel();
      close();
      auto c = std::move(call_);
      c->retried = true;
      owner_->forget(shared_from_this());
      owner_->start(std::move(c), true);
      return;
    }
    fail(error_kind::network, what + ": " + ec.message());
  }

  void fail(error_kind kind, const std::string& what) {
    timer_.cancel();
    close();
    auto o = call_->failure(kind, what);
    owner_->forget(shared_from_this());
    done_with(std::move(call_), std::move(o));
  }

  void done_with(std::unique_ptr<call> c, outcome o) {
    c->complete(std::move(o));
    owner_->call_done();
  }

  void close() {
    asio::error_code ignored;
    resolver_.cancel();
    socket().close(ignored);
    connected_ = false;
  }

  std::shared_ptr<pool> owner_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer timer_;
  tcp::resolver resolver_;
  std::shared_ptr<asio::ssl::context> tls_context_; // outlives tls_
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  std::optional<tcp::socket> plain_;
  std::unique_ptr<call> call_;
  unsigned generation_ = 0; ///< one per call: late handlers of an earlier call see a different one
  bool connected_ = false;
  bool reused_ = false; ///< it served a call before
  bool timed_out_ = false;
  bool timed_out_connecting_ = false;
  std::optional<detail::response_reader> reader_;
  std::vector<char> buffer_;
  steady::time_point idle_since_;
};

std::string origin_key(const request& req, const detail::url_parts& url) {
  std::string key = url.host + "|" + url.port;
  if (url.tls)
    key += (req.verify_tls ? "|tls+verify|" : "|tls|") + req.min_tls;
  return key;
}

std::shared_ptr<asio::ssl::context> pool::tls_context(const request& req) {
  auto& slot = contexts[{req.verify_tls, req.min_tls}];
  if (!slot) {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), *tls_version(req.min_tls));
    // Cash servers that speak only TLS 1.0/1.1 need OpenSSL's legacy level:
    // asking for them is the operator's explicit choice (cash_server.min_tls).
    if (*tls_version(req.min_tls) < TLS1_2_VERSION)
      SSL_CTX_set_security_level(ctx->native_handle(), 0);
    if (req.verify_tls) {
      ctx->set_default_verify_paths();
      ctx->set_verify_mode(asio::ssl::verify_peer);
    } else {
      ctx->set_verify_mode(asio::ssl::verify_none);
    }
    slot = std::move(ctx);
  }
  return slot;
}

void pool::start(std::unique_ptr<call> c, bool fresh) {
  const std::string key = origin_key(c->req, c->url);
  std::shared_ptr<connection> conn;
  std::vector<std::shared_ptr<connection>> stale; // closed by their destructors, outside the lock
  std::string setup_failed;
  // A pooled connection is taken out under the lock and checked outside it
  // (the check is a system call); once out of the pool it is this call's alone.
  const auto now = steady::now();
  while (!fresh && !conn) {
    std::shared_ptr<connection> candidate;
    {
      std::lock_guard<std::mutex> lock(mutex);
      auto found = stopping ? idle.end() : idle.find(key);
      if (found == idle.end() || found->second.empty())
        break;
      candidate = std::move(found->second.back()); // the most recently used first
      found->second.pop_back();
    }
    if (candidate->fit_for_reuse(now))
      conn = std::move(candidate);
    else
      stale.push_back(std::move(candidate));
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopping) {
      stale.push_back(std::move(conn)); // stopped while it was checked
    } else {
      try {
        if (!conn)
          conn = std::make_shared<connection>(shared_from_this(), key, c->url.tls ? tls_context(c->req) : nullptr);
        busy.insert(conn);
      } catch (const std::exception& e) { // OpenSSL could not set up a context or a session
        conn = nullptr;
        setup_failed = std::string("cannot set up the connection: ") + e.what();
      }
    }
  }
  if (!conn) {
    c->complete(setup_failed.empty() ? c->failure(error_kind::shutdown, "HTTP engine shutting down")
                                     : c->failure(error_kind::network, setup_failed));
    call_done();
    return;
  }
  // Runs at once when the caller is on a loop thread (the connection's strand is free).
  asio::dispatch(conn->strand(), [conn, c = std::move(c)]() mutable { conn->run(std::move(c)); });
}

void pool::give_back(const std::shared_ptr<connection>& conn) {
  std::vector<std::shared_ptr<connection>> dropped;
  std::lock_guard<std::mutex> lock(mutex);
  busy.erase(conn);
  if (stopping)
    return;
  auto& pooled = idle[conn->origin];
  const auto now = steady::now();
  // The oldest sit at the front: drop the ones idle too long, and make room.
  auto keep_from = pooled.begin();
  while (keep_from != pooled.end()
         && (now - (*keep_from)->idle_since() > max_idle
             || static_cast<std::size_t>(pooled.end() - keep_from) >= max_idle_per_origin))
    ++keep_from;
  if (keep_from != pooled.begin()) {
    dropped.assign(std::make_move_iterator(pooled.begin()), std::make_move_iterator(keep_from));
    pooled.erase(pooled.begin(), keep_from);
  }
  pooled.push_back(conn);
}

void pool::forget(const std::shared_ptr<connection>& conn) {
  std::lock_guard<std::mutex> lock(mutex);
  busy.erase(conn);
}

void pool::call_done() {
  if (--calls == 0 && stopping) {
    std::lock_guard<std::mutex> lock(mutex);
    all_done.notify_all();
  }
}

void pool::stop() {
  std::vector<std::shared_ptr<connection>> in_use;
  std::unordered_map<std::string, std::vector<std::shared_ptr<connection>>> unused;
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    in_use.assign(busy.begin(), busy.end());
    busy.clear();
    unused.swap(idle);
  }
  for (auto& conn : in_use)
    asio::dispatch(conn->strand(), [conn] { conn->abort(); });
  // Calls still on their way to a connection see `stopping` and fail there.
  std::unique_lock<std::mutex> lock(mutex);
  all_done.wait(lock, [this] { return calls == 0; });
}

} // namespace

struct http_engine::impl : pool {
  using pool::pool;
};

http_engine::http_engine(loop::event_loop& loop) : impl_(std::make_shared<impl>(loop.io())) {}

http_engine::~http_engine() {
  impl_->stop();
}

void http_engine::post(request req, completion done) {
  auto url = detail::parse_url(req.url);
  const auto problem = unusable(req, url);
  auto c = std::make_unique<call>(std::move(req), url ? std::move(*url) : detail::url_parts{}, std::move(done));
  if (problem) {
    c->complete(c->failure(error_kind::invalid_request, *problem));
    return;
  }
  if (impl_->stopping) { // posted while shutting down (e.g. from a completion)
    c->complete(c->failure(error_kind::shutdown, "HTTP engine shutting down"));
    return;
  }
  c->head = request_head(c->req, c->url);
  ++impl_->calls;
  impl_->start(std::move(c), false);
}

} // namespace rkgate::net
