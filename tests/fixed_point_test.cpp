// Division and rounding helpers of fixed_point.hpp against plain 128-bit arithmetic.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "perpgate/fixed_point.hpp"

namespace perpgate {
namespace {

u128 random_u128(std::mt19937_64& rng, int bits) {
  const u128 v = (static_cast<u128>(rng()) << 64) | rng();
  return bits >= 128 ? v : v & ((static_cast<u128>(1) << bits) - 1);
}

TEST(FixedPoint, Udivmod128MatchesPlainDivision) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const u128 n = random_u128(rng, 1 + static_cast<int>(rng() % 127));
    u64 d = rng() >> (rng() % 63);
    if (d == 0) d = 1;
    u64 rem = 0;
    const u128 q = udivmod128(n, d, rem);
    ASSERT_EQ(q, n / d);
    ASSERT_EQ(rem, static_cast<u64>(n % d));
  }
}

TEST(FixedPoint, FloorAndCeilDivisionRoundTowardInfinities) {
  EXPECT_EQ(floor_div(i128{7}, 2), 3);
  EXPECT_EQ(floor_div(i128{-7}, 2), -4);
  EXPECT_EQ(floor_div(i128{-8}, 2), -4);
  EXPECT_EQ(ceil_div(i128{7}, 2), 4);
  EXPECT_EQ(ceil_div(i128{-7}, 2), -3);
  EXPECT_EQ(ceil_div(i128{0}, 5), 0);
  std::mt19937_64 rng(11);
  for (int i = 0; i < 100000; ++i) {
    const i128 a = static_cast<i128>(random_u128(rng, 110)) * ((rng() & 1) ? 1 : -1);
    const u64 d = 1 + (rng() >> 20);
    const i128 f = floor_div(a, d);
    const i128 c = ceil_div(a, d);
    ASSERT_LE(f * static_cast<i128>(d), a);
    ASSERT_GT((f + 1) * static_cast<i128>(d), a);
    ASSERT_GE(c * static_cast<i128>(d), a);
    ASSERT_LT((c - 1) * static_cast<i128>(d), a);
  }
}

// The reciprocal division behind rate_of_notional's CPU path, over its whole domain (any u128),
// with the multiples of 1e18 and their neighbours, and the top of the range.
TEST(FixedPoint, DivisionBy1e18MatchesPlainDivision) {
  std::mt19937_64 rng(11);
  const u128 d = 1'000'000'000'000'000'000ULL;
  for (int i = 0; i < 200000; ++i) {
    const u128 k = random_u128(rng, 1 + static_cast<int>(rng() % 68));  // k x d < 2^128
    const u128 ns[4] = {random_u128(rng, 1 + static_cast<int>(rng() % 128)), k * d, k * d + 1,
                        k == 0 ? 0 : k * d - 1};
    for (const u128 n : ns) ASSERT_EQ(udiv128_by_1e18(n), n / d);
  }
  const u128 top = ~u128{0};
  EXPECT_EQ(udiv128_by_1e18(top), top / d);
  EXPECT_EQ(udiv128_by_1e18(top / d * d), top / d);
  EXPECT_EQ(udiv128_by_1e18(top / d * d - 1), top / d - 1);
}

// rate_of_notional splits the product to stay inside 128 bits; where the plain product fits,
// it must agree with it exactly, and at the bounds it must not overflow.
TEST(FixedPoint, RateOfNotionalIsExact) {
  std::mt19937_64 rng(3);
  const i128 unit = i128{kNotionalDiv} * kRateScale;
  for (int i = 0; i < 200000; ++i) {
    const i128 raw = static_cast<i128>(random_u128(rng, 1 + static_cast<int>(rng() % 99)));
    const i64 rate = static_cast<i64>(rng() % (kRateMax + 1));
    const i128 exact_num = raw * rate;  // < 2^99 x 2^27
    ASSERT_EQ(rate_of_notional(raw, rate, false), exact_num / unit);
    ASSERT_EQ(rate_of_notional(raw, rate, true), (exact_num + unit - 1) / unit);
  }
  // Either side of 2^100, where the CPU build leaves the plain product for the split, and at the
  // largest rates: still the plain product's quotient (raw x rate < 2^101 x 2^27 fits).
  for (int i = 0; i < 200000; ++i) {
    const i128 raw = (i128{1} << 100) + static_cast<i128>(random_u128(rng, 96)) - (i128{1} << 95);
    const i64 rate = i % 2 == 0 ? kRateMax - static_cast<i64>(rng() % 1000) : static_cast<i64>(rng() % (kRateMax + 1));
    const i128 exact_num = raw * rate;
    ASSERT_EQ(rate_of_notional(raw, rate, false), exact_num / unit);
    ASSERT_EQ(rate_of_notional(raw, rate, true), (exact_num + unit - 1) / unit);
  }
  // Exact multiples of 1e18 and their neighbours, where a reciprocal's error would show.
  for (int i = 0; i < 200000; ++i) {
    const i64 rate = 1 + static_cast<i64>(rng() % kRateMax);
    const i128 k = static_cast<i128>(random_u128(rng, 1 + static_cast<int>(rng() % 60)));
    for (int delta = -1; delta <= 1; ++delta) {
      const i128 target = k * unit + delta;  // raw x rate near a multiple of 1e18
      const i128 raw = target / rate;
      if (raw < 0 || raw >= (i128{1} << 114)) continue;
      const i128 exact_num = raw * rate;
      ASSERT_EQ(rate_of_notional(raw, rate, false), exact_num / unit);
      ASSERT_EQ(rate_of_notional(raw, rate, true), (exact_num + unit - 1) / unit);
    }
  }
  // Largest raw notional the bounds allow, at a 100 % rate: the money value of the notional.
  const i128 max_raw = i128{kQtyMax} * kPxMax;
  EXPECT_EQ(rate_of_notional(max_raw, kRateMax, false), max_raw / kNotionalDiv);
  EXPECT_EQ(rate_of_notional(max_raw, kRateMax, true), (max_raw + kNotionalDiv - 1) / kNotionalDiv);
}

TEST(FixedPoint, SaturatingCollateralNeverWraps) {
  i64 acc = kMoneyMax - 5;
  EXPECT_TRUE(add_money_saturating(acc, 5));
  EXPECT_EQ(acc, kMoneyMax);
  EXPECT_FALSE(add_money_saturating(acc, 1));
  EXPECT_EQ(acc, kMoneyMax);
  acc = -kMoneyMax;
  EXPECT_FALSE(add_money_saturating(acc, -1));
  EXPECT_EQ(acc, -kMoneyMax);
}

}  // namespace
}  // namespace perpgate
