#include "bench/histogram.hpp"

#include <catch2/catch.hpp>

using rkgate::bench::histogram;

TEST_CASE("histogram quantiles stay within 0.1 % of the exact value", "[bench]") {
  histogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v)
    h.record(v * 1000); // 1 us .. 100 ms in ns
  REQUIRE(h.count() == 100000);
  REQUIRE(h.min() == 1000);
  REQUIRE(h.max() == 100000000);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    double exact = q * 100000 * 1000;
    double got = static_cast<double>(h.quantile(q));
    CHECK(got >= exact);
    CHECK(got <= exact * 1.001 + 1);
  }
  REQUIRE(h.quantile(1.0) == h.max());
}

TEST_CASE("small values are exact and merging adds counts", "[bench]") {
  histogram a, b;
  for (int i = 0; i < 10; ++i)
    a.record(7);
  b.record(2000);
  a.merge(b);
  REQUIRE(a.count() == 11);
  REQUIRE(a.quantile(0.5) == 7);
  REQUIRE(a.quantile(1.0) == 2000);
  REQUIRE(a.mean() == Approx((70.0 + 2000.0) / 11));
}

TEST_CASE("an empty histogram answers zeros", "[bench]") {
  histogram h;
  REQUIRE(h.quantile(0.99) == 0);
  REQUIRE(h.min() == 0);
  REQUIRE(h.mean() == 0);
}
