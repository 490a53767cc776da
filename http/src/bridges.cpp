// Per-request bridge actors: each asks the right actors and writes the
// HTTP response; errors and timeouts always end in a response.

#include "context.hpp"

#include "actors/menu.hpp"
#include "actors/order_mapping.hpp"

#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

namespace rkgate::http {

using namespace rkgate::actors;
using nlohmann::json;

api_reply no_answer(const caf::error& err, const char* what) {
  if (err == caf::sec::request_timeout)
    return api_reply::failure(503, "cash_server_unavailable", std::string(what) + " did not finish in time");
  return api_reply::failure(500, "internal_error", std::string(what) + " failed: " + caf::to_string(err));
}

namespace {

std::chrono::milliseconds request_timeout(const context_ptr& ctx) {
  return ctx->dir->cfg.server.request_timeout;
}

json health_json(const cash_health& h) {
  return {{"reachable", h.reachable},
          {"version", h.version},
          {"net_name", h.net_name},
          {"latency_ms", h.latency_ms >= 0 ? json(h.latency_ms) : json(nullptr)},
          {"last_error", h.last_error.empty() ? json(nullptr) : json(h.last_error)}};
}

/// The MENU CACHE's published menu for a cart's order category (0: the
/// restaurant's default), or null while that category is not loaded yet.
menu_ptr published_menu(const caller& who, std::int64_t category) {
  return who.restaurant->menus->find(category != 0 ? category : who.restaurant->cfg.refs.order_category);
}

/// The menu for a cart's order category, or the failure to answer with.
/// A published menu is taken from the MENU CACHE's snapshot (no message
/// round trip); only a category not loaded yet asks the actor.
template <class F, class Fail>
void with_menu(caf::event_based_actor* self, const context_ptr& ctx, const caller& who, std::int64_t category,
               F next, Fail fail) {
  if (auto m = published_menu(who, category))
    return next(std::move(m));
  self->request(who.restaurant->menu, request_timeout(ctx), atom::get_v, category)
    .then(
      [next, fail](const menu_reply& m) mutable {
        if (!m.value)
          return fail(m.failure);
        next(m.value);
      },
      [fail](caf::error& err) mutable { fail(no_answer(err, "menu load")); });
}

/// with_menu's failure answer for a request the bridge answers itself.
auto respond_to(const context_ptr& ctx, const request_handle& req) {
  return [ctx, req](const api_reply& r) { respond(ctx, req, r); };
}

api_reply cart_invalid(const std::vector<cart_problem>& problems) {
  return api_reply::failure(422, "cart_invalid", "the cart cannot be sold now", problems_json(problems));
}

/// Per-line errors of CalcOrder as cart problems.
std::vector<cart_problem> line_problems(const cart& c, const std::vector<rk7::line_error>& lines) {
  std::vector<cart_problem> out;
  for (const auto& l : lines) {
    cart_problem p;
    p.id = l.faulty_id;
    p.code = l.faulty_code;
    auto matches = [&](const item_ref& r) {
      return (l.faulty_id && r.id == l.faulty_id) || (l.faulty_code && r.code == l.faulty_code);
    };
    if (l.faulty_tag == "Discount") {
      p.field = "discounts";
      p.problem = "discount_not_applicable";
      for (std::size_t i = 0; i < c.discounts.size(); ++i)
        if (l.faulty_code == c.discounts[i].code)
          p.index = i;
    } else if (l.faulty_tag == "Prepay") {
      p.field = "payments";
      p.problem = "unknown_currency";
      for (std::size_t i = 0; i < c.payments.size(); ++i)
        if (l.faulty_code == c.payments[i].currency_code)
          p.index = i;
    } else {
      p.problem = l.faulty_tag == "Modi" ? "modifier_rule" : "unknown_item";
      for (std::size_t i = 0; i < c.items.size(); ++i)
        if (matches(c.items[i].ref))
          p.index = i;
    }
    out.push_back(p);
  }
  return out;
}

rk7::calc_order calc_request(const caller& who, const cart& c) {
  const auto& refs = who.restaurant->cfg.refs;
  order_settings s{refs.station_id, refs.waiter_code, refs.prepay_reason, refs.item_comment_modifier};
  rk7::calc_order req;
  req.table = rk7::ref::by_code(c.table_code.value_or(refs.table_code));
  req.order_category = rk7::ref::by_code(c.order_category.value_or(refs.order_category));
  if (refs.order_type)
    req.order_type = rk7::ref::by_code(*refs.order_type);
  if (refs.waiter_code != 0)
    req.waiter = rk7::ref::by_code(refs.waiter_code);
  req.guests = c.guests > 0 ? c.guests : 1;
  req.sessions.push_back(to_session(c, s));
  return req;
}

} // namespace

void bridge_restaurants(const context_ptr& ctx, request_handle req, caller who) {
  ctx->sys->spawn([ctx, req, who](caf::event_based_actor* self) {
    struct state {
      json list = json::array();
      std::size_t pending = 0;
    };
    auto st = std::make_shared<state>();
    std::vector<std::shared_ptr<const restaurant_context>> mine;
    for (const auto& [id, r] : ctx->dir->restaurants)
      if (who.source->allows(id))
        mine.push_back(r);
    st->pending = mine.size();
    if (mine.empty())
      return respond(ctx, req, api_reply::success(200, json_text(json{{"restaurants", json::array()}})));
    for (const auto& r : mine) {
      auto entry = [st, ctx, req, r](json cash) {
        st->list.push_back({{"id", r->cfg.id}, {"name", r->cfg.name}, {"cash_server", cash}});
        if (--st->pending == 0)
          respond(ctx, req, api_reply::success(200, json_text(json{{"restaurants", st->list}})));
      };
      self->request(r->cash, request_timeout(ctx), atom::status_v)
        .then([entry](const cash_health& h) { entry(health_json(h)); },
              [entry](caf::error&) { entry(health_json(cash_health{})); });
    }
  });
}

void respond_menu(const context_ptr& ctx, const request_handle& req, const menu_ptr& m,
                  const std::string& if_none_match, bool gzip) {
  bool match = if_none_match == "*" || if_none_match.find("\"" + m->version + "\"") != std::string::npos;
  auto resp = req->create_response(match ? restinio::status_not_modified() : restinio::status_ok());
  // One ETag for both encodings: it names the menu version, and a client
  // that switches encodings still gets its 304.
  resp.append_header(restinio::http_field::etag, "\"" + m->version + "\"");
  resp.append_header(restinio::http_field::vary, "Accept-Encoding");
  if (!match) {
    resp.append_header(restinio::http_field::content_type, "application/json; charset=utf-8");
    if (gzip)
      resp.append_header(restinio::http_field::content_encoding, "gzip");
    // The menu's own buffer (kept alive by `m`): nothing is copied per request.
    resp.set_body(std::shared_ptr<const std::string>(m, gzip ? &m->body_gzip : &m->body));
  }
  count_answer(ctx, req, match ? 304 : 200);
  resp.done();
  --ctx->in_flight;
}

void bridge_getmenu(const context_ptr& ctx, request_handle req, caller who, std::int64_t category,
                    std::string if_none_match, bool gzip) {
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    with_menu(
      self, ctx, who, category,
      [ctx, req, if_none_match, gzip](menu_ptr m) { respond_menu(ctx, req, m, if_none_match, gzip); },
      respond_to(ctx, req));
  });
}

