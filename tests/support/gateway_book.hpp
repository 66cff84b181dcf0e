// The book the gateway tests and the host benchmark set up, through the control plane: one
// symbol (index 0) and accounts by index.
#pragma once

#include "gateway/gateway.hpp"

namespace perpgate::test {

// Symbol 0: tick 0.01, lot 0.001, leverage up to 50, one tier at 0.5 % maintenance margin.
inline void define_symbol0(Gateway& gw) {
  ControlOp sym;
  sym.kind = ControlKind::kSymbol;
  sym.sym = 0;
  sym.cfg.tick = 1'000'000;
  sym.cfg.lot = 100'000;
  sym.cfg.max_lev = 50;
  sym.cfg.tier_count = 1;
  sym.cfg.tiers[0] = {0, 500'000, 0, 0};
  gw.control(sym);
}

inline void define_account(Gateway& gw, int index, i64 outside_id, i64 collateral) {
  ControlOp op;
  op.kind = ControlKind::kAccount;
  op.acct = index;
  op.outside_id = outside_id;
  op.value = collateral;
  gw.control(op);
}

}  // namespace perpgate::test
