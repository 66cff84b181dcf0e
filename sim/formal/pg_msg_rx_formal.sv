// Bounded proof harness for pg_msg_rx (sim/formal/prove.sh): any payload beats at any time (from
// pg_udp_rx: one frame's UDP payload, lane-0 aligned, tuser on the last beat if the frame was
// bad), the core taking messages at any time.
//  - no message from an incomplete payload: the messages taken plus the one offered never
//    outnumber the payloads closed (their last beat in);
//  - a message offered stays offered, its type unchanged, until taken;
//  - at most one verdict (msg_ok or msg_malformed) per payload closed, none for a flagged one.
`default_nettype none

module pg_msg_rx_formal (
  input wire logic        clk_i,
  input wire logic        rst_ni,
  input wire logic [63:0] s_axis_tdata,
  input wire logic [7:0]  s_axis_tkeep,
  input wire logic        s_axis_tvalid,
  input wire logic        s_axis_tlast,
  input wire logic        s_axis_tuser,
  input wire logic        msg_ready_i
);
  logic         s_axis_tready, msg_valid, peek_valid, msg_ok, msg_malformed;
  logic [7:0]   msg_type;
  logic [511:0] msg_data;
  logic [11:0]  msg_set;
  pg_msg_rx #(.SetW (12)) dut (
    .clk_i, .rst_ni,
    .s_axis_tdata, .s_axis_tkeep, .s_axis_tvalid, .s_axis_tready, .s_axis_tlast, .s_axis_tuser,
    .msg_valid_o (msg_valid), .msg_ready_i, .msg_type_o (msg_type), .msg_data_o (msg_data),
    .msg_set_o (msg_set), .peek_valid_o (peek_valid), .msg_ok_o (msg_ok), .msg_malformed_o (msg_malformed)
  );

  // Reset in the first cycle, and never again.
  logic started_q;
  pg_formal_reset_once u_reset (.clk_i, .rst_ni, .started_o (started_q));
  // tuser only on a last beat (pg_udp_rx's rule)
  always_comb if (s_axis_tvalid && s_axis_tuser) assume (s_axis_tlast);

  logic [7:0] closed_q, good_closed_q, taken_q, verdicts_q;
  wire  logic in_fire = s_axis_tvalid && s_axis_tready;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      closed_q <= '0; good_closed_q <= '0; taken_q <= '0; verdicts_q <= '0;
    end else begin
      closed_q      <= closed_q + 8'(in_fire && s_axis_tlast);
      good_closed_q <= good_closed_q + 8'(in_fire && s_axis_tlast && !s_axis_tuser);
      taken_q       <= taken_q + 8'(msg_valid && msg_ready_i);
      verdicts_q    <= verdicts_q + 8'(msg_ok) + 8'(msg_malformed);
    end
  end

  pg_formal_axis_hold #(.W (8)) u_hold (
    .clk_i, .rst_ni, .valid_i (msg_valid), .ready_i (msg_ready_i), .beat_i (msg_type)
  );

  always_comb begin
    if (rst_ni && started_q) begin
      assert (32'(taken_q) + 32'(msg_valid) <= 32'(good_closed_q));
      assert (!(msg_ok && msg_malformed));
      assert (verdicts_q <= good_closed_q);
`ifdef PG_FORMAL_BROKEN
      assert (!msg_valid);  // false once a message is offered: the proof must find it
`endif
    end
  end
endmodule

`default_nettype wire
