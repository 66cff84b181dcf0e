// The golden model's stepped mark walk (Engine::set_walk_stepping), as the card interleaves a
// mark's revaluation with client orders: whatever the interleaving, every order gets the decision
// it gets after the whole mark, the liquidations are the same, and the accounts end the same. Only
// the order in which orders and liquidations leave the ports may differ. Driven by the L1 load
// (holders of one symbol, marks, orders from holders and others, fills and venue cancels).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "backend/decision_recorder.hpp"
#include "backend/sw_backend.hpp"
#include "load/load_profiles.hpp"
#include "perpgate/params.hpp"

namespace perpgate::load {
namespace {

// The client port's decisions (acks, rejects, cancels) in order, and the liquidations as a set.
struct Outputs {
  std::vector<std::string> client;
  std::vector<std::string> liquidations;
};

Outputs split(const std::string& out) {
  Outputs o;
  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::size_t nl = out.find('\n', pos);
    const std::string line = out.substr(pos, nl - pos);
    pos = nl + 1;
    (line.rfind("liquidate", 0) == 0 ? o.liquidations : o.client).push_back(line);
  }
  std::sort(o.liquidations.begin(), o.liquidations.end());
  return o;
}

// The first line where two outputs differ ("" if equal), so that a failure prints one line.
std::string first_difference(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    const std::string g = i < got.size() ? got[i] : "(none)";
    const std::string w = i < want.size() ? want[i] : "(none)";
    if (g != w) return "line " + std::to_string(i + 1) + ": '" + g + "', whole mark '" + w + "'";
  }
  return "";
}
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> v;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    v.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return v;
}

std::string all_accounts(SwBackend& be, DecisionRecorder& rec) {
  rec.out.clear();
  for (int a = 0; a < GatewayParams::kAccounts; ++a) be.query(a);
  return rec.out;
}

struct SteppedRun {
  Outputs out;
  std::string accounts;
  std::uint64_t interleaved = 0;        // client events applied while a walk was open
  std::uint64_t venue_interleaved = 0;  // fills and venue cancels likewise
  std::uint64_t steps = 0;
};

// The timed part applied whole (max_steps < 0), or with the walk stepped: before each event a
// random number of steps (0 .. max_steps), and a walk always finished before a market event.
SteppedRun run_timed(const Load& load, int max_steps, std::uint64_t seed) {
  DecisionRecorder rec;
  SwBackend be(rec);
  for (const Op& op : load.setup) op.apply(be);
  rec.out.clear();
  be.set_walk_stepping(max_steps >= 0);
  std::mt19937_64 rng(seed);
  SteppedRun r;
  for (const TimedOp& t : load.timed) {
    if (be.walk_open()) {
      const int n = static_cast<int>(rng() % static_cast<std::uint64_t>(max_steps + 1));
      for (int i = 0; i < n && be.walk_step(); ++i) ++r.steps;
      if (t.op.entry != Entry::kClient && t.op.entry != Entry::kVenue) {
        while (be.walk_step()) ++r.steps;
      }
    }
    (t.op.entry == Entry::kVenue ? r.venue_interleaved : r.interleaved) += be.walk_open();
    t.op.apply(be);
  }
  while (be.walk_step()) ++r.steps;
  r.out = split(rec.out);
  r.accounts = all_accounts(be, rec);
  return r;
}

TEST(WalkInterleave, OrdersBetweenHoldersDecideAsAfterTheWholeMark) {
  L1Options o;
  o.holders = 300;
  o.others = 100;
  o.events = 6'000;
  o.mark_every_us = 2.0;  // marks close together: most orders land inside a walk
  const Load load = make_l1(o);
  const SteppedRun whole = run_timed(load, -1, 0);
  ASSERT_FALSE(whole.out.client.empty());
  ASSERT_FALSE(whole.out.liquidations.empty()) << "the load must liquidate for the test to mean anything";
  for (const int max_steps : {0, 1, 4, 40}) {
    const SteppedRun stepped = run_timed(load, max_steps, 7 + static_cast<std::uint64_t>(max_steps));
    SCOPED_TRACE("up to " + std::to_string(max_steps) + " steps between events");
    EXPECT_GT(stepped.interleaved, 100u);
    EXPECT_GT(stepped.venue_interleaved, 10u);
    EXPECT_EQ(first_difference(stepped.out.client, whole.out.client), "");
    EXPECT_EQ(first_difference(stepped.out.liquidations, whole.out.liquidations), "");
    EXPECT_EQ(first_difference(lines(stepped.accounts), lines(whole.accounts)), "");
  }
}

