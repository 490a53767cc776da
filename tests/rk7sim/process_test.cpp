// The rk7sim program end to end: READY line, auth, paths, control API, TLS,
// one-request-at-a-time per cash server.
#include "support/http.hpp"
#include "support/process.hpp"

#include <catch2/catch.hpp>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <string>

using rkgate::test::binary_path;
using rkgate::test::child;
using rkgate::test::http_request;
using json = nlohmann::json;

namespace {

const std::map<std::string, std::string> auth = {{"Authorization", "Basic dXNlcjpwYXNz"}, // user:pass
                                                 {"Content-Type", "application/xml"}};

std::vector<std::string> sim_args(std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {binary_path("rk7sim"), "--listen", "127.0.0.1:0", "--user", "user", "--password", "pass"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

std::string base(const child& c) { return "http://127.0.0.1:" + std::to_string(c.port()); }

std::string xml(const std::string& cmd) { return "<RK7Query><RK7CMD CMD=\"" + cmd + "\"/></RK7Query>"; }

json state(const child& c, const std::string& prefix = "") {
  auto r = http_request("GET", base(c) + prefix + "/sim/state", "", auth);
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

} // namespace

TEST_CASE("rk7sim process: READY, auth, empty body, restaurants by path, control", "[rk7sim][process]") {
  child sim(sim_args({"--restaurants", "2"}));
  REQUIRE(sim.port() > 0);
  const std::string url = base(sim) + "/rk7api/v0/xmlinterface.xml";

  auto ok = http_request("POST", url, xml("GetSystemInfo"), auth);
  CHECK(ok.status == 200);
  CHECK(ok.body.find("Status=\"Ok\"") != std::string::npos);

  auto denied = http_request("POST", url, xml("GetSystemInfo"),
                             {{"Authorization", "Basic dXNlcjp3cm9uZw=="}, {"Content-Type", "application/xml"}});
  CHECK(denied.status == 401);
  CHECK(http_request("POST", url, xml("GetSystemInfo")).status == 401);

  auto empty = http_request("POST", url, "", auth);
  CHECK(empty.status == 200);
  CHECK(empty.body.find("Empty input XML") != std::string::npos);
  auto form = http_request("POST", url, "CMD=GetSystemInfo",
                           {{"Authorization", "Basic dXNlcjpwYXNz"}, {"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(form.body.find("Query Parse Error") != std::string::npos);

  auto r2 = http_request("POST", base(sim) + "/r2/rk7api/v0/xmlinterface.xml", xml("GetSystemInfo"), auth);
  CHECK(r2.body.find("RestCode=\"199990002\"") != std::string::npos);
  CHECK(http_request("POST", base(sim) + "/r3/rk7api/v0/xmlinterface.xml", xml("GetSystemInfo"), auth).status == 404);

  json s1 = state(sim);
  CHECK(s1["requests"]["GetSystemInfo"] == 1);
  CHECK(state(sim, "/r2")["requests"]["GetSystemInfo"] == 1);

  // Stop list through the control API shows in GetOrderMenu.
  std::string menu_query = "<RK7Query><RK7CMD CMD=\"GetOrderMenu\"><Station id=\"15004\"/></RK7CMD></RK7Query>";
  CHECK(http_request("POST", url, menu_query, auth).body.find("Ident=\"1000007\"") != std::string::npos);
  auto stop = http_request("POST", base(sim) + "/sim/stoplist", R"({"dish":1000007,"on":true})", auth);
  CHECK(stop.status == 200);
  CHECK(http_request("POST", url, menu_query, auth).body.find("Ident=\"1000007\"") == std::string::npos);
  CHECK(http_request("POST", base(sim) + "/sim/stoplist", R"({"dish":999999,"on":true})", auth).status == 400);

  // Cashier operations on an order created over XML.
  auto created = http_request("POST", url,
                              "<RK7Query><RK7CMD CMD=\"CreateOrder\"><Order guid=\"{11111111-2222-4333-8444-555555555555}\">"
                              "<Table code=\"101\"/></Order></RK7CMD></RK7Query>", auth);
  REQUIRE(created.body.find("Status=\"Ok\"") != std::string::npos);
  std::string order_path = base(sim) + "/sim/orders/{11111111-2222-4333-8444-555555555555}";
  CHECK(http_request("POST", order_path + "/dishes", R"({"dish":1000029,"quantity":2000})", auth).status == 200);
  CHECK(http_request("POST", order_path + "/bill", "", auth).status == 200);
  CHECK(http_request("POST", order_path + "/pay", "", auth).status == 200);
  json after = state(sim);
  REQUIRE(after["orders"].size() == 1);
  CHECK(after["orders"][0]["bill"] == true);
  CHECK(after["orders"][0]["paid"] == true);
  CHECK(after["orders"][0]["sums"]["order"] == 28000);
}

TEST_CASE("rk7sim process: fault injection", "[rk7sim][process]") {
  child sim(sim_args({"--fault", "http500:1", "--fault", "shift_closing:1", "--fault", "drop:1"}));
  const std::string url = base(sim) + "/rk7api/v0/xmlinterface.xml";
  CHECK(http_request("POST", url, xml("GetSystemInfo"), auth).status == 500);
  auto closing = http_request("POST", url, xml("GetSystemInfo"), auth);
  CHECK(closing.status == 200);
  CHECK(closing.body.find("RK7ErrorN=\"2172\"") != std::string::npos);
  auto dropped = http_request("POST", url, xml("GetSystemInfo"), auth);
  CHECK(dropped.status != 200);
  CHECK(http_request("POST", url, xml("GetSystemInfo"), auth).status == 200);
}

TEST_CASE("rk7sim process: one XML request at a time per cash server", "[rk7sim][process]") {
  child sim(sim_args({"--restaurants", "2", "--latency", "400"}));
  auto send = [&](const std::string& prefix) {
    return std::async(std::launch::async, [&, prefix] {
      return http_request("POST", base(sim) + prefix + "/rk7api/v0/xmlinterface.xml", xml("GetSystemInfo"), auth);
    });
  };
  auto windows = [&](const std::string& prefix) {
    std::vector<std::pair<long long, long long>> w;
    json st = state(sim, prefix);
    for (const auto& e : st["service_log"])
      w.emplace_back(e["start_ms"].get<long long>(), e["end_ms"].get<long long>());
    return w;
  };

  SECTION("two requests to one restaurant never overlap") {
    auto a = send(""), b = send("");
    CHECK(a.get().status == 200);
    CHECK(b.get().status == 200);
    auto w = windows("");
    REQUIRE(w.size() == 2);
    CHECK(w[1].first >= w[0].second);
  }
  SECTION("requests to two restaurants are served side by side") {
    auto a = send(""), b = send("/r2");
    CHECK(a.get().status == 200);
    CHECK(b.get().status == 200);
    auto w1 = windows(""), w2 = windows("/r2");
    REQUIRE(w1.size() == 1);
    REQUIRE(w2.size() == 1);
    CHECK(w2[0].first < w1[0].second);
    CHECK(w1[0].first < w2[0].second);
  }
}

TEST_CASE("rk7sim process: HTTPS with a generated self-signed certificate", "[rk7sim][process]") {
  child sim(sim_args({"--tls"}));
  CURL* curl = curl_easy_init();
  REQUIRE(curl);
  std::string body, url = "https://127.0.0.1:" + std::to_string(sim.port()) + "/rk7api/v0/xmlinterface.xml";
  std::string request = xml("GetSystemInfo");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L); // like real clients of cash servers
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(curl, CURLOPT_USERPWD, "user:pass");
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.c_str());
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/xml");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  CHECK(rc == CURLE_OK);
  CHECK(status == 200);
  CHECK(body.find("Status=\"Ok\"") != std::string::npos);
}

TEST_CASE("rk7sim process: a hang outlasts the client's timeout, then service resumes",
          "[rk7sim][process]") {
  child sim(sim_args({"--fault", "hang:1", "--hang-ms", "3000"}));
  const std::string url = base(sim) + "/rk7api/v0/xmlinterface.xml";
  auto hung = http_request("POST", url, xml("GetSystemInfo"), auth, std::chrono::milliseconds(500));
  CHECK(hung.status == 0);
  CHECK(hung.error.find("timed out") != std::string::npos);
  CHECK(http_request("POST", url, xml("GetSystemInfo"), auth).status == 200);
}
