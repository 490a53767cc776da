// Routes that act on orders after creation and the events feed:
// POST /api/v3/pay, /api/v3/cancel, /api/v3/tablecall (api.md §3.8-3.10)
// and GET /api/v4/events (§6). Each parses and checks, then hands the work to
// a short-lived bridge actor that answers.

#include "context.hpp"

#include "common/guid.hpp"
#include "common/json_text.hpp"
#include "events/qr_format.hpp"

namespace rkgate::http {

namespace {

using nlohmann::json;
using actors::api_reply;
using status_t = restinio::request_handling_status_t;

api_reply bad_request(const std::string& field, const std::string& message) {
  return api_reply::failure(400, "bad_request", message, json_text(json{{"field", field}}));
}

api_reply no_answer(const caf::error& err, const char* what) {
  if (err == caf::sec::request_timeout)
    return api_reply::failure(503, "cash_server_unavailable", std::string(what) + " did not finish in time");
  return api_reply::failure(500, "internal_error", std::string(what) + " failed: " + caf::to_string(err));
}

/// The order GUID of a body's `guid` field.

/// `payments`: a non-empty array of {currency_code > 0, sum > 0}; the field
/// path of the first problem otherwise.
std::variant<actors::payment_list, api_reply> payments_of(const json& body) {
  auto it = body.find("payments");
  if (it == body.end() || !it->is_array() || it->empty())
    return bad_request("payments", "payments must be a non-empty array");
  actors::payment_list out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& p = (*it)[i];
    auto path = "payments[" + std::to_string(i) + "]";
    if (!p.is_object())
      return bad_request(path, path + " must be an object");
    auto code = p.find("currency_code");
    if (code == p.end() || !code->is_number_integer() || code->get<std::int64_t>() <= 0)
      return bad_request(path + ".currency_code", "currency_code must be a positive integer");
    auto sum = p.find("sum");
    auto kop = sum != p.end() && sum->is_number() ? kopecks_from_number(sum->get<double>()) : std::nullopt;
    if (!kop || *kop <= 0)
      return bad_request(path + ".sum", "sum must be a positive amount with at most 2 decimals");
    out.payments.push_back({code->get<std::int64_t>(), *kop});
  }
  return out;
}

/// Asks the caller's SOURCE and answers with its reply.
template <class... Ts>
void ask_source(const context_ptr& ctx, const request_handle& req, const caller& who, const char* what,
                Ts... args) {
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    self->request(who.source_actor, ctx->dir->cfg.server.request_timeout, args...)
      .then([ctx, req](const api_reply& r) { respond(ctx, req, r); },
            [ctx, req, what](caf::error& err) { respond(ctx, req, no_answer(err, what)); });
  });
}

} // namespace

std::optional<order_call> check_order_call(const context_ptr& ctx, const request_handle& req) {
  auto c = check_request(ctx, req, true, false);
  if (!c)
    return std::nullopt;
  std::optional<std::string> guid;
  if (auto it = c->first.find("guid"); it != c->first.end() && it->is_string())
    guid = normalize_guid(it->get<std::string>());
  if (!guid) {
    respond(ctx, req, bad_request("guid", "guid must be an order GUID"));
    return std::nullopt;
  }
  return order_call{std::move(c->first), std::move(c->second), std::move(*guid)};
}

namespace {

status_t pay(const context_ptr& ctx, const request_handle& req) {
  auto c = check_order_call(ctx, req);
  if (!c)
    return restinio::request_accepted();
  auto payments = payments_of(c->body);
  if (auto* err = std::get_if<api_reply>(&payments)) {
    respond(ctx, req, *err);
    return restinio::request_accepted();
  }
  ask_source(ctx, req, c->who, "pay", atom::pay_v, c->guid,
             std::get<actors::payment_list>(std::move(payments)));
  return restinio::request_accepted();
}

status_t cancel(const context_ptr& ctx, const request_handle& req) {
  auto c = check_order_call(ctx, req);
  if (!c)
    return restinio::request_accepted();
  std::string reason;
  if (auto it = c->body.find("reason"); it != c->body.end() && !it->is_null()) {
    if (!it->is_string()) {
      respond(ctx, req, bad_request("reason", "reason must be a string"));
      return restinio::request_accepted();
    }
    reason = it->get<std::string>();
  }
  ask_source(ctx, req, c->who, "cancel", atom::cancel_v, c->guid, reason);
  return restinio::request_accepted();
}

status_t tablecall(const context_ptr& ctx, const request_handle& req) {
  auto c = check_request(ctx, req, true, true);
  if (!c)
    return restinio::request_accepted();
  const auto& body = c->first;
  auto table = body.find("table_code");
  if (table == body.end() || !table->is_number_integer() || table->get<std::int64_t>() <= 0) {
    respond(ctx, req, bad_request("table_code", "table_code must be a positive integer"));
    return restinio::request_accepted();
  }
  auto kind_field = body.find("kind");
  auto kind = kind_field != body.end() && kind_field->is_string()
                ? events::table_call_code(kind_field->get<std::string>())
                : std::nullopt;
  if (!kind) {
    respond(ctx, req, bad_request("kind", "kind must be \"waiter_call\" or \"bill_request\""));
    return restinio::request_accepted();
  }
  // The SOURCE links the call to the table's open order (docs/events.md).
  ask_source(ctx, req, c->second, "tablecall", atom::call_v, c->second.restaurant->cfg.id, table->get<std::int64_t>(),
             std::string(events::to_string(*kind)));
  return restinio::request_accepted();
}

status_t events_feed(const context_ptr& ctx, const request_handle& req) {
  auto c = check_request(ctx, req, false, false);
  if (!c)
    return restinio::request_accepted();
  actors::events_query q;
  try {
    auto query = restinio::parse_query<restinio::parse_query_traits::relaxed>(req->header().query());
    if (query.has("hash"))
      q.hash = std::string(query["hash"]);
  } catch (const std::exception&) {
  }
  if (q.hash.empty())
    q.hash = "none";
  for (const auto& r : ctx->dir->cfg.restaurants)
    if (c->second.source->allows(r.id))
      q.restaurants.push_back(r.id);
  ctx->sys->spawn([ctx, req, q](caf::event_based_actor* self) {
    self->request(ctx->dir->events, ctx->dir->cfg.server.request_timeout, atom::get_v, q)
      .then([ctx, req](const std::string& data) { respond(ctx, req, api_reply::success(200, data)); },
            [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "events")); });
  });
  return restinio::request_accepted();
}

} // namespace

void register_tracking_routes(router_t& router, const context_ptr& ctx) {
  add_route(router, ctx, restinio::http_method_post(), "/api/v3/pay", [ctx](const request_handle& req, auto) { return pay(ctx, req); });
  add_route(router, ctx, restinio::http_method_post(), "/api/v3/cancel", [ctx](const request_handle& req, auto) { return cancel(ctx, req); });
  add_route(router, ctx, restinio::http_method_post(), "/api/v3/tablecall", [ctx](const request_handle& req, auto) { return tablecall(ctx, req); });
  add_route(router, ctx, restinio::http_method_get(), "/api/v4/events", [ctx](const request_handle& req, auto) { return events_feed(ctx, req); });
}

} // namespace rkgate::http
