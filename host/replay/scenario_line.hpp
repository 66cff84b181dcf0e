// One line of a replay scenario (spec/replay.md), parsed and range-checked but not yet resolved
// to table indices. Decimal fields are already in the scales of fixed_point.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perpgate/state.hpp"
#include "replay/decimal.hpp"

namespace perpgate {

enum class EventKind : std::uint8_t {
  kSymbol, kAccount, kDeposit, kWithdraw, kMark, kIndex, kBook, kTrade, kOrder, kFill, kCancel,
  kFunding, kKill, kUnkill, kQuery,
};

// Bit per field name; the parser accepts a field only where the contract allows it.
enum Field : std::uint32_t {
  kFEv = 1u << 0, kFSym = 1u << 1, kFTick = 1u << 2, kFLot = 1u << 3, kFMaxLev = 1u << 4,
  kFTiers = 1u << 5, kFBand = 1u << 6, kFMaxQty = 1u << 7, kFMaxNotional = 1u << 8,
  kFMaxPos = 1u << 9, kFMarkMode = 1u << 10, kFEmaMs = 1u << 11, kFStaleMs = 1u << 12,
  kFAcct = 1u << 13, kFCollateral = 1u << 14, kFLev = 1u << 15, kFMaxRate = 1u << 16,
  kFAmount = 1u << 17, kFPx = 1u << 18, kFTs = 1u << 19, kFBid = 1u << 20, kFAsk = 1u << 21,
  kFId = 1u << 22, kFSide = 1u << 23, kFQty = 1u << 24, kFReduceOnly = 1u << 25, kFFee = 1u << 26,
  kFRate = 1u << 27,
};

struct ScenarioLine {
  EventKind kind = EventKind::kQuery;
  std::uint32_t present = 0;  // Field bits seen
  std::string sym;
  SymbolConfig cfg;           // symbol: the fields present (see `present`)
  i64 acct = 0;
  bool acct_all = false;      // kill/unkill "*"
  i64 collateral = 0;
  std::vector<std::pair<std::string, i64>> lev;
  i64 max_rate = 0;
  i64 amount = 0;
  i64 px = 0, bid = 0, ask = 0;
  DecimalStatus px_status = DecimalStatus::kOk;   // order px and qty: judged by the pre-trade check
  DecimalStatus qty_status = DecimalStatus::kOk;
  i64 ts = 0;
  i64 id = 0;
  bool buy = true;
  i64 qty = 0;
  bool reduce_only = false;
  i64 fee = 0;
  i64 rate = 0;

  bool has(Field f) const { return (present & f) != 0; }
};

// Parses one JSON object line (text must be followed by SIMDJSON_PADDING readable bytes).
// Returns an empty string on success, else the message for the `error` output line.
class ScenarioParser {
 public:
  ScenarioParser();
  ~ScenarioParser();
  ScenarioParser(const ScenarioParser&) = delete;
  ScenarioParser& operator=(const ScenarioParser&) = delete;
  std::string parse(const char* text, std::size_t len, std::size_t capacity, ScenarioLine& out);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace perpgate
