// Testbench of pg_axil_regs: identification, scratch with byte strobes, per-port configuration
// read back and driven out, 64-bit counters against a model (random pulses, lo/hi latching,
// clear), SLVERR on unmapped addresses; random delays on every channel.
#include <gtest/gtest.h>

#include <array>
#include <random>

#include "Vpg_axil_regs.h"
#include "axil_master.hpp"
#include "perpgate/reason.hpp"
#include "perpgate/regs.hpp"
#include "perpgate/wire.hpp"
#include "clocked_model.hpp"

namespace perpgate::sim {
namespace {

constexpr int kPorts = regs::kPortCount;
constexpr int kCounters = regs::kPortCounterCount;
constexpr int kReasons = kReasonCount;
constexpr int kErrors = kEngineErrorCount;
constexpr int kAll = kPorts * kCounters + kReasons + kErrors;   // the port counters, then decisions

class RegsBench {
 public:
  explicit RegsBench(std::uint64_t seed)
      : top_(seed), rng_(seed), bus_(top_, [this] { cycle(); }, seed + 1) {
    top_.assert_reset();
    top_->cnt_inc_i = 0;
    top_->mbox_ready_i = 0;
    top_->mbox_done_i = 0;
    top_->mbox_err_i = 0;
    top_->reason_inc_i = 0;
    top_->error_inc_i = 0;
    top_->core_events_i = 0x1234abcd;
    top_->core_idle_i = 1;
    for (int i = 0; i < 3; ++i) top_.tick();
    top_->rst_ni = 1;
  }
  // One clock; counter pulses (port, reason and error counters) are random while `pulses` is on,
  // and counted in the model.
  void cycle() {
    std::array<bool, kAll> inc{};
    std::uint32_t port = 0, reason = 0, error = 0;
    if (pulses_) {
      // a third of the time, a burst: every counter at once
      const bool all = rng_() % 3 == 0;
      for (int c = 0; c < kAll; ++c) inc[static_cast<std::size_t>(c)] = all || rng_() % 3 == 0;
    }
    for (int c = 0; c < kAll; ++c) {
      if (!inc[static_cast<std::size_t>(c)]) continue;
      if (c < kPorts * kCounters) port |= 1u << c;
      else if (c < kPorts * kCounters + kReasons) reason |= 1u << (c - kPorts * kCounters);
      else error |= 1u << (c - kPorts * kCounters - kReasons);
    }
    top_->cnt_inc_i = port;
    top_->reason_inc_i = reason;
    top_->error_inc_i = error;
    top_.settle();
    top_.tick();
    for (int c = 0; c < kAll; ++c) model_[static_cast<std::size_t>(c)] += inc[static_cast<std::size_t>(c)];
  }
  ClockedModel<Vpg_axil_regs>& top() { return top_; }
  AxilMaster<ClockedModel<Vpg_axil_regs>>& bus() { return bus_; }
  void pulses(bool on) { pulses_ = on; }
  std::uint64_t model(int port, int counter) const {
    return model_[static_cast<std::size_t>(port * kCounters + counter)];
  }
  std::uint64_t model(int index) const { return model_[static_cast<std::size_t>(index)]; }
  void clear_model() { model_.fill(0); }

