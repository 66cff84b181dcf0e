// money = floor or ceil(raw x rate / 1e18): a rate (maintenance margin rate, initial margin rate,
// funding rate) applied to a raw notional |qty| x px, rounded as a requirement (up) or a credit
// (down). The golden model is rate_of_notional() in fixed_point.hpp; this is the same function
// for every raw < 2^114 and rate <= 1e8, exactly: the division by the constant 1e18 is a
// multiplication by its reciprocal (perpgate_fixed_pkg::RateMagic, Granlund-Montgomery).
//
// Pipelined so that no stage is deeper than a few LUT levels and a carry chain or two, a result
// every cycle, Latency cycles after valid_i. Both products are cut into 26 x 17 partial products
// (one DSP48E2 each); one add makes a row of them (pg_risk_pkg::pp_row).
//   1  raw x rate: 5 x 2 partial products
//   2  its two rows, the rounding term added to the first: the product in carry-save form
//      (prod_a_o + prod_b_o; the order check compares it, not the quotient, a cycle before
//      the product itself is summed)
//   3  the product (one add) straight into prod x RateMagic: 6 x 9 partial products
//   4  nine rows, added in pairs, and the five pairs summed (34 bits apart): its bits from
//      RateShift up are the quotient (four LUT levels in yosys; a stage more would cost the
//      revaluation a cycle per holder)
`default_nettype none

module pg_rate_of_notional #(
  // 4, or 5 to register the row pairs before their sum (in some surroundings abc builds stage 4
  // deeper: the order check, pg_order_check, takes the cycle)
  parameter int unsigned Latency = 4
) (
  input  wire logic          clk_i,
  input  wire logic          rst_ni,
  input  wire logic          valid_i,
  input  wire logic [113:0]  raw_i,
  input  wire logic [26:0]   rate_i,
  input  wire logic          round_up_i,
  output      logic          valid_o,
  // raw x rate + the rounding term = prod_a_o + prod_b_o (each below 2^141), 2 cycles after valid_i
  output      logic [perpgate_fixed_pkg::RateProdBits-1:0] prod_a_o,
  output      logic [perpgate_fixed_pkg::RateProdBits-1:0] prod_b_o,
  output      logic [127:0]  money_o
);

  localparam int unsigned ProdBits  = perpgate_fixed_pkg::RateProdBits;   // 142
  localparam int unsigned MagicBits = perpgate_fixed_pkg::RateMagicBits;  // 143
  localparam int unsigned Shift     = perpgate_fixed_pkg::RateShift;      // 202
  localparam int unsigned QuotBits  = ProdBits + MagicBits - Shift;       // 83
  localparam int unsigned PpW       = pg_risk_pkg::PpW;                   // 26 + 17
  localparam int unsigned PpAll     = pg_risk_pkg::PpMax * PpW;           // pp_row's operand
  localparam int unsigned PpA       = 26 * pg_risk_pkg::PpMax;            // pp_slices' wide operand
  // raw x rate: 26-bit slices of raw, 17-bit slices of rate
  localparam int unsigned RawC  = 5;                                      // 130 bits
  localparam int unsigned RateC = 2;                                      // 34 bits
  localparam int unsigned Row1W = 26 * (RawC - 1) + PpW + 2;              // 149: a row, its carries
  // prod x RateMagic: 26-bit slices of prod, 17-bit slices of the constant
  localparam int unsigned ProdC  = 6;                                     // 156 bits
  localparam int unsigned MagicC = 9;                                     // 153 bits
  localparam int unsigned Row2W  = 26 * (ProdC - 1) + PpW + 1;            // 174
  localparam int unsigned PairW  = Row2W + 17 + 1;                        // 192
  localparam int unsigned SumW   = ProdBits + MagicBits;                  // 285

  `ifndef SYNTHESIS
  initial begin
    assert (perpgate_fixed_pkg::RawBits == 114 && perpgate_fixed_pkg::RateBits == 27)
      else $fatal(1, "fixed-point widths changed: revisit the ports and the slices");
    assert (26 * ProdC >= ProdBits && 17 * MagicC >= MagicBits && 26 * RawC >= 114 && 17 * RateC >= 27)
      else $fatal(1, "the slices do not cover the operands");
    assert (Latency == 4 || Latency == 5) else $fatal(1, "pg_rate_of_notional: Latency is 4 or 5");
  end
  `endif

  // ---- valid pipeline ----------------------------------------------------------------------------
  logic [Latency-1:0] valid_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= '0;
    else         valid_q <= {valid_q[Latency-2:0], valid_i};
  end
  assign valid_o = valid_q[Latency-1];

  // ---- stage 1: raw x rate, partial products -----------------------------------------------------
  logic [26*RawC-1:0]  raw_ext;
  logic [17*RateC-1:0] rate_ext;
  assign raw_ext  = (26*RawC)'(raw_i);
  assign rate_ext = (17*RateC)'(rate_i);
  logic [RawC*PpW-1:0] pp1_q [RateC];
  logic                up_q;
  always_ff @(posedge clk_i) begin
    for (int unsigned j = 0; j < RateC; j++)
      pp1_q[j] <= (RawC*PpW)'(pg_risk_pkg::pp_slices(PpA'(raw_ext), rate_ext[17*j +: 17], RawC));
    up_q <= round_up_i;
  end

  // ---- stage 2: the two rows; the rounding term (1e18 - 1 to round up) joins the first ----------
  logic [Row1W-1:0] row1_q [RateC];
  always_ff @(posedge clk_i) begin
    row1_q[0] <= Row1W'(pg_risk_pkg::pp_row(PpAll'(pp1_q[0]), RawC)) +
                 (up_q ? Row1W'(perpgate_fixed_pkg::RateUnit) - Row1W'(1) : Row1W'(0));
    row1_q[1] <= Row1W'(pg_risk_pkg::pp_row(PpAll'(pp1_q[1]), RawC));
  end

  // ---- stage 3: the product, and its partial products with the reciprocal ------------------------
  logic [ProdBits-1:0] prod;
  logic [26*ProdC-1:0] prod_ext;
  logic [17*MagicC-1:0] magic_ext;
  // below 2^142 by the bounds (raw < 2^114, rate <= 1e8 < 2^27, plus 1e18): the top bits are 0
  /* verilator lint_off UNUSEDSIGNAL */
  logic [Row1W+17-1:0] prod_full;
  /* verilator lint_on UNUSEDSIGNAL */
  assign prod_full = (Row1W+17)'(row1_q[0]) + (Row1W+17)'({row1_q[1], 17'd0});
  assign prod      = prod_full[ProdBits-1:0];
  assign prod_ext  = (26*ProdC)'(prod);
  assign magic_ext = (17*MagicC)'(perpgate_fixed_pkg::RateMagic);
  logic [ProdC*PpW-1:0] pp2_q [MagicC];
  // the two rows' bits above RateProdBits are 0 (raw < 2^114, rate < 2^27)
  assign prod_a_o = ProdBits'(row1_q[0]);
  assign prod_b_o = ProdBits'({row1_q[1], 17'd0});
  always_ff @(posedge clk_i) begin
    for (int unsigned j = 0; j < MagicC; j++)
      pp2_q[j] <= (ProdC*PpW)'(pg_risk_pkg::pp_slices(PpA'(prod_ext), magic_ext[17*j +: 17], ProdC));
  end

  // ---- stage 4: nine rows (one per 17-bit slice of the constant), in pairs, and their sum -------
  logic [Row2W-1:0] row2 [MagicC];
  always_comb begin
    for (int unsigned j = 0; j < MagicC; j++) row2[j] = Row2W'(pg_risk_pkg::pp_row(PpAll'(pp2_q[j]), ProdC));
  end
  localparam int unsigned Pairs = (MagicC + 1) / 2;                       // 5: the last is a row
  logic [PairW-1:0] pair [Pairs];
  always_comb begin
    for (int unsigned k = 0; k < MagicC / 2; k++)
      pair[k] = PairW'(row2[2*k]) + PairW'({row2[2*k + 1], 17'd0});
    pair[Pairs-1] = PairW'(row2[MagicC-1]);
  end
  logic [PairW-1:0] pair_s [Pairs];                                       // stage 5, or straight on
  generate
    if (Latency == 5) begin : gen_pair_stage
      always_ff @(posedge clk_i) for (int unsigned k = 0; k < Pairs; k++) pair_s[k] <= pair[k];
    end else begin : gen_pair_comb
      always_comb for (int unsigned k = 0; k < Pairs; k++) pair_s[k] = pair[k];
    end
  endgenerate
  /* verilator lint_off UNUSEDSIGNAL */
  logic [SumW-1:0] sum;                  // its low Shift bits: the scaled remainder, dropped
  /* verilator lint_on UNUSEDSIGNAL */
  always_comb begin
    sum = '0;
    for (int unsigned k = 0; k < Pairs; k++) sum = sum + (SumW'(pair_s[k]) << (34 * k));
  end
  logic [QuotBits-1:0] quot_q;
  always_ff @(posedge clk_i) quot_q <= sum[Shift +: QuotBits];

  assign money_o = 128'(quot_q);

endmodule

`default_nettype wire
