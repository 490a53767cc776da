// rk7::transport over rkgate::net::http_engine: r_keeper's request shape
// (XML body, Basic auth, lenient TLS) in, typed rk7 errors out.

#include "rk7/transport.hpp"

#include "net/http_engine.hpp"

namespace rk7 {
namespace {

error make_error(error_kind kind, std::string message, int http_status = 0) {
  error e;
  e.kind = kind;
  e.message = std::move(message);
  e.http_status = http_status;
  return e;
}

result<std::string> to_result(rkgate::net::outcome o, const std::string& url) {
  using rkgate::net::error_kind;
  switch (o.error) {
    case error_kind::none:
      break;
    case error_kind::timeout:
      return make_error(rk7::error_kind::timeout, std::move(o.error_message));
    case error_kind::invalid_request:
    case error_kind::network:
    case error_kind::shutdown:
      return make_error(rk7::error_kind::network, std::move(o.error_message));
  }
  if (o.http_status == 200)
    return std::move(o.body);
  if (o.http_status == 401)
    return make_error(rk7::error_kind::unauthorized, "HTTP 401 from " + url, 401);
  return make_error(rk7::error_kind::http_status,
                    "HTTP " + std::to_string(o.http_status) + " from " + url,
                    static_cast<int>(o.http_status));
}

} // namespace

struct transport::impl {
  std::shared_ptr<rkgate::net::http_engine> engine;
};

transport::transport(std::shared_ptr<rkgate::net::http_engine> engine)
  : impl_(std::make_unique<impl>(impl{std::move(engine)})) {}

transport::~transport() = default;

void transport::post(const endpoint& ep, std::string xml, body_callback done) {
  rkgate::net::request req;
  req.url = ep.url;
  req.body = std::move(xml);
  req.content_type = "application/xml; charset=utf-8";
  req.auth = rkgate::net::basic_auth{ep.user, ep.password};
  req.verify_tls = ep.verify_tls;
  req.min_tls = ep.min_tls;
  req.connect_timeout = ep.connect_timeout;
  req.timeout = ep.timeout;
  impl_->engine->post(std::move(req), [url = ep.url, done = std::move(done)](rkgate::net::outcome o) {
    done(to_result(std::move(o), url));
  });
}

} // namespace rk7
