// Vitis HLS top: the inner step of a mark tick, one position revalued per clock (uPnL, maintenance
// margin, initial margin of position plus open orders) with the same functions the golden model
// uses (margin.hpp). constraints/vitis_hls/hls.tcl synthesizes it; hls/test/pg_margin_tb.cpp is
// its C simulation, also built and run here by ctest.
#include "pg_margin_top.hpp"

#include "perpgate/margin.hpp"

namespace perpgate {

void pg_margin_top(const SymbolConfig& cfg, const PositionIn& in, PositionOut& out) {
#pragma HLS PIPELINE II = 1
#pragma HLS ARRAY_PARTITION variable = cfg.tiers complete
  out.upnl_raw = i128{in.qty} * in.mark - in.cost;
  out.mm = maintenance_margin(cfg, abs64(in.qty), in.mark);
  out.im = initial_margin(cfg, in.account_lev, worst_case_qty(in.qty, in.open_buy, in.open_sell), in.mark);
}

}  // namespace perpgate
