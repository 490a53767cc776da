// The UPKEEP PARSER: the gateway's own background reads (a status poll's
// GetOrderList of every open order, a menu's GetOrderMenu and GetDishRests)
// come back large and often. Parsed on the actors' threads they hold one of
// them for milliseconds at a time, and the orders in the queue behind wait.
// Here they are parsed on a thread of their own whose lower priority lets
// the kernel run the actors' threads first; on a saturated machine upkeep
// then slows down instead of the orders.

#include "actors/spawn.hpp"

#include "background_thread.hpp"

#include <caf/all.hpp>

namespace rkgate::actors {

namespace {

upkeep_parser_actor::behavior_type upkeep_parser(upkeep_parser_actor::pointer) {
  // A detached actor starts on its own thread: this is that thread.
  detail::run_in_background("rkgate.upkeep", upkeep_nice);
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
