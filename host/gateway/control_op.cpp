#include "gateway/control_op.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "replay/decision_json.hpp"

namespace perpgate {
namespace {

constexpr const char* kNames[] = {"symbol", "account", "leverage", "rate_limit", "deposit",
                                  "withdraw", "kill", "clock", "query", "note", "reload"};

}  // namespace

std::string format_control_op(const ControlOp& op) {
  std::string s = fmt::format("{{\"at\":{},\"op\":\"{}\"", op.at, kNames[static_cast<int>(op.kind)]);
  switch (op.kind) {
    case ControlKind::kSymbol: {
      const SymbolConfig& c = op.cfg;
      s += fmt::format(",\"sym\":{},\"name\":", op.sym);
      append_json_string(s, op.name);
      s += fmt::format(",\"tick\":{},\"lot\":{},\"max_lev\":{},\"tiers\":[", c.tick, c.lot, c.max_lev);
      for (int t = 0; t < c.tier_count; ++t)
        s += fmt::format("{}[{},{},{},{}]", t ? "," : "", c.tiers[t].floor, c.tiers[t].mmr, c.tiers[t].maint,
                         c.tiers[t].max_lev);
      s += fmt::format("],\"band\":{},\"max_qty\":{},\"max_notional\":{},\"max_pos\":{},\"local_mark\":{},"
                       "\"ema_ms\":{},\"stale_ms\":{}",
                       c.band, c.max_qty, c.max_notional, c.max_pos, c.local_mark, c.ema_ms, c.stale_ms);
      break;
    }
    case ControlKind::kAccount: s += fmt::format(",\"acct\":{},\"id\":{},\"collateral\":{}", op.acct, op.outside_id, op.value); break;
    case ControlKind::kLeverage: s += fmt::format(",\"acct\":{},\"sym\":{},\"lev\":{}", op.acct, op.sym, op.value); break;
    case ControlKind::kRateLimit: s += fmt::format(",\"acct\":{},\"rate\":{}", op.acct, op.value); break;
    case ControlKind::kDeposit:
    case ControlKind::kWithdraw: s += fmt::format(",\"acct\":{},\"amount\":{}", op.acct, op.value); break;
    case ControlKind::kKill: s += fmt::format(",\"acct\":{},\"on\":{},\"hard\":{}", op.acct, op.on, op.hard); break;
    case ControlKind::kClock: s += fmt::format(",\"ts\":{}", op.value); break;
    case ControlKind::kQuery: s += fmt::format(",\"acct\":{}", op.acct); break;
    case ControlKind::kNote:
    case ControlKind::kReload:
      s += ",\"text\":";
      append_json_string(s, op.text);
      break;
  }
  s += "}";
  return s;
}

std::string parse_control_op(const char* text, std::size_t len, std::size_t capacity, ControlOp& out) {
  static thread_local simdjson::ondemand::parser parser;
  using simdjson::ondemand::object;
  try {
    simdjson::ondemand::document doc = parser.iterate(text, len, capacity);
    object o = doc.get_object();
    out = ControlOp{};
    auto i64_of = [&](const char* key) -> i64 { return o[key].get_int64().value(); };
    out.at = o["at"].get_uint64().value();
    const std::string_view op = o["op"].get_string().value();
    int kind = -1;
    for (int k = 0; k < static_cast<int>(std::size(kNames)); ++k)
      if (op == kNames[k]) kind = k;
    if (kind < 0) return "unknown op '" + std::string(op) + "'";
    out.kind = static_cast<ControlKind>(kind);
    switch (out.kind) {
      case ControlKind::kSymbol: {
        out.sym = static_cast<int>(i64_of("sym"));
        out.name = std::string(o["name"].get_string().value());
        SymbolConfig& c = out.cfg;
        c.tick = i64_of("tick");
        c.lot = i64_of("lot");
        c.max_lev = static_cast<std::int32_t>(i64_of("max_lev"));
        c.tier_count = 0;
        for (auto tier : o["tiers"].get_array()) {
          if (c.tier_count >= kMaxTiers) return "too many tiers";
          Tier& t = c.tiers[c.tier_count++];
          std::int64_t v[4];
          int n = 0;
          for (auto x : tier.get_array()) {
            if (n == 4) return "a tier is [floor, mmr, maint, max_lev]";
            v[n++] = x.get_int64().value();
          }
          if (n != 4) return "a tier is [floor, mmr, maint, max_lev]";
          t = Tier{v[0], v[1], v[2], static_cast<std::int32_t>(v[3])};
        }
        c.band = i64_of("band");
        c.max_qty = i64_of("max_qty");
        c.max_notional = i64_of("max_notional");
        c.max_pos = i64_of("max_pos");
        c.local_mark = o["local_mark"].get_bool().value();
        c.ema_ms = i64_of("ema_ms");
        c.stale_ms = i64_of("stale_ms");
        break;
      }
      case ControlKind::kAccount:
        out.acct = static_cast<int>(i64_of("acct"));
        out.outside_id = i64_of("id");
        out.value = i64_of("collateral");
        break;
      case ControlKind::kLeverage:
        out.acct = static_cast<int>(i64_of("acct"));
        out.sym = static_cast<int>(i64_of("sym"));
        out.value = i64_of("lev");
        break;
      case ControlKind::kRateLimit:
        out.acct = static_cast<int>(i64_of("acct"));
        out.value = i64_of("rate");
        break;
      case ControlKind::kDeposit:
      case ControlKind::kWithdraw:
        out.acct = static_cast<int>(i64_of("acct"));
        out.value = i64_of("amount");
        break;
      case ControlKind::kKill:
        out.acct = static_cast<int>(i64_of("acct"));
        out.on = o["on"].get_bool().value();
        if (bool hard = false; o["hard"].get_bool().get(hard) == simdjson::SUCCESS) out.hard = hard;
        break;
      case ControlKind::kClock: out.value = i64_of("ts"); break;
      case ControlKind::kQuery: out.acct = static_cast<int>(i64_of("acct")); break;
      case ControlKind::kNote:
      case ControlKind::kReload: out.text = std::string(o["text"].get_string().value()); break;
    }
  } catch (const simdjson::simdjson_error& e) {
    return std::string("bad control line: ") + e.what();
  }
  return "";
}

}  // namespace perpgate
