// Capacities of the risk state: compile-time parameters, as on the card (on-chip tables).
// Running out of any of them is a reject (CAPACITY) or an error line, never a crash.
#pragma once

#include "perpgate/fixed_point.hpp"

namespace perpgate {

// Margin tiers (leverage brackets) per symbol: Binance has up to 10-11, Hyperliquid 1-3.
inline constexpr int kMaxTiers = 16;

// The default matches the simulation default of the RTL: 1,024 accounts x 64 symbols x 8 positions.
struct DefaultParams {
  static constexpr int kAccounts = 1024;
  static constexpr int kSymbols = 64;
  static constexpr int kPositionsPerAccount = 8;
  static constexpr int kOrderSets = 4096;   // open-order table: sets x ways, keyed by order id
  static constexpr int kOrderWays = 4;
};

// Checks every engine instantiation runs through (static_assert in Engine).
template <class P>
constexpr bool params_valid() {
  return P::kAccounts > 0 && P::kAccounts <= (1 << 20) && P::kSymbols > 0 && P::kSymbols <= 4096 &&
         P::kPositionsPerAccount > 0 &&
         P::kPositionsPerAccount <= (1 << kMaxPositionsPerAccountLog2) &&
         P::kOrderSets > 0 && (P::kOrderSets & (P::kOrderSets - 1)) == 0 &&
         P::kOrderWays > 0 && P::kOrderWays <= 16;
}

}  // namespace perpgate
