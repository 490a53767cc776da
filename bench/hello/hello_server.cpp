// A bare RESTinio hello-world: the loopback ceiling that rkgate's cheapest
// route (/api/v3/ping) is measured against. Same traits as rkgate's server
// except the router (a bare server has none); THREADS asio threads (rkgate's
// are `server.threads`; bench/run.py measures both at 1 and 2). Prints
// `READY <port>` like rk7sim and rkgate.
//
//   bench-hello [PORT] [THREADS]

#include <restinio/all.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 18080;
  std::size_t threads = argc > 2 ? static_cast<std::size_t>(std::max(1, std::atoi(argv[2]))) : 1;
  using traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
  restinio::http_server_t<traits> server{
    restinio::own_io_context(),
    restinio::server_settings_t<traits>{}.port(port).address("127.0.0.1").request_handler(
      [](auto req) {
        return req->create_response()
          .append_header(restinio::http_field::content_type, "application/json")
          .set_body(R"({"result":true,"data":{"hello":"world"}})")
          .done();
      })};
  restinio::on_pool_runner_t<restinio::http_server_t<traits>> runner{threads, server};
  runner.start();
  std::printf("READY %u\n", port);
  std::fflush(stdout);
  runner.wait();
}
