// A value N cycles later: a plain shift register (no reset, no enable), which synthesis maps to
// SRL shift-register LUTs when N is large enough. For values a pipeline carries to a later stage.
`default_nettype none

module pg_delay #(
  parameter int unsigned W = 1,
  parameter int unsigned N = 1
) (
  input  wire logic         clk_i,
  input  wire logic [W-1:0] d_i,
  output      logic [W-1:0] q_o
);

  `ifndef SYNTHESIS
  initial assert (N >= 1) else $fatal(1, "pg_delay: N must be at least 1");
  `endif

  logic [W-1:0] sr_q [N];
  always_ff @(posedge clk_i) begin
    sr_q[0] <= d_i;
    for (int unsigned k = 1; k < N; k++) sr_q[k] <= sr_q[k-1];
  end
  assign q_o = sr_q[N-1];

endmodule

`default_nettype wire
