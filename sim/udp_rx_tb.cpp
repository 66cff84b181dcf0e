// Testbench of pg_udp_rx: random frames (valid, not for us, malformed in every way the receive
// path checks, MAC errors, random bytes), random idle cycles on ingress, random tready stalls on
// egress, resets in mid-stream. A scoreboard compares every payload and every counter pulse with
// the frame model of host/wire/udp_frame.hpp. Waves: PERPGATE_WAVES=file.fst.
#include <gtest/gtest.h>
#include <random>

#include "Vpg_udp_rx.h"
#include "axis_harness.hpp"
#include "frame_gen.hpp"
#include "clocked_model.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate::sim {
namespace {

using wire::FrameVerdict;

struct Counts {
  std::uint64_t ok = 0, not_for_us = 0, malformed = 0, mac_error = 0;
  bool operator==(const Counts&) const = default;
};

class UdpRxBench {
 public:
  UdpRxBench(std::uint64_t seed, double idle, double stall) : top_(seed), src_(seed, idle), sink_(seed + 1, stall) {
    top_->cfg_ip_i = kOurIp;
    top_->cfg_port_i = kOurPort;
    reset(4);
  }

  // Queues a frame and what the model says it must produce.
  void send(const std::vector<std::uint8_t>& frame, bool mac_error) {
    src_.push(Packet{frame, mac_error});
    inflight_.push_back(Pending{frame, mac_error});
  }

  void reset(int cycles) {
    top_.assert_reset();
    for (int i = 0; i < cycles; ++i) cycle(false);
    top_->rst_ni = 1;
    // What was in flight is abandoned: the source drops it, no output is owed for it.
    src_.clear();
    sink_.clear();
    inflight_.clear();
    expected_.clear();
  }

  void cycle(bool check = true) {
    const bool valid = top_->rst_ni && src_.valid();
    if (valid) {
      const Beat& b = src_.beat();
      top_->s_axis_tdata = b.data;
      top_->s_axis_tkeep = b.keep;
      top_->s_axis_tlast = b.last;
      top_->s_axis_tuser = b.user;
    }
    top_->s_axis_tvalid = valid;
    top_->m_axis_tready = sink_.ready();
    top_.settle();
    // Sample before the edge.
    const bool in_fire = valid && top_->s_axis_tready;
    const Beat out{top_->m_axis_tdata, top_->m_axis_tkeep, static_cast<bool>(top_->m_axis_tlast),
                   static_cast<bool>(top_->m_axis_tuser)};
    const bool out_valid = top_->m_axis_tvalid;
    const Counts pulses{top_->frame_ok_o, top_->drop_not_for_us_o, top_->drop_malformed_o, top_->drop_mac_error_o};
    top_.tick();
    if (!check || !top_->rst_ni) return;
    got_.ok += pulses.ok;
    got_.not_for_us += pulses.not_for_us;
    got_.malformed += pulses.malformed;
    got_.mac_error += pulses.mac_error;
    if (in_fire) {
      const bool last = src_.beat().last;
      src_.taken();
      if (last) frame_done();
    }
    if (sink_.observe(out_valid, out)) {
      ASSERT_FALSE(expected_.empty()) << "payload out that no frame owed";
      const Packet want = expected_.front();
      expected_.pop_front();
      const Packet have = sink_.packets().front();
      sink_.packets().pop_front();
      EXPECT_EQ(have.bytes, want.bytes);
      EXPECT_EQ(have.user, want.user);
    }
  }

  void run_until_idle(int max_cycles = 1'000'000) {
    for (int i = 0; i < max_cycles && !(src_.idle() && expected_.empty()); ++i) cycle();
    for (int i = 0; i < 20; ++i) cycle();  // drain: nothing more may come out
    EXPECT_TRUE(src_.idle());
    EXPECT_TRUE(expected_.empty()) << expected_.size() << " payloads never came out";
  }

  const Counts& expected_counts() const { return want_; }
  const Counts& counted() const { return got_; }
  std::uint64_t cycles() const { return top_.cycles(); }

 private:
  struct Pending {
    std::vector<std::uint8_t> frame;
    bool mac_error;
  };

