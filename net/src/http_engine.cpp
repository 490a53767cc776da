// One libcurl multi handle driven by one thread. post() only queues and
// wakes the loop (curl_multi_wakeup); the loop starts queued transfers, drives
// them and completes finished ones. Connections stay in the multi handle's
// cache and are reused per host.

#include "net/http_engine.hpp"

#include <curl/curl.h>

#include <map>
#include <mutex>
#include <thread>

namespace rkgate::net {

const char* to_string(error_kind kind) {
  switch (kind) {
    case error_kind::none:
      return "none";
    case error_kind::invalid_request:
      return "invalid_request";
    case error_kind::network:
      return "network";
    case error_kind::timeout:
      return "timeout";
    case error_kind::shutdown:
      return "shutdown";
  }
  return "network";
}

namespace {

using steady = std::chrono::steady_clock;

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

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

/// One request in flight: owns its easy handle and everything curl points at.
struct transfer {
  request req;
  completion done;
  steady::time_point started = steady::now();
  std::string response;
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  CURL* easy = nullptr;

  transfer(request r, completion d) : req(std::move(r)), done(std::move(d)) {}
  ~transfer() {
    if (easy)
      curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
  transfer(const transfer&) = delete;
  transfer& operator=(const transfer&) = delete;

  outcome failure(error_kind kind, std::string message) const {
    outcome o;
    o.error = kind;
    o.error_message = std::move(message);
    o.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started);
    return o;
  }

  /// Sets the easy handle up; a failure when the request is unusable.
  std::optional<outcome> prepare() {
    auto tls = ssl_version(req.min_tls);
    if (!tls)
      return failure(error_kind::invalid_request,
                     "invalid min_tls \"" + req.min_tls + "\" (use 1.0, 1.1, 1.2 or 1.3)");
    easy = curl_easy_init();
    if (!easy)
      return failure(error_kind::invalid_request, "curl_easy_init failed");
    headers = curl_slist_append(headers, ("Content-Type: " + req.content_type).c_str());
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    for (const auto& [name, value] : req.headers)
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    curl_easy_setopt(easy, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    if (req.auth) {
      curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(easy, CURLOPT_USERNAME, req.auth->user.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, req.auth->password.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, req.verify_tls ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, req.verify_tls ? 2L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSLVERSION, *tls);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    return std::nullopt;
  }

  outcome finished(CURLcode code) {
    if (code == CURLE_OPERATION_TIMEDOUT)
      return failure(error_kind::timeout, describe(code));
    if (code != CURLE_OK)
      return failure(error_kind::network, describe(code));
    outcome o = failure(error_kind::none, "");
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &o.http_status);
    o.body = std::move(response);
    return o;
  }

  std::string describe(CURLcode code) const {
    std::string text = curl_easy_strerror(code);
    if (errbuf[0] != '\0')
      text += std::string(": ") + errbuf;
    return text + " (" + req.url + ")";
  }

  /// Completions must not throw; if one does, the loop must survive it.
  void complete(outcome o) {
    try {
      done(std::move(o));
    } catch (...) {
    }
  }
};

} // namespace

struct http_engine::impl {
  CURLM* multi = nullptr;
  std::mutex mutex;
  std::vector<std::unique_ptr<transfer>> incoming; // guarded by mutex
  bool stopping = false;                           // guarded by mutex
  std::map<CURL*, std::unique_ptr<transfer>> active; // loop thread only
  std::thread thread;

  void run() {
    for (;;) {
      std::vector<std::unique_ptr<transfer>> batch;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stopping)
          break;
        batch.swap(incoming);
      }
      for (auto& t : batch)
        start(std::move(t));
      int running = 0;
      curl_multi_perform(multi, &running);
      collect_finished();
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    cancel_all();
  }

  void start(std::unique_ptr<transfer> t) {
    if (auto failed = t->prepare()) {
      t->complete(std::move(*failed));
      return;
    }
    CURL* easy = t->easy;
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
      t->complete(t->failure(error_kind::invalid_request, "curl_multi_add_handle failed"));
      return;
    }
    active.emplace(easy, std::move(t));
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
      std::unique_ptr<transfer> t = std::move(it->second);
      active.erase(it);
      curl_multi_remove_handle(multi, easy);
      t->complete(t->finished(code));
    }
  }

  void cancel_all() {
    std::vector<std::unique_ptr<transfer>> pending;
    {
      std::lock_guard<std::mutex> lock(mutex);
      pending.swap(incoming);
    }
    for (auto& [easy, t] : active) {
      curl_multi_remove_handle(multi, easy);
      pending.push_back(std::move(t));
    }
    active.clear();
    for (auto& t : pending)
      t->complete(t->failure(error_kind::shutdown, "HTTP engine shut down before the reply (" +
                                                       t->req.url + ")"));
  }
};

http_engine::http_engine() : impl_(std::make_unique<impl>()) {
  global_init_once();
  impl_->multi = curl_multi_init();
  impl_->thread = std::thread([this] { impl_->run(); });
}

http_engine::~http_engine() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->thread.join();
  curl_multi_cleanup(impl_->multi);
}

void http_engine::post(request req, completion done) {
  auto t = std::make_unique<transfer>(std::move(req), std::move(done));
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (!impl_->stopping) {
      impl_->incoming.push_back(std::move(t));
      t = nullptr;
    }
  }
  if (t) { // posted while shutting down (e.g. from a completion): nobody would run it
    t->complete(t->failure(error_kind::shutdown, "HTTP engine shutting down (" + t->req.url + ")"));
    return;
  }
  curl_multi_wakeup(impl_->multi);
}

} // namespace rkgate::net
