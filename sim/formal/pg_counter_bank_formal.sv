// Bounded proof harness for pg_counter_bank (sim/formal/prove.sh): any pulses on any counters in
// any cycle, clears at any time, any counter read in any cycle. Each counter read is exact: the
// pulses it has had since reset or the last clear, counted a cycle after they arrive (registered
// first; one registered in the cycle of a clear is counted after it), with the flusher moving
// amounts between a counter's pending count and its total underneath; an index past the last
// counter reads 0. Exact counts mean no pending count ever wraps. Four counters, so the flusher
// comes round several times within the depth.
`default_nettype none

module pg_counter_bank_formal (
  input wire logic       clk_i,
  input wire logic       rst_ni,
  input wire logic [3:0] inc_i,
  input wire logic       clear_i,
  input wire logic [2:0] rd_idx_i
);
  localparam int unsigned N = 4;
  logic [63:0] rd_value;
  pg_counter_bank #(.N (N), .IW (3)) dut (
    .clk_i, .rst_ni, .inc_i, .clear_i, .rd_idx_i, .rd_value_o (rd_value)
  );

  // Reset in the first cycle, and never again.
  logic started_q;
  pg_formal_reset_once u_reset (.clk_i, .rst_ni, .started_o (started_q));

  // The reference: pulses registered, then counted (a clear keeps only the one registered now).
  logic [N-1:0] inc_q;
  logic [7:0]   ref_q [N];
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      inc_q <= '0;
      for (int unsigned c = 0; c < N; c++) ref_q[c] <= '0;
    end else begin
      inc_q <= inc_i;
      for (int unsigned c = 0; c < N; c++) ref_q[c] <= (clear_i ? 8'd0 : ref_q[c]) + 8'(inc_q[c]);
    end
  end

  logic [7:0] want;
  always_comb begin
    want = '0;
    for (int unsigned c = 0; c < N; c++) if (32'(rd_idx_i) == c) want = ref_q[c];
  end
  always_comb begin
    if (rst_ni && started_q) begin
      assert (rd_value == 64'(want));
`ifdef PG_FORMAL_BROKEN
      assert (rd_value < 64'd2);  // false once a counter reaches 2: the proof must find it
`endif
    end
  end
endmodule

`default_nettype wire
