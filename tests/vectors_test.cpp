// The worked examples published by venues (../shared/vectors/published.md), one TEST per row,
// each reproduced through perpgate's engine: mostly by replaying small scenarios through `replay`
// (the contract users see), and through the margin functions of margin.hpp where the row is about
// a formula of the tier table rather than about an event sequence.
//
// Where a venue's convention or rounding differs from perpgate's semantics (BRIEF.md), the test
// says so next to the figure perpgate must give instead. Test names follow the row ids; the suite
// is lower case so that `ctest -R vectors` (case-sensitive) selects it.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "perpgate/fixed_point.hpp"
#include "perpgate/margin.hpp"
#include "perpgate/state.hpp"
#include "replay/decimal.hpp"
#include "support/replay_support.hpp"

namespace perpgate {
namespace {

using test::replay_text;

// Binance's BTCUSDT leverage brackets as given in published.md (floors and MMRs), with the cums of
// the recurrence (see BinanceBracketsCum) and the bracket max leverages 125/100/50/20/10.
constexpr std::string_view kBtcusdtSymbol =
    R"({"ev":"symbol","sym":"BTCUSDT","tick":"0.1","lot":"0.001","max_lev":125,"tiers":[)"
    R"(["0","0.004","0",125],["50000","0.005","50",100],["250000","0.01","1300",50],)"
    R"(["3000000","0.025","46300",20],["20000000","0.05","546300",10]]})";

// Replays `scenario`, requiring every line to be understood.
std::string run(const std::string& scenario) {
  const test::ReplayResult r = replay_text(scenario);
  EXPECT_EQ(r.exit_status, 0) << "scenario:\n" << scenario << "output:\n" << r.output;
  return r.output;
}

int count(std::string_view out, std::string_view needle) {
  int n = 0;
  for (std::size_t pos = out.find(needle); pos != std::string_view::npos;
       pos = out.find(needle, pos + needle.size()))
    ++n;
  return n;
}

int liquidations(std::string_view out) { return count(out, R"("ev":"liquidate")"); }

std::string mark_line(std::string_view sym, std::string_view px) {
  return std::string(R"({"ev":"mark","sym":")") + std::string(sym) + R"(","px":")" + std::string(px) +
         "\"}\n";
}

// Does a mark at `px`, applied after `setup` (which leaves the account healthy), fire the trigger?
bool liquidates_at(const std::string& setup, std::string_view sym, std::string_view px) {
  const std::string before = run(setup);
  EXPECT_EQ(liquidations(before), 0) << "setup already liquidates:\n" << before;
  const std::string out = run(setup + mark_line(sym, px));
  return liquidations(out) > liquidations(before);
}

// The `account` line of a query, parsed for one money field ("collateral", "equity", "im", "mm").
i64 money_field(std::string_view out, std::string_view acct_prefix, std::string_view field) {
  const std::size_t line = out.rfind(acct_prefix);
  if (line == std::string_view::npos) {
    ADD_FAILURE() << "no " << acct_prefix << " in:\n" << out;
    return 0;
  }
  const std::string key = "\"" + std::string(field) + "\":\"";
  const std::size_t at = out.find(key, line);
  const std::size_t end = out.find('"', at + key.size());
  i64 v = 0;
  EXPECT_EQ(parse_decimal(out.substr(at + key.size(), end - at - key.size()), kMoneyDecimals, kMoneyMax,
                          true, v),
            DecimalStatus::kOk);
  return v;
}

constexpr i64 px(i64 whole) { return whole * kPxScale; }
constexpr i64 qty_units(i64 whole) { return whole * kQtyScale; }
constexpr i64 money(i64 whole) { return whole * kMoneyScale; }

// ---- binance-faq-lp ----------------------------------------------------------------------------
// Binance FAQ: one-way cross, WB 500 USDT, long 0.02 BTC at 50,000, MMR 0.4 %, cum 0:
//   LP = (WB + cum - side*Q*EP) / (Q*MMR - side*Q) = (500 - 1000) / (0.00008 - 0.02)
//      = 500 / 0.01992 = 25,100.4016...  published as 25,100.40 (Binance shows 2 decimals).
// perpgate fires on equity < MM at the mark, i.e. at any mark strictly below 25,100.4016...
TEST(vectors, BinanceFaqLp) {
  // The closed form, exactly in cents: 500 / (0.02 x 0.996) x 100 = 5e9 / 1992.
  EXPECT_EQ(i64{5'000'000'000} / 1992, 2'510'040);  // 25,100.40 (remainder: .16 cent)

  const std::string setup = std::string(kBtcusdtSymbol) + "\n" +
                            R"({"ev":"account","acct":1,"collateral":"500","lev":{"BTCUSDT":20}})" "\n" +
                            mark_line("BTCUSDT", "50000") +
                            R"({"ev":"order","acct":1,"id":1,"sym":"BTCUSDT","side":"buy","qty":"0.02","px":"50000"})" "\n"
                            R"({"ev":"fill","id":1,"qty":"0.02","px":"50000"})" "\n";
  EXPECT_NE(run(setup).find(R"({"ev":"ack","id":1})"), std::string::npos);

  EXPECT_TRUE(liquidates_at(setup, "BTCUSDT", "25100.3"));
  EXPECT_FALSE(liquidates_at(setup, "BTCUSDT", "25100.5"));
  // Tighter: the displayed 25,100.40 lies below the exact LP (25,100.4016), so it fires too; one
  // cent above does not.
  EXPECT_TRUE(liquidates_at(setup, "BTCUSDT", "25100.40"));
  EXPECT_FALSE(liquidates_at(setup, "BTCUSDT", "25100.41"));

  // The figures of the trigger at 25,100.3: equity 500 + 0.02 x (25100.3 - 50000) = 2.006,
  // MM = ceil(0.02 x 25100.3 x 0.004) = 2.008024.
  const std::string out = run(setup + mark_line("BTCUSDT", "25100.3"));
  EXPECT_NE(out.find(R"({"ev":"liquidate","acct":1,"equity":"2.006000","mm":"2.008024"})"),
            std::string::npos)
      << out;
}

// ---- binance-brackets-cum ----------------------------------------------------------------------
// cum(n) = cum(n-1) + floor(n) x (mmr(n) - mmr(n-1)), computed exactly in fixed point, gives the
// published 0 / 50 / 1,300 / 46,300 / 546,300; with those cums the engine's maintenance margin is
// continuous at every floor (the point of the cum).
TEST(vectors, BinanceBracketsCum) {
  constexpr int kN = 5;
  const i64 floors[kN] = {0, money(50'000), money(250'000), money(3'000'000), money(20'000'000)};
  const i64 mmrs[kN] = {400'000, 500'000, 1'000'000, 2'500'000, 5'000'000};  // 0.4 % .. 5 % at 1e-8
  const i64 published[kN] = {0, money(50), money(1'300), money(46'300), money(546'300)};
  const int max_levs[kN] = {125, 100, 50, 20, 10};

  i64 cum[kN] = {0};
  for (int n = 1; n < kN; ++n) {
    const i128 step = i128{floors[n]} * (mmrs[n] - mmrs[n - 1]);
    ASSERT_EQ(step % kRateScale, 0) << "cum of tier " << n << " is not a whole micro-unit";
    cum[n] = cum[n - 1] + static_cast<i64>(step / kRateScale);
  }
  for (int n = 0; n < kN; ++n) EXPECT_EQ(cum[n], published[n]) << "tier " << n;

  SymbolConfig cfg;
  cfg.tick = 10'000'000;  // 0.1
  cfg.lot = 100'000;      // 0.001
  cfg.max_lev = 125;
  cfg.tier_count = kN;
  for (int n = 0; n < kN; ++n) cfg.tiers[n] = Tier{floors[n], mmrs[n], cum[n], max_levs[n]};
  ASSERT_EQ(symbol_config_error(cfg), nullptr);

  // At mark 100,000 each floor is an exact position size: 0.5 / 2.5 / 30 / 200 BTC.
  const i64 mark = px(100'000);
  for (int n = 1; n < kN; ++n) {
    const i64 q = static_cast<i64>(i128{floors[n]} * kNotionalDiv / mark);
    ASSERT_EQ(i128{q} * mark, i128{floors[n]} * kNotionalDiv);
    ASSERT_EQ(tier_index(cfg, i128{q} * mark), n);

    // At the floor the engine uses tier n; the same table cut before tier n prices the same
    // notional with tier n-1. Continuity: both give the same margin, to the micro-unit.
    SymbolConfig below = cfg;
    below.tier_count = n;
    const i128 mm_upper = maintenance_margin(cfg, q, mark);
    const i128 mm_lower = maintenance_margin(below, q, mark);
    EXPECT_EQ(mm_upper, mm_lower) << "discontinuity at floor " << n;
    EXPECT_EQ(mm_upper, i128{floors[n]} * mmrs[n - 1] / kRateScale - cum[n - 1]);

    // One quantity unit (1e-8 BTC, 0.001 USDT of notional) below the floor, in tier n-1: the
    // margin moves by at most that notional step times the MMR, plus one micro-unit of rounding.
    const i128 mm_just_below = maintenance_margin(cfg, q - 1, mark);
    ASSERT_EQ(tier_index(cfg, i128{q - 1} * mark), n - 1);
    // (step x mmr rounded up, plus one micro-unit for the ceil of each of the two margins)
    EXPECT_LE(mm_upper - mm_just_below, ceil_div(i128{mark} * mmrs[n - 1], kNotionalDiv * kRateScale) + 1);
    EXPECT_GE(mm_upper - mm_just_below, 0);
  }
}

// ---- hl-tier-deduction -------------------------------------------------------------------------
// Hyperliquid BTC: 40x up to 150M notional, then 20x; mmr = 1 / (2 x max leverage). The deduction
// of the upper tier is 150M x (2.5 % - 1.25 %) = 1,875,000; a 200M notional needs
// 200M x 2.5 % - 1.875M = 3,125,000.
TEST(vectors, HlTierDeduction) {
  const i64 mmr40 = kRateScale / (2 * 40);  // 0.0125, exact
  const i64 mmr20 = kRateScale / (2 * 20);  // 0.025, exact
  ASSERT_EQ(mmr40 * 2 * 40, kRateScale);
  ASSERT_EQ(mmr20 * 2 * 20, kRateScale);
  const i64 deduction = static_cast<i64>(i128{money(150'000'000)} * (mmr20 - mmr40) / kRateScale);
  EXPECT_EQ(deduction, money(1'875'000));

  SymbolConfig cfg;
  cfg.tick = 100'000'000;
  cfg.lot = 100'000;
  cfg.max_lev = 40;
  cfg.tier_count = 2;
  cfg.tiers[0] = Tier{0, mmr40, 0, 40};
  cfg.tiers[1] = Tier{money(150'000'000), mmr20, money(1'875'000), 20};
  ASSERT_EQ(symbol_config_error(cfg), nullptr);
  // 2,000 BTC at 100,000 = 200,000,000 of notional.
  EXPECT_EQ(maintenance_margin(cfg, qty_units(2'000), px(100'000)), money(3'125'000));
  // And the notional's margin at the 40x tier alone would be 2.5M: the tier matters.
  SymbolConfig one_tier = cfg;
  one_tier.tier_count = 1;
  EXPECT_EQ(maintenance_margin(one_tier, qty_units(2'000), px(100'000)), money(2'500'000));

  // The same through replay: an account holding that position reports mm 3,125,000.
  const std::string out = run(
      R"({"ev":"symbol","sym":"BTC","tick":"1","lot":"0.001","max_lev":40,"tiers":[["0","0.0125","0",40],["150000000","0.025","1875000",20]]})" "\n"
      R"({"ev":"account","acct":7,"collateral":"20000000"})" "\n"
      R"({"ev":"mark","sym":"BTC","px":"100000"})" "\n"
      R"({"ev":"order","acct":7,"id":1,"sym":"BTC","side":"buy","qty":"2000","px":"100000"})" "\n"
      R"({"ev":"fill","id":1,"qty":"2000","px":"100000"})" "\n"
      R"({"ev":"query","acct":7})" "\n");
  EXPECT_NE(out.find(R"({"ev":"ack","id":1})"), std::string::npos) << out;
  EXPECT_EQ(money_field(out, R"({"ev":"account","acct":7)", "mm"), money(3'125'000));
  // IM at the 20x cap of the upper tier: 10,000,000.
  EXPECT_EQ(money_field(out, R"({"ev":"account","acct":7)", "im"), money(10'000'000));
}

// ---- hl-mm-rule --------------------------------------------------------------------------------
// Hyperliquid: maintenance margin = half the initial margin at max leverage, so mmr = 1/(2 x lev):
// 1.25 % at 40x, 16.7 % at 3x (the published figure is 1/6 rounded to one decimal of a percent).
TEST(vectors, HlMmRule) {
  // 40x: 1/80 = 0.0125 is exact at the 1e-8 rate scale.
  EXPECT_EQ(kRateScale % 80, 0);
  const i64 mmr40 = kRateScale / 80;
  EXPECT_EQ(mmr40, 1'250'000);  // 1.25 %

  // 3x: 1/6 = 0.1666... is NOT representable at 1e-8. perpgate takes the mmr as configured; a
  // requirement rounds up, so the table must say ceil(1e8 / 6) = 16,666,667 (0.16666667, 16.7 %
  // to one decimal). Rounding down (0.16666666) would ask for less than half the IM.
  EXPECT_NE(kRateScale % 6, 0);
  const i64 mmr3 = (kRateScale + 5) / 6;
  EXPECT_EQ(mmr3, 16'666'667);
  EXPECT_EQ((mmr3 * 1000 + kRateScale / 2) / kRateScale, 167);  // 16.7 % as published (per mille)
  // A rate with more than 8 decimals is refused by the parser rather than silently rounded.
  i64 tmp = 0;
  EXPECT_EQ(parse_decimal("0.1666666666", kRateDecimals, kRateMax, false, tmp), DecimalStatus::kTooPrecise);

  auto single_tier = [](i64 mmr, int lev) {
    SymbolConfig c;
    c.tick = 1;
    c.lot = 1;
    c.max_lev = lev;
    c.tier_count = 1;
    c.tiers[0] = Tier{0, mmr, 0, lev};
    return c;
  };

  // 40x, 1,000,000 of notional (10 BTC at 100,000): IM 25,000, MM 12,500 = IM / 2 exactly.
  const SymbolConfig c40 = single_tier(mmr40, 40);
  const i128 im40 = initial_margin(c40, 40, qty_units(10), px(100'000));
  const i128 mm40 = maintenance_margin(c40, qty_units(10), px(100'000));
  EXPECT_EQ(im40, money(25'000));
  EXPECT_EQ(mm40, money(12'500));
  EXPECT_EQ(2 * mm40, im40);

  // 3x, 300,000 of notional (3 BTC at 100,000). The IM rate is 1/3 rounded up to 1e-8, 0.33333334
  // (margin.hpp), so IM = 100,000.002; MM = 300,000 x 0.16666667 = 50,000.001, 0.001 USDT above
  // the exact 50,000: the rule "MM = half the IM" holds exactly on the engine's figures.
  EXPECT_EQ(initial_margin_rate(3), 33'333'334);
  const SymbolConfig c3 = single_tier(mmr3, 3);
  const i128 im3 = initial_margin(c3, 3, qty_units(3), px(100'000));
  const i128 mm3 = maintenance_margin(c3, qty_units(3), px(100'000));
  EXPECT_EQ(im3, money(100'000) + 2'000);
  EXPECT_EQ(mm3, money(50'000) + 1'000);
  EXPECT_EQ(2 * mm3, im3);
}

// ---- hl-funding --------------------------------------------------------------------------------
// Hyperliquid: funding rate (8 h) = premium + clamp(interest - premium, -0.05 %, +0.05 %), paid hourly
// at 1/8. premium 1 %, interest 0.01 %: 1 % + clamp(-0.99 %) = 1 % - 0.05 % = 0.95 %; hourly
// 0.11875 %. perpgate does not compute funding rates (the row's "if perpgate computes funding
// rates"): the venue's rate arrives in a `funding` event, and perpgate applies it:
// collateral -= size x mark x rate, a payment rounded UP to the micro-unit (a debit is a
// requirement), a receipt rounded DOWN (a credit). So the test derives the rate itself and checks
// that a 1 BTC long at mark 100,000 is charged exactly ceil(1 x 100,000 x 0.0011875) = 118.75
// (exact here: ceil changes nothing) each hour; the short on the other side receives the same.
TEST(vectors, HlFunding) {
  const i64 premium = 1'000'000;  // 1 % at 1e-8
  const i64 interest = 10'000;    // 0.01 %
  const i64 clamp = 50'000;       // 0.05 %
  i64 adj = interest - premium;
  adj = adj > clamp ? clamp : adj < -clamp ? -clamp : adj;
  const i64 rate8h = premium + adj;
  EXPECT_EQ(rate8h, 950'000);  // 0.95 %
  ASSERT_EQ(rate8h % 8, 0);
  const i64 hourly = rate8h / 8;
  EXPECT_EQ(hourly, 118'750);  // 0.0011875, exact at 1e-8
  EXPECT_EQ(format_decimal(hourly, kRateDecimals), "0.00118750");

  // ceil(qty x mark x rate) in micro-units, computed here independently of the engine.
  auto ceil_charge = [](i64 q, i64 mark, i64 rate) {
    const i128 num = i128{q} * mark * rate;  // 1e-8 * 1e-8 * 1e-8 units
    const i128 den = i128{kNotionalDiv} * kRateScale;
    return static_cast<i64>((num + den - 1) / den);
  };
  ASSERT_EQ(ceil_charge(qty_units(1), px(100'000), hourly), 118'750'000);  // 118.75

  std::string s =
      R"({"ev":"symbol","sym":"BTC","tick":"1","lot":"0.00001","max_lev":40,"tiers":[["0","0.0125","0",40]]})" "\n"
      R"({"ev":"account","acct":1,"collateral":"10000"})" "\n"
      R"({"ev":"account","acct":2,"collateral":"10000"})" "\n"
      R"({"ev":"mark","sym":"BTC","px":"100000"})" "\n"
      R"({"ev":"order","acct":1,"id":1,"sym":"BTC","side":"buy","qty":"1","px":"100000"})" "\n"
      R"({"ev":"fill","id":1,"qty":"1","px":"100000"})" "\n"
      R"({"ev":"order","acct":2,"id":2,"sym":"BTC","side":"sell","qty":"1","px":"100000"})" "\n"
      R"({"ev":"fill","id":2,"qty":"1","px":"100000"})" "\n";
  for (int h = 0; h < 8; ++h) s += R"({"ev":"funding","sym":"BTC","rate":"0.0011875"})" "\n";
  s += R"({"ev":"query","acct":1})" "\n" R"({"ev":"query","acct":2})" "\n";
  const std::string out = run(s);
  EXPECT_EQ(money_field(out, R"({"ev":"account","acct":1)", "collateral"), money(10'000) - 8 * 118'750'000);
  EXPECT_EQ(money_field(out, R"({"ev":"account","acct":2)", "collateral"), money(10'000) + 8 * 118'750'000);
  EXPECT_EQ(money(10'000) - 8 * 118'750'000, money(9'050));  // 0.95 % of 100,000 over 8 hours

  // Where the product is not a whole micro-unit the rounding shows: 0.12345 BTC at
  // 100,000.12345678 x 0.0011875 = 14.660057...: the long pays ceil, the short receives floor.
  const i64 q = 12'345'000;
  const i64 mark = 10'000'012'345'678;
  const i64 payment = ceil_charge(q, mark, hourly);
  const i128 exact_num = i128{q} * mark * hourly;
  ASSERT_NE(exact_num % (i128{kNotionalDiv} * kRateScale), 0);
  const std::string out2 = run(
      R"({"ev":"symbol","sym":"BTC","tick":"1","lot":"0.00001","max_lev":40,"tiers":[["0","0.0125","0",40]]})" "\n"
      R"({"ev":"account","acct":1,"collateral":"10000"})" "\n"
      R"({"ev":"account","acct":2,"collateral":"10000"})" "\n"
      R"({"ev":"mark","sym":"BTC","px":"100000"})" "\n"
      R"({"ev":"order","acct":1,"id":1,"sym":"BTC","side":"buy","qty":"0.12345","px":"100000"})" "\n"
      R"({"ev":"fill","id":1,"qty":"0.12345","px":"100000"})" "\n"
      R"({"ev":"order","acct":2,"id":2,"sym":"BTC","side":"sell","qty":"0.12345","px":"100000"})" "\n"
      R"({"ev":"fill","id":2,"qty":"0.12345","px":"100000"})" "\n"
      R"({"ev":"mark","sym":"BTC","px":"100000.12345678"})" "\n"
      R"({"ev":"funding","sym":"BTC","rate":"0.0011875"})" "\n"
      R"({"ev":"query","acct":1})" "\n" R"({"ev":"query","acct":2})" "\n");
  EXPECT_EQ(money_field(out2, R"({"ev":"account","acct":1)", "collateral"), money(10'000) - payment);
  EXPECT_EQ(money_field(out2, R"({"ev":"account","acct":2)", "collateral"), money(10'000) + payment - 1);
}

// ---- bybit-isolated ----------------------------------------------------------------------------
// Bybit: long 1 BTC at 20,000, 50x (IM 400), MMR 0.5 %: LP = entry - (IM - MM) = 20,000 - (400 - 100)
// = 19,700, with MM taken at the ENTRY price (0.5 % x 20,000 = 100). perpgate takes MM at the
// MARK: with collateral 400 the trigger is 400 + (P - 20,000) < 0.005 x P, i.e.
// P < 19,600 / 0.995 = 19,698.4924...; so 19,698.49 fires and 19,698.50 does not. At Bybit's
// 19,700 perpgate's MM is only 98.50 against equity 100: no trigger there (1.51 lower in price).
TEST(vectors, BybitIsolated) {
  EXPECT_EQ(i64{1'960'000'000'000} / 99'500, 19'698'492);  // LP in milli-units: 19,698.492...

  const std::string setup =
      R"({"ev":"symbol","sym":"BTCUSDT","tick":"0.01","lot":"0.001","max_lev":50,"tiers":[["0","0.005","0",50]]})" "\n"
      R"({"ev":"account","acct":1,"collateral":"400","lev":{"BTCUSDT":50}})" "\n" +
      mark_line("BTCUSDT", "20000") +
      R"({"ev":"order","acct":1,"id":1,"sym":"BTCUSDT","side":"buy","qty":"1","px":"20000"})" "\n"
      R"({"ev":"fill","id":1,"qty":"1","px":"20000"})" "\n";
  // 400 is exactly the IM at 50x: accepted (equity - IM >= 0).
  EXPECT_NE(run(setup).find(R"({"ev":"ack","id":1})"), std::string::npos);

  EXPECT_TRUE(liquidates_at(setup, "BTCUSDT", "19698.49"));
  EXPECT_FALSE(liquidates_at(setup, "BTCUSDT", "19698.50"));
  EXPECT_FALSE(liquidates_at(setup, "BTCUSDT", "19700"));  // Bybit's figure: still healthy here

  const std::string out = run(setup + mark_line("BTCUSDT", "19698.49"));
  // equity 400 - 301.51 = 98.49; MM ceil(19,698.49 x 0.005) = 98.492450.
  EXPECT_NE(out.find(R"({"ev":"liquidate","acct":1,"equity":"98.490000","mm":"98.492450"})"),
            std::string::npos)
      << out;
}

// ---- cme-protection ----------------------------------------------------------------------------
// CME Globex market order protection: best offer 90,025 + 600 protection points = limit 90,625.
// CME's protection is an absolute number of points; perpgate's band is a rate of the mark,
// |px - mark| / mark <= band, checked exactly as |px - mark| x 1e8 <= band x mark. 600 / 90,025 =
// 0.006664815... is not representable at 1e-8, so the band is rounded UP to 0.00666482 (it widens
// the band by less than 1e-8 x 90,025 = 0.0009 points): 90,625 passes, 90,626 is refused. Rounded
// down (0.00666481) the band would refuse CME's own limit of 90,625.
TEST(vectors, CmeProtection) {
  const i64 band_up = (600 * kRateScale + 90'025 - 1) / 90'025;
  EXPECT_EQ(band_up, 666'482);
  EXPECT_NE(600 * kRateScale % 90'025, 0);
  const std::string band = format_decimal(band_up, kRateDecimals);
  EXPECT_EQ(band, "0.00666482");

  auto scenario = [](const std::string& b, const char* order_px, const char* side) {
    return std::string(R"({"ev":"symbol","sym":"BTC","tick":"1","lot":"1","max_lev":10,"tiers":[["0","0.01","0"]],"band":")") +
           b + "\"}\n" +
           R"({"ev":"account","acct":1,"collateral":"1000000"})" "\n" + mark_line("BTC", "90025") +
           R"({"ev":"order","acct":1,"id":1,"sym":"BTC","side":")" + side + R"(","qty":"1","px":")" +
           order_px + "\"}\n";
  };
  const std::string ack = R"({"ev":"ack","id":1})";
  const std::string band_reject = R"({"ev":"reject","id":1,"reason":"PRICE_BAND"})";
  EXPECT_NE(run(scenario(band, "90625", "buy")).find(ack), std::string::npos);
  EXPECT_NE(run(scenario(band, "90626", "buy")).find(band_reject), std::string::npos);
  // The band is symmetric around the mark: 90,025 - 600 = 89,425 passes, 89,424 does not.
  EXPECT_NE(run(scenario(band, "89425", "sell")).find(ack), std::string::npos);
  EXPECT_NE(run(scenario(band, "89424", "sell")).find(band_reject), std::string::npos);
  // The rounding direction matters: a band rounded down refuses CME's limit itself.
  const std::string band_down = format_decimal(600 * kRateScale / 90'025, kRateDecimals);
  EXPECT_EQ(band_down, "0.00666481");
  EXPECT_NE(run(scenario(band_down, "90625", "buy")).find(band_reject), std::string::npos);
}

}  // namespace
}  // namespace perpgate
