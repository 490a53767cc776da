// The EVENTS LOG: owns the events feed of /api/v4/events (api.md §6) with its
// retention window, persisted in the store's `events` table so hashes and
// events survive restarts. Detached: appends and prunes do disk I/O. At lower
// priority than the event loop: no request waits for an append, so under load
// it runs when a core is free and writes bigger batches.

#include "actors/spawn.hpp"

#include "background_thread.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

namespace rkgate::actors {

struct events_log_state {
  std::shared_ptr<persistence::store> db;
  std::unique_ptr<events::feed> feed;
  persistence::write_batch staged; ///< appended, not written yet
  bool flush_scheduled = false;
  /// Writes what is staged (unsynced) and starts a new batch.
  void write_staged() {
    std::string error;
    if (feed && !feed->write(staged, &error))
      spdlog::error("events log: {} events not stored: {}", staged.ops().size(), error);
    staged = persistence::write_batch{};
  }
  /// An exit may overtake the scheduled flush: what is staged is written here.
  ~events_log_state() { write_staged(); }
  static constexpr const char* name = "events-log";
};

namespace {

using self_ptr = events_log_actor::stateful_pointer<events_log_state>;

/// Events older than this keep only their hash, restaurant and time in
/// memory; their texts are read back from the store when a page needs them.
/// Readers poll for the newest events every few seconds, while the retention
/// window (5 minutes by default) holds about 1 KB per event for every event
/// of every restaurant: at 2,000 orders a second, 600 MB (docs/events.md).
constexpr auto texts_in_memory = std::chrono::seconds(10);

events_log_actor::behavior_type events_log(self_ptr self, std::shared_ptr<persistence::store> db,
                                           std::chrono::milliseconds retention) {
  // Detached, on its own thread: no request waits for an append.
  detail::run_in_background("rkgate.events", events_nice);
  auto& st = self->state;
  st.db = std::move(db);
  st.feed = std::make_unique<events::feed>(st.db.get(), retention, std::random_device{}(), texts_in_memory);
  try {
    if (auto bad = st.feed->load(events::clock::now()))
      spdlog::warn("events log: {} unreadable events dropped", bad);
  } catch (const std::exception& e) {
    spdlog::error("events log: not loaded: {}", e.what());
  }
  return {
    [self](atom::put, events::new_event& e) {
      auto& st = self->state;
      try {
        st.feed->append(std::move(e), events::clock::now(), st.staged);
      } catch (const std::exception& ex) {
        spdlog::error("events log: event not added: {}", ex.what());
        return;
      }
      if (!st.flush_scheduled) {
        st.flush_scheduled = true;
        // Mailbox order: the flush runs after every put already queued.
        self->send(self, atom::flush_v);
      }
    },
    [self](atom::flush) {
      auto& st = self->state;
      st.flush_scheduled = false;
      st.write_staged();
    },
    [self](atom::get, const events_query& q) -> std::string {
      auto visible = [&q](const std::string& restaurant) {
        return std::find(q.restaurants.begin(), q.restaurants.end(), restaurant) != q.restaurants.end();
      };
      try {
        return events::page_text(self->state.feed->since(q.hash, visible, events::clock::now()));
      } catch (const std::exception& e) {
        spdlog::error("events log: read failed: {}", e.what());
        return events::page_text(events::page{{}, true});
      }
    },
    // Idle for a while: what left the retention window goes, and the texts
    // of stored events past the in-memory window leave memory, as the next
    // append would do. Without it a burst followed by silence kept its events
    // (and up to texts_in_memory of their texts) until the next event or read.
    caf::after(std::min<std::chrono::milliseconds>(texts_in_memory, retention)) >>
      [self] { self->state.feed->tidy(events::clock::now()); }
  };
}

} // namespace

events_log_actor spawn_events_log(caf::actor_system& sys, std::shared_ptr<persistence::store> db,
                                  std::chrono::milliseconds retention) {
  return sys.spawn<caf::detached>(events_log, std::move(db), retention);
}

} // namespace rkgate::actors
