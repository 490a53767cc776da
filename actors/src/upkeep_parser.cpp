// The UPKEEP PARSER: the gateway's own background reads (a status poll's
// GetOrderList of every open order, a menu's GetOrderMenu and GetDishRests)
// come back large and often. Parsed on the actors' threads they hold one of
// them for milliseconds at a time, and the orders in the queue behind wait.
// Here they are parsed on a thread of their own whose lower priority lets
// the kernel run the actors' threads first; on a saturated machine upkeep
// then slows down instead of the orders.

#include "actors/spawn.hpp"

#include <caf/all.hpp>
#include <caf/detail/set_thread_name.hpp>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rkgate::actors {

namespace {

upkeep_parser_actor::behavior_type upkeep_parser(upkeep_parser_actor::pointer) {
  caf::detail::set_thread_name("rkgate.upkeep");
  // A detached actor starts on its own thread: this lowers that thread only,
  // relative to the process's own nice value (19 is the lowest there is).
  const auto tid = static_cast<id_t>(gettid());
  errno = 0;
  const int base = getpriority(PRIO_PROCESS, tid);
  if (errno != 0 || setpriority(PRIO_PROCESS, tid, std::min(base + upkeep_nice, 19)) != 0)
    spdlog::warn("upkeep parser: cannot lower its priority: {}", std::strerror(errno));
  return {
    [](atom::parse, rk7_completion& call, caf::actor& cash) {
      auto outcome = std::make_shared<rk7_outcome>(call.parse());
      rk7_completion parsed;
      parsed.latency = call.latency;
      parsed.parse = [outcome] { return std::move(*outcome); };
      caf::anon_send(cash, atom::done_v, std::move(parsed));
    },
  };
}

} // namespace

upkeep_parser_actor spawn_upkeep_parser(caf::actor_system& sys) {
  return sys.spawn<caf::detached>(upkeep_parser);
}

} // namespace rkgate::actors
