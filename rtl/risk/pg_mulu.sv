// Unsigned AW x BW multiplier, pipelined for the order check (pg_order_check): a product every
// cycle, Latency = 3 cycles after a_i/b_i, which must come straight from registers.
//   1  26 x 17 partial products (one DSP48E2 each, unsigned inside its signed 27 x 18)
//   2  one row per 17-bit slice of b (pg_risk_pkg::pp_row: one add)
//   3  rows added in pairs and the pairs summed (34 bits apart)
// The caller keeps the bits it needs; unused high bits are removed by synthesis.
`default_nettype none

module pg_mulu #(
  parameter int unsigned AW = 64,
  parameter int unsigned BW = 64
) (
  input  wire logic             clk_i,
  input  wire logic [AW-1:0]    a_i,
  input  wire logic [BW-1:0]    b_i,
  output      logic [AW+BW-1:0] p_o
);

  localparam int unsigned AC    = (AW + 25) / 26;            // 26-bit slices of a
  localparam int unsigned BC    = (BW + 16) / 17;            // 17-bit slices of b
  localparam int unsigned PpW   = pg_risk_pkg::PpW;
  localparam int unsigned PpAll = pg_risk_pkg::PpMax * PpW;  // pp_row's operand
  localparam int unsigned PpA   = 26 * pg_risk_pkg::PpMax;   // pp_slices' wide operand
  localparam int unsigned RowW  = 26 * (AC - 1) + PpW + 1;
  localparam int unsigned Pairs = (BC + 1) / 2;
  localparam int unsigned PairW = RowW + 17 + 1;
  localparam int unsigned SumW  = AW + BW;

  `ifndef SYNTHESIS
  initial begin
    assert (AC >= 1 && AC <= pg_risk_pkg::PpMax && BC >= 1) else $fatal(1, "pg_mulu: AW must be 1 to 208");
  end
  `endif

  logic [26*AC-1:0] a_ext;
  logic [17*BC-1:0] b_ext;
  assign a_ext = (26*AC)'(a_i);
  assign b_ext = (17*BC)'(b_i);

  // ---- stage 1: partial products, a row's side by side ------------------------------------------
  logic [AC*PpW-1:0] pp_q [BC];
  always_ff @(posedge clk_i) begin
    for (int unsigned j = 0; j < BC; j++)
      pp_q[j] <= (AC*PpW)'(pg_risk_pkg::pp_slices(PpA'(a_ext), b_ext[17*j +: 17], AC));
  end

  // ---- stage 2: rows -----------------------------------------------------------------------------
  logic [RowW-1:0] row_q [BC];
  always_ff @(posedge clk_i) begin
    for (int unsigned j = 0; j < BC; j++) row_q[j] <= RowW'(pg_risk_pkg::pp_row(PpAll'(pp_q[j]), AC));
  end

  // ---- stage 3: pairs and their sum --------------------------------------------------------------
  logic [PairW-1:0] pair [Pairs];
  always_comb begin
    for (int unsigned k = 0; k < Pairs; k++) begin
      if (2 * k + 1 < BC) pair[k] = PairW'(row_q[2*k]) + PairW'({row_q[2*k + 1], 17'd0});
      else                pair[k] = PairW'(row_q[2*k]);
    end
  end
  /* verilator lint_off UNUSEDSIGNAL */
  logic [SumW+34-1:0] sum;               // above SumW: always 0 (the product fits SumW bits)
  /* verilator lint_on UNUSEDSIGNAL */
  always_comb begin
    sum = '0;
    for (int unsigned k = 0; k < Pairs; k++) sum = sum + ((SumW+34)'(pair[k]) << (34 * k));
  end
  always_ff @(posedge clk_i) p_o <= sum[SumW-1:0];

endmodule

`default_nettype wire
