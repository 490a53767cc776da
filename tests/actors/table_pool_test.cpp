// The TABLE POOLs behind the GATEWAY on the deterministic scheduler:
// 100, 100.1, 100.2, reuse after release, restore after a restart.

#include "caf_fixture.hpp"

#include "actors/tables.hpp"

using namespace rkgate;
using namespace rkgate::test;

namespace {

struct pool_fixture : caf_fixture {
  std::shared_ptr<fake_store_data> stored = std::make_shared<fake_store_data>();
  store_actor store = own(spawn_fake_store(sys, stored));

  int allocate(const gateway_actor& gw, const std::string& guid, std::int64_t base = 100) {
    auto slot = ask<int>(gw, atom::allocate_v, std::string("r1"), base, guid);
    sched.run();
    REQUIRE(*slot);
    return **slot;
  }
  /// The allocations in the store, as start_gateway reads them back.
  table_allocations restored() {
    table_allocations out;
    for (const auto& [key, guid] : stored->records)
      if (key.first == persistence::table::tables) {
        auto first = key.second.find('\x1f');
        auto second = key.second.find('\x1f', first + 1);
        out[{key.second.substr(0, first), std::stoll(key.second.substr(first + 1, second - first - 1))}]
           [std::stoi(key.second.substr(second + 1))] = guid;
      }
    return out;
  }
};

} // namespace

TEST_CASE_METHOD(pool_fixture, "table pool: 100, 100.1, 100.2 and reuse after release", "[actors][tables]") {
  auto gw = own(spawn_gateway(sys, {}, store));
  CHECK(allocate(gw, "{A}") == 0);
  CHECK(allocate(gw, "{B}") == 1);
  CHECK(allocate(gw, "{C}") == 2);
  CHECK(table_name(100, 2) == "100.2");
  // The same order asking again keeps its number.
  CHECK(allocate(gw, "{B}") == 1);
  // Another base table numbers on its own.
  CHECK(allocate(gw, "{D}", 101) == 0);
  // Each allocation is stored (synced) before it is answered.
  CHECK(stored->get(persistence::table::tables, table_key("r1", 100, 1)) == std::string("{B}"));

  caf::anon_send(gw, atom::release_v, std::string("r1"), std::int64_t{100}, std::string("{B}"));
  sched.run();
  CHECK_FALSE(stored->get(persistence::table::tables, table_key("r1", 100, 1)));
  CHECK(allocate(gw, "{E}") == 1); // the lowest free number first
  CHECK(allocate(gw, "{F}") == 3);
  // Releasing an unknown order changes nothing.
  caf::anon_send(gw, atom::release_v, std::string("r1"), std::int64_t{100}, std::string("{nobody}"));
  sched.run();
  CHECK(allocate(gw, "{G}") == 4);
}

TEST_CASE_METHOD(pool_fixture, "table pool: allocations survive a restart", "[actors][tables]") {
  auto gw = own(spawn_gateway(sys, {}, store));
  allocate(gw, "{A}");
  allocate(gw, "{B}");
  allocate(gw, "{C}");
  caf::anon_send(gw, atom::release_v, std::string("r1"), std::int64_t{100}, std::string("{A}"));
  sched.run();
  caf::anon_send_exit(gw, caf::exit_reason::user_shutdown);
  sched.run();

  auto again = own(spawn_gateway(sys, restored(), store));
  CHECK(allocate(again, "{B}") == 1);
  CHECK(allocate(again, "{D}") == 0);
  CHECK(allocate(again, "{E}") == 3);
}

TEST_CASE_METHOD(pool_fixture, "table pool: the allocation is answered without waiting for its write",
                 "[actors][tables]") {
  // The write is unsynced and the ORDER's synced record made after it covers
  // it; a store that fails leaves that record unwritten and the order abandoned.
  auto held = std::make_shared<held_store_data>();
  auto gw = own(spawn_gateway(sys, {}, own(spawn_held_store(sys, held))));
  auto slot = ask<int>(gw, atom::allocate_v, std::string("r1"), std::int64_t{100}, std::string("{A}"));
  sched.run();
  REQUIRE(*slot);
  CHECK(**slot == 0);
  REQUIRE(held->puts.size() == 1); // sent, not answered yet
  CHECK(held->puts.front().writes(persistence::table::tables, "r1\x1f" "100\x1f" "000000"));
  CHECK_FALSE(held->puts.front().sync);
}
