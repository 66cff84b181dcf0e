// Decoded events as the kernels take them: accounts and symbols are table indices (the control
// plane maps the outside ids to them), values are in the scales of fixed_point.hpp. The replay
// parser, the wire decoder and the RTL backend all produce these.
#pragma once

#include <cstdint>

#include "perpgate/fixed_point.hpp"

namespace perpgate {

struct OrderEvent {
  std::int32_t acct = -1;  // -1: unknown account
  std::int32_t sym = -1;   // -1: unknown symbol
  i64 id = 0;
  bool buy = true;
  bool reduce_only = false;
  i64 qty = 0;  // qty units, > 0 as parsed
  i64 px = 0;   // px units, > 0 as parsed
};

// A kill switch's setting, for one account or all. A killed account may still send reduce-only
// orders by default (kDeRisk): a desk that halts a client or a strategy wants its positions
// closable, not frozen while the market moves. kHard refuses every order. The values are the
// kill command's argument on the card (bit 0 on, bit 1 reduce-only refused too).
enum class KillMode : std::uint8_t { kOff = 0, kDeRisk = 1, kHard = 3 };

inline KillMode kill_mode(bool on, bool hard) {
  return !on ? KillMode::kOff : hard ? KillMode::kHard : KillMode::kDeRisk;
}

struct FillEvent {
  i64 id = 0;
  i64 qty = 0;  // qty units, > 0
  i64 px = 0;   // px units, > 0
  i64 fee = 0;  // money, charged to collateral (negative: rebate)
};

}  // namespace perpgate
