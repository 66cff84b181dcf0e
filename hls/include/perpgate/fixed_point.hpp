// The one definition of perpgate's fixed-point scales, value bounds and rounding helpers.
//
// Every price, quantity, amount and rate in the kernels is an integer in one of the scales below.
// No floating point anywhere. The bounds are enforced where values enter (the replay parser, the
// wire decoder) so that every product below is proven to fit its type; see the static_asserts.
//
// g++ uses __int128; under Vitis HLS with PERPGATE_HLS_AP_INT the 128-bit type is ap_int<128>. Only + - * and division by
// the constants below (or by a leverage / EMA time constant) are used, all synthesizable.
#pragma once

#include <cstdint>

namespace perpgate {

using i64 = std::int64_t;
using u64 = std::uint64_t;
#if defined(__SYNTHESIS__) && defined(PERPGATE_HLS_AP_INT)
}  // namespace perpgate
#include <ap_int.h>
namespace perpgate {
using i128 = ap_int<128>;   // Vitis HLS: arbitrary-precision integers (not checked here: no Vitis)
using u128 = ap_uint<128>;
#else
__extension__ typedef __int128 i128;  // __extension__: no -Wpedantic noise
__extension__ typedef unsigned __int128 u128;
#endif

// ---- Scales ----------------------------------------------------------------------------------
// Prices: 1e-8 quote units (Binance publishes mark prices with 8 decimals; tick validity is a
// separate check, so marks need not sit on the tick grid).
inline constexpr i64 kPxScale = 100'000'000;
inline constexpr int kPxDecimals = 8;
// Quantities and positions: 1e-8 base units (lot validity is a separate check).
inline constexpr i64 kQtyScale = 100'000'000;
inline constexpr int kQtyDecimals = 8;
// Money (collateral, equity, margin, PnL, fees): micro-units of the collateral asset (USDC/USDT).
inline constexpr i64 kMoneyScale = 1'000'000;
inline constexpr int kMoneyDecimals = 6;
// Rates (maintenance margin rate, funding rate, price band): 1e-8 (1 = 0.000001 %).
inline constexpr i64 kRateScale = 100'000'000;
inline constexpr int kRateDecimals = 8;

// qty * px is in 1e-16 quote units; dividing by this gives money (1e-6).
inline constexpr i64 kNotionalDiv = kQtyScale * kPxScale / kMoneyScale;  // 1e10
static_assert(kNotionalDiv == 10'000'000'000LL, "scales changed: revisit every width proof");

// ---- Bounds (enforced on input) ----------------------------------------------------------------
// Price: at most 1e8 quote units per base unit (2^53.2 raw).
inline constexpr i64 kPxMax = 10'000'000'000'000'000LL;  // 1e16
// Quantity, and any position or worst-case position: at most 2^60 raw (about 1.15e10 base units).
inline constexpr i64 kQtyMax = i64{1} << 60;
// Money inputs (collateral, deposits, withdrawals, fees, tier floors, maintenance amounts,
// max notional) and the stored collateral: |x| <= 2^62 micro (about 4.6e12 quote units).
inline constexpr i64 kMoneyMax = i64{1} << 62;
// Rates: |rate| <= 1 (100 %).
inline constexpr i64 kRateMax = kRateScale;
// Leverage: integer 1..kLevMax.
inline constexpr i64 kLevMax = 10'000;
// Time constants and staleness limits (ms): at most one day.
inline constexpr i64 kEmaMaxMs = 86'400'000;

// ---- Width proofs ------------------------------------------------------------------------------
// A "raw notional" is qty * px: < 2^60 * 2^54 = 2^114. A position's cost basis (sum of signed
// fill qty * px, always |cost| <= |qty| * max px) has the same bound; unrealised PnL raw
// qty * mark - cost < 2^115. An account sums at most 2^11 positions: < 2^126 < 2^127.
inline constexpr int kRawNotionalBits = 114;
static_assert(kPxMax < (i64{1} << 54), "price bound exceeds its width budget");
static_assert(kQtyMax <= (i64{1} << 60), "qty bound exceeds its width budget");
inline constexpr int kMaxPositionsPerAccountLog2 = 11;
static_assert(kRawNotionalBits + 1 + kMaxPositionsPerAccountLog2 < 127, "uPnL sum can overflow");
// Tier floor comparison: floor (<= 2^62 micro) * kNotionalDiv (< 2^34) < 2^96.
static_assert(kRateMax < (i64{1} << 27), "rate bound exceeds its width budget");

// ---- Division helpers ---------------------------------------------------------------------------
// Every division in the kernels is by a positive divisor below 2^64 (a scale constant, a scale times
// a leverage, an EMA time constant). g++ turns a 128-bit '/' into a library call; this long
// division uses two 64-bit hardware divides on x86-64 instead (hi % d < d, so the second quotient
// fits 64 bits). Vitis HLS takes the plain C++ branch.
inline u128 udivmod128(u128 n, u64 d, u64& rem) {
#if defined(__x86_64__) && !defined(__SYNTHESIS__)
  const u64 hi = static_cast<u64>(n >> 64);
  const u64 lo = static_cast<u64>(n);
  const u64 q_hi = hi / d;
  u64 r = hi % d;
  u64 q_lo;
  __asm__("divq %[d]" : "=a"(q_lo), "=d"(r) : [d] "rm"(d), "a"(lo), "d"(r));
  rem = r;
  return (static_cast<u128>(q_hi) << 64) | q_lo;
#else
  rem = static_cast<u64>(n % d);
  return n / d;
#endif
}

// Signed division by a positive divisor, rounding toward minus / plus infinity.
inline i128 floor_div(i128 a, u64 d) {
  u64 r;
  if (a >= 0) return static_cast<i128>(udivmod128(static_cast<u128>(a), d, r));
  const i128 q = static_cast<i128>(udivmod128(static_cast<u128>(-a), d, r));
  return r != 0 ? -q - 1 : -q;
}
inline i128 ceil_div(i128 a, u64 d) {
  u64 r;
  if (a <= 0) return -static_cast<i128>(udivmod128(static_cast<u128>(-a), d, r));
  const i128 q = static_cast<i128>(udivmod128(static_cast<u128>(a), d, r));
  return r != 0 ? q + 1 : q;
}

// floor(n / 1e18) for any n < 2^128, without a division. With d = 1e18, t = floor(n / 2^64)
// and m = floor(2^128 / d) (69 bits: 18 x 2^64 + m_lo), the estimate
// e = floor(t x m / 2^64) = floor(t x m_lo / 2^64) + 18 t satisfies
//   e <= t 2^64 / d <= n / d   and   e > t 2^64 / d - t / 2^64 - 1 > n / d - 2^64 / d - 2 > n / d - 21,
// so n - e d is below 21 d < 2^65, and its quotient by d is that of its top bits (>> 18, < 2^47)
// by 5^18: a 64-bit division by a constant, which compilers turn into a multiplication.
inline u128 udiv128_by_1e18(u128 n) {
  constexpr u64 d = 1'000'000'000'000'000'000ULL;
  constexpr u64 d_odd = 3'814'697'265'625ULL;  // 5^18 = d / 2^18
  constexpr u128 m = (~u128{0}) / d;           // = floor(2^128 / d): d does not divide 2^128
  constexpr u64 m_hi = static_cast<u64>(m >> 64);
  constexpr u64 m_lo = static_cast<u64>(m);
  static_assert(m_hi == 18, "reciprocal of 1e18 changed");
  const u64 t = static_cast<u64>(n >> 64);
  const u128 e = ((static_cast<u128>(t) * m_lo) >> 64) + static_cast<u128>(t) * m_hi;
  const u128 r = n - e * d;  // < 21 d
  return e + static_cast<u64>(r >> 18) / d_odd;
}

// floor or ceil of raw_notional * rate / (kNotionalDiv * kRateScale): money for a rate applied to
// a notional (maintenance margin, funding). raw_notional < 2^115 and rate < 2^27 would overflow
// a single 128-bit product, so split raw_notional = n * 1e10 + rem:
//   result = n * rate / 1e8  +  rem * rate / 1e18
// n * rate < 2^82 * 2^27 = 2^109; the fractional numerator (n*rate % 1e8) * 1e10 + rem * rate is
// < 1e18 + 1e10 * 2^27 < 2^62. Exact for both roundings. Arguments must be non-negative.
inline i128 rate_of_notional(i128 raw_notional, i64 rate, bool round_up) {
#if !defined(__SYNTHESIS__)
  // CPU: below 2^100 (every position up to about 2^46 quote units of notional) the plain
  // product raw_notional x rate fits in 2^127, and its one division by 1e18, by the reciprocal,
  // replaces the split's two 128-bit hardware divisions. The same quotient, for both roundings.
  if (static_cast<u128>(raw_notional) < (u128{1} << 100) && rate <= kRateMax) {
    constexpr u64 unit = static_cast<u64>(kNotionalDiv) * kRateScale;  // 1e18
    const u128 num = static_cast<u128>(raw_notional) * static_cast<u64>(rate) + (round_up ? unit - 1 : 0);
    return static_cast<i128>(udiv128_by_1e18(num));  // num < 2^127 + 2^60
  }
#endif
  u64 rem;
  const u128 n = udivmod128(static_cast<u128>(raw_notional), kNotionalDiv, rem);
  u64 whole_rem;
  const u128 q1 = udivmod128(n * static_cast<u64>(rate), kRateScale, whole_rem);
  const u64 frac = whole_rem * static_cast<u64>(kNotionalDiv) + rem * static_cast<u64>(rate);
  constexpr u64 unit = static_cast<u64>(kNotionalDiv) * kRateScale;  // 1e18
  const u64 carry = round_up ? (frac + unit - 1) / unit : frac / unit;
  return static_cast<i128>(q1 + carry);
}

// Money value of a raw notional, rounded as asked.
inline i128 money_floor(i128 raw) { return floor_div(raw, kNotionalDiv); }
inline i128 money_ceil(i128 raw) { return ceil_div(raw, kNotionalDiv); }

constexpr i64 abs64(i64 v) { return v < 0 ? -v : v; }
constexpr i128 abs128(i128 v) { return v < 0 ? -v : v; }
constexpr i64 min64(i64 a, i64 b) { return a < b ? a : b; }
constexpr i64 max64(i64 a, i64 b) { return a > b ? a : b; }
constexpr i128 max128(i128 a, i128 b) { return a > b ? a : b; }

// Saturating add on the stored collateral: the result is clamped to +-kMoneyMax and the caller is
// told, so nothing wraps. Unreachable with realistic inputs (4.6e12 quote units).
constexpr bool add_money_saturating(i64& acc, i128 delta) {
  const i128 r = i128{acc} + delta;
  if (r > kMoneyMax) { acc = kMoneyMax; return false; }
  if (r < -kMoneyMax) { acc = -kMoneyMax; return false; }
  acc = static_cast<i64>(r);
  return true;
}

}  // namespace perpgate
