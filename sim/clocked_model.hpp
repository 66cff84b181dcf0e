// A Verilated model with its context, random initial state, waves on request (PERPGATE_WAVES=
// file.fst) and a clock: what every testbench here starts from.
#pragma once

#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace perpgate::sim {

template <class Model>
class ClockedModel {
 public:
  explicit ClockedModel(std::uint64_t seed) : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(2);  // registers without a reset start random
    ctx_->randSeed(static_cast<int>(seed));
    top_ = std::make_unique<Model>(ctx_.get());
    if (const char* waves = std::getenv("PERPGATE_WAVES")) {
      ctx_->traceEverOn(true);
      trace_ = std::make_unique<VerilatedFstC>();
      top_->trace(trace_.get(), 99);
      trace_->open(waves);
    }
  }
  ~ClockedModel() {
    if (trace_) trace_->close();
    top_->final();
  }
  ClockedModel(const ClockedModel&) = delete;
  ClockedModel& operator=(const ClockedModel&) = delete;

  Model* operator->() { return top_.get(); }
  // Asserts the active-low asynchronous reset with a real falling edge, so that registers with an
  // asynchronous reset take it at once (a reset low from time 0 has no edge to act on).
  void assert_reset() {
    top_->rst_ni = 1;
    top_->eval();
    top_->rst_ni = 0;
    top_->eval();
  }
  // Settles the inputs set for this cycle (clock low), so outputs can be sampled before the edge.
  void settle() {
    top_->clk_i = 0;
    top_->eval();
  }
  // The rising edge, then the clock low again.
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
  std::uint64_t cycles() const { return cycles_; }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> top_;
  std::unique_ptr<VerilatedFstC> trace_;
  std::uint64_t cycles_ = 0;
};

}  // namespace perpgate::sim
