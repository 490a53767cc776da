#include "actors/announce.hpp"
#include "actors/ops_metrics.hpp"

#include "events/qr_format.hpp"
#include "notify/callback.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace rkgate::actors {

using nlohmann::json;

namespace {

std::string callback_url_of(const order_record& rec) {
  auto body = json::parse(rec.body, nullptr, false);
  if (body.is_object() && body.contains("callback_url") && body["callback_url"].is_string())
    return body["callback_url"].get<std::string>();
  return {};
}

} // namespace

void announce_event(const restaurant_context& rest, events::code what, const order_record& rec,
                    const json& invoice) {
  if (!rest.events)
    return;
  try {
    auto record = json::parse(order_api_json(rec));
    auto e = events::order_event(what, record, events::table_of(record), invoice);
    // A manual order's events go through the CONSOLE, which adds delivery_state.
    if (rec.manual && rest.console)
      caf::anon_send(rest.console, atom::put_v, std::move(e));
    else
      caf::anon_send(rest.events, atom::put_v, std::move(e));
  } catch (const std::exception& ex) {
    spdlog::error("order {}: event not built: {}", rec.guid, ex.what());
  }
}

void announce_status(const restaurant_context& rest, const order_record& rec, std::optional<int> previous) {
  if (rest.status_changes)
    rest.status_changes->count(rec.status);
  if (rec.manual && rest.console) {
    // The CONSOLE announces a manual order's changes (with delivery_state).
    caf::anon_send(rest.console, atom::status_v,
                   console_status{rec.guid, rec.source, callback_url_of(rec), order_api_json(rec), previous});
    return;
  }
  announce_event(rest, events::code::order_status, rec, nullptr);
  if (!rest.notifier)
    return;
  notify::status_change change{rec.guid, rec.external_id, rec.restaurant, rec.status, previous, now_iso8601()};
  try {
    callback_job job{rec.source, rec.guid, callback_url_of(rec),
                     notify::callback_body(change, json::parse(order_api_json(rec)))};
    caf::anon_send(rest.notifier, atom::put_v, std::move(job));
  } catch (const std::exception& ex) {
    spdlog::error("order {}: callback not built: {}", rec.guid, ex.what());
  }
}

json session_invoice(const order_record& rec, std::size_t first_item, std::int64_t session) {
  auto record = json::parse(order_api_json(rec));
  json items = json::array();
  const auto& all = record["items"];
  for (std::size_t i = first_item; all.is_array() && i < all.size(); ++i)
    items.push_back(all[i]);
  return events::qr_invoice(record, items, session);
}

} // namespace rkgate::actors
