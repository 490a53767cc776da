#include "bench/load.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string_view>
#include <strings.h>
#include <time.h>

namespace rkgate::bench {

namespace {

using clock_type = std::chrono::steady_clock;
using time_point = clock_type::time_point;

/// How long before an open-loop arrival the generator stops sleeping and
/// polls: about this machine's thread wake-up time at p90.
constexpr std::chrono::nanoseconds spin_lead = std::chrono::microseconds(100);

/// CLOCK_REALTIME minus CLOCK_MONOTONIC, read so that the two clocks are
/// read as close together as this thread manages: the kernel stamps received
/// packets on the realtime clock, the load counts on the monotonic one.
std::chrono::nanoseconds realtime_minus_monotonic() {
  auto ns = [](clockid_t id) {
    timespec t{};
    clock_gettime(id, &t);
    return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
  };
  std::int64_t best_span = INT64_MAX, offset = 0;
  for (int i = 0; i < 16; ++i) {
    auto before = ns(CLOCK_MONOTONIC);
    auto real = ns(CLOCK_REALTIME);
    auto after = ns(CLOCK_MONOTONIC);
    if (after - before < best_span) {
      best_span = after - before;
      offset = real - (before + (after - before) / 2);
    }
  }
  return std::chrono::nanoseconds(offset);
}

std::uint64_t nanos_between(time_point a, time_point b) {
  auto d = std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
  return d > 0 ? static_cast<std::uint64_t>(d) : 0;
}

/// `time` less the `part` of it the server reported, never below 0.
std::uint64_t less_reported(std::uint64_t time, std::uint64_t part) {
  return time > part ? time - part : 0;
}

/// Server-Timing's milliseconds in nanoseconds.
std::uint64_t ms_to_ns(double ms) {
  return static_cast<std::uint64_t>(ms * 1e6);
}

// Expands {seq}, {run}, {mod:N} and {cmod:N} (by connection `conn`) in `text`.
std::string expand(const std::string& text, std::uint64_t seq, std::uint64_t conn, const std::string& run) {
  if (text.find('{') == std::string::npos)
    return text;
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 5, "{seq}") == 0) {
      out += std::to_string(seq);
      i += 5;
    } else if (text.compare(i, 5, "{run}") == 0) {
      out += run;
      i += 5;
    } else if (text.compare(i, 5, "{mod:") == 0 || text.compare(i, 6, "{cmod:") == 0) {
      bool by_conn = text[i + 1] == 'c';
      auto from = i + (by_conn ? 6 : 5);
      auto end = text.find('}', i);
      std::uint64_t n = std::stoull(text.substr(from, end - from));
      out += std::to_string((by_conn ? conn : seq) % (n ? n : 1) + 1);
      i = end + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// Parses one HTTP/1.1 response from the front of `in`. Returns the number of
// bytes it used, 0 when incomplete, or npos when the bytes are not HTTP.
struct parsed_response {
  int status = 0;
  bool close = false;
  double upstream_ms = -1; ///< Server-Timing dur, when present
  double disk_ms = -1;     ///< Server-Timing disk;dur, when present
  double total_ms = -1;    ///< Server-Timing total;dur, when present
};

std::size_t parse_response(const std::string& in, parsed_response& out) {
  auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos)
    return 0;
  if (in.compare(0, 5, "HTTP/") != 0)
    return std::string::npos;
  auto sp = in.find(' ');
  out.status = std::atoi(in.c_str() + sp + 1);
  std::size_t content_length = 0;
  bool chunked = false;
  out.close = false;
  out.upstream_ms = -1;
  out.disk_ms = -1;
  out.total_ms = -1;
  std::size_t pos = in.find("\r\n") + 2;
  while (pos < head_end) {
    auto eol = in.find("\r\n", pos);
    auto colon = in.find(':', pos);
    if (colon != std::string::npos && colon < eol) {
      auto name_len = colon - pos;
      auto value = in.substr(colon + 1, eol - colon - 1);
      value.erase(0, value.find_first_not_of(' '));
      auto is = [&](const char* n) {
        return name_len == std::strlen(n) && strncasecmp(in.c_str() + pos, n, name_len) == 0;
      };
      if (is("content-length"))
        content_length = std::stoull(value);
      else if (is("transfer-encoding"))
        chunked = strcasestr(value.c_str(), "chunked") != nullptr;
      else if (is("connection"))
        out.close = strcasestr(value.c_str(), "close") != nullptr;
      else if (is("server-timing")) {
        // "<upstream>;dur=<ms>[, disk;dur=<ms>][, total;dur=<ms>]": the first
        // metric is the upstream time.
        auto dur = [&value](std::string_view key) {
          auto at = value.find(key);
          return at == std::string::npos ? -1.0 : std::atof(value.c_str() + at + key.size());
        };
        out.upstream_ms = dur("dur=");
        out.disk_ms = dur("disk;dur=");
        out.total_ms = dur("total;dur=");
      }
    }
    pos = eol + 2;
  }
  std::size_t body = head_end + 4;
  if (!chunked)
    return in.size() >= body + content_length ? body + content_length : 0;
  // Chunked: walk the chunks to the terminating zero-size one.
  for (std::size_t p = body;;) {
    auto eol = in.find("\r\n", p);
    if (eol == std::string::npos)
      return 0;
    std::size_t size = std::stoull(in.substr(p, eol - p), nullptr, 16);
    p = eol + 2 + size + 2;
    if (p > in.size())
      return 0;
    if (size == 0)
      return p;
  }
}

struct connection {
  int fd = -1;
  bool connected = false;
  bool busy = false;
  std::string out;
  std::size_t out_pos = 0;
  std::string in;
  std::size_t route = 0;
  time_point intended;
  time_point written; ///< when the request's first bytes went to the socket
  /// When the kernel received the last bytes read so far (a software receive
  /// timestamp, moved to the monotonic clock); epoch when the kernel gave none.
  time_point arrived;
};

class engine {
public:
  explicit engine(const load_options& o) : opt_(o) {
    if (opt_.mix.empty())
      throw std::runtime_error("no requests in the mix");
    if (opt_.run_id.empty())
      opt_.run_id = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
    double total = 0;
    for (auto& r : opt_.mix)
      cumulative_.push_back(total += r.weight);
    epoll_ = epoll_create1(0);
    // Timers fire when asked, not up to 50 µs later (the default slack):
    // open-loop latency counts from the intended send time.
    prctl(PR_SET_TIMERSLACK, 1UL);
    realtime_offset_ = realtime_minus_monotonic();
    resolve();
  }

