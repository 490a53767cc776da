// One libcurl multi handle driven by one thread. post() only queues and
// wakes the loop (curl_multi_wakeup), so callers never block on the network.
// Connections stay in the multi handle's cache and are reused per host.

#include "rk7/transport.hpp"

#include <curl/curl.h>

#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace rk7 {
namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::optional<long> ssl_version(const std::string& min_tls) {
  if (min_tls == "1.0") return CURL_SSLVERSION_TLSv1_0;
  if (min_tls == "1.1") return CURL_SSLVERSION_TLSv1_1;
  if (min_tls == "1.2") return CURL_SSLVERSION_TLSv1_2;
  if (min_tls == "1.3") return CURL_SSLVERSION_TLSv1_3;
  return std::nullopt;
}

error make_error(error_kind kind, std::string message, int http_status = 0) {
  error e;
  e.kind = kind;
  e.message = std::move(message);
  e.http_status = http_status;
  return e;
}

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

/// One request in flight: owns its easy handle and everything curl points at.
struct request {
  endpoint ep;
  std::string body;
  body_callback done;
  std::string response;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;

  request(endpoint e, std::string b, body_callback d)
    : ep(std::move(e)), body(std::move(b)), done(std::move(d)) {}
  ~request() {
    if (easy)
      curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
  request(const request&) = delete;
  request& operator=(const request&) = delete;

  /// Sets the easy handle up; an error when the endpoint is unusable.
  std::optional<error> prepare() {
    auto tls = ssl_version(ep.min_tls);
    if (!tls)
      return make_error(error_kind::network,
                        "invalid min_tls \"" + ep.min_tls + "\" (use 1.0, 1.1, 1.2 or 1.3)");
    easy = curl_easy_init();
    if (!easy)
      return make_error(error_kind::network, "curl_easy_init failed");
    headers = curl_slist_append(headers, "Content-Type: application/xml; charset=utf-8");
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    curl_easy_setopt(easy, CURLOPT_URL, ep.url.c_str());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(easy, CURLOPT_USERNAME, ep.user.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, ep.password.c_str());
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, ep.verify_tls ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, ep.verify_tls ? 2L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSLVERSION, *tls);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(ep.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(ep.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    return std::nullopt;
  }

  result<std::string> outcome(CURLcode code) {
    if (code == CURLE_OPERATION_TIMEDOUT)
      return make_error(error_kind::timeout, describe(code));
    if (code != CURLE_OK)
      return make_error(error_kind::network, describe(code));
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200)
      return std::move(response);
    if (status == 401)
      return make_error(error_kind::unauthorized, "HTTP 401 from " + ep.url, 401);
    return make_error(error_kind::http_status,
                      "HTTP " + std::to_string(status) + " from " + ep.url,
                      static_cast<int>(status));
  }

  std::string describe(CURLcode code) const {
    std::string text = curl_easy_strerror(code);
    if (errbuf[0] != '\0')
      text += std::string(": ") + errbuf;
    return text + " (" + ep.url + ")";
  }
};

/// Callbacks must not throw; if one does, the loop must survive it.
void complete(request& req, result<std::string> outcome) {
  try {
    req.done(std::move(outcome));
  } catch (...) {
  }
}

} // namespace

struct transport::impl {
  CURLM* multi = nullptr;
  std::mutex mutex;
  std::vector<std::unique_ptr<request>> incoming; // guarded by mutex
  bool stopping = false;                          // guarded by mutex
  std::map<CURL*, std::unique_ptr<request>> active; // loop thread only
  std::thread thread;

  void run() {
    for (;;) {
      std::vector<std::unique_ptr<request>> batch;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stopping)
          break;
        batch.swap(incoming);
      }
      for (auto& req : batch)
        start(std::move(req));
      int running = 0;
      curl_multi_perform(multi, &running);
      collect_finished();
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    cancel_all();
  }

  void start(std::unique_ptr<request> req) {
    if (auto err = req->prepare()) {
      complete(*req, *err);
      return;
    }
    CURL* easy = req->easy;
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
      complete(*req, make_error(error_kind::network, "curl_multi_add_handle failed"));
      return;
    }
    active.emplace(easy, std::move(req));
  }

  void collect_finished() {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE)
        continue;
      CURL* easy = msg->easy_handle;
      CURLcode code = msg->data.result;
      auto it = active.find(easy);
      if (it == active.end())
        continue;
      std::unique_ptr<request> req = std::move(it->second);
      active.erase(it);
      curl_multi_remove_handle(multi, easy);
      complete(*req, req->outcome(code));
    }
  }

  void cancel_all() {
    std::vector<std::unique_ptr<request>> pending;
    {
      std::lock_guard<std::mutex> lock(mutex);
      pending.swap(incoming);
    }
    for (auto& [easy, req] : active) {
      curl_multi_remove_handle(multi, easy);
      pending.push_back(std::move(req));
    }
    active.clear();
    for (auto& req : pending)
      complete(*req, make_error(error_kind::network, "transport shut down before the reply"));
  }
};

transport::transport() : impl_(std::make_unique<impl>()) {
  global_init_once();
  impl_->multi = curl_multi_init();
  impl_->thread = std::thread([this] { impl_->run(); });
}

transport::~transport() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->thread.join();
  curl_multi_cleanup(impl_->multi);
}

void transport::post(const endpoint& ep, std::string xml, body_callback done) {
  auto req = std::make_unique<request>(ep, std::move(xml), std::move(done));
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->incoming.push_back(std::move(req));
  }
  curl_multi_wakeup(impl_->multi);
}

} // namespace rk7
