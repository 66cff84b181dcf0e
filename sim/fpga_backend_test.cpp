// The fpga backend against a fake XDMA driver whose card is the Verilated gateway: register
// accesses go to the RTL's AXI-Lite port, H2C writes become frames on its ports, C2H reads return
// the frames it sent; the card's clock runs on between host accesses, as a real card does. The
// backend's own code (ID check, event barrier over core_events/core_status, C2H sweeps, the card
// protocol) must give `replay` byte for byte what the sw backend gives.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <array>
#include <deque>
#include <fstream>
#include <sstream>

#include "backend/fpga_backend.hpp"
#include "backend/rtl_backend.hpp"
#include "perpgate/regs.hpp"
#include "replay/replayer.hpp"
#include "support/replay_support.hpp"
#include "replay/scenario_gen.hpp"

namespace perpgate {
namespace {

class FakeXdma final : public XdmaChannels {
 public:
  explicit FakeXdma(SimCard& card, std::uint32_t id_override = 0) : card_(card), id_override_(id_override) {}
  std::uint32_t user_read32(std::uint32_t offset) override {
    ++reads_;
    card_.step(3);  // the card runs on while the host is away
    if (offset == regs::kId && id_override_ != 0) return id_override_;
    return card_.read32(offset);
  }
  void user_write32(std::uint32_t offset, std::uint32_t value) override { card_.write32(offset, value); }
  void h2c_write(int channel, const std::uint8_t* frame, std::size_t len) override {
    card_.send_frame(channel, std::vector<std::uint8_t>(frame, frame + len));
  }
  std::size_t c2h_read(int channel, std::uint8_t* buf, std::size_t cap) override {
    card_.step(2);
    std::vector<CardFrame> done;
    card_.take_frames(done);
    for (CardFrame& f : done) queues_[static_cast<std::size_t>(f.port)].push_back(std::move(f.bytes));
    auto& q = queues_[static_cast<std::size_t>(channel)];
    if (q.empty()) return 0;
    const std::vector<std::uint8_t> f = std::move(q.front());
    q.pop_front();
    if (f.size() > cap) throw std::runtime_error("fake XDMA: frame larger than the read");
    std::copy(f.begin(), f.end(), buf);
    return f.size();
  }
  std::uint64_t reads() const { return reads_; }

 private:
  SimCard& card_;
  std::uint32_t id_override_;
  std::array<std::deque<std::vector<std::uint8_t>>, regs::kPortCount> queues_;
  std::uint64_t reads_ = 0;
};

std::string replay(const std::string& scenario, bool fpga) {
  std::string buf = scenario;
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  std::unique_ptr<SimCard> card = make_sim_card(RtlOptions{len, 0.0, 0.0});
  FakeXdma xdma(*card);
  std::unique_ptr<CardDevice> device;
  Replayer r(
      [&](DecisionSink& sink) -> std::unique_ptr<Backend> {
        if (!fpga) return make_backend("sw", sink);
        device = make_xdma_card(xdma);
        return make_card_backend(*device, sink);
      },
      nullptr);
  r.run(buf.data(), len, buf.size());
  if (fpga) EXPECT_GT(xdma.reads(), 0u);
  return r.output();
}

class FpgaGolden : public testing::TestWithParam<const char*> {};

TEST_P(FpgaGolden, OverFakeXdmaMatchesSw) {
  const std::string scenario = test::read_text_file(std::string(PERPGATE_GOLDEN_DIR) + "/" + GetParam() + ".jsonl");
  ASSERT_FALSE(scenario.empty());
  const std::string sw = replay(scenario, false);
  ASSERT_FALSE(sw.empty());
  EXPECT_EQ(replay(scenario, true), sw);
}

INSTANTIATE_TEST_SUITE_P(Golden, FpgaGolden,
                         testing::Values("contract_example", "reasons", "fills_funding", "local_mark", "errors", "kill_derisk"));

TEST(Fpga, GeneratedCrashScenarioOverFakeXdmaMatchesSw) {
  std::string scenario;
  generate_scenario(GenOptions{17, 40, 3'000, true, 0.1}, scenario);
  const std::string sw = replay(scenario, false);
  const std::string fpga = replay(scenario, true);
  ASSERT_EQ(fpga.size(), sw.size());
  EXPECT_TRUE(fpga == sw);
}

TEST(Fpga, RefusesACardThatIsNotAPerpgateBitstream) {
  std::unique_ptr<SimCard> card = make_sim_card();
  FakeXdma xdma(*card, 0xdeadbeef);
  try {
    make_xdma_card(xdma);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a perpgate bitstream"), std::string::npos) << e.what();
  }
}

TEST(Fpga, MissingDriverFilesSayWhichAndWhy) {
  try {
    open_xdma("/nonexistent/xdma0");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/nonexistent/xdma0_user"), std::string::npos) << what;
    EXPECT_NE(what.find("No such file"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace perpgate