  ~engine() {
    for (auto& c : conns_)
      if (c.fd >= 0)
        ::close(c.fd);
    ::close(epoll_);
  }

  load_result run() {
    conns_.resize(static_cast<std::size_t>(opt_.connections));
    for (std::size_t i = 0; i < conns_.size(); ++i)
      open(i);
    auto start = clock_type::now();
    measure_from_ = start + opt_.warmup;
    auto end = measure_from_ + opt_.duration;
    next_arrival_ = start;
    auto next_progress = start + std::chrono::seconds(1);
    std::uint64_t last_done = 0;
    if (opt_.rate <= 0)
      for (std::size_t i = 0; i < conns_.size(); ++i)
        pending_.push_back(start);
    std::vector<epoll_event> events(conns_.size() + 1);
    while (true) {
      auto now = clock_type::now();
      if (now >= end)
        break;
      if (opt_.rate > 0) {
        auto step = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / opt_.rate));
        while (next_arrival_ <= now) {
          pending_.push_back(next_arrival_);
          next_arrival_ += step;
        }
      }
      dispatch(now);
      if (opt_.progress && now >= next_progress) {
        std::fprintf(stderr, "  %6.1fs  %8llu responses/s  %zu queued\n",
                     std::chrono::duration<double>(now - start).count(),
                     static_cast<unsigned long long>(done_ - last_done), pending_.size());
        last_done = done_;
        next_progress += std::chrono::seconds(1);
      }
      // Sleep until shortly before the next arrival, then poll through the
      // last stretch: a send on time without a thread wake-up's delay, and
      // without spinning through most of a millisecond (as a wait in whole
      // milliseconds did), a core at raised priority taken from the server.
      auto wait = std::chrono::nanoseconds(std::chrono::milliseconds(100));
      if (opt_.rate > 0)
        wait = std::max(std::chrono::nanoseconds(0),
                        std::chrono::duration_cast<std::chrono::nanoseconds>(next_arrival_ - now) - spin_lead);
      auto wait_s = std::chrono::duration_cast<std::chrono::seconds>(wait);
      timespec timeout{static_cast<time_t>(wait_s.count()), static_cast<long>((wait - wait_s).count())};
      int n = epoll_pwait2(epoll_, events.data(), static_cast<int>(events.size()), &timeout, nullptr);
      for (int i = 0; i < n; ++i)
        on_event(events[static_cast<std::size_t>(i)].data.u64, events[static_cast<std::size_t>(i)].events);
    }
    result_.measured_seconds = std::chrono::duration<double>(end - measure_from_).count();
    result_.run_id = opt_.run_id;
    return std::move(result_);
  }

