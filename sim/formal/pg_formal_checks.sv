// Checkers shared by the bounded-proof harnesses (sim/formal/*_formal.sv).
`default_nettype none

// The run starts in reset (the first cycle) and never resets again: every count a harness keeps
// is from that reset. started_o: past the first cycle.
module pg_formal_reset_once (
  input  wire logic clk_i,
  input  wire logic rst_ni,
  output      logic started_o
);
  logic started_q = 1'b0;
  always_ff @(posedge clk_i) started_q <= 1'b1;
  always_comb if (!started_q) assume (!rst_ni);
  always_comb if (started_q) assume (rst_ni);
  assign started_o = started_q;
endmodule

// AXI-Stream's hold rule on a stream a block sends: a beat offered and not taken is offered
// again, unchanged, in the next cycle (data as a whole: tdata, tkeep, tlast, tuser, ...).
module pg_formal_axis_hold #(
  parameter int unsigned W = 74
) (
  input wire logic         clk_i,
  input wire logic         rst_ni,
  input wire logic         valid_i,
  input wire logic         ready_i,
  input wire logic [W-1:0] beat_i
);
  logic         held_q;
  logic [W-1:0] held_beat_q;
  always_ff @(posedge clk_i) begin
    held_q      <= rst_ni && valid_i && !ready_i;
    held_beat_q <= beat_i;
  end
  always_comb if (rst_ni && held_q) assert (valid_i && beat_i == held_beat_q);
endmodule

`default_nettype wire
