// `replay --backend rtl` against `--backend sw`: the Verilated gateway (frames on its three ports,
// commands through the AXI-Lite mailbox) must write byte for byte what the golden model writes,
// on every golden replay file and on generated crash scenarios of more than 100,000 events with
// deliberately invalid orders among them. Also checks what the RTL sent towards the venue.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <limits>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "backend/decision_recorder.hpp"
#include "backend/rtl_backend.hpp"
#include "perpgate/regs.hpp"
#include "replay/decimal.hpp"
#include "replay/replayer.hpp"
#include "support/replay_support.hpp"
#include "replay/scenario_gen.hpp"
#include "wire/codec.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate {
namespace {

struct ReplayRun {
  std::string output;
  int exit_status = 0;
  RtlStats rtl;
  std::array<std::uint64_t, kReasonCount> reason_counters{};  // read from the RTL's registers
};

ReplayRun replay(const std::string& scenario, bool rtl, double idle = 0.0, double stall = 0.0) {
  std::string buf = scenario;
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  RtlBackendApi* model = nullptr;
  Replayer::BackendFactory factory = [&](DecisionSink& sink) -> std::unique_ptr<Backend> {
    if (!rtl) return make_backend("sw", sink);
    auto b = make_rtl_backend(sink, RtlOptions{len, idle, stall});
    model = b.get();
    return b;
  };
  Replayer r(factory, nullptr);
  r.run(buf.data(), len, buf.size());
  ReplayRun out{r.output(), r.exit_status(), {}, {}};
  if (model != nullptr) {
    out.rtl = model->rtl_stats();
    for (int c = 0; c < kReasonCount; ++c)
      out.reason_counters[static_cast<std::size_t>(c)] = model->read_counter(regs::kReasonCounters + 8 * static_cast<std::uint32_t>(c));
  }
  return out;
}

class GoldenFile : public testing::TestWithParam<const char*> {};

TEST_P(GoldenFile, RtlMatchesSw) {
  const std::string scenario = test::read_text_file(std::string(PERPGATE_GOLDEN_DIR) + "/" + GetParam() + ".jsonl");
  ASSERT_FALSE(scenario.empty());
  const ReplayRun sw = replay(scenario, false);
  const ReplayRun rtl = replay(scenario, true);
  ASSERT_FALSE(sw.output.empty());
  EXPECT_EQ(rtl.output, sw.output);
  EXPECT_EQ(rtl.exit_status, sw.exit_status);
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenFile,
                         testing::Values("contract_example", "reasons", "fills_funding", "local_mark", "errors", "kill_derisk"));

TEST_P(GoldenFile, RtlMatchesSwWithIdlesAndStalls) {
  const std::string scenario = test::read_text_file(std::string(PERPGATE_GOLDEN_DIR) + "/" + GetParam() + ".jsonl");
  const ReplayRun sw = replay(scenario, false);
  const ReplayRun rtl = replay(scenario, true, /*idle=*/0.3, /*stall=*/0.5);
  EXPECT_EQ(rtl.output, sw.output);
}

// A Backend that puts one bad frame on a random port before every event it passes on to the
// RTL: random bytes, a truncated frame, a broken IP checksum, another UDP port, an unknown message
// type, a wrong length field, a frame the MAC flagged, a message type the port does not carry.
class WithBadFrames final : public Backend {
 public:
  WithBadFrames(std::unique_ptr<RtlBackendApi> rtl, std::uint64_t seed) : rtl_(std::move(rtl)), rng_(seed) {}
  RtlBackendApi& rtl() { return *rtl_; }
  std::uint64_t injected() const { return injected_; }

