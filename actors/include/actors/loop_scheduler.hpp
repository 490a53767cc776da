#pragma once
// CAF's scheduler replaced by the gateway's event loop (loop/event_loop.hpp):
// actors run as handlers on the loop's threads, beside RESTinio and the
// outbound HTTP engine. A message sent on a loop thread (by an actor, an HTTP
// handler or an HTTP completion) runs its receiver on that same thread when
// the sender's handler is done, instead of waking a scheduler thread; only
// senders outside the loop (the STORE, the upkeep parsers) hand over to it.
// CAF's timers run on the loop too (one asio timer), not on a clock thread.
// docs/architecture.md, "Threads", says why.

namespace caf {
class actor_system_config;
}
namespace rkgate::loop {
class event_loop;
}

namespace rkgate::actors {

/// Makes every actor system created from `cfg` schedule its actors on `loop`,
/// which must outlive it. Detached actors keep their own threads; delayed
/// messages and timeouts fire on the loop's threads.
void run_actors_on(caf::actor_system_config& cfg, loop::event_loop& loop);

} // namespace rkgate::actors
