// The latency histogram of host/common (used by bench/ and the host) (HdrHistogram's log-linear bucketing): exact below 2,048,
// within 1/1024 relative error above, against exact percentiles of random data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "common/hdr_histogram.hpp"

namespace perpgate {
namespace {

TEST(HdrHistogram, ExactBelowTheFirstPowerOfTwoOfItsRange) {
  HdrHistogram h;
  for (std::uint64_t v = 0; v < 2048; ++v) h.record(v);
  EXPECT_EQ(h.percentile(50), 1023u);
  EXPECT_EQ(h.percentile(100), 2047u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.count(), 2048u);
}

TEST(HdrHistogram, BucketsTileTheRangeWithoutGaps) {
  for (std::size_t i = 1; i < 2048 + 40 * 1024; ++i) {
    ASSERT_EQ(HdrHistogram::lowest(i), HdrHistogram::highest_equivalent(i - 1) + 1) << i;
    ASSERT_EQ(HdrHistogram::index_of(HdrHistogram::lowest(i)), i);
    ASSERT_EQ(HdrHistogram::index_of(HdrHistogram::highest_equivalent(i)), i);
  }
}

TEST(HdrHistogram, PercentilesWithinTheRelativeErrorOfExact) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(8.0, 2.0);
  std::vector<std::uint64_t> v;
  HdrHistogram h;
  for (int i = 0; i < 200'000; ++i) {
    const auto x = static_cast<std::uint64_t>(d(rng));
    v.push_back(x);
    h.record(x);
  }
  std::sort(v.begin(), v.end());
  for (double p : {0.0, 1.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const std::size_t rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()) - 1e-6)));
    const std::uint64_t exact = v[rank - 1];
    const std::uint64_t got = h.percentile(p);
    EXPECT_GE(got, exact) << p;
    EXPECT_LE(static_cast<double>(got - exact), static_cast<double>(exact) / 1024.0 + 1.0) << p;
  }
  EXPECT_EQ(h.max(), v.back());
  EXPECT_EQ(h.min(), v.front());
}

}  // namespace
}  // namespace perpgate
