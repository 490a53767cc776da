// The STORE on a real actor system and a real RocksDB (it owns two threads,
// which the deterministic scheduler cannot drive): every put is answered,
// synced ones after the WAL sync that covers them (group commit), reads see
// the writes before them, everything is there after a reopen, and both of its
// threads run below the caller's priority.

#include "actors/spawn.hpp"
#include "persistence/store.hpp"

#include "real_system.hpp"
#include "temp_dir.hpp"
#include "thread_nice.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <sched.h>

#include <chrono>

using namespace rkgate;
using namespace rkgate::actors;

namespace {

std::shared_ptr<persistence::store> open_store(const rkgate::test::temp_dir& dir) {
  std::string error;
  auto db = persistence::store::open(dir.path.string(), &error);
  REQUIRE(db);
  return db;
}

persistence::write_batch one_record(int i) {
  persistence::write_batch batch;
  batch.put(persistence::table::orders, "k" + std::to_string(i), "v" + std::to_string(i));
  return batch;
}

} // namespace

TEST_CASE("store: every put is answered, synced ones after their sync; all on disk after a reopen",
          "[actors][store]") {
  constexpr int puts = 300;
  rkgate::test::temp_dir dir("rkgate-store-actor-");
  {
    rkgate::test::real_actor_system real;
    auto& sys = real.sys;
    auto store = spawn_store(sys, open_store(dir));
    caf::scoped_actor self{sys};
    // All at once, two of three synced: the syncs that run meanwhile each
    // cover the writes made before they start, and must answer exactly those.
    for (int i = 0; i < puts; ++i)
      self->send(store, atom::put_v, one_record(i), i % 3 != 0);
    int succeeded = 0;
    bool timed_out = false;
    for (int i = 0; i < puts && !timed_out; ++i)
      self->receive([&](bool ok) { succeeded += ok ? 1 : 0; },
                    caf::after(std::chrono::seconds(10)) >> [&] { timed_out = true; });
    REQUIRE_FALSE(timed_out);
    CHECK(succeeded == puts);

    self->request(store, caf::infinite, atom::get_v, store_key{persistence::table::orders, "k299"})
      .receive([&](const store_value& v) { CHECK((v.found && v.value == "v299")); },
               [&](caf::error& err) { FAIL(caf::to_string(err)); });
    // Both threads yield to the event loop's (a synced put is waited for only
    // beside an r_keeper call); the caller's thread is untouched.
    CHECK(test::nice_of_thread("rkgate.store").value_or(test::no_such_thread) == test::lowered_nice(store_nice));
    CHECK(test::nice_of_thread("rkgate.wal").value_or(test::no_such_thread) == test::lowered_nice(store_nice));
    // Batch threads: their wake-ups (several per order) do not preempt a loop thread.
    CHECK(test::policy_of_thread("rkgate.store").value_or(test::no_such_thread) == SCHED_BATCH);
    CHECK(test::policy_of_thread("rkgate.wal").value_or(test::no_such_thread) == SCHED_BATCH);
    self->send_exit(store, caf::exit_reason::user_shutdown);
    self->wait_for(store);
  }
  auto reopened = open_store(dir);
  for (int i = 0; i < puts; ++i)
    CHECK(reopened->get(persistence::table::orders, "k" + std::to_string(i)) == "v" + std::to_string(i));
}
