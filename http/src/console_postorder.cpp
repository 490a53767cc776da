// postorder with manual acceptance (api.md §3.3 `accept`, docs/console.md):
// the order is stored with status 5 and nothing goes to the cash server; the
// validate-style checks run at once against the menu cache (they never refuse
// the order here, the operator sees them) and the CONSOLE indexes it before
// the client gets its 201.

#include "context.hpp"

#include "actors/order_mapping.hpp"

#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

namespace rkgate::http {

using namespace rkgate::actors;
using nlohmann::json;

namespace {

/// A repeat of an earlier postorder (same external_id): its stored answer.
void repeat(caf::event_based_actor* self, const context_ptr& ctx, const request_handle& req, const admission& a) {
  if (a.kind == admission::conflict)
    return respond(ctx, req, api_reply::failure(409, "idempotency_conflict",
                                                "this external_id was used with a different body",
                                                json_text(json{{"guid", a.guid}})));
  if (a.order) {
    self->request(a.order, ctx->dir->cfg.server.request_timeout, atom::wait_v)
      .then(
        [ctx, req](api_reply r) {
          if (r.status == 201)
            r.status = 200;
          respond(ctx, req, r);
        },
        [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "order")); });
    return;
  }
  auto rec = order_record_from_json(a.record);
  if (!rec)
    return respond(ctx, req, api_reply::failure(500, "internal_error", "order record unreadable"));
  if (!rec->reply_code.empty())
    return respond(ctx, req, api_reply::failure(rec->reply_status, rec->reply_code, rec->reply_message));
  respond(ctx, req, api_reply::success(200, postorder_data_json(*rec)));
}

/// What the console shows before acceptance: the record priced from the menu.
console_arrival arrival(const caller& who, const order_request& order, const std::string& guid, const menu_ptr& m) {
  auto preview = preview_from_menu(m ? *m : menu{}, order.body);
  order_record rec;
  rec.guid = guid;
  rec.source = who.source->name;
  rec.external_id = order.body.external_id;
  rec.restaurant = order.restaurant;
  rec.body = order.body_json;
  rec.created_at = rec.updated_at = now_iso8601();
  rec.priced = preview.priced;
  rec.sum = preview.total;
  rec.paid = preview.prepaid;
  rec.to_pay = preview.to_pay;
  auto record = json::parse(order_api_json(rec));
  record["deliver_at"] = order.body.deliver_at.empty() ? json(nullptr) : json(order.body.deliver_at);
  console_arrival a;
  a.guid = guid;
  a.source = who.source->name;
  a.restaurant = order.restaurant;
  a.record = json_text(record);
  a.problems = m ? console_problems(*m, order.body) : "[]";
  a.body = order.body_json;
  return a;
}

/// Stores a new manual order through its SOURCE, indexes it, answers 201.
void admit(caf::event_based_actor* self, const context_ptr& ctx, const request_handle& req, const caller& who,
           const order_request& order, menu_ptr m) {
  auto timeout = ctx->dir->cfg.server.request_timeout;
  self->request(who.source_actor, timeout, atom::create_v, order)
    .then(
      [=](const admission& a) {
        if (a.kind != admission::absent || !a.order)
          return repeat(self, ctx, req, a);
        self->request(a.order, timeout, atom::wait_v)
          .then(
            [=](const api_reply& stored) {
              if (!stored.ok())
                return respond(ctx, req, stored);
              self->request(ctx->dir->console, timeout, atom::create_v, arrival(who, order, a.guid, m))
                .then([ctx, req, stored](bool) { respond(ctx, req, stored); },
                      [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "console")); });
            },
            [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "order storage")); });
      },
      [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "admission")); });
}

} // namespace

void bridge_postorder_manual(const context_ptr& ctx, request_handle req, caller who, order_request order) {
  order.manual = true;
  ctx->sys->spawn([=](caf::event_based_actor* self) {
    auto timeout = ctx->dir->cfg.server.request_timeout;
    self->request(who.source_actor, timeout, atom::lookup_v, order.body.external_id, order.hash)
      .then(
        [=](const admission& a) {
          if (a.kind != admission::absent)
            return repeat(self, ctx, req, a);
          // The checks need the menu; without one (cash server down at a cold
          // start) the order is still taken, priced and checked again at accept.
          self->request(who.restaurant->menu, timeout, atom::get_v, order.body.order_category.value_or(0))
            .then(
              [=](const menu_reply& m) {
                admit(self, ctx, req, who, order, m.value);
              },
              [=](caf::error&) { admit(self, ctx, req, who, order, nullptr); });
        },
        [ctx, req](caf::error& err) { respond(ctx, req, no_answer(err, "admission")); });
  });
}

} // namespace rkgate::http