  // The frame's last beat was taken: the model's verdict is due now, its payload later.
  void frame_done() {
    const Pending p = inflight_.front();
    inflight_.pop_front();
    const wire::FrameClass c = wire::classify_frame(p.frame, p.mac_error, kOurIp, kOurPort);
    switch (c.verdict) {
      case FrameVerdict::kPass: ++want_.ok; break;
      case FrameVerdict::kNotForUs: ++want_.not_for_us; break;
      case FrameVerdict::kMalformed: ++want_.malformed; break;
      case FrameVerdict::kMacError: ++want_.mac_error; break;
    }
    EXPECT_EQ(got_, want_) << "counter pulses differ after frame " << frames_;
    ++frames_;
    if (c.payload_out) {
      Packet out;
      if (p.frame.size() > wire::kPayloadOffset)
        out.bytes.assign(p.frame.begin() + wire::kPayloadOffset, p.frame.end());
      out.user = c.verdict != FrameVerdict::kPass;
      expected_.push_back(out);
    }
  }

  ClockedModel<Vpg_udp_rx> top_;
  AxisSource src_;
  AxisSink sink_;
  std::deque<Pending> inflight_;
  std::deque<Packet> expected_;
  Counts want_, got_;
  std::uint64_t frames_ = 0;
};

// ---- tests ---------------------------------------------------------------------------------------

TEST(UdpRx, ValidFramesOfEveryPayloadLengthPassBackToBack) {
  UdpRxBench tb(1, 0.0, 0.0);
  FrameGen gen(1);
  for (std::size_t len = 0; len <= 80; ++len) tb.send(gen.valid(len), false);
  tb.run_until_idle();
  EXPECT_EQ(tb.counted().ok, 81u);
  EXPECT_EQ(tb.counted(), tb.expected_counts());
}

TEST(UdpRx, LineRateOnBackToBackMinimumMessages) {
  // 24-byte messages: 66-byte frames, 9 beats each. With tready always high, one frame every 9
  // cycles plus the owed flush beat: the path takes a beat every cycle but for that one.
  UdpRxBench tb(2, 0.0, 0.0);
  FrameGen gen(2);
  constexpr int kFrames = 1000;
  for (int i = 0; i < kFrames; ++i) tb.send(gen.valid(24), false);
  tb.run_until_idle();
  EXPECT_EQ(tb.counted().ok, static_cast<std::uint64_t>(kFrames));
  EXPECT_LE(tb.cycles(), static_cast<std::uint64_t>(kFrames) * 10 + 40);
}

class UdpRxRandom : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(UdpRxRandom, EveryFrameKindWithIdlesAndStalls) {
  const std::uint64_t seed = GetParam();
  UdpRxBench tb(seed, 0.2, 0.3);
  FrameGen gen(seed);
  for (int i = 0; i < 20000; ++i) {
    bool mac_error = false;
    const auto f = gen.any(mac_error);
    tb.send(f, mac_error);
  }
  tb.run_until_idle();
  const Counts& c = tb.counted();
  EXPECT_EQ(c, tb.expected_counts());
  EXPECT_GT(c.ok, 2000u);
  EXPECT_GT(c.not_for_us, 2000u);
  EXPECT_GT(c.malformed, 3000u);
  EXPECT_GT(c.mac_error, 500u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, UdpRxRandom, ::testing::Values(11u, 12u, 13u));

TEST(UdpRx, ResetInMidStreamLosesOnlyWhatWasInFlight) {
  UdpRxBench tb(21, 0.1, 0.2);
  FrameGen gen(21);
  std::mt19937_64 rng(21);
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 20; ++i) {
      bool mac_error = false;
      const auto f = gen.any(mac_error);
      tb.send(f, mac_error);
    }
    const int run = 20 + static_cast<int>(rng() % 150);
    for (int i = 0; i < run; ++i) tb.cycle();
    tb.reset(1 + static_cast<int>(rng() % 4));
  }
  for (int i = 0; i < 200; ++i) tb.send(gen.valid(24 + (i % 40)), false);
  tb.run_until_idle();
  EXPECT_EQ(tb.counted(), tb.expected_counts());
}

}  // namespace
}  // namespace perpgate::sim
