// Testbench of pg_rx_port (receive path + message decoder): every inbound message type with random
// contents, malformed messages (unknown or outbound type, bad version, wrong length field, short
// and long payloads) and every bad frame kind, with idle cycles and consumer stalls. Each message
// out and each counter pulse is checked against the models of host/wire (udp_frame.hpp,
// codec.hpp), and the order set offered beside a new order, fill or cancel_ack against the golden
// model's (OrderTable::set_of).
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "Vpg_rx_port.h"
#include "axis_harness.hpp"
#include "frame_gen.hpp"
#include "clocked_model.hpp"
#include "perpgate/order_table.hpp"
#include "wire/codec.hpp"

namespace perpgate::sim {
namespace {

using wire::FrameVerdict;

struct Counts {
  std::uint64_t frames_ok = 0, not_for_us = 0, malformed = 0, mac_error = 0, msg_ok = 0, msg_bad = 0;
  bool operator==(const Counts&) const = default;
};

class RxPortBench {
 public:
  RxPortBench(std::uint64_t seed, double idle, double stall)
      : top_(seed), src_(seed, idle), rng_(seed + 7), stall_(stall) {
    top_->cfg_ip_i = kOurIp;
    top_->cfg_port_i = kOurPort;
    top_.assert_reset();
    for (int i = 0; i < 4; ++i) cycle();
    top_->rst_ni = 1;
  }

  void send(const std::vector<std::uint8_t>& frame, bool mac_error) {
    src_.push(Packet{frame, mac_error});
    inflight_.push_back({frame, mac_error, false});
  }

  // The frame with its full beat `beat` sent as two half-full beats, lanes 0-3 and then lanes 4-7
  // moved to 0-3: the same byte stream, which the receive path passes (it counts bytes), and whose
  // payload the message decoder counts malformed (it gathers whole 8-byte words).
  void send_split(const std::vector<std::uint8_t>& frame, std::size_t beat) {
    std::vector<Beat> beats = to_beats(Packet{frame, false});
    ASSERT_LT(beat + 1, beats.size());
    ASSERT_EQ(beats[beat].keep, 0xff);
    Beat lo = beats[beat];
    Beat hi = beats[beat];
    lo.data &= 0xffff'ffffu;
    lo.keep = 0x0f;
    hi.data >>= 32;
    hi.keep = 0x0f;
    beats[beat] = lo;
    beats.insert(beats.begin() + static_cast<std::ptrdiff_t>(beat) + 1, hi);
    src_.push(beats);
    inflight_.push_back({frame, false, true});
  }

  void cycle() {
    const bool valid = top_->rst_ni && src_.valid();
    if (valid) {
      const Beat& b = src_.beat();
      top_->s_axis_tdata = b.data;
      top_->s_axis_tkeep = b.keep;
      top_->s_axis_tlast = b.last;
      top_->s_axis_tuser = b.user;
    }
    top_->s_axis_tvalid = valid;
    const bool ready = !std::bernoulli_distribution(stall_)(rng_);
    top_->msg_ready_i = ready;
    top_.settle();
    const bool in_fire = valid && top_->s_axis_tready;
    const bool msg_fire = top_->msg_valid_o && ready;
    std::vector<std::uint8_t> msg;
    std::uint32_t set = 0;
    if (msg_fire) {
      for (int w = 0; w < 16; ++w) {
        const std::uint32_t word = top_->msg_data_o[w];
        for (int k = 0; k < 4; ++k) msg.push_back(static_cast<std::uint8_t>(word >> (8 * k)));
      }
      EXPECT_EQ(top_->msg_type_o, msg[0]);
      set = top_->msg_set_o;
    }
    // The peek: how many cycles in a row it has shown the same account and symbol, up to this one.
    // (the message register: the account is its word 4, the symbol the low half of word 5)
    static_assert(wire::NewOrder::kAcct % 4 == 0 && wire::NewOrder::kSym % 4 == 0);
    const std::pair<std::uint32_t, std::uint32_t> peek{top_->msg_data_o[wire::NewOrder::kAcct / 4],
                                                       top_->msg_data_o[wire::NewOrder::kSym / 4] & 0xffffu};
    peek_run_ = top_->peek_valid_o ? (peek_run_ > 0 && peek == peek_last_ ? peek_run_ + 1 : 1) : 0;
    peek_last_ = peek;
    got_.frames_ok += top_->frame_ok_o;
    got_.not_for_us += top_->drop_not_for_us_o;
    got_.malformed += top_->drop_malformed_o;
    got_.mac_error += top_->drop_mac_error_o;
    got_.msg_ok += top_->msg_ok_o;
    got_.msg_bad += top_->msg_malformed_o;
    top_.tick();
    if (!top_->rst_ni) return;
    if (in_fire) {
      const bool last = src_.beat().last;
      src_.taken();
      if (last) frame_done();
    }
    if (msg_fire) {
      ASSERT_FALSE(expected_.empty()) << "a message that no frame owed";
      const std::vector<std::uint8_t>& want = expected_.front();
      msg.resize(want.size());  // bytes past the message's size are not part of it
      EXPECT_EQ(msg, want);
      check_set(want, set);
      check_peek(want);
      expected_.pop_front();
    }
  }

