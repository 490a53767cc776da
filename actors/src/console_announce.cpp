#include "console_announce.hpp"

#include "actors/announce.hpp"
#include "actors/order_record.hpp"
#include "events/qr_format.hpp"
#include "notify/callback.hpp"

namespace rkgate::actors {

using nlohmann::json;

namespace {

json optional_state(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

int status_of(const json& record) {
  auto it = record.find("status");
  return it != record.end() && it->is_number_integer() ? it->get<int>() : 5;
}

} // namespace

json console_callback_order(const console_change& c, const json& history) {
  json order = c.record.is_object() ? c.record : json::object();
  order["delivery_state"] = c.state;
  order["history"] = history.is_array() ? history : json::array();
  return order;
}

callback_job console_callback(const console_change& c, const json& history) {
  notify::status_change change;
  change.guid = c.guid;
  change.external_id = c.record.value("external_id", "");
  change.restaurant = c.record.value("restaurant", "");
  change.status = status_of(c.record);
  change.previous_status = c.previous_status;
  change.at = now_iso8601();
  change.extra = {{"delivery_state", c.state},
                  {"previous_delivery_state", optional_state(c.previous_state)},
                  {"action", c.action}};
  return {c.source, c.guid, c.callback_url, notify::callback_body(change, console_callback_order(c, history))};
}

events::new_event console_event(const console_change& c) {
  auto e = events::order_event(events::code::order_status, c.record, events::table_of(c.record));
  int status = status_of(c.record);
  e.order["status"] = status;
  e.order["status_name"] = notify::callback_status_name(status);
  e.order["delivery_state"] = c.state;
  e.order["previous_delivery_state"] = optional_state(c.previous_state);
  e.order["action"] = c.action;
  return e;
}

std::string callback_url_of_body(const std::string& body) {
  return callback_url_in(json::parse(body, nullptr, false));
}

} // namespace rkgate::actors
