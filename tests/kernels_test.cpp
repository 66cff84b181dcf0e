// Unit tests of the risk kernels (hls/): every reason code, every state update, the local mark,
// the liquidation trigger. Figures are worked by hand in the comments.
#include <gtest/gtest.h>

#include <limits>

#include <memory>
#include <string>
#include <vector>

#include "perpgate/engine.hpp"
#include "replay/decimal.hpp"

namespace perpgate {
namespace {

i64 dec(std::string_view s, int decimals) {
  i64 v = 0;
  const DecimalStatus st = parse_decimal(s, decimals, i64{1} << 62, true, v);
  EXPECT_EQ(st, DecimalStatus::kOk) << s;
  return v;
}
i64 px(std::string_view s) { return dec(s, kPxDecimals); }
i64 qty(std::string_view s) { return dec(s, kQtyDecimals); }
i64 money(std::string_view s) { return dec(s, kMoneyDecimals); }
i64 rate(std::string_view s) { return dec(s, kRateDecimals); }

struct Decision {
  std::string kind;
  i64 id = 0;
  Reason reason = Reason::kNone;
  int acct = -1;
  i128 equity = 0, mm = 0;
  i64 value = 0;
  bool operator==(const Decision&) const = default;
};

template <class P>
struct Recorder {
  std::vector<Decision> d;
  std::vector<std::string> errors;
  void ack(i64 id) { d.push_back({"ack", id}); }
  void reject(i64 id, Reason r) { d.push_back({"reject", id, r}); }
  void canceled(i64 id) { d.push_back({"canceled", id}); }
  void liquidate(int a, i128 eq, i128 mm) { d.push_back({"liquidate", 0, Reason::kNone, a, eq, mm}); }
  void mark(int s, i64 p) { d.push_back({"mark", 0, Reason::kNone, s, 0, 0, p}); }
  void withdraw(int a, i64 amount, bool ok) {
    d.push_back({ok ? "withdraw_ok" : "withdraw_reject", 0, Reason::kNone, a, 0, 0, amount});
  }
  void account(int a, const AccountView<P>&) { d.push_back({"account", 0, Reason::kNone, a}); }
  void error(const char* msg) { errors.emplace_back(msg); }
  Decision last() const { return d.empty() ? Decision{"none"} : d.back(); }
  void clear() {
    d.clear();
    errors.clear();
  }
};

// BTCUSDT as in the replay contract's example: tick 0.1, lot 0.001, two Binance brackets.
SymbolConfig btc() {
  SymbolConfig c;
  c.tick = px("0.1");
  c.lot = qty("0.001");
  c.max_lev = 125;
  c.tier_count = 2;
  c.tiers[0] = Tier{0, rate("0.004"), 0, 125};
  c.tiers[1] = Tier{money("50000"), rate("0.005"), money("50"), 100};
  return c;
}

template <class P = DefaultParams>
class EngineFixture {
 public:
  std::unique_ptr<Engine<P>> e = std::make_unique<Engine<P>>();
  Recorder<P> out;

