// Replays Binance's real BTCUSDT mark price of 10 October 2025 (the day about $19-20 billion of
// leveraged positions were liquidated) through `replay`, against a book of ~60 leveraged accounts on
// Binance's real BTCUSDT brackets, and holds every liquidation trigger to Binance's closed-form
// one-way liquidation price
//   LP = (WB + cum - side*Q*EP) / (Q*MMR - side*Q)
// with the bracket (MMR, cum) consistent with the notional at LP. For each account:
//   - the first `liquidate` comes right after the first mark of the path that crosses LP
//     (mark < LP for a long, mark > LP for a short), and never if no mark crosses it;
//   - across accounts, first triggers come in the order of those crossings;
//   - the printed equity and mm satisfy equity < mm, and equal the figures recomputed here.
//
// Data: ../shared/data/TheGlory/binance_usdm_BTCUSDT_markPriceKlines_5m/BTCUSDT-5m-2025-10-10.zip
// (5-minute mark-price klines); read with `unzip -p`. The test skips when the file is absent.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "perpgate/fixed_point.hpp"
#include "perpgate/margin.hpp"
#include "perpgate/state.hpp"
#include "replay/decimal.hpp"
#include "support/replay_support.hpp"

namespace perpgate {
namespace {

constexpr const char* kKlines =
    PERPGATE_SHARED_DIR "/data/TheGlory/binance_usdm_BTCUSDT_markPriceKlines_5m/BTCUSDT-5m-2025-10-10.zip";

constexpr i64 kSentinel = 1'000'000;  // account queried after every mark: marks the steps in the output

struct Bar {
  i64 open = 0, high = 0, low = 0, close = 0;  // px units
};

// Reads the klines CSV (open_time,open,high,low,close,...) out of the zip. Empty on failure.
std::vector<Bar> read_bars(const std::string& zip, std::string& why) {
  std::vector<Bar> bars;
  const std::string cmd = "unzip -p '" + zip + "' 2>/dev/null";
  std::FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) {
    why = "popen(unzip) failed";
    return bars;
  }
  std::string text;
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  const int rc = pclose(f);
  if (rc != 0) {
    why = "unzip -p exited with status " + std::to_string(rc) + " (is unzip installed?)";
    return {};
  }
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() < '0' || line.front() > '9') continue;  // header or blank
    std::string_view cols[5];
    std::size_t start = 0;
    for (int c = 0; c < 5; ++c) {
      const std::size_t comma = line.find(',', start);
      if (comma == std::string_view::npos) {
        why = "short CSV line: " + std::string(line);
        return {};
      }
      cols[c] = line.substr(start, comma - start);
      start = comma + 1;
    }
    Bar b;
    i64* dst[4] = {&b.open, &b.high, &b.low, &b.close};
    for (int c = 0; c < 4; ++c) {
      if (parse_decimal(cols[c + 1], kPxDecimals, kPxMax, false, *dst[c]) != DecimalStatus::kOk) {
        why = "bad price in CSV line: " + std::string(line);
        return {};
      }
    }
    bars.push_back(b);
  }
  if (bars.empty()) why = "no klines in " + zip;
  return bars;
}

// Per 5-minute bar: open, then high and low (low first if the bar closed up, high first if down),
// then close.
std::vector<i64> mark_path(const std::vector<Bar>& bars) {
  std::vector<i64> path;
  for (const Bar& b : bars) {
    path.push_back(b.open);
    if (b.close >= b.open) {
      path.push_back(b.low);
      path.push_back(b.high);
    } else {
      path.push_back(b.high);
      path.push_back(b.low);
    }
    path.push_back(b.close);
  }
  return path;
}