  void run_until_idle() {
    for (int i = 0; i < 2'000'000 && !(src_.idle() && expected_.empty()); ++i) cycle();
    for (int i = 0; i < 20; ++i) cycle();
    EXPECT_TRUE(expected_.empty()) << expected_.size() << " messages never came out";
    EXPECT_EQ(got_, want_);
  }
  const Counts& counted() const { return got_; }
  std::uint64_t sets_checked() const { return sets_checked_; }
  std::uint64_t peeks_checked() const { return peeks_checked_; }
  std::uint64_t cycles() const { return top_.cycles(); }

 private:
  void frame_done() {
    const auto [frame, mac_error, split] = inflight_.front();
    inflight_.pop_front();
    const wire::FrameClass c = wire::classify_frame(frame, mac_error, kOurIp, kOurPort);
    switch (c.verdict) {
      case FrameVerdict::kPass: ++want_.frames_ok; break;
      case FrameVerdict::kNotForUs: ++want_.not_for_us; break;
      case FrameVerdict::kMalformed: ++want_.malformed; break;
      case FrameVerdict::kMacError: ++want_.mac_error; break;
    }
    if (c.verdict != FrameVerdict::kPass) return;
    const std::uint8_t* payload = frame.data() + wire::kPayloadOffset;
    const std::size_t len = frame.size() - wire::kPayloadOffset;
    if (wire::inbound_message_ok(payload, len) && !split) {
      ++want_.msg_ok;
      expected_.emplace_back(payload, payload + len);
    } else {
      ++want_.msg_bad;
    }
  }

  // The order set the core reads for this message (the golden model's), where it reads one.
  void check_set(const std::vector<std::uint8_t>& m, std::uint32_t set) {
    std::size_t id_off = 0;
    switch (static_cast<wire::MsgType>(m[wire::header::kType])) {
      case wire::NewOrder::kType: id_off = wire::NewOrder::kId; break;
      case wire::Fill::kType: id_off = wire::Fill::kId; break;
      case wire::CancelAck::kType: id_off = wire::CancelAck::kId; break;
      default: return;
    }
    const auto id = static_cast<i64>(wire::get_le<std::uint64_t>(&m[id_off]));
    EXPECT_EQ(set, static_cast<std::uint32_t>(OrderTable<DefaultParams>::set_of(id))) << "order id " << id;
    ++sets_checked_;
  }

  // A new order's account and symbol were shown ahead of it (peek_*), unchanged, for at least the
  // three cycles its last beats take at line rate; no other message shows them.
  void check_peek(const std::vector<std::uint8_t>& m) {
    if (static_cast<wire::MsgType>(m[wire::header::kType]) != wire::NewOrder::kType) {
      EXPECT_EQ(peek_run_, 0u) << "a peek beside a message that is not a new order";
      return;
    }
    EXPECT_EQ(peek_last_.first, wire::get_le<std::uint32_t>(&m[wire::NewOrder::kAcct]));
    EXPECT_EQ(peek_last_.second, wire::get_le<std::uint16_t>(&m[wire::NewOrder::kSym]));
    EXPECT_GE(peek_run_, 4u) << "the peek came less than three cycles ahead";
    ++peeks_checked_;
  }

