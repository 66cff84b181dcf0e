// floor(u / 1e10), pipelined: money (1e-6) from a uPnL or realised value (1e-16), as
// floor_div(u, kNotionalDiv) in the golden model (hls/include/perpgate/fixed_point.hpp), for every
// |u| < 2^127. The division by the constant is a multiplication by its reciprocal
// (perpgate_fixed_pkg::MoneyMagic); a negative u is floored as -ceil(|u| / 1e10).
//   1     n = |u|, plus 1e10 - 1 when u < 0 (rounds the magnitude up)
//   2-4   n x MoneyMagic (pg_mulu)
//   5     the quotient (the product's bits from MoneyShift up), its sign restored
// A result every cycle, Latency = 5 cycles after u_i, which must come straight from a register (or
// a gate or two). Used by the risk core: the equity, and the floor of the uPnL it stores for the
// order check (acct_t.upf), a fill's credit.
`default_nettype none

module pg_money_floor (
  input  wire logic                clk_i,
  input  wire logic signed [127:0] u_i,
  output      logic signed [127:0] q_o
);

  localparam int unsigned Shift    = perpgate_fixed_pkg::MoneyShift;
  localparam int unsigned QuotBits = 95;           // |u| < 2^127: the quotient is below 2^94

  // ---- stage 1 -----------------------------------------------------------------------------------
  logic [127:0] n_1;
  logic         neg_1;
  always_ff @(posedge clk_i) begin
    n_1   <= u_i < 0 ? 128'(perpgate_fixed_pkg::NotionalDiv) - 128'd1 - u_i : u_i;
    neg_1 <= u_i < 0;
  end

  // ---- stages 2-4 --------------------------------------------------------------------------------
  /* verilator lint_off UNUSEDSIGNAL */
  logic [255:0] p_4;                               // its low MoneyShift bits: the scaled remainder
  /* verilator lint_on UNUSEDSIGNAL */
  pg_mulu #(.AW(128), .BW(perpgate_fixed_pkg::MoneyMagicBits)) u_mul (
    .clk_i, .a_i(n_1), .b_i(perpgate_fixed_pkg::MoneyMagic), .p_o(p_4)
  );
  logic neg_4;
  pg_delay #(.W(1), .N(3)) u_neg_4 (.clk_i, .d_i(neg_1), .q_o(neg_4));

  // ---- stage 5 -----------------------------------------------------------------------------------
  always_ff @(posedge clk_i) begin
    q_o <= neg_4 ? -$signed(128'(p_4[Shift +: QuotBits])) : $signed(128'(p_4[Shift +: QuotBits]));
  end

endmodule

`default_nettype wire