private:
  void resolve() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    auto port = std::to_string(opt_.port);
    if (getaddrinfo(opt_.host.c_str(), port.c_str(), &hints, &res) != 0 || !res)
      throw std::runtime_error("cannot resolve " + opt_.host);
    std::memcpy(&addr_, res->ai_addr, res->ai_addrlen);
    addr_len_ = res->ai_addrlen;
    freeaddrinfo(res);
  }

  void open(std::size_t i) {
    auto& c = conns_[i];
    if (c.fd >= 0)
      ::close(c.fd);
    c = connection{};
    c.fd = socket(addr_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // The kernel stamps each received segment: the response's arrival, apart
    // from when this loop got round to reading it (a generator that shares the
    // server's cores is not always on one when the answer comes).
    int stamping = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
    setsockopt(c.fd, SOL_SOCKET, SO_TIMESTAMPING, &stamping, sizeof stamping);
    int rc = connect(c.fd, reinterpret_cast<sockaddr*>(&addr_), addr_len_);
    if (rc != 0 && errno != EINPROGRESS)
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u64 = i;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
  }

  std::size_t pick_route() {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    double x = (rng_ >> 11) * (1.0 / 9007199254740992.0) * cumulative_.back();
    return static_cast<std::size_t>(
      std::upper_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin());
  }

  // Hands queued arrivals to idle connections.
  void dispatch(time_point) {
    for (std::size_t i = 0; i < conns_.size() && !pending_.empty(); ++i) {
      auto& c = conns_[i];
      if (c.connected && !c.busy) {
        send(i, pending_.front());
        pending_.pop_front();
      }
    }
  }

  void send(std::size_t i, time_point intended) {
    auto& c = conns_[i];
    c.route = std::min(pick_route(), opt_.mix.size() - 1);
    auto& t = opt_.mix[c.route];
    auto seq = seq_++;
    auto body = expand(t.body, seq, i, opt_.run_id);
    c.out = t.method + " " + expand(t.path, seq, i, opt_.run_id) + " HTTP/1.1\r\nHost: " + opt_.host +
            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    for (auto& [k, v] : t.headers)
      c.out += k + ": " + expand(v, seq, i, opt_.run_id) + "\r\n";
    if (!body.empty() && !has_header(t, "content-type"))
      c.out += "Content-Type: application/json\r\n";
    c.out += "\r\n" + body;
    c.out_pos = 0;
    c.busy = true;
    c.intended = intended;
    c.written = clock_type::now();
    flush(i);
  }

  static bool has_header(const request_template& t, const char* name) {
    for (auto& h : t.headers)
      if (strcasecmp(h.first.c_str(), name) == 0)
        return true;
    return false;
  }

  void flush(std::size_t i) {
    auto& c = conns_[i];
    while (c.out_pos < c.out.size()) {
      auto n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno != EAGAIN)
          fail(i);
        return;
      }
      c.out_pos += static_cast<std::size_t>(n);
    }
  }

  void on_event(std::uint64_t i, std::uint32_t ev) {
    auto& c = conns_[i];
    if (!c.connected && (ev & EPOLLOUT)) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0)
        throw std::runtime_error(std::string("connect: ") + std::strerror(err));
      c.connected = true;
      epoll_event mod{};
      mod.events = EPOLLIN | EPOLLRDHUP;
      mod.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &mod);
      return;
    }
    if (c.busy && c.out_pos < c.out.size())
      flush(i);
    if (ev & EPOLLIN) {
      char buf[65536];
      while (true) {
        auto n = receive(c, buf, sizeof buf);
        if (n > 0) {
          c.in.append(buf, static_cast<std::size_t>(n));
          continue;
        }
        if (n == 0 || errno != EAGAIN) {
          consume(i);
          fail(i);
          return;
        }
        break;
      }
      consume(i);
    } else if (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
      fail(i);
    }
  }

  // recv() that also keeps the kernel's receive timestamp of what it read.
  ssize_t receive(connection& c, char* buf, std::size_t size) {
    iovec iov{buf, size};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(scm_timestamping))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    auto n = ::recvmsg(c.fd, &msg, 0);
    if (n <= 0)
      return n;
    for (auto* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
      if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPING)
        continue;
      scm_timestamping stamps{};
      std::memcpy(&stamps, CMSG_DATA(cm), sizeof stamps);
      const auto& t = stamps.ts[0];
      if (t.tv_sec == 0 && t.tv_nsec == 0)
        continue;
      auto real = std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
      c.arrived = time_point(std::chrono::duration_cast<clock_type::duration>(real - realtime_offset_));
    }
    return n;
  }

  void consume(std::size_t i) {
    auto& c = conns_[i];
    if (!c.busy)
      return;
    parsed_response r;
    auto used = parse_response(c.in, r);
    if (used == 0)
      return;
    if (used == std::string::npos) {
      fail(i);
      return;
    }
    c.in.erase(0, used);
    auto now = clock_type::now();
    if (c.intended >= measure_from_) {
      auto& s = result_.routes[opt_.mix[c.route].name];
      auto lat = nanos_between(c.intended, now);
      // The kernel's stamp is of the last bytes read; a stamp from before
      // this request was written belongs to an earlier answer.
      std::int64_t read_lag = c.arrived >= c.written ? static_cast<std::int64_t>(nanos_between(c.arrived, now)) : -1;
      s.latency.record(lat);
      std::int64_t overhead = -1, in_server = -1;
      if (r.upstream_ms >= 0) {
        auto upstream = ms_to_ns(r.upstream_ms);
        overhead = static_cast<std::int64_t>(less_reported(lat, upstream));
        s.overhead.record(static_cast<std::uint64_t>(overhead));
        if (read_lag >= 0)
          s.overhead_at_server.record(less_reported(nanos_between(c.written, c.arrived), upstream));
        if (r.disk_ms >= 0)
          s.overhead_without_disk.record(less_reported(lat, upstream + ms_to_ns(r.disk_ms)));
        if (r.total_ms >= 0) {
          in_server = static_cast<std::int64_t>(less_reported(ms_to_ns(r.total_ms), upstream));
          s.overhead_in_server.record(static_cast<std::uint64_t>(in_server));
        }
      }
      result_.all.record(lat);
      if (opt_.keep_samples)
        result_.samples.push_back({opt_.mix[c.route].name,
                                   std::chrono::duration_cast<std::chrono::nanoseconds>(c.intended.time_since_epoch()).count(),
                                   lat, overhead, nanos_between(c.intended, c.written), read_lag, in_server});
      ++s.responses;
      ++s.statuses[r.status];
      ++result_.recorded;
    }
    ++done_;
    c.busy = false;
    if (r.close) {
      open(i);
      if (opt_.rate <= 0)
        pending_.push_back(now);
      return;
    }
    if (opt_.rate <= 0)
      send(i, now);
    else if (!pending_.empty()) {
      auto t = pending_.front();
      pending_.pop_front();
      send(i, t);
    }
  }

  // A connection died: count the request as failed and reconnect.
  void fail(std::size_t i) {
    auto& c = conns_[i];
    if (c.busy && c.intended >= measure_from_)
      ++result_.routes[opt_.mix[c.route].name].failures;
    bool closed_loop = opt_.rate <= 0;
    auto was_busy = c.busy;
    open(i);
    if (closed_loop && was_busy)
      pending_.push_back(clock_type::now());
  }

  load_options opt_;
  std::vector<double> cumulative_;
  std::vector<connection> conns_;
  std::deque<time_point> pending_;
  time_point measure_from_, next_arrival_;
  sockaddr_storage addr_{};
  socklen_t addr_len_ = 0;
  int epoll_ = -1;
  std::chrono::nanoseconds realtime_offset_{0};
  std::uint64_t seq_ = 1, done_ = 0, rng_ = 0x9E3779B97F4A7C15ULL;
  load_result result_;
};

} // namespace

load_result run_load(const load_options& options) {
  engine e(options);
  return e.run();
}

} // namespace rkgate::bench
