// One control-plane action, in table indices and fixed point (what Backend takes): symbol and
// account definitions, leverage, rate limits, deposits and withdrawals, kill switch, clock,
// queries, and notes (scenario errors carried through to the output). One JSON object per line
// in a control script; `at` is the number of received frames after which it applies.
#pragma once

#include <cstdint>
#include <string>

#include "perpgate/state.hpp"

namespace perpgate {

enum class ControlKind : std::uint8_t {
  kSymbol, kAccount, kLeverage, kRateLimit, kDeposit, kWithdraw, kKill, kClock, kQuery, kNote, kReload,
};

struct ControlOp {
  ControlKind kind = ControlKind::kNote;
  std::uint64_t at = 0;     // frames received before it applies
  std::uint64_t index = 0;  // its place in the script (the cause tag "c:<index>"), or among the operator's
  bool from_operator = false;  // the control socket's, not the script's (cause tag "o:<index>")
  int sym = -1;
  std::string name;         // symbol: its name
  SymbolConfig cfg;         // symbol: the whole configuration
  int acct = -1;            // -1 with kKill: every account
  i64 outside_id = 0;       // account: the outside account id (sessions bind by it)
  i64 value = 0;            // collateral, amount, leverage, rate, ts
  bool on = false;          // kill
  bool hard = false;        // kill: reduce-only orders refused too (KillMode::kHard)
  std::string text;         // note: the output line, verbatim; reload: the configuration (TOML)
};

std::string format_control_op(const ControlOp& op);
// Parses one line (followed by simdjson's padding); returns "" or the reason it is not valid.
std::string parse_control_op(const char* text, std::size_t len, std::size_t capacity, ControlOp& out);

}  // namespace perpgate
