// Ready N cycles after the last go: the wait for a fixed-latency pipeline that the sequencer
// starts (go_i loads its operands) and whose result it reads once ready_o is high. Used by the
// risk core for pg_money_floor and pg_median_present.
`default_nettype none

module pg_countdown #(
  parameter int unsigned N = 1
) (
  input  wire logic clk_i,
  input  wire logic rst_ni,
  input  wire logic go_i,
  output      logic ready_o
);

  localparam int unsigned W = $clog2(N + 1);

  `ifndef SYNTHESIS
  initial assert (N >= 1) else $fatal(1, "pg_countdown: N must be at least 1");
  `endif

  logic [W-1:0] cnt_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)              cnt_q <= '0;
    else if (go_i)            cnt_q <= W'(N);
    else if (cnt_q != W'(0))  cnt_q <= cnt_q - W'(1);
  end
  assign ready_o = cnt_q == W'(0);

endmodule

`default_nettype wire
