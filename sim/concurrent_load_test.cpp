// The gateway under concurrent load, as a MAC delivers it: frames released on the client, venue
// and market ports at their own cycles, never paused; the golden model fed in the order the
// gateway took them (take_o / take_src_o); every frame out compared port by port. The figures
// (frames lost, latencies) are printed; bench/concurrent_load runs the long versions.
#include <gtest/gtest.h>

#include <memory>

#include "load/concurrent_run.hpp"
#include "load/load_profiles.hpp"
#include "replay/scenario_gen.hpp"

namespace perpgate::load {
namespace {

void expect_consistent(const Load& load, const RunResult& r) {
  print_result(r, stdout);
  EXPECT_EQ(r.mismatch, "");
  std::uint64_t released = 0, taken = 0, garbage = 0;
  for (const HostileFigures& h : r.hostile) garbage += h.garbage;
  for (const PortFigures& p : r.ports) {
    released += p.released;
    taken += p.taken;
    EXPECT_EQ(p.released, p.lost + p.dropped + p.taken);
    EXPECT_LE(p.overrun, p.taken);
  }
  EXPECT_EQ(released, load.timed.size() + garbage);  // (garbage-valued events: frames like the load's)
  EXPECT_GT(taken, 0u);
  // Every order the gateway took is answered exactly once, on the client port.
  EXPECT_EQ(r.orders_answered, r.orders_taken);
  EXPECT_EQ(r.order_latency.size(), r.orders_answered);
}

// L1: 500 holders of a symbol marked every 10 us, orders back to back from holders and others,
// fills and venue cancels; at least 50,000 timed events.
TEST(ConcurrentLoad, L1EveryOutputEqualsTheModelInTakeOrder) {
  L1Options o;
  o.events = 50'000;
  const Load load = make_l1(o);
  ASSERT_GE(load.timed.size(), 50'000u);
  const RunResult r = run_concurrent(load);
  expect_consistent(load, r);
  EXPECT_GT(r.marks_taken, 0u);
  EXPECT_GT(r.liquidations, 0u) << "the load's mark path must liquidate some holders";
}

// L1 beside a hostile network: after about one frame in three, a frame to refuse (random bytes,
// runts and frames past the MTU, truncated, a broken IP checksum, another UDP port, an unknown
// type, a wrong length field, MAC-flagged, a message of the wrong type for its port) or a
// well-formed event of garbage values, back to back with the port's frames. Every refused frame
// that went in is counted once by its port and changes nothing; every garbage event gets the
// model's answer; the load's outputs stay equal to the model's.
TEST(ConcurrentLoad, HostileFramesAreCountedOnceAndGarbageEventsGetTheModelsAnswer) {
  L1Options o;
  o.holders = 200;
  o.others = 100;
  o.events = 20'000;
  o.order_gap = 20;
  const Load load = make_l1(o);
  RunOptions run;
  run.hostile_every = 3;
  const RunResult r = run_concurrent(load, run);
  expect_consistent(load, r);
  std::uint64_t refused = 0, wrong_type = 0, garbage = 0;
  for (const HostileFigures& h : r.hostile) {
    refused += h.refused_released - h.refused_lost - h.refused_dropped;
    wrong_type += h.wrong_port_taken;
    garbage += h.garbage;
  }
  EXPECT_GT(refused, 3'000u);
  EXPECT_GT(wrong_type, 300u);
  EXPECT_GT(garbage, 600u);
}

// L3: a generated crash scenario at its own timestamps (1 cycle a millisecond).
TEST(ConcurrentLoad, L3CrashScenarioAtItsOwnTimestamps) {
  L3Options o;
  o.events = 6'000;
  o.accounts = 300;
  const Load load = make_l3(o);
  const RunResult r = run_concurrent(load);
  expect_consistent(load, r);
}

// The scoreboard fails when the card's output is not the model's: one order whose frame carries
// a price inside the band while the model is told a price outside it.
TEST(ConcurrentLoad, ScoreboardReportsAnOutputThatDiffersFromTheModel) {
  L1Options o;
  o.holders = 4;
  o.others = 4;
  o.events = 200;
  Load load = make_l1(o);
  const GenSymbol btc = gen_symbol(0);
  auto calls = std::make_shared<int>(0);
  // Applied first by the frame encoder, then (on its take) by the model.
  load.timed.push_back(TimedOp{Op{Entry::kClient, true, false, 0, [calls, btc](Backend& b) {
                                     const i64 px = (*calls)++ == 0 ? btc.start_px : btc.start_px * 3;
                                     b.order(OrderEvent{0, 0, 999'999, true, false, btc.lot, px / btc.tick * btc.tick});
                                   }},
                               load.timed.back().want + 10'000});
  const RunResult r = run_concurrent(load);
  EXPECT_NE(r.mismatch.find("port 0"), std::string::npos) << r.mismatch;
}

}  // namespace
}  // namespace perpgate::load
