// Margin formulas: tier lookup, maintenance margin, initial margin, equity. Pure functions of
// state and mark, used by the pre-trade check, the revaluation and the tests.
//
//   notional = |qty| x mark                      (raw units, exact; money = raw / 1e10)
//   tier     = bracket with the highest floor <= notional (compared exactly on raw units)
//   MM       = max(0, ceil(notional x mmr) - maint_amount)            requirement: rounds up
//   IM       = ceil(max(|pos + buys|, |pos - sells|) x mark x imr)   requirement: rounds up
//   imr      = 1 / lev as a rate, rounded up to 1e-8 (exact for every leverage dividing 1e8:
//              1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 80, 100, 125, ...; 3x gives 0.33333334)
//   lev      = min(account leverage, symbol max_lev, tier max_lev of the worst-case notional)
// IM as a rate, like MM, keeps every division in the datapath a division by a constant: on the
// card they are multiplications by reciprocals, with no divider on the order path.
//   equity   = collateral + floor(sum of (qty x mark - cost) / 1e10)  credit: rounds down
#pragma once

#include "perpgate/fixed_point.hpp"
#include "perpgate/state.hpp"

namespace perpgate {

// Index of the tier that applies to raw notional `raw` (qty x px units): the last whose floor is
// <= raw. Floors strictly ascend (symbol_config_error), so the tiers at or below raw are a prefix
// and the search stops at the first floor above it: most positions sit in the first tier or two.
inline int tier_index(const SymbolConfig& c, i128 raw) {
  int t = 0;
#pragma HLS PIPELINE II = 1
  for (int i = 1; i < kMaxTiers; ++i) {
#pragma HLS UNROLL
    if (i >= c.tier_count || i128{c.tiers[i].floor} * kNotionalDiv > raw) break;
    t = i;
  }
  return t;
}

// Maintenance margin of a raw notional in its tier `t`, money.
inline i128 maintenance_margin_in_tier(const Tier& t, i128 raw) {
  const i128 mm = rate_of_notional(raw, t.mmr, /*round_up=*/true) - t.maint;
  return mm > 0 ? mm : 0;
}

// Maintenance margin of a position of |qty| abs_qty at `mark`, money.
inline i128 maintenance_margin(const SymbolConfig& c, i64 abs_qty, i64 mark) {
  const i128 raw = i128{abs_qty} * mark;  // < 2^114
  return maintenance_margin_in_tier(c.tiers[tier_index(c, raw)], raw);
}

// Leverage that applies in tier `t`: the account's, capped by symbol and tier.
inline i64 effective_leverage_in_tier(const SymbolConfig& c, i64 account_lev, const Tier& t) {
  i64 lev = account_lev > 0 ? account_lev : c.max_lev;
  lev = min64(lev, c.max_lev);
  if (t.max_lev > 0) lev = min64(lev, t.max_lev);
  return lev > 0 ? lev : 1;
}

// Leverage that applies to a worst-case raw notional: the account's, capped by symbol and tier.
inline i64 effective_leverage(const SymbolConfig& c, i64 account_lev, i128 raw) {
  return effective_leverage_in_tier(c, account_lev, c.tiers[tier_index(c, raw)]);
}

// Worst-case position if every open (non-reduce-only) order filled.
inline i64 worst_case_qty(i64 qty, i64 open_buy, i64 open_sell) {
  return max64(abs64(qty + open_buy), abs64(qty - open_sell));
}

// Initial margin rate of a leverage: ceil(1e8 / lev), in rate units.
inline i64 initial_margin_rate(i64 lev) { return (kRateScale + lev - 1) / lev; }

// Initial margin of a worst-case raw notional in its tier `t`, money.
inline i128 initial_margin_in_tier(const SymbolConfig& c, i64 account_lev, const Tier& t, i128 raw) {
  const i64 lev = effective_leverage_in_tier(c, account_lev, t);
  return rate_of_notional(raw, initial_margin_rate(lev), /*round_up=*/true);
}

// Initial margin of a worst-case position at `mark`, money.
inline i128 initial_margin(const SymbolConfig& c, i64 account_lev, i64 worst_qty, i64 mark) {
  const i128 raw = i128{worst_qty} * mark;
  return initial_margin_in_tier(c, account_lev, c.tiers[tier_index(c, raw)], raw);
}

// Both margins of a position, as maintenance_margin and initial_margin give them: when no open
// order can grow the position (worst == |qty|) the two notionals are one, and so is the tier.
inline void position_margins(const SymbolConfig& c, i64 account_lev, i64 abs_qty, i64 worst_qty, i64 mark,
                             i128& mm, i128& im) {
  const i128 raw = i128{abs_qty} * mark;
  const int t = tier_index(c, raw);
  mm = maintenance_margin_in_tier(c.tiers[t], raw);
  if (worst_qty == abs_qty) {
    im = initial_margin_in_tier(c, account_lev, c.tiers[t], raw);
  } else {
    const i128 raw_worst = i128{worst_qty} * mark;
    im = initial_margin_in_tier(c, account_lev, c.tiers[tier_index(c, raw_worst)], raw_worst);
  }
}

// Display entry price of a position: cost / qty, rounded half away from zero, px units.
inline i64 entry_price(i64 qty, i128 cost) {
  if (qty == 0) return 0;
  const i128 q = abs128(qty);
  return static_cast<i64>((2 * abs128(cost) + q) / (2 * q));
}

}  // namespace perpgate

namespace perpgate {

// Why a symbol configuration cannot be used, or nullptr if it can.
inline const char* symbol_config_error(const SymbolConfig& c) {
  if (c.tick <= 0 || c.tick > kPxMax) return "tick must be > 0 and <= the price bound";
  if (c.lot <= 0 || c.lot > kQtyMax) return "lot must be > 0 and <= the quantity bound";
  if (c.max_lev < 1 || c.max_lev > kLevMax) return "max_lev must be an integer from 1 to 10000";
  if (c.tier_count < 1 || c.tier_count > kMaxTiers) return "tiers: between 1 and 16 tiers required";
  if (c.tiers[0].floor != 0) return "tiers: the first floor must be 0";
  for (int i = 0; i < c.tier_count; ++i) {
    const Tier& t = c.tiers[i];
    if (i > 0 && t.floor <= c.tiers[i - 1].floor) return "tiers: floors must be strictly ascending";
    if (t.mmr < 0 || t.mmr > kRateMax) return "tiers: mmr must be between 0 and 1";
    if (t.maint < 0 || t.maint > kMoneyMax) return "tiers: maintenance amount out of range";
    if (t.max_lev < 0 || t.max_lev > kLevMax) return "tiers: max_lev must be from 1 to 10000";
  }
  if (c.band < 0 || c.max_qty < 0 || c.max_notional < 0 || c.max_pos < 0 || c.stale_ms < 0)
    return "limits must not be negative";
  if (c.ema_ms < 1 || c.ema_ms > kEmaMaxMs) return "ema_ms must be from 1 to 86400000";
  return nullptr;
}

}  // namespace perpgate
