// Bounded proof harness for pg_rx_fifo (sim/formal/run.sh): a MAC that sends any beats at any
// time, a receive path that takes them at any time. Small sizes (8 beats, frames cut at 4) so
// that every state of the buffer, full and empty, is reached within the depth.
//  - towards the MAC: tready is always high (a MAC cannot be paused);
//  - towards the receive path, AXI-Stream: a beat offered and not taken is offered again,
//    unchanged, in the next cycle;
//  - nothing out that was not kept: beats out never outnumber the beats kept (a frame dropped
//    at its first beat for want of room keeps none; a frame past the longest keeps its first
//    beats), a beat goes straight through only if it is kept, and frames out (tlast) never
//    outnumber the kept frames closed (by their last beat or by the cut).
`default_nettype none

module pg_rx_fifo_formal (
  input wire logic        clk_i,
  input wire logic        rst_ni,
  input wire logic [63:0] s_axis_tdata,
  input wire logic [7:0]  s_axis_tkeep,
  input wire logic        s_axis_tvalid,
  input wire logic        s_axis_tlast,
  input wire logic        s_axis_tuser,
  input wire logic        m_axis_tready
);
  logic [63:0] m_axis_tdata;
  logic [7:0]  m_axis_tkeep;
  logic        m_axis_tvalid, m_axis_tlast, m_axis_tuser, s_axis_tready, drop_overflow;

  pg_rx_fifo #(.Depth (8), .MaxFrameBeats (4)) dut (
    .clk_i, .rst_ni,
    .s_axis_tdata, .s_axis_tkeep, .s_axis_tvalid, .s_axis_tready, .s_axis_tlast, .s_axis_tuser,
    .m_axis_tdata, .m_axis_tkeep, .m_axis_tvalid, .m_axis_tready, .m_axis_tlast, .m_axis_tuser,
    .drop_overflow_o (drop_overflow)
  );

  // The buffer moves beats without looking into them: three data bits and the keep byte's low
  // two stand for the rest (the solver's work grows with the width it has to carry).
  always_comb assume (s_axis_tdata[63:3] == '0 && s_axis_tkeep[7:2] == '1);

  // Reset in the first cycle, and never again (a reset mid-run restarts every count below).
  logic started_q;
  pg_formal_reset_once u_reset (.clk_i, .rst_ni, .started_o (started_q));

  // Beats and frames kept and sent since reset (wide enough not to wrap within the depth). A
  // frame is kept or dropped at its first beat (drop_overflow); of a kept frame, beats past the
  // fourth are cut, the fourth then closing it.
  localparam int unsigned MaxBeats = 4;
  logic [7:0] kept_in_q, beats_out_q, closed_in_q, frames_out_q;
  logic       in_frame_q, kept_frame_q;
  logic [2:0] nth_q;                             // beats of the input frame so far (up to 5)
  wire  logic take_in  = s_axis_tvalid && s_axis_tready;
  wire  logic take_out = m_axis_tvalid && m_axis_tready;
  wire  logic first    = take_in && !in_frame_q;
  wire  logic kept_now = first ? !drop_overflow : kept_frame_q;
  wire  logic [2:0] nth_now = first ? 3'd1 : (nth_q == 3'd5 ? 3'd5 : nth_q + 3'd1);
  wire  logic kept_beat = take_in && kept_now && 32'(nth_now) <= MaxBeats;
  wire  logic closes    = kept_beat && (s_axis_tlast || 32'(nth_now) == MaxBeats);
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      kept_in_q <= '0; beats_out_q <= '0; closed_in_q <= '0; frames_out_q <= '0;
      in_frame_q <= 1'b0; kept_frame_q <= 1'b0; nth_q <= '0;
    end else begin
      kept_in_q    <= kept_in_q + 8'(kept_beat);
      closed_in_q  <= closed_in_q + 8'(closes);
      beats_out_q  <= beats_out_q + 8'(take_out);
      frames_out_q <= frames_out_q + 8'(take_out && m_axis_tlast);
      if (take_in) begin
        in_frame_q   <= !s_axis_tlast;
        kept_frame_q <= kept_now;
        nth_q        <= nth_now;
      end
    end
  end

  pg_formal_axis_hold #(.W (74)) u_hold (
    .clk_i, .rst_ni, .valid_i (m_axis_tvalid), .ready_i (m_axis_tready),
    .beat_i ({m_axis_tdata, m_axis_tkeep, m_axis_tlast, m_axis_tuser})
  );

  always_comb begin
    if (rst_ni && started_q) begin
      assert (s_axis_tready);
      // only kept beats leave: the buffer's, or (nothing buffered) the one coming in now
      assert (beats_out_q <= kept_in_q);
      if (m_axis_tvalid && beats_out_q == kept_in_q) assert (kept_beat);
      // only closed frames end: a frame's last beat out is its own last, or its cut
      assert (frames_out_q <= closed_in_q);
      if (take_out && m_axis_tlast && frames_out_q == closed_in_q) assert (closes);
`ifdef PG_FORMAL_BROKEN
      assert (beats_out_q < 8'd3);  // false once three beats have left: the proof must find it
`endif
    end
  end
endmodule

`default_nettype wire
