// Decimal text <-> fixed point: exact, strict, never through binary floating point.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "replay/decimal.hpp"

namespace perpgate {
namespace {

i64 parse_ok(std::string_view s, int decimals, i64 max = kPxMax, bool neg = true) {
  i64 v = 0;
  EXPECT_EQ(parse_decimal(s, decimals, max, neg, v), DecimalStatus::kOk) << s;
  return v;
}

TEST(Decimal, ParsesIntoTheScale) {
  EXPECT_EQ(parse_ok("50000", 8), 5'000'000'000'000);
  EXPECT_EQ(parse_ok("50000.5", 8), 5'000'050'000'000);
  EXPECT_EQ(parse_ok("0.00000001", 8), 1);
  EXPECT_EQ(parse_ok("121582.79100450", 8), 12'158'279'100'450);
  EXPECT_EQ(parse_ok("-0.5", 6), -500'000);
  EXPECT_EQ(parse_ok("1.500000000", 6), 1'500'000);  // zeros past the scale are fine
  EXPECT_EQ(parse_ok("007", 0), 7);
}

TEST(Decimal, RejectsWhatItCannotRepresentExactly) {
  i64 v = 0;
  EXPECT_EQ(parse_decimal("0.000000001", 8, kPxMax, false, v), DecimalStatus::kTooPrecise);
  EXPECT_EQ(parse_decimal("1e5", 8, kPxMax, false, v), DecimalStatus::kMalformed);
  EXPECT_EQ(parse_decimal(".5", 8, kPxMax, false, v), DecimalStatus::kMalformed);
  EXPECT_EQ(parse_decimal("5.", 8, kPxMax, false, v), DecimalStatus::kMalformed);
  EXPECT_EQ(parse_decimal("", 8, kPxMax, false, v), DecimalStatus::kMalformed);
  EXPECT_EQ(parse_decimal("-1", 8, kPxMax, false, v), DecimalStatus::kMalformed);
  EXPECT_EQ(parse_decimal("+1", 8, kPxMax, true, v), DecimalStatus::kMalformed);
  EXPECT_EQ(parse_decimal("1 ", 8, kPxMax, true, v), DecimalStatus::kMalformed);
  EXPECT_EQ(parse_decimal("100000000.00000001", 8, kPxMax, false, v), DecimalStatus::kOutOfRange);
  EXPECT_EQ(parse_decimal("99999999999999999999999999999999", 8, kPxMax, false, v),
            DecimalStatus::kOutOfRange);
  EXPECT_EQ(parse_decimal("100000000", 8, kPxMax, false, v), DecimalStatus::kOk);  // the bound itself
}

TEST(Decimal, FormatsWithTheFullScale) {
  EXPECT_EQ(format_decimal(5'000'000'000'000, 8), "50000.00000000");
  EXPECT_EQ(format_decimal(1, 6), "0.000001");
  EXPECT_EQ(format_decimal(-1, 6), "-0.000001");
  EXPECT_EQ(format_decimal(0, 6), "0.000000");
  EXPECT_EQ(format_decimal(-2'016'000, 6), "-2.016000");
  EXPECT_EQ(format_decimal(42, 0), "42");
  const i128 big = (static_cast<i128>(1) << 120) + 12345;
  EXPECT_EQ(format_decimal(big, 6), "1329227995784915872903807060280.356921");
}

TEST(Decimal, RoundTripsRandomValues) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 100000; ++i) {
    const i64 v = static_cast<i64>(rng() % static_cast<std::uint64_t>(kMoneyMax)) * ((rng() & 1) ? 1 : -1);
    for (const int d : {0, 6, 8}) {
      i64 back = 0;
      ASSERT_EQ(parse_decimal(format_decimal(v, d), d, kMoneyMax, true, back), DecimalStatus::kOk);
      ASSERT_EQ(back, v);
    }
  }
}

TEST(Decimal, WholeI128IntegersRoundTripAndNeverWrap) {
  const i128 max = std::numeric_limits<i128>::max();
  const i128 min = std::numeric_limits<i128>::min();
  for (const i128 v : {i128{0}, i128{-1}, i128{42}, max, min, max - 7, min + 7}) {
    i128 back = 1;
    ASSERT_EQ(parse_integer_i128(format_decimal(v, 0), back), DecimalStatus::kOk);
    EXPECT_TRUE(back == v) << format_decimal(v, 0);
  }
  i128 out = 0;
  // One past each end, and far past: out of range, not wrapped.
  EXPECT_EQ(parse_integer_i128("170141183460469231731687303715884105728", out), DecimalStatus::kOutOfRange);
  EXPECT_EQ(parse_integer_i128("-170141183460469231731687303715884105729", out), DecimalStatus::kOutOfRange);
  EXPECT_EQ(parse_integer_i128("99999999999999999999999999999999999999999999", out), DecimalStatus::kOutOfRange);
  for (const char* bad : {"", "-", "1.5", "12a", "+3", " 1"})
    EXPECT_EQ(parse_integer_i128(bad, out), DecimalStatus::kMalformed) << bad;
}

}  // namespace
}  // namespace perpgate
