// A bank of N 64-bit event counters, each incremented by a one-cycle pulse, read one at a time.
//
// Why not N 64-bit registers: a 64-bit incrementer and a 64-bit read mux leg per counter cost
// about 80 LUTs each (the control registers were a tenth of the gateway's LUTs). Here each
// counter keeps only a small pending count in flip-flops; a flusher visits one counter per cycle,
// round robin, and adds its pending count into the 64-bit total kept in LUT-RAM. A counter is
// visited every N cycles and gains at most one per cycle, so its pending count never exceeds N.
// The value of counter c at any cycle is total[c] + pending[c]: a flush moves the amount from one
// to the other at a clock edge, so a read sees a consistent value in every cycle.
//
// Clear (and reset, since LUT-RAM has no reset) marks every total stale: a stale total reads as 0
// and its next flush overwrites it. Pulses are counted a cycle after they arrive (registered
// first); one registered in the cycle of the clear is counted after it.
`default_nettype none

module pg_counter_bank #(
  parameter int unsigned N  = 54,
  parameter int unsigned IW = N > 1 ? $clog2(N) : 1
) (
  input  wire logic          clk_i,
  input  wire logic          rst_ni,
  input  wire logic [N-1:0]  inc_i,
  input  wire logic          clear_i,
  input  wire logic [IW-1:0] rd_idx_i,     // an index >= N reads 0
  output      logic [63:0]   rd_value_o
);

  localparam int unsigned PW = $clog2(N + 1);   // pending count: at most N

  `ifndef SYNTHESIS
  initial begin
    assert (N >= 2 && N <= 256) else $fatal(1, "pg_counter_bank: N out of range");
    assert ((1 << IW) >= N) else $fatal(1, "pg_counter_bank: IW too narrow for N");
  end
  `endif

  logic [63:0]   total_mem [N];                 // LUT-RAM: no reset (see stale_q)
  logic [PW-1:0] pend_q [N];
  logic [N-1:0]  stale_q;
  logic [IW-1:0] flush_q;                       // the counter flushed this cycle
  // The pulses, registered first: they are the ends of other units' checks (the receive path's
  // frame verdicts, the core's replies), so counting them a cycle later keeps those checks'
  // depth out of this bank's.
  logic [N-1:0]  inc_q;
  // pend_q[flush_q] and stale_q[flush_q], selected a cycle ahead (the flush order is fixed), so
  // the flush is a LUT-RAM read and one add, with no N:1 mux in front of it
  logic [PW-1:0] flush_pend_q;
  logic          flush_stale_q;

  // Each counter's state packed for the N:1 muxes: {pulse, fresh (not stale), pending}. An index
  // of N or more selects 0: not fresh, so the undefined LUT-RAM word there is not read.
  localparam int unsigned EW = PW + 2;
  logic [N*EW-1:0] entries;
  always_comb begin
    for (int unsigned c = 0; c < N; c++) entries[c*EW +: EW] = {inc_q[c], !stale_q[c], pend_q[c]};
  end

  // ---- flush: total[f] = (stale ? 0 : total[f]) + pending[f] ------------------------------------
  logic [IW-1:0] flush_next_q;                  // the counter flushed next cycle (a register:
  logic [EW-1:0] next_e;                        // the mux's select needs no increment in front)
  pg_index_mux #(.N (N), .W (EW), .IW (IW)) u_next (.data_i (entries), .idx_i (flush_next_q), .data_o (next_e));

  always_ff @(posedge clk_i) begin                                 // stale again if cleared
    total_mem[flush_q] <= (flush_stale_q ? 64'd0 : total_mem[flush_q]) + 64'(flush_pend_q);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      flush_q <= '0;
      flush_next_q <= IW'(1);
      inc_q <= '0;
      flush_pend_q <= '0;
      flush_stale_q <= 1'b1;
      stale_q <= '1;
      for (int unsigned c = 0; c < N; c++) pend_q[c] <= '0;
    end else begin
      flush_q <= flush_next_q;
      flush_next_q <= flush_next_q == IW'(N - 1) ? '0 : flush_next_q + IW'(1);
      inc_q <= inc_i;
      // what pend_q and stale_q of the next counter will hold (it is not the one flushed now)
      flush_pend_q <= (clear_i ? PW'(0) : next_e[PW-1:0]) + PW'(next_e[EW-1]);
      flush_stale_q <= clear_i || !next_e[PW];
      for (int unsigned c = 0; c < N; c++) begin
        if (clear_i || flush_q == IW'(c)) pend_q[c] <= PW'(inc_q[c]);
        else                              pend_q[c] <= pend_q[c] + PW'(inc_q[c]);
      end
      if (clear_i) stale_q <= '1;
      else         stale_q[flush_q] <= 1'b0;
    end
  end

  // ---- read --------------------------------------------------------------------------------------
  logic [EW-1:0] rd_e;
  pg_index_mux #(.N (N), .W (EW), .IW (IW)) u_read (.data_i (entries), .idx_i (rd_idx_i), .data_o (rd_e));
  assign rd_value_o = (rd_e[PW] ? total_mem[rd_idx_i] : 64'd0) + 64'(rd_e[PW-1:0]);

  `ifndef SYNTHESIS
  // The pending count never saturates: a counter is flushed every N cycles. The copies taken a
  // cycle ahead are what the flushed counter holds. Checked once reset has acted (a simulator may
  // start with rst_ni low and no edge on it: the first clock edge then applies the reset).
  logic live_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) live_q <= 1'b0;
    else         live_q <= 1'b1;
  end
  always_ff @(posedge clk_i) begin
    if (live_q) begin
      for (int unsigned c = 0; c < N; c++) assert (32'(pend_q[c]) <= N);
      assert (flush_pend_q == pend_q[flush_q] && flush_stale_q == stale_q[flush_q]);
      assert (flush_next_q == (flush_q == IW'(N - 1) ? '0 : flush_q + IW'(1)));
    end
  end
  `endif

endmodule

`default_nettype wire
