// A cycle-level AXI4-Lite master for Verilator testbenches: one write or read at a time, with
// random delays before valid and before bready/rready, checking that the slave's responses
// arrive only after the handshakes. `Top` needs the s_axil_* ports of pg_axil_regs.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>

namespace perpgate::sim {

struct AxilResult {
  std::uint32_t data = 0;
  std::uint8_t resp = 0;  // 0 OKAY, 2 SLVERR
};

template <class Model>
class AxilMaster {
 public:
  // `cycle` advances the clock by one (sampling is the caller's business: inputs set here are
  // applied on that cycle).
  AxilMaster(Model& top, std::function<void()> cycle, std::uint64_t seed, int max_delay = 3)
      : top_(top), cycle_(std::move(cycle)), rng_(seed), max_delay_(max_delay) {
    top_->s_axil_awvalid = 0;  // inputs start random: nothing may look like a request
    top_->s_axil_wvalid = 0;
    top_->s_axil_arvalid = 0;
    top_->s_axil_bready = 0;
    top_->s_axil_rready = 0;
  }

  std::uint8_t write(std::uint32_t addr, std::uint32_t data, std::uint8_t strb = 0xf) {
    delay();
    top_->s_axil_awaddr = addr;
    top_->s_axil_wdata = data;
    top_->s_axil_wstrb = strb;
    top_->s_axil_awvalid = 1;
    top_->s_axil_wvalid = 1;
    top_->s_axil_bready = 0;
    int guard = 0;
    while (true) {
      top_.settle();
      const bool done = top_->s_axil_awready;
      EXPECT_EQ(top_->s_axil_awready, top_->s_axil_wready);
      cycle_();
      if (done) break;
      if (++guard == 100) {
        ADD_FAILURE() << "no awready";
        break;
      }
    }
    top_->s_axil_awvalid = 0;
    top_->s_axil_wvalid = 0;
    delay();
    top_->s_axil_bready = 1;
    std::uint8_t resp = 0;
    for (guard = 0;; ++guard) {
      top_.settle();
      const bool done = top_->s_axil_bvalid;
      resp = top_->s_axil_bresp;
      cycle_();
      if (done) break;
      if (guard == 100) {
        ADD_FAILURE() << "no bvalid";
        break;
      }
    }
    top_->s_axil_bready = 0;
    return resp;
  }

  AxilResult read(std::uint32_t addr) {
    delay();
    top_->s_axil_araddr = addr;
    top_->s_axil_arvalid = 1;
    top_->s_axil_rready = 0;
    int guard = 0;
    while (true) {
      top_.settle();
      const bool done = top_->s_axil_arready;
      cycle_();
      if (done) break;
      if (++guard == 100) {
        ADD_FAILURE() << "no arready";
        break;
      }
    }
    top_->s_axil_arvalid = 0;
    delay();
    top_->s_axil_rready = 1;
    AxilResult r;
    for (guard = 0;; ++guard) {
      top_.settle();
      const bool done = top_->s_axil_rvalid;
      r = AxilResult{top_->s_axil_rdata, top_->s_axil_rresp};
      cycle_();
      if (done) break;
      if (guard == 100) {
        ADD_FAILURE() << "no rvalid";
        break;
      }
    }
    top_->s_axil_rready = 0;
    return r;
  }

  // A 64-bit counter: lo (latches hi), then hi.
  std::uint64_t read64(std::uint32_t addr) {
    const std::uint64_t lo = read(addr).data;
    const std::uint64_t hi = read(addr + 4).data;
    return hi << 32 | lo;
  }

 private:
  void delay() {
    const int n = max_delay_ > 0 ? static_cast<int>(rng_() % static_cast<std::uint64_t>(max_delay_ + 1)) : 0;
    for (int i = 0; i < n; ++i) cycle_();
  }

  Model& top_;
  std::function<void()> cycle_;
  std::mt19937_64 rng_;
  int max_delay_;
};

}  // namespace perpgate::sim
