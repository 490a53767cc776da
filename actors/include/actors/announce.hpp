#pragma once
// What an ORDER tells the outside world when it changes: a push callback to
// the NOTIFIER (api.md §4) and an event to the EVENTS LOG (api.md §6). Sends
// only (anon_send); callable from any actor.

#include "actors/gateway.hpp"
#include "events/feed.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace rkgate::actors {

/// The order body's own `callback_url` (empty when it has none).
std::string callback_url_in(const nlohmann::json& body);

/// One state of an order as announced: its API form (api.md §3.6) and its
/// callback URL, built once and shared by every announcement of that state.
struct announced_order {
  /// `priced`: `rec.priced` as a DOM, when the caller has it (else parsed).
  explicit announced_order(const order_record& rec, const nlohmann::json* priced = nullptr);
  const order_record& rec;
  nlohmann::json api;
  std::string callback_url; ///< the order's own; empty: the source's default, if any
  /// The QR-menu order of its events (events::qr_order of `api`), built on
  /// first use and shared: a new order makes two events (save_order, order_status).
  const nlohmann::json& qr_order() const;

private:
  mutable nlohmann::json qr_order_; ///< null until built
};

/// The order's status changed from `previous` (nullopt: its first status) to
/// `rec.status`: counted for GET /metrics (count_status), then a signed
/// callback and an `order_status` event (publish_status).
void announce_status(const restaurant_context& rest, const announced_order& order, std::optional<int> previous);

/// Counts a change to `status` for GET /metrics. An ORDER that answers an API
/// call with the change counts it before the answer leaves (a client that
/// reads /metrics next sees it) and publishes it after.
void count_status(const restaurant_context& rest, int status);

/// announce_status for a change already counted.
void publish_status(const restaurant_context& rest, const announced_order& order, std::optional<int> previous);

/// An event about the order (save_order, additional_order, online_payment,
/// bill_request, order_status) with an optional invoice.
void announce_event(const restaurant_context& rest, events::code what, const announced_order& order,
                    nlohmann::json invoice);

/// The QR-menu invoice of the order's `session`-th session (1-based) from the
/// record's priced items: `first_item` is the index of the session's first item.
nlohmann::json session_invoice(const announced_order& order, std::size_t first_item, std::int64_t session);

} // namespace rkgate::actors