  EngineFixture() {
    e->define_symbol(0, btc(), out);
    e->create_account(0, money("500"), out);
    e->set_leverage(0, 0, 20, out);
  }
  Decision order(i64 id, bool buy, std::string_view q, std::string_view p, int acct = 0, int sym = 0,
                 bool ro = false) {
    OrderEvent o;
    o.acct = acct;
    o.sym = sym;
    o.id = id;
    o.buy = buy;
    o.qty = qty(q);
    o.px = px(p);
    o.reduce_only = ro;
    e->on_order(o, out);
    return out.last();
  }
  void fill(i64 id, std::string_view q, std::string_view p, std::string_view fee = "0") {
    e->on_fill(FillEvent{id, qty(q), px(p), money(fee)}, out);
  }
  void mark(std::string_view p, int sym = 0) { e->on_mark(sym, px(p), out); }
  AccountView<P> view(int a = 0) { return e->view(a); }
};

Decision rejected(i64 id, Reason r) { return {"reject", id, r}; }
Decision acked(i64 id) { return {"ack", id}; }

// ---- the contract's example ---------------------------------------------------------------------

TEST(Kernels, ContractExampleLiquidatesOnlyBelowBinanceLiquidationPrice) {
  EngineFixture f;
  f.mark("50000");
  EXPECT_EQ(f.order(1, true, "0.02", "50000"), acked(1));
  f.fill(1, "0.02", "50000");
  f.out.clear();
  // LP = (500 + 0 - 0.02 x 50000) / (0.02 x 0.004 - 0.02) = 25100.40...
  f.mark("25200");
  f.mark("25100.5");
  EXPECT_TRUE(f.out.d.empty());
  f.mark("25100.3");
  ASSERT_EQ(f.out.d.size(), 1u);
  EXPECT_EQ(f.out.d[0].kind, "liquidate");
  // equity = 500 + 0.02 x (25100.3 - 50000) = 2.006; MM = ceil(0.02 x 25100.3 x 0.004) = 2.008024
  EXPECT_EQ(f.out.d[0].equity, money("2.006"));
  EXPECT_EQ(f.out.d[0].mm, money("2.008024"));
  // Edge-triggered: no second trigger while still unhealthy.
  f.mark("25000");
  EXPECT_EQ(f.out.d.size(), 1u);
  // Healthy again re-arms; the next fall triggers again.
  f.mark("30000");
  f.mark("25000");
  EXPECT_EQ(f.out.d.size(), 2u);
}

// ---- market data ---------------------------------------------------------------------------------

// The wire carries any i64 as a price. A market price outside 0 to kPxMax (mark, index, trade,
// either side of a book top) is an engine error and changes nothing; 0 and kPxMax are taken.
TEST(MarketData, PriceOutsideItsBoundIsAnErrorAndNotApplied) {
  EngineFixture f;
  SymbolConfig local = btc();
  local.local_mark = true;
  f.e->define_symbol(1, local, f.out);
  f.mark("50000");
  EXPECT_EQ(f.order(1, true, "0.01", "50000"), acked(1));
  f.fill(1, "0.01", "50000");
  const AccountView<DefaultParams> before = f.view();
  f.out.clear();
  constexpr i64 kMin = std::numeric_limits<i64>::min(), kMax = std::numeric_limits<i64>::max();
  for (const i64 bad : {i64{-1}, kPxMax + 1, kMin, kMax}) {
    f.e->on_mark(0, bad, f.out);
    f.e->on_mark(1, bad, f.out);
    f.e->on_index(1, bad, f.out);
    f.e->on_trade(1, bad, f.out);
    f.e->on_book(1, bad, px("50000"), f.out);
    f.e->on_book(1, px("50000"), bad, f.out);
  }
  ASSERT_EQ(f.out.errors.size(), 4u * 6u);
  for (const std::string& e : f.out.errors) EXPECT_EQ(e, error_text(EngineError::kMarketPriceRange));
  EXPECT_TRUE(f.out.d.empty());
  EXPECT_EQ(f.e->symbol(0).mark, px("50000"));
  EXPECT_EQ(f.e->symbol(1).mark, 0);
  EXPECT_EQ(f.e->symbol(1).local.index, 0);
  EXPECT_EQ(f.e->symbol(1).local.bid, 0);
  EXPECT_EQ(f.view().equity, before.equity);
  EXPECT_EQ(f.view().mm, before.mm);
  f.out.clear();
  f.e->on_mark(0, kPxMax, f.out);  // at the bound: taken
  f.e->on_index(1, 0, f.out);      // 0: none, taken
  EXPECT_TRUE(f.out.errors.empty());
  EXPECT_EQ(f.e->symbol(0).mark, kPxMax);
}

// ---- every reason code ---------------------------------------------------------------------------

TEST(Reasons, UnknownAccountAndSymbol) {
  EngineFixture f;
  f.mark("50000");
  EXPECT_EQ(f.order(1, true, "0.001", "50000", /*acct=*/-1), rejected(1, Reason::kUnknownAccount));
  EXPECT_EQ(f.order(2, true, "0.001", "50000", /*acct=*/7), rejected(2, Reason::kUnknownAccount));
  EXPECT_EQ(f.order(3, true, "0.001", "50000", 0, /*sym=*/-1), rejected(3, Reason::kUnknownSymbol));
  EXPECT_EQ(f.order(4, true, "0.001", "50000", 0, /*sym=*/5), rejected(4, Reason::kUnknownSymbol));
  EXPECT_EQ(f.order(5, true, "0.001", "50000", 0, /*sym=*/100000), rejected(5, Reason::kUnknownSymbol));
}

TEST(Reasons, DuplicateIdWhileOpenOnly) {
  EngineFixture f;
  f.mark("50000");
  EXPECT_EQ(f.order(1, true, "0.001", "50000"), acked(1));
  EXPECT_EQ(f.order(1, true, "0.001", "50000"), rejected(1, Reason::kDuplicateId));
  f.e->on_cancel(1, f.out);
  EXPECT_EQ(f.out.last().kind, "canceled");
  EXPECT_EQ(f.order(1, true, "0.001", "50000"), acked(1));  // closed ids may be reused
}

TEST(Reasons, KillSwitchAccountAndGlobal) {
  EngineFixture f;
  f.mark("50000");
  f.e->kill(0, KillMode::kHard);
  EXPECT_EQ(f.order(1, true, "0.001", "50000"), rejected(1, Reason::kKilled));
  // The kill switch comes before the quantity checks.
  EXPECT_EQ(f.order(2, true, "0", "50000"), rejected(2, Reason::kKilled));
  f.e->kill(0, KillMode::kOff);
  EXPECT_EQ(f.order(3, true, "0.001", "50000"), acked(3));
  f.e->kill_all(KillMode::kHard);
  EXPECT_EQ(f.order(4, true, "0.001", "50000"), rejected(4, Reason::kKilled));
  f.e->kill_all(KillMode::kOff);
  EXPECT_EQ(f.order(5, true, "0.001", "50000"), acked(5));
}

// A de-risking kill (the default) lets reduce-only orders through to the reduce-only test, and
// nothing else; a hard kill refuses them too. Either switch, account or global, refuses on its own.
TEST(Reasons, KilledAccountMayStillReduce) {
  EngineFixture f;
  f.mark("50000");
  ASSERT_EQ(f.order(1, true, "0.01", "50000"), acked(1));
  f.fill(1, "0.01", "50000");                                                  // long 0.01
  f.e->kill(0, KillMode::kDeRisk);
  EXPECT_EQ(f.order(2, true, "0.001", "50000"), rejected(2, Reason::kKilled));
  EXPECT_EQ(f.order(3, false, "0.001", "50000"), rejected(3, Reason::kKilled)) << "only reduce-only";
  EXPECT_EQ(f.order(4, true, "0.001", "50000", 0, 0, true), rejected(4, Reason::kReduceOnly));
  EXPECT_EQ(f.order(5, false, "0.02", "50000", 0, 0, true), rejected(5, Reason::kReduceOnly)) << "past the position";
  EXPECT_EQ(f.order(6, false, "0.004", "50000", 0, 0, true), acked(6));
  f.e->kill_all(KillMode::kHard);                                               // the global switch refuses all
  EXPECT_EQ(f.order(7, false, "0.004", "50000", 0, 0, true), rejected(7, Reason::kKilled));
  f.e->kill_all(KillMode::kDeRisk);
  EXPECT_EQ(f.order(8, false, "0.006", "50000", 0, 0, true), acked(8)) << "0.004 + 0.006 = the whole position";
  EXPECT_EQ(f.order(9, false, "0.001", "50000", 0, 0, true), rejected(9, Reason::kReduceOnly));
  f.e->kill_all(KillMode::kOff);
  f.e->kill(0, KillMode::kHard);
  f.e->on_cancel(8, f.out);
  EXPECT_EQ(f.order(10, false, "0.001", "50000", 0, 0, true), rejected(10, Reason::kKilled));
  f.e->kill(0, KillMode::kOff);
  EXPECT_EQ(f.order(11, false, "0.001", "50000", 0, 0, true), acked(11));
}

TEST(Reasons, RateLimitTokenBucket) {
  EngineFixture f;
  f.mark("50000");
  f.e->advance_clock(1000);
  f.e->set_rate_limit(0, 2);  // 2 orders per second, burst 2
  EXPECT_EQ(f.order(1, true, "0.001", "50000"), acked(1));
  EXPECT_EQ(f.order(2, true, "0.001", "50000"), acked(2));
  EXPECT_EQ(f.order(3, true, "0.001", "50000"), rejected(3, Reason::kRateLimit));
  f.e->advance_clock(1499);  // 499 ms: 0.998 tokens
  EXPECT_EQ(f.order(4, true, "0.001", "50000"), rejected(4, Reason::kRateLimit));
  f.e->advance_clock(1500);  // 500 ms: one token
  EXPECT_EQ(f.order(5, true, "0.001", "50000"), acked(5));
  // A rejected message still costs its token: the throttle counts messages.
  f.e->advance_clock(2000);
  EXPECT_EQ(f.order(6, true, "0.0005", "50000"), rejected(6, Reason::kBadQty));
  EXPECT_EQ(f.order(7, true, "0.001", "50000"), rejected(7, Reason::kRateLimit));
}

TEST(Reasons, BadQtyAndBadPrice) {
  EngineFixture f;
  f.mark("50000");
  EXPECT_EQ(f.order(1, true, "0", "50000"), rejected(1, Reason::kBadQty));
  EXPECT_EQ(f.order(2, true, "0.0015", "50000"), rejected(2, Reason::kBadQty));
  EXPECT_EQ(f.order(3, true, "-0.001", "50000"), rejected(3, Reason::kBadQty));
  EXPECT_EQ(f.order(4, true, "0.001", "50000.05"), rejected(4, Reason::kBadPrice));
  EXPECT_EQ(f.order(5, true, "0.001", "0"), rejected(5, Reason::kBadPrice));
  EXPECT_EQ(f.order(6, true, "0.001", "50000.1"), acked(6));
}

TEST(Reasons, NoMarkAndStaleMark) {
  EngineFixture f;
  EXPECT_EQ(f.order(1, true, "0.001", "50000"), rejected(1, Reason::kNoMark));
  SymbolConfig c = btc();
  c.stale_ms = 1000;
  f.e->define_symbol(0, c, f.out);
  f.e->advance_clock(10'000);
  f.mark("50000");  // mark at t = 10000
  f.e->advance_clock(11'000);
  EXPECT_EQ(f.order(2, true, "0.001", "50000"), acked(2));  // exactly 1000 ms old: still fresh
  f.e->advance_clock(11'001);
  EXPECT_EQ(f.order(3, true, "0.001", "50000"), rejected(3, Reason::kStaleMark));
}

TEST(Reasons, PriceBandIsExactAtTheEdge) {
  EngineFixture f;
  SymbolConfig c = btc();
  c.band = rate("0.05");
  f.e->define_symbol(0, c, f.out);
  f.mark("50000");
  EXPECT_EQ(f.order(1, true, "0.001", "52500"), acked(1));  // |px - mark| / mark = 5 % exactly
  EXPECT_EQ(f.order(2, true, "0.001", "52500.1"), rejected(2, Reason::kPriceBand));
  EXPECT_EQ(f.order(3, false, "0.001", "47500"), acked(3));
  EXPECT_EQ(f.order(4, false, "0.001", "47499.9"), rejected(4, Reason::kPriceBand));
}

TEST(Reasons, MaxQtyAndMaxNotional) {
  EngineFixture f;
  SymbolConfig c = btc();
  c.max_qty = qty("0.005");
  c.max_notional = money("200");
  f.e->define_symbol(0, c, f.out);
  f.mark("40000");
  EXPECT_EQ(f.order(1, true, "0.006", "40000"), rejected(1, Reason::kMaxQty));
  EXPECT_EQ(f.order(2, true, "0.005", "40000"), acked(2));  // notional 200 exactly
  EXPECT_EQ(f.order(3, true, "0.005", "40000.1"), rejected(3, Reason::kMaxNotional));
}

TEST(Reasons, MaxPositionCountsOpenOrders) {
  EngineFixture f;
  SymbolConfig c = btc();
  c.max_pos = qty("0.01");
  f.e->define_symbol(0, c, f.out);
  f.mark("10000");
  EXPECT_EQ(f.order(1, true, "0.006", "10000"), acked(1));
  EXPECT_EQ(f.order(2, true, "0.005", "10000"), rejected(2, Reason::kMaxPosition));  // 0.011 worst case
  EXPECT_EQ(f.order(3, true, "0.004", "10000"), acked(3));                           // 0.010
  // A sell works the other side: worst case max(|0 + 0.010|, |0 - 0.01|) = 0.01.
  EXPECT_EQ(f.order(4, false, "0.01", "10000"), acked(4));
  EXPECT_EQ(f.order(5, false, "0.001", "10000"), rejected(5, Reason::kMaxPosition));
}

TEST(Reasons, ReduceOnlyMustShrinkThePosition) {
  EngineFixture f;
  f.mark("50000");
  EXPECT_EQ(f.order(1, false, "0.001", "50000", 0, 0, true), rejected(1, Reason::kReduceOnly));  // flat
  EXPECT_EQ(f.order(2, true, "0.004", "50000"), acked(2));
  f.fill(2, "0.004", "50000");
  EXPECT_EQ(f.order(3, true, "0.001", "50000", 0, 0, true), rejected(3, Reason::kReduceOnly));  // same side
  const i128 im_before = f.view().im;
  EXPECT_EQ(f.order(4, false, "0.003", "50000", 0, 0, true), acked(4));
  EXPECT_EQ(f.view().im, im_before);  // never raises IM
  EXPECT_EQ(f.order(5, false, "0.002", "50000", 0, 0, true), rejected(5, Reason::kReduceOnly));  // 0.005 > 0.004
  EXPECT_EQ(f.order(6, false, "0.001", "50000", 0, 0, true), acked(6));
  // Under water: a new order is refused for margin, a reduce-only one still goes through.
  f.e->withdraw(0, money("490"), f.out);  // equity 10 = IM 10
  EXPECT_EQ(f.out.last().kind, "withdraw_ok");
  f.mark("49000");  // equity 6 < IM 9.8
  EXPECT_EQ(f.order(7, false, "0.001", "49000"), rejected(7, Reason::kInsufficientMargin));
  f.e->on_cancel(6, f.out);
  EXPECT_EQ(f.order(8, false, "0.001", "49000", 0, 0, true), acked(8));
}

struct TinyParams {
  static constexpr int kAccounts = 2;
  static constexpr int kSymbols = 3;
  static constexpr int kPositionsPerAccount = 2;
  static constexpr int kOrderSets = 1;
  static constexpr int kOrderWays = 3;
};

TEST(Reasons, CapacityOfPositionSlotsAndOrderTable) {
  EngineFixture<TinyParams> f;
  f.e->define_symbol(1, btc(), f.out);
  f.e->define_symbol(2, btc(), f.out);
  for (int s = 0; s < 3; ++s) f.mark("50000", s);
  EXPECT_EQ(f.order(1, true, "0.001", "50000", 0, 0), acked(1));
  EXPECT_EQ(f.order(2, true, "0.001", "50000", 0, 1), acked(2));
  EXPECT_EQ(f.order(3, true, "0.001", "50000", 0, 2), rejected(3, Reason::kCapacity));  // 2 slots
  EXPECT_EQ(f.order(4, true, "0.001", "50000", 0, 1), acked(4));  // 3 ways: table now full
  EXPECT_EQ(f.order(5, true, "0.001", "50000", 0, 0), rejected(5, Reason::kCapacity));
  f.e->on_cancel(1, f.out);
  EXPECT_EQ(f.order(5, true, "0.001", "50000", 0, 2), acked(5));  // the freed slot and entry are reused
  // Account table: an index beyond the capacity is an error, never a write out of bounds.
  f.e->create_account(2, money("1"), f.out);
  EXPECT_EQ(f.out.errors.back(), "account table full");
}

TEST(Reasons, InsufficientMarginAtTheBoundary) {
  EngineFixture f;  // collateral 500, leverage 20
  f.mark("50000");
  // IM = qty x 50000 / 20: 0.2 -> 500 exactly (equity - IM = 0: accepted), 0.201 -> 502.5.
  EXPECT_EQ(f.order(1, true, "0.201", "50000"), rejected(1, Reason::kInsufficientMargin));
  EXPECT_EQ(f.order(2, true, "0.2", "50000"), acked(2));
  EXPECT_EQ(f.view().im, money("500"));
  EXPECT_EQ(f.order(3, true, "0.001", "50000"), rejected(3, Reason::kInsufficientMargin));
  // A sell of the same size does not raise the worst case (max(|0.2|, |-0.2|)): accepted.
  EXPECT_EQ(f.order(4, false, "0.2", "50000"), acked(4));
  EXPECT_EQ(f.order(5, false, "0.001", "50000"), rejected(5, Reason::kInsufficientMargin));
}

TEST(Reasons, TierCapsLeverage) {
  EngineFixture f;
  f.e->deposit(0, money("100000"), f.out);
  f.e->set_leverage(0, 0, 125, f.out);
  f.mark("50000");
  // 0.9 BTC = 45,000 notional: tier 0, 125x -> IM 360. 1.1 BTC = 55,000: tier 1 caps at 100x -> 550.
  EXPECT_EQ(f.order(1, true, "0.9", "50000"), acked(1));
  EXPECT_EQ(f.view().im, money("360"));
  f.e->on_cancel(1, f.out);
  EXPECT_EQ(f.order(2, true, "1.1", "50000"), acked(2));
  EXPECT_EQ(f.view().im, money("550"));
}

// ---- fills, cancels, money -------------------------------------------------------------------------

TEST(Fills, WeightedEntryRealisedPnlAndFlip) {
  EngineFixture f;
  f.e->deposit(0, money("10000"), f.out);
  f.mark("100");
  f.order(1, true, "2", "100");
  f.fill(1, "1", "100");
  f.fill(1, "1", "200", "0.5");  // fee 0.5
  AccountView<DefaultParams> v = f.view();
  ASSERT_EQ(v.position_count, 1);
  EXPECT_EQ(v.positions[0].qty, qty("2"));
  EXPECT_EQ(v.positions[0].entry, px("150"));
  EXPECT_EQ(v.collateral, money("10499.5"));
  EXPECT_EQ(f.e->open_orders(), 0);
  // Sell 3 at 180: closes 2 (realised +60), opens a short of 1 at 180.
  f.mark("180");
  f.order(2, false, "3", "180");
  f.fill(2, "3", "180");
  v = f.view();
  EXPECT_EQ(v.collateral, money("10559.5"));
  ASSERT_EQ(v.position_count, 1);
  EXPECT_EQ(v.positions[0].qty, qty("-1"));
  EXPECT_EQ(v.positions[0].entry, px("180"));
  // Buy back 1 at 170: short gains 10, position flat, slot freed.
  f.order(3, true, "1", "170");
  f.fill(3, "1", "170");
  v = f.view();
  EXPECT_EQ(v.collateral, money("10569.5"));
  EXPECT_EQ(v.position_count, 0);
  EXPECT_EQ(v.im, 0);
  EXPECT_EQ(v.mm, 0);
  EXPECT_TRUE(f.out.errors.empty());
}

TEST(Fills, PartialCloseRoundsRealisedPnlDown) {
  EngineFixture f;
  f.e->deposit(0, money("10000"), f.out);
  f.mark("100");
  // Long 3 at an average of 100.00000001 (cost 300.00000003): closing 1 at 100 realises
  // 100 - 100.00000001 = -0.00000001 quote = -0.01 micro -> floor -> -0.000001.
  f.order(1, true, "3", "100.1");
  f.fill(1, "2", "100");
  f.fill(1, "1", "100.00000003");
  f.order(2, false, "1", "100");
  f.fill(2, "1", "100");
  EXPECT_EQ(f.view().collateral, money("10499.999999"));
  EXPECT_EQ(f.view().positions[0].qty, qty("2"));
}

TEST(Fills, UnknownOverfillAndBoundErrors) {
  EngineFixture f;
  f.mark("50000");
  f.fill(99, "1", "50000");
  ASSERT_EQ(f.out.errors.size(), 1u);
  EXPECT_EQ(f.out.errors[0], "fill of an unknown or closed order");
  f.order(1, true, "0.002", "50000");
  f.fill(1, "0.003", "50000");  // the venue says 0.003: applied in full, and reported
  ASSERT_EQ(f.out.errors.size(), 2u);
  EXPECT_EQ(f.view().positions[0].qty, qty("0.003"));
  EXPECT_EQ(f.e->open_orders(), 0);
}

TEST(Cancels, ReleaseReservationAndIm) {
  EngineFixture f;
  f.mark("50000");
  f.order(1, true, "0.1", "50000");
  EXPECT_EQ(f.view().im, money("250"));
  f.e->on_cancel(1, f.out);
  EXPECT_EQ(f.out.last(), (Decision{"canceled", 1}));
  EXPECT_EQ(f.view().im, 0);
  f.e->on_cancel(1, f.out);
  EXPECT_EQ(f.out.errors.back(), "cancel of an unknown or closed order");
}

TEST(Money, WithdrawalMayNotLeaveEquityBelowIm) {
  EngineFixture f;
  f.mark("50000");
  f.order(1, true, "0.1", "50000");  // IM 250
  f.e->withdraw(0, money("250.000001"), f.out);
  EXPECT_EQ(f.out.last().kind, "withdraw_reject");
  f.e->withdraw(0, money("250"), f.out);
  EXPECT_EQ(f.out.last().kind, "withdraw_ok");
  EXPECT_EQ(f.view().collateral, money("250"));
  f.e->deposit(0, money("0.5"), f.out);
  EXPECT_EQ(f.view().collateral, money("250.5"));
  // Unrealised profit is not withdrawable.
  f.fill(1, "0.1", "50000");
  f.mark("60000");  // uPnL +1000, equity 1250.5, IM 300
  f.e->withdraw(0, money("251"), f.out);
  EXPECT_EQ(f.out.last().kind, "withdraw_reject");
}

TEST(Money, FundingLongsPayShortsReceiveRoundedConservatively) {
  EngineFixture f;
  f.e->create_account(1, money("1000"), f.out);
  f.mark("33333.3");
  f.order(1, true, "0.003", "33333.3", 0);
  f.fill(1, "0.003", "33333.3");
  f.order(2, false, "0.003", "33333.3", 1);
  f.fill(2, "0.003", "33333.3");
  // notional 99.9999 x 0.0001 = 0.00999999 quote = 9999.99 micro: long pays 10000, short gets 9999.
  f.e->on_funding(0, rate("0.0001"), f.out);
  EXPECT_EQ(f.view(0).collateral, money("499.99"));
  EXPECT_EQ(f.view(1).collateral, money("1000.009999"));
  // Negative rate: shorts pay.
  f.e->on_funding(0, rate("-0.0001"), f.out);
  EXPECT_EQ(f.view(0).collateral, money("499.999999"));
  EXPECT_EQ(f.view(1).collateral, money("999.999999"));
}

TEST(Liquidation, FundingCanTriggerIt) {
  EngineFixture f;
  f.mark("50000");
  f.order(1, true, "0.2", "50000");
  f.fill(1, "0.2", "50000");  // notional 10,000, MM 40, equity 500
  f.out.clear();
  f.e->on_funding(0, rate("0.046"), f.out);  // pays 460: equity 40, MM 40: not below
  EXPECT_TRUE(f.out.d.empty());
  f.e->on_funding(0, rate("0.0000001"), f.out);  // pays 0.001: equity 39.999
  ASSERT_EQ(f.out.d.size(), 1u);
  EXPECT_EQ(f.out.d[0].kind, "liquidate");
  EXPECT_EQ(f.out.d[0].equity, money("39.999"));
  EXPECT_EQ(f.out.d[0].mm, money("40"));
}

TEST(Liquidation, WithdrawalCanTriggerIt) {
  EngineFixture f;
  SymbolConfig c = btc();
  c.tier_count = 1;
  c.tiers[0].mmr = rate("0.5");  // mmr above 1/leverage: equity >= IM no longer implies >= MM
  f.e->define_symbol(0, c, f.out);
  f.e->set_leverage(0, 0, 10, f.out);
  f.mark("10000");
  f.order(1, true, "0.1", "10000");
  f.fill(1, "0.1", "10000");  // notional 1000: IM 100, MM 500, equity 500 (not below MM)
  f.out.clear();
  f.e->withdraw(0, money("1"), f.out);
  ASSERT_EQ(f.out.d.size(), 2u);
  EXPECT_EQ(f.out.d[0].kind, "withdraw_ok");
  EXPECT_EQ(f.out.d[1].kind, "liquidate");
  EXPECT_EQ(f.out.d[1].equity, money("499"));
}

TEST(Liquidation, SymbolUpdateRevaluesHolders) {
  EngineFixture f;
  f.mark("50000");
  f.order(1, true, "0.2", "50000");
  f.fill(1, "0.2", "50000");
  f.out.clear();
  SymbolConfig c = btc();
  c.tiers[0].mmr = rate("0.06");  // MM 600 > equity 500
  f.e->define_symbol(0, c, f.out);
  ASSERT_EQ(f.out.d.size(), 1u);
  EXPECT_EQ(f.out.d[0].mm, money("600"));
}

// ---- local mark ------------------------------------------------------------------------------------

TEST(LocalMark, MedianOfThreeWithMissingInputs) {
  EXPECT_EQ(median3(3, 1, 2), 2);
  EXPECT_EQ(median_present(0, 0, 0), 0);
  EXPECT_EQ(median_present(5, 0, 0), 5);
  EXPECT_EQ(median_present(5, 0, 8), 6);  // two: mean, floored
  EXPECT_EQ(median_present(9, 1, 5), 5);
  LocalMarkState m;
  EXPECT_EQ(compute_local_mark(m), 0);
  m.external = 100;
  EXPECT_EQ(compute_local_mark(m), 100);
  m.index = 90;  // c1 = 90 (no basis sample yet), c3 = 100: mean 95
  EXPECT_EQ(compute_local_mark(m), 95);
  m.bid = 96;
  m.ask = 98;  // c2 = 97: median(90, 97, 100) = 97
  EXPECT_EQ(compute_local_mark(m), 97);
}

TEST(LocalMark, BasisEmaDecaysWithTime) {
  LocalMarkState m;
  m.index = 1000;
  m.bid = m.ask = m.last = 1010;
  sample_basis(m, /*ema_ms=*/1000, /*ts=*/0);  // the first sample weighs tau: EMA = 10
  EXPECT_EQ(m.ema_num, 10 * 1000 * kEmaWeightScale);
  EXPECT_EQ(m.ema_den, 1000 * kEmaWeightScale);
  m.bid = m.ask = m.last = 1030;  // basis 30, 500 ms later: half the old weight decays away,
  sample_basis(m, 1000, 500);     // (10 x 500 + 30 x 500) / (500 + 500) = 20
  EXPECT_EQ(m.ema_num, 20 * 1000 * kEmaWeightScale);
  EXPECT_EQ(m.ema_den, 1000 * kEmaWeightScale);
  // A gap longer than tau forgets the past completely.
  m.bid = m.ask = m.last = 1002;
  sample_basis(m, 1000, 5000);
  EXPECT_EQ(m.ema_num, 2 * 1000 * kEmaWeightScale);
  EXPECT_EQ(m.ema_den, 1000 * kEmaWeightScale);
  m.bid = m.ask = m.last = 1000;
  m.index = 990;  // basis 10, 1 ms later: weight 1 of 1000
  sample_basis(m, 1000, 5001);
  // num = 2 x 999,000 + 10 x 1,000 = 2,008,000; den = 999,000 + 1,000 = 1,000,000.
  EXPECT_EQ(m.ema_num, 2'008'000);
  EXPECT_EQ(m.ema_den, 1'000'000);
}

TEST(LocalMark, EngineEmitsMarkOnChangeAndRevalues) {
  EngineFixture f;
  SymbolConfig c = btc();
  c.local_mark = true;
  c.ema_ms = 1000;
  f.e->define_symbol(0, c, f.out);
  f.e->on_index(0, px("50000"), f.out);
  ASSERT_EQ(f.out.d.size(), 1u);
  EXPECT_EQ(f.out.d[0], (Decision{"mark", 0, Reason::kNone, 0, 0, 0, px("50000")}));
  f.e->on_index(0, px("50000"), f.out);  // unchanged: no output
  EXPECT_EQ(f.out.d.size(), 1u);
  f.e->on_mark(0, px("50100"), f.out);  // external: mean of 50000 and 50100
  EXPECT_EQ(f.out.last().value, px("50050"));
  EXPECT_EQ(f.order(1, true, "0.001", "50000"), acked(1));
}

}  // namespace
}  // namespace perpgate
