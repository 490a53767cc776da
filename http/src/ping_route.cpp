// GET /api/v3/ping, answered in the HTTP handler from the CASH SERVER's
// published health snapshot (docs/architecture.md, "Snapshots"): no actor
// hop, so the route costs little more than RESTinio itself. The answer is
// rendered once per source, restaurant and snapshot; a request only adds the
// uptime, the one field that changes between snapshots.

#include "context.hpp"

#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace rkgate::http {

/// ping's whole answer (api.md §1 envelope) but the uptime, for one health snapshot.
struct ping_text {
  std::shared_ptr<const actors::cash_health> health; ///< the snapshot it shows
  std::string head;                                  ///< up to `"uptime_s":`
  std::string tail;                                  ///< after the uptime
};

namespace {

/// `text` as a JSON string literal.
std::string quoted(const std::string& text) {
  return json_text(nlohmann::json(text));
}

/// The envelope around the `data` object of api.md §3.1, keys in the order
/// nlohmann::json writes them (sorted), so the text is byte for byte what the
/// actor path answered.
std::shared_ptr<const ping_text> render(const caller& who, std::shared_ptr<const actors::cash_health> health) {
  const auto& h = *health;
  const auto& r = who.restaurant->cfg;
  auto out = std::make_shared<ping_text>();
  auto& head = out->head;
  head += R"({"result":true,"data":{"cash_server":{"last_error":)";
  head += h.last_error.empty() ? "null" : quoted(h.last_error);
  head += R"(,"latency_ms":)";
  head += h.latency_ms >= 0 ? std::to_string(h.latency_ms) : "null";
  head += R"(,"net_name":)" + quoted(h.net_name);
  head += R"(,"reachable":)";
  head += h.reachable ? "true" : "false";
  head += R"(,"version":)" + quoted(h.version);
  head += R"(},"gateway":{"name":"rkgate","uptime_s":)";
  auto& tail = out->tail;
  tail += R"(,"version":)" + quoted(RKGATE_VERSION);
  tail += R"(},"license":{)";
  if (!h.license_error.empty())
    tail += R"("error":)" + quoted(h.license_error) + ",";
  tail += R"("mode":)";
  tail += h.saas ? R"("saas")" : R"("lifetime")";
  tail += R"(,"valid":)";
  tail += h.license_valid ? "true" : "false";
  tail += R"(},"restaurant":{"id":)" + quoted(r.id) + R"(,"name":)" + quoted(r.name);
  tail += R"(},"source":{"name":)" + quoted(who.source->name) + "}}}";
  out->health = std::move(health);
  return out;
}

/// The rendered answer for this caller and the restaurant's current health.
std::shared_ptr<const ping_text> ping_text_for(server_context& ctx, const caller& who) {
  auto health = who.restaurant->health->read();
  const std::pair<const void*, const void*> key{who.source, who.restaurant.get()};
  {
    std::lock_guard<std::mutex> guard(ctx.pings.lock);
    auto it = ctx.pings.by_caller.find(key);
    if (it != ctx.pings.by_caller.end() && it->second->health == health)
      return it->second;
  }
  auto fresh = render(who, std::move(health));
  std::lock_guard<std::mutex> guard(ctx.pings.lock);
  ctx.pings.by_caller[key] = fresh;
  return fresh;
}

} // namespace

void answer_ping(const context_ptr& ctx, const request_handle& req, const caller& who) {
  auto text = ping_text_for(*ctx, who);
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - ctx->dir->started);
  std::string body;
  body.reserve(text->head.size() + 20 + text->tail.size());
  body += text->head;
  body += std::to_string(uptime.count());
  body += text->tail;
  respond_envelope(ctx, req, std::move(body));
}

} // namespace rkgate::http
