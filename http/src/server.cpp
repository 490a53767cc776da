#include "http/server.hpp"

#include "context.hpp"

#include "actors/ops_metrics.hpp"

#include "common/guid.hpp"
#include "common/json_text.hpp"
#include "common/rate_gate.hpp"
#include "loop/event_loop.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <restinio/helpers/http_field_parsers/accept-encoding.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <thread>

namespace rkgate::http {

namespace {

using nlohmann::json;
struct traits_t : restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t, router_t> {
  using extra_data_factory_t = request_timing_factory;
};
using actors::api_reply;

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
  }
  return "Unknown";
}

/// Compares two strings in time that depends only on their lengths.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty())
    return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string query_value(const request_handle& req, const char* name) {
  try {
    auto q = restinio::parse_query<restinio::parse_query_traits::relaxed>(req->header().query());
    if (q.has(name))
      return std::string(q[name]);
  } catch (const std::exception&) {
  }
  return {};
}

/// Whether the client takes a gzip body (`Accept-Encoding: gzip` or `*`, q > 0).
bool accepts_gzip(const request_handle& req) {
  auto field = req->header().opt_value_of(restinio::http_field::accept_encoding);
  if (!field)
    return false;
  auto parsed = restinio::http_field_parsers::accept_encoding_value_t::try_parse(*field);
  if (!parsed)
    return false;
  for (const auto& c : parsed->codings)
    if ((c.content_coding == "gzip" || c.content_coding == "*") && c.weight.as_uint() > 0)
      return true;
  return false;
}

/// A request after the common checks: its JSON body (POST) and caller.
struct checked {
  json body;
  caller who;
};

api_reply fail(int status, const char* code, std::string message, json details = nullptr) {
  return api_reply::failure(status, code, std::move(message), details.is_null() ? "" : json_text(details));
}

class routes {
public:
  explicit routes(context_ptr ctx) : ctx_(std::move(ctx)) {}

  /// Body, token and restaurant checks shared by every API route; answers
  /// the request itself and returns nullopt when one fails.
  std::optional<checked> check(const request_handle& req, bool post, bool need_restaurant) {
    ++ctx_->in_flight;
    if (ctx_->stopping) {
      respond(ctx_, req, fail(503, "shutting_down", "the gateway is stopping"));
      return std::nullopt;
    }
    checked c;
    if (req->body().size() > ctx_->dir->cfg.server.max_body) {
      respond(ctx_, req, fail(413, "too_large", "body over the limit of " +
                                                  std::to_string(ctx_->dir->cfg.server.max_body) + " bytes"));
      return std::nullopt;
    }
    if (post) {
      c.body = json::parse(req->body(), nullptr, false);
      if (c.body.is_discarded() || !c.body.is_object()) {
        respond(ctx_, req, fail(400, "bad_json", "body is not a JSON object"));
        return std::nullopt;
      }
    }
    std::string token = req->header().get_field_or("token", "");
    if (token.empty())
      token = query_value(req, "token");
    if (token.empty() && post && c.body.contains("token") && c.body["token"].is_string())
      token = c.body["token"].get<std::string>();
    bool found = false;
    for (const auto& s : ctx_->dir->cfg.sources)
      if (same_secret(s.token, token) && !found) { // no early exit: every token is compared
        c.who.source = &s;
        found = true;
      }
    if (!c.who.source) {
      respond(ctx_, req, fail(401, "unauthorized", "missing or unknown token"));
      return std::nullopt;
    }
    if (auto gate = ctx_->rate_gates.find(c.who.source->name); gate != ctx_->rate_gates.end())
      if (auto wait = gate->second->admit(); wait.count() > 0) {
        auto refused = fail(429, "rate_limited", "over this source's rate_limit");
        refused.retry_after_s = static_cast<int>(std::ceil(std::chrono::duration<double>(wait).count()));
        respond(ctx_, req, refused);
        return std::nullopt;
      }
    c.who.source_actor = ctx_->dir->sources.at(c.who.source->name);
    if (!need_restaurant)
      return c;
    std::string rest = query_value(req, "restaurant");
    if (rest.empty() && post && c.body.contains("restaurant")) {
      if (!c.body["restaurant"].is_string()) {
        respond(ctx_, req, fail(400, "bad_request", "restaurant must be a string", {{"field", "restaurant"}}));
        return std::nullopt;
      }
      rest = c.body["restaurant"].get<std::string>();
    }
    const auto& restaurants = ctx_->dir->restaurants;
    auto it = restaurants.end();
    if (rest.empty()) {
      // The token's only restaurant (no copies: every unnamed request comes here).
      int allowed = 0;
      for (auto r = restaurants.begin(); r != restaurants.end(); ++r)
        if (c.who.source->allows(r->first)) {
          it = r;
          ++allowed;
        }
      if (allowed != 1) {
        respond(ctx_, req, fail(400, "bad_request", "name the restaurant (this token has several)",
                                {{"field", "restaurant"}}));
        return std::nullopt;
      }
      rest = it->first;
    } else {
      it = restaurants.find(rest);
    }
    if (it == restaurants.end()) {
      respond(ctx_, req, fail(404, "unknown_restaurant", "no restaurant " + rest));
      return std::nullopt;
    }
    if (!c.who.source->allows(rest)) {
      respond(ctx_, req, fail(403, "forbidden", "this token is not allowed restaurant " + rest));
      return std::nullopt;
    }
    c.who.restaurant = it->second;
    return c;
  }

