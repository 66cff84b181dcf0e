// Testbench of pg_rx_fifo (Depth 64, MaxFrameBeats 16 here): a MAC that never waits (tready must
// stay high), frames of 1 to 24 beats with random gaps, a receive path that stalls at random.
// A reference model decides each frame's fate from the beats held at its first beat (kept whole,
// cut at 16 beats and flagged, or dropped and counted); every frame out, its order and AXI-Stream
// rules are checked. An idle buffer must add no cycle: beats pass the cycle they arrive.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "Vpg_rx_fifo.h"
#include "axis_harness.hpp"
#include "clocked_model.hpp"

namespace perpgate::sim {
namespace {

constexpr std::uint64_t kDepth = 64, kMaxBeats = 16;

class RxFifoBench {
 public:
  RxFifoBench(std::uint64_t seed, double gap, double stall) : top_(seed), sink_(seed + 1, stall), rng_(seed + 2), gap_(gap) {
    top_->s_axis_tvalid = 0;
    top_->m_axis_tready = 1;
    top_.assert_reset();
    for (int i = 0; i < 4; ++i) top_.tick();
    top_->rst_ni = 1;
  }

  void send(const Packet& p) { frames_.push_back(to_beats(p)); }

  // One cycle: the MAC's beat (or a gap), the receive path's ready, the reference model.
  void cycle() {
    const bool beat = !frames_.empty() && !(gap_ > 0 && std::bernoulli_distribution(gap_)(rng_));
    top_->s_axis_tvalid = beat;
    top_->m_axis_tready = sink_.ready();
    if (beat) {
      const Beat& b = frames_.front()[pos_];
      top_->s_axis_tdata = b.data;
      top_->s_axis_tkeep = b.keep;
      top_->s_axis_tlast = b.last;
      top_->s_axis_tuser = b.user;
    }
    top_.settle();
    EXPECT_EQ(top_->s_axis_tready, 1) << "tready towards the MAC must stay high";
    if (beat) reference_beat();
    const Beat out{top_->m_axis_tdata, top_->m_axis_tkeep, top_->m_axis_tlast != 0, top_->m_axis_tuser != 0};
    if (top_->m_axis_tvalid && top_->m_axis_tready) ++out_beats_;
    if (require_same_cycle_ && beat) {
      EXPECT_TRUE(top_->m_axis_tvalid && top_->m_axis_tready && out.data == top_->s_axis_tdata)
          << "an idle buffer must pass the beat in the cycle it arrives";
    }
    sink_.observe(top_->m_axis_tvalid, out);
    drops_seen_ += top_->drop_overflow_o;
    top_.tick();
  }

  void run_until_drained() {
    for (int n = 0; n < 100'000 && !(frames_.empty() && out_beats_ == kept_beats_); ++n) cycle();
    for (int i = 0; i < 4; ++i) cycle();
  }

  void check() {
    auto& got = sink_.packets();
    ASSERT_EQ(got.size(), expected_.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].bytes, expected_[i].bytes) << "frame " << i;
      EXPECT_EQ(got[i].user, expected_[i].user) << "frame " << i;
    }
    EXPECT_EQ(drops_seen_, drops_expected_);
  }

  void expect_beats_in_the_cycle_they_arrive(bool on) { require_same_cycle_ = on; }
  std::uint64_t drops() const { return drops_expected_; }
  std::uint64_t kept() const { return expected_.size(); }

 private:
  // The reference: at a frame's first beat it is kept if the beats held then leave room for the
  // longest frame; a kept frame keeps at most kMaxBeats beats, the last of them flagged if cut.
  void reference_beat() {
    const std::vector<Beat>& f = frames_.front();
    if (pos_ == 0) {
      const std::uint64_t held = kept_beats_ - out_beats_;
      keep_ = held + kMaxBeats <= kDepth + 1;
      if (keep_) {
        Packet p;
        const std::size_t n = std::min<std::size_t>(f.size(), kMaxBeats);
        for (std::size_t b = 0; b < n; ++b)
          for (int i = 0; i < 8; ++i)
            if (f[b].keep >> i & 1) p.bytes.push_back(static_cast<std::uint8_t>(f[b].data >> (8 * i)));
        p.user = f.size() > kMaxBeats || f.back().user;
        expected_.push_back(p);
      } else {
        ++drops_expected_;
      }
    }
    if (keep_ && pos_ < kMaxBeats) ++kept_beats_;
    if (++pos_ == f.size()) {
      frames_.pop_front();
      pos_ = 0;
    }
  }

  ClockedModel<Vpg_rx_fifo> top_;
  AxisSink sink_;
  std::mt19937_64 rng_;
  double gap_;
  std::deque<std::vector<Beat>> frames_;
  std::size_t pos_ = 0;
  bool keep_ = false;
  bool require_same_cycle_ = false;
  std::uint64_t kept_beats_ = 0, out_beats_ = 0;  // beats kept by the reference, beats out
  std::deque<Packet> expected_;
  std::uint64_t drops_expected_ = 0, drops_seen_ = 0;
};

Packet random_frame(std::mt19937_64& rng, std::size_t beats) {
  Packet p;
  const std::size_t bytes = 8 * (beats - 1) + 1 + rng() % 8;
  for (std::size_t i = 0; i < bytes; ++i) p.bytes.push_back(static_cast<std::uint8_t>(rng()));
  p.user = rng() % 10 == 0;
  return p;
}

TEST(RxFifo, IdleBufferAddsNoCycle) {
  RxFifoBench tb(1, 0.0, 0.0);
  tb.expect_beats_in_the_cycle_they_arrive(true);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 200; ++i) tb.send(random_frame(rng, 1 + rng() % 14));
  tb.run_until_drained();
  tb.check();
  EXPECT_EQ(tb.drops(), 0u);
}

// Back-to-back frames into a receive path that stalls most of the time: frames are kept or
// dropped whole, counted, in order; frames over 16 beats are cut and flagged.
TEST(RxFifo, WholeFramesKeptOrDroppedUnderStalls) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    RxFifoBench tb(seed, 0.1, 0.6 + 0.1 * static_cast<double>(seed % 3));
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 2'000; ++i) tb.send(random_frame(rng, 1 + rng() % 24));
    tb.run_until_drained();
    tb.check();
    EXPECT_GT(tb.drops(), 0u) << "the load must overflow the buffer";
    EXPECT_GT(tb.kept(), 0u);
  }
}

// A receive path that keeps up on average but stalls in bursts loses nothing.
TEST(RxFifo, NoLossWhenTheReceivePathKeepsUpOnAverage) {
  RxFifoBench tb(9, 0.5, 0.3);
  std::mt19937_64 rng(9);
  for (int i = 0; i < 2'000; ++i) tb.send(random_frame(rng, 1 + rng() % 12));
  tb.run_until_drained();
  tb.check();
  EXPECT_EQ(tb.drops(), 0u);
}

}  // namespace
}  // namespace perpgate::sim
