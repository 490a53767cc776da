#pragma once
// Starts rk7sim and rkgate as child processes on free loopback ports with a
// temporary config and storage directory, and talks to both over HTTP.

#include "support/http.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace rkgate::test {

using nlohmann::json;

inline const char* token_a = "token-site-a-0123456789";
inline const char* token_b = "token-site-b-9876543210";

/// rk7sim with `restaurants` demo restaurants.
struct sim {
  std::unique_ptr<child> proc;
  explicit sim(int restaurants = 1, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {binary_path("rk7sim"), "--listen", "127.0.0.1:0", "--user", "http",
                                     "--password", "http", "--restaurants", std::to_string(restaurants),
                                     "--cashier", "off"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<child>(argv);
  }
  std::string base(int r = 1) const {
    return "http://127.0.0.1:" + std::to_string(proc->port()) + "/r" + std::to_string(r);
  }
  json control(const std::string& method, const std::string& path, const json& body = nullptr, int r = 1) {
    auto resp = http_request(method, base(r) + path, body.is_null() ? "" : body.dump(),
                             {{"Authorization", "Basic aHR0cDpodHRw"}, {"Content-Type", "application/json"}});
    auto j = json::parse(resp.body, nullptr, false);
    return j.is_discarded() ? json{{"status", resp.status}} : j;
  }
  json state(int r = 1) { return control("GET", "/sim/state", nullptr, r); }
  /// Orders on the simulated cash server that are not deleted.
  std::size_t live_orders(int r = 1) {
    auto s = state(r);
    std::size_t n = 0;
    for (const auto& o : s["orders"])
      if (!o.value("deleted", false))
        ++n;
    return n;
  }
};

/// rkgate with a generated config.
struct gate {
  std::filesystem::path dir;
  std::unique_ptr<child> proc;
  std::string config_path;

  gate(const sim& s, int restaurants = 1, const std::string& extra_env = "")
    : dir(std::filesystem::temp_directory_path()
          / ("rkgate-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++))) {
    std::filesystem::create_directories(dir);
    config_path = (dir / "rkgate.yaml").string();
    std::ofstream f(config_path);
    f << "server:\n  listen: 127.0.0.1:0\n  request_timeout: 5s\n  max_body: 64KiB\n"
      << "storage:\n  path: " << (dir / "data").string() << "\n"
      << "sources:\n"
      << "  - name: site-a\n    token: " << token_a << "\n    secret: s1\n    restaurants: [all]\n"
      << "  - name: site-b\n    token: " << token_b << "\n    secret: s2\n    restaurants: [r1]\n"
      << "restaurants:\n";
    for (int r = 1; r <= restaurants; ++r)
      f << "  - id: r" << r << "\n    name: Restaurant " << r << "\n"
        << "    cash_server:\n      url: " << s.base(r) << "/rk7api/v0/xmlinterface.xml\n"
        << "      user: http\n      password: http\n      timeout: 10s\n"
        << "    menu:\n      refresh: 1s\n"
        << "    r_keeper_references:\n      station_id: 15004\n      waiter_code: 1\n      table_code: 100\n"
        << "      delivery_table_code: 900\n      order_category: 1\n      external_sales_classification: 2001\n"
        << "      prepay_reason: 1\n      item_comment_modifier: 1004009\n      close_paid_order: false\n";
    f.close();
    env = extra_env;
    start();
  }
  ~gate() {
    proc.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void start() {
    if (!env.empty())
      ::setenv("RKGATE_TEST_CRASH_AFTER", env.c_str(), 1);
    proc = std::make_unique<child>(std::vector<std::string>{binary_path("rkgate"), "--config", config_path});
    ::unsetenv("RKGATE_TEST_CRASH_AFTER");
  }
  /// Stops the gateway, inserts `text` into its config before the first line
  /// that starts with `before`, and starts it again.
  void restart_with(const std::string& before, const std::string& text) {
    proc.reset();
    std::ifstream in(config_path);
    std::stringstream cfg;
    cfg << in.rdbuf();
    in.close();
    std::string yaml = cfg.str();
    auto at = yaml.find(before);
    if (at == std::string::npos)
      throw std::runtime_error("no '" + before + "' in the test config");
    yaml.insert(at, text);
    std::ofstream(config_path) << yaml;
    start();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(proc->port()) + path;
  }
  http_response get(const std::string& path, const char* token = token_a,
                    std::map<std::string, std::string> headers = {}) const {
    if (token)
      headers["token"] = token;
    return http_request("GET", url(path), "", headers);
  }
  http_response post(const std::string& path, const json& body, const char* token = token_a) const {
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (token)
      headers["token"] = token;
    return http_request("POST", url(path), body.dump(), headers);
  }
  std::string env;
  static int& counter() {
    static int n = 0;
    return n;
  }
};

inline json body_of(const http_response& r) {
  auto j = json::parse(r.body, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

/// Polls `check` until it returns true or `limit` passes.
template <class F>
bool eventually(F check, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return check();
}

/// A simple valid order for restaurant r1.
inline json simple_order(const std::string& external_id) {
  return json{{"restaurant", "r1"},
              {"external_id", external_id},
              {"items", {{{"id", 1000001}, {"quantity", 1}}, {{"code", 7}, {"quantity", 2}}}}};
}

/// The value of the Prometheus sample whose line starts with `series` (name
/// and labels) in a GET /metrics text, or -1.
inline double metric_sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0)
      return std::stod(line.substr(series.size() + 1));
  return -1;
}

} // namespace rkgate::test
