#pragma once
// A log-linear latency histogram in the spirit of HdrHistogram: values in
// nanoseconds, about 0.1 % relative precision, fixed memory, O(1) record,
// mergeable across threads.

#include <cstdint>
#include <vector>

namespace rkgate::bench {

class histogram {
public:
  histogram();

  void record(std::uint64_t nanos);
  void merge(const histogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0; }

  /// The value at or below which `q` (0..1) of the recorded values lie.
  std::uint64_t quantile(double q) const;

private:
  static constexpr int sub_bits = 10;
  static std::size_t index_of(std::uint64_t v);
  static std::uint64_t value_of(std::size_t index); ///< upper edge of a bucket

  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0, sum_ = 0, max_ = 0, min_ = UINT64_MAX;
};

} // namespace rkgate::bench
