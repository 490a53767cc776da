// The operator console's JSON API under /api/v3/console/ (docs/console.md §2-3):
// operator tokens, parameter checks, and one short-lived bridge actor per
// request that asks the CONSOLE actor.

#include "context.hpp"

#include "common/guid.hpp"
#include "common/json_text.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <cctype>
#include <set>

namespace rkgate::http {

using nlohmann::json;
using actors::api_reply;

namespace {

using clock = std::chrono::steady_clock;

api_reply fail(int status, const char* code, std::string message, json details = nullptr) {
  return api_reply::failure(status, code, std::move(message), details.is_null() ? "" : json_text(details));
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size() || a.empty())
    return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// Decodes %XX escapes; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1]))
        || !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

/// Characters (UTF-8 code points) in `s`.
std::size_t characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

class console_routes {
public:
  explicit console_routes(context_ptr ctx) : ctx_(std::move(ctx)) {}

  restinio::request_handling_status_t me(const request_handle& req) {
    auto op = check(req);
    if (!op)
      return restinio::request_accepted();
    json restaurants = json::array();
    for (const auto& r : ctx_->dir->cfg.restaurants)
      if (op->allows(r.id))
        restaurants.push_back({{"id", r.id}, {"name", r.name}});
    respond(ctx_, req, api_reply::success(200, json_text(json{{"name", op->name}, {"restaurants", restaurants}})));
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t orders(const request_handle& req) {
    auto op = check(req);
    if (!op)
      return restinio::request_accepted();
    actors::console_query q;
    auto params = query(req);
    if (!scope(req, *op, params, q.scope))
      return restinio::request_accepted();
    static const std::set<std::string> states = {"all",      "waiting",  "created", "accepted",
                                                 "in_transit", "archived", "deleted"};
    if (params.count("state")) {
      q.state = params["state"];
      if (!states.count(q.state))
        return refuse(req, fail(400, "bad_request", "unknown state " + q.state, {{"field", "state"}}));
    }
    if (params.count("limit")) {
      auto n = number(params["limit"]);
      if (!n || *n < 1 || *n > 200)
        return refuse(req, fail(400, "bad_request", "limit must be 1..200", {{"field", "limit"}}));
      q.limit = static_cast<std::size_t>(*n);
    }
    if (params.count("cursor"))
      q.cursor = params["cursor"];
    if (params.count("since_version")) {
      auto n = number(params["since_version"]);
      if (!n)
        return refuse(req, fail(400, "bad_request", "since_version must be a non-negative integer",
                                {{"field", "since_version"}}));
      q.since_version = *n;
    }
    auto ctx = ctx_;
    ctx_->sys->spawn([ctx, req, q](caf::event_based_actor* self) {
      self->request(ctx->dir->console, ctx->dir->cfg.server.request_timeout, rkgate::atom::list_v, q)
        .then([ctx, req](const api_reply& r) { respond(ctx, req, r); },
              [ctx, req](caf::error& err) {
                respond(ctx, req, fail(500, "internal_error", "console list failed: " + caf::to_string(err)));
              });
    });
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t order(const request_handle& req, const restinio::router::route_params_t& p) {
    return act(req, p, "");
  }

  restinio::request_handling_status_t action(const request_handle& req, const restinio::router::route_params_t& p) {
    return act(req, p, std::string(p["action"]));
  }

private:
  /// Operator token (header or query); answers 401 itself.
  const config::operator_account* check(const request_handle& req) {
    ++ctx_->in_flight;
    if (ctx_->stopping) {
      respond(ctx_, req, fail(503, "shutting_down", "the gateway is stopping"));
      return nullptr;
    }
    std::string token = req->header().get_field_or("token", "");
    if (token.empty()) {
      auto q = query(req);
      token = q["token"];
    }
    const config::operator_account* found = nullptr;
    for (const auto& op : ctx_->dir->cfg.operators)
      if (same_secret(op.token, token) && !found) // no early exit: every token is compared
        found = &op;
    if (!found)
      respond(ctx_, req, fail(401, "unauthorized", "missing or unknown operator token"));
    return found;
  }

  std::map<std::string, std::string> query(const request_handle& req) {
    std::map<std::string, std::string> out;
    try {
      auto q = restinio::parse_query<restinio::parse_query_traits::relaxed>(req->header().query());
      for (const char* name : {"token", "state", "restaurant", "limit", "cursor", "since_version"})
        if (q.has(name))
          out[name] = std::string(q[name]);
    } catch (const std::exception&) {
    }
    return out;
  }

  /// The operator's restaurants after the `restaurant` filter; answers 403 itself.
  bool scope(const request_handle& req, const config::operator_account& op, std::map<std::string, std::string>& params,
             actors::console_scope& out) {
    out.operator_name = op.name;
    auto it = params.find("restaurant");
    if (it != params.end() && !it->second.empty()) {
      if (!op.allows(it->second) || !ctx_->dir->restaurants.count(it->second)) {
        respond(ctx_, req, fail(403, "forbidden", "restaurant " + it->second + " is not granted to operator " + op.name));
        return false;
      }
      out.restaurants = {it->second};
      return true;
    }
    for (const auto& r : ctx_->dir->cfg.restaurants)
      if (op.allows(r.id))
        out.restaurants.push_back(r.id);
    return true;
  }

  static std::optional<std::uint64_t> number(const std::string& s) {
    if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    return std::stoull(s);
  }

  restinio::request_handling_status_t refuse(const request_handle& req, const api_reply& r) {
    respond(ctx_, req, r);
    return restinio::request_accepted();
  }

  restinio::request_handling_status_t act(const request_handle& req, const restinio::router::route_params_t& p,
                                          std::string action) {
    auto op = check(req);
    if (!op)
      return restinio::request_accepted();
    actors::console_action a;
    auto params = std::map<std::string, std::string>{};
    if (!scope(req, *op, params, a.scope))
      return restinio::request_accepted();
    auto raw = percent_decode(std::string(p["guid"]));
    auto guid = raw ? normalize_guid(*raw) : std::nullopt;
    if (!guid)
      return refuse(req, fail(404, "not_found", "no such console order"));
    a.guid = *guid;
    a.action = action;
    if (!action.empty() && !trim(req->body()).empty()) {
      auto body = json::parse(req->body(), nullptr, false);
      if (body.is_discarded() || !body.is_object())
        return refuse(req, fail(400, "bad_json", "body is not a JSON object"));
      if (action == "cancel" && body.contains("reason") && body["reason"].is_string())
        a.reason = trim(body["reason"].get<std::string>());
    }
    if (action == "cancel" && (a.reason.empty() || characters(a.reason) > 255))
      return refuse(req, fail(400, "bad_request", "reason must be 1-255 characters", {{"field", "reason"}}));
    auto ctx = ctx_;
    auto deadline = ctx_->dir->cfg.server.request_timeout;
    ctx_->sys->spawn([ctx, req, a, deadline](caf::event_based_actor* self) {
      self->request(ctx->dir->console, deadline, rkgate::atom::run_v, a)
        .then([ctx, req](const api_reply& r) { respond(ctx, req, r); },
              [self, ctx, req, a](caf::error& err) {
                if (err != caf::sec::request_timeout)
                  return respond(ctx, req, fail(500, "internal_error", "console action failed: " + caf::to_string(err)));
                // The accept is still waiting for the cash server: 202 with the order
                // as it is now (in_progress: accept); the result arrives by polling.
                auto read = a;
                read.action.clear();
                self->request(ctx->dir->console, std::chrono::seconds(5), rkgate::atom::run_v, read)
                  .then(
                    [ctx, req](api_reply r) {
                      if (r.ok())
                        r.status = 202;
                      respond(ctx, req, r);
                    },
                    [ctx, req](caf::error& err) {
                      respond(ctx, req, fail(500, "internal_error", "console read failed: " + caf::to_string(err)));
                    });
              });
    });
    return restinio::request_accepted();
  }

  context_ptr ctx_;
};

} // namespace

void register_console_routes(router_t& router, const context_ptr& ctx) {
  auto r = std::make_shared<console_routes>(ctx);
  add_route(router, ctx, restinio::http_method_get(), "/api/v3/console/me", [r](const request_handle& req, auto) { return r->me(req); });
  add_route(router, ctx, restinio::http_method_get(), "/api/v3/console/orders", [r](const request_handle& req, auto) { return r->orders(req); });
  add_route(router, ctx, restinio::http_method_get(), R"(/api/v3/console/orders/:guid([^/]+))",
                  [r](const request_handle& req, auto p) { return r->order(req, p); });
  add_route(router, ctx, restinio::http_method_post(), R"(/api/v3/console/orders/:guid([^/]+)/:action(accept|cancel|dispatch|archive))",
                   [r](const request_handle& req, auto p) { return r->action(req, p); });
  register_console_files(router, ctx);
}

} // namespace rkgate::http
