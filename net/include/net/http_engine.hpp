#pragma once
// The gateway's one outbound HTTP engine: a libcurl multi handle driven by the
// gateway's event loop (loop/event_loop.hpp). post() never waits on the
// network: on a loop thread it starts the transfer there and then, elsewhere
// it hands the request to the loop. Connections stay in the multi handle's
// cache and are reused per host. Both the r_keeper transport (rk7::transport)
// and callback delivery (NOTIFIER) go through it.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rkgate::loop {
class event_loop;
}

namespace rkgate::net {

/// HTTP Basic credentials.
struct basic_auth {
  std::string user;
  std::string password;
};

/// One POST.
struct request {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers; ///< extra headers, name -> value
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::optional<basic_auth> auth;
  bool verify_tls = true;
  std::string min_tls = "1.2"; ///< "1.0", "1.1", "1.2" or "1.3"
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000}; ///< the whole request
};

/// Why a request got no HTTP reply.
enum class error_kind {
  none,            ///< an HTTP reply arrived (any status)
  invalid_request, ///< the request could not be set up (e.g. bad min_tls); nothing was sent
  network,         ///< connection refused or reset, DNS, TLS handshake
  timeout,         ///< connect or total timeout expired
  shutdown,        ///< the engine stopped before the reply
};

const char* to_string(error_kind kind);

/// How one request ended.
struct outcome {
  long http_status = 0; ///< 0 unless error == none
  std::string body;     ///< the reply body (any status)
  error_kind error = error_kind::none;
  std::string error_message; ///< libcurl's text and the URL; empty when error == none
  std::chrono::milliseconds elapsed{0}; ///< from post() to completion

  /// An HTTP reply arrived (its status may still be an error status).
  bool replied() const { return error == error_kind::none; }
  /// A 2xx reply arrived.
  bool success() const { return replied() && http_status >= 200 && http_status < 300; }
};

/// Runs exactly once per request, on a loop thread; it must return quickly
/// (e.g. send an actor message) and should not throw (an exception is swallowed).
using completion = std::function<void(outcome)>;

class http_engine {
public:
  /// Runs on `loop`, which must outlive the engine.
  explicit http_engine(loop::event_loop& loop);
  /// Requests still queued or in flight complete with error_kind::shutdown
  /// before this returns (the loop must still run).
  ~http_engine();
  http_engine(const http_engine&) = delete;
  http_engine& operator=(const http_engine&) = delete;

  /// Queues a POST; thread-safe, never blocks on the network.
  void post(request req, completion done);

private:
  struct impl;
  std::shared_ptr<impl> impl_; // shared with the loop's handlers
};

} // namespace rkgate::net
