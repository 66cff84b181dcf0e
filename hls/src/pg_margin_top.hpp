// Interface of the Vitis HLS top (pg_margin_top.cpp).
#pragma once

#include "perpgate/state.hpp"

namespace perpgate {

struct PositionIn {
  i64 qty = 0;          // signed, qty units
  i128 cost = 0;        // signed sum of qty x px
  i64 open_buy = 0;     // open orders, qty units
  i64 open_sell = 0;
  i64 account_lev = 0;  // 0: the symbol's max_lev
  i64 mark = 0;         // px units, > 0
};

struct PositionOut {
  i128 upnl_raw = 0;    // raw notional units
  i128 mm = 0;          // money
  i128 im = 0;          // money
};

void pg_margin_top(const SymbolConfig& cfg, const PositionIn& in, PositionOut& out);

}  // namespace perpgate
