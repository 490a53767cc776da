#pragma once
// For the issue 5 tests: rkgate with callbacks, a fast status poll, a void
// reason and table merging, plus a local callback receiver that checks the
// signature and can play dead.

#include "gateway_fixture.hpp"

#include "notify/signature.hpp"

#include <atomic>
#include <csignal>
#include <mutex>

namespace rkgate::test {

/// A callback endpoint: records every signed body it accepts; while `down`
/// it answers 500 (and records nothing).
struct callback_receiver {
  std::mutex mutex;
  std::vector<json> received; ///< bodies with a valid signature, in arrival order
  std::atomic<int> bad_signatures{0};
  std::atomic<int> refused{0};
  std::atomic<bool> down{false};
  std::string secret = "s1";
  local_server server{[this](const served_request& r) {
    scripted_response resp;
    resp.content_type = "application/json";
    if (down) {
      ++refused;
      resp.status = 500;
      return resp;
    }
    auto sig = r.headers.count("x-rkgate-signature") ? r.headers.at("x-rkgate-signature") : "";
    if (sig != notify::signature(secret, r.body)) {
      ++bad_signatures;
      resp.status = 401;
      return resp;
    }
    std::lock_guard<std::mutex> lock(mutex);
    received.push_back(json::parse(r.body, nullptr, false));
    resp.body = "{}";
    return resp;
  }};

  std::vector<json> bodies() {
    std::lock_guard<std::mutex> lock(mutex);
    return received;
  }
  /// The statuses called back for one order, in arrival order.
  std::vector<int> statuses(const std::string& guid) {
    std::vector<int> out;
    for (const auto& b : bodies())
      if (b.value("guid", "") == guid)
        out.push_back(b.value("status", -1));
    return out;
  }
};

/// rkgate for the tracking tests: source site-a (token_a, secret s1) has
/// `callback_url` as its default; restaurant r1 polls every 300 ms.
struct tracking_gate {
  std::filesystem::path dir;
  std::string config_path;
  std::unique_ptr<child> proc;

  tracking_gate(const sim& s, const std::string& callback_url, const std::string& retention = "5m",
                bool close_paid = false, const std::string& unload_after = "10s")
    : dir(std::filesystem::temp_directory_path()
          / ("rkgate-track-" + std::to_string(::getpid()) + "-" + std::to_string(gate::counter()++))) {
    std::filesystem::create_directories(dir);
    config_path = (dir / "rkgate.yaml").string();
    std::ofstream f(config_path);
    f << "server:\n  listen: 127.0.0.1:0\n  request_timeout: 5s\n"
      << "storage:\n  path: " << (dir / "data").string() << "\n"
      << "events:\n  retention: " << retention << "\n"
      << "orders:\n  unload_after: " << unload_after << "\n"
      << "sources:\n"
      << "  - name: site-a\n    token: " << token_a << "\n    secret: s1\n    restaurants: [all]\n"
      << "    callback_url: " << callback_url << "\n"
      << "  - name: site-b\n    token: " << token_b << "\n    secret: s2\n    restaurants: [r2]\n"
      << "restaurants:\n";
    for (int r = 1; r <= 2; ++r)
      f << "  - id: r" << r << "\n    table_orders_merge: true\n    status_poll: 300ms\n"
        << "    cash_server:\n      url: " << s.base(r) << "/rk7api/v0/xmlinterface.xml\n"
        << "      user: http\n      password: http\n      timeout: 10s\n"
        << "    r_keeper_references:\n      station_id: 15004\n      waiter_code: 1\n      table_code: 100\n"
        << "      order_category: 1\n      external_sales_classification: 2001\n"
        << "      prepay_reason: 1\n      item_comment_modifier: 1004009\n      void_reason: 1\n"
        << "      close_paid_order: " << (close_paid ? "true" : "false") << "\n";
    f.close();
    start();
  }
  ~tracking_gate() {
    proc.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void start() {
    proc = std::make_unique<child>(std::vector<std::string>{binary_path("rkgate"), "--config", config_path});
  }
  void restart() {
    proc->stop(SIGTERM);
    start();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(proc->port()) + path;
  }
  json get(const std::string& path, const char* token = token_a) const {
    return body_of(http_request("GET", url(path), "", {{"token", token}}));
  }
  http_response post(const std::string& path, const json& body, const char* token = token_a) const {
    return http_request("POST", url(path), body.dump(), {{"Content-Type", "application/json"}, {"token", token}});
  }
  /// The open orders' records by guid (GET getorders).
  json order(const std::string& guid) const {
    auto found = body_of(post("/api/v3/getorders", json{{"guids", {guid}}}));
    return found["data"]["orders"].empty() ? json(nullptr) : found["data"]["orders"][0];
  }
  /// Every retained event visible to `token` (hash=none).
  json events(const char* token = token_a) const { return get("/api/v4/events?hash=none", token)["data"]; }
  /// True when the feed holds an event `code` about `guid`.
  bool has_event(const std::string& code, const std::string& guid) const {
    auto feed = events();
    for (const auto& u : feed["updates"])
      if (u["code"] == code && u.value("guid", "") == guid)
        return true;
    return false;
  }
};

} // namespace rkgate::test
