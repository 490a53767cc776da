// ProCart's table numbering: 100, 100.1, 100.2, ...

#include "actors/tables.hpp"

#include <catch2/catch.hpp>

using namespace rkgate::actors;

namespace {

/// Slots taken by some order each.
std::map<int, std::string> taken(std::initializer_list<int> slots) {
  std::map<int, std::string> out;
  for (int s : slots)
    out[s] = "{order-" + std::to_string(s) + "}";
  return out;
}

} // namespace

TEST_CASE("tables: names and the lowest free slot", "[actors][tables]") {
  CHECK(table_name(100, 0) == "100");
  CHECK(table_name(100, 1) == "100.1");
  CHECK(table_name(100, 12) == "100.12");
  CHECK(table_name(7, 2) == "7.2");
  CHECK(lowest_free_slot(taken({})) == 0);
  CHECK(lowest_free_slot(taken({0})) == 1);
  CHECK(lowest_free_slot(taken({0, 1, 2})) == 3);
  CHECK(lowest_free_slot(taken({0, 2})) == 1); // a released number is reused first
  CHECK(lowest_free_slot(taken({1, 2})) == 0);
}
