// The one interface every backend implements: `sw` (the hls/ kernels on the CPU), `rtl` (the
// Verilated RTL in-process) and `fpga` (a card over PCIe). Inputs are decoded events in table
// indices and fixed point; decisions come back through a DecisionSink in the order caused.
#pragma once

#include <memory>
#include <string_view>

#include "perpgate/events.hpp"
#include "perpgate/params.hpp"
#include "perpgate/reason.hpp"
#include "perpgate/state.hpp"

namespace perpgate {

using GatewayParams = DefaultParams;
using AccountSnapshot = AccountView<GatewayParams>;

class DecisionSink {
 public:
  virtual ~DecisionSink() = default;
  virtual void ack(i64 id) = 0;
  virtual void reject(i64 id, Reason reason) = 0;
  virtual void canceled(i64 id) = 0;
  virtual void liquidate(int acct, i128 equity, i128 mm) = 0;
  virtual void mark(int sym, i64 px) = 0;
  virtual void withdraw(int acct, i64 amount, bool ok) = 0;
  virtual void account(int acct, const AccountSnapshot& view) = 0;
  virtual void error(const char* msg) = 0;
};

// A sink that ignores every decision: for drivers that only need some of them (override those).
class NullDecisionSink : public DecisionSink {
 public:
  void ack(i64) override {}
  void reject(i64, Reason) override {}
  void canceled(i64) override {}
  void liquidate(int, i128, i128) override {}
  void mark(int, i64) override {}
  void withdraw(int, i64, bool) override {}
  void account(int, const AccountSnapshot&) override {}
  void error(const char*) override {}
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Control plane.
  virtual void define_symbol(int sym, const SymbolConfig& cfg) = 0;
  virtual void create_account(int acct, i64 collateral) = 0;
  virtual void set_leverage(int acct, int sym, i64 lev) = 0;
  virtual void set_rate_limit(int acct, i64 per_second) = 0;
  virtual void deposit(int acct, i64 amount) = 0;
  virtual void withdraw(int acct, i64 amount) = 0;
  virtual void kill(int acct, KillMode mode) = 0;  // acct -1: all accounts
  virtual void advance_clock(i64 ts) = 0;
  // Market data.
  virtual void mark(int sym, i64 px) = 0;
  virtual void index(int sym, i64 px) = 0;
  virtual void book(int sym, i64 bid, i64 ask) = 0;
  virtual void trade(int sym, i64 px) = 0;
  virtual void funding(int sym, i64 rate) = 0;
  // Orders and drop copy.
  virtual void order(const OrderEvent& o) = 0;
  virtual void fill(const FillEvent& f) = 0;
  virtual void cancel(i64 id) = 0;
  virtual void query(int acct) = 0;
};

// Names accepted by --backend, and the factory. Returns nullptr for a backend not in this build.
std::unique_ptr<Backend> make_backend(std::string_view name, DecisionSink& sink);

}  // namespace perpgate
