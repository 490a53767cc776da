#pragma once
// Shared by the routes and the bridges of the HTTP layer (private header).

#include "actors/gateway.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <restinio/all.hpp>

#include "common/rate_gate.hpp"
#include "metrics/metrics.hpp"
#include "router.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace rkgate::http {

struct ping_text;
/// ping's rendered answers (ping_route.cpp), one per source and restaurant,
/// each kept while the restaurant's health snapshot stays the one it was made from.
struct ping_texts {
  std::mutex lock;
  std::map<std::pair<const void*, const void*>, std::shared_ptr<const ping_text>> by_caller;
};

/// What every handler and bridge can reach.
struct server_context {
  caf::actor_system* sys = nullptr;
  std::shared_ptr<const actors::directory> dir;
  /// The event loop's io_context (RESTinio runs on it), for timers that answer
  /// requests (order_answer_sink). The loop outlives the server and its requests.
  restinio::asio_ns::io_context* io = nullptr;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  metrics::http_stats http; ///< routes are added before serving, then only counted
  /// Sources with a `rate_limit`, by name; made before serving, then only admitted through.
  std::map<std::string, std::unique_ptr<rate_gate>> rate_gates;
  ping_texts pings;
};
using context_ptr = std::shared_ptr<server_context>;

/// `GET /api/v3/console/orders/:guid` for that method and express pattern.
std::string route_label(restinio::http_method_id_t method, std::string_view path);

/// Registers `handler` for `method` on `path` (express syntax), counted in
/// GET /metrics under the route `METHOD path`.
template <class Handler>
void add_route(router_t& router, const context_ptr& ctx, restinio::http_method_id_t method, std::string_view path,
               Handler handler) {
  auto* stats = &ctx->http.route(route_label(method, path));
  router.add_handler(method, path, [stats, handler](const request_handle& req, restinio::router::route_params_t p) {
    req->extra_data().route = stats;
    return handler(req, std::move(p));
  });
}

/// Counts an answer in GET /metrics; every path that answers a request calls it once.
/// An answer that waited `rk7_ms` (>= 0) for r_keeper also counts the gateway's own
/// part. Returns the request's time so far, from having been read, in seconds.
double count_answer(const context_ptr& ctx, const request_handle& req, int status, double rk7_ms = -1);

/// Writes an api_reply as the contract's envelope (or plain text / 304).
void respond(const context_ptr& ctx, const request_handle& req, const actors::api_reply& reply);

/// The answer to a request whose actor did not answer: 503 past its
/// deadline, 500 for any other error; `what` names the step.
actors::api_reply no_answer(const caf::error& err, const char* what);

/// Writes a 200 whose body is a ready JSON envelope (api.md §1).
void respond_envelope(const context_ptr& ctx, const request_handle& req, std::string envelope);

/// A caller, as routes resolved it.
struct caller {
  const config::source* source = nullptr;
  std::shared_ptr<const actors::restaurant_context> restaurant; ///< null when not needed
  actors::source_actor source_actor;
};

/// Answers ping on the calling (HTTP) thread from the restaurant's health snapshot.
void answer_ping(const context_ptr& ctx, const request_handle& req, const caller& who);

// -- bridges: each spawns one actor that answers the request ------------------------
void bridge_restaurants(const context_ptr& ctx, request_handle req, caller who);
/// Writes getmenu's answer from a ready menu: 304 when `if_none_match` names
/// its version, else its pre-rendered body (gzip when `gzip`).
void respond_menu(const context_ptr& ctx, const request_handle& req, const actors::menu_ptr& m,
                  const std::string& if_none_match, bool gzip);
/// Asks the MENU CACHE (a menu not published yet: the first load waits for it).
/// `gzip`: the client accepts a gzip body (the menu's pre-compressed one).
void bridge_getmenu(const context_ptr& ctx, request_handle req, caller who, std::int64_t category,
                    std::string if_none_match, bool gzip);
void bridge_validate(const context_ptr& ctx, request_handle req, caller who, actors::cart body);
/// postorder with automatic acceptance: the SOURCE and the ORDER answer
/// through an order_answer_sink (a bridge actor only when the published menu
/// refuses the cart, to answer a retry before judging it again).
void bridge_postorder(const context_ptr& ctx, request_handle req, caller who, actors::order_request order);
/// postorder's answer channel: the actors' answer, or 202 with the order's
/// guid once `server.request_timeout` from now has passed. Call on a loop thread.
actors::answer_sink_ptr order_answer_sink(const context_ptr& ctx, request_handle req);
void bridge_getorders(const context_ptr& ctx, request_handle req, caller who, std::string restaurant);
void bridge_findorders(const context_ptr& ctx, request_handle req, caller who, actors::guid_list guids);
void bridge_close(const context_ptr& ctx, request_handle req, caller who, std::string guid);
// Manual acceptance (docs/console.md): postorder stores the order waiting for an operator.
void bridge_postorder_manual(const context_ptr& ctx, request_handle req, caller who, actors::order_request order);

/// The console API (/api/v3/console/...) and its web files (/console/).
void register_console_routes(router_t& router, const context_ptr& ctx);
void register_console_files(router_t& router, const context_ptr& ctx);

void bridge_print_info(const context_ptr& ctx, request_handle req, std::string guid, std::int64_t visit,
                       std::int64_t order_ident);

/// The checks every source-token route makes (body limit, JSON body when
/// `post`, token, restaurant when `need_restaurant`); answers the request
/// itself and returns nullopt when one fails. The JSON body is null for GET.
std::optional<std::pair<nlohmann::json, caller>> check_request(const context_ptr& ctx, const request_handle& req,
                                                               bool post, bool need_restaurant);

/// A source's POST about one of its orders: the JSON body, the caller and the
/// body's `guid` (normalized).
struct order_call {
  nlohmann::json body;
  caller who;
  std::string guid;
};

/// check_request for a POST, then the body's `guid` (400 when it is not an
/// order GUID); answers the request itself and gives nothing when one fails.
std::optional<order_call> check_order_call(const context_ptr& ctx, const request_handle& req);

/// pay, cancel, tablecall (api.md §3.8-3.10) and the events feed (§6).
void register_tracking_routes(router_t& router, const context_ptr& ctx);

} // namespace rkgate::http
