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

bool shares_actor_queue(const server_section& server) {
  switch (server.scheduler) {
    case actor_scheduler::sharing:
      return true;
    case actor_scheduler::stealing:
      return false;
    case actor_scheduler::automatic:
      break;
  }
  // Measured on 2 cores (bench/run.py postorder): sharing made 15 % more
  // orders per second at 20 % less CPU per order. Work stealing's idle
  // threads poll with short sleeps, which a small machine pays for; on many
  // cores its per-thread queues avoid one lock for every message.
  return std::thread::hardware_concurrency() <= 4;
}

std::size_t actor_threads(const server_section& server) {
  if (server.actor_threads != 0)
    return server.actor_threads;
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

} // namespace rkgate::config
