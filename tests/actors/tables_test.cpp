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

TEST_CASE("tables: names", "[actors][tables]") {
  CHECK(table_name(100, 0) == "100");
  CHECK(table_name(100, 1) == "100.1");
  CHECK(table_name(100, 12) == "100.12");
  CHECK(table_name(7, 2) == "7.2");
}

TEST_CASE("tables: the lowest free slot, from the stored slots", "[actors][tables]") {
  CHECK(slot_numbers(taken({})).take() == 0);
  CHECK(slot_numbers(taken({0})).take() == 1);
  CHECK(slot_numbers(taken({0, 1, 2})).take() == 3);
  CHECK(slot_numbers(taken({0, 2})).take() == 1); // a released number is reused first
  CHECK(slot_numbers(taken({1, 2})).take() == 0);
  slot_numbers gaps(taken({1, 4}));
  CHECK(gaps.take() == 0);
  CHECK(gaps.take() == 2);
  CHECK(gaps.take() == 3);
  CHECK(gaps.take() == 5);
}

TEST_CASE("tables: released slots are reused lowest first", "[actors][tables]") {
  slot_numbers slots;
  for (int i = 0; i < 5; ++i)
    REQUIRE(slots.take() == i);
  slots.release(3);
  slots.release(1);
  CHECK(slots.take() == 1);
  CHECK(slots.take() == 3);
  CHECK(slots.take() == 5);
  // Releasing the top slots shrinks the range: the next is the lowest free.
  slots.release(5);
  slots.release(2);
  slots.release(4);
  CHECK(slots.take() == 2);
  CHECK(slots.take() == 4);
  CHECK(slots.take() == 5);
  CHECK(slots.take() == 6);
}
