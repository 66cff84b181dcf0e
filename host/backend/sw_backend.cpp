// The `sw` backend: the hls/ kernels compiled for the CPU.
#include <memory>

#include "backend.hpp"
#include "perpgate/engine.hpp"

namespace perpgate {
namespace {

// Adapts the engine's compile-time sink to the virtual DecisionSink.
struct SinkAdapter {
  DecisionSink& s;
  void ack(i64 id) { s.ack(id); }
  void reject(i64 id, Reason r) { s.reject(id, r); }
  void canceled(i64 id) { s.canceled(id); }
  void liquidate(int a, i128 eq, i128 mm) { s.liquidate(a, eq, mm); }
  void mark(int sym, i64 px) { s.mark(sym, px); }
  void withdraw(int a, i64 amount, bool ok) { s.withdraw(a, amount, ok); }
  void account(int a, const AccountSnapshot& v) { s.account(a, v); }
  void error(const char* msg) { s.error(msg); }
};

class SwBackend final : public Backend {
 public:
  explicit SwBackend(DecisionSink& sink) : out_{sink}, engine_(std::make_unique<Engine<GatewayParams>>()) {}

  void define_symbol(int sym, const SymbolConfig& cfg) override { engine_->define_symbol(sym, cfg, out_); }
  void create_account(int acct, i64 collateral) override { engine_->create_account(acct, collateral, out_); }
  void set_leverage(int acct, int sym, i64 lev) override { engine_->set_leverage(acct, sym, lev, out_); }
  void set_rate_limit(int acct, i64 per_second) override { engine_->set_rate_limit(acct, per_second); }
  void deposit(int acct, i64 amount) override { engine_->deposit(acct, amount, out_); }
  void withdraw(int acct, i64 amount) override { engine_->withdraw(acct, amount, out_); }
  void kill(int acct, bool on) override {
    if (acct < 0) engine_->kill_all(on); else engine_->kill(acct, on);
  }
  void advance_clock(i64 ts) override { engine_->advance_clock(ts); }
  void mark(int sym, i64 px) override { engine_->on_mark(sym, px, out_); }
  void index(int sym, i64 px) override { engine_->on_index(sym, px, out_); }
  void book(int sym, i64 bid, i64 ask) override { engine_->on_book(sym, bid, ask, out_); }
  void trade(int sym, i64 px) override { engine_->on_trade(sym, px, out_); }
  void funding(int sym, i64 rate) override { engine_->on_funding(sym, rate, out_); }
  void order(const OrderEvent& o) override { engine_->on_order(o, out_); }
  void fill(const FillEvent& f) override { engine_->on_fill(f, out_); }
  void cancel(i64 id) override { engine_->on_cancel(id, out_); }
  void query(int acct) override { engine_->query(acct, out_); }

 private:
  SinkAdapter out_;
  std::unique_ptr<Engine<GatewayParams>> engine_;  // ~10 MB of tables: on the heap, once
};

}  // namespace

std::unique_ptr<Backend> make_backend(std::string_view name, DecisionSink& sink) {
  if (name == "sw") return std::make_unique<SwBackend>(sink);
  return nullptr;  // "rtl" and "fpga" arrive with their issues
}

}  // namespace perpgate
