#include "notify/callback.hpp"

#include <stdexcept>

namespace rkgate::notify {

const char* callback_status_name(int status) {
  static constexpr const char* names[] = {"open", "closed", "bill", "deleted", "deferred", "new"};
  if (status < 0 || status > 5)
    throw std::invalid_argument("order status " + std::to_string(status) + " is not 0..5");
  return names[status];
}

std::string callback_body(const status_change& change, const nlohmann::json& order) {
  if (change.guid.empty())
    throw std::invalid_argument("callback without an order guid");
  if (!order.is_object())
    throw std::invalid_argument("callback order record is not a JSON object");
  if (!change.extra.is_null() && !change.extra.is_object())
    throw std::invalid_argument("callback extra fields are not a JSON object");
  nlohmann::json previous = nullptr;
  if (change.previous_status) {
    callback_status_name(*change.previous_status); // validates
    previous = *change.previous_status;
  }
  nlohmann::ordered_json body;
  body["event"] = "order_status";
  body["guid"] = change.guid;
  body["external_id"] = change.external_id;
  body["restaurant"] = change.restaurant;
  body["status"] = change.status;
  body["status_name"] = callback_status_name(change.status);
  body["previous_status"] = previous;
  body["at"] = change.at;
  if (change.extra.is_object())
    for (const auto& [key, value] : change.extra.items())
      body[key] = value;
  body["order"] = order;
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace rkgate::notify
