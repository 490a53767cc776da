#include "notify/outbox.hpp"

#include "common/json_text.hpp"
#include "persistence/store.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <stdexcept>

namespace rkgate::notify {

using nlohmann::json;

namespace {

constexpr char separator = '\x1f';

std::int64_t to_ms(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

time_point from_ms(std::int64_t ms) {
  return time_point(std::chrono::duration_cast<clock::duration>(std::chrono::milliseconds(ms)));
}

} // namespace

std::string to_json(const delivery& d) {
  json j = {{"guid", d.order_guid},
            {"seq", d.sequence},
            {"url", d.url},
            {"signature", d.signature},
            {"body", d.body},
            {"created_at", to_ms(d.created_at)},
            {"first_attempt_at", d.first_attempt_at ? json(to_ms(*d.first_attempt_at)) : json(nullptr)},
            {"attempts", d.attempts},
            {"next_attempt_at", to_ms(d.next_attempt_at)},
            {"last_error", d.last_error}};
  return json_text(j, true); // the body's invalid UTF-8 (if any) replaced, not thrown
}

std::optional<delivery> delivery_from_json(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  try {
    delivery d;
    d.order_guid = j.at("guid").get<std::string>();
    d.sequence = j.at("seq").get<std::uint64_t>();
    d.url = j.at("url").get<std::string>();
    d.signature = j.at("signature").get<std::string>();
    d.body = j.at("body").get<std::string>();
    d.created_at = from_ms(j.at("created_at").get<std::int64_t>());
    if (!j.at("first_attempt_at").is_null())
      d.first_attempt_at = from_ms(j.at("first_attempt_at").get<std::int64_t>());
    d.attempts = j.at("attempts").get<int>();
    d.next_attempt_at = from_ms(j.at("next_attempt_at").get<std::int64_t>());
    d.last_error = j.at("last_error").get<std::string>();
    return d;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

outbox::outbox(persistence::store& db) : db_(db) {}

std::string outbox::key(const std::string& order_guid, std::uint64_t sequence) {
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(sequence));
  return order_guid + separator + digits;
}

outbox::loaded outbox::load() {
  loaded out;
  orders_.clear();
  db_.scan(persistence::table::outbox, "", [&](std::string_view key, std::string_view value) {
    auto d = delivery_from_json(std::string(value));
    if (!d || key != outbox::key(d->order_guid, d->sequence)) {
      out.unreadable_keys.emplace_back(key);
      return true;
    }
    auto& state = orders_[d->order_guid];
    state.last_sequence = std::max(state.last_sequence, d->sequence);
    ++state.pending;
    out.deliveries.push_back(std::move(*d));
    return true;
  });
  return out;
}

delivery outbox::enqueue(const std::string& order_guid, const std::string& url,
                         const std::string& signature, const std::string& body, time_point now) {
  if (order_guid.empty() || order_guid.find(separator) != std::string::npos)
    throw std::invalid_argument("callback delivery needs an order guid without \\x1f");
  if (url.empty())
    throw std::invalid_argument("callback delivery for " + order_guid + " has no URL");
  auto& state = orders_[order_guid];
  delivery d;
  d.order_guid = order_guid;
  d.sequence = state.last_sequence + 1;
  d.url = url;
  d.signature = signature;
  d.body = body;
  d.created_at = now;
  d.next_attempt_at = now;
  try {
    const std::string value = to_json(d);
    write(key(order_guid, d.sequence), &value, true);
  } catch (...) {
    if (state.pending == 0)
      orders_.erase(order_guid);
    throw;
  }
  state.last_sequence = d.sequence;
  ++state.pending;
  return d;
}

void outbox::update(const delivery& d) {
  const std::string value = to_json(d);
  write(key(d.order_guid, d.sequence), &value, false);
}

void outbox::remove(const delivery& d) {
  write(key(d.order_guid, d.sequence), nullptr, false);
  auto it = orders_.find(d.order_guid);
  // An order with nothing pending is forgotten; its next delivery starts again
  // at 1, which keeps it after everything still stored (nothing is).
  if (it != orders_.end() && it->second.pending > 0 && --it->second.pending == 0)
    orders_.erase(it);
}

std::size_t outbox::size() const {
  std::size_t n = 0;
  for (const auto& [guid, state] : orders_)
    n += state.pending;
  return n;
}

void outbox::write(const std::string& key, const std::string* value, bool sync) {
  persistence::write_batch batch;
  if (value)
    batch.put(persistence::table::outbox, key, *value);
  else
    batch.erase(persistence::table::outbox, key);
  std::string error;
  if (!db_.write(batch, sync, &error))
    throw std::runtime_error("outbox write failed: " + error);
}

} // namespace rkgate::notify
