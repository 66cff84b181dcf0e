// Testbench of pg_udp_tx: random messages and port configurations; every frame out must equal,
// byte for byte, the frame host/wire/udp_frame.hpp builds for that message, with tready stalls.
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "Vpg_udp_tx.h"
#include "axis_harness.hpp"
#include "clocked_model.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate::sim {
namespace {

std::uint64_t mac_bits(const std::uint8_t* mac) {
  std::uint64_t v = 0;
  for (int i = 0; i < 6; ++i) v = v << 8 | mac[i];
  return v;
}

class UdpTxBench {
 public:
  UdpTxBench(std::uint64_t seed, double stall) : top_(seed), sink_(seed + 1, stall), rng_(seed) {
    for (auto& b : src_.mac) b = static_cast<std::uint8_t>(rng_());
    for (auto& b : dst_.mac) b = static_cast<std::uint8_t>(rng_());
    src_.ip = static_cast<std::uint32_t>(rng_());
    dst_.ip = static_cast<std::uint32_t>(rng_());
    src_.port = static_cast<std::uint16_t>(rng_());
    dst_.port = static_cast<std::uint16_t>(rng_());
    top_->cfg_src_mac_i = mac_bits(src_.mac);
    top_->cfg_dst_mac_i = mac_bits(dst_.mac);
    top_->cfg_src_ip_i = src_.ip;
    top_->cfg_dst_ip_i = dst_.ip;
    top_->cfg_src_port_i = src_.port;
    top_->cfg_dst_port_i = dst_.port;
    top_->msg_valid_i = 0;
    top_->msg_soon_i = 0;
    top_.assert_reset();
    for (int i = 0; i < 3; ++i) top_.tick();
    top_->rst_ni = 1;
  }

  void queue(std::vector<std::uint8_t> msg) { pending_.push_back(std::move(msg)); }

  void run() {
    std::uint64_t taken_at = 0;
    bool first_beat_due = false;
    // Between messages 0-3 idle cycles, or (one in three) 12-19, past a frame's length so that
    // the port is idle; in half of the gaps the last idle cycle announces the message
    // (msg_soon_i), as the risk core does for an order's reply.
    int gap = 0;
    bool announce = false;
    for (int guard = 0; guard < 1'000'000 && !(pending_.empty() && expected_.empty()); ++guard) {
      const bool offer = !pending_.empty() && gap == 0;
      const bool soon = !pending_.empty() && gap == 1 && announce;
      const bool idle_port = expected_.empty();             // every frame taken has left
      if (offer) {
        const auto& m = pending_.front();
        top_->msg_len_i = static_cast<std::uint8_t>(m.size());
        for (int w = 0; w < 16; ++w) {
          std::uint32_t word = 0;
          for (int k = 0; k < 4; ++k) {
            const std::size_t i = static_cast<std::size_t>(4 * w + k);
            word |= static_cast<std::uint32_t>(i < m.size() ? m[i] : static_cast<std::uint8_t>(rng_())) << (8 * k);
          }
          top_->msg_data_i[w] = word;
        }
      }
      top_->msg_valid_i = offer;
      top_->msg_soon_i = soon;
      top_->m_axis_tready = sink_.ready();
      top_.settle();
      if (soon && idle_port) {
        EXPECT_TRUE(top_->m_axis_tvalid) << "an idle port told of a message sends no beat";
        ++early_beats_;
      }
      const bool took = offer && top_->msg_ready_o;
      if (first_beat_due && top_->m_axis_tvalid) {
        EXPECT_EQ(top_.cycles(), taken_at + 1) << "first beat not on the cycle after the message";
        first_beat_due = false;
      }
      const Beat out{top_->m_axis_tdata, top_->m_axis_tkeep, static_cast<bool>(top_->m_axis_tlast),
                     static_cast<bool>(top_->m_axis_tuser)};
      const bool valid = top_->m_axis_tvalid;
      // A message taken by an idle port has its first beat out in that cycle (the Ethernet
      // addresses, from the configuration); one taken as the previous frame's last beat leaves,
      // in the next.
      if (took && !(valid && out.last)) EXPECT_TRUE(valid) << "first beat not in the cycle the message is taken";
      const bool behind_a_frame = took && valid && out.last;
      top_.tick();
      if (gap > 0) --gap;
      if (took) {
        gap = static_cast<int>(rng_() % 3 == 0 ? 12 + rng_() % 8 : rng_() % 4);
        announce = (rng_() & 1) != 0;
        expected_.push_back(wire::build_udp_frame(src_, dst_, pending_.front().data(), pending_.front().size()));
        pending_.pop_front();
        taken_at = top_.cycles() - 1;
        first_beat_due = behind_a_frame;
      }
      if (sink_.observe(valid, out)) {
        ASSERT_FALSE(expected_.empty());
        EXPECT_EQ(sink_.packets().front().bytes, expected_.front());
        sink_.packets().pop_front();
        expected_.pop_front();
        ++frames_;
      }
    }
    EXPECT_TRUE(expected_.empty());
  }
  std::uint64_t frames() const { return frames_; }
  std::uint64_t early_beats() const { return early_beats_; }
  std::uint64_t cycles() const { return top_.cycles(); }

 private:
  ClockedModel<Vpg_udp_tx> top_;
  AxisSink sink_;
  std::mt19937_64 rng_;
  wire::UdpEndpoint src_, dst_;
  std::deque<std::vector<std::uint8_t>> pending_;
  std::deque<std::vector<std::uint8_t>> expected_;
  std::uint64_t frames_ = 0;
  std::uint64_t early_beats_ = 0;                           // first beats sent before the message
};

class UdpTxRandom : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(UdpTxRandom, FramesMatchTheReferenceBuilder) {
  const std::uint64_t seed = GetParam();
  UdpTxBench tb(seed, seed % 2 ? 0.3 : 0.0);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 3000; ++i) {
    std::vector<std::uint8_t> m(16 + 8 * (rng() % 7));
    for (auto& b : m) b = static_cast<std::uint8_t>(rng());
    tb.queue(std::move(m));
  }
  tb.run();
  EXPECT_EQ(tb.frames(), 3000u);
  EXPECT_GT(tb.early_beats(), 100u);                        // the announced path ran
}

INSTANTIATE_TEST_SUITE_P(Seeds, UdpTxRandom, ::testing::Values(41u, 42u, 43u));

}  // namespace
}  // namespace perpgate::sim
