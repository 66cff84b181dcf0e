#include "sw_backend.hpp"

namespace perpgate {

SwBackend::SwBackend(DecisionSink& sink) : out_{sink}, engine_(std::make_unique<Engine<GatewayParams>>()) {}

void SwBackend::define_symbol(int sym, const SymbolConfig& cfg) { engine_->define_symbol(sym, cfg, out_); }
void SwBackend::create_account(int acct, i64 collateral) { engine_->create_account(acct, collateral, out_); }
void SwBackend::set_leverage(int acct, int sym, i64 lev) { engine_->set_leverage(acct, sym, lev, out_); }
void SwBackend::set_rate_limit(int acct, i64 per_second) { engine_->set_rate_limit(acct, per_second); }
void SwBackend::deposit(int acct, i64 amount) { engine_->deposit(acct, amount, out_); }
void SwBackend::withdraw(int acct, i64 amount) { engine_->withdraw(acct, amount, out_); }
void SwBackend::kill(int acct, KillMode mode) {
  if (acct < 0) {
    engine_->kill_all(mode);
  } else {
    engine_->kill(acct, mode);
  }
}
void SwBackend::advance_clock(i64 ts) { engine_->advance_clock(ts); }
void SwBackend::mark(int sym, i64 px) { engine_->on_mark(sym, px, out_); }
void SwBackend::index(int sym, i64 px) { engine_->on_index(sym, px, out_); }
void SwBackend::book(int sym, i64 bid, i64 ask) { engine_->on_book(sym, bid, ask, out_); }
void SwBackend::trade(int sym, i64 px) { engine_->on_trade(sym, px, out_); }
void SwBackend::funding(int sym, i64 rate) { engine_->on_funding(sym, rate, out_); }
void SwBackend::order(const OrderEvent& o) { engine_->on_order(o, out_); }
void SwBackend::fill(const FillEvent& f) { engine_->on_fill(f, out_); }
void SwBackend::cancel(i64 id) { engine_->on_cancel(id, out_); }
void SwBackend::query(int acct) { engine_->query(acct, out_); }

std::unique_ptr<Backend> make_backend(std::string_view name, DecisionSink& sink) {
  if (name == "sw") return std::make_unique<SwBackend>(sink);
  return nullptr;  // "rtl" and "fpga" arrive with their issues
}

}  // namespace perpgate
