// Restaurants' periodic upkeep ticks on slots of its period, at a phase per
// restaurant, so many restaurants do not poll at once.

#include "actors/upkeep_slots.hpp"

#include <catch2/catch.hpp>

#include <set>

using rkgate::actors::until_slot;
using rkgate::actors::upkeep_phase;
using ms = std::chrono::milliseconds;

TEST_CASE("upkeep phases spread restaurants evenly over the period") {
  CHECK(upkeep_phase(0, 4) == 0.0);
  CHECK(upkeep_phase(1, 4) == 0.25);
  CHECK(upkeep_phase(3, 4) == 0.75);
  CHECK(upkeep_phase(0, 0) == 0.0);
  std::set<ms::rep> offsets;
  for (std::size_t i = 0; i < 100; ++i)
    offsets.insert((ms(20'000) + until_slot(ms(20'000), ms(2000), upkeep_phase(i, 100))).count() % 2000);
  CHECK(offsets.size() == 100); // a distinct moment of the period for each
  CHECK(*offsets.begin() == 0);
  CHECK(*offsets.rbegin() == 1980);
}

TEST_CASE("the next slot comes after now and at most a period away") {
  // Phase 0.25 of a 2 s period: slots at 500, 2500, 4500 ms ...
  CHECK(until_slot(ms(0), ms(2000), 0.25) == ms(500));
  CHECK(until_slot(ms(499), ms(2000), 0.25) == ms(1));
  CHECK(until_slot(ms(500), ms(2000), 0.25) == ms(2000)); // at a slot: the next one
  CHECK(until_slot(ms(540), ms(2000), 0.25) == ms(1960)); // a call that took 40 ms
  CHECK(until_slot(ms(2600), ms(2000), 0.25) == ms(1900)); // a reply late past 2500 waits for 4500
  // Phase 0: every tick of a period polled on time stays a whole period apart.
  CHECK(until_slot(ms(6000), ms(2000), 0.0) == ms(2000));
  CHECK(until_slot(ms(6040), ms(2000), 0.0) == ms(1960));
}

TEST_CASE("a period of zero ticks at once") {
  CHECK(until_slot(ms(1234), ms(0), 0.5) == ms(0));
}
