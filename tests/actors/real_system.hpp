#pragma once
// A real actor system, with threads of its own, for the actors the
// deterministic scheduler cannot drive: the detached ones.

#include "actors/actors.hpp"

#include <caf/all.hpp>

namespace rkgate::test {

struct real_actor_system {
  caf::actor_system_config cfg;
  caf::actor_system sys;

  real_actor_system() : sys{quiet(cfg)} {}

private:
  static caf::actor_system_config& quiet(caf::actor_system_config& c) {
    c.set("logger.file-verbosity", caf::atom("quiet"));
    c.set("logger.console-verbosity", caf::atom("quiet"));
    c.add_message_types<caf::id_block::rkgate_atoms>();
    return c;
  }
};

} // namespace rkgate::test
