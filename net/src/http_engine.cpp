// One libcurl multi handle driven by the gateway's event loop, under one
// strand. post() on a loop thread starts the transfer right there (its
// request is on the wire before the caller's handler returns); from another
// thread it is handed to the loop. Connections stay in the multi handle's
// cache and are reused per host.
//
// Event-driven (curl_multi_socket_action): curl's sockets sit in an epoll set
// of the engine's own, and that one descriptor is what the loop watches, so a
// reply costs work for the sockets that are ready, not for every transfer in
// flight. With a hundred cash servers each holding calls that r_keeper
// answers 20 ms later, curl_multi_perform walked all of them on every reply
// and every new request.

#include "net/http_engine.hpp"

#include "loop/event_loop.hpp"

#include <asio/bind_executor.hpp>
#include <asio/dispatch.hpp>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include <curl/curl.h>
#include <sys/epoll.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>

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

/// Everything below runs on the strand, except `stopping`.
struct http_engine::impl : std::enable_shared_from_this<impl> {
  asio::strand<asio::io_context::executor_type> strand;
  CURLM* multi = nullptr;
  /// curl's sockets; the loop watches this one descriptor for all of them.
  asio::posix::stream_descriptor sockets;
  asio::steady_timer timer; ///< curl's timer
  bool timer_due = false;   ///< curl asked for a 0 ms timer: act on it once its call returns
  std::atomic<bool> stopping{false};
  bool stopped = false;
  std::map<CURL*, std::unique_ptr<transfer>> active;
  /// Easy handles of finished transfers, reset, for the next ones: a handle
  /// made per request cost about a tenth of the engine's CPU per request
  /// (its allocations and set-up). The connections themselves live in the
  /// multi handle's cache either way.
  std::vector<CURL*> spare;
  static constexpr std::size_t max_spare = 256;

  explicit impl(loop::event_loop& loop)
    : strand(asio::make_strand(loop.io())), sockets(loop.io()), timer(loop.io()) {
    multi = curl_multi_init();
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (!multi || epoll_fd < 0)
      throw std::runtime_error("HTTP engine: cannot set up curl multi or epoll");
    sockets.assign(epoll_fd);
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  }

  ~impl() {
    for (CURL* easy : spare)
      curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }

  /// curl tells which sockets it waits on, and for what.
  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
    auto* self = static_cast<impl*>(user);
    int epoll_fd = self->sockets.native_handle();
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
      return 0;
    }
    epoll_event ev{};
    if (what & CURL_POLL_IN)
      ev.events |= EPOLLIN;
    if (what & CURL_POLL_OUT)
      ev.events |= EPOLLOUT;
    ev.data.fd = fd;
    // curl may announce a socket again (new interest) or reuse a closed fd's number.
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev) != 0)
      epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    return 0;
  }

  /// curl asks to be called back after `ms` (-1: no timer). curl must not be
  /// called from here: a due timer is acted on when curl's call returns.
  static int on_timer(CURLM*, long ms, void* user) {
    auto* self = static_cast<impl*>(user);
    self->timer.cancel();
    if (ms == 0) {
      self->timer_due = true;
    } else if (ms > 0) {
      self->timer.expires_after(std::chrono::milliseconds(ms));
      self->timer.async_wait(asio::bind_executor(self->strand, [weak = self->weak_from_this()](asio::error_code ec) {
        if (auto me = weak.lock(); me && !ec && !me->stopped)
          me->act(CURL_SOCKET_TIMEOUT, 0);
      }));
    }
    return 0;
  }

  /// Lets curl act on a socket (or on its timer), completes what finished,
  /// and acts on curl's timer as long as one of these calls made it due.
  void act(curl_socket_t fd, int flags) {
    int running = 0;
    curl_multi_socket_action(multi, fd, flags, &running);
    for (;;) {
      collect_finished(); // removing a handle may ask for a 0 ms timer too
      if (!timer_due)
        break;
      timer_due = false;
      curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
  }

  /// Waits (on the loop) for any of curl's sockets to be ready.
  void watch_sockets() {
    sockets.async_wait(asio::posix::stream_descriptor::wait_read,
                       asio::bind_executor(strand, [weak = weak_from_this()](asio::error_code ec) {
                         if (auto me = weak.lock(); me && !ec && !me->stopped)
                           me->sockets_ready();
                       }));
  }

  void sockets_ready() {
    epoll_event ready[64];
    int n = 0;
    do {
      n = epoll_wait(sockets.native_handle(), ready, 64, 0);
      for (int i = 0; i < n; ++i) {
        int flags = 0;
        if (ready[i].events & EPOLLIN)
          flags |= CURL_CSELECT_IN;
        if (ready[i].events & EPOLLOUT)
          flags |= CURL_CSELECT_OUT;
        if (ready[i].events & (EPOLLERR | EPOLLHUP))
          flags |= CURL_CSELECT_ERR;
        act(ready[i].data.fd, flags);
      }
    } while (n == 64);
    watch_sockets();
  }

  void start(std::unique_ptr<transfer> t) {
    if (stopped) {
      t->complete(shut_down(*t));
      return;
    }
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
    // curl asked for a 0 ms timer: the request goes out now, from this thread.
    timer_due = false;
    act(CURL_SOCKET_TIMEOUT, 0);
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

  static outcome shut_down(const transfer& t) {
    return t.failure(error_kind::shutdown, "HTTP engine shut down before the reply (" + t.req.url + ")");
  }

  /// Completes every transfer in flight with error_kind::shutdown and lets go
  /// of the loop's descriptor and timer.
  void stop() {
    stopped = true;
    std::vector<std::unique_ptr<transfer>> pending;
    for (auto& [easy, t] : active) {
      curl_multi_remove_handle(multi, easy);
      pending.push_back(std::move(t));
    }
    active.clear();
    for (auto& t : pending)
      t->complete(shut_down(*t));
    timer.cancel();
    sockets.close();
  }
};

http_engine::http_engine(loop::event_loop& loop) {
  global_init_once();
  impl_ = std::make_shared<impl>(loop);
  asio::dispatch(impl_->strand, [me = impl_] { me->watch_sockets(); });
}

http_engine::~http_engine() {
  impl_->stopping = true;
  auto stopped = std::make_shared<std::promise<void>>();
  auto done = stopped->get_future();
  asio::dispatch(impl_->strand, [me = impl_, stopped] {
    me->stop();
    stopped->set_value();
  });
  // On a loop thread the strand may have run it already; elsewhere the loop
  // runs it soon. Either way no transfer outlives the engine.
  done.wait();
}

void http_engine::post(request req, completion done) {
  auto t = std::make_unique<transfer>(std::move(req), std::move(done));
  if (impl_->stopping) { // posted while shutting down (e.g. from a completion): nobody would run it
    t->complete(t->failure(error_kind::shutdown, "HTTP engine shutting down (" + t->req.url + ")"));
    return;
  }
  // Runs at once when the caller is on a loop thread and the strand is free.
  asio::dispatch(impl_->strand, [me = impl_, t = std::move(t)]() mutable { me->start(std::move(t)); });
}

} // namespace rkgate::net
