#include "config/config.hpp"

#include <algorithm>
#include <thread>

namespace rkgate::config {

std::size_t http_threads(const server_section& server) {
  if (server.threads != 0)
    return server.threads;
  // On a 2-core machine one HTTP thread serves ping as fast as two (bench/run.py
  // ping) and leaves the other core to the actors, which the other routes need.
  return std::max<std::size_t>(1, std::thread::hardware_concurrency() / 2);
}

} // namespace rkgate::config
