// The risk state: symbol, account, position and open-order tables, laid out as fixed-size arrays
// (on the card: block/ultra RAM). One definition shared by the kernels, the RTL backend and tests.
#pragma once

#include <cstdint>

#include "perpgate/fixed_point.hpp"
#include "perpgate/params.hpp"

namespace perpgate {

// One margin tier (leverage bracket): applies to notionals >= floor.
struct Tier {
  i64 floor = 0;      // money
  i64 mmr = 0;        // rate
  i64 maint = 0;      // maintenance amount (Binance "cum"), money
  std::int32_t max_lev = 0;  // 0: no cap beyond the symbol's
};

// Static configuration of a symbol (control plane). Zero in an optional limit means "none".
struct SymbolConfig {
  i64 tick = 0;               // price units
  i64 lot = 0;                // qty units
  std::int32_t max_lev = 0;   // 1..kLevMax
  std::int32_t tier_count = 0;
  Tier tiers[kMaxTiers] = {};  // floors strictly ascending, first floor 0
  i64 band = 0;               // rate: max |px - mark| / mark for a limit price
  i64 max_qty = 0;            // qty units per order
  i64 max_notional = 0;       // money per order (qty x px)
  i64 max_pos = 0;            // qty units, worst case of position plus open orders
  bool local_mark = false;    // mark computed locally (median of three) instead of published
  i64 ema_ms = 150'000;       // basis EMA time constant, local mode
  i64 stale_ms = 0;           // mark older than this rejects orders (STALE_MARK); needs timestamps
};

// Inputs of the local mark price (mark_mode local). A price of 0 means "not seen yet".
struct LocalMarkState {
  i64 index = 0;
  i64 bid = 0;
  i64 ask = 0;
  i64 last = 0;
  i64 external = 0;
  i128 ema_num = 0;   // sum of weighted basis samples (px units x us)
  i64 ema_den = 0;    // sum of weights (us); 0 until the first basis sample
  i64 ema_ts = 0;     // time of the last basis sample
};

struct Symbol {
  bool defined = false;
  SymbolConfig cfg;
  i64 mark = 0;       // px units; 0 until the first mark
  i64 mark_ts = 0;    // engine time of the last mark update
  LocalMarkState local;
};

// One position slot of an account: net position in one symbol plus what its open orders reserve.
// The slot is in use while any of qty or the reservations is non-zero.
struct Position {
  std::int32_t sym = -1;  // -1: free
  i64 qty = 0;            // signed, qty units
  i128 cost = 0;          // signed sum of qty x px of the open position (entry = cost / qty)
  i64 open_buy = 0;       // remaining qty of open buy orders (not reduce-only)
  i64 open_sell = 0;
  i64 ro_buy = 0;         // remaining qty of open reduce-only orders
  i64 ro_sell = 0;
  // Cached at the current mark (refreshed on every change of mark, position or orders):
  i128 upnl_raw = 0;      // qty x mark - cost, raw notional units
  i128 mm = 0;            // maintenance margin, money
  i128 im = 0;            // initial margin of position plus open orders, money
};

template <class P>
struct Account {
  bool exists = false;
  bool killed = false;
  bool kill_hard = false;     // killed for reduce-only orders too (KillMode::kHard)
  bool liq_armed = true;    // liquidation trigger is edge-triggered: armed while healthy
  i64 collateral = 0;       // money
  i128 upnl_raw_sum = 0;    // sums of the position caches
  i128 mm_sum = 0;
  i128 im_sum = 0;
  i64 max_rate = 0;         // orders per second, 0: unlimited
  i64 tokens_milli = 0;     // token bucket, in thousandths of an order
  i64 refill_ts = 0;
  std::uint16_t lev[P::kSymbols] = {};  // per-symbol leverage, 0: the symbol's max_lev
  Position pos[P::kPositionsPerAccount];
};

struct OpenOrder {
  bool valid = false;
  bool buy = false;
  bool reduce_only = false;
  i64 id = 0;
  std::int32_t acct = 0;
  std::int32_t slot = 0;    // position slot of the account
  i64 remaining = 0;        // qty units
};

// Account view for `query` and for tests.
struct PositionView {
  std::int32_t sym;
  i64 qty;
  i64 entry;  // px units, cost / qty rounded half away from zero
};
template <class P>
struct AccountView {
  i128 collateral = 0;
  i128 equity = 0;
  i128 im = 0;
  i128 mm = 0;
  int position_count = 0;  // positions with qty != 0, in ascending symbol index
  PositionView positions[P::kPositionsPerAccount] = {};
};

}  // namespace perpgate