 private:
  ClockedModel<Vpg_axil_regs> top_;
  std::mt19937_64 rng_;
  AxilMaster<ClockedModel<Vpg_axil_regs>> bus_;
  bool pulses_ = false;
  std::array<std::uint64_t, kAll> model_{};
};

TEST(AxilRegs, IdentificationAndScratchWithStrobes) {
  RegsBench tb(1);
  auto& bus = tb.bus();
  EXPECT_EQ(bus.read(regs::kId).data, regs::kIdValue);
  EXPECT_EQ(bus.read(regs::kVersion).data, wire::kVersion);
  EXPECT_EQ(bus.write(regs::kScratch, 0x11223344), 0);
  EXPECT_EQ(bus.read(regs::kScratch).data, 0x11223344u);
  EXPECT_EQ(bus.write(regs::kScratch, 0xaabbccdd, 0b0101), 0);
  EXPECT_EQ(bus.read(regs::kScratch).data, 0x11bb33ddu);
}

TEST(AxilRegs, PortConfigurationReadsBackAndDrivesOutputs) {
  RegsBench tb(2);
  auto& bus = tb.bus();
  for (int p = 0; p < kPorts; ++p) {
    const std::uint32_t b = static_cast<std::uint32_t>(p) * 0x01010101u;
    EXPECT_EQ(bus.write(regs::port_reg(p, regs::kPortIp), 0x0a000001 + b), 0);
    EXPECT_EQ(bus.write(regs::port_reg(p, regs::kPortUdpPort), 9000 + static_cast<std::uint32_t>(p)), 0);
    EXPECT_EQ(bus.write(regs::port_reg(p, regs::kPortMacLo), 0x33445566 + b), 0);
    EXPECT_EQ(bus.write(regs::port_reg(p, regs::kPortMacHi), 0x1122), 0);
    EXPECT_EQ(bus.write(regs::port_reg(p, regs::kPortPeerIp), 0x0a0000f0 + b), 0);
    EXPECT_EQ(bus.write(regs::port_reg(p, regs::kPortPeerUdpPort), 7000), 0);
    EXPECT_EQ(bus.write(regs::port_reg(p, regs::kPortPeerMacLo), 0xccddeeff), 0);
    EXPECT_EQ(bus.write(regs::port_reg(p, regs::kPortPeerMacHi), 0xaabb), 0);
  }
  for (int p = 0; p < kPorts; ++p) {
    const std::uint32_t b = static_cast<std::uint32_t>(p) * 0x01010101u;
    EXPECT_EQ(bus.read(regs::port_reg(p, regs::kPortIp)).data, 0x0a000001 + b);
    EXPECT_EQ(bus.read(regs::port_reg(p, regs::kPortUdpPort)).data, 9000u + static_cast<std::uint32_t>(p));
    EXPECT_EQ(bus.read(regs::port_reg(p, regs::kPortMacHi)).data, 0x1122u);
    EXPECT_EQ(bus.read(regs::port_reg(p, regs::kPortPeerMacLo)).data, 0xccddeeffu);
    auto& top = tb.top();
    EXPECT_EQ(top->cfg_ip_o[p], 0x0a000001 + b);
    EXPECT_EQ(top->cfg_peer_ip_o[p], 0x0a0000f0 + b);
  }
  // MAC of port 1: bits [95:48] of the flattened vector.
  auto& top = tb.top();
  const std::uint64_t mac1 = (static_cast<std::uint64_t>(top->cfg_mac_o[2] & 0xffffffff) << 16) | (top->cfg_mac_o[1] >> 16);
  EXPECT_EQ(mac1, 0x112233445566ull + 0x01010101ull);
}

TEST(AxilRegs, CountersMatchTheModelAndClear) {
  RegsBench tb(3);
  auto& bus = tb.bus();
  tb.pulses(true);
  for (int i = 0; i < 500; ++i) tb.cycle();
  tb.pulses(false);
  for (int p = 0; p < kPorts; ++p) {
    for (int c = 0; c < kCounters; ++c) {
      const std::uint32_t addr = regs::port_reg(p, regs::kPortFramesOk + 8u * static_cast<std::uint32_t>(c));
      EXPECT_EQ(bus.read64(addr), tb.model(p, c)) << "port " << p << " counter " << c;
    }
  }
  EXPECT_EQ(bus.write(regs::kCounterClear, 1), 0);
  tb.clear_model();
  EXPECT_EQ(bus.read64(regs::port_reg(2, regs::kPortMsgMalformed)), 0u);
  // Counting goes on while being read: lo and hi of one read pair stay consistent.
  tb.pulses(true);
  for (int i = 0; i < 50; ++i) {
    const std::uint64_t v = bus.read64(regs::port_reg(0, regs::kPortFramesOk));
    EXPECT_LE(v, tb.model(0, 0));
  }
}

// The address of counter i of the model's order (port counters, reasons, engine errors).
std::uint32_t counter_addr(int i) {
  if (i < kPorts * kCounters)
    return regs::port_reg(i / kCounters, regs::kPortFramesOk + 8u * static_cast<std::uint32_t>(i % kCounters));
  i -= kPorts * kCounters;
  if (i < kReasons) return regs::kReasonCounters + 8u * static_cast<std::uint32_t>(i);
  return regs::kErrorCounters + 8u * static_cast<std::uint32_t>(i - kReasons);
}

// Every counter, the decision counters included, exactly: zero out of reset (the totals are in
// LUT-RAM, which has no reset), after long random runs with bursts on every counter at once
// (pending counts up to their bound), after a clear, and counting on after it.
TEST(AxilRegs, EveryCounterExactOutOfResetAfterBurstsAndAfterAClear) {
  RegsBench tb(6);
  auto& bus = tb.bus();
  auto read_all = [&](const char* when) {
    for (int i = 0; i < kAll; ++i) EXPECT_EQ(bus.read64(counter_addr(i)), tb.model(i)) << when << ": counter " << i;
  };
  read_all("out of reset");
  tb.pulses(true);
  for (int i = 0; i < 3000; ++i) tb.cycle();
  tb.pulses(false);
  read_all("after pulses");
  EXPECT_EQ(bus.write(regs::kCounterClear, 1), 0);
  tb.clear_model();
  read_all("after the clear");
  tb.pulses(true);
  for (int i = 0; i < 200; ++i) tb.cycle();
  tb.pulses(false);
  read_all("counting on");
}

TEST(AxilRegs, CoreEventsAndStatusReadTheCore) {
  RegsBench tb(4);
  auto& bus = tb.bus();
  EXPECT_EQ(bus.read(regs::kCoreEvents).data, 0x1234abcdu);
  EXPECT_EQ(bus.read(regs::kCoreEvents).resp, 0);
  EXPECT_EQ(bus.read(regs::kCoreStatus).data, 1u);
}

TEST(AxilRegs, UnmappedAddressesAnswerSlvErr) {
  RegsBench tb(4);
  auto& bus = tb.bus();
  EXPECT_EQ(bus.read(0x018).resp, 2);
  EXPECT_EQ(bus.read(0x018).data, 0u);
  EXPECT_EQ(bus.write(0x018, 5), 2);
  EXPECT_EQ(bus.write(regs::kCoreEvents, 5), 2);  // read-only
  EXPECT_EQ(bus.write(regs::kId, 5), 2);  // read-only
  EXPECT_EQ(bus.read(regs::port_reg(0, 0x30)).resp, 2);
  EXPECT_EQ(bus.write(regs::port_reg(0, regs::kPortFramesOk), 5), 2);  // counters are read-only
  EXPECT_EQ(bus.read(regs::port_reg(kPorts, regs::kPortIp)).resp, 2);  // past the last port
  EXPECT_EQ(bus.read(regs::kId).data, regs::kIdValue);
}

// The command mailbox: arguments read back and drive the core side; the opcode write raises a
// request held until the core takes it; a second command while one runs is refused (SLVERR);
// completion clears busy, counts, and shows the core's error code and result words.
TEST(AxilRegs, MailboxHandsOneCommandAtATimeToTheCore) {
  RegsBench tb(5);
  auto& bus = tb.bus();
  auto& top = tb.top();
  for (int w = 0; w < 2 * regs::kMboxWords; ++w) {
    const auto a = regs::kMboxArgs + 4 * static_cast<std::uint32_t>(w);
    EXPECT_EQ(bus.write(a, 0x1000u + static_cast<std::uint32_t>(w)), 0);
    EXPECT_EQ(bus.read(a).data, 0x1000u + static_cast<std::uint32_t>(w));
  }
  EXPECT_EQ(top->mbox_args_o[3], 0x1003u);
  EXPECT_EQ(top->mbox_valid_o, 0);
  EXPECT_EQ(bus.write(regs::kMboxOp, static_cast<std::uint32_t>(regs::Command::kDeposit)), 0);
  top.settle();
  EXPECT_EQ(top->mbox_valid_o, 1);
  EXPECT_EQ(top->mbox_op_o, static_cast<std::uint32_t>(regs::Command::kDeposit));
  EXPECT_EQ(bus.read(regs::kMboxStatus).data & 1, 1u);                 // busy
  EXPECT_EQ(bus.write(regs::kMboxOp, 0xc1), 2);                        // refused while busy
  top->mbox_ready_i = 1;                                               // the core takes it
  tb.cycle();
  top->mbox_ready_i = 0;
  top.settle();
  EXPECT_EQ(top->mbox_valid_o, 0);
  EXPECT_EQ(bus.read(regs::kMboxStatus).data & 1, 1u);                 // still running
  for (int w = 0; w < 16; ++w) top->mbox_result_i[w] = 0xabc0u + static_cast<std::uint32_t>(w);
  top->mbox_err_i = 7;
  top->mbox_done_i = 1;
  tb.cycle();
  top->mbox_done_i = 0;
  EXPECT_EQ(bus.read(regs::kMboxStatus).data, 7u << 8);                // done, error code 7
  EXPECT_EQ(bus.read(regs::kMboxDone).data, 1u);
  EXPECT_EQ(bus.read64(regs::kMboxResult + 8), 0x0000abc3'0000abc2ULL);
  EXPECT_EQ(bus.write(regs::kMboxOp, 0xc1), 0);                        // the next one is taken
}

}  // namespace
}  // namespace perpgate::sim
