// The STATUS POLLER of one cash server: GetOrderList with `lastversion`
// (an unchanged server answers "No changes"), then a refresh for each
// followed order whose version changed or that left the list. The list is
// lean: open orders only (`onlyOpened`), and without the IDs and codes of
// each order's table, waiter, category and type (`needIdents`/`needCodes` 0,
// names are off by default; about a third of an order's bytes): only `guid`
// and `Version` are compared. An
// order absent from it (closed, paid or voided) is read back by its ORDER
// with GetOrder, which tells finished from voided. The ORDER actors read
// themselves back and announce; an ORDER that left memory gets the refresh
// through its SOURCE, which loads it again.

#include "actors/spawn.hpp"
#include "actors/upkeep_slots.hpp"
#include "common/guid.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace rkgate::actors {

/// The orders a STATUS POLLER follows, sorted by the guid's bits. A list of
/// hundreds is compared every period: the keys and the fields the comparison
/// reads sit in arrays of their own (a few kilobytes, in cache after the first
/// lookups), where a hash map cost a cache miss or two per listed order on a
/// gateway holding tens of thousands (docs/performance-log.md, session 17).
class followed_orders {
public:
  /// What only a change needs.
  struct target {
    std::string guid;
    order_actor order;   ///< null while the order is out of memory
    source_actor source; ///< loads it again when it is
  };

  std::size_t size() const noexcept { return keys_.size(); }
  bool empty() const noexcept { return keys_.empty(); }

  /// The index of `key`, or size() when it is not followed.
  std::size_t find(const guid_bits& key) const {
    auto it = std::lower_bound(keys_.begin(), keys_.end(), key, less);
    return it != keys_.end() && *it == key ? static_cast<std::size_t>(it - keys_.begin()) : size();
  }

  void add(const guid_bits& key, target t, std::int64_t known_version, std::uint64_t watched_at) {
    auto at = std::lower_bound(keys_.begin(), keys_.end(), key, less) - keys_.begin();
    keys_.insert(keys_.begin() + at, key);
    version.insert(version.begin() + at, known_version);
    listed.insert(listed.begin() + at, 0);
    watched_at_.insert(watched_at_.begin() + at, watched_at);
    targets.insert(targets.begin() + at, std::move(t));
  }

  void erase(std::size_t i) {
    keys_.erase(keys_.begin() + i);
    version.erase(version.begin() + i);
    listed.erase(listed.begin() + i);
    watched_at_.erase(watched_at_.begin() + i);
    targets.erase(targets.begin() + i);
  }

  std::uint64_t watched_at(std::size_t i) const { return watched_at_[i]; }

  std::vector<std::int64_t> version;   ///< the order's version last seen or read; -1 = none yet
  std::vector<std::uint64_t> listed;   ///< the last list (`lists`) that had it
  std::vector<target> targets;

private:
  static bool less(const guid_bits& a, const guid_bits& b) { return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo; }
  std::vector<guid_bits> keys_;
  std::vector<std::uint64_t> watched_at_; ///< `polls` when it was first watched: those lists do not judge it
};

struct status_poller_state {
  std::string restaurant;
  cash_server_actor cash;
  poll_timing timing;
  till_change_listener till; ///< hears of orders changed after their first sighting (may be null)
  std::shared_ptr<read_stamp> answered; ///< marked on each answered list (may be null)
  std::optional<std::int64_t> last_version;
  followed_orders orders;
  std::uint64_t lists = 0; ///< full lists compared so far
  std::uint64_t polls = 0; ///< lists asked for so far
  std::uint64_t last_watch = 0; ///< `polls` when the latest new order was watched
  bool in_flight = false;
  std::uint64_t tick = 0; ///< only the latest scheduled tick polls
  static constexpr const char* name = "status-poller";
};

