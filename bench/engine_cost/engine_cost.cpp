// CPU of rkgate's outbound HTTP engine per request: N POSTs of an r_keeper-
// sized body, 64 at a time, through net::http_engine to a local server
// (bench-hello: see engine_cost.sh). Prints this process's user + system CPU
// per request; the server runs in its own process and is not counted.
//
//   rkgate-engine-cost PORT [REQUESTS]

#include "loop/event_loop.hpp"
#include "net/http_engine.hpp"

#include <sys/resource.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: rkgate-engine-cost PORT [REQUESTS]\n");
    return 2;
  }
  const std::string base = "http://127.0.0.1:" + std::string(argv[1]);
  const int total = argc > 2 ? std::atoi(argv[2]) : 20000;
  constexpr int concurrency = 64;
  const std::string body(1500, 'x'); // about a SaveOrder
  rkgate::loop::event_loop loop{1};
  rkgate::net::http_engine engine{loop};
  std::mutex mutex;
  std::condition_variable all_done;
  int sent = 0, done = 0, failed = 0;
  auto next = [&] { // called with `mutex` held
    rkgate::net::request r;
    r.url = base + "/r" + std::to_string(sent % 100) + "/rk7api/v0/xmlinterface.xml";
    r.body = body;
    r.content_type = "application/xml; charset=utf-8";
    r.auth = rkgate::net::basic_auth{"http", "http"};
    ++sent;
    return r;
  };
  rkgate::net::completion on_done;
  on_done = [&](rkgate::net::outcome o) {
    std::optional<rkgate::net::request> again;
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++done;
      failed += o.replied() ? 0 : 1;
      if (sent < total)
        again = next();
      all_done.notify_all();
    }
    // Outside the lock: a completion may run inside post() (a failure found at once).
    if (again)
      engine.post(std::move(*again), on_done);
  };
  const double started = cpu_seconds();
  std::vector<rkgate::net::request> first;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (int i = 0; i < concurrency && sent < total; ++i)
      first.push_back(next());
  }
  for (auto& r : first)
    engine.post(std::move(r), on_done);
  std::unique_lock<std::mutex> lock(mutex);
  all_done.wait(lock, [&] { return done >= total; });
  std::printf("%d requests, %d failed: %.1f us of client CPU per request\n", done, failed,
              (cpu_seconds() - started) * 1e6 / done);
  return failed == 0 ? 0 : 1;
}
