#include "router.hpp"

namespace rkgate::http {

namespace {

/// True when express syntax reads `path` as itself: no parameter, group,
/// wildcard or escape.
bool fixed_path(std::string_view path) {
  return path.find_first_of(":()*?+\\") == std::string_view::npos;
}

} // namespace

void router_t::add_handler(restinio::http_method_id_t method, std::string_view path, handler_t handler) {
  if (fixed_path(path))
    fixed_.push_back({std::string(path), method, handler});
  express_.add_handler(method, restinio::string_view_t(path.data(), path.size()), std::move(handler));
}

void router_t::non_matched_request_handler(express_t::non_matched_handler_t handler) {
  express_.non_matched_request_handler(std::move(handler));
}

restinio::request_handling_status_t router_t::operator()(request_handle req) const {
  const auto path = req->header().path();
  const auto method = req->header().method();
  for (const auto& route : fixed_)
    if (route.method == method && route.path.size() == path.size()
        && std::char_traits<char>::compare(route.path.data(), path.data(), path.size()) == 0)
      return route.handler(std::move(req), restinio::router::route_params_t{});
  return express_(std::move(req));
}

} // namespace rkgate::http
