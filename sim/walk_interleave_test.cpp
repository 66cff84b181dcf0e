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
  std::uint64_t interleaved = 0;  // orders applied while a walk was open
  std::uint64_t steps = 0;
};

// The timed part applied whole (max_steps < 0), or with the walk stepped: before each event a
// random number of steps (0 .. max_steps), and a walk always finished before a non-client event.
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
      if (t.op.entry != Entry::kClient) {
        while (be.walk_step()) ++r.steps;
      }
    }
    r.interleaved += be.walk_open();
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

}  // namespace
}  // namespace perpgate::load