  void define_symbol(int s, const SymbolConfig& c) override { bad(); rtl_->define_symbol(s, c); }
  void create_account(int a, i64 c) override { bad(); rtl_->create_account(a, c); }
  void set_leverage(int a, int s, i64 l) override { bad(); rtl_->set_leverage(a, s, l); }
  void set_rate_limit(int a, i64 r) override { bad(); rtl_->set_rate_limit(a, r); }
  void deposit(int a, i64 x) override { bad(); rtl_->deposit(a, x); }
  void withdraw(int a, i64 x) override { bad(); rtl_->withdraw(a, x); }
  void kill(int a, KillMode m) override { bad(); rtl_->kill(a, m); }
  void advance_clock(i64 ts) override { bad(); rtl_->advance_clock(ts); }
  void mark(int s, i64 px) override { bad(); rtl_->mark(s, px); }
  void index(int s, i64 px) override { bad(); rtl_->index(s, px); }
  void book(int s, i64 b, i64 a) override { bad(); rtl_->book(s, b, a); }
  void trade(int s, i64 px) override { bad(); rtl_->trade(s, px); }
  void funding(int s, i64 r) override { bad(); rtl_->funding(s, r); }
  void order(const OrderEvent& o) override { bad(); rtl_->order(o); }
  void fill(const FillEvent& f) override { bad(); rtl_->fill(f); }
  void cancel(i64 id) override { bad(); rtl_->cancel(id); }
  void query(int a) override { bad(); rtl_->query(a); }

