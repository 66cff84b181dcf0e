// Testbench of pg_udp_rx: random frames (valid, not for us, malformed in every way the receive
// path checks, MAC errors, random bytes), random idle cycles on ingress, random tready stalls on
// egress, resets in mid-stream. A scoreboard compares every payload and every counter pulse with
// the frame model of host/wire/udp_frame.hpp. Waves: PERPGATE_WAVES=file.fst.
#include <gtest/gtest.h>
#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdlib>
#include <memory>
#include <random>

#include "Vpg_udp_rx.h"
#include "axis_harness.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate::sim {
namespace {

using wire::FrameVerdict;

constexpr std::uint32_t kOurIp = 0x0a000002;  // 10.0.0.2
constexpr std::uint16_t kOurPort = 9000;

struct Counts {
  std::uint64_t ok = 0, not_for_us = 0, malformed = 0, mac_error = 0;
  bool operator==(const Counts&) const = default;
};

class UdpRxBench {
 public:
  UdpRxBench(std::uint64_t seed, double idle, double stall)
      : ctx_(std::make_unique<VerilatedContext>()), src_(seed, idle), sink_(seed + 1, stall) {
    ctx_->randReset(2);  // registers without reset start random
    ctx_->randSeed(static_cast<int>(seed));
    top_ = std::make_unique<Vpg_udp_rx>(ctx_.get());
    if (const char* waves = std::getenv("PERPGATE_WAVES")) {
      ctx_->traceEverOn(true);
      trace_ = std::make_unique<VerilatedFstC>();
      top_->trace(trace_.get(), 99);
      trace_->open(waves);
    }
    top_->cfg_ip_i = kOurIp;
    top_->cfg_port_i = kOurPort;
    reset(4);
  }
  ~UdpRxBench() {
    if (trace_) trace_->close();
    top_->final();
  }

  // Queues a frame and what the model says it must produce.
  void send(const std::vector<std::uint8_t>& frame, bool mac_error) {
    src_.push(Packet{frame, mac_error});
    inflight_.push_back(Pending{frame, mac_error});
  }

  void reset(int cycles) {
    top_->rst_ni = 0;
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
    top_->clk_i = 0;
    top_->eval();
    // Sample before the edge.
    const bool in_fire = valid && top_->s_axis_tready;
    const Beat out{top_->m_axis_tdata, top_->m_axis_tkeep, static_cast<bool>(top_->m_axis_tlast),
                   static_cast<bool>(top_->m_axis_tuser)};
    const bool out_valid = top_->m_axis_tvalid;
    const Counts pulses{top_->frame_ok_o, top_->drop_not_for_us_o, top_->drop_malformed_o, top_->drop_mac_error_o};
    tick();
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
  std::uint64_t cycles() const { return cycles_; }

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

  void tick() {
    top_->clk_i = 1;
    top_->eval();
    ctx_->timeInc(1);
    if (trace_) trace_->dump(ctx_->time());
    top_->clk_i = 0;
    top_->eval();
    ctx_->timeInc(1);
    if (trace_) trace_->dump(ctx_->time());
    ++cycles_;
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Vpg_udp_rx> top_;
  std::unique_ptr<VerilatedFstC> trace_;
  AxisSource src_;
  AxisSink sink_;
  std::deque<Pending> inflight_;
  std::deque<Packet> expected_;
  Counts want_, got_;
  std::uint64_t frames_ = 0, cycles_ = 0;
};

// ---- frame generator ---------------------------------------------------------------------------

struct FrameGen {
  std::mt19937_64 rng;
  wire::UdpEndpoint src, dst;

  explicit FrameGen(std::uint64_t seed) : rng(seed) {
    src.ip = 0x0a000001;
    src.port = 40000;
    dst.ip = kOurIp;
    dst.port = kOurPort;
  }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }

  std::vector<std::uint8_t> valid(std::size_t len) {
    std::vector<std::uint8_t> payload(len);
    for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    return wire::build_udp_frame(src, dst, payload.data(), payload.size(), static_cast<std::uint16_t>(rng()));
  }
  static void refresh_checksum(std::vector<std::uint8_t>& f) {
    wire::put_be16(&f[24], 0);
    wire::put_be16(&f[24], wire::ipv4_checksum(&f[14]));
  }

  // A frame of a random kind; mac_error set for the MAC-error kind.
  std::vector<std::uint8_t> any(bool& mac_error) {
    mac_error = false;
    std::vector<std::uint8_t> f = valid(pick(90));
    switch (pick(16)) {
      case 0: wire::put_be16(&f[12], 0x86dd); break;                       // IPv6: not for us
      case 1: f[23] = 6; refresh_checksum(f); break;                       // TCP: not for us
      case 2: wire::put_be32(&f[30], 0x0a0000ff); refresh_checksum(f); break;  // other host
      case 3: wire::put_be16(&f[36], kOurPort + 1); break;                 // other port
      case 4: f[24] ^= 0x10; break;                                        // bad IP checksum
      case 5: f[14] = 0x46; refresh_checksum(f); break;                    // IP options
      case 6: wire::put_be16(&f[20], 0x2000); refresh_checksum(f); break;  // more fragments
      case 7: wire::put_be16(&f[20], 0x0010); refresh_checksum(f); break;  // fragment offset
      case 8: wire::put_be16(&f[38], static_cast<std::uint16_t>(wire::get_be16(&f[38]) + 2)); break;  // UDP len
      case 9: {  // IP says more than the frame holds: caught at the frame's end
        wire::put_be16(&f[16], static_cast<std::uint16_t>(wire::get_be16(&f[16]) + 4));
        wire::put_be16(&f[38], static_cast<std::uint16_t>(wire::get_be16(&f[38]) + 4));
        refresh_checksum(f);
        break;
      }
      case 10: f.resize(f.size() + 1 + pick(12), 0); break;   // trailing bytes
      case 11: f.resize(1 + pick(f.size())); break;           // truncated anywhere
      case 12: mac_error = true; break;                       // bad FCS seen by the MAC
      case 13: {                                              // random bytes
        f.resize(1 + pick(120));
        for (auto& b : f) b = static_cast<std::uint8_t>(rng());
        break;
      }
      default: break;                                         // valid
    }
    return f;
  }
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
