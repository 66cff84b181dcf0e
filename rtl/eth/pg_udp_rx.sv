// Ethernet II / IPv4 / UDP receive path, cut-through, 64-bit AXI-Stream (after the MAC, FCS
// stripped; s_axis_tuser on the last beat flags a MAC error such as a bad FCS).
//
// Frame bytes on the bus: byte i in beat i/8, lane i%8 (lane 0 = tdata[7:0]).
//   beat 0-1  Ethernet: dst MAC, src MAC, ethertype (bytes 12-13)
//   beat 1-4  IPv4 header, 20 bytes (14-33): no options, no fragments, checksum verified
//   beat 4-5  UDP header (34-41): dst port and length checked; the checksum is not (cut-through:
//             it would need the whole payload first; the Ethernet FCS covers the frame)
//   beat 5-   UDP payload from byte 42, realigned to lane 0 on m_axis (one beat of delay: lanes
//             0-1 of an output beat come with the next input beat; no register after it).
//
// A frame is either passed (its payload, tlast on its last byte) or dropped and counted:
//   not_for_us: not IPv4, not UDP, another destination address or port;
//   malformed : bad IP version/IHL, fragment, bad header checksum, inconsistent lengths,
//               runt, or a MAC error.
// Every decision that can be taken from the headers (all of them but the frame length and the
// MAC error) is taken before the first payload beat leaves, so such frames leave no trace. The two
// end-of-frame checks can only flag the payload already sent: m_axis_tuser = 1 on its last beat
// tells the message decoder to discard it. Each frame is counted once, at its last beat (a frame
// cut short by a reset is not counted).
`default_nettype none

module pg_udp_rx (
  input  wire logic        clk_i,
  input  wire logic        rst_ni,

  input  wire logic [31:0] cfg_ip_i,     // our IPv4 address
  input  wire logic [15:0] cfg_port_i,   // our UDP port

  input  wire logic [63:0] s_axis_tdata,
  input  wire logic [7:0]  s_axis_tkeep,
  input  wire logic        s_axis_tvalid,
  output      logic        s_axis_tready,
  input  wire logic        s_axis_tlast,
  input  wire logic        s_axis_tuser,

  output      logic [63:0] m_axis_tdata,
  output      logic [7:0]  m_axis_tkeep,
  output      logic        m_axis_tvalid,
  input  wire logic        m_axis_tready,
  output      logic        m_axis_tlast,
  output      logic        m_axis_tuser,  // on the last beat: discard this payload

  // One-cycle pulses, one per frame, for the counters.
  output      logic        frame_ok_o,
  output      logic        drop_not_for_us_o,
  output      logic        drop_malformed_o,
  output      logic        drop_mac_error_o
);

  // ---- beat position -------------------------------------------------------------------------
  logic [2:0]  beat_d, beat_q;          // saturates at 6: "payload beats"
  logic [15:0] bytes_d, bytes_q;        // frame bytes seen before this beat (saturating)
  // Frame bytes still expected after those before this beat (14 + IPv4 total length - bytes_q),
  // known from beat 2 on; negative: the frame is already too long (held there, no wrap). The
  // length check at the last beat then compares 4 bits, not two 16-bit sums.
  logic signed [17:0] left_d, left_q;

  // ---- header fields, captured as they pass --------------------------------------------------
  logic        eth_ip4_d, eth_ip4_q;    // ethertype 0x0800
  logic        ip_hdr_ok_d, ip_hdr_ok_q;  // version 4, IHL 5, not a fragment
  logic [15:0] udp_len_exp_d, udp_len_exp_q;  // the UDP length the IPv4 total length implies (- 20)
  logic        udp_len_ok_d, udp_len_ok_q;    // ... and the total length leaves room for a UDP header
  logic        ip_udp_d, ip_udp_q;      // protocol 17
  logic        ip_dst_hi_ok_d, ip_dst_hi_ok_q;  // high half of the destination IP is ours
  logic [19:0] csum_d, csum_q;          // plain sum of the IPv4 header words so far (fits 20 bits)

  // ---- frame state ---------------------------------------------------------------------------
  typedef enum logic [1:0] {
    StHeader = 2'd0,   // still reading headers
    StPass   = 2'd1,   // headers accepted: payload flows
    StDrop   = 2'd2    // dropped (already counted): swallow the rest of the frame
  } state_e;
  state_e state_d, state_q;

  logic [47:0] prev_data_d, prev_data_q;  // lanes 2-7 of the previous beat (payload to realign)
  logic [5:0]  prev_keep_d, prev_keep_q;
  logic        flush_d, flush_q;          // one more output beat owed after the input's tlast
  logic        flush_bad_d, flush_bad_q;
  logic        drop_nfu_d, drop_nfu_q;      // a dropped frame's reason: not for us, else malformed

  // ---- output register -------------------------------------------------------------------------
  logic [63:0] out_data;
  logic [7:0]  out_keep;
  logic        out_valid, out_last, out_user;
  logic        out_ready;

  // One's-complement sum of a 16-bit big-endian word at lanes (l, l+1).
  function automatic logic [15:0] word_at(input logic [63:0] d, input int unsigned lane);
    word_at = {d[8*lane +: 8], d[8*(lane+1) +: 8]};
  endfunction

  // The four words of a beat, added as a tree (two adder levels, not four).
  function automatic logic [17:0] sum4(input logic [63:0] d);
    sum4 = 18'({1'b0, word_at(d, 0)} + {1'b0, word_at(d, 2)}) + 18'({1'b0, word_at(d, 4)} + {1'b0, word_at(d, 6)});
  endfunction

  // The one's-complement sum of the header words is 0xffff exactly when their plain sum s is a
  // non-zero multiple of 0xffff (end-around carries keep s mod 0xffff); ten words keep s below
  // 10 x 0xffff + 1, so this is ten 20-bit comparisons with constants instead of two folds.
  function automatic logic ones_sum_is_ffff(input logic [19:0] s);
    ones_sum_is_ffff = 1'b0;
    for (int unsigned k = 1; k <= 10; k++) if (s == 20'(k * 32'hffff)) ones_sum_is_ffff = 1'b1;
  endfunction

  // Bytes in a beat from its tkeep (contiguous from lane 0 on a valid stream).
  function automatic logic [3:0] keep_count(input logic [7:0] k);
    keep_count = 4'd0;
    for (int unsigned i = 0; i < 8; i++) keep_count = keep_count + {3'd0, k[i]};
  endfunction

  wire logic in_fire = s_axis_tvalid && s_axis_tready;
  wire logic [15:0] bytes_now = bytes_q + {12'd0, keep_count(s_axis_tkeep)};

  // Header verdict, complete at beat 4 (dst IP low half, UDP ports and length are in it).
  logic        hdr_not_for_us, hdr_malformed;
  logic        frame_bad;
  logic [15:0] udp_len;
  logic        csum_ok;

  always_comb begin
    udp_len = word_at(s_axis_tdata, 6);
    csum_ok = ones_sum_is_ffff(csum_q + {4'd0, word_at(s_axis_tdata, 0)});
    hdr_not_for_us = 1'b0;
    hdr_malformed  = 1'b0;
    if (!eth_ip4_q) begin
      hdr_not_for_us = 1'b1;
    end else if (!ip_hdr_ok_q || !csum_ok) begin
      hdr_malformed = 1'b1;
    end else if (!ip_udp_q || !ip_dst_hi_ok_q || word_at(s_axis_tdata, 0) != cfg_ip_i[15:0] ||
                 word_at(s_axis_tdata, 4) != cfg_port_i) begin
      hdr_not_for_us = 1'b1;
    end else if (!udp_len_ok_q || udp_len != udp_len_exp_q) begin
      // (udp_len + 20 == total length and udp_len >= 8, with the subtraction done at beat 2)
      hdr_malformed = 1'b1;
    end
  end

  always_comb begin
    beat_d      = beat_q;
    bytes_d     = bytes_q;
    left_d      = left_q;
    eth_ip4_d   = eth_ip4_q;
    ip_hdr_ok_d = ip_hdr_ok_q;
    udp_len_exp_d = udp_len_exp_q;
    udp_len_ok_d  = udp_len_ok_q;
    ip_udp_d    = ip_udp_q;
    ip_dst_hi_ok_d = ip_dst_hi_ok_q;
    csum_d      = csum_q;
    state_d     = state_q;
    prev_data_d = prev_data_q;
    prev_keep_d = prev_keep_q;
    flush_d     = flush_q;
    flush_bad_d = flush_bad_q;
    drop_nfu_d  = drop_nfu_q;

    frame_bad = 1'b0;
    out_data  = {16'd0, prev_data_q};
    out_keep  = {2'd0, prev_keep_q};
    out_valid = 1'b0;
    out_last  = 1'b0;
    out_user  = 1'b0;

    frame_ok_o        = 1'b0;
    drop_not_for_us_o = 1'b0;
    drop_malformed_o  = 1'b0;
    drop_mac_error_o  = 1'b0;

    if (flush_q) begin
      // The owed last beat: the tail of the previous input beat.
      out_valid = out_ready;
      out_last  = 1'b1;
      out_user  = flush_bad_q;
      if (out_ready) flush_d = 1'b0;
    end else if (in_fire) begin
      bytes_d = (bytes_now < bytes_q) ? 16'hffff : bytes_now;
      if (beat_q != 3'd6) beat_d = beat_q + 3'd1;
      if (left_q >= 0) left_d = left_q - 18'(keep_count(s_axis_tkeep));

      unique case (beat_q)
        3'd0: begin
          csum_d = 20'd0;
        end
        3'd1: begin
          eth_ip4_d   = word_at(s_axis_tdata, 4) == 16'h0800;
          ip_hdr_ok_d = s_axis_tdata[55:48] == 8'h45;
          csum_d      = {4'd0, word_at(s_axis_tdata, 6)};
        end
        3'd2: begin
          udp_len_exp_d = word_at(s_axis_tdata, 0) - 16'd20;
          udp_len_ok_d  = word_at(s_axis_tdata, 0) >= 16'd28;
          left_d   = 18'(word_at(s_axis_tdata, 0)) + 18'sd14 - 18'(bytes_now);
          // Flags and fragment offset: MF set or a non-zero offset is a fragment.
          if ((word_at(s_axis_tdata, 4) & 16'h3fff) != 16'd0) ip_hdr_ok_d = 1'b0;
          ip_udp_d = s_axis_tdata[63:56] == 8'd17;
          csum_d   = csum_q + 20'(sum4(s_axis_tdata));
        end
        3'd3: begin
          ip_dst_hi_ok_d = word_at(s_axis_tdata, 6) == cfg_ip_i[31:16];
          csum_d         = csum_q + 20'(sum4(s_axis_tdata));
        end
        default: begin
          // Beat 5 onwards: payload. Output beat k = lanes 2-7 of input beat 5+k, lanes 0-1 of 6+k.
          if (state_q == StPass && beat_q != 3'd5) begin
            out_valid = 1'b1;
            out_data  = {s_axis_tdata[15:0], prev_data_q};
            out_keep  = {s_axis_tkeep[1:0], prev_keep_q};
          end
        end
      endcase

      if (beat_q >= 3'd5) begin
        prev_data_d = s_axis_tdata[63:16];
        prev_keep_d = s_axis_tkeep[7:2];
      end

      if (s_axis_tlast) begin
        // End of frame: the verdicts that need the whole frame.
        beat_d  = 3'd0;
        bytes_d = 16'd0;
        state_d = StHeader;
        if (beat_q < 3'd4) begin
          drop_malformed_o = 1'b1;  // runt: ended inside the headers
        end else if (beat_q == 3'd4) begin
          // Ended before the UDP header did: the header's own verdict, else a runt.
          drop_not_for_us_o = hdr_not_for_us;
          drop_malformed_o  = !hdr_not_for_us;
        end else if (state_q == StDrop) begin
          drop_not_for_us_o = drop_nfu_q;
          drop_malformed_o  = !drop_nfu_q;
        end else begin
          // Payload frame: its length must be exactly 14 + the IP total length.
          frame_bad = s_axis_tuser || left_q != 18'(keep_count(s_axis_tkeep));
          drop_mac_error_o = s_axis_tuser;
          drop_malformed_o = !s_axis_tuser && frame_bad;
          frame_ok_o       = !frame_bad;
          if (beat_q == 3'd5 || s_axis_tkeep[2]) begin
            // Bytes left in lanes 2-7 of this beat: one more output beat, the last.
            flush_d     = 1'b1;
            flush_bad_d = frame_bad;
          end else begin
            out_last = 1'b1;
            out_user = frame_bad;
          end
        end
      end else if (beat_q == 3'd4) begin
        // Header verdict: drop (counted at the frame's end) or pass the payload.
        state_d     = (hdr_not_for_us || hdr_malformed) ? StDrop : StPass;
        drop_nfu_d  = hdr_not_for_us;
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      beat_q  <= 3'd0;
      bytes_q <= 16'd0;
      state_q <= StHeader;
      flush_q <= 1'b0;
    end else begin
      beat_q  <= beat_d;
      bytes_q <= bytes_d;
      state_q <= state_d;
      flush_q <= flush_d;
    end
  end

  always_ff @(posedge clk_i) begin
    eth_ip4_q   <= eth_ip4_d;
    ip_hdr_ok_q <= ip_hdr_ok_d;
    udp_len_exp_q <= udp_len_exp_d;
    udp_len_ok_q  <= udp_len_ok_d;
    left_q      <= left_d;
    ip_udp_q    <= ip_udp_d;
    ip_dst_hi_ok_q <= ip_dst_hi_ok_d;
    csum_q      <= csum_d;
    prev_data_q <= prev_data_d;
    prev_keep_q <= prev_keep_d;
    flush_bad_q <= flush_bad_d;
    drop_nfu_q  <= drop_nfu_d;
  end

  // ---- output: no register of its own ---------------------------------------------------------
  // The payload goes out in the cycle its input beat comes in (realigned, the header verdicts
  // already taken): the message decoder registers it. Its ready (m_axis_tready) must come
  // straight from a register, as pg_msg_rx's does: a beat that makes an output beat is taken only
  // when the output can go, so m_axis_tvalid is never raised without m_axis_tready and no beat
  // waits here. Every other beat (headers, the first payload beat, a dropped frame's) makes no
  // output and is taken whatever the decoder does, so a frame's headers come in while the
  // previous message waits to be consumed. tready towards the MAC stays a function of registers.
  wire logic beat_makes_output = state_q == StPass && beat_q == 3'd6;
  assign m_axis_tdata  = out_data;
  assign m_axis_tkeep  = out_keep;
  assign m_axis_tvalid = out_valid;
  assign m_axis_tlast  = out_last;
  assign m_axis_tuser  = out_user;
  assign out_ready     = m_axis_tready;
  assign s_axis_tready = !flush_q && (m_axis_tready || !beat_makes_output);

`ifndef SYNTHESIS
  // An output beat is only produced when it can be taken, and only by a beat that says so.
  always_ff @(posedge clk_i) begin
    if (out_valid) assert (out_ready);
    if (in_fire && out_valid) assert (beat_makes_output);
  end
`endif

endmodule

`default_nettype wire
