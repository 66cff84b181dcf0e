#include "scenario_gen.hpp"

#include <algorithm>
#include <stdexcept>
#include <memory>
#include <vector>

#include "decimal.hpp"
#include "perpgate/engine.hpp"
#include "scenario_line.hpp"

namespace perpgate {
namespace {

// splitmix64: small, fast, good enough for test traffic.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
};

struct SymSpec {
  const char* name;
  const char* json;  // the symbol line, without ts
  i64 tick, lot;
  i64 start_px;      // px units
  bool local;
};

// Binance BTCUSDT / ETHUSDT style brackets (floors, mmr, cum as published), and a local-mark symbol.
const SymSpec kSyms[] = {
    {"BTCUSDT",
     R"({"ev":"symbol","sym":"BTCUSDT","tick":"0.1","lot":"0.001","max_lev":125,"tiers":[["0","0.004","0",125],["50000","0.005","50",100],["250000","0.01","1300",50],["3000000","0.025","46300",20],["20000000","0.05","546300",10]],"band":"0.05","max_qty":"100","max_notional":"5000000","max_pos":"200"})",
     10'000'000, 100'000, 121'600 * kPxScale, false},
    {"ETHUSDT",
     R"({"ev":"symbol","sym":"ETHUSDT","tick":"0.01","lot":"0.001","max_lev":100,"tiers":[["0","0.005","0",100],["50000","0.0065","75",75],["250000","0.01","950",50],["2000000","0.02","20950",25]],"band":"0.05","max_qty":"2000","max_notional":"5000000","max_pos":"5000"})",
     1'000'000, 100'000, 4'350 * kPxScale, false},
    {"SOLUSDT",
     R"({"ev":"symbol","sym":"SOLUSDT","tick":"0.01","lot":"0.1","max_lev":50,"tiers":[["0","0.01","0",50],["100000","0.025","1500",20]],"band":"0.08","mark_mode":"local","ema_ms":150000})",
     1'000'000, 10'000'000, 220 * kPxScale, true},
};
constexpr int kSymCount = kGenSymbols;
static_assert(sizeof(kSyms) / sizeof(kSyms[0]) == kSymCount);
constexpr std::size_t kParsePadding = 64;  // >= SIMDJSON_PADDING

struct NullSink {
  bool acked = false;
  void ack(i64) { acked = true; }
  void reject(i64, Reason) { acked = false; }
  void canceled(i64) {}
  void liquidate(int, i128, i128) {}
  void mark(int, i64) {}
  void withdraw(int, i64, bool) {}
  void account(int, const AccountView<DefaultParams>&) {}
  void error(const char*) {}
};

struct LiveOrder {
  i64 id;
  i64 remaining;
  i64 px;
};

class Generator {
 public:
  Generator(const GenOptions& opt, std::string& out) : opt_(opt), out_(out), rng_{opt.seed} {}

  void run() {
    for (int s = 0; s < kSymCount; ++s) {
      emit(kSyms[s].json);
      define_symbol(s);
      px_[s] = kSyms[s].start_px;
    }
    for (int a = 0; a < opt_.accounts; ++a) open_account(a);
    for (int s = 0; s < kSymCount; ++s) mark_event(s);
    for (std::uint64_t n = 0; n < opt_.events; ++n) {
      ts_ += 1 + static_cast<i64>(rng_.below(40));
      step(static_cast<double>(n) / static_cast<double>(opt_.events));
    }
  }

 private:
  // ---- text output, mirrored into the golden model ----
  void emit(const std::string& line) {
    out_.append(line);
    out_.push_back('\n');
  }
  static std::string dec(i128 v, int decimals) { return format_decimal(v, decimals); }
  std::string ts() const { return ",\"ts\":" + std::to_string(ts_); }

  // The symbol lines are the one definition of the configuration: parse them for the model too.
  void define_symbol(int s) {
    const std::string text = std::string(kSyms[s].json) + std::string(kParsePadding, ' ');
    ScenarioLine line;
    ScenarioParser parser;
    const std::string err = parser.parse(text.data(), text.size() - kParsePadding, text.size(), line);
    if (!err.empty()) throw std::logic_error("generator symbol line: " + err);
    engine_->define_symbol(s, line.cfg, sink_);
  }

