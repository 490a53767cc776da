#include "actors/announce.hpp"
#include "actors/ops_metrics.hpp"

#include "events/qr_format.hpp"
#include "notify/callback.hpp"

#include "common/json_text.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace rkgate::actors {

using nlohmann::json;

std::string callback_url_in(const json& body) {
  if (body.is_object() && body.contains("callback_url") && body["callback_url"].is_string())
    return body["callback_url"].get<std::string>();
  return {};
}

announced_order::announced_order(const order_record& r, const json* priced) : rec(r) {
  auto body = order_body_object(r);
  api = order_api_object(r, body, priced);
  callback_url = callback_url_in(body);
}

const json& announced_order::qr_order() const {
  if (qr_order_.is_null())
    qr_order_ = events::qr_order(api);
  return qr_order_;
}

void announce_event(const restaurant_context& rest, events::code what, const announced_order& order,
                    json invoice) {
  if (!rest.events)
    return;
  try {
    auto e = events::order_event(what, order.api, events::table_of(order.api), std::move(invoice), order.qr_order());
    // A manual order's events go through the CONSOLE, which adds delivery_state.
    if (order.rec.manual && rest.console)
      caf::anon_send(rest.console, atom::put_v, std::move(e));
    else
      caf::anon_send(rest.events, atom::put_v, std::move(e));
  } catch (const std::exception& ex) {
    spdlog::error("order {}: event not built: {}", order.rec.guid, ex.what());
  }
}

void count_status(const restaurant_context& rest, int status) {
  if (rest.status_changes)
    rest.status_changes->count(status);
}

void announce_status(const restaurant_context& rest, const announced_order& order, std::optional<int> previous) {
  count_status(rest, order.rec.status);
  publish_status(rest, order, previous);
}

void publish_status(const restaurant_context& rest, const announced_order& order, std::optional<int> previous) {
  const auto& rec = order.rec;
  if (rec.manual && rest.console) {
    // The CONSOLE announces a manual order's changes (with delivery_state).
    caf::anon_send(rest.console, atom::status_v,
                   console_status{rec.guid, rec.source, order.callback_url, json_text(order.api), previous});
    return;
  }
  announce_event(rest, events::code::order_status, order, nullptr);
  if (!rest.notifier)
    return;
  if (order.callback_url.empty() && rest.callback_sources && !rest.callback_sources->count(rec.source))
    return; // nobody asked for callbacks of this order
  notify::status_change change{rec.guid, rec.external_id, rec.restaurant, rec.status, previous, now_iso8601()};
  try {
    callback_job job{rec.source, rec.guid, order.callback_url, notify::callback_body(change, order.api)};
    caf::anon_send(rest.notifier, atom::put_v, std::move(job));
  } catch (const std::exception& ex) {
    spdlog::error("order {}: callback not built: {}", rec.guid, ex.what());
  }
}

json session_invoice(const announced_order& order, std::size_t first_item, std::int64_t session) {
  json items = json::array();
  const auto& all = order.api["items"];
  for (std::size_t i = first_item; all.is_array() && i < all.size(); ++i)
    items.push_back(all[i]);
  return events::qr_invoice(order.api, items, session);
}

} // namespace rkgate::actors
