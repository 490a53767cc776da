// GET /api/v3/ping, answered on the HTTP thread from the CASH SERVER's
// published health snapshot (docs/architecture.md, "Snapshots"): no actor
// hop, so the route costs little more than RESTinio itself.

#include "context.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace rkgate::http {

namespace {

/// `text` as a JSON string literal.
std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump();
}

/// The `data` object of api.md §3.1, keys in the order nlohmann::json writes
/// them (sorted), so the text is byte for byte what the actor path answered.
std::string ping_json(const server_context& ctx, const caller& who, const actors::cash_health& h) {
  const auto& r = who.restaurant->cfg;
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - ctx.dir->started);
  std::string out;
  out.reserve(320);
  out += R"({"cash_server":{"last_error":)";
  out += h.last_error.empty() ? "null" : quoted(h.last_error);
  out += R"(,"latency_ms":)";
  out += h.latency_ms >= 0 ? std::to_string(h.latency_ms) : "null";
  out += R"(,"net_name":)" + quoted(h.net_name);
  out += R"(,"reachable":)";
  out += h.reachable ? "true" : "false";
  out += R"(,"version":)" + quoted(h.version);
  out += R"(},"gateway":{"name":"rkgate","uptime_s":)" + std::to_string(uptime.count());
  out += R"(,"version":)" + quoted(RKGATE_VERSION);
  out += R"(},"license":{)";
  if (!h.license_error.empty())
    out += R"("error":)" + quoted(h.license_error) + ",";
  out += R"("mode":)";
  out += h.saas ? R"("saas")" : R"("lifetime")";
  out += R"(,"valid":)";
  out += h.license_valid ? "true" : "false";
  out += R"(},"restaurant":{"id":)" + quoted(r.id) + R"(,"name":)" + quoted(r.name);
  out += R"(},"source":{"name":)" + quoted(who.source->name) + "}}";
  return out;
}

} // namespace

void answer_ping(const context_ptr& ctx, const request_handle& req, const caller& who) {
  auto health = who.restaurant->health->read();
  respond(ctx, req, actors::api_reply::success(200, ping_json(*ctx, who, *health)));
}

} // namespace rkgate::http
