// Shared set-up for the kernel benchmarks: a BTCUSDT-like symbol and N accounts each holding a
// position in it (so a mark tick revalues N positions).
#pragma once

#include <memory>

#include "perpgate/engine.hpp"

namespace perpgate::bench {

struct NullSink {
  std::uint64_t decisions = 0;
  void ack(i64) { ++decisions; }
  void reject(i64, Reason) { ++decisions; }
  void canceled(i64) { ++decisions; }
  void liquidate(int, i128, i128) { ++decisions; }
  void mark(int, i64) { ++decisions; }
  void withdraw(int, i64, bool) { ++decisions; }
  void account(int, const AccountView<DefaultParams>&) { ++decisions; }
  void error(const char*) { ++decisions; }
};

inline SymbolConfig btc_config() {
  SymbolConfig c;
  c.tick = 10'000'000;   // 0.1
  c.lot = 100'000;       // 0.001
  c.max_lev = 125;
  c.tier_count = 5;
  const i64 floors[] = {0, 50'000, 250'000, 3'000'000, 20'000'000};
  const i64 mmr[] = {400'000, 500'000, 1'000'000, 2'500'000, 5'000'000};  // 0.4 % .. 5 %
  const i64 cum[] = {0, 50, 1'300, 46'300, 546'300};
  const std::int32_t lev[] = {125, 100, 50, 20, 10};
  for (int i = 0; i < 5; ++i) c.tiers[i] = Tier{floors[i] * kMoneyScale, mmr[i], cum[i] * kMoneyScale, lev[i]};
  c.band = 5'000'000;  // 5 %
  return c;
}

// An engine with `accounts` accounts, each long 0.01 BTC at 50,000 with 10x leverage.
inline std::unique_ptr<Engine<DefaultParams>> make_book(int accounts, NullSink& sink) {
  auto e = std::make_unique<Engine<DefaultParams>>();
  e->define_symbol(0, btc_config(), sink);
  e->on_mark(0, 50'000 * kPxScale, sink);
  for (int a = 0; a < accounts; ++a) {
    e->create_account(a, 10'000 * kMoneyScale, sink);
    e->set_leverage(a, 0, 10, sink);
    OrderEvent o;
    o.acct = a;
    o.sym = 0;
    o.id = 1'000'000 + a;
    o.qty = 1'000'000;  // 0.01
    o.px = 50'000 * kPxScale;
    e->on_order(o, sink);
    e->on_fill(FillEvent{o.id, o.qty, o.px, 0}, sink);
  }
  return e;
}

// An order that passes every check (so the check runs to its end, the margin test).
inline OrderEvent passing_order(int acct) {
  OrderEvent o;
  o.acct = acct;
  o.sym = 0;
  o.id = 42;
  o.buy = true;
  o.qty = 1'000'000;
  o.px = 50'000 * kPxScale;
  return o;
}

}  // namespace perpgate::bench
