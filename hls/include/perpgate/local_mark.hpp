// Local mark price (mark_mode "local"), in the manner of Hyperliquid and Binance:
//
//   mark = median( index + EMA(basis),  median(best bid, best ask, last trade),  external mark )
//   basis sample = median(bid, ask, last) - index, taken on every index, book or trade update
//
// EMA in fixed point, Hyperliquid's form: with d = clamp(dt, 1 ms, tau),
//   num <- num x (tau - d) / tau + sample x d,   den <- den x (tau - d) / tau + d,   EMA = num / den
// (floored divisions, weights in microseconds). The first sample sets the EMA to itself.
//
// Missing inputs (a price of 0 means "not seen yet"):
//   - the inner median takes the median of the prices seen: two -> their mean (floored), one -> it;
//   - the first component needs the index; with no basis sample yet it is the index alone;
//   - the outer median likewise takes the components that exist: three -> median, two -> mean
//     (floored), one -> it, none -> no mark (orders are rejected NO_MARK).
// Staleness of individual inputs is not tracked in this version.
#pragma once

#include "perpgate/fixed_point.hpp"
#include "perpgate/state.hpp"

namespace perpgate {

inline i64 median3(i64 a, i64 b, i64 c) {
  return max64(min64(a, b), min64(max64(a, b), c));
}

// Median of the non-zero values among a, b, c; 0 when all are zero.
inline i64 median_present(i64 a, i64 b, i64 c) {
  i64 v[3];
  int n = 0;
  if (a > 0) v[n++] = a;
  if (b > 0) v[n++] = b;
  if (c > 0) v[n++] = c;
  if (n == 3) return median3(v[0], v[1], v[2]);
  if (n == 2) return (v[0] + v[1]) / 2;  // both in (0, 2^54): no overflow, floor
  if (n == 1) return v[0];
  return 0;
}

// Weights are kept in microseconds so that the floored decay of the denominator loses at most
// 1 us of weight per sample, not 1 ms.
inline constexpr i64 kEmaWeightScale = 1000;

// Takes a basis sample at time `ts` if index and book/trade prices exist.
inline void sample_basis(LocalMarkState& m, i64 ema_ms, i64 ts) {
  const i64 inner = median_present(m.bid, m.ask, m.last);
  if (m.index <= 0 || inner <= 0) return;
  const i64 sample = inner - m.index;  // |sample| < 2^54
  i64 d = m.ema_den == 0 ? ema_ms : ts - m.ema_ts;  // the first sample: the past weighs nothing
  if (d < 1) d = 1;
  if (d > ema_ms) d = ema_ms;
  // den <= (ema_ms + 1) x 1000 < 2^37 and num <= 2^54 x den < 2^91: num x (tau - d) < 2^118.
  const u64 tau = static_cast<u64>(ema_ms);
  m.ema_num = floor_div(m.ema_num * (ema_ms - d), tau) + i128{sample} * d * kEmaWeightScale;
  m.ema_den = static_cast<i64>(floor_div(i128{m.ema_den} * (ema_ms - d), tau)) + d * kEmaWeightScale;
  m.ema_ts = ts;
}

// The local mark from the current inputs, px units; 0 if none can be formed.
inline i64 compute_local_mark(const LocalMarkState& m) {
  i64 c1 = 0;
  if (m.index > 0) {
    const i64 ema = m.ema_den > 0 ? static_cast<i64>(floor_div(m.ema_num, static_cast<u64>(m.ema_den))) : 0;
    c1 = m.index + ema;
    if (c1 < 1) c1 = 1;
    if (c1 > kPxMax) c1 = kPxMax;
  }
  const i64 c2 = median_present(m.bid, m.ask, m.last);
  return median_present(c1, c2, m.external);
}

}  // namespace perpgate
