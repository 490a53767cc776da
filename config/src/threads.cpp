#include "config/config.hpp"

#include <algorithm>
#include <thread>

namespace rkgate::config {

std::size_t loop_threads(const server_section& server) {
  if (server.threads != 0)
    return server.threads;
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

} // namespace rkgate::config
