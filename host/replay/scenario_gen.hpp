// Scenario generator: a book of leveraged accounts and their order flow on a mark path modelled on
// the crash of 10 October 2025 (BTC about -16 % in minutes, then a partial rebound). Closed loop:
// it runs the golden model alongside, as a venue would, so that fills and cancels only refer to
// orders the gateway accepted. Deterministic for a seed. The product needs no outside data.
#pragma once

#include <cstdint>
#include <string>

#include "perpgate/fixed_point.hpp"

namespace perpgate {

struct GenOptions {
  std::uint64_t seed = 1;
  int accounts = 200;
  std::uint64_t events = 100'000;
  bool crash = true;         // put the crash at 60-70 % of the run
  double bad_fraction = 0.01;  // share of orders that are deliberately invalid (every reason code)
};

// Appends the scenario (JSON Lines) to `out`.
void generate_scenario(const GenOptions& opt, std::string& out);

// The generator's symbols, in table order (BTCUSDT, ETHUSDT, SOLUSDT): for loads built on them.
struct GenSymbol {
  i64 tick, lot;  // px and qty units
  i64 start_px;   // px units
  bool local;     // local mark mode
};
inline constexpr int kGenSymbols = 3;
GenSymbol gen_symbol(int s);

}  // namespace perpgate
