// JSON Lines scenario parser (spec/replay.md) on simdjson On-Demand: one pass over the fields of
// each object, strict about names, types, scales and ranges, so that every malformed line gets a
// precise `error` message and nothing is guessed.
#include <simdjson.h>

#include <string>

#include "decimal.hpp"
#include "perpgate/local_mark.hpp"
#include "scenario_line.hpp"

namespace perpgate {
namespace {

using simdjson::ondemand::value;

struct EventSpec {
  std::string_view name;
  EventKind kind;
  std::uint32_t required;
  std::uint32_t allowed;  // besides ev and ts
};

constexpr std::uint32_t kSymbolOptional =
    kFBand | kFMaxQty | kFMaxNotional | kFMaxPos | kFMarkMode | kFEmaMs | kFStaleMs;

// `symbol` required fields are checked by the replayer: an update may leave them out.
constexpr EventSpec kEvents[] = {
    {"symbol", EventKind::kSymbol, kFSym, kFTick | kFLot | kFMaxLev | kFTiers | kSymbolOptional},
    {"account", EventKind::kAccount, kFAcct, kFCollateral | kFLev | kFMaxRate},
    {"deposit", EventKind::kDeposit, kFAcct | kFAmount, 0},
    {"withdraw", EventKind::kWithdraw, kFAcct | kFAmount, 0},
    {"mark", EventKind::kMark, kFSym | kFPx, 0},
    {"index", EventKind::kIndex, kFSym | kFPx | kFTs, 0},
    {"book", EventKind::kBook, kFSym | kFBid | kFAsk | kFTs, 0},
    {"trade", EventKind::kTrade, kFSym | kFPx | kFTs, 0},
    {"order", EventKind::kOrder, kFAcct | kFId | kFSym | kFSide | kFQty | kFPx, kFReduceOnly},
    {"fill", EventKind::kFill, kFId | kFQty | kFPx, kFFee},
    {"cancel", EventKind::kCancel, kFId, 0},
    {"funding", EventKind::kFunding, kFSym | kFRate, 0},
    {"kill", EventKind::kKill, kFAcct, kFReduceOnly},
    {"unkill", EventKind::kUnkill, kFAcct, 0},
    {"query", EventKind::kQuery, kFAcct, 0},
};

struct FieldName {
  std::string_view name;
  Field bit;
};
constexpr FieldName kFields[] = {
    {"ev", kFEv}, {"sym", kFSym}, {"tick", kFTick}, {"lot", kFLot}, {"max_lev", kFMaxLev},
    {"tiers", kFTiers}, {"band", kFBand}, {"max_qty", kFMaxQty}, {"max_notional", kFMaxNotional},
    {"max_pos", kFMaxPos}, {"mark_mode", kFMarkMode}, {"ema_ms", kFEmaMs},
    {"stale_ms", kFStaleMs}, {"acct", kFAcct}, {"collateral", kFCollateral}, {"lev", kFLev},
    {"max_rate", kFMaxRate}, {"amount", kFAmount}, {"px", kFPx}, {"ts", kFTs}, {"bid", kFBid},
    {"ask", kFAsk}, {"id", kFId}, {"side", kFSide}, {"qty", kFQty},
    {"reduce_only", kFReduceOnly}, {"fee", kFFee}, {"rate", kFRate},
};

std::string_view field_name(std::uint32_t bit) {
  for (const auto& f : kFields)
    if (f.bit == bit) return f.name;
  return "?";
}

// Error reporting: every helper returns "" on success or the message.
std::string err(std::string_view field, std::string_view what) {
  std::string m = "field '";
  m.append(field);
  m.append("': ");
  m.append(what);
  return m;
}

std::string get_string(value v, std::string_view field, std::string_view& out) {
  if (v.get_string().get(out) != simdjson::SUCCESS) return err(field, "expected a string");
  return {};
}

// Decimal string in a scale; status other than Ok is an error here.
std::string get_decimal(value v, std::string_view field, int decimals, i64 max_abs, bool allow_negative,
                        i64& out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS)
    return err(field, "expected a decimal string such as \"50000.5\"");
  const DecimalStatus st = parse_decimal(s, decimals, max_abs, allow_negative, out);
  if (st != DecimalStatus::kOk) return err(field, decimal_status_text(st));
  return {};
}

std::string get_positive_decimal(value v, std::string_view field, int decimals, i64 max_abs, i64& out) {
  std::string e = get_decimal(v, field, decimals, max_abs, false, out);
  if (e.empty() && out <= 0) return err(field, "must be greater than 0");
  return e;
}

// Order qty and price: a well-formed decimal that is zero, negative, too precise or too large is
// the pre-trade check's business (BAD_QTY / BAD_PRICE), not a malformed line. Such values map to
// -1, which the check rejects; `status` keeps what was wrong for the other events.
std::string get_lenient_decimal(value v, std::string_view field, int decimals, i64 max_abs, i64& out,
                                DecimalStatus& status) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS)
    return err(field, "expected a decimal string such as \"50000.5\"");
  status = parse_decimal(s, decimals, max_abs, true, out);
  if (status == DecimalStatus::kMalformed) return err(field, decimal_status_text(status));
  if (status != DecimalStatus::kOk || out <= 0) out = -1;
  return {};
}