void bridge_validate(const context_ptr& ctx, request_handle req, caller who, cart body) {
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    with_menu(self, ctx, who, body.order_category.value_or(0), [=](menu_ptr m) {
      auto problems = check_cart(*m, body);
      if (!problems.empty())
        return respond(ctx, req, cart_invalid(problems));
      rk7_meter meter;
      self->request(who.restaurant->cash, request_timeout(ctx), atom::call_v, calc_request(who, body), meter)
        .then(
          [=](rk7_result<rk7::calculated_order>& r) {
            auto respond = [&](const context_ptr& ctx, const request_handle& req, api_reply reply) {
              reply.rk7_ms = meter.total();
              http::respond(ctx, req, reply);
            };
            if (!r) {
              if (!r.error().lines.empty())
                return respond(ctx, req, cart_invalid(line_problems(body, r.error().lines)));
              return respond(ctx, req, cash_failure(r.error()));
            }
            if (!r->errors.empty())
              return respond(ctx, req, cart_invalid(line_problems(body, r->errors)));
            auto totals = totals_of(r->record);
            kopecks paying = 0;
            for (const auto& p : body.payments)
              paying += p.sum;
            if (paying > totals.total) {
              cart_problem p;
              p.field = "payments";
              p.index = body.payments.empty() ? 0 : body.payments.size() - 1;
              p.problem = "overpaid";
              return respond(ctx, req, cart_invalid({p}));
            }
            json warnings = json::array();
            for (std::size_t i = 0; i < body.items.size(); ++i) {
              const auto& line = body.items[i];
              auto id = resolve_item(*m, line.ref);
              if (!line.price || !id)
                continue;
              const auto& item = m->items[m->item_by_id.at(*id)];
              if (item.price != *line.price)
                warnings.push_back({{"index", i},
                                    {"id", item.id},
                                    {"code", item.code},
                                    {"problem", "price_changed"},
                                    {"price", to_number(*line.price)},
                                    {"actual_price", to_number(item.price)}});
            }
            json data = {{"order", priced_order(r->record, body)},
                         {"warnings", warnings}};
            respond(ctx, req, api_reply::success(200, json_text(data)));
          },
          [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "CalcOrder")); });
    }, respond_to(ctx, req));
  });
}

