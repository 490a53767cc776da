#pragma once
// The HTTP API (api.md) on RESTinio: routes parse and check requests, then
// hand them to per-request bridge actors; no handler blocks.

#include "actors/gateway.hpp"

#include <chrono>
#include <cstdint>
#include <memory>

namespace caf {
class actor_system;
}
namespace rkgate::loop {
class event_loop;
}

namespace rkgate::http {

class api_server {
public:
  /// Starts listening on `dir->cfg.server` (port 0 picks a free one), served
  /// by `loop`'s threads; throws std::exception when it cannot. Call it from
  /// outside the loop.
  api_server(caf::actor_system& sys, std::shared_ptr<const actors::directory> dir, loop::event_loop& loop);
  ~api_server();
  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  /// The port actually listened on.
  std::uint16_t port() const;

  /// Refuses new requests (503), waits up to `grace` for those in flight,
  /// then stops the server.
  void stop(std::chrono::milliseconds grace);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The OpenAPI 3 document served at /swagger (JSON text).
const std::string& openapi_json();

} // namespace rkgate::http
