// C simulation of the Vitis HLS top (csim in constraints/vitis_hls/hls.tcl; a ctest here): random
// positions on a tiered symbol, each revalued by the top and by the golden model's own path (an
// Engine revaluing an account after a mark), which must agree exactly. Exit status 0 on success.
#include <cstdio>
#include <memory>
#include <random>

#include "../src/pg_margin_top.hpp"
#include "perpgate/engine.hpp"

namespace {

struct NullSink {
  void ack(perpgate::i64) {}
  perpgate::Reason last_reject = perpgate::Reason::kNone;
  void reject(perpgate::i64, perpgate::Reason r) { last_reject = r; }
  void canceled(perpgate::i64) {}
  void liquidate(int, perpgate::i128, perpgate::i128) {}
  void mark(int, perpgate::i64) {}
  void withdraw(int, perpgate::i64, bool) {}
  template <class V>
  void account(int, const V&) {}
  int errors = 0;
  void error(const char*) { ++errors; }
};

struct Small {
  static constexpr int kAccounts = 64;
  static constexpr int kSymbols = 4;
  static constexpr int kPositionsPerAccount = 4;
  static constexpr int kOrderSets = 256;
  static constexpr int kOrderWays = 4;
};

}  // namespace

int main() {
  using namespace perpgate;
  SymbolConfig c;
  c.tick = 1'000'000;
  c.lot = 1'000;
  c.max_lev = 125;
  c.tier_count = 4;
  c.tiers[0] = {0, 400'000, 0, 0};
  c.tiers[1] = {50'000'000'000, 500'000, 50'000'000, 100};
  c.tiers[2] = {250'000'000'000, 1'000'000, 1'300'000'000, 50};
  c.tiers[3] = {1'000'000'000'000, 2'500'000, 16'300'000'000, 20};
  std::mt19937_64 rng(2025);
  int bad = 0;
  for (int n = 0; n < 20'000; ++n) {
    auto engine = std::make_unique<Engine<Small>>();
    NullSink sink;
    engine->define_symbol(0, c, sink);
    engine->create_account(0, kMoneyMax / 2, sink);  // room for any of the positions below
    const i64 lev = static_cast<i64>(rng() % 126);  // 0: the symbol's
    if (lev > 0) engine->set_leverage(0, 0, lev, sink);
    const i64 px = static_cast<i64>(1'000'000'000 + rng() % 10'000'000'000'000) / c.tick * c.tick;
    engine->on_mark(0, px, sink);
    const i64 qty = static_cast<i64>(1 + rng() % 50'000'000) * c.lot;
    engine->on_order(OrderEvent{0, 0, 1, (rng() & 1) != 0, false, qty, px}, sink);
    if (rng() & 1) engine->on_fill(FillEvent{1, qty / 2 / c.lot * c.lot + c.lot, px, 0}, sink);
    const i64 mark = static_cast<i64>(1 + rng() % 20'000'000'000'000);
    engine->on_mark(0, mark, sink);
    int slot = 0;  // the engine claims the highest free slot
    for (int i = 0; i < Small::kPositionsPerAccount; ++i)
      if (engine->account(0).pos[i].sym == 0) slot = i;
    const Position& p = engine->account(0).pos[slot];
    PositionIn in{p.qty, p.cost, p.open_buy, p.open_sell, lev, mark};
    PositionOut out;
    pg_margin_top(engine->symbol(0).cfg, in, out);
    if (sink.errors != 0 || p.sym != 0 || out.upnl_raw != p.upnl_raw || out.mm != p.mm || out.im != p.im) {
      if (++bad < 5) std::printf("mismatch at case %d: errors %d reject %d sym %d qty %lld\n", n, sink.errors, static_cast<int>(sink.last_reject), p.sym, static_cast<long long>(p.qty));
    }
  }
  std::printf("%s: %d mismatches in 20000 positions\n", bad ? "FAIL" : "PASS", bad);
  return bad ? 1 : 0;
}