namespace {

using self_ptr = status_poller_actor::stateful_pointer<status_poller_state>;

void schedule(self_ptr self) {
  auto& st = self->state;
  caf::timespan period = st.orders.empty() ? st.timing.idle : st.timing.active;
  auto delay = until_slot(self->clock().now().time_since_epoch(), period, st.timing.phase);
  self->delayed_send(self, delay, atom::tick_v, ++st.tick);
}

/// Hands a change to the ORDER, or to its SOURCE while it is out of memory.
void refresh(self_ptr self, const followed_orders::target& t, bool absent) {
  if (t.order)
    self->send(t.order, atom::refresh_v, absent);
  else if (t.source)
    self->send(t.source, atom::refresh_v, t.guid, absent);
}

/// One pass over the list, and one over the followed orders only when some
/// were not listed, nothing allocated: after a busy hour a restaurant lists
/// hundreds of open orders, in full whenever one of them changed (r_keeper's
/// `lastversion` answers all or nothing), every period. A guid is matched
/// whatever its spelling. `asked` numbers the poll the list answers:
/// a list asked for before an order was watched may predate the ORDER's own
/// read (its reply can be overtaken by SaveOrder's), so it says nothing of it:
/// neither an older version (no change on the till) nor its absence.
void compare(self_ptr self, const rk7::order_list& list, std::uint64_t asked) {
  auto& st = self->state;
  auto& followed = st.orders;
  const auto round = ++st.lists;
  std::size_t listed = 0;
  for (const auto& o : list.orders) {
    auto i = o.guid_key ? followed.find(*o.guid_key) : followed.size();
    if (i == followed.size())
      continue; // not followed: not the gateway's
    if (asked <= followed.watched_at(i) || followed.listed[i] == round)
      continue;
    followed.listed[i] = round;
    ++listed;
    if (o.version != followed.version[i]) {
      // The first sighting also refreshes, unless it shows the version the
      // ORDER read itself: a change may have happened before.
      // A later version is a change made after creation (e.g. on the till).
      if (followed.version[i] != -1 && st.till)
        self->send(st.till, atom::refresh_v, followed.targets[i].guid);
      followed.version[i] = o.version;
      refresh(self, followed.targets[i], false);
    }
  }
  if (listed == followed.size())
    return;
  for (std::size_t i = 0; i < followed.size(); ++i)
    if (followed.listed[i] != round && asked > followed.watched_at(i))
      refresh(self, followed.targets[i], true);
}

void poll(self_ptr self) {
  auto& st = self->state;
  if (st.in_flight)
    return;
  st.in_flight = true;
  const auto asked = ++st.polls;
  rk7::get_order_list req;
  // Without followed orders there is nothing to compare: keep the version only.
  req.last_version = st.last_version;
  req.only_opened = true;
  req.need_idents = false;
  req.need_codes = false;
  self->request(st.cash, caf::infinite, atom::call_v, req)
    .then(
      [self, asked](rk7_result<rk7::order_list>& r) {
        auto& st = self->state;
        st.in_flight = false;
        if (!r) {
          spdlog::debug("status poller {}: {}", st.restaurant, describe(r.error()));
          return schedule(self);
        }
        if (st.answered)
          st.answered->mark();
        if (!r->no_changes) {
          compare(self, *r, asked);
          // Asked for before the latest watch: the next list must be full.
          if (asked > st.last_watch)
            st.last_version = r->last_version;
        }
        schedule(self);
      },
      [self](caf::error& err) {
        self->state.in_flight = false;
        spdlog::warn("status poller {}: {}", self->state.restaurant, caf::to_string(err));
        schedule(self);
      });
}

status_poller_actor::behavior_type status_poller(self_ptr self, std::string restaurant,
                                                 cash_server_actor cash, poll_timing timing,
                                                 till_change_listener till, std::shared_ptr<read_stamp> answered) {
  auto& st = self->state;
  st.restaurant = std::move(restaurant);
  st.cash = std::move(cash);
  st.timing = timing;
  st.till = std::move(till);
  st.answered = std::move(answered);
  schedule(self);
  return {
    [self](atom::watch, const std::string& guid, order_actor& order, source_actor& source,
           std::int64_t known_version) {
      auto& st = self->state;
      auto key = guid_bits_of(guid);
      if (!key) {
        spdlog::error("status poller {}: not a GUID, not followed: {}", st.restaurant, guid);
        return;
      }
      bool was_idle = st.orders.empty();
      if (auto i = st.orders.find(*key); i != st.orders.size()) {
        // Followed already: its ORDER left memory (null) or was loaded again.
        // A change seen since the version it read may have been on its way to
        // the ORDER that left, so it is handed on now (to the SOURCE, which
        // loads the ORDER again, or to the ORDER now in memory).
        auto& t = st.orders.targets[i];
        t.order = std::move(order);
        t.source = std::move(source);
        if (st.orders.version[i] != known_version)
          refresh(self, t, false);
        return;
      }
      // A version the ORDER has already read (SaveOrder's reply) is not read back.
      st.orders.add(*key, followed_orders::target{guid, std::move(order), std::move(source)}, known_version, st.polls);
      // A full list next time, so the new order's version is learned.
      st.last_version.reset();
      st.last_watch = st.polls;
      if (was_idle)
        poll(self);
    },
    [self](atom::forget, const std::string& guid) {
      auto& orders = self->state.orders;
      if (auto key = guid_bits_of(guid))
        if (auto i = orders.find(*key); i != orders.size())
          orders.erase(i);
    },
    [self](atom::tick, std::uint64_t n) {
      if (n == self->state.tick)
        poll(self);
    },
  };
}

} // namespace

status_poller_actor spawn_status_poller(caf::actor_system& sys, std::string restaurant,
                                        cash_server_actor cash, poll_timing timing,
                                        till_change_listener till, std::shared_ptr<read_stamp> answered) {
  return sys.spawn(status_poller, std::move(restaurant), std::move(cash), timing, std::move(till),
                   std::move(answered));
}

} // namespace rkgate::actors
