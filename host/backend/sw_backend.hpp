// The `sw` backend: the hls/ kernels compiled for the CPU, behind the Backend interface.
#pragma once

#include <memory>

#include "backend.hpp"
#include "perpgate/engine.hpp"

namespace perpgate {

class SwBackend final : public Backend {
 public:
  explicit SwBackend(DecisionSink& sink);

  void define_symbol(int sym, const SymbolConfig& cfg) override;
  void create_account(int acct, i64 collateral) override;
  void set_leverage(int acct, int sym, i64 lev) override;
  void set_rate_limit(int acct, i64 per_second) override;
  void deposit(int acct, i64 amount) override;
  void withdraw(int acct, i64 amount) override;
  void kill(int acct, KillMode mode) override;
  void advance_clock(i64 ts) override;
  void mark(int sym, i64 px) override;
  void index(int sym, i64 px) override;
  void book(int sym, i64 bid, i64 ask) override;
  void trade(int sym, i64 px) override;
  void funding(int sym, i64 rate) override;
  void order(const OrderEvent& o) override;
  void fill(const FillEvent& f) override;
  void cancel(i64 id) override;
  void query(int acct) override;

  // The golden model's state, for tests.
  const Engine<GatewayParams>& engine() const { return *engine_; }

  // A mark's revaluation in steps, as the card interleaves it with client orders (Engine).
  void set_walk_stepping(bool on) { engine_->set_walk_stepping(on); }
  bool walk_open() const { return engine_->walk_open(); }
  bool walk_step() { return engine_->walk_step(out_); }

 private:
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
  SinkAdapter out_;
  std::unique_ptr<Engine<GatewayParams>> engine_;  // megabytes of tables: on the heap, once
};

}  // namespace perpgate
