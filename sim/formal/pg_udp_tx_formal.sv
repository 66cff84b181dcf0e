// Bounded proof harness for pg_udp_tx (sim/formal/prove.sh): the transmit path of every port,
// between the core's output channel (a message held until taken, announced a cycle ahead or not)
// and a MAC that takes beats at any time.
//  - AXI-Stream towards the MAC: a beat offered and not taken is offered again, unchanged, in the
//    next cycle; tuser is never set; keep is full on every beat but a frame's last;
//  - nothing out without something in: frames out (tlast) never outnumber messages taken, and at
//    most one frame is on its way;
//  - a frame has the beats its message needs: ceil((42 + length) / 8).
`default_nettype none

module pg_udp_tx_formal (
  input wire logic         clk_i,
  input wire logic         rst_ni,
  input wire logic         msg_soon_i,
  input wire logic         msg_valid_i,
  input wire logic [6:0]   msg_len_i,
  input wire logic [7:0]   msg_byte_i,   // the message's bytes, all alike (the path only moves them)
  input wire logic         m_axis_tready
);
  logic [63:0] m_axis_tdata;
  logic [7:0]  m_axis_tkeep;
  logic        m_axis_tvalid, m_axis_tlast, m_axis_tuser, msg_ready;

  pg_udp_tx dut (
    .clk_i, .rst_ni,
    .cfg_src_mac_i (48'h02_00_00_00_00_01), .cfg_dst_mac_i (48'h02_00_00_00_00_02),
    .cfg_src_ip_i (32'h0a_00_00_01), .cfg_dst_ip_i (32'h0a_00_00_02),
    .cfg_src_port_i (16'd9001), .cfg_dst_port_i (16'd9002),
    .msg_soon_i, .msg_valid_i, .msg_ready_o (msg_ready), .msg_len_i, .msg_data_i ({64{msg_byte_i}}),
    .m_axis_tdata, .m_axis_tkeep, .m_axis_tvalid, .m_axis_tready, .m_axis_tlast, .m_axis_tuser
  );

  // Reset in the first cycle, and never again.
  logic started_q;
  pg_formal_reset_once u_reset (.clk_i, .rst_ni, .started_o (started_q));

  // The core's output channel: a message is 16 to 64 bytes, held unchanged until taken; msg_soon_i
  // says one comes in the next cycle and none is offered in this one.
  logic        was_held_q, was_soon_q;
  logic [6:0]  held_len_q;
  logic [7:0]  held_byte_q;
  always_ff @(posedge clk_i) begin
    was_held_q  <= rst_ni && msg_valid_i && !msg_ready;
    was_soon_q  <= rst_ni && msg_soon_i;
    held_len_q  <= msg_len_i;
    held_byte_q <= msg_byte_i;
  end
  always_comb begin
    if (msg_valid_i) assume (msg_len_i >= 7'd16 && msg_len_i <= 7'd64);
    if (was_held_q) assume (msg_valid_i && msg_len_i == held_len_q && msg_byte_i == held_byte_q);
    if (msg_soon_i) assume (!msg_valid_i);
    if (was_soon_q) assume (msg_valid_i);
  end

  // Messages taken, frames sent, beats of the frame on its way and the beats its message needs.
  logic [7:0] msgs_q, frames_q;
  logic [3:0] beats_q, need_q;
  wire  logic msg_fire = msg_valid_i && msg_ready;
  wire  logic out_fire = m_axis_tvalid && m_axis_tready;
  wire  logic [6:0] frame_len = 7'd42 + msg_len_i;
  wire  logic [3:0] need_now = frame_len[6:3] + 4'(frame_len[2:0] != 3'd0);
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      msgs_q <= '0; frames_q <= '0; beats_q <= '0;
    end else begin
      msgs_q   <= msgs_q + 8'(msg_fire);
      frames_q <= frames_q + 8'(out_fire && m_axis_tlast);
      if (out_fire) beats_q <= m_axis_tlast ? 4'd0 : beats_q + 4'd1;
    end
  end
  // A message is taken only while no frame is on its way or as the last beat of one leaves: the
  // next frame to end is the last message's (an early first beat, before its message, included).
  always_ff @(posedge clk_i) begin
    if (!rst_ni)       need_q <= '0;
    else if (msg_fire) need_q <= need_now;
  end

  pg_formal_axis_hold #(.W (74)) u_hold (
    .clk_i, .rst_ni, .valid_i (m_axis_tvalid), .ready_i (m_axis_tready),
    .beat_i ({m_axis_tdata, m_axis_tkeep, m_axis_tlast, m_axis_tuser})
  );

  always_comb begin
    if (rst_ni && started_q) begin
      assert (!m_axis_tuser);
      if (m_axis_tvalid && !m_axis_tlast) assert (m_axis_tkeep == 8'hff);
      assert (frames_q <= msgs_q && msgs_q <= frames_q + 8'd1);
      if (out_fire && m_axis_tlast) assert (beats_q + 4'd1 == need_q);
`ifdef PG_FORMAL_BROKEN
      assert (frames_q == 8'd0);  // false once a frame has left: the proof must find it
`endif
    end
  end
endmodule

`default_nettype wire
