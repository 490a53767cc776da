#include "bench/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace rkgate::bench {

// Values below 2^(sub_bits+1) are exact; above, each power of two is split
// into 2^sub_bits linear sub-buckets.
histogram::histogram() : buckets_((64 - sub_bits + 1) << sub_bits, 0) {}

std::size_t histogram::index_of(std::uint64_t v) {
  constexpr std::uint64_t linear = std::uint64_t{1} << (sub_bits + 1);
  if (v < linear)
    return static_cast<std::size_t>(v);
  int msb = 63 - __builtin_clzll(v);
  int shift = msb - sub_bits;
  return (static_cast<std::size_t>(shift) << sub_bits) + static_cast<std::size_t>(v >> shift);
}

std::uint64_t histogram::value_of(std::size_t index) {
  constexpr std::size_t linear = std::size_t{1} << (sub_bits + 1);
  if (index < linear)
    return index;
  std::size_t shift = (index >> sub_bits) - 1;
  std::uint64_t base = index - (shift << sub_bits);
  return ((base + 1) << shift) - 1;
}

void histogram::record(std::uint64_t nanos) {
  std::size_t i = std::min(index_of(nanos), buckets_.size() - 1);
  ++buckets_[i];
  ++count_;
  sum_ += nanos;
  max_ = std::max(max_, nanos);
  min_ = std::min(min_, nanos);
}

void histogram::merge(const histogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i)
    buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

std::uint64_t histogram::quantile(double q) const {
  if (count_ == 0)
    return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_));
  rank = std::max<std::uint64_t>(rank, 1);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank)
      return std::min(value_of(i), max_);
  }
  return max_;
}

} // namespace rkgate::bench