std::string get_int(value v, std::string_view field, i64 lo, i64 hi, i64& out) {
  if (v.get_int64().get(out) != simdjson::SUCCESS) return err(field, "expected an integer");
  if (out < lo || out > hi) {
    return err(field, "integer out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return {};
}

std::string get_tiers(value v, SymbolConfig& cfg) {
  simdjson::ondemand::array tiers;
  if (v.get_array().get(tiers) != simdjson::SUCCESS) return err("tiers", "expected a list");
  int n = 0;
  for (auto item : tiers) {
    if (n == kMaxTiers) return err("tiers", "more than 16 tiers");
    simdjson::ondemand::array t;
    if (item.get_array().get(t) != simdjson::SUCCESS)
      return err("tiers", "each tier is [floor_notional, mmr, maint_amount, max_lev?]");
    Tier& tier = cfg.tiers[n];
    int k = 0;
    for (auto elem : t) {
      value e;
      if (elem.get(e) != simdjson::SUCCESS) return err("tiers", "bad element");
      std::string m;
      if (k == 0) m = get_decimal(e, "tiers.floor_notional", kMoneyDecimals, kMoneyMax, false, tier.floor);
      if (k == 1) m = get_decimal(e, "tiers.mmr", kRateDecimals, kRateMax, false, tier.mmr);
      if (k == 2) m = get_decimal(e, "tiers.maint_amount", kMoneyDecimals, kMoneyMax, false, tier.maint);
      if (k == 3) {
        i64 lev = 0;
        m = get_int(e, "tiers.max_lev", 1, kLevMax, lev);
        tier.max_lev = static_cast<std::int32_t>(lev);
      }
      if (k > 3) m = err("tiers", "a tier has at most 4 elements");
      if (!m.empty()) return m;
      ++k;
    }
    if (k < 3) return err("tiers", "each tier is [floor_notional, mmr, maint_amount, max_lev?]");
    ++n;
  }
  if (n == 0) return err("tiers", "at least one tier is required");
  cfg.tier_count = n;
  return {};
}

std::string get_lev(value v, ScenarioLine& line) {
  simdjson::ondemand::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return err("lev", "expected {\"SYM\": leverage}");
  for (auto f : obj) {
    std::string_view sym;
    if (f.unescaped_key().get(sym) != simdjson::SUCCESS) return err("lev", "bad key");
    i64 lev = 0;
    std::string m = get_int(f.value(), "lev", 1, kLevMax, lev);
    if (!m.empty()) return m;
    line.lev.emplace_back(std::string(sym), lev);
  }
  return {};
}

}  // namespace

struct ScenarioParser::Impl {
  simdjson::ondemand::parser parser;
};

ScenarioParser::ScenarioParser() : impl_(new Impl) {}
ScenarioParser::~ScenarioParser() { delete impl_; }

std::string ScenarioParser::parse(const char* text, std::size_t len, std::size_t capacity,
                                  ScenarioLine& line) {
  line = ScenarioLine{};
  simdjson::ondemand::document doc;
  if (impl_->parser.iterate(text, len, capacity).get(doc) != simdjson::SUCCESS) return "invalid JSON";
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return "expected a JSON object";

  std::string_view ev;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return "invalid JSON";
    Field bit{};
    for (const auto& f : kFields)
      if (f.name == key) bit = f.bit;
    if (bit == Field{}) return "unknown field '" + std::string(key) + "'";
    if (line.present & bit) return "duplicate field '" + std::string(key) + "'";
    line.present |= bit;
    value v;
    if (field.value().get(v) != simdjson::SUCCESS) return "invalid JSON";

    std::string m;
    SymbolConfig& c = line.cfg;
    switch (bit) {
      case kFEv: m = get_string(v, key, ev); break;
      case kFSym: {
        std::string_view s;
        m = get_string(v, key, s);
        if (m.empty() && s.empty()) m = err(key, "must not be empty");
        line.sym = s;
        break;
      }
      case kFTick: m = get_positive_decimal(v, key, kPxDecimals, kPxMax, c.tick); break;
      case kFLot: m = get_positive_decimal(v, key, kQtyDecimals, kQtyMax, c.lot); break;
      case kFMaxLev: {
        i64 lev = 0;
        m = get_int(v, key, 1, kLevMax, lev);
        c.max_lev = static_cast<std::int32_t>(lev);
        break;
      }
      case kFTiers: m = get_tiers(v, c); break;
      // Optional limits: "0" means none (and clears a limit set before).
      case kFBand: m = get_decimal(v, key, kRateDecimals, kRateMax, false, c.band); break;
      case kFMaxQty: m = get_decimal(v, key, kQtyDecimals, kQtyMax, false, c.max_qty); break;
      case kFMaxNotional: m = get_decimal(v, key, kMoneyDecimals, kMoneyMax, false, c.max_notional); break;
      case kFMaxPos: m = get_decimal(v, key, kQtyDecimals, kQtyMax, false, c.max_pos); break;
      case kFMarkMode: {
        std::string_view mode;
        m = get_string(v, key, mode);
        if (m.empty() && mode != "published" && mode != "local")
          m = err(key, "expected \"published\" or \"local\"");
        c.local_mark = mode == "local";
        break;
      }
      case kFEmaMs: m = get_int(v, key, 1, kEmaMaxMs, c.ema_ms); break;
      case kFStaleMs: m = get_int(v, key, 0, kEmaMaxMs, c.stale_ms); break;  // 0: none
      case kFAcct: {
        std::string_view star;
        if (v.type().value_unsafe() == simdjson::ondemand::json_type::string &&
            v.get_string().get(star) == simdjson::SUCCESS && star == "*") {
          line.acct_all = true;
        } else {
          m = get_int(v, key, 0, INT64_MAX, line.acct);
        }
        break;
      }
      case kFCollateral: m = get_decimal(v, key, kMoneyDecimals, kMoneyMax, false, line.collateral); break;
      case kFLev: m = get_lev(v, line); break;
      case kFMaxRate: m = get_int(v, key, 0, 1'000'000, line.max_rate); break;  // 0: unlimited
      case kFAmount: m = get_positive_decimal(v, key, kMoneyDecimals, kMoneyMax, line.amount); break;
      case kFPx: m = get_lenient_decimal(v, key, kPxDecimals, kPxMax, line.px, line.px_status); break;
      case kFTs: m = get_int(v, key, 0, INT64_MAX / 4, line.ts); break;
      case kFBid: m = get_positive_decimal(v, key, kPxDecimals, kPxMax, line.bid); break;
      case kFAsk: m = get_positive_decimal(v, key, kPxDecimals, kPxMax, line.ask); break;
      case kFId: m = get_int(v, key, 0, INT64_MAX, line.id); break;
      case kFSide: {
        std::string_view side;
        m = get_string(v, key, side);
        if (m.empty() && side != "buy" && side != "sell") m = err(key, "expected \"buy\" or \"sell\"");
        line.buy = side == "buy";
        break;
      }
      case kFQty: m = get_lenient_decimal(v, key, kQtyDecimals, kQtyMax, line.qty, line.qty_status); break;
      case kFReduceOnly:
        if (v.get_bool().get(line.reduce_only) != simdjson::SUCCESS) m = err(key, "expected true or false");
        break;
      case kFFee: m = get_decimal(v, key, kMoneyDecimals, kMoneyMax, true, line.fee); break;
      case kFRate: m = get_decimal(v, key, kRateDecimals, kRateMax, true, line.rate); break;
    }
    if (!m.empty()) return m;
  }
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) == simdjson::SUCCESS)
    return "trailing characters after the JSON object";
  if (!(line.present & kFEv)) return "missing field 'ev'";

  const EventSpec* spec = nullptr;
  for (const auto& e : kEvents)
    if (e.name == ev) spec = &e;
  if (spec == nullptr) return "unknown ev '" + std::string(ev) + "'";
  line.kind = spec->kind;
  if (line.acct_all && spec->kind != EventKind::kKill && spec->kind != EventKind::kUnkill)
    return "field 'acct': \"*\" is only for kill and unkill";
  const std::uint32_t missing = spec->required & ~line.present;
  if (missing != 0) return "missing field '" + std::string(field_name(missing & -missing)) + "'";
  const std::uint32_t extra = line.present & ~(spec->required | spec->allowed | kFEv | kFTs);
  if (extra != 0) {
    return "field '" + std::string(field_name(extra & -extra)) + "' does not belong to '" +
           std::string(ev) + "'";
  }
  // Outside orders, px and qty must be valid values (the order's are judged by the check).
  if (line.kind != EventKind::kOrder) {
    if (line.px_status != DecimalStatus::kOk) return err("px", decimal_status_text(line.px_status));
    if (line.qty_status != DecimalStatus::kOk) return err("qty", decimal_status_text(line.qty_status));
    if (line.has(kFPx) && line.px <= 0) return err("px", "must be greater than 0");
    if (line.has(kFQty) && line.qty <= 0) return err("qty", "must be greater than 0");
  }
  return {};
}

}  // namespace perpgate
