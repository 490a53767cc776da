// Periodic upkeep (a restaurant's status polls and menu re-reads) ticks on
// fixed slots of its period, each restaurant at its own phase. Restaurants
// started together would otherwise poll together for ever: their replies,
// hundreds of kilobytes each with many open orders, then arrive and are
// parsed in one burst that orders being created must queue behind
// (docs/performance-log.md, "What limited each figure").

#pragma once

#include <chrono>
#include <cstddef>

namespace rkgate::actors {

/// The phase of restaurant `index` of `count`: spread evenly over [0, 1).
inline double upkeep_phase(std::size_t index, std::size_t count) {
  return count == 0 ? 0.0 : static_cast<double>(index % count) / static_cast<double>(count);
}

/// Time from `now` (since the clock's epoch) to the next slot of `period`
/// that lies `phase` (in [0, 1)) of the way into it: more than zero and at
/// most one period, so a restaurant's ticks stay at most a period apart
/// (plus the time its own call took) and `menu.availability_refresh` keeps
/// its promise of how stale a menu may be.
template <class Duration>
Duration until_slot(Duration now, Duration period, double phase) {
  if (period <= Duration::zero())
    return Duration::zero();
  auto offset = std::chrono::round<Duration>(period * phase);
  auto into = (now - offset) % period; // how far `now` is past its slot
  if (into < Duration::zero())
    into += period;
  return period - into;
}

} // namespace rkgate::actors
