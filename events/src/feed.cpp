#include "events/feed.hpp"

#include "persistence/store.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace rkgate::events {

using nlohmann::json;

namespace {

constexpr const char* code_names[] = {"save_order",   "additional_order", "online_payment",
                                      "bill_request", "waiter_call",      "order_status"};

/// A bijection on 32-bit numbers (murmur3's finalizer): distinct counters give
/// distinct hashes, and consecutive ones look unrelated.
std::uint32_t mix(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bU;
  h ^= h >> 13;
  h *= 0xc2b2ae35U;
  h ^= h >> 16;
  return h;
}

std::string sequence_key(std::uint64_t sequence) {
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(sequence));
  return digits;
}

std::int64_t to_ms(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

} // namespace

const char* to_string(code c) { return code_names[static_cast<int>(c)]; }

std::optional<code> code_from_string(std::string_view text) {
  for (int i = 0; i < 6; ++i)
    if (text == code_names[i])
      return static_cast<code>(i);
  return std::nullopt;
}

feed::feed(persistence::store* db, std::chrono::milliseconds retention, std::uint32_t hash_seed)
  : db_(db), retention_(retention), seed_(hash_seed) {}

std::size_t feed::load(time_point now) {
  events_.clear();
  by_hash_.clear();
  if (!db_)
    return 0;
  std::vector<std::string> drop;
  std::size_t unreadable = 0;
  db_->scan(persistence::table::events, "", [&](std::string_view key, std::string_view value) {
    auto e = event_from_storage(value);
    if (!e || key != sequence_key(e->sequence) || by_hash_.count(e->hash)) {
      ++unreadable;
      drop.emplace_back(key);
      return true;
    }
    next_sequence_ = std::max(next_sequence_, e->sequence + 1);
    by_hash_.emplace(e->hash, e->sequence);
    events_.push_back(std::move(*e));
    return true;
  });
  if (!drop.empty()) {
    persistence::write_batch batch;
    for (auto& key : drop)
      batch.erase(persistence::table::events, std::move(key));
    std::string error;
    if (!db_->write(batch, false, &error))
      throw std::runtime_error("events: erasing unreadable records failed: " + error);
  }
  prune(now);
  return unreadable;
}

std::string feed::next_hash() {
  for (;;) {
    char text[11];
    std::snprintf(text, sizeof text, "0x%08x", static_cast<unsigned>(mix(seed_ + hash_counter_++)));
    // A hash from before a restart (another seed) may still be retained.
    if (!by_hash_.count(text))
      return text;
  }
}

void feed::stage(const event& e, persistence::write_batch& batch) const {
  if (db_)
    batch.put(persistence::table::events, sequence_key(e.sequence), to_storage(e));
}

bool feed::write(const persistence::write_batch& staged, std::string* error) {
  return !db_ || staged.empty() || db_->write(staged, false, error);
}

const event& feed::add(new_event e, time_point now) {
  if (e.restaurant.empty())
    throw std::invalid_argument("event without a restaurant");
  event stored;
  static_cast<new_event&>(stored) = std::move(e);
  stored.hash = next_hash();
  stored.sequence = next_sequence_++;
  // Events stay in append order even if the wall clock steps back.
  stored.created_at = events_.empty() ? now : std::max(now, events_.back().created_at);
  by_hash_.emplace(stored.hash, stored.sequence);
  events_.push_back(std::move(stored));
  return events_.back();
}

const event& feed::append(new_event e, time_point now) {
  persistence::write_batch batch;
  const event& added = add(std::move(e), now);
  stage(added, batch);
  std::string error;
  if (!write(batch, &error)) {
    // An event the store refused is not added.
    by_hash_.erase(added.hash);
    events_.pop_back();
    --next_sequence_;
    throw std::runtime_error("events: storing an event failed: " + error);
  }
  return events_.back();
}

const event& feed::append(new_event e, time_point now, persistence::write_batch& staged) {
  const event& added = add(std::move(e), now);
  stage(added, staged);
  return added;
}

std::size_t feed::prune(time_point now) {
  std::size_t dropped = 0;
  persistence::write_batch batch;
  while (!events_.empty() && now - events_.front().created_at >= retention_) {
    batch.erase(persistence::table::events, sequence_key(events_.front().sequence));
    by_hash_.erase(events_.front().hash);
    events_.pop_front();
    ++dropped;
  }
  if (db_ && !batch.empty()) {
    std::string error;
    // A failed erase is retried by the next load(), which prunes again.
    db_->write(batch, false, &error);
  }
  return dropped;
}

page feed::since(std::string_view hash, const visibility& visible, time_point now) {
  prune(now);
  page out;
  auto begin = events_.begin();
  auto known = by_hash_.find(std::string(hash));
  if (known == by_hash_.end()) {
    out.reset = true;
  } else {
    auto at = std::lower_bound(events_.begin(), events_.end(), known->second,
                               [](const event& e, std::uint64_t s) { return e.sequence < s; });
    if (visible(at->restaurant))
      begin = at + 1;
    else
      out.reset = true;
  }
  for (auto it = begin; it != events_.end(); ++it)
    if (visible(it->restaurant))
      out.updates.push_back(*it);
  return out;
}

json to_json(const event& e) {
  json j = {{"hash", e.hash},
            {"code", to_string(e.what)},
            {"restaurant", e.restaurant},
            {"table", e.table}};
  if (!e.guid.empty())
    j["guid"] = e.guid;
  j["invoice"] = e.invoice;
  j["order"] = e.order;
  j["table_repr"] = e.table_repr;
  return j;
}

json to_json(const page& p) {
  json updates = json::array();
  for (const auto& e : p.updates)
    updates.push_back(to_json(e));
  json data = {{"updates", std::move(updates)}};
  if (p.reset)
    data["reset"] = true;
  return data;
}

std::string to_storage(const event& e) {
  json j = to_json(e);
  j["sequence"] = e.sequence;
  j["created_at"] = to_ms(e.created_at);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<event> event_from_storage(std::string_view text) {
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  try {
    auto what = code_from_string(j.at("code").get<std::string>());
    if (!what)
      return std::nullopt;
    event e;
    e.what = *what;
    e.hash = j.at("hash").get<std::string>();
    e.restaurant = j.at("restaurant").get<std::string>();
    e.table = j.at("table").get<std::int64_t>();
    e.guid = j.value("guid", "");
    e.invoice = j.at("invoice");
    e.order = j.at("order");
    e.table_repr = j.at("table_repr");
    e.sequence = j.at("sequence").get<std::uint64_t>();
    e.created_at = time_point(std::chrono::duration_cast<clock::duration>(
        std::chrono::milliseconds(j.at("created_at").get<std::int64_t>())));
    return e;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

} // namespace rkgate::events
