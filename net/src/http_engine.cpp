// One libcurl multi handle driven by one thread. post() only queues and
// wakes the loop (an eventfd); the loop starts queued transfers, drives them
// and completes finished ones. Connections stay in the multi handle's cache
// and are reused per host.
//
// The loop is event-driven (curl_multi_socket_action over epoll): a wake-up
// costs work for the sockets that are ready, not for every transfer in flight.
// With a hundred cash servers each holding calls that r_keeper answers 20 ms
// later, curl_multi_perform + curl_multi_poll walked all of them on every
// reply and every new request.

#include "net/http_engine.hpp"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
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

  /// Sets `handle` (a fresh or a reset easy handle) up for this request,
  /// taking it over; a failure when the request is unusable.
  std::optional<outcome> prepare(CURL* handle) {
    easy = handle;
    auto tls = ssl_version(req.min_tls);
    if (!tls)
      return failure(error_kind::invalid_request,
                     "invalid min_tls \"" + req.min_tls + "\" (use 1.0, 1.1, 1.2 or 1.3)");
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
  int epoll_fd = -1;
  int wake_fd = -1; ///< eventfd: post() and the destructor wake the loop
  std::mutex mutex;
  std::vector<std::unique_ptr<transfer>> incoming; // guarded by mutex
  bool stopping = false;                           // guarded by mutex
  std::map<CURL*, std::unique_ptr<transfer>> active; // loop thread only
  std::optional<steady::time_point> deadline;        ///< curl's timer; loop thread only
  std::thread thread;
  /// Easy handles of finished transfers, reset, for the next ones (loop
  /// thread only): a handle made per request cost about a tenth of the
  /// engine's CPU per request (its allocations and set-up). The connections
  /// themselves live in the multi handle's cache either way.
  std::vector<CURL*> spare;
  static constexpr std::size_t max_spare = 256;

  impl() {
    multi = curl_multi_init();
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (!multi || epoll_fd < 0 || wake_fd < 0)
      throw std::runtime_error("HTTP engine: cannot set up curl multi, epoll or eventfd");
    watch(wake_fd, EPOLLIN);
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  }

  ~impl() {
    for (CURL* easy : spare)
      curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
    close(wake_fd);
    close(epoll_fd);
  }

  void watch(int fd, std::uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    // curl may announce a socket again (new interest) or reuse a closed fd's number.
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev) != 0)
      epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }

  /// curl tells which sockets it waits on, and for what.
  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* self = static_cast<impl*>(user);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
      return 0;
    }
    std::uint32_t events = 0;
    if (what & CURL_POLL_IN)
      events |= EPOLLIN;
    if (what & CURL_POLL_OUT)
      events |= EPOLLOUT;
    self->watch(fd, events);
    return 0;
  }

  /// curl asks to be called back after `ms` (-1: no timer).
  static int on_timer(CURLM*, long ms, void* user) {
    auto* self = static_cast<impl*>(user);
    if (ms < 0)
      self->deadline.reset();
    else
      self->deadline = steady::now() + std::chrono::milliseconds(ms);
    return 0;
  }

  /// How long epoll may sleep: until curl's timer, at most a second.
  int wait_ms() const {
    if (!deadline)
      return 1000;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - steady::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1000));
  }

  void run() {
    epoll_event ready[64];
    int running = 0;
    for (;;) {
      std::vector<std::unique_ptr<transfer>> batch;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (stopping)
          break;
        batch.swap(incoming);
      }
      for (auto& t : batch)
        start(std::move(t)); // curl sets a 0 ms timer: it starts them below
      int n = epoll_wait(epoll_fd, ready, 64, wait_ms());
      for (int i = 0; i < n; ++i) {
        int fd = ready[i].data.fd;
        if (fd == wake_fd) {
          std::uint64_t count;
          while (read(wake_fd, &count, sizeof count) > 0) {
          }
          continue;
        }
        int flags = 0;
        if (ready[i].events & EPOLLIN)
          flags |= CURL_CSELECT_IN;
        if (ready[i].events & EPOLLOUT)
          flags |= CURL_CSELECT_OUT;
        if (ready[i].events & (EPOLLERR | EPOLLHUP))
          flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(multi, fd, flags, &running);
      }
      if (deadline && steady::now() >= *deadline) {
        deadline.reset();
        curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
      }
      collect_finished();
    }
    cancel_all();
  }

  void wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = write(wake_fd, &one, sizeof one);
  }

  void start(std::unique_ptr<transfer> t) {
    CURL* easy = take_easy();
    if (auto failed = t->prepare(easy)) {
      t->complete(std::move(*failed));
      return;
    }
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
      t->complete(t->failure(error_kind::invalid_request, "curl_multi_add_handle failed"));
      return;
    }
    active.emplace(easy, std::move(t));
  }

  /// A spare easy handle, or a new one (null if curl cannot make one).
  CURL* take_easy() {
    if (spare.empty())
      return curl_easy_init();
    CURL* easy = spare.back();
    spare.pop_back();
    return easy;
  }

  /// Keeps a finished transfer's handle, with every option reset, for the
  /// next transfer (the transfer no longer owns it).
  void give_back(transfer& t) {
    if (spare.size() >= max_spare)
      return;
    curl_easy_reset(t.easy);
    spare.push_back(t.easy);
    t.easy = nullptr;
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
      give_back(*t);
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

http_engine::http_engine() {
  global_init_once();
  impl_ = std::make_unique<impl>();
  impl_->thread = std::thread([this] { impl_->run(); });
}

http_engine::~http_engine() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake();
  impl_->thread.join();
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
  impl_->wake();
}

} // namespace rkgate::net
