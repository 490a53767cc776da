// A bare RESTinio server, the floor rkgate is measured against:
// - any path: a hello-world, the loopback ceiling for rkgate's cheapest route
//   (/api/v3/ping);
// - /delayed/MS: answers after MS milliseconds on an asio timer, with
//   `Server-Timing: rk7;dur=<the wait>` as rkgate reports its r_keeper time, so
//   the load generator's "overhead" of this route is what the machine, the
//   loopback and the generator add by themselves to a request that waits that
//   long (bench/run.py: postorder's overhead floor).
// Same traits as rkgate's server except the router (a bare server has none);
// THREADS asio threads (rkgate's are `server.threads`; bench/run.py measures
// both at 1 and 2). Prints `READY <port>` like rk7sim and rkgate.
//
//   bench-hello [PORT] [THREADS]

#include <restinio/all.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <future>
#include <memory>
#include <string>

namespace {

constexpr const char* hello_body = R"({"result":true,"data":{"hello":"world"}})";

/// Answers `req` once `ms` have passed on `ctx`'s timer queue.
template <class Request>
restinio::request_handling_status_t answer_later(asio::io_context& ctx, Request req, int ms) {
  auto timer = std::make_shared<asio::steady_timer>(ctx, std::chrono::milliseconds(ms));
  auto started = std::chrono::steady_clock::now();
  timer->async_wait([req, timer, started](const asio::error_code&) {
    std::chrono::duration<double, std::milli> waited = std::chrono::steady_clock::now() - started;
    char timing[64];
    std::snprintf(timing, sizeof timing, "rk7;dur=%.3f", waited.count());
    req->create_response()
      .append_header(restinio::http_field::content_type, "application/json")
      .append_header("Server-Timing", timing)
      .set_body(hello_body)
      .done();
  });
  return restinio::request_accepted();
}

} // namespace

int main(int argc, char** argv) {
  unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 18080;
  std::size_t threads = argc > 2 ? static_cast<std::size_t>(std::max(1, std::atoi(argv[2]))) : 1;
  using traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
  asio::io_context ctx;
  restinio::http_server_t<traits> server{
    restinio::external_io_context(ctx),
    restinio::server_settings_t<traits>{}.port(port).address("127.0.0.1").request_handler(
      [&ctx](auto req) {
        static const std::string delayed = "/delayed/";
        const auto target = req->header().path();
        if (target.substr(0, delayed.size()) == delayed)
          return answer_later(ctx, req, std::atoi(std::string(target.substr(delayed.size())).c_str()));
        return req->create_response()
          .append_header(restinio::http_field::content_type, "application/json")
          .set_body(hello_body)
          .done();
      })};
  restinio::on_pool_runner_t<restinio::http_server_t<traits>> runner{threads, server};
  // READY only once the socket listens (start() opens it asynchronously).
  std::promise<void> opened;
  runner.start([&opened]() noexcept { opened.set_value(); },
               [&opened](std::exception_ptr e) noexcept { opened.set_exception(std::move(e)); });
  try {
    opened.get_future().get();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-hello: %s\n", e.what());
    return 1;
  }
  std::printf("READY %u\n", port);
  std::fflush(stdout);
  runner.wait();
}
