// A restaurant's TABLE POOL on the deterministic scheduler: 100, 100.1,
// 100.2, reuse after release, each base table on its own, restore after a
// restart.

#include "caf_fixture.hpp"

#include "actors/tables.hpp"

using namespace rkgate;
using namespace rkgate::test;

namespace {

struct pool_fixture : caf_fixture {
  std::shared_ptr<fake_store_data> stored = std::make_shared<fake_store_data>();
  store_actor store = own(spawn_fake_store(sys, stored));

  int allocate(const table_pool_actor& pool, const std::string& guid, std::int64_t base = 100) {
    auto slot = ask<int>(pool, atom::allocate_v, base, guid);
    sched.run();
    REQUIRE(*slot);
    return **slot;
  }
  void release(const table_pool_actor& pool, const std::string& guid, std::int64_t base = 100) {
    caf::anon_send(pool, atom::release_v, base, guid);
    sched.run();
  }
  /// Restaurant r1's allocations in the store, as start_gateway reads them back.
  table_allocations restored() {
    table_allocations out;
    for (const auto& [key, guid] : stored->records)
      if (key.first == persistence::table::tables) {
        auto first = key.second.find('\x1f');
        auto second = key.second.find('\x1f', first + 1);
        REQUIRE(key.second.substr(0, first) == "r1");
        out[std::stoll(key.second.substr(first + 1, second - first - 1))][std::stoi(key.second.substr(second + 1))] =
          guid;
      }
    return out;
  }
};

} // namespace

TEST_CASE_METHOD(pool_fixture, "table pool: 100, 100.1, 100.2 and reuse after release", "[actors][tables]") {
  auto pool = own(spawn_table_pool(sys, "r1", {}, store));
  CHECK(allocate(pool, "{A}") == 0);
  CHECK(allocate(pool, "{B}") == 1);
  CHECK(allocate(pool, "{C}") == 2);
  CHECK(table_name(100, 2) == "100.2");
  // The same order asking again keeps its number.
  CHECK(allocate(pool, "{B}") == 1);
  // Each allocation is stored.
  CHECK(stored->get(persistence::table::tables, table_key("r1", 100, 1)) == std::string("{B}"));

  release(pool, "{B}");
  CHECK_FALSE(stored->get(persistence::table::tables, table_key("r1", 100, 1)));
  CHECK(allocate(pool, "{E}") == 1); // the lowest free number first
  CHECK(allocate(pool, "{F}") == 3);
  // Releasing an unknown order, or on a base table with no orders, changes nothing.
  release(pool, "{nobody}");
  release(pool, "{E}", 555);
  CHECK(allocate(pool, "{G}") == 4);
  CHECK(allocate(pool, "{E}") == 1);
}

TEST_CASE_METHOD(pool_fixture, "table pool: each base table of the restaurant numbers on its own",
                 "[actors][tables]") {
  auto pool = own(spawn_table_pool(sys, "r1", {}, store));
  CHECK(allocate(pool, "{A}", 100) == 0);
  CHECK(allocate(pool, "{B}", 100) == 1);
  CHECK(allocate(pool, "{C}", 101) == 0);
  CHECK(allocate(pool, "{D}", 101) == 1);
  CHECK(allocate(pool, "{E}", 100) == 2);
  CHECK(stored->get(persistence::table::tables, table_key("r1", 101, 1)) == std::string("{D}"));
  CHECK(stored->get(persistence::table::tables, table_key("r1", 100, 1)) == std::string("{B}"));

  // A release frees the number on its own base table only.
  release(pool, "{C}", 101);
  CHECK_FALSE(stored->get(persistence::table::tables, table_key("r1", 101, 0)));
  CHECK(stored->get(persistence::table::tables, table_key("r1", 100, 0)) == std::string("{A}"));
  CHECK(allocate(pool, "{F}", 100) == 3);
  CHECK(allocate(pool, "{G}", 101) == 0);
}

TEST_CASE_METHOD(pool_fixture, "table pool: allocations survive a restart", "[actors][tables]") {
  auto pool = own(spawn_table_pool(sys, "r1", {}, store));
  allocate(pool, "{A}");
  allocate(pool, "{B}");
  allocate(pool, "{C}");
  allocate(pool, "{X}", 101);
  allocate(pool, "{Y}", 101);
  release(pool, "{A}");
  release(pool, "{X}", 101);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  sched.run();

  auto again = own(spawn_table_pool(sys, "r1", restored(), store));
  CHECK(allocate(again, "{B}") == 1);
  CHECK(allocate(again, "{Y}", 101) == 1);
  CHECK(allocate(again, "{D}") == 0);
  CHECK(allocate(again, "{E}") == 3);
  CHECK(allocate(again, "{Z}", 101) == 0);
}

TEST_CASE_METHOD(pool_fixture, "table pool: the allocation is answered without waiting for its write",
                 "[actors][tables]") {
  // The write is unsynced and the ORDER's synced record made after it covers
  // it; a store that fails leaves that record unwritten and the order abandoned.
  auto held = std::make_shared<held_store_data>();
  auto pool = own(spawn_table_pool(sys, "r1", {}, own(spawn_held_store(sys, held))));
  auto slot = ask<int>(pool, atom::allocate_v, std::int64_t{100}, std::string("{A}"));
  sched.run();
  REQUIRE(*slot);
  CHECK(**slot == 0);
  REQUIRE(held->puts.size() == 1); // sent, not answered yet
  CHECK(held->puts.front().writes(persistence::table::tables, "r1\x1f" "100\x1f" "000000"));
  CHECK_FALSE(held->puts.front().sync);
}
