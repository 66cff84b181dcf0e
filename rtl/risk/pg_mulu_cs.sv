// Unsigned AW x BW multiplier whose product is left as two addends, p = lo_o + hi_o, 2 cycles
// after a_i/b_i (which must come straight from registers), a product every cycle: for a caller
// that makes the last add itself, in a stage with room for it (the order check adds them and
// compares the sum with the tier floors in one stage, a cycle before pg_mulu would have the
// product). b has at most four 17-bit slices.
//   1  26 x 17 partial products (one DSP48E2 each, unsigned inside its signed 27 x 18)
//   2  one row per 17-bit slice of b (pg_risk_pkg::pp_row: one add), the rows added in pairs: the
//      pairs are the addends (the second one 34 bits up)
`default_nettype none

module pg_mulu_cs #(
  parameter int unsigned AW = 64,
  parameter int unsigned BW = 64
) (
  input  wire logic             clk_i,
  input  wire logic [AW-1:0]    a_i,
  input  wire logic [BW-1:0]    b_i,
  output      logic [AW+BW-1:0] lo_o,
  output      logic [AW+BW-1:0] hi_o
);

  localparam int unsigned AC    = (AW + 25) / 26;            // 26-bit slices of a
  localparam int unsigned BC    = (BW + 16) / 17;            // 17-bit slices of b
  localparam int unsigned PpW   = pg_risk_pkg::PpW;
  localparam int unsigned PpAll = pg_risk_pkg::PpMax * PpW;  // pp_row's operand
  localparam int unsigned PpA   = 26 * pg_risk_pkg::PpMax;   // pp_slices' wide operand
  localparam int unsigned RowW  = 26 * (AC - 1) + PpW + 1;
  localparam int unsigned PairW = RowW + 17 + 1;
  localparam int unsigned SumW  = AW + BW;

  `ifndef SYNTHESIS
  initial begin
    assert (AC >= 1 && AC <= pg_risk_pkg::PpMax && BC >= 1 && BC <= 4)
      else $fatal(1, "pg_mulu_cs: AW must be 1 to 208, BW 1 to 68");
  end
  `endif

  // ---- stage 1: partial products, a row's side by side (slices of b past BW are zero) -----------
  logic [26*AC-1:0]  a_ext;
  logic [4*17-1:0]   b_ext;
  logic [AC*PpW-1:0] pp_q [4];
  assign a_ext = (26*AC)'(a_i);
  assign b_ext = 68'(b_i);
  always_ff @(posedge clk_i) begin
    for (int unsigned j = 0; j < 4; j++)
      pp_q[j] <= (AC*PpW)'(pg_risk_pkg::pp_slices(PpA'(a_ext), b_ext[17*j +: 17], AC));
  end

  // ---- stage 2: rows, and rows 0-1 and 2-3 added in pairs ------------------------------------------
  logic [RowW-1:0]  row [4];
  logic [PairW-1:0] pair [2];
  always_comb begin
    for (int unsigned j = 0; j < 4; j++) row[j] = RowW'(pg_risk_pkg::pp_row(PpAll'(pp_q[j]), AC));
    for (int unsigned k = 0; k < 2; k++) pair[k] = PairW'(row[2*k]) + PairW'({row[2*k + 1], 17'd0});
  end
  always_ff @(posedge clk_i) begin
    lo_o <= SumW'(pair[0]);
    hi_o <= SumW'({pair[1], 34'd0});
  end

endmodule

`default_nettype wire
