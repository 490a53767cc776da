// The CONSOLE actor (docs/console.md): the operators' index of manually
// accepted orders with a persisted, never decreasing change counter, the
// delivery-state machine and its actions. Accept and cancel go to the order's
// ORDER actor (through its SOURCE); dispatch and archive are gateway-side.
// It is the one announcer of its orders' changes: the ORDERs relay their
// status changes and events here, the STATUS POLLER reports later versions.

#include "actors/console.hpp"

#include "console_announce.hpp"

#include "actors/gateway.hpp"
#include "actors/order_record.hpp"

#include "common/json_text.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <string_view>
#include <set>

namespace rkgate::actors {

using nlohmann::json;

namespace {

/// One console order: the order record plus the console's own fields.
struct console_entry {
  std::string guid;
  std::string source;
  std::string restaurant;
  std::string created_at;
  std::string state = "waiting"; ///< delivery_state
  json record = json::object();  ///< api.md §3.6 record (preview prices until accepted)
  std::string body;              ///< the order body as posted (checked again at accept)
  json problems = json::array();
  json history = json::array();
  json last_error = nullptr;
  std::uint64_t version = 0;
  std::string in_progress; ///< running action; not persisted (an accept does not survive a restart)
  json running = nullptr;  ///< the history entry of the running action (who, when), not persisted
  int announced = -1;      ///< the status the last callback announced; -1 = none yet
  int saving = 0;          ///< writes not yet answered; not persisted
  caf::actor_clock::time_point changed_at{}; ///< the last write; not persisted
};

const std::string version_key = "console\x1fversion";
const std::string entry_prefix = "console\x1forder\x1f";
const std::string brief_prefix = "console\x1f" "brief\x1f";
/// Present once every entry has its brief (stores written before briefs get them at start-up).
const std::string briefs_key = "console\x1f" "briefs";

/// Archived and deleted orders are done: they may leave memory.
bool finished(const std::string& state) {
  return state == "archived" || state == "deleted";
}

std::string brief_text(const console_entry& e) {
  return e.state + '\x1f' + e.restaurant + '\x1f' + e.created_at + '\x1f' + std::to_string(e.version);
}

std::optional<console_brief> brief_from(std::string guid, std::string_view text) {
  console_brief b;
  b.guid = std::move(guid);
  std::string* fields[] = {&b.state, &b.restaurant, &b.created_at};
  for (auto* field : fields) {
    auto sep = text.find('\x1f');
    if (sep == std::string_view::npos)
      return std::nullopt;
    *field = std::string(text.substr(0, sep));
    text.remove_prefix(sep + 1);
  }
  b.version = std::strtoull(std::string(text).c_str(), nullptr, 10);
  return b;
}

json to_json(const console_entry& e) {
  return {{"guid", e.guid},         {"source", e.source},   {"restaurant", e.restaurant},
          {"created_at", e.created_at}, {"state", e.state}, {"record", e.record}, {"body", e.body},
          {"problems", e.problems}, {"history", e.history}, {"last_error", e.last_error},
          {"version", e.version}, {"announced", e.announced}};
}

console_brief brief_of(const console_entry& e) {
  return console_brief{e.guid, e.state, e.restaurant, e.created_at, e.version};
}

/// Stages the entry, its brief and the change counter at `counter`: every
/// write of an entry goes through here, so its brief never lags behind.
void stage_entry(persistence::write_batch& batch, const console_entry& e, std::uint64_t counter) {
  batch.put(persistence::table::meta, entry_prefix + e.guid, json_text(to_json(e)));
  batch.put(persistence::table::meta, brief_prefix + e.guid, brief_text(e));
  batch.put(persistence::table::meta, version_key, std::to_string(counter));
}

std::optional<console_entry> entry_from_json(const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return std::nullopt;
  try {
    console_entry e;
    e.guid = j.at("guid").get<std::string>();
    e.source = j.value("source", "");
    e.restaurant = j.value("restaurant", "");
    e.created_at = j.value("created_at", "");
    e.state = j.value("state", "waiting");
    e.record = j.value("record", json::object());
    e.body = j.value("body", "");
    e.problems = j.value("problems", json::array());
    e.history = j.value("history", json::array());
    e.last_error = j.contains("last_error") ? j["last_error"] : json(nullptr);
    e.version = j.value("version", std::uint64_t{0});
    e.announced = j.value("announced", e.record.value("status", 5));
    return e;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

struct transition {
  std::vector<std::string> from;
  std::string to;
};

const std::vector<std::pair<std::string, transition>>& transitions() {
  static const std::vector<std::pair<std::string, transition>> table = {
    {"accept", {{"waiting"}, "created"}},
    {"cancel", {{"waiting"}, "deleted"}},
    {"dispatch", {{"created", "accepted"}, "in_transit"}},
    {"archive", {{"created", "accepted", "in_transit", "deleted"}, "archived"}},
  };
  return table;
}

const transition& rule_of(const std::string& action) {
  for (const auto& [name, t] : transitions())
    if (name == action)
      return t;
  return transitions().front().second; // actions are checked by the HTTP layer
}

bool allows(const console_entry& e, const std::string& action) {
  const auto& from = rule_of(action).from;
  return e.in_progress.empty() && std::find(from.begin(), from.end(), e.state) != from.end();
}

json view(const console_entry& e) {
  json j = e.record.is_object() ? e.record : json::object();
  json allowed = json::array();
  for (const auto& [name, t] : transitions())
    if (allows(e, name))
      allowed.push_back(name);
  j["source"] = e.source;
  j["delivery_state"] = e.state;
  j["allowed_actions"] = allowed;
  j["in_progress"] = e.in_progress.empty() ? json(nullptr) : json(e.in_progress);
  if (!j.contains("deliver_at"))
    j["deliver_at"] = nullptr;
  j["problems"] = e.problems;
  j["history"] = e.history;
  j["last_error"] = e.last_error;
  j["version"] = e.version;
  return j;
}

std::string hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::optional<std::string> unhex(const std::string& s) {
  if (s.size() % 2)
    return std::nullopt;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    int hi = val(s[i]), lo = val(s[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

} // namespace

struct console_state {
  restaurant_map restaurants;
  std::map<std::string, source_actor> sources;
  store_actor store;
  notifier_actor notifier;
  events_log_actor events;
  std::map<std::string, console_entry> entries;                  ///< by guid
  std::map<std::uint64_t, std::string> by_version;                ///< the changes index
  std::set<std::pair<std::string, std::string>> by_created;       ///< (created_at, guid): list order
  std::uint64_t version = 0;                                      ///< the change counter
  /// Archived and deleted orders out of memory, by state: (created_at, guid)
  /// to restaurant. Their entries are read from the store when needed.
  std::map<std::string, std::map<std::pair<std::string, std::string>, std::string>> shelved;
  std::map<std::string, std::map<std::string, int>> shelved_counts; ///< restaurant -> state -> orders
  std::uint64_t shelved_horizon = 0; ///< the highest version of a shelved order
  /// Orders being read back from the store, with what waits for them, in arrival order.
  std::map<std::string, std::vector<std::function<void(console_entry*)>>> loading;
  caf::timespan unload_after{0};
  static constexpr const char* name = "console";
};

namespace {

using self_ptr = console_actor::stateful_pointer<console_state>;
using promise = caf::typed_response_promise<api_reply>;

bool in_scope(const console_scope& scope, const std::string& restaurant) {
  return std::find(scope.restaurants.begin(), scope.restaurants.end(), restaurant) != scope.restaurants.end();
}

/// Who and when, from a history entry: {action, operator, at} (+ reason, to).
json action_of(const json& entry) {
  json a = {{"action", entry.value("action", "")},
            {"operator", entry.value("operator", json(nullptr))},
            {"at", entry.value("at", json(nullptr))}};
  for (const char* key : {"reason", "to"})
    if (entry.contains(key))
      a[key] = entry[key];
  return a;
}

/// True when `e` differs from what was last announced about it.
bool changed(const console_entry& e, const std::string& previous_state) {
  return previous_state != e.state || e.announced != e.record.value("status", 5);
}

/// Announces a change of `e` (docs/console.md §1): the callback through the
/// NOTIFIER and the event through the EVENTS LOG. Everything about a console
/// order is sent from this one actor, so both keep their order per order.
void announce(self_ptr self, console_entry& e, std::optional<std::string> previous_state, const json& action) {
  auto& st = self->state;
  std::optional<int> previous_status;
  if (e.announced >= 0)
    previous_status = e.announced;
  e.announced = e.record.value("status", 5);
  spdlog::info("console: order {} {} -> {} (status {} -> {}, {})", e.guid, previous_state.value_or("-"), e.state,
               previous_status ? std::to_string(*previous_status) : "-", e.record.value("status", 5),
               action.value("action", ""));
  console_change c{e.guid, e.source, callback_url_of_body(e.body), e.record, previous_status,
                   e.state, std::move(previous_state), action};
  try {
    if (st.notifier)
      self->send(st.notifier, atom::put_v, console_callback(c, e.history));
    if (st.events)
      self->send(st.events, atom::put_v, console_event(c));
  } catch (const std::exception& ex) {
    spdlog::error("console: order {}: change not announced: {}", e.guid, ex.what());
  }
}

/// Stamps the entry with the next version of the change counter.
void touch(console_state& st, console_entry& e) {
  st.by_version.erase(e.version);
  e.version = ++st.version;
  st.by_version[e.version] = e.guid;
  e.record["updated_at"] = now_iso8601();
}

/// Persists the entry, its brief and the counter; `next(ok)` once written.
/// The entry stays in memory until the write is answered.
template <class F>
void save(self_ptr self, console_entry& e, F next) {
  persistence::write_batch batch;
  stage_entry(batch, e, self->state.version);
  ++e.saving;
  e.changed_at = self->clock().now();
  auto done = [self, guid = e.guid, next](bool ok) mutable {
    --self->state.entries.at(guid).saving;
    next(ok);
  };
  self->request(self->state.store, caf::infinite, atom::put_v, std::move(batch), true)
    .then([done](bool ok) mutable { done(ok); }, [done](caf::error&) mutable { done(false); });
}

void save(self_ptr self, console_entry& e) {
  save(self, e, [guid = e.guid](bool ok) {
    if (!ok)
      spdlog::error("console: order {} could not be stored", guid);
  });
}

json counts(const console_state& st, const console_scope& scope) {
  json c = {{"all", 0}, {"waiting", 0}, {"created", 0}, {"accepted", 0},
            {"in_transit", 0}, {"archived", 0}, {"deleted", 0}};
  auto add = [&c](const std::string& state, int n) {
    c[state] = c[state].get<int>() + n;
    if (state != "archived")
      c["all"] = c["all"].get<int>() + n;
  };
  for (const auto& [guid, e] : st.entries)
    if (in_scope(scope, e.restaurant))
      add(e.state, 1);
  for (const auto& [restaurant, by_state] : st.shelved_counts)
    if (in_scope(scope, restaurant))
      for (const auto& [state, n] : by_state)
        add(state, n);
  return c;
}

api_reply bad(const char* field, std::string message) {
  return api_reply::failure(400, "bad_request", std::move(message), json_text(json{{"field", field}}));
}

/// Whether a list of `list_state` shows an order in `state`.
bool shown_in(const std::string& list_state, const std::string& state) {
  return list_state == "all" ? state != "archived" : state == list_state;
}

/// Reads a shelved order's entry from the store; `next(entry or nullopt)`.
template <class F>
void read_shelved(self_ptr self, const std::string& guid, F next) {
  self->request(self->state.store, caf::infinite, atom::get_v, store_key{persistence::table::meta, entry_prefix + guid})
    .then(
      [next, guid](const store_value& v) mutable {
        auto e = v.found ? entry_from_json(v.value) : std::nullopt;
        if (v.found && !e)
          spdlog::error("console: order {}: stored entry cannot be read", guid);
        next(std::move(e));
      },
      [next](caf::error&) mutable { next(std::nullopt); });
}

/// List mode: a page of orders in `state`, newest first, from `cursor`. The
/// orders in memory and the shelved ones are merged by (created_at, guid);
/// shelved ones are read from the store (the page's version is taken first,
/// so an order changed meanwhile is listed again by the next changes poll).
caf::result<api_reply> page(self_ptr self, const console_query& q, bool reset = false) {
  using created_key = std::pair<std::string, std::string>;
  auto& st = self->state;
  std::optional<created_key> from;
  if (!q.cursor.empty()) {
    auto decoded = unhex(q.cursor);
    auto sep = decoded ? decoded->find('\x1f') : std::string::npos;
    if (sep == std::string::npos)
      return bad("cursor", "malformed cursor");
    from = created_key{decoded->substr(0, sep), decoded->substr(sep + 1)};
  }
  static const std::map<created_key, std::string> none;
  auto shelf_it = st.shelved.find(q.state == "all" ? "deleted" : q.state);
  const auto& shelf = shelf_it != st.shelved.end() ? shelf_it->second : none;
  auto mem = from ? st.by_created.lower_bound(*from) : st.by_created.end();
  auto away = from ? shelf.lower_bound(*from) : shelf.end();
  std::vector<std::pair<created_key, bool>> picked; // (position, shelved); one more than a page
  while (picked.size() <= q.limit) {
    bool more_mem = mem != st.by_created.begin();
    bool more_away = away != shelf.begin();
    if (!more_mem && !more_away)
      break;
    if (more_away && (!more_mem || std::prev(away)->first > *std::prev(mem))) {
      --away;
      if (in_scope(q.scope, away->second))
        picked.emplace_back(away->first, true);
    } else {
      --mem;
      const auto& e = st.entries.at(mem->second);
      if (shown_in(q.state, e.state) && in_scope(q.scope, e.restaurant))
        picked.emplace_back(*mem, false);
    }
  }
  json next = nullptr;
  if (picked.size() > q.limit) {
    picked.pop_back();
    next = hex(picked.back().first.first + '\x1f' + picked.back().first.second);
  }
  json data = {{"orders", json::array()}, {"next_cursor", next}, {"version", st.version},
               {"counts", counts(st, q.scope)}};
  if (reset)
    data["reset"] = true;
  auto views = std::make_shared<std::vector<json>>(picked.size());
  std::vector<std::size_t> shelved;
  for (std::size_t i = 0; i < picked.size(); ++i) {
    if (picked[i].second)
      shelved.push_back(i);
    else
      (*views)[i] = view(st.entries.at(picked[i].first.second));
  }
  auto finish = [views](json data) {
    for (auto& v : *views)
      if (!v.is_null()) // a shelved entry that could not be read is left out (logged)
        data["orders"].push_back(std::move(v));
    return api_reply::success(200, json_text(data));
  };
  if (shelved.empty())
    return finish(std::move(data));
  auto rp = self->make_response_promise<api_reply>();
  auto left = std::make_shared<std::size_t>(shelved.size());
  for (auto i : shelved)
    read_shelved(self, picked[i].first.second, [rp, views, left, i, data, finish](std::optional<console_entry> e) mutable {
      if (e)
        (*views)[i] = view(*e);
      if (--*left == 0)
        rp.deliver(finish(std::move(data)));
    });
  return rp;
}

/// Changes mode. A client whose version is older than a shelved order's
/// change may have missed it: it gets the first page again (`reset`), as
/// one from the future does.
caf::result<api_reply> changes(self_ptr self, const console_query& q) {
  const auto& st = self->state;
  if (*q.since_version > st.version || *q.since_version < st.shelved_horizon) {
    console_query first = q;
    first.state = "all";
    first.cursor.clear();
    first.since_version.reset();
    return page(self, first, true);
  }
  json orders = json::array();
  bool more = false;
  std::uint64_t seen = st.version;
  for (auto it = st.by_version.upper_bound(*q.since_version); it != st.by_version.end(); ++it) {
    const auto& e = st.entries.at(it->second);
    if (!in_scope(q.scope, e.restaurant))
      continue;
    if (orders.size() == q.limit) {
      more = true;
      break;
    }
    orders.push_back(view(e));
    seen = e.version;
  }
  if (!more)
    seen = st.version;
  json data = {{"orders", orders}, {"version", seen}, {"more", more}, {"counts", counts(st, q.scope)}};
  return api_reply::success(200, json_text(data));
}

/// 409 with who acted first (docs/console.md §1).
api_reply refusal(const console_entry& e, const std::string& action) {
  json last_ok = nullptr;
  for (auto it = e.history.rbegin(); it != e.history.rend(); ++it)
    if (it->value("result", "") == "ok" && it->value("action", "") != "received") {
      last_ok = *it;
      break;
    }
  json details = {{"delivery_state", e.state},
                  {"last_action", last_ok},
                  {"in_progress", e.in_progress.empty() ? json(nullptr) : json(e.in_progress)}};
  if (!e.in_progress.empty())
    return api_reply::failure(409, "conflict", "the order is busy: " + e.in_progress + " in progress",
                              json_text(details));
  return api_reply::failure(409, "invalid_state", "cannot " + action + " an order in state " + e.state,
                            json_text(details));
}

json history_entry(const console_action& a, const std::string& at) {
  json h = {{"action", a.action}, {"operator", a.scope.operator_name}, {"at", at}, {"result", "ok"}};
  if (a.action == "cancel")
    h["reason"] = a.reason;
  return h;
}

/// Ends an action: history, last_error, new version, persisted (synced), answered.
void conclude(self_ptr self, promise rp, const std::string& guid, json entry, const std::string& to,
              api_reply failure) {
  auto& st = self->state;
  auto& e = st.entries.at(guid);
  auto previous_state = e.state;
  e.in_progress.clear();
  e.running = nullptr;
  if (!to.empty()) // a failure may still move the state (the order ended meanwhile)
    e.state = to;
  if (failure.ok()) {
    e.last_error = nullptr;
  } else {
    entry["result"] = "error";
    entry["error"] = {{"code", failure.code}, {"message", failure.message}};
    e.last_error = {{"code", failure.code}, {"message", failure.message}, {"at", entry["at"]}};
  }
  auto action = action_of(entry);
  e.history.push_back(std::move(entry));
  touch(st, e);
  // Unless the ORDER's relay announced the change already (see tracked()).
  if (changed(e, previous_state))
    announce(self, e, previous_state, action);
  save(self, e, [self, rp, guid, failure](bool) mutable {
    if (!failure.ok())
      rp.deliver(failure);
    else
      rp.deliver(api_reply::success(200, json_text(view(self->state.entries.at(guid)))));
  });
}

/// After an accept attempt: the ORDER's current record replaces the entry's
/// (`whole`), or only its status (a failed attempt keeps the menu preview).
template <class F>
void reload_record(self_ptr self, const std::string& guid, bool whole, F next) {
  auto& e = self->state.entries.at(guid);
  auto src = self->state.sources.find(e.source);
  if (src == self->state.sources.end())
    return next();
  self->request(src->second, std::chrono::seconds(30), atom::find_v, guid_list{{guid}})
    .then(
      [self, guid, whole, next](const api_reply& r) mutable {
        auto data = json::parse(r.data, nullptr, false);
        auto& e = self->state.entries.at(guid);
        if (data.is_object() && data.contains("orders") && data["orders"].is_array() && !data["orders"].empty()) {
          const auto& fresh = data["orders"][0];
          if (whole) {
            auto deliver_at = e.record.value("deliver_at", json(nullptr));
            e.record = fresh;
            e.record["deliver_at"] = deliver_at;
          } else {
            e.record["status"] = fresh.value("status", 5);
            e.record["status_name"] = fresh.value("status_name", "new");
          }
        }
        next();
      },
      [next](caf::error&) mutable { next(); });
}

void set_status(console_entry& e, int status) {
  e.record["status"] = status;
  e.record["status_name"] = status == 3 ? "deleted" : status == 5 ? "new" : e.record.value("status_name", "");
}

void accept(self_ptr self, promise rp, const console_action& a, json entry) {
  auto& st = self->state;
  auto& e = st.entries.at(a.guid);
  auto guid = a.guid;
  auto rest = st.restaurants.find(e.restaurant);
  auto src = st.sources.find(e.source);
  if (rest == st.restaurants.end() || src == st.sources.end())
    return conclude(self, rp, guid, entry, "",
                    api_reply::failure(500, "internal_error", "the order's restaurant or source is no longer configured"));
  auto body = json::parse(e.body, nullptr, false);
  auto cash_wait = caf::duration{rest->second->cfg.cash_server.timeout * 2 + std::chrono::seconds(5)};
  auto base_table = rest->second->cfg.refs.delivery_table_code;
  auto source = src->second;
  // The cart again, against the current menu: stop list and remains block the accept.
  auto parsed = parse_order_body(body, true);
  auto* c = std::get_if<cart>(&parsed);
  if (!c)
    return conclude(self, rp, guid, entry, "",
                    api_reply::failure(500, "internal_error", "the stored order body cannot be read"));
  self->request(rest->second->menu, cash_wait, atom::get_v, c->order_category.value_or(0))
    .then(
      [self, rp, guid, entry, source, base_table, cart = *c](const menu_reply& m) mutable {
        if (!m.value)
          return conclude(self, rp, guid, entry, "", m.failure);
        auto& e = self->state.entries.at(guid);
        e.problems = json::parse(console_problems(*m.value, cart));
        json blocking = json::array();
        for (const auto& p : e.problems)
          if (p.value("blocking", false))
            blocking.push_back(p);
        if (!blocking.empty())
          return conclude(self, rp, guid, entry, "",
                          api_reply::failure(422, "cart_invalid", "the cart cannot be sold now", json_text(blocking)));
        self->request(source, caf::infinite, atom::accept_v, guid, base_table)
          .then(
            [self, rp, guid, entry](const api_reply& r) mutable {
              reload_record(self, guid, r.ok(), [self, rp, guid, entry, r]() mutable {
                auto& e = self->state.entries.at(guid);
                if (r.ok())
                  return conclude(self, rp, guid, entry, "created", r);
                // A refusal after CreateOrder ends the order (status 3) on the gateway side.
                int status = e.record.value("status", 5);
                return conclude(self, rp, guid, entry, status == 3 ? "deleted" : "", r);
              });
            },
            [self, rp, guid, entry](caf::error& err) mutable {
              conclude(self, rp, guid, entry, "",
                       api_reply::failure(500, "internal_error", "accept failed: " + caf::to_string(err)));
            });
      },
      [self, rp, guid, entry](caf::error& err) mutable {
        conclude(self, rp, guid, entry, "",
                 api_reply::failure(503, "cash_server_unavailable", "menu not available: " + caf::to_string(err)));
      });
}

void cancel(self_ptr self, promise rp, const console_action& a, json entry) {
  auto& e = self->state.entries.at(a.guid);
  auto src = self->state.sources.find(e.source);
  auto guid = a.guid;
  if (src == self->state.sources.end())
    return conclude(self, rp, guid, entry, "",
                    api_reply::failure(500, "internal_error", "the order's source is no longer configured"));
  self->request(src->second, std::chrono::seconds(30), atom::cancel_v, guid, a.reason)
    .then(
      [self, rp, guid, entry](const api_reply& r) mutable {
        if (r.ok()) {
          set_status(self->state.entries.at(guid), 3);
          return conclude(self, rp, guid, entry, "deleted", r);
        }
        // Refused: perhaps cancelled through POST /api/v3/cancel meanwhile.
        reload_record(self, guid, false, [self, rp, guid, entry, r]() mutable {
          bool ended = self->state.entries.at(guid).record.value("status", 5) == 3;
          conclude(self, rp, guid, entry, ended ? "deleted" : "", r);
        });
      },
      [self, rp, guid, entry](caf::error& err) mutable {
        conclude(self, rp, guid, entry, "",
                 api_reply::failure(500, "internal_error", "cancel failed: " + caf::to_string(err)));
      });
}

/// One order read (action empty) or an action on it; `e` is null when
/// there is no such console order.
void act(self_ptr self, promise rp, const console_action& a, console_entry* e_ptr) {
  auto& st = self->state;
  if (!e_ptr || !in_scope(a.scope, e_ptr->restaurant)) {
    rp.deliver(api_reply::failure(404, "not_found", "no such console order"));
    return;
  }
  auto& e = *e_ptr;
  if (a.action.empty()) {
    rp.deliver(api_reply::success(200, json_text(view(e))));
    return;
  }
  if (!allows(e, a.action)) {
    rp.deliver(refusal(e, a.action));
    return;
  }
  auto entry = history_entry(a, now_iso8601());
  if (a.action == "accept" || a.action == "cancel") {
    // Marked busy at once: a second operator now gets 409 conflict.
    e.in_progress = a.action;
    e.running = entry;
    touch(st, e);
    save(self, e);
    if (a.action == "accept")
      return accept(self, rp, a, entry);
    return cancel(self, rp, a, entry);
  }
  conclude(self, rp, a.guid, entry, rule_of(a.action).to, api_reply::success(200, ""));
}

// -- status tracking (docs/console.md §1) -------------------------------------------

/// The delivery_state an order reaches when its status becomes `status`.
std::string tracked_state(const console_entry& e, int status) {
  if (status == 3)
    return e.state == "archived" ? e.state : "deleted";
  if (status == 1 || status == 2) // bill printed or closed: staff has the order
    return e.state == "waiting" || e.state == "created" ? "accepted" : e.state;
  if (status != 5 && e.state == "waiting") // created on the cash server (also after a restart mid-accept)
    return "created";
  return e.state;
}

/// Records and announces a change that tracking found: the running action
/// (accept, cancel) caused it, or else a `tracking` history entry says so.
void tracked_change(self_ptr self, console_entry& e, const std::string& previous_state) {
  auto& st = self->state;
  auto at = now_iso8601();
  json action = {{"action", "tracking"}, {"operator", nullptr}, {"at", at}};
  if (e.running.is_object()) {
    action = action_of(e.running);
  } else if (e.state != previous_state) {
    e.history.push_back({{"action", "tracking"}, {"operator", nullptr}, {"at", at}, {"result", "ok"}, {"to", e.state}});
    action = action_of(e.history.back());
  }
  touch(st, e);
  announce(self, e, previous_state, action);
  save(self, e);
}

/// The ORDER of a console order changed status (its relay of announce_status);
/// `entry` is null when the console never indexed the order.
void tracked(self_ptr self, const console_status& s, const json& fresh, console_entry* entry) {
  int status = fresh.value("status", 5);
  if (!entry) {
    // A manual order the console never indexed (its arrival failed): announced all the same.
    console_entry e;
    e.guid = s.guid;
    e.source = s.source;
    e.record = fresh;
    e.state = status == 3 ? "deleted" : status == 5 ? "waiting" : "created";
    e.body = json_text(json{{"callback_url", s.callback_url}});
    e.announced = *s.previous;
    return announce(self, e, std::nullopt, {{"action", "tracking"}, {"operator", nullptr}, {"at", now_iso8601()}});
  }
  auto& e = *entry;
  int previous_status = e.record.value("status", 5);
  auto previous_state = e.state;
  // The ORDER's record once the order is on the cash server (a cancel before
  // that keeps the console's menu-priced preview).
  bool on_cash_server = status != 5 && (status != 3 || previous_status != 5 || e.in_progress == "accept");
  if (on_cash_server) {
    auto deliver_at = e.record.value("deliver_at", json(nullptr));
    e.record = fresh;
    e.record["deliver_at"] = deliver_at;
  } else {
    set_status(e, status);
  }
  e.state = tracked_state(e, status);
  if (changed(e, previous_state))
    tracked_change(self, e, previous_state);
}

/// The STATUS POLLER saw a later version of the order on the cash server than
/// after its creation: staff opened and saved it (created -> accepted).
void changed_on_till(self_ptr self, const std::string& guid) {
  auto it = self->state.entries.find(guid);
  if (it == self->state.entries.end() || it->second.state != "created" || !it->second.in_progress.empty())
    return;
  auto& e = it->second;
  e.state = "accepted";
  tracked_change(self, e, "created");
}

/// An ORDER's event about a console order: delivery_state added, passed on.
void relay_event(self_ptr self, events::new_event ev, const console_entry* e) {
  auto& st = self->state;
  std::string state = e ? e->state : "";
  if (ev.what == events::code::save_order && (state.empty() || state == "waiting"))
    state = "created"; // save_order: the order is now on the cash server
  if (ev.order.is_object() && !state.empty())
    ev.order["delivery_state"] = state;
  if (st.events)
    self->send(st.events, atom::put_v, std::move(ev));
}

void add_to_index(console_state& st, console_entry e) {
  st.by_version[e.version] = e.guid;
  st.by_created.insert({e.created_at, e.guid});
  auto guid = e.guid;
  st.entries[guid] = std::move(e);
}

// -- archived and deleted orders out of memory (docs/console.md §6) -----------------

void add_to_shelf(console_state& st, const console_brief& b) {
  st.shelved[b.state][{b.created_at, b.guid}] = b.restaurant;
  ++st.shelved_counts[b.restaurant][b.state];
  st.shelved_horizon = std::max(st.shelved_horizon, b.version);
}

/// Takes a finished order out of memory; its entry and brief are in the store.
void shelve(console_state& st, const console_entry& e) {
  st.by_version.erase(e.version);
  st.by_created.erase({e.created_at, e.guid});
  add_to_shelf(st, brief_of(e));
}

/// Brings a shelved order back into memory (an action or a change came for it).
void unshelve(self_ptr self, console_entry e) {
  auto& st = self->state;
  auto shelf = st.shelved.find(e.state);
  if (shelf != st.shelved.end() && shelf->second.erase({e.created_at, e.guid}))
    --st.shelved_counts[e.restaurant][e.state];
  e.changed_at = self->clock().now();
  add_to_index(st, std::move(e));
}

/// Runs `f` with the order's entry: at once when it is in memory, else once
/// it is read back from the store (null: not a console order). What comes
/// for an order while it is read waits behind, in arrival order.
void with_entry(self_ptr self, const std::string& guid, std::function<void(console_entry*)> f) {
  auto& st = self->state;
  if (auto it = st.entries.find(guid); it != st.entries.end())
    return f(&it->second);
  auto& waiting = st.loading[guid];
  waiting.push_back(std::move(f));
  if (waiting.size() > 1)
    return;
  read_shelved(self, guid, [self, guid](std::optional<console_entry> e) {
    auto& st = self->state;
    if (e && e->guid == guid && !st.entries.count(guid))
      unshelve(self, std::move(*e));
    auto waiting = std::move(st.loading[guid]);
    st.loading.erase(guid);
    for (auto& f : waiting) {
      auto it = st.entries.find(guid);
      f(it != st.entries.end() ? &it->second : nullptr);
    }
  });
}

/// Shelves the finished orders idle for `unload_after`, then looks again.
void shelve_idle(self_ptr self) {
  auto& st = self->state;
  auto now = self->clock().now();
  for (auto it = st.entries.begin(); it != st.entries.end();) {
    const auto& e = it->second;
    if (finished(e.state) && e.in_progress.empty() && e.saving == 0 && now - e.changed_at >= st.unload_after) {
      shelve(st, e);
      it = st.entries.erase(it);
    } else {
      ++it;
    }
  }
  auto period = std::clamp<caf::timespan>(st.unload_after / 2, std::chrono::milliseconds(100), std::chrono::minutes(1));
  self->delayed_send(self, period, atom::tick_v);
}

console_actor::behavior_type console(self_ptr self, store_actor store, notifier_actor notifier,
                                     events_log_actor events, console_restore restored,
                                     std::chrono::milliseconds unload_after) {
  auto& st = self->state;
  st.store = store;
  st.notifier = std::move(notifier);
  st.events = std::move(events);
  st.version = restored.version;
  st.unload_after = unload_after;
  // Shutdown: the console stops with the STORE it writes to.
  self->monitor(st.store);
  self->set_down_handler([self](caf::down_msg&) { self->quit(); });
  for (const auto& [guid, text] : restored.entries)
    if (auto e = entry_from_json(text)) {
      st.version = std::max(st.version, e->version);
      e->changed_at = self->clock().now();
      add_to_index(st, std::move(*e));
    }
  for (const auto& b : restored.finished) {
    st.version = std::max(st.version, b.version);
    add_to_shelf(st, b);
  }
  if (unload_after.count() > 0)
    shelve_idle(self);
  return {
    [self](atom::create, const console_arrival& a) -> caf::result<bool> {
      auto& st = self->state;
      if (st.entries.count(a.guid))
        return true;
      console_entry e;
      e.guid = a.guid;
      e.source = a.source;
      e.restaurant = a.restaurant;
      e.body = a.body;
      e.record = json::parse(a.record, nullptr, false);
      if (!e.record.is_object())
        e.record = json::object();
      e.created_at = e.record.value("created_at", now_iso8601());
      e.problems = json::parse(a.problems, nullptr, false);
      if (!e.problems.is_array())
        e.problems = json::array();
      e.history.push_back({{"action", "received"}, {"operator", nullptr}, {"at", e.created_at}, {"result", "ok"}});
      e.version = ++st.version;
      add_to_index(st, e);
      auto& stored = st.entries.at(a.guid);
      announce(self, stored, std::nullopt, action_of(stored.history.back()));
      auto rp = self->make_response_promise<bool>();
      save(self, stored, [rp](bool ok) mutable { rp.deliver(ok); });
      return rp;
    },
    [self](atom::list, const console_query& q) -> caf::result<api_reply> {
      return q.since_version ? changes(self, q) : page(self, q);
    },
    [self](atom::run, const console_action& a) -> caf::result<api_reply> {
      auto rp = self->make_response_promise<api_reply>();
      with_entry(self, a.guid, [self, rp, a](console_entry* e) mutable { act(self, rp, a, e); });
      return rp;
    },
    [self](atom::loaded, console_wiring& w) {
      self->state.restaurants = std::move(w.restaurants);
      self->state.sources = std::move(w.sources);
    },
    [self](atom::status, const console_status& s) {
      if (!s.previous) // the first status (received, waiting): the arrival announces it
        return;
      auto fresh = json::parse(s.record, nullptr, false);
      if (!fresh.is_object())
        return;
      with_entry(self, s.guid, [self, s, fresh](console_entry* e) { tracked(self, s, fresh, e); });
    },
    [self](atom::put, events::new_event& ev) {
      with_entry(self, ev.guid, [self, ev](console_entry* e) { relay_event(self, ev, e); });
    },
    [self](atom::refresh, const std::string& guid) { changed_on_till(self, guid); },
    [self](atom::tick) { shelve_idle(self); },
  };
}

} // namespace

namespace {

/// A store written before briefs existed: every entry is read once, and
/// gets its brief.
void add_briefs(persistence::store& db, console_restore& r) {
  persistence::write_batch batch;
  db.scan(persistence::table::meta, entry_prefix, [&](std::string_view key, std::string_view value) {
    auto e = entry_from_json(std::string(value));
    if (!e)
      return true;
    batch.put(persistence::table::meta, brief_prefix + e->guid, brief_text(*e));
    if (finished(e->state))
      r.finished.push_back(brief_of(*e));
    else
      r.entries[std::string(key.substr(entry_prefix.size()))] = std::string(value);
    return true;
  });
  batch.put(persistence::table::meta, briefs_key, "1");
  std::string error;
  if (!db.write(batch, true, &error))
    spdlog::error("console: briefs not stored (they are written again at the next start): {}", error);
}

} // namespace

void stage_console_order(persistence::write_batch& batch, const console_brief& b, const std::string& source,
                         const std::string& record, const std::string& body, const std::string& history) {
  console_entry e;
  e.guid = b.guid;
  e.source = source;
  e.restaurant = b.restaurant;
  e.created_at = b.created_at;
  e.state = b.state;
  e.record = json::parse(record);
  e.body = body;
  e.history = json::parse(history);
  e.version = b.version;
  e.announced = e.record.value("status", 5);
  stage_entry(batch, e, e.version);
  batch.put(persistence::table::meta, briefs_key, "1");
}

console_restore read_console(persistence::store& db) {
  console_restore r;
  if (!db.get(persistence::table::meta, briefs_key)) {
    add_briefs(db, r);
  } else {
    db.scan(persistence::table::meta, brief_prefix, [&](std::string_view key, std::string_view value) {
      auto b = brief_from(std::string(key.substr(brief_prefix.size())), value);
      if (!b)
        return true;
      if (finished(b->state)) {
        r.finished.push_back(std::move(*b));
      } else if (auto text = db.get(persistence::table::meta, entry_prefix + b->guid)) {
        r.entries[b->guid] = std::move(*text);
      }
      return true;
    });
  }
  if (auto v = db.get(persistence::table::meta, version_key))
    r.version = std::strtoull(v->c_str(), nullptr, 10);
  return r;
}

console_actor spawn_console(caf::actor_system& sys, store_actor store, notifier_actor notifier,
                            events_log_actor events, console_restore restored,
                            std::chrono::milliseconds unload_after) {
  return sys.spawn(console, store, std::move(notifier), std::move(events), std::move(restored), unload_after);
}

} // namespace rkgate::actors