void bridge_postorder(const context_ptr& ctx, request_handle req, caller who, order_request order) {
  if (order.body.manual_accept || who.restaurant->cfg.acceptance == config::restaurant::acceptance_t::manual)
    return bridge_postorder_manual(ctx, std::move(req), std::move(who), std::move(order));
  auto sink = order_answer_sink(ctx, req); // the deadline runs from here
  // The usual case: the published menu sells the cart, and `create` itself
  // answers a known external_id (a retry), so the order goes from this thread
  // straight to the SOURCE, and its ORDER answers the request.
  auto category = order.body.order_category.value_or(0);
  if (auto m = published_menu(who, category); m && check_cart(*m, order.body).empty())
    return caf::anon_send(who.source_actor, atom::create_v, std::move(order), std::move(sink));
  // Otherwise a retry of a known order is answered before the cart is judged
  // again: its menu may have changed since.
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    self->request(who.source_actor, caf::infinite, atom::lookup_v, order.body.external_id, order.hash)
      .then(
        [=](const admission& a) {
          if (a.kind != admission::absent)
            return self->send(who.source_actor, atom::create_v, order, sink);
          with_menu(
            self, ctx, who, category,
            [=](menu_ptr m) {
              auto problems = check_cart(*m, order.body);
              if (!problems.empty())
                return sink->answer(cart_invalid(problems));
              self->send(who.source_actor, atom::create_v, order, sink);
            },
            [sink](const api_reply& r) { sink->answer(r); });
        },
        [sink](caf::error& err) { sink->answer(no_answer(err, "admission")); });
  });
}

void bridge_getorders(const context_ptr& ctx, request_handle req, caller who, std::string restaurant) {
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    self->request(who.source_actor, request_timeout(ctx), atom::list_v, restaurant)
      .then([ctx, req](const api_reply& r) { respond(ctx, req, r); },
            [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "getorders")); });
  });
}

void bridge_findorders(const context_ptr& ctx, request_handle req, caller who, guid_list guids) {
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    self->request(who.source_actor, request_timeout(ctx), atom::find_v, guids)
      .then([ctx, req](const api_reply& r) { respond(ctx, req, r); },
            [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "getorders")); });
  });
}

void bridge_close(const context_ptr& ctx, request_handle req, caller who, std::string guid) {
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    self->request(who.source_actor, request_timeout(ctx), atom::close_v, guid)
      .then([ctx, req](const api_reply& r) { respond(ctx, req, r); },
            [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "close")); });
  });
}

void bridge_print_info(const context_ptr& ctx, request_handle req, std::string guid, std::int64_t visit,
                       std::int64_t order_ident) {
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    auto answer = [ctx, req](const std::optional<order_record>& rec) {
      if (!rec)
        return respond(ctx, req, api_reply::failure(404, "not_found", "no such order"));
      auto body = json::parse(rec->body, nullptr, false);
      api_reply r;
      r.plain = true;
      if (body.is_object() && body.contains("comment") && body["comment"].is_string())
        r.data = body["comment"].get<std::string>();
      respond(ctx, req, r);
    };
    if (!guid.empty()) {
      self->request(ctx->dir->store, request_timeout(ctx), atom::get_v, store_key{persistence::table::orders, guid})
        .then([answer](const store_value& v) {
                answer(v.found ? order_record_from_json(v.value) : std::nullopt);
              },
              [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "store")); });
      return;
    }
    self->request(ctx->dir->store, request_timeout(ctx), atom::scan_v, store_key{persistence::table::orders, ""})
      .then(
        [answer, visit, order_ident](const store_records& all) {
          for (const auto& [key, value] : all.items) {
            auto rec = order_record_from_json(value);
            if (rec && rec->visit == visit && rec->order_ident == order_ident)
              return answer(rec);
          }
          answer(std::nullopt);
        },
        [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "store")); });
  });
}

} // namespace rkgate::http
