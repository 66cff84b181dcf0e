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

struct FillEvent {
  i64 id = 0;
  i64 qty = 0;  // qty units, > 0
  i64 px = 0;   // px units, > 0
  i64 fee = 0;  // money, charged to collateral (negative: rebate)
};

}  // namespace perpgate
