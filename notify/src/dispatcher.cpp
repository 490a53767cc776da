#include "notify/dispatcher.hpp"

#include "notify/signature.hpp"

#include <algorithm>
#include <stdexcept>

namespace rkgate::notify {

dispatcher::dispatcher(retry_policy policy, dispatch_limits limits)
  : policy_(policy), limits_(limits) {}

void dispatcher::add(delivery d) {
  auto& queue = orders_[d.order_guid];
  if (!queue.items.empty() && queue.items.back().sequence >= d.sequence)
    throw std::invalid_argument("delivery " + d.id() + " added after " + queue.items.back().id());
  queue.items.push_back(std::move(d));
}

bool dispatcher::url_full(const std::string& url) const {
  auto it = url_in_flight_.find(url);
  return it != url_in_flight_.end() && it->second >= limits_.per_url_in_flight;
}

std::vector<delivery> dispatcher::due(time_point now) {
  std::vector<order_queue*> ready;
  for (auto& [guid, queue] : orders_)
    if (!queue.in_flight && queue.items.front().next_attempt_at <= now)
      ready.push_back(&queue);
  // Oldest due first, so a busy URL cap is shared fairly between orders.
  std::stable_sort(ready.begin(), ready.end(), [](const order_queue* a, const order_queue* b) {
    return a->items.front().next_attempt_at < b->items.front().next_attempt_at;
  });
  std::vector<delivery> out;
  for (order_queue* queue : ready) {
    if (in_flight_ >= limits_.total_in_flight)
      break;
    const delivery& head = queue->items.front();
    if (url_full(head.url))
      continue;
    queue->in_flight = true;
    ++url_in_flight_[head.url];
    ++in_flight_;
    out.push_back(head);
  }
  return out;
}

std::optional<dispatcher::result> dispatcher::complete(const std::string& order_guid,
                                                       std::uint64_t sequence,
                                                       const net::outcome& outcome,
                                                       time_point now) {
  auto it = orders_.find(order_guid);
  if (it == orders_.end() || !it->second.in_flight || it->second.items.front().sequence != sequence)
    return std::nullopt;
  order_queue& queue = it->second;
  delivery d = std::move(queue.items.front());
  queue.in_flight = false;
  --in_flight_;
  if (--url_in_flight_[d.url] == 0)
    url_in_flight_.erase(d.url);

  if (!d.first_attempt_at)
    d.first_attempt_at = now;
  verdict what = verdict::delivered;
  if (!outcome.success()) {
    ++d.attempts;
    d.last_error = describe_failure(outcome);
    what = policy_.gives_up(d, now) ? verdict::gave_up : verdict::retry;
    d.next_attempt_at = now + policy_.delay_after(d.attempts);
  }
  if (what == verdict::retry) {
    queue.items.front() = d;
  } else {
    queue.items.pop_front();
    if (queue.items.empty())
      orders_.erase(it);
  }
  return result{what, std::move(d)};
}

std::optional<time_point> dispatcher::next_wakeup() const {
  std::optional<time_point> earliest;
  if (in_flight_ >= limits_.total_in_flight)
    return earliest; // only a completion can free a slot
  for (const auto& [guid, queue] : orders_) {
    if (queue.in_flight || url_full(queue.items.front().url))
      continue;
    const time_point t = queue.items.front().next_attempt_at;
    if (!earliest || t < *earliest)
      earliest = t;
  }
  return earliest;
}

std::size_t dispatcher::pending() const {
  std::size_t n = 0;
  for (const auto& [guid, queue] : orders_)
    n += queue.items.size();
  return n;
}

std::size_t dispatcher::in_flight() const { return in_flight_; }

std::string describe_failure(const net::outcome& outcome) {
  if (outcome.success())
    return "";
  if (outcome.replied())
    return "HTTP " + std::to_string(outcome.http_status);
  return std::string(net::to_string(outcome.error)) + ": " + outcome.error_message;
}

net::request callback_request(const delivery& d, std::chrono::milliseconds timeout) {
  net::request req;
  req.url = d.url;
  req.body = d.body;
  req.headers = {{signature_header, d.signature}, {"X-Rkgate-Delivery", d.id()}};
  req.timeout = timeout;
  req.connect_timeout = std::min(timeout, req.connect_timeout);
  return req;
}

} // namespace rkgate::notify
