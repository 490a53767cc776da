// The NOTIFIER: push callbacks (api.md §4). Each job is signed with its
// source's secret and stored in the durable outbox (synced) before anything
// is sent; the dispatcher decides what to attempt when (in order per order,
// backoff for at least 24 h, a cap per URL so a slow endpoint only delays its
// own orders); the attempts go out through the one net::http_engine, whose
// thread only sends the outcome back here. Detached: the outbox does disk I/O.

#include "actors/spawn.hpp"

#include "net/http_engine.hpp"
#include "notify/dispatcher.hpp"
#include "notify/outbox.hpp"
#include "notify/signature.hpp"

#include <caf/all.hpp>
#include <caf/detail/set_thread_name.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <map>

namespace rkgate::actors {

struct notifier_state {
  struct source_keys {
    std::string secret;
    std::string default_url;
  };
  std::map<std::string, source_keys> sources;
  std::shared_ptr<persistence::store> db;
  std::unique_ptr<notify::outbox> box;
  notify::dispatcher dispatch;
  std::shared_ptr<net::http_engine> engine;
  std::optional<notify::time_point> armed; ///< a tick is scheduled for then
  std::shared_ptr<std::atomic<std::uint64_t>> depth; ///< callbacks pending, for GET /metrics
  static constexpr const char* name = "notifier";
};

namespace {

using self_ptr = notifier_actor::stateful_pointer<notifier_state>;

/// Sends what is due and arms a tick for the next delivery that waits on time.
void pump(self_ptr self) {
  auto& st = self->state;
  st.depth->store(st.dispatch.pending(), std::memory_order_relaxed);
  auto now = notify::clock::now();
  auto hdl = caf::actor_cast<notifier_actor>(self);
  for (auto& d : st.dispatch.due(now)) {
    auto guid = d.order_guid;
    auto seq = d.sequence;
    st.engine->post(notify::callback_request(d), [hdl, guid, seq](net::outcome o) {
      callback_done done{guid, seq, o.http_status, static_cast<int>(o.error), o.error_message};
      caf::anon_send(hdl, atom::done_v, std::move(done));
    });
  }
  auto next = st.dispatch.next_wakeup();
  if (!next || (st.armed && *st.armed <= *next))
    return;
  st.armed = *next;
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*next - now);
  self->delayed_send(self, std::max(wait, std::chrono::milliseconds(1)), atom::tick_v);
}

void enqueue(self_ptr self, const callback_job& job) {
  auto& st = self->state;
  auto src = st.sources.find(job.source);
  if (src == st.sources.end()) {
    spdlog::warn("notifier: order {}: unknown source {}", job.order_guid, job.source);
    return;
  }
  const auto& url = job.url.empty() ? src->second.default_url : job.url;
  if (url.empty())
    return; // neither the order nor its source asked for callbacks
  try {
    auto d = st.box->enqueue(job.order_guid, url, notify::signature(src->second.secret, job.body), job.body,
                             notify::clock::now());
    st.dispatch.add(std::move(d));
  } catch (const std::exception& e) {
    spdlog::error("notifier: order {}: callback not stored: {}", job.order_guid, e.what());
    return;
  }
  pump(self);
}

void completed(self_ptr self, const callback_done& done) {
  auto& st = self->state;
  net::outcome o;
  o.http_status = done.http_status;
  o.error = static_cast<net::error_kind>(done.error);
  o.error_message = done.error_message;
  auto r = st.dispatch.complete(done.order_guid, done.sequence, o, notify::clock::now());
  if (!r)
    return;
  try {
    switch (r->what) {
      case notify::dispatcher::verdict::delivered:
        st.box->remove(r->d);
        break;
      case notify::dispatcher::verdict::retry:
        spdlog::info("notifier: callback {} to {} failed ({}), attempt {}", r->d.id(), r->d.url,
                     r->d.last_error, r->d.attempts);
        st.box->update(r->d);
        break;
      case notify::dispatcher::verdict::gave_up:
        spdlog::error("notifier: callback {} to {} given up after {} attempts: {}", r->d.id(), r->d.url,
                      r->d.attempts, r->d.last_error);
        st.box->remove(r->d);
        break;
    }
  } catch (const std::exception& e) {
    spdlog::error("notifier: outbox write failed: {}", e.what());
  }
  pump(self);
}

notifier_actor::behavior_type notifier(self_ptr self, std::vector<config::source> sources,
                                       std::shared_ptr<persistence::store> db,
                                       std::shared_ptr<net::http_engine> engine,
                                       std::shared_ptr<std::atomic<std::uint64_t>> depth) {
  caf::detail::set_thread_name("rkgate.notify");
  auto& st = self->state;
  st.depth = std::move(depth);
  for (const auto& s : sources)
    st.sources[s.name] = notifier_state::source_keys{s.secret, s.callback_url};
  st.db = std::move(db);
  st.engine = std::move(engine);
  st.box = std::make_unique<notify::outbox>(*st.db);
  try {
    auto loaded = st.box->load();
    for (const auto& key : loaded.unreadable_keys)
      spdlog::error("notifier: unreadable outbox record {}", key);
    for (auto& d : loaded.deliveries)
      st.dispatch.add(std::move(d));
    if (st.dispatch.pending() > 0)
      spdlog::info("notifier: {} callbacks pending from before the restart", st.dispatch.pending());
  } catch (const std::exception& e) {
    spdlog::error("notifier: outbox not loaded: {}", e.what());
  }
  pump(self);
  return {
    [self](atom::put, const callback_job& job) { enqueue(self, job); },
    [self](atom::done, const callback_done& done) { completed(self, done); },
    [self](atom::tick) {
      self->state.armed.reset();
      pump(self);
    },
  };
}

} // namespace

notifier_actor spawn_notifier(caf::actor_system& sys, std::vector<config::source> sources,
                              std::shared_ptr<persistence::store> db, std::shared_ptr<net::http_engine> engine,
                              std::shared_ptr<std::atomic<std::uint64_t>> depth) {
  if (!depth)
    depth = std::make_shared<std::atomic<std::uint64_t>>(0);
  return sys.spawn<caf::detached>(notifier, std::move(sources), std::move(db), std::move(engine), std::move(depth));
}

} // namespace rkgate::actors