// Stepping with no event between steps is the whole mark, output for output in order.
TEST(WalkInterleave, UninterruptedStepsEqualTheWholeMark) {
  L1Options o;
  o.holders = 200;
  o.others = 50;
  o.events = 2'000;
  const Load load = make_l1(o);
  DecisionRecorder whole_rec, step_rec;
  SwBackend whole(whole_rec), stepped(step_rec);
  for (const Op& op : load.setup) {
    op.apply(whole);
    op.apply(stepped);
  }
  stepped.set_walk_stepping(true);
  for (const TimedOp& t : load.timed) {
    t.op.apply(whole);
    t.op.apply(stepped);
    while (stepped.walk_step()) {
    }
  }
  EXPECT_EQ(first_difference(lines(step_rec.out), lines(whole_rec.out)), "");
  EXPECT_EQ(first_difference(lines(all_accounts(stepped, step_rec)), lines(all_accounts(whole, whole_rec))), "");
}

// A venue event of an account the walk has still to visit: the account is revalued first, and
// one whose event closes its last interest in the walk's symbol (a fill closing the whole position)
// is passed by when the walk gets there (a step that revalues nothing), as the card's lane passes a
// holder with no slot of the symbol. Holders 0..3, all long; the walk revalues 0, then 2's whole
// position is filled away, the walk revalues 1, then 3's is filled away: the last two steps pass by.
TEST(WalkInterleave, AHolderThatLeavesBeforeTheWalkGetsThereIsPassedBy) {
  SymbolConfig c;
  c.tick = kPxScale / 10;
  c.lot = kQtyScale / 1000;
  c.max_lev = 50;
  c.tier_count = 1;
  c.tiers[0] = Tier{0, kRateScale / 200, 0, 50};
  const i64 px = 60'000 * kPxScale, lot_qty = kQtyScale / 10;
  DecisionRecorder whole_rec, step_rec;
  SwBackend whole(whole_rec), stepped(step_rec);
  auto both = [&](auto call) {
    call(static_cast<Backend&>(whole));
    call(static_cast<Backend&>(stepped));
  };
  both([&](Backend& b) {
    b.define_symbol(0, c);
    b.mark(0, px);
    for (int a = 0; a < 4; ++a) {
      b.create_account(a, 1'000 * kMoneyScale);
      b.set_leverage(a, 0, 20);
      b.order(OrderEvent{a, 0, 1 + a, true, false, lot_qty, px});
      b.fill(FillEvent{1 + a, lot_qty, px, 0});
    }
    // reduce-only sells of 2's and 3's whole positions, open at the venue
    b.order(OrderEvent{2, 0, 12, false, true, lot_qty, px});
    b.order(OrderEvent{3, 0, 13, false, true, lot_qty, px});
  });
  stepped.set_walk_stepping(true);
  const i64 down = px - 2'000 * kPxScale;  // every holder loses, none crosses
  whole.mark(0, down);
  whole.fill(FillEvent{12, lot_qty, down, 0});
  whole.fill(FillEvent{13, lot_qty, down, 0});

  stepped.mark(0, down);
  ASSERT_TRUE(stepped.walk_open());
  ASSERT_TRUE(stepped.walk_step());  // holder 0
  stepped.fill(FillEvent{12, lot_qty, down, 0});
  EXPECT_TRUE(stepped.walk_open());
  EXPECT_TRUE(stepped.walk_step());  // holder 1
  stepped.fill(FillEvent{13, lot_qty, down, 0});
  EXPECT_TRUE(stepped.walk_step());  // 2, passed by: it has left the symbol
  EXPECT_TRUE(stepped.walk_step());  // 3, likewise
  EXPECT_FALSE(stepped.walk_open());
  EXPECT_FALSE(stepped.walk_step());

  EXPECT_EQ(first_difference(lines(step_rec.out), lines(whole_rec.out)), "");
  EXPECT_EQ(first_difference(lines(all_accounts(stepped, step_rec)), lines(all_accounts(whole, whole_rec))), "");
}

}  // namespace
}  // namespace perpgate::load
