#include "actors/ops_metrics.hpp"

#include "actors/gateway.hpp"

#include <chrono>

namespace rkgate::actors {

rk7_poster counted_poster(rk7_poster inner, std::shared_ptr<rk7_call_stats> stats) {
  return [inner = std::move(inner), stats = std::move(stats)](std::string xml, rk7::body_callback done) {
    auto start = std::chrono::steady_clock::now();
    inner(std::move(xml), [stats, start, done = std::move(done)](rk7::result<std::string> r) {
      stats->duration.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      if (!r)
        stats->errors[static_cast<std::size_t>(r.error().kind)].fetch_add(1, std::memory_order_relaxed);
      done(std::move(r));
    });
  };
}

void write_metrics(const directory& dir, metrics::text_writer& out) {
  out.family("rkgate_cash_server_up", "1 when the cash server's last call or health check succeeded.", "gauge");
  for (const auto& [id, r] : dir.restaurants) {
    auto h = r->health ? r->health->read() : nullptr;
    out.sample("rkgate_cash_server_up", {{"restaurant", id}}, h && h->reachable ? 1 : 0);
  }
  out.family("rkgate_rk7_call_duration_seconds", "r_keeper XML calls: time from sending to the answer.", "histogram");
  for (const auto& [id, r] : dir.restaurants)
    if (r->rk7_calls)
      out.histogram("rkgate_rk7_call_duration_seconds", {{"restaurant", id}}, r->rk7_calls->duration.snapshot());
  out.family("rkgate_rk7_call_errors_total", "r_keeper XML calls that failed in transport, by kind.", "counter");
  for (const auto& [id, r] : dir.restaurants)
    if (r->rk7_calls)
      for (std::size_t kind = 0; kind < r->rk7_calls->errors.size(); ++kind)
        if (auto n = r->rk7_calls->errors[kind].load(std::memory_order_relaxed))
          out.sample("rkgate_rk7_call_errors_total",
                     {{"restaurant", id}, {"kind", rk7::to_string(static_cast<rk7::error_kind>(kind))}},
                     static_cast<double>(n));
  out.family("rkgate_order_status_changes_total",
             "Orders reaching each status (api.md §2), as announced in callbacks and events.", "counter");
  for (const auto& [id, r] : dir.restaurants)
    if (r->status_changes)
      for (std::size_t status = 0; status < r->status_changes->by_status.size(); ++status)
        if (auto n = r->status_changes->by_status[status].load(std::memory_order_relaxed))
          out.sample("rkgate_order_status_changes_total", {{"restaurant", id}, {"status", std::to_string(status)}},
                     static_cast<double>(n));
  out.family("rkgate_callbacks_pending", "Push callbacks stored and not yet delivered or given up.", "gauge");
  out.sample("rkgate_callbacks_pending", {},
             dir.callbacks_pending ? static_cast<double>(dir.callbacks_pending->load(std::memory_order_relaxed)) : 0);
  out.family("rkgate_open_orders", "Orders of a source being created or open (not closed, deleted or failed).",
             "gauge");
  for (const auto& [name, s] : dir.source_orders)
    out.sample("rkgate_open_orders", {{"source", name}}, static_cast<double>(s->open.load(std::memory_order_relaxed)));
  out.family("rkgate_orders_in_memory",
             "Of a source's open orders, those whose ORDER is in memory (the others wait in the store: orders.unload_after).",
             "gauge");
  for (const auto& [name, s] : dir.source_orders)
    out.sample("rkgate_orders_in_memory", {{"source", name}},
               static_cast<double>(s->in_memory.load(std::memory_order_relaxed)));
  out.family("rkgate_menu_age_seconds",
             "Seconds since the menu's stop list, remains and prices were last read from the cash server.", "gauge");
  for (const auto& [id, r] : dir.restaurants)
    if (r->menus)
      if (auto age = r->menus->age_seconds(); age >= 0)
        out.sample("rkgate_menu_age_seconds", {{"restaurant", id}}, age);
  out.family("rkgate_status_poll_age_seconds",
             "Seconds since the cash server last answered the list of orders that status tracking compares.",
             "gauge");
  for (const auto& [id, r] : dir.restaurants)
    if (r->status_read)
      if (auto age = r->status_read->age_seconds(); age >= 0)
        out.sample("rkgate_status_poll_age_seconds", {{"restaurant", id}}, age);
}

} // namespace rkgate::actors
