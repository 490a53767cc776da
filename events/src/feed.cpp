#include "events/feed.hpp"

#include "persistence/store.hpp"

#include "common/json_object.hpp"
#include "common/json_text.hpp"

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

time_point from_ms(std::int64_t ms) {
  return time_point(std::chrono::duration_cast<clock::duration>(std::chrono::milliseconds(ms)));
}

/// Invalid UTF-8 (from a cash server, say) is replaced, not thrown.
std::string dump(const json& j) { return json_text(j, true); }

/// The update object's text; the caller's DOMs are moved in, not copied.
std::string update_text(new_event&& e, const std::string& hash) {
  json j = json_object("hash", hash,
                       "code", to_string(e.what),
                       "restaurant", std::move(e.restaurant),
                       "table", e.table,
                       "invoice", std::move(e.invoice),
                       "order", std::move(e.order),
                       "table_repr", std::move(e.table_repr));
  if (!e.guid.empty())
    j["guid"] = std::move(e.guid);
  std::string text = dump(j);
  text.shrink_to_fit(); // kept for the whole retention window
  return text;
}

/// A record of the earlier format: one object, the update plus "sequence" and
/// "created_at". Without those two it is the update object with its keys in
/// the same (sorted) order, so its dump is the text the feed returned then.
std::optional<event> event_from_single_object(std::string_view text) {
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  try {
    if (!code_from_string(j.at("code").get<std::string>()))
      return std::nullopt;
    event e;
    e.hash = j.at("hash").get<std::string>();
    e.restaurant = j.at("restaurant").get<std::string>();
    if (!j.at("table").is_number_integer() || !j.contains("invoice") || !j.contains("order") ||
        !j.contains("table_repr"))
      return std::nullopt;
    e.sequence = j.at("sequence").get<std::uint64_t>();
    e.created_at = from_ms(j.at("created_at").get<std::int64_t>());
    j.erase("sequence");
    j.erase("created_at");
    e.update = dump(j);
    return e;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

} // namespace

const char* to_string(code c) { return code_names[static_cast<int>(c)]; }

std::optional<code> code_from_string(std::string_view text) {
  for (int i = 0; i < 6; ++i)
    if (text == code_names[i])
      return static_cast<code>(i);
  return std::nullopt;
}

feed::feed(persistence::store* db, std::chrono::milliseconds retention, std::uint32_t hash_seed,
           std::chrono::milliseconds in_memory)
  : db_(db), retention_(retention), seed_(hash_seed), in_memory_(in_memory) {}

std::size_t feed::texts_in_memory() const {
  return static_cast<std::size_t>(
    std::count_if(events_.begin(), events_.end(), [](const event& e) { return !e.update.empty(); }));
}

void feed::cool(time_point now) {
  if (!db_ || in_memory_ == std::chrono::milliseconds::max())
    return;
  auto it = std::upper_bound(events_.begin(), events_.end(), cooled_through_,
                             [](std::uint64_t s, const event& e) { return s < e.sequence; });
  for (; it != events_.end() && it->sequence <= written_through_ && now - it->created_at >= in_memory_; ++it) {
    std::string().swap(it->update);
    cooled_through_ = it->sequence;
  }
}

bool feed::warm(event& e) {
  if (!e.update.empty())
    return true;
  auto stored = db_ ? db_->get(persistence::table::events, sequence_key(e.sequence)) : std::nullopt;
  auto read = stored ? event_from_storage(*stored) : std::nullopt;
  if (!read || read->sequence != e.sequence)
    return false;
  e.update = std::move(read->update);
  // Warmed texts leave again with the next cooling.
  cooled_through_ = std::min(cooled_through_, e.sequence - 1);
  return true;
}

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
  // Everything loaded is in the store.
  staged_through_ = written_through_ = events_.empty() ? 0 : events_.back().sequence;
  cooled_through_ = 0;
  cool(now);
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

bool feed::persist(const persistence::write_batch& batch, std::string* error) {
  return !db_ || batch.empty() || db_->write(batch, false, error);
}

bool feed::write(const persistence::write_batch& staged, std::string* error) {
  if (!persist(staged, error))
    return false;
  written_through_ = std::max(written_through_, staged_through_);
  return true;
}

const event& feed::add(new_event&& e, time_point now) {
  if (e.restaurant.empty())
    throw std::invalid_argument("event without a restaurant");
  event stored;
  stored.hash = next_hash();
  stored.restaurant = e.restaurant;
  stored.sequence = next_sequence_++;
  // Events stay in append order even if the wall clock steps back.
  stored.created_at = events_.empty() ? now : std::max(now, events_.back().created_at);
  stored.update = update_text(std::move(e), stored.hash);
  by_hash_.emplace(stored.hash, stored.sequence);
  events_.push_back(std::move(stored));
  return events_.back();
}

const event& feed::append(new_event e, time_point now) {
  persistence::write_batch batch;
  drop_expired(now, batch);
  const event& added = add(std::move(e), now);
  stage(added, batch);
  std::string error;
  if (persist(batch, &error)) {
    if (staged_through_ <= written_through_) // no staged event waits for its write
      written_through_ = added.sequence;
    cool(now);
    return events_.back();
  }
  // An event the store refused is not added.
  by_hash_.erase(added.hash);
  events_.pop_back();
  --next_sequence_;
  throw std::runtime_error("events: storing an event failed: " + error);
}

const event& feed::append(new_event e, time_point now, persistence::write_batch& staged) {
  drop_expired(now, staged);
  cool(now);
  const event& added = add(std::move(e), now);
  stage(added, staged);
  staged_through_ = added.sequence;
  return added;
}

std::size_t feed::drop_expired(time_point now, persistence::write_batch& batch) {
  std::size_t dropped = 0;
  while (!events_.empty() && now - events_.front().created_at >= retention_) {
    if (db_)
      batch.erase(persistence::table::events, sequence_key(events_.front().sequence));
    by_hash_.erase(events_.front().hash);
    events_.pop_front();
    ++dropped;
  }
  return dropped;
}

std::size_t feed::prune(time_point now) {
  persistence::write_batch batch;
  const std::size_t dropped = drop_expired(now, batch);
  std::string error;
  persist(batch, &error); // a failed erase is retried by the next load(), which prunes again
  return dropped;
}

std::size_t feed::tidy(time_point now) {
  const std::size_t dropped = prune(now);
  cool(now);
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
    if (visible(it->restaurant) && warm(*it))
      out.updates.push_back(&*it);
  return out;
}

std::string page_text(const page& p) {
  // What nlohmann's dump() gives for {"updates": [...], "reset": true}: keys
  // sorted, no spaces; the update texts are that dump already.
  static constexpr std::string_view with_reset = R"({"reset":true,"updates":[)";
  static constexpr std::string_view without = R"({"updates":[)";
  const std::string_view head = p.reset ? with_reset : without;
  std::size_t size = head.size() + 2;
  for (const event* e : p.updates)
    size += e->update.size() + 1;
  std::string out;
  out.reserve(size);
  out += head;
  for (std::size_t i = 0; i < p.updates.size(); ++i) {
    if (i)
      out += ',';
    out += p.updates[i]->update;
  }
  out += "]}";
  return out;
}

std::string to_storage(const event& e) {
  json header = {{"created_at", to_ms(e.created_at)},
                 {"hash", e.hash},
                 {"restaurant", e.restaurant},
                 {"sequence", e.sequence}};
  // A dump never holds a raw newline (control characters are escaped), so the
  // first one ends the header; the earlier format has none at all.
  std::string text = dump(header);
  text.reserve(text.size() + 1 + e.update.size());
  text += '\n';
  text += e.update;
  return text;
}

std::optional<event> event_from_storage(std::string_view text) {
  const auto newline = text.find('\n');
  if (newline == std::string_view::npos)
    return event_from_single_object(text);
  const auto head = text.substr(0, newline);
  const auto update = text.substr(newline + 1);
  auto header = json::parse(head.begin(), head.end(), nullptr, false);
  // The update text goes into answers as it is: it must be one JSON object.
  if (header.is_discarded() || !header.is_object() || update.empty() || update.front() != '{' ||
      !json::accept(update.begin(), update.end()))
    return std::nullopt;
  try {
    event e;
    e.hash = header.at("hash").get<std::string>();
    e.restaurant = header.at("restaurant").get<std::string>();
    e.sequence = header.at("sequence").get<std::uint64_t>();
    e.created_at = from_ms(header.at("created_at").get<std::int64_t>());
    e.update = std::string(update);
    return e;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

} // namespace rkgate::events
