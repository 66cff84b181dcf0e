// Signed 128 x 64 -> 192-bit multiplier, pipelined so that every stage is one or two LUT levels
// and a carry chain (the 322 MHz budget is 5), a product every cycle, Latency cycles after
// valid_i. The risk core's slow paths (fills, revaluation, funding, the local-mark EMA, control
// commands) share it instead of a combinational multiply each.
//
// Stages: operands registered; magnitudes and sign; 26 x 17 partial products; per 17-bit slice of
// b, one row (pg_risk_pkg::pp_row: one add); two adds of row pairs; the last add; the sign.
`default_nettype none

module pg_mul (
  input  wire logic                 clk_i,
  input  wire logic                 rst_ni,
  input  wire logic                 valid_i,
  input  wire logic signed [127:0]  a_i,
  input  wire logic signed [63:0]   b_i,
  output      logic                 valid_o,
  output      logic signed [191:0]  p_o
);

  localparam int unsigned Latency = 7;
  localparam int unsigned AC = 5;        // 26-bit slices of |a| (130 bits)
  localparam int unsigned BC = 4;        // 17-bit slices of |b| (68 bits)
  localparam int unsigned PpW = pg_risk_pkg::PpW;          // 26 + 17
  localparam int unsigned PpAll = pg_risk_pkg::PpMax * PpW; // pp_row's operand
  localparam int unsigned PpA = 26 * pg_risk_pkg::PpMax;     // pp_slices' wide operand
  localparam int unsigned RowW = 26 * (AC - 1) + PpW + 1;   // 148: a row and its carry
  localparam int unsigned PairW = RowW + 17 + 1;            // 166
  localparam int unsigned SumW = 192;    // |a x b| <= 2^127 x 2^63

  // ---- valid pipeline ----------------------------------------------------------------------------
  logic [Latency-1:0] valid_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= '0;
    else         valid_q <= {valid_q[Latency-2:0], valid_i};
  end
  assign valid_o = valid_q[Latency-1];

  // ---- stage 1: operands -------------------------------------------------------------------------
  logic signed [127:0] a_q;
  logic signed [63:0]  b_q;
  always_ff @(posedge clk_i) begin
    a_q <= a_i;
    b_q <= b_i;
  end

  // ---- stage 2: magnitudes (|-2^127| = 2^127 fits 128 unsigned bits) and the product's sign ------
  logic [26*AC-1:0] mag_a_q;
  logic [17*BC-1:0] mag_b_q;
  logic [Latency-3:0] neg_q;             // neg_q[k]: the sign, beside stage k + 2
  logic [127:0] abs_a;
  logic [63:0]  abs_b;
  assign abs_a = a_q < 0 ? 128'(-a_q) : 128'(a_q);
  assign abs_b = b_q < 0 ? 64'(-b_q) : 64'(b_q);
  always_ff @(posedge clk_i) begin
    mag_a_q <= (26*AC)'(abs_a);
    mag_b_q <= (17*BC)'(abs_b);
    neg_q <= {neg_q[Latency-4:0], (a_q < 0) != (b_q < 0)};
  end

  // ---- stage 3: partial products, a row's side by side ------------------------------------------
  logic [AC*PpW-1:0] pp_q [BC];
  always_ff @(posedge clk_i) begin
    for (int unsigned j = 0; j < BC; j++)
      pp_q[j] <= (AC*PpW)'(pg_risk_pkg::pp_slices(PpA'(mag_a_q), mag_b_q[17*j +: 17], AC));
  end

  // ---- stage 4: rows (a x one 17-bit slice of b), one add each (pg_risk_pkg::pp_row) ------------
  logic [RowW-1:0] row_q [BC];
  always_ff @(posedge clk_i) begin
    for (int unsigned j = 0; j < BC; j++) row_q[j] <= RowW'(pg_risk_pkg::pp_row(PpAll'(pp_q[j]), AC));
  end

  // ---- stage 5: row pairs; stage 6: the sum; stage 7: the sign ----------------------------------
  logic [PairW-1:0] pair_q [2];
  logic [SumW-1:0]  sum_q;
  always_ff @(posedge clk_i) begin
    pair_q[0] <= PairW'(row_q[0]) + PairW'({row_q[1], 17'd0});
    pair_q[1] <= PairW'(row_q[2]) + PairW'({row_q[3], 17'd0});
    sum_q <= SumW'(pair_q[0]) + SumW'({pair_q[1], 34'd0});
    p_o <= neg_q[Latency-3] ? -$signed(sum_q) : $signed(sum_q);
  end

endmodule

`default_nettype wire
