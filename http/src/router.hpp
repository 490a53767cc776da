#pragma once
// The HTTP layer's request router (private header): most API paths are fixed
// strings, so they are looked up without a regex; the rest go to RESTinio's
// express router.

#include "request_timing.hpp"

#include <restinio/all.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace rkgate::http {

/// Routes a request: a path equal byte for byte to a fixed registered path
/// (no `:param`, group or wildcard) with that route's method is answered from
/// a small table, without a regex; everything else (parametrised routes, a
/// fixed path written another way that express still accepts, such as a
/// trailing slash or other letter case, a wrong method, no route at all) goes
/// to the express router, which holds every route, so it answers those as it
/// always did. A fixed path wins over a parametrised pattern matching the same
/// text: keep parametrised patterns from matching fixed paths.
class router_t {
public:
  using express_t = restinio::router::generic_express_router_t<restinio::router::std_regex_engine_t,
                                                               request_timing_factory>;
  using handler_t = express_t::actual_request_handler_t;

  /// Registers `handler` for `method` on `path` (express syntax).
  void add_handler(restinio::http_method_id_t method, std::string_view path, handler_t handler);

  /// Answers the requests no route matches.
  void non_matched_request_handler(express_t::non_matched_handler_t handler);

  /// RESTinio's request handler entry point.
  restinio::request_handling_status_t operator()(request_handle req) const;

private:
  struct fixed_route {
    std::string path;
    restinio::http_method_id_t method;
    handler_t handler;
  };
  std::vector<fixed_route> fixed_; ///< a couple of dozen: a scan beats hashing the path
  express_t express_;
};

} // namespace rkgate::http
