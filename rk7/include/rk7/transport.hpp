#pragma once
// Outbound HTTPS to cash servers: a thin layer over the gateway's one HTTP
// engine (rkgate::net::http_engine, curl-multi on the gateway's event loop).
// Callers hand it a request and a completion callback, so no caller thread (in
// particular no loop thread running actors) ever waits on the network. Connections
// are reused per host.

#include "rk7/error.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace rkgate::net {
class http_engine;
}

namespace rk7 {

/// Where and how to reach one cash server.
struct endpoint {
  std::string url;  ///< https://host:port/rk7api/v0/xmlinterface.xml
  std::string user;
  std::string password;
  bool verify_tls = false;         ///< r_keeper uses self-signed certificates
  std::string min_tls = "1.0";     ///< "1.0", "1.1", "1.2" or "1.3"
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000}; ///< whole request
};

/// The body of a 200 reply, or a typed transport error (network, timeout,
/// unauthorized, http_status).
using body_callback = std::function<void(result<std::string>)>;

class transport {
public:
  /// Over `engine` (the gateway's, which also delivers callbacks).
  explicit transport(std::shared_ptr<rkgate::net::http_engine> engine);
  /// Requests in flight still complete (when the engine stops, with a network error).
  ~transport();
  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  /// Queues a POST of `xml` to `ep`; `done` runs later on a loop thread
  /// and must return quickly (e.g. send an actor message).
  void post(const endpoint& ep, std::string xml, body_callback done);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace rk7
