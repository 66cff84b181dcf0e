// A fill applied to its position: the one definition of the position arithmetic of a fill, for
// the engine (Engine::on_fill, which releases the order and credits the realised PnL around it)
// and for the card's fill unit (rtl/risk/pg_fill_unit.sv) and its testbench.
#pragma once

#include "perpgate/fixed_point.hpp"
#include "perpgate/state.hpp"

namespace perpgate {

// Applies a signed fill to the position; returns the realised PnL in raw units.
inline i128 apply_fill_to_position(Position& p, i64 signed_qty, i64 px) {
  if (p.qty == 0 || (p.qty > 0) == (signed_qty > 0)) {
    p.qty += signed_qty;
    p.cost += i128{signed_qty} * px;
    return 0;
  }
  const i64 closed = min64(abs64(signed_qty), abs64(p.qty));
  // Cost share of the closed part, |cost| x closed / |qty|, rounded so that the realised PnL
  // rounds down (conservative): up for a long (its cost is subtracted), down for a short.
  // |cost| x closed could reach 2^174, so split |cost| = |qty| x whole + rem (rem < |qty|):
  // closed x whole < 2^60 x 2^55 and rem x closed < 2^120.
  const i128 mag = abs128(p.cost);
  const i64 q = abs64(p.qty);
  const i128 whole = mag / q;
  const i128 rem = mag % q;
  const i128 part = p.qty > 0 ? ceil_div(rem * closed, static_cast<u64>(q)) : floor_div(rem * closed, static_cast<u64>(q));
  const i128 share_mag = closed == q ? mag : whole * closed + part;
  const i128 share = p.qty > 0 ? share_mag : -share_mag;
  const i64 dir = p.qty > 0 ? 1 : -1;
  const i128 realised = i128{dir} * closed * px - share;
  p.qty += dir * -closed;
  p.cost -= share;
  const i64 rest = abs64(signed_qty) - closed;
  if (rest > 0) {  // flip: the remainder opens a new position at the fill price
    p.qty = -dir * rest;
    p.cost = i128{p.qty} * px;
  }
  return realised;
}

}  // namespace perpgate