 private:
  // A well-formed message of a type `port` carries: new order, fill, mark. All would change
  // state if they got through.
  std::vector<std::uint8_t> message_for(int port) {
    switch (port) {
      case regs::kPortClient: return wire::encode_new_order(OrderEvent{0, 0, 900'000 + static_cast<i64>(injected_), true, false, 100'000, 1'000'000}, 1, 1);
      case regs::kPortVenue: return wire::encode_fill(FillEvent{1, 100'000, 1'000'000, 0}, 1, 1);
      default: return wire::encode_price<wire::Mark>(0, 1'000'000, 0, 1, 1);
    }
  }

  void bad() {
    const int port = static_cast<int>(rng_() % 3);
    std::vector<std::uint8_t> f = rtl_->frame_for(port, message_for(port));
    bool mac_error = false;
    switch (rng_() % 8) {
      case 0:  // random bytes
        f.resize(1 + rng_() % 120);
        for (auto& b : f) b = static_cast<std::uint8_t>(rng_());
        break;
      case 1: f.resize(rng_() % (f.size() - 1) + 1); break;  // truncated
      case 2: f[24] ^= 0x01; break;                           // IP header checksum
      case 3: f[37] ^= 0x01; break;                           // UDP destination port
      case 4: f[wire::kPayloadOffset + wire::header::kType] = 0x7f; break;       // unknown type
      case 5: ++f[wire::kPayloadOffset + wire::header::kLength]; break;          // length field
      case 6: mac_error = true; break;                                            // MAC flagged
      default:  // a well-formed message on a port that does not carry its type
        f = rtl_->frame_for(port, message_for((port + 1) % 3));
        break;
    }
    rtl_->inject_frame(port, f, mac_error);
    ++injected_;
  }

  std::unique_ptr<RtlBackendApi> rtl_;
  std::mt19937_64 rng_;
  std::uint64_t injected_ = 0;
};

TEST_P(GoldenFile, BadFramesAreCountedAndHaveNoEffect) {
  const std::string scenario = test::read_text_file(std::string(PERPGATE_GOLDEN_DIR) + "/" + GetParam() + ".jsonl");
  const ReplayRun sw = replay(scenario, false);
  std::string buf = scenario;
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  WithBadFrames* decorated = nullptr;
  Replayer::BackendFactory factory = [&](DecisionSink& sink) -> std::unique_ptr<Backend> {
    auto b = std::make_unique<WithBadFrames>(make_rtl_backend(sink, RtlOptions{len, 0.1, 0.1}), len);
    decorated = b.get();
    return b;
  };
  Replayer r(factory, nullptr);
  r.run(buf.data(), len, buf.size());
  EXPECT_EQ(r.output(), sw.output);
  ASSERT_NE(decorated, nullptr);
  ASSERT_GT(decorated->injected(), 0u);
  std::uint64_t dropped = 0;
  for (int port = 0; port < regs::kPortCount; ++port)
    for (std::uint32_t reg : {regs::kPortDropNotForUs, regs::kPortDropMalformed, regs::kPortDropMacError,
                              regs::kPortMsgMalformed, regs::kPortMsgWrongPort})
      dropped += decorated->rtl().read_counter(regs::port_reg(port, reg));
  EXPECT_EQ(dropped, decorated->injected()) << "every bad frame is counted exactly once";
}

struct GenCase {
  std::uint64_t seed;
  int accounts;
  std::uint64_t events;
  double bad_fraction;
  bool crash;
  double idle = 0.0;
  double stall = 0.0;
};

class Generated : public testing::TestWithParam<GenCase> {};

TEST_P(Generated, RtlMatchesSw) {
  const GenCase c = GetParam();
  std::string scenario;
  generate_scenario(GenOptions{c.seed, c.accounts, c.events, c.crash, c.bad_fraction}, scenario);
  const ReplayRun sw = replay(scenario, false);
  const ReplayRun rtl = replay(scenario, true, c.idle, c.stall);
  ASSERT_EQ(rtl.output.size(), sw.output.size());
  EXPECT_TRUE(rtl.output == sw.output) << "outputs differ (same length)";
  EXPECT_EQ(rtl.exit_status, sw.exit_status);
  // Every order got exactly one response, and each accepted one was forwarded promptly.
  std::uint64_t acks = 0;
  for (std::size_t p = sw.output.find("\"ev\":\"ack\""); p != std::string::npos;
       p = sw.output.find("\"ev\":\"ack\"", p + 1))
    ++acks;
  std::uint64_t forwarded = 0;
  for (const RtlOrderLatency& l : rtl.rtl.orders) {
    EXPECT_GT(l.last_in_to_response, 0u);
    if (l.last_in_to_forward != 0) ++forwarded;
  }
  EXPECT_EQ(forwarded, acks);
  // The decision counters on AXI-Lite agree with the decisions: acks at code 0, each reason.
  EXPECT_EQ(rtl.reason_counters[0], acks);
  for (int c = 1; c < kReasonCount; ++c) {
    const std::string tag = "\"reason\":\"" + std::string(reason_name(static_cast<Reason>(c))) + "\"";
    std::uint64_t n = 0;
    for (std::size_t p = sw.output.find(tag); p != std::string::npos; p = sw.output.find(tag, p + 1)) ++n;
    EXPECT_EQ(rtl.reason_counters[static_cast<std::size_t>(c)], n) << reason_name(static_cast<Reason>(c));
  }
}

// 4 x 30,000 events after setup: over 100,000 events through the RTL in the default run.
INSTANTIATE_TEST_SUITE_P(Crash, Generated,
                         testing::Values(GenCase{20251010, 200, 30'000, 0.05, true},
                                         GenCase{7, 60, 30'000, 0.20, true, 0.2, 0.3},
                                         GenCase{99, 300, 30'000, 0.02, true},
                                         GenCase{3, 20, 30'000, 0.10, false, 0.5, 0.5}),
                         [](const testing::TestParamInfo<GenCase>& i) {
                           return "seed" + std::to_string(i.param.seed) + "_accounts" + std::to_string(i.param.accounts);
                         });

// Reset in mid-stream: a frame half in, then reset; the gateway starts empty, and a whole
// scenario replayed after it gives the model's output. Several cut points, each port.
TEST(Reset, MidFrameThenAWholeScenarioMatchesTheModel) {
  const std::string scenario = test::read_text_file(std::string(PERPGATE_GOLDEN_DIR) + "/fills_funding.jsonl");
  const ReplayRun sw = replay(scenario, false);
  for (int port = 0; port < 3; ++port) {
    for (std::uint64_t cut : {1u, 5u, 11u, 14u}) {
      std::string buf = scenario;
      const std::size_t len = buf.size();
      buf.append(simdjson::SIMDJSON_PADDING, '\0');
      Replayer::BackendFactory factory = [&](DecisionSink& sink) -> std::unique_ptr<Backend> {
        auto b = make_rtl_backend(sink, RtlOptions{cut + 100u * static_cast<unsigned>(port), 0.0, 0.0});
        b->reset_mid_frame(port, cut);
        return b;
      };
      Replayer r(factory, nullptr);
      r.run(buf.data(), len, buf.size());
      EXPECT_EQ(r.output(), sw.output) << "port " << port << " cut after " << cut << " cycles";
    }
  }
}

using Recorder = DecisionRecorder;

// A symbol of tick 0.01, lot 0.001, 50x leverage and one margin tier (0.5 % maintenance).
SymbolConfig one_tier_symbol() {
  SymbolConfig c;
  c.tick = 1'000'000; c.lot = 100'000; c.max_lev = 50; c.tier_count = 1; c.tiers[0] = {0, 500'000, 0, 0};
  return c;
}

// Two accounts with opposite 0.3 positions in symbol 0 at the mark, account 0 long if long0 and
// holding collateral0; then each funding rate, both accounts queried after it.
void funding_pair(Backend& b, i64 collateral0, bool long0, const std::vector<i64>& rates) {
  b.define_symbol(0, one_tier_symbol());
  b.create_account(0, collateral0);
  b.create_account(1, 5'000'000'000);
  b.mark(0, 6'000'000'000'000);
  b.order(OrderEvent{0, 0, 1, long0, false, 300'000, 6'000'000'000'000});
  b.order(OrderEvent{1, 0, 2, !long0, false, 300'000, 6'000'000'000'000});
  b.fill(FillEvent{1, 300'000, 6'000'000'000'000, 0});
  b.fill(FillEvent{2, 300'000, 6'000'000'000'000, 0});
  for (i64 r : rates) {
    b.funding(0, r);
    b.query(0);
    b.query(1);
  }
}

// A funding rate outside +-1 (the wire carries any i64) is an engine error and changes nothing,
// in the model and in the RTL alike; rates at the bound are applied.
TEST(Funding, RateOutsideItsBoundIsAnErrorAndNotApplied) {
  Recorder want, got;
  auto sw = make_backend("sw", want);
  auto rtl = make_rtl_backend(got, RtlOptions{7, 0.0, 0.0});
  const std::vector<i64> rates = {100'000'001, -100'000'001, 200'000'000, std::numeric_limits<i64>::min(),
                                  std::numeric_limits<i64>::max(), 100'000'000, -100'000'000, 12'345};
  funding_pair(*sw, 5'000'000'000, true, rates);
  funding_pair(*rtl, 5'000'000'000, true, rates);
  EXPECT_EQ(got.out, want.out);
  EXPECT_EQ(std::count(want.out.begin(), want.out.end(), '\n'), 2 + 5 + 2 * 8) << want.out;  // acks, errors, queries
  EXPECT_NE(want.out.find("error funding rate must be between -1 and 1; not applied"), std::string::npos);
}

// Every range test the sequencer makes on a command's or a message's own words, at and just past
// each bound: the command arguments (tested as the event is taken, registered beside it) and the
// account and symbol an event names (tested on each candidate field before the choice by type).
void at_the_bounds(Backend& b) {
  constexpr int kA = GatewayParams::kAccounts, kS = GatewayParams::kSymbols;
  constexpr i64 kMin = std::numeric_limits<i64>::min(), kMax = std::numeric_limits<i64>::max();
  b.define_symbol(0, one_tier_symbol());
  b.define_symbol(kS - 1, one_tier_symbol());
  b.define_symbol(kS, one_tier_symbol());      // the table is full past its last entry
  b.define_symbol(-1, one_tier_symbol());
  b.create_account(0, 1'000'000'000'000);
  b.create_account(kA - 1, 1'000'000'000'000);
  b.create_account(kA, 1'000'000'000'000);
  b.create_account(-1, 1'000'000'000'000);
  b.create_account(0, 5);                       // exists
  for (i64 lev : {i64{0}, i64{-1}, i64{1}, kLevMax, kLevMax + 1, kMin, kMax, i64{20}}) b.set_leverage(0, 0, lev);
  b.set_leverage(kA, 0, 20);
  b.set_leverage(-1, 0, 20);
  b.set_leverage(0, kS, 20);
  b.set_leverage(0, -1, 20);
  b.set_leverage(kA - 1, kS - 1, kLevMax);
  b.mark(0, 6'000'000'000'000);
  b.mark(kS - 1, 6'000'000'000'000);
  b.mark(kS, 6'000'000'000'000);               // an unknown symbol: an engine error
  b.order(OrderEvent{0, 0, 1, true, false, 300'000, 6'000'000'000'000});
  b.order(OrderEvent{kA, 0, 2, true, false, 300'000, 6'000'000'000'000});
  b.order(OrderEvent{-1, 0, 3, true, false, 300'000, 6'000'000'000'000});
  b.order(OrderEvent{0, kS, 4, true, false, 300'000, 6'000'000'000'000});
  b.order(OrderEvent{0, -1, 5, true, false, 300'000, 6'000'000'000'000});
  b.order(OrderEvent{kA - 1, kS - 1, 6, false, false, 300'000, 6'000'000'000'000});
  b.fill(FillEvent{1, 300'000, 6'000'000'000'000, 0});
  b.kill(-1, KillMode::kHard);                  // every account, every order
  b.order(OrderEvent{0, 0, 7, true, false, 100'000, 6'000'000'000'000});
  b.order(OrderEvent{0, 0, 9, false, true, 100'000, 6'000'000'000'000});
  b.kill(-1, KillMode::kDeRisk);                // reduce-only orders pass
  b.order(OrderEvent{0, 0, 10, false, true, 100'000, 6'000'000'000'000});
  b.order(OrderEvent{0, 0, 11, true, true, 100'000, 6'000'000'000'000});   // not reducing
  b.order(OrderEvent{0, 0, 12, true, false, 100'000, 6'000'000'000'000});
  b.kill(-1, KillMode::kOff);
  b.kill(0, KillMode::kHard);
  b.order(OrderEvent{0, 0, 13, false, true, 100'000, 6'000'000'000'000});
  b.kill(0, KillMode::kDeRisk);
  b.order(OrderEvent{0, 0, 14, false, true, 100'000, 6'000'000'000'000});
  b.kill(0, KillMode::kOff);
  b.kill(kA, KillMode::kDeRisk);                // no such account: nothing
  b.order(OrderEvent{0, 0, 8, true, false, 100'000, 6'000'000'000'000});
  // amount <= collateral, at and past it; then the IM's share of the test
  b.withdraw(kA - 1, 1'000'000'000'001);
  b.withdraw(kA - 1, 1'000'000'000'000);
  b.deposit(kA - 1, 1'000'000'000'000);
  b.withdraw(0, 1'000'000'000'001);
  b.withdraw(0, 1'000'000'000'000);
  b.withdraw(0, 999'000'000'000);
  b.withdraw(0, -5);
  b.withdraw(kA, 1);
  // market prices: 0 up to the price bound are taken, past it on either side an engine error
  for (i64 px : {i64{-1}, kPxMax + 1, kMin, kMax, kPxMax, i64{0}, i64{6'000'000'000'000}}) b.mark(0, px);
  for (i64 px : {i64{-1}, kPxMax + 1, kMax, i64{0}, kPxMax}) {
    b.index(0, px);
    b.trade(0, px);
    b.book(0, px, 5);
    b.book(0, 5, px);
  }
  for (int a : {0, kA - 1, kA, -1}) b.query(a);
}

TEST(Commands, RangeTestsAtAndPastEachBoundAsInTheModel) {
  Recorder want, got;
  auto sw = make_backend("sw", want);
  auto rtl = make_rtl_backend(got, RtlOptions{11, 0.0, 0.0});
  at_the_bounds(*sw);
  at_the_bounds(*rtl);
  EXPECT_EQ(got.out, want.out);
  for (const char* what : {"symbol table full", "account table full", "leverage must", "unknown symbol in lev",
                           "UNKNOWN_ACCOUNT", "UNKNOWN_SYMBOL", "withdraw 1023 1000000000001 rejected", "withdraw 0 999000000000 ok",
                           "market price must be from 0 to the price bound"})
    EXPECT_NE(want.out.find(what), std::string::npos) << what << " in\n" << want.out;
}

// Funding that carries a receiver's collateral past +-kMoneyMax saturates it there and reports
// it (SFund3 adds, SFund4 clamps), then the holder's liquidation check runs as usual.
TEST(Funding, SaturatesCollateralAtItsBound) {
  Recorder want, got;
  auto sw = make_backend("sw", want);
  auto rtl = make_rtl_backend(got, RtlOptions{9, 0.0, 0.0});
  const std::vector<i64> rates = {1'000'000, 0, -1'000'000, 1'000'000};
  funding_pair(*sw, kMoneyMax - 1, false, rates);  // account 0 short: receives at a positive rate
  funding_pair(*rtl, kMoneyMax - 1, false, rates);
  EXPECT_EQ(got.out, want.out);
  EXPECT_NE(want.out.find("error collateral saturated at its bound by funding"), std::string::npos) << want.out;
}

// A fill whose credit (realised PnL less the fee; a negative fee is a rebate) carries collateral
// past +-kMoneyMax saturates it there and reports it (SFMoney adds, SFClamp bounds): above the
// bound, below it, exactly at it (no error), and a plain fill beside them.
TEST(Fill, SaturatesCollateralAtItsBound) {
  Recorder want, got;
  auto sw = make_backend("sw", want);
  auto rtl = make_rtl_backend(got, RtlOptions{13, 0.0, 0.0});
  const i64 kFeeMax = std::numeric_limits<i64>::max();
  for (Backend* b : {static_cast<Backend*>(sw.get()), static_cast<Backend*>(rtl.get())}) {
    b->define_symbol(0, one_tier_symbol());
    b->create_account(0, kMoneyMax - 10);     // a rebate of 100 carries it past the bound
    b->create_account(1, 5'000'000'000);      // a fee of i64 max carries it below -kMoneyMax
    b->create_account(2, kMoneyMax - 100);    // a rebate of 100 lands exactly on the bound
    b->create_account(3, 5'000'000'000);
    b->mark(0, 6'000'000'000'000);
    for (int a = 0; a < 4; ++a) b->order(OrderEvent{a, 0, 10 + a, true, false, 300'000, 6'000'000'000'000});
    b->fill(FillEvent{10, 300'000, 6'000'000'000'000, -100});
    b->fill(FillEvent{11, 300'000, 6'000'000'000'000, kFeeMax});
    b->fill(FillEvent{12, 300'000, 6'000'000'000'000, -100});
    b->fill(FillEvent{13, 300'000, 6'000'000'000'000, 7});
    for (int a = 0; a < 4; ++a) b->query(a);
  }
  EXPECT_EQ(got.out, want.out);
  const std::string sat = "error collateral saturated at its bound by a fill";
  size_t n = 0;
  for (size_t at = want.out.find(sat); at != std::string::npos; at = want.out.find(sat, at + 1)) ++n;
  EXPECT_EQ(n, 2u) << want.out;  // accounts 0 and 1, not 2 (exactly at the bound) nor 3
}

// Redefining a symbol revalues every account holding it (Engine::define_symbol), with the new
// tiers and leverage cap: here accounts 1 (a position) and 2 (an open order), not account 0, which
// holds nothing; the queries show their MM and IM, an order after it sees the new IM.
TEST(SymbolUpdate, RevaluesEveryHolderWithTheNewTiers) {
  Recorder want, got;
  auto sw = make_backend("sw", want);
  auto rtl = make_rtl_backend(got, RtlOptions{11, 0.0, 0.0});
  SymbolConfig tighter = one_tier_symbol();
  tighter.max_lev = 10;
  tighter.tier_count = 2;
  tighter.tiers[0] = {0, 1'000'000, 0, 20};
  tighter.tiers[1] = {1'000'000'000'000, 2'000'000, 500'000'000, 5};
  for (Backend* b : {static_cast<Backend*>(sw.get()), static_cast<Backend*>(rtl.get())}) {
    b->define_symbol(0, one_tier_symbol());
    for (int a = 0; a < 3; ++a) b->create_account(a, 5'000'000'000);
    b->mark(0, 6'000'000'000'000);
    b->order(OrderEvent{1, 0, 1, true, false, 300'000, 6'000'000'000'000});
    b->fill(FillEvent{1, 300'000, 6'000'000'000'000, 0});
    b->order(OrderEvent{2, 0, 2, false, false, 200'000, 6'000'000'000'000});
    for (int a = 0; a < 3; ++a) b->query(a);
    b->define_symbol(0, tighter);
    for (int a = 0; a < 3; ++a) b->query(a);
    b->order(OrderEvent{2, 0, 3, false, false, 2'000'000, 6'000'000'000'000});
    b->mark(0, 5'000'000'000'000);
    for (int a = 0; a < 3; ++a) b->query(a);
  }
  EXPECT_EQ(got.out, want.out);
  // the update changed the holders' margins: their query lines differ before and after
  EXPECT_EQ(std::count(want.out.begin(), want.out.end(), '\n'), 2 + 9 + 1) << want.out;
}

// Line rate: minimum-size order frames back to back on the client port (14 beats each, no idle
// beat between them) are all taken without a single cycle of backpressure, and the decisions are
// the model's for the same orders one at a time. Orders of one account, or of one order set, wait
// for the one before to be retired (a true dependency: see OrdersOfOneAccountBackToBack), and so
// do two first orders in a row that claim position slots in one holder word (64 accounts); so here
// no two neighbours share an account, a duplicate id repeats the order two before, and every
// account holds its slot before the burst.
TEST(LineRate, BackToBackOrdersWithoutBackpressure) {
  Recorder want, got;
  auto sw = make_backend("sw", want);
  auto rtl = make_rtl_backend(got, RtlOptions{11, 0.0, 0.0});
  for (Backend* b : {static_cast<Backend*>(sw.get()), static_cast<Backend*>(rtl.get())}) {
    b->define_symbol(0, one_tier_symbol());
    for (int a = 0; a < 64; ++a) b->create_account(a, 5'000'000'000);
    b->mark(0, 6'000'000'000'000);
    for (int a = 0; a < 64; ++a) b->order(OrderEvent{a, 0, 100'000 + a, true, false, 100'000, 5'000'000'000'000});
  }
  const std::size_t setup_end = want.out.size();  // the set-up's 64 acks before it
  std::vector<OrderEvent> orders;
  std::mt19937_64 rng(3);
  std::int32_t acct = 0;
  for (i64 id = 1; id <= 2000; ++id) {
    acct = static_cast<std::int32_t>((acct + 1 + rng() % 69) % 70);   // 64 to 69: unknown accounts
    OrderEvent o{acct, 0, id, (rng() & 1) != 0, false,
                 static_cast<i64>(1 + rng() % 20) * 100'000, 6'000'000'000'000 + static_cast<i64>(rng() % 100 - 50) * 1'000'000};
    if (id > 2 && rng() % 50 == 0) o.id = id - 2;  // a duplicate now and then
    orders.push_back(o);
    sw->order(o);
  }
  rtl->order_burst(orders);
  EXPECT_EQ(got.out, want.out);
  // The receive buffer never holds an order back: each is answered 8 cycles after its last beat,
  // the idle gateway's figure, and no frame is dropped.
  EXPECT_EQ(rtl->rtl_stats().ingress_stall_cycles, 0u);
  EXPECT_EQ(rtl->read_counter(regs::port_reg(regs::kPortClient, regs::kPortDropOverflow)), 0u);
  // Every order of the burst has its latency (bench/tick_to_trade's burst rows), and exactly the
  // acked ones a forward.
  const auto& lat = rtl->rtl_stats().burst_orders;
  ASSERT_EQ(lat.size(), orders.size());
  for (const auto& l : lat) ASSERT_EQ(l.last_in_to_response, 8u);
  std::size_t forwarded = 0, acks = 0;
  for (const auto& l : lat) forwarded += l.last_in_to_forward != 0 ? 1 : 0;
  std::istringstream lines(want.out.substr(setup_end));
  for (std::string line; std::getline(lines, line);) acks += line.rfind("ack ", 0) == 0 ? 1 : 0;
  EXPECT_GT(acks, 0u);
  EXPECT_EQ(forwarded, acks);
}

// Back-to-back orders of the same accounts (two of them, at random), duplicates of the order just
// before, and first orders that claim position slots: each waits for the conflicting order in
// flight, and every decision and account figure is the model's. Also with idle cycles between
// beats now and then, so that an order arrives at every distance from the write-back of the one
// before (the core reads an order's entries up to two cycles before it arrives: a write-back to
// them in those cycles must send it the long way).
TEST(LineRate, OrdersOfOneAccountBackToBack) {
  for (const double idle : {0.0, 0.02, 0.1}) {
    SCOPED_TRACE(::testing::Message() << "idle " << idle);
    Recorder want, got;
    auto sw = make_backend("sw", want);
    auto rtl = make_rtl_backend(got, RtlOptions{13, idle, 0.0});
    for (Backend* b : {static_cast<Backend*>(sw.get()), static_cast<Backend*>(rtl.get())}) {
      for (int s = 0; s < 3; ++s) b->define_symbol(s, one_tier_symbol());
      b->create_account(0, 50'000'000);
      b->create_account(1, 5'000'000'000);
      for (int s = 0; s < 3; ++s) b->mark(s, 6'000'000'000'000);
    }
    std::vector<OrderEvent> orders;
    std::mt19937_64 rng(5);
    for (i64 id = 1; id <= 600; ++id) {
      OrderEvent o{static_cast<std::int32_t>(rng() % 2), static_cast<std::int32_t>(rng() % 3), id, (rng() & 1) != 0,
                   rng() % 5 == 0, static_cast<i64>(1 + rng() % 20) * 100'000, 6'000'000'000'000};
      if (id > 1 && rng() % 10 == 0) o.id = id - 1;
      orders.push_back(o);
      sw->order(o);
    }
    rtl->order_burst(orders);
    for (Backend* b : {static_cast<Backend*>(sw.get()), static_cast<Backend*>(rtl.get())}) {
      b->query(0);
      b->query(1);
    }
    EXPECT_EQ(got.out, want.out);
    EXPECT_NE(want.out.find("reject"), std::string::npos);
    EXPECT_NE(want.out.find("ack"), std::string::npos);
  }
}

// First orders of an account in a symbol claim a position slot as they are written back; the
// account's next order, right behind, must find that slot taken (the same symbol: its slot; another:
// the next free one). Pairs of accounts take turns at random over twelve symbols (eight slots
// each: the ninth symbol is a capacity reject), back to back and with idle cycles now and then.
TEST(LineRate, SlotClaimsBackToBack) {
  constexpr int kSymbols = 12, kAccounts = 40;
  for (const double idle : {0.0, 0.02, 0.1}) {
    SCOPED_TRACE(::testing::Message() << "idle " << idle);
    Recorder want, got;
    auto sw = make_backend("sw", want);
    auto rtl = make_rtl_backend(got, RtlOptions{17, idle, 0.0});
    for (Backend* b : {static_cast<Backend*>(sw.get()), static_cast<Backend*>(rtl.get())}) {
      for (int s = 0; s < kSymbols; ++s) b->define_symbol(s, one_tier_symbol());
      for (int a = 0; a < kAccounts; ++a) b->create_account(a, 5'000'000'000);
      for (int s = 0; s < kSymbols; ++s) b->mark(s, 6'000'000'000'000);
    }
    std::vector<OrderEvent> orders;
    std::mt19937_64 rng(11);
    i64 id = 1;
    for (int pair = 0; pair < kAccounts / 2; ++pair) {
      for (int k = 0; k < 30; ++k, ++id) {
        const OrderEvent o{static_cast<std::int32_t>(2 * pair + static_cast<int>(rng() % 2)),
                           static_cast<std::int32_t>(rng() % kSymbols), id, (rng() & 1) != 0, false, 100'000,
                           6'000'000'000'000};
        orders.push_back(o);
        sw->order(o);
      }
    }
    rtl->order_burst(orders);
    for (Backend* b : {static_cast<Backend*>(sw.get()), static_cast<Backend*>(rtl.get())})
      for (int a = 0; a < kAccounts; ++a) b->query(a);
    EXPECT_EQ(got.out, want.out);
    EXPECT_NE(want.out.find("CAPACITY"), std::string::npos);
  }
}

}  // namespace
}  // namespace perpgate