// Binance BTCUSDT brackets (floors, MMRs and cums as published; bracket max leverages 125/100/50/20/10).
constexpr int kTiers = 5;
constexpr i64 kFloor[kTiers] = {0, 50'000'000'000, 250'000'000'000, 3'000'000'000'000, 20'000'000'000'000};
constexpr i64 kMmr[kTiers] = {400'000, 500'000, 1'000'000, 2'500'000, 5'000'000};
constexpr i64 kCum[kTiers] = {0, 50'000'000, 1'300'000'000, 46'300'000'000, 546'300'000'000};
constexpr int kTierLev[kTiers] = {125, 100, 50, 20, 10};

SymbolConfig btcusdt() {
  SymbolConfig c;
  c.tick = 10'000'000;  // 0.1
  c.lot = 100'000;      // 0.001
  c.max_lev = 125;
  c.tier_count = kTiers;
  for (int t = 0; t < kTiers; ++t) c.tiers[t] = Tier{kFloor[t], kMmr[t], kCum[t], kTierLev[t]};
  return c;
}

std::string symbol_line() {
  std::string s = R"({"ev":"symbol","sym":"BTCUSDT","tick":"0.1","lot":"0.001","max_lev":125,"tiers":[)";
  for (int t = 0; t < kTiers; ++t) {
    if (t > 0) s += ',';
    s += "[\"" + format_decimal(kFloor[t], kMoneyDecimals) + "\",\"" + format_decimal(kMmr[t], kRateDecimals) +
         "\",\"" + format_decimal(kCum[t], kMoneyDecimals) + "\"," + std::to_string(kTierLev[t]) + "]";
  }
  return s + "]}\n";
}

struct Book {
  i64 id = 0;
  int side = 1;        // +1 long, -1 short
  i64 qty = 0;         // |Q|, qty units
  int lev = 0;         // requested leverage
  i64 wb = 0;          // wallet balance = collateral (no fees), money
  // LP = num / den in px units x 1e-8 (see liquidation_price); valid when has_lp.
  bool has_lp = false;
  i128 num = 0, den = 0;
  int tier = -1;
  long double lp = 0;  // for messages and the tie test
  int cross = -1;      // first path index crossing LP, -1: never
  bool tie = false;    // LP within 1e-6 relative of some mark: not checked
};

// Binance's one-way LP with the tier whose range holds the notional at LP. In raw units
// (Q in 1e-8, EP in 1e-8, money in 1e-6, rate in 1e-8), with N / D the LP in quote units:
//   long:  N = Q*EP - (WB + cum)*1e10,  D = Q*(1e8 - mmr)
//   short: N = Q*EP + (WB + cum)*1e10,  D = Q*(1e8 + mmr)
// (both are the formula above multiplied through by 1e16), and LP in px units = N * 1e8 / D.
void liquidation_price(Book& b, i64 ep) {
  for (int t = 0; t < kTiers; ++t) {
    const i128 base = i128{b.qty} * ep;
    const i128 wb_cum = (i128{b.wb} + kCum[t]) * kNotionalDiv;
    const i128 num = b.side > 0 ? base - wb_cum : base + wb_cum;
    const i128 den = i128{b.qty} * (b.side > 0 ? kRateScale - kMmr[t] : kRateScale + kMmr[t]);
    if (num <= 0) return;  // a long that can never be liquidated (LP <= 0)
    // Notional at LP, quote units: Q * LP.
    const long double notional = static_cast<long double>(b.qty) / kQtyScale *
                                 (static_cast<long double>(num) / static_cast<long double>(den));
    const long double lo = static_cast<long double>(kFloor[t]) / kMoneyScale;
    const long double hi = t + 1 < kTiers ? static_cast<long double>(kFloor[t + 1]) / kMoneyScale : 1e300L;
    if (notional >= lo && notional < hi) {
      b.has_lp = true;
      b.num = num * kPxScale;  // LP in px units = num / den
      b.den = den;
      b.tier = t;
      b.lp = static_cast<long double>(b.num) / static_cast<long double>(b.den);
      return;
    }
  }
  ADD_FAILURE() << "no tier consistent with the LP of account " << b.id;
}

bool crosses(const Book& b, i64 mark) {
  const i128 lhs = i128{mark} * b.den;  // mark vs num / den, exactly
  return b.side > 0 ? lhs < b.num : lhs > b.num;
}

struct Liq {
  i64 acct = 0;
  int step = -1;  // path index after which it was printed; -1: during setup
  i64 equity = 0, mm = 0;
  std::size_t order = 0;  // position among all liquidate lines
};

// The suite is lower case so that `ctest -R crash` (case-sensitive) selects it.
TEST(crash, Binance10Oct2025MarkPathMatchesClosedFormLiquidationPrices) {
  if (!std::filesystem::exists(kKlines))
    GTEST_SKIP() << "real mark-price data not found: " << kKlines
                 << " (the shared data folder beside the repo; see data/PROVENANCE.md)";
  std::string why;
  const std::vector<Bar> bars = read_bars(kKlines, why);
  ASSERT_FALSE(bars.empty()) << why;
  EXPECT_EQ(bars.size(), 288u);  // one day of 5-minute bars
  const std::vector<i64> path = mark_path(bars);
  const i64 first = path.front();
  const SymbolConfig cfg = btcusdt();
  ASSERT_EQ(symbol_config_error(cfg), nullptr);

  // ---- the book: 60 accounts, 3 longs for each short, 5x to 100x, 0.001 to 180 BTC ------------
  constexpr int kAccounts = 60;
  constexpr int kLongLev[] = {5, 8, 10, 12, 15, 20, 25, 33, 40, 50, 75, 100};
  constexpr int kShortLev[] = {100, 90, 75, 50, 20, 10, 5};
  constexpr i64 kQty[] = {100'000,       1'000'000,     5'000'000,     25'000'000,     60'000'000,
                          150'000'000,   250'000'000,   800'000'000,   3'000'000'000,  18'000'000'000};
  constexpr int kExtraPct[] = {0, 0, 3, 10, 30, 0, 60};  // collateral above the IM, % of IM
  std::vector<Book> book;
  for (int i = 0; i < kAccounts; ++i) {
    Book b;
    b.id = i + 1;
    b.side = i % 4 == 3 ? -1 : 1;
    b.lev = b.side > 0 ? kLongLev[i % 12] : kShortLev[(i / 4) % 7];
    b.qty = kQty[(i * 7) % 10];
    // Collateral: the IM at the first mark (capped by the bracket's max leverage, as the engine
    // does), in whole cents, plus a buffer.
    const i128 im = initial_margin(cfg, b.lev, b.qty, first);
    const i128 cents = (im + 9'999) / 10'000 * 10'000;
    b.wb = static_cast<i64>(cents + cents * kExtraPct[(i * 5) % 7] / 100 / 10'000 * 10'000);
    liquidation_price(b, first);
    book.push_back(b);
  }

  // Crossings and ties.
  int checked = 0, crossed = 0;
  for (Book& b : book) {
    if (!b.has_lp) continue;
    for (std::size_t j = 0; j < path.size(); ++j) {
      const long double rel = static_cast<long double>(path[j]) / b.lp - 1.0L;
      if (rel <= 1e-6L && rel >= -1e-6L) b.tie = true;
      if (b.cross < 0 && crosses(b, path[j])) b.cross = static_cast<int>(j);
    }
  }
  for (const Book& b : book) {
    if (b.tie) continue;
    ++checked;
    if (b.cross >= 0) ++crossed;
  }
  ASSERT_GE(checked, 40) << "too many accounts have an LP within 1e-6 of a mark";
  // The path must exercise both outcomes.
  EXPECT_GE(crossed, 10);
  EXPECT_GE(checked - crossed, 5);

  // ---- the scenario --------------------------------------------------------------------------
  const std::string first_px = format_decimal(first, kPxDecimals);
  // Orders must sit on the 0.1 tick; the fill (the drop copy) is at the first mark exactly.
  const std::string order_px = format_decimal((first + cfg.tick / 2) / cfg.tick * cfg.tick, kPxDecimals);
  std::string s = symbol_line();
  s += R"({"ev":"account","acct":)" + std::to_string(kSentinel) + R"(,"collateral":"0"})" "\n";
  s += R"({"ev":"mark","sym":"BTCUSDT","px":")" + first_px + "\"}\n";
  for (const Book& b : book) {
    const std::string id = std::to_string(b.id);
    const std::string q = format_decimal(b.qty, kQtyDecimals);
    s += R"({"ev":"account","acct":)" + id + R"(,"collateral":"0","lev":{"BTCUSDT":)" + std::to_string(b.lev) + "}}\n";
    s += R"({"ev":"deposit","acct":)" + id + R"(,"amount":")" + format_decimal(b.wb, kMoneyDecimals) + "\"}\n";
    s += R"({"ev":"order","acct":)" + id + R"(,"id":)" + id + R"(,"sym":"BTCUSDT","side":")" +
         (b.side > 0 ? "buy" : "sell") + R"(","qty":")" + q + R"(","px":")" + order_px + "\"}\n";
    s += R"({"ev":"fill","id":)" + id + R"(,"qty":")" + q + R"(","px":")" + first_px + "\"}\n";
  }
  const std::string marker = R"({"ev":"query","acct":)" + std::to_string(kSentinel) + "}\n";
  s += marker;
  for (const i64 m : path) {
    s += R"({"ev":"mark","sym":"BTCUSDT","px":")" + format_decimal(m, kPxDecimals) + "\"}\n";
    s += marker;
  }

  const test::ReplayResult r = test::replay_text(s);
  ASSERT_EQ(r.exit_status, 0) << r.output.substr(0, 4000);
  EXPECT_EQ(r.stats.acks, static_cast<std::uint64_t>(kAccounts));

  // ---- the decisions -------------------------------------------------------------------------
  simdjson::dom::parser parser;
  std::vector<Liq> liqs;
  int markers = 0;
  std::size_t pos = 0;
  const std::string& out = r.output;
  while (pos < out.size()) {
    std::size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    const simdjson::padded_string line(out.data() + pos, end - pos);
    pos = end + 1;
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << std::string_view(line);
    std::string_view ev;
    ASSERT_EQ(e["ev"].get(ev), simdjson::SUCCESS);
    if (ev == "ack") continue;
    if (ev == "account") {
      ++markers;
      continue;
    }
    ASSERT_EQ(ev, "liquidate") << "unexpected decision: " << std::string_view(line);
    Liq l;
    std::string_view eq, mm;
    ASSERT_EQ(e["acct"].get(l.acct), simdjson::SUCCESS);
    ASSERT_EQ(e["equity"].get(eq), simdjson::SUCCESS);
    ASSERT_EQ(e["mm"].get(mm), simdjson::SUCCESS);
    ASSERT_EQ(parse_decimal(eq, kMoneyDecimals, kMoneyMax, true, l.equity), DecimalStatus::kOk);
    ASSERT_EQ(parse_decimal(mm, kMoneyDecimals, kMoneyMax, false, l.mm), DecimalStatus::kOk);
    l.step = markers - 1;
    l.order = liqs.size();
    liqs.push_back(l);
  }
  ASSERT_EQ(markers, static_cast<int>(path.size()) + 1);

  // Every liquidate line: equity < mm, and both equal the figures of the position at that mark.
  for (const Liq& l : liqs) {
    EXPECT_LT(l.equity, l.mm) << "account " << l.acct << " at step " << l.step;
    ASSERT_GE(l.step, 0) << "account " << l.acct << " liquidated during setup";
    ASSERT_GE(l.acct, 1);
    ASSERT_LE(l.acct, kAccounts);
    const Book& b = book[static_cast<std::size_t>(l.acct - 1)];
    const i64 m = path[static_cast<std::size_t>(l.step)];
    const i128 upnl = i128{b.side} * b.qty * (i128{m} - first);
    EXPECT_EQ(l.equity, static_cast<i64>(b.wb + floor_div(upnl, kNotionalDiv))) << "account " << l.acct;
    EXPECT_EQ(l.mm, static_cast<i64>(maintenance_margin(cfg, b.qty, m))) << "account " << l.acct;
  }

  // First trigger of each account.
  std::vector<const Liq*> first_liq(kAccounts, nullptr);
  for (const Liq& l : liqs) {
    auto& f = first_liq[static_cast<std::size_t>(l.acct - 1)];
    if (f == nullptr) f = &l;
  }
  std::vector<const Book*> expected_order;
  for (const Book& b : book) {
    const Liq* f = first_liq[static_cast<std::size_t>(b.id - 1)];
    if (b.tie) continue;
    if (b.cross < 0) {
      EXPECT_EQ(f, nullptr) << "account " << b.id << " (LP " << static_cast<double>(b.lp / kPxScale)
                            << ", never crossed) liquidated at step " << (f ? f->step : -1);
      continue;
    }
    expected_order.push_back(&b);
    if (f == nullptr) {
      ADD_FAILURE() << "account " << b.id << " (side " << b.side << ", LP " << static_cast<double>(b.lp / kPxScale)
                    << ") crossed at step " << b.cross << " (mark " << format_decimal(path[static_cast<std::size_t>(b.cross)], kPxDecimals)
                    << ") but never liquidated";
      continue;
    }
    EXPECT_EQ(f->step, b.cross) << "account " << b.id << " side " << b.side << " tier " << b.tier << " LP "
                                << static_cast<double>(b.lp / kPxScale) << ": first trigger after mark "
                                << format_decimal(path[static_cast<std::size_t>(f->step)], kPxDecimals)
                                << ", expected after "
                                << format_decimal(path[static_cast<std::size_t>(b.cross)], kPxDecimals);
  }

  // Across accounts: first triggers in the order of crossings (same mark: ascending account, the
  // engine's revaluation order).
  std::stable_sort(expected_order.begin(), expected_order.end(),
                   [](const Book* a, const Book* b) { return a->cross < b->cross; });
  std::vector<i64> want, got;
  for (const Book* b : expected_order) want.push_back(b->id);
  std::vector<const Liq*> firsts;
  for (const Liq* f : first_liq)
    if (f != nullptr && !book[static_cast<std::size_t>(f->acct - 1)].tie) firsts.push_back(f);
  std::sort(firsts.begin(), firsts.end(), [](const Liq* a, const Liq* b) { return a->order < b->order; });
  for (const Liq* f : firsts) got.push_back(f->acct);
  EXPECT_EQ(got, want);

  std::printf("[ crash    ] %zu marks, %d accounts, %d checked (%d crossed, %d never), %zu liquidate lines\n",
              path.size(), kAccounts, checked, crossed, checked - crossed, liqs.size());
}

}  // namespace
}  // namespace perpgate
