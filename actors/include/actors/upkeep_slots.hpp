// Periodic upkeep (a restaurant's status polls and menu re-reads) ticks on
// fixed slots of its period, each restaurant at its own phase. Restaurants
// started together would otherwise poll together for ever: their replies,
// hundreds of kilobytes each with many open orders, then arrive and are
// parsed in one burst that orders being created must queue behind
// (docs/performance.md, "postorder overhead").

#pragma once

#include <chrono>
#include <cstddef>

namespace rkgate::actors {

/// The phase of restaurant `index` of `count`: spread evenly over [0, 1).
inline double upkeep_phase(std::size_t index, std::size_t count) {
  return count == 0 ? 0.0 : static_cast<double>(index % count) / static_cast<double>(count);
}

/// Time from `now` (since the clock's epoch) to the next slot of `period`
/// that lies `phase` (in [0, 1)) of the way into it. The slot is at least
/// half a period away, so a late reply never makes two calls back to back.
template <class Duration>
Duration until_slot(Duration now, Duration period, double phase) {
  if (period <= Duration::zero())
    return Duration::zero();
  auto offset = std::chrono::round<Duration>(period * phase);
  auto earliest = now + period / 2;
  auto into = (earliest - offset) % period; // how far `earliest` is past its slot
  if (into < Duration::zero())
    into += period;
  return into == Duration::zero() ? earliest - now : earliest - now + (period - into);
}

} // namespace rkgate::actors