  std::uint64_t sets_checked_ = 0;
  std::uint64_t peeks_checked_ = 0;
  std::uint32_t peek_run_ = 0;
  std::pair<std::uint32_t, std::uint32_t> peek_last_{};
  ClockedModel<Vpg_rx_port> top_;
  AxisSource src_;
  std::mt19937_64 rng_;
  double stall_;
  struct Sent {
    std::vector<std::uint8_t> frame;
    bool mac_error;
    bool split;  // sent by send_split
  };
  std::deque<Sent> inflight_;
  std::deque<std::vector<std::uint8_t>> expected_;
  Counts want_, got_;
};

// A random well-formed inbound message, or one malformed in a random way.
std::vector<std::uint8_t> random_message(std::mt19937_64& rng, bool malformed) {
  std::vector<std::uint8_t> m;
  switch (rng() % 9) {
    case 0: {
      OrderEvent o;
      o.acct = static_cast<std::int32_t>(rng() % 2000);
      o.sym = static_cast<std::int32_t>(rng() % 70);
      o.id = static_cast<i64>(rng() >> 1);
      o.buy = rng() & 1;
      o.reduce_only = rng() & 1;
      o.qty = static_cast<i64>(rng() >> 4);
      o.px = static_cast<i64>(rng() >> 4);
      m = wire::encode_new_order(o, 7, rng());
      break;
    }
    case 1: m = wire::encode_fill(FillEvent{static_cast<i64>(rng() >> 1), 5, 6, -7}, 7, rng()); break;
    case 2: m = wire::encode_cancel_ack(static_cast<i64>(rng() >> 1), 7, rng()); break;
    case 3: m = wire::encode_price<wire::Mark>(static_cast<int>(rng() % 64), static_cast<i64>(rng() >> 8), 1, 7, rng()); break;
    case 4: m = wire::encode_price<wire::Index>(static_cast<int>(rng() % 64), static_cast<i64>(rng() >> 8), 2, 7, rng()); break;
    case 5: m = wire::encode_price<wire::Trade>(static_cast<int>(rng() % 64), static_cast<i64>(rng() >> 8), 3, 7, rng()); break;
    case 6: m = wire::encode_book_top(static_cast<int>(rng() % 64), 1, 2, 3, 7, rng()); break;
    case 7: m = wire::encode_funding(static_cast<int>(rng() % 64), -5, 7, rng()); break;
    default: {
      m = wire::new_message<wire::Cancel>(7, rng());
      wire::put_le<std::uint64_t>(&m[wire::Cancel::kId], rng());
    }
  }
  if (!malformed) return m;
  switch (rng() % 7) {
    case 0: m[wire::header::kType] = 0x81; break;                   // an outbound type (ack)
    case 1: m[wire::header::kType] = static_cast<std::uint8_t>(0x40 + rng() % 16); break;  // unknown
    case 2: m[wire::header::kVersion] = 2; break;
    case 3: wire::put_le<std::uint16_t>(&m[wire::header::kLength], static_cast<std::uint16_t>(m.size() + 8)); break;
    case 4: m.resize(m.size() - 8); wire::put_le<std::uint16_t>(&m[wire::header::kLength], static_cast<std::uint16_t>(m.size())); break;
    case 5: m.resize(m.size() + 1 + rng() % 7); break;              // not whole words (a partial last beat)
    default: m.resize(64 + 8 * (1 + rng() % 4)); break;             // longer than any message
  }
  return m;
}

TEST(RxPort, EveryInboundTypeDecodedBackToBack) {
  RxPortBench tb(1, 0.0, 0.0);
  FrameGen gen(1);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i) tb.send(gen.around(random_message(rng, false)), false);
  tb.run_until_idle();
  EXPECT_EQ(tb.counted().msg_ok, 2000u);
  EXPECT_GT(tb.sets_checked(), 500u);   // a third of the types carry an order id
  EXPECT_GT(tb.peeks_checked(), 150u);  // one in nine is a new order
}

// A partial beat inside a payload (a stream whose bytes are all there, in order, but not packed):
// counted malformed and not offered, whatever beat it is; the same message packed goes through.
TEST(RxPort, PartialBeatInsideAPayloadIsMalformed) {
  RxPortBench tb(2, 0.0, 0.0);
  FrameGen gen(2);
  std::mt19937_64 rng(2);
  const std::size_t first_payload_beat = wire::kPayloadOffset / 8;  // lanes 2-7 of it
  std::uint64_t split = 0;
  for (int i = 0; i < 200; ++i) {
    const auto frame = gen.around(random_message(rng, false));
    const std::size_t beats = (frame.size() + 7) / 8;
    for (std::size_t b = first_payload_beat; b + 1 < beats; ++b, ++split) tb.send_split(frame, b);
    tb.send(frame, false);
  }
  tb.run_until_idle();
  EXPECT_EQ(tb.counted().frames_ok, 200u + split);
  EXPECT_EQ(tb.counted().msg_bad, split);
  EXPECT_EQ(tb.counted().msg_ok, 200u);
  EXPECT_GT(split, 400u);
}

class RxPortRandom : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(RxPortRandom, MalformedMessagesAndFramesWithIdlesAndStalls) {
  const std::uint64_t seed = GetParam();
  RxPortBench tb(seed, 0.15, 0.4);
  FrameGen gen(seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 10000; ++i) {
    const auto msg = random_message(rng, rng() % 4 == 0);
    bool mac_error = false;
    const auto frame = rng() % 3 == 0 ? gen.any(mac_error, msg) : gen.around(msg);
    tb.send(frame, mac_error);
  }
  tb.run_until_idle();
  EXPECT_GT(tb.counted().msg_ok, 4000u);
  EXPECT_GT(tb.counted().msg_bad, 1000u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RxPortRandom, ::testing::Values(31u, 32u));

}  // namespace
}  // namespace perpgate::sim
