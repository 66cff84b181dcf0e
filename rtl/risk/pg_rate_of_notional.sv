// money = floor or ceil(raw x rate / 1e18): a rate (maintenance margin rate, initial margin rate,
// funding rate) applied to a raw notional |qty| x px, rounded as a requirement (up) or a credit
// (down). The golden model is rate_of_notional() in fixed_point.hpp; this is the same function
// for every raw < 2^114 and rate <= 1e8, exactly: the division by the constant 1e18 is a
// multiplication by its reciprocal (perpgate_fixed_pkg::RateMagic, Granlund-Montgomery).
// Two pipeline stages, a result every cycle.
`default_nettype none

module pg_rate_of_notional (
  input  wire logic          clk_i,
  input  wire logic          rst_ni,
  input  wire logic          valid_i,
  input  wire logic [113:0]  raw_i,
  input  wire logic [26:0]   rate_i,
  input  wire logic          round_up_i,
  output      logic          valid_o,
  output      logic [127:0]  money_o
);

  localparam int unsigned ProdBits  = perpgate_fixed_pkg::RateProdBits;   // 142
  localparam int unsigned MagicBits = perpgate_fixed_pkg::RateMagicBits;  // 143
  localparam int unsigned Shift     = perpgate_fixed_pkg::RateShift;      // 202
  localparam int unsigned QuotBits  = ProdBits + MagicBits - Shift;       // 83

  `ifndef SYNTHESIS
  initial begin
    assert (perpgate_fixed_pkg::RawBits == 114 && perpgate_fixed_pkg::RateBits == 27)
      else $fatal(1, "fixed-point widths changed: revisit the ports");
  end
  `endif

  // Stage 1: the exact product, plus (1e18 - 1) to round up.
  logic [ProdBits-1:0] prod_q;
  logic                valid1_q;
  wire logic [ProdBits-1:0] prod = ProdBits'(raw_i) * ProdBits'(rate_i) +
                                   (round_up_i ? ProdBits'(perpgate_fixed_pkg::RateUnit) - ProdBits'(1) : '0);

  // Stage 2: the quotient by multiplication with the reciprocal. The low Shift bits of `scaled`
  // are the scaled remainder, discarded by design.
  /* verilator lint_off UNUSEDSIGNAL */
  wire logic [ProdBits+MagicBits-1:0] scaled = (ProdBits + MagicBits)'(prod_q) *
                                              (ProdBits + MagicBits)'(perpgate_fixed_pkg::RateMagic);
  /* verilator lint_on UNUSEDSIGNAL */
  logic [QuotBits-1:0] quot_q;
  logic                valid2_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid1_q <= 1'b0;
      valid2_q <= 1'b0;
    end else begin
      valid1_q <= valid_i;
      valid2_q <= valid1_q;
    end
  end

  always_ff @(posedge clk_i) begin
    prod_q <= prod;
    quot_q <= scaled[Shift +: QuotBits];
  end

  assign valid_o = valid2_q;
  assign money_o = 128'(quot_q);

endmodule

`default_nettype wire