  void open_account(int a) {
    static const int kLevs[] = {3, 5, 10, 20, 25, 50, 75, 100};
    const i64 collateral = (500 + static_cast<i64>(rng_.below(50'000))) * kMoneyScale;
    const int lev_btc = kLevs[rng_.below(8)];
    const int lev_eth = kLevs[rng_.below(8)];
    const int lev_sol = std::min(50, kLevs[rng_.below(8)]);
    std::string line = "{\"ev\":\"account\",\"acct\":" + std::to_string(1000 + a) +
                       ",\"collateral\":\"" + dec(collateral, kMoneyDecimals) +
                       "\",\"lev\":{\"BTCUSDT\":" + std::to_string(lev_btc) +
                       ",\"ETHUSDT\":" + std::to_string(lev_eth) + ",\"SOLUSDT\":" + std::to_string(lev_sol) + "}";
    engine_->create_account(a, collateral, sink_);
    engine_->set_leverage(a, 0, lev_btc, sink_);
    engine_->set_leverage(a, 1, lev_eth, sink_);
    engine_->set_leverage(a, 2, lev_sol, sink_);
    i64 max_rate = 0;
    if (rng_.chance(0.2)) {
      max_rate = 20 + static_cast<i64>(rng_.below(200));
      line += ",\"max_rate\":" + std::to_string(max_rate);
    }
    emit(line + "}");
    engine_->set_rate_limit(a, max_rate);
    long_bias_[a] = rng_.chance(0.7);
  }

  // Crash-shaped drift: flat-ish before 60 %, -16 % over 60-64 %, rebound to -8 % by 70 %.
  double drift(double t) const {
    if (!opt_.crash) return 0.0;
    if (t < 0.60) return 0.0;
    if (t < 0.64) return -0.16 * (t - 0.60) / 0.04;
    if (t < 0.70) return -0.16 + 0.08 * (t - 0.64) / 0.06;
    return -0.08;
  }

  void move_price(int s, double t) {
    const double base = static_cast<double>(kSyms[s].start_px) * (1.0 + drift(t) * (s == 0 ? 1.0 : 1.4));
    const double noise = (static_cast<double>(rng_.below(2001)) - 1000.0) * 1e-6;  // +-0.1 %
    px_[s] = std::max<i64>(kSyms[s].tick, static_cast<i64>(base * (1.0 + noise)) / 1000 * 1000);
  }

  void mark_event(int s) {
    if (kSyms[s].local) {
      // Local mode: index, book and trade feed the median; an external mark now and then.
      const i64 spread = kSyms[s].tick * (1 + static_cast<i64>(rng_.below(5)));
      const std::string sym = std::string("\"sym\":\"") + kSyms[s].name + "\"";
      switch (rng_.below(4)) {
        case 0:
          emit("{\"ev\":\"index\"," + sym + ",\"px\":\"" + dec(px_[s], kPxDecimals) + "\"" + ts() + "}");
          engine_->advance_clock(ts_);
          engine_->on_index(s, px_[s], sink_);
          break;
        case 1:
          emit("{\"ev\":\"book\"," + sym + ",\"bid\":\"" + dec(px_[s] - spread, kPxDecimals) + "\",\"ask\":\"" +
               dec(px_[s] + spread, kPxDecimals) + "\"" + ts() + "}");
          engine_->advance_clock(ts_);
          engine_->on_book(s, px_[s] - spread, px_[s] + spread, sink_);
          break;
        case 2:
          emit("{\"ev\":\"trade\"," + sym + ",\"px\":\"" + dec(px_[s], kPxDecimals) + "\"" + ts() + "}");
          engine_->advance_clock(ts_);
          engine_->on_trade(s, px_[s], sink_);
          break;
        default:
          emit("{\"ev\":\"mark\"," + sym + ",\"px\":\"" + dec(px_[s], kPxDecimals) + "\"" + ts() + "}");
          engine_->advance_clock(ts_);
          engine_->on_mark(s, px_[s], sink_);
      }
      return;
    }
    emit(std::string("{\"ev\":\"mark\",\"sym\":\"") + kSyms[s].name + "\",\"px\":\"" + dec(px_[s], kPxDecimals) +
         "\"" + ts() + "}");
    engine_->advance_clock(ts_);
    engine_->on_mark(s, px_[s], sink_);
  }

  void order_event() {
    const int a = static_cast<int>(rng_.below(static_cast<std::uint64_t>(opt_.accounts)));
    const int s = static_cast<int>(rng_.below(kSymCount));
    const SymSpec& y = kSyms[s];
    const bool buy = rng_.chance(long_bias_[a] ? 0.75 : 0.3);
    const i64 mark = engine_->symbol(s).mark > 0 ? engine_->symbol(s).mark : px_[s];
    i64 qty = y.lot * (1 + static_cast<i64>(rng_.below(s == 0 ? 400 : 3000)));
    const i64 offset = static_cast<i64>(rng_.below(400)) - 200;  // +-0.2 % around the mark
    i64 px = (mark + mark / 100'000 * offset) / y.tick * y.tick;
    if (px <= 0) px = y.tick;
    i64 acct_id = 1000 + a;
    bool reduce_only = false;
    std::string sym = y.name;
    const Position* pos = nullptr;
    for (const auto& p : engine_->account(a).pos)
      if (p.sym == s) pos = &p;
    if (pos != nullptr && pos->qty != 0 && rng_.chance(0.15)) {  // close some of the position
      reduce_only = rng_.chance(0.6);
      qty = std::max(y.lot, std::min(qty, abs64(pos->qty)) / y.lot * y.lot);
      const bool closing_buy = pos->qty < 0;
      px = (mark + (closing_buy ? mark / 500 : -mark / 500)) / y.tick * y.tick;
      return place(a, acct_id, s, sym, closing_buy, qty, px, reduce_only);
    }
    if (rng_.chance(opt_.bad_fraction)) {  // deliberately invalid, to exercise the reasons
      switch (rng_.below(7)) {
        case 0: acct_id = 999'999; break;              // UNKNOWN_ACCOUNT
        case 1: sym = "DOGEUSDT"; break;               // UNKNOWN_SYMBOL
        case 2: qty += y.lot / 2 + 1; break;           // BAD_QTY
        case 3: px += y.tick / 2 + 1; break;           // BAD_PRICE
        case 4: px = px / 10 * 13 / y.tick * y.tick; break;  // PRICE_BAND
        case 5: qty = y.lot * 1'000'000; break;         // MAX_QTY / MAX_POSITION
        default: reduce_only = true; break;            // REDUCE_ONLY if flat or same side
      }
    }
    place(a, acct_id, s, sym, buy, qty, px, reduce_only);
  }

  void place(int a, i64 acct_id, int s, const std::string& sym, bool buy, i64 qty, i64 px, bool ro) {
    const i64 id = next_id_++;
    std::string line = "{\"ev\":\"order\",\"acct\":" + std::to_string(acct_id) + ",\"id\":" + std::to_string(id) +
                       ",\"sym\":\"" + sym + "\",\"side\":\"" + (buy ? "buy" : "sell") + "\",\"qty\":\"" +
                       dec(qty, kQtyDecimals) + "\",\"px\":\"" + dec(px, kPxDecimals) + "\"";
    if (ro) line += ",\"reduce_only\":true";
    emit(line + ts() + "}");
    OrderEvent o;
    o.acct = acct_id == 1000 + a ? a : -1;
    o.sym = sym == kSyms[s].name ? s : -1;
    o.id = id;
    o.buy = buy;
    o.reduce_only = ro;
    o.qty = qty;
    o.px = px;
    engine_->advance_clock(ts_);
    sink_.acked = false;
    engine_->on_order(o, sink_);
    if (sink_.acked) live_.push_back(LiveOrder{id, qty, px});
  }

  void fill_event() {
    if (live_.empty()) return order_event();
    const std::size_t k = rng_.below(live_.size());
    LiveOrder& o = live_[k];
    const i64 lot = 1000;  // fills in multiples of 1e-5: finer than every lot here
    i64 qty = o.remaining;
    if (rng_.chance(0.4) && o.remaining > lot) qty = std::max<i64>(lot, o.remaining / 2 / lot * lot);
    std::string line = "{\"ev\":\"fill\",\"id\":" + std::to_string(o.id) + ",\"qty\":\"" + dec(qty, kQtyDecimals) +
                       "\",\"px\":\"" + dec(o.px, kPxDecimals) + "\"";
    const i64 fee = static_cast<i64>(i128{qty} * o.px * 2 / 10'000 / kNotionalDiv);  // 2 bp taker fee
    if (fee > 0) line += ",\"fee\":\"" + dec(fee, kMoneyDecimals) + "\"";
    emit(line + "}");
    engine_->on_fill(FillEvent{o.id, qty, o.px, fee}, sink_);
    o.remaining -= qty;
    if (o.remaining == 0) {
      live_[k] = live_.back();
      live_.pop_back();
    }
  }

  void cancel_event() {
    if (live_.empty()) return order_event();
    const std::size_t k = rng_.below(live_.size());
    emit("{\"ev\":\"cancel\",\"id\":" + std::to_string(live_[k].id) + "}");
    engine_->on_cancel(live_[k].id, sink_);
    live_[k] = live_.back();
    live_.pop_back();
  }

  void step(double t) {
    const std::uint64_t r = rng_.below(1000);
    if (r < 250) {
      const int s = static_cast<int>(rng_.below(kSymCount));
      move_price(s, t);
      return mark_event(s);
    }
    if (r < 600) return order_event();
    if (r < 830) return fill_event();
    if (r < 960) return cancel_event();
    if (r < 975) {
      const int a = static_cast<int>(rng_.below(static_cast<std::uint64_t>(opt_.accounts)));
      const i64 amount = (1 + static_cast<i64>(rng_.below(5'000))) * kMoneyScale;
      const bool dep = rng_.chance(0.5);
      emit(std::string("{\"ev\":\"") + (dep ? "deposit" : "withdraw") + "\",\"acct\":" + std::to_string(1000 + a) +
           ",\"amount\":\"" + dec(amount, kMoneyDecimals) + "\"}");
      if (dep) engine_->deposit(a, amount, sink_); else engine_->withdraw(a, amount, sink_);
      return;
    }
    if (r < 980) {
      const int s = static_cast<int>(rng_.below(kSymCount));
      const i64 rate = static_cast<i64>(rng_.below(20'001)) - 5'000;  // -0.005 % .. +0.015 %
      emit(std::string("{\"ev\":\"funding\",\"sym\":\"") + kSyms[s].name + "\",\"rate\":\"" +
           dec(rate, kRateDecimals) + "\"}");
      engine_->on_funding(s, rate, sink_);
      return;
    }
    if (r < 985) {  // kill switch: rare kills, each lifted again a little later
      const int a = static_cast<int>(rng_.below(static_cast<std::uint64_t>(opt_.accounts)));
      const bool on = !killed_[a] && rng_.chance(0.1);
      if (!on && !killed_[a]) return order_event();
      killed_[a] = on;
      const bool hard = on && rng_.chance(0.3);  // else de-risking: its reduce-only orders go on
      emit(std::string("{\"ev\":\"") + (on ? "kill" : "unkill") + "\",\"acct\":" + std::to_string(1000 + a) +
           (hard ? ",\"reduce_only\":false}" : "}"));
      engine_->kill(a, kill_mode(on, hard));
      return;
    }
    const int a = static_cast<int>(rng_.below(static_cast<std::uint64_t>(opt_.accounts)));
    emit("{\"ev\":\"query\",\"acct\":" + std::to_string(1000 + a) + "}");
  }

  GenOptions opt_;
  std::string& out_;
  Rng rng_;
  std::unique_ptr<Engine<DefaultParams>> engine_ = std::make_unique<Engine<DefaultParams>>();
  NullSink sink_;
  i64 px_[kSymCount] = {};
  bool long_bias_[DefaultParams::kAccounts] = {};
  bool killed_[DefaultParams::kAccounts] = {};
  std::vector<LiveOrder> live_;
  i64 next_id_ = 1;
  i64 ts_ = 1'760'054'400'000;  // 2025-10-10 00:00 UTC
};

}  // namespace

void generate_scenario(const GenOptions& opt, std::string& out) {
  Generator g(opt, out);
  g.run();
}

GenSymbol gen_symbol(int s) {
  if (s < 0 || s >= kSymCount) throw std::out_of_range("gen_symbol: no such symbol");
  return GenSymbol{kSyms[s].tick, kSyms[s].lot, kSyms[s].start_px, kSyms[s].local};
}

}  // namespace perpgate