  restinio::request_handling_status_t ping(const request_handle& req) {
    auto c = check(req, false, true);
    if (c)
      answer_ping(ctx_, req, c->who);
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t restaurants(const request_handle& req) {
    auto c = check(req, false, false);
    if (c)
      bridge_restaurants(ctx_, req, c->who);
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t getmenu(const request_handle& req) {
    auto c = check(req, false, true);
    if (!c)
      return restinio::request_accepted();
    std::int64_t category = 0;
    auto text = query_value(req, "order_category");
    if (!text.empty()) {
      try {
        std::size_t used = 0;
        category = std::stoll(text, &used);
        if (used != text.size() || category <= 0)
          throw std::invalid_argument("order_category");
      } catch (const std::exception&) {
        respond(ctx_, req, fail(400, "bad_request", "order_category must be a positive integer code",
                                {{"field", "order_category"}}));
        return restinio::request_accepted();
      }
    }
    auto if_none_match = req->header().get_field_or("If-None-Match", "");
    // A published menu is answered here from the MENU CACHE's snapshot; only a
    // category not loaded yet goes to the actor (and waits for its first load).
    auto code = category != 0 ? category : c->who.restaurant->cfg.refs.order_category;
    if (auto m = c->who.restaurant->menus->find(code))
      respond_menu(ctx_, req, m, if_none_match, accepts_gzip(req));
    else
      bridge_getmenu(ctx_, req, c->who, category, std::move(if_none_match), accepts_gzip(req));
    return restinio::request_accepted();
  }

  /// validate and postorder share the body parsing.
  std::optional<std::pair<checked, actors::cart>> order_body(const request_handle& req, bool post_order) {
    auto c = check(req, true, true);
    if (!c)
      return std::nullopt;
    auto parsed = actors::parse_order_body(c->body, post_order);
    if (auto* err = std::get_if<actors::body_error>(&parsed)) {
      respond(ctx_, req, fail(400, err->code.c_str(), err->message, {{"field", err->path}}));
      return std::nullopt;
    }
    return std::make_pair(std::move(*c), std::get<actors::cart>(std::move(parsed)));
  }

  restinio::request_handling_status_t validate(const request_handle& req) {
    if (auto c = order_body(req, false))
      bridge_validate(ctx_, req, c->first.who, std::move(c->second));
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t postorder(const request_handle& req) {
    auto c = order_body(req, true);
    if (!c)
      return restinio::request_accepted();
    actors::order_request order;
    order.restaurant = c->first.who.restaurant->cfg.id;
    auto stored = actors::store_body(std::move(c->first.body));
    order.hash = std::move(stored.hash);
    order.body_json = std::move(stored.text);
    order.body = std::move(c->second);
    bridge_postorder(ctx_, req, c->first.who, std::move(order));
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t getorders(const request_handle& req) {
    auto c = check(req, false, false);
    if (!c)
      return restinio::request_accepted();
    auto rest = query_value(req, "restaurant");
    if (!rest.empty() && !c->who.source->allows(rest)) {
      respond(ctx_, req, fail(403, "forbidden", "this token is not allowed restaurant " + rest));
      return restinio::request_accepted();
    }
    bridge_getorders(ctx_, req, c->who, rest);
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t findorders(const request_handle& req) {
    auto c = check(req, true, false);
    if (!c)
      return restinio::request_accepted();
    actors::guid_list list;
    auto it = c->body.find("guids");
    if (it == c->body.end() || !it->is_array()) {
      respond(ctx_, req, fail(400, "bad_request", "guids must be an array of order GUIDs", {{"field", "guids"}}));
      return restinio::request_accepted();
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& g = (*it)[i];
      auto norm = g.is_string() ? normalize_guid(g.get<std::string>()) : std::nullopt;
      if (!norm) {
        auto field = "guids[" + std::to_string(i) + "]";
        respond(ctx_, req, fail(400, "bad_request", field + " is not a GUID", {{"field", field}}));
        return restinio::request_accepted();
      }
      list.guids.push_back(*norm);
    }
    bridge_findorders(ctx_, req, c->who, std::move(list));
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t close(const request_handle& req) {
    auto c = check_order_call(ctx_, req);
    if (!c)
      return restinio::request_accepted();
    bridge_close(ctx_, req, c->who, c->guid);
    return restinio::request_accepted();
  }

  /// Internal routes answer only `server.internal_allow`; answers 403 otherwise.
  bool internal_caller(const request_handle& req) {
    auto addr = req->remote_endpoint().address().to_string();
    for (const auto& range : ctx_->dir->cfg.server.internal_allow)
      if (range.contains(addr))
        return true;
    respond(ctx_, req, fail(403, "forbidden", "internal routes are not allowed from " + addr));
    return false;
  }

  restinio::request_handling_status_t print_info(const request_handle& req) {
    ++ctx_->in_flight;
    if (!internal_caller(req))
      return restinio::request_accepted();
    auto guid = query_value(req, "guid");
    std::int64_t visit = 0, ident = 0;
    try {
      auto v = query_value(req, "visit");
      auto o = query_value(req, "order_ident");
      visit = v.empty() ? 0 : std::stoll(v);
      ident = o.empty() ? 0 : std::stoll(o);
    } catch (const std::exception&) {
      visit = ident = 0;
    }
    auto norm = normalize_guid(guid);
    if (!norm && (visit == 0 || ident == 0)) {
      respond(ctx_, req, fail(400, "bad_request", "give guid, or visit and order_ident", {{"field", "guid"}}));
      return restinio::request_accepted();
    }
    bridge_print_info(ctx_, req, norm.value_or(""), visit, ident);
    return restinio::request_accepted();
  }

  /// Prometheus text (api.md §7), for `server.internal_allow` like print_info.
  restinio::request_handling_status_t metrics(const request_handle& req) {
    ++ctx_->in_flight;
    if (!internal_caller(req))
      return restinio::request_accepted();
    metrics::text_writer out;
    ctx_->http.write(out);
    actors::write_metrics(*ctx_->dir, out);
    auto reply = api_reply::success(200, out.text());
    reply.plain = true;
    respond(ctx_, req, reply);
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t healthz(const request_handle& req) {
    ++ctx_->in_flight;
    respond(ctx_, req, api_reply::success(200, json_text(json{{"status", "ok"}})));
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t swagger_json(const request_handle& req) {
    ++ctx_->in_flight;
    count_answer(ctx_, req, 200);
    req->create_response()
      .append_header(restinio::http_field::content_type, "application/json; charset=utf-8")
      .set_body(openapi_json())
      .done();
    --ctx_->in_flight;
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t swagger_page(const request_handle& req) {
    static const std::string page = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>rkgate API</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}pre{background:#f4f4f4;padding:1em;overflow:auto}</style>
</head><body><h1>rkgate API</h1>
<p>The OpenAPI 3 document: <a href="/swagger/openapi.json">/swagger/openapi.json</a> (also <code>GET /swagger</code> with <code>Accept: application/json</code>).</p>
<div id="paths"></div>
<script>
fetch('/swagger/openapi.json').then(r=>r.json()).then(doc=>{
  const root=document.getElementById('paths');
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const h=document.createElement('h3'); h.textContent=method.toUpperCase()+' '+path; root.appendChild(h);
    const p=document.createElement('p'); p.textContent=op.summary||''; root.appendChild(p);
    if (op.description){const d=document.createElement('pre'); d.textContent=op.description; root.appendChild(d);}
  }
});
</script></body></html>)";
    auto accept = req->header().get_field_or("Accept", "");
    if (accept.find("application/json") != std::string::npos && accept.find("text/html") == std::string::npos)
      return swagger_json(req);
    ++ctx_->in_flight;
    count_answer(ctx_, req, 200);
    req->create_response()
      .append_header(restinio::http_field::content_type, "text/html; charset=utf-8")
      .set_body(page)
      .done();
    --ctx_->in_flight;
    return restinio::request_accepted();
  }

private:
  context_ptr ctx_;
};

/// The JSON envelope of api.md §1. A success's `data` is already serialized
/// (the menu is over 1 MB for 5,000 dishes), so it is wrapped as text rather
/// than parsed and dumped again.
std::string envelope(const api_reply& reply) {
  if (reply.ok()) {
    std::string text;
    text.reserve(reply.data.size() + 24);
    text += R"({"result":true,"data":)";
    text += reply.data.empty() ? std::string_view{"{}"} : std::string_view{reply.data};
    text += '}';
    return text;
  }
  json err = {{"code", reply.code}, {"message", reply.message}};
  if (!reply.details.empty())
    err["details"] = json::parse(reply.details, nullptr, false);
  return json_text(json{{"result", false}, {"msg", reply.message}, {"error", err}});
}

} // namespace

std::optional<std::pair<json, caller>> check_request(const context_ptr& ctx, const request_handle& req, bool post,
                                                     bool need_restaurant) {
  auto c = routes(ctx).check(req, post, need_restaurant);
  if (!c)
    return std::nullopt;
  return std::make_pair(std::move(c->body), std::move(c->who));
}

void respond(const context_ptr& ctx, const request_handle& req, const api_reply& reply) {
  // Counted before the answer leaves: a client that reads /metrics next sees it.
  const double seconds = count_answer(ctx, req, reply.status, reply.rk7_ms);
  auto resp = req->create_response(restinio::http_status_line_t{
    restinio::http_status_code_t{static_cast<std::uint16_t>(reply.status)}, reason(reply.status)});
  if (reply.rk7_ms >= 0) {
    // `total`: from the request being read to this answer (as GET /metrics
    // counts it), so a client can tell the gateway's own time (total - rk7)
    // from the way in and out.
    auto timing = fmt::format("rk7;dur={:.3f}", reply.rk7_ms);
    if (reply.disk_ms >= 0)
      timing += fmt::format(", disk;dur={:.3f}", reply.disk_ms);
    timing += fmt::format(", total;dur={:.3f}", seconds * 1000.0);
    resp.append_header("Server-Timing", std::move(timing));
  }
  if (reply.status == 304) {
    resp.append_header(restinio::http_field::etag, "\"" + reply.etag + "\"");
    resp.done();
  } else if (reply.plain) {
    resp.append_header(restinio::http_field::content_type, "text/plain; charset=utf-8");
    resp.set_body(reply.data);
    resp.done();
  } else {
    resp.append_header(restinio::http_field::content_type, "application/json; charset=utf-8");
    if (!reply.etag.empty())
      resp.append_header(restinio::http_field::etag, "\"" + reply.etag + "\"");
    if (reply.status == 429)
      resp.append_header(restinio::http_field::retry_after, std::to_string(std::max(1, reply.retry_after_s)));
    resp.set_body(envelope(reply));
    resp.done();
  }
  --ctx->in_flight;
}

void respond_envelope(const context_ptr& ctx, const request_handle& req, std::string envelope) {
  count_answer(ctx, req, 200);
  req->create_response()
    .append_header(restinio::http_field::content_type, "application/json; charset=utf-8")
    .set_body(std::move(envelope))
    .done();
  --ctx->in_flight;
}

std::string route_label(restinio::http_method_id_t method, std::string_view path) {
  // Express patterns name their parameters: keep `:guid`, drop its `([^/]+)`.
  std::string label = std::string(method.c_str()) + ' ';
  int depth = 0;
  for (char c : path) {
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if (depth == 0)
      label += c;
  }
  return label;
}

double count_answer(const context_ptr& ctx, const request_handle& req, int status, double rk7_ms) {
  const auto& t = req->extra_data();
  auto* route = t.route ? t.route : ctx->http.find("unmatched");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t.start).count();
  route->observe(status, seconds);
  if (rk7_ms >= 0)
    route->observe_overhead(std::max(0.0, seconds - rk7_ms / 1000.0));
  return seconds;
}

struct api_server::impl {
  context_ptr ctx;
  std::uint16_t port = 0;
  std::unique_ptr<restinio::http_server_t<traits_t>> server; ///< on the event loop's io_context
  bool open = false;

  /// Runs `what` (open or close) on the loop and waits for it; rethrows its failure.
  template <class Operation>
  void on_loop(Operation what) {
    auto done = std::make_shared<std::promise<void>>();
    auto result = done->get_future();
    what([done] { done->set_value(); }, [done](std::exception_ptr e) { done->set_exception(e); });
    result.get();
  }

  /// Closes the listening socket (on the loop), once.
  void close() {
    if (!open)
      return;
    on_loop([&http = *server](auto ok, auto failed) { http.close_async(ok, failed); });
    open = false;
  }
};

api_server::api_server(caf::actor_system& sys, std::shared_ptr<const actors::directory> dir, loop::event_loop& loop)
  : impl_(std::make_unique<impl>()) {
  impl_->ctx = std::make_shared<server_context>();
  impl_->ctx->sys = &sys;
  impl_->ctx->dir = dir;
  for (const auto& s : dir->cfg.sources)
    if (s.limit)
      impl_->ctx->rate_gates.emplace(s.name, std::make_unique<rate_gate>(s.limit->per_second));
  auto r = std::make_shared<routes>(impl_->ctx);
  auto router = std::make_unique<router_t>();
  using std::placeholders::_1;
  auto bind = [r](auto method) {
    return [r, method](const request_handle& req, auto) { return ((*r).*method)(req); };
  };
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/api/v3/ping", bind(&routes::ping));
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/api/v3/restaurants", bind(&routes::restaurants));
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/api/v3/getmenu", bind(&routes::getmenu));
  add_route(*router, impl_->ctx, restinio::http_method_post(), "/api/v3/validate", bind(&routes::validate));
  add_route(*router, impl_->ctx, restinio::http_method_post(), "/api/v3/postorder", bind(&routes::postorder));
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/api/v3/getorders", bind(&routes::getorders));
  add_route(*router, impl_->ctx, restinio::http_method_post(), "/api/v3/getorders", bind(&routes::findorders));
  add_route(*router, impl_->ctx, restinio::http_method_post(), "/api/v3/close", bind(&routes::close));
  register_tracking_routes(*router, impl_->ctx);
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/api/v3/internal/print_info", bind(&routes::print_info));
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/healthz", bind(&routes::healthz));
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/metrics", bind(&routes::metrics));
  impl_->ctx->http.route("unmatched");
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/swagger", bind(&routes::swagger_page));
  add_route(*router, impl_->ctx, restinio::http_method_get(), "/swagger/openapi.json", bind(&routes::swagger_json));
  register_console_routes(*router, impl_->ctx);
  auto ctx = impl_->ctx;
  router->non_matched_request_handler([ctx](const request_handle& req) {
    ++ctx->in_flight;
    respond(ctx, req, api_reply::failure(404, "not_found", "no such route"));
    return restinio::request_accepted();
  });

  const auto& server = dir->cfg.server;
  std::atomic<std::uint16_t> bound{0};
  auto limits = restinio::incoming_http_msg_limits_t{}.max_body_size(
    std::max<std::uint64_t>(server.max_body * 4, 4 * 1024 * 1024));
  impl_->ctx->io = &loop.io();
  impl_->server = std::make_unique<restinio::http_server_t<traits_t>>(
    restinio::external_io_context(loop.io()),
    restinio::server_settings_t<traits_t>{}
      .address(server.listen_host)
      .port(server.listen_port)
      .request_handler(std::move(router))
      .incoming_http_msg_limits(limits)
      .handle_request_timeout(server.request_timeout + std::chrono::seconds(30))
      .acceptor_post_bind_hook([&bound](asio::ip::tcp::acceptor& a) { bound = a.local_endpoint().port(); }));
  auto& http = *impl_->server;
  impl_->on_loop([&http](auto ok, auto failed) { http.open_async(ok, failed); });
  impl_->open = true;
  impl_->port = bound;
}

api_server::~api_server() {
  if (!impl_)
    return;
  try {
    impl_->close();
  } catch (const std::exception& e) {
    spdlog::warn("closing the HTTP server: {}", e.what());
  }
}

std::uint16_t api_server::port() const {
  return impl_->port;
}

void api_server::stop(std::chrono::milliseconds grace) {
  impl_->ctx->stopping = true;
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl_->ctx->in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  impl_->close();
}

} // namespace rkgate::http
