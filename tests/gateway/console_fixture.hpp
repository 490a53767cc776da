#pragma once
// rkgate + rk7sim for the operator console tests: restaurant r1 with manual
// acceptance and r2 automatic, operators `hall` and `evening` (r1) and
// `night` (r2), one source for both restaurants (secret `s`; with a
// callback_url, also its default callback endpoint and a 300 ms status poll).

#include "gateway_fixture.hpp"

namespace rkgate::test {

inline const char* console_source = "token-console-src-0123";
inline const char* op_hall = "token-op-hall-0123";
inline const char* op_evening = "token-op-evening-0123";
inline const char* op_night = "token-op-night-0123";

struct console_gate {
  std::filesystem::path dir;
  std::unique_ptr<child> proc;

  /// `extra`: more top-level YAML (e.g. a `console:` section).
  explicit console_gate(const sim& s, const std::string& callback_url = "", const std::string& extra = "")
    : dir(std::filesystem::temp_directory_path()
          / ("rkgate-console-" + std::to_string(::getpid()) + "-" + std::to_string(gate::counter()++))) {
    std::filesystem::create_directories(dir);
    auto config = (dir / "rkgate.yaml").string();
    std::ofstream f(config);
    f << extra << "server:\n  listen: 127.0.0.1:0\n  request_timeout: 5s\n"
      << "storage:\n  path: " << (dir / "data").string() << "\n"
      << "sources:\n  - name: site\n    token: " << console_source << "\n    secret: s\n    restaurants: [all]\n";
    if (!callback_url.empty())
      f << "    callback_url: " << callback_url << "\n";
    f << "operators:\n"
      << "  - name: hall\n    token: " << op_hall << "\n    restaurants: [r1]\n"
      << "  - name: evening\n    token: " << op_evening << "\n    restaurants: [r1]\n"
      << "  - name: night\n    token: " << op_night << "\n    restaurants: [r2]\n"
      << "restaurants:\n";
    for (int r = 1; r <= 2; ++r)
      f << "  - id: r" << r << "\n    name: Restaurant " << r << "\n"
        << "    acceptance: " << (r == 1 ? "manual" : "auto") << "\n"
        << (callback_url.empty() ? "" : "    status_poll: 300ms\n")
        << "    cash_server:\n      url: " << s.base(r) << "/rk7api/v0/xmlinterface.xml\n"
        << "      user: http\n      password: http\n      timeout: 3s\n"
        << "    menu:\n      refresh: 1s\n"
        << "    r_keeper_references:\n      station_id: 15004\n      waiter_code: 1\n      table_code: 100\n"
        << "      delivery_table_code: 900\n      order_category: 1\n      external_sales_classification: 2001\n"
        << "      prepay_reason: 1\n      item_comment_modifier: 1004009\n      close_paid_order: false\n";
    f.close();
    start();
  }
  /// Starts the gateway (again) on the same config and store.
  void start() {
    proc = std::make_unique<child>(std::vector<std::string>{binary_path("rkgate"), "--config", (dir / "rkgate.yaml").string()});
  }
  /// Stops the gateway and starts it again on the same store.
  void restart() {
    proc.reset();
    start();
  }
  ~console_gate() {
    proc.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(proc->port()) + path;
  }
  http_response get(const std::string& path, const char* token) const {
    std::map<std::string, std::string> h;
    if (token)
      h["token"] = token;
    return http_request("GET", url(path), "", h);
  }
  http_response post(const std::string& path, const json& body, const char* token) const {
    std::map<std::string, std::string> h = {{"Content-Type", "application/json"}};
    if (token)
      h["token"] = token;
    return http_request("POST", url(path), body.is_null() ? "" : body.dump(), h);
  }
  /// Posts an order for r1 (manual acceptance by the restaurant); returns its guid.
  std::string post_order(const std::string& external_id, json extra = json::object()) const {
    auto body = simple_order(external_id);
    body.update(extra);
    auto r = post("/api/v3/postorder", body, console_source);
    auto j = body_of(r);
    if (r.status != 201 || !j.is_object())
      throw std::runtime_error("postorder answered " + std::to_string(r.status) + ": " + r.body);
    return j["data"]["guid"].get<std::string>();
  }
  /// /api/v3/console/orders/{guid}[/action] with the braces URL-encoded.
  static std::string order_path(const std::string& guid, const std::string& action = "") {
    auto inner = guid.substr(1, guid.size() - 2);
    return "/api/v3/console/orders/%7B" + inner + "%7D" + (action.empty() ? "" : "/" + action);
  }
};

} // namespace rkgate::test
