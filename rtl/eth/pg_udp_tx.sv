// Transmit path: one message in (whole, as pg_msg_rx hands them on), one Ethernet II / IPv4 /
// UDP frame out on a 64-bit AXI-Stream towards the MAC. Headers come from the port's
// configuration; IPv4 id 0 with don't-fragment (RFC 6864), TTL 64, UDP checksum 0 (none). An idle
// port sends the first beat (the two MAC addresses: configuration only) in the cycle it takes the
// message, a busy one in the cycle after its previous frame's last beat. Told a cycle ahead that a
// message comes (msg_soon_i), an idle port sends the first beat then, and the second (the rest of
// the source MAC, the ethertype, IPv4's first two bytes: configuration only too) as it takes it.
// The byte layout is the one host/wire/udp_frame.hpp builds, and the testbench holds it to that,
// byte for byte.
`default_nettype none

module pg_udp_tx (
  input  wire logic         clk_i,
  input  wire logic         rst_ni,

  input  wire logic [47:0]  cfg_src_mac_i,  // byte 0 of the MAC in bits [47:40]
  input  wire logic [47:0]  cfg_dst_mac_i,
  input  wire logic [31:0]  cfg_src_ip_i,
  input  wire logic [31:0]  cfg_dst_ip_i,
  input  wire logic [15:0]  cfg_src_port_i,
  input  wire logic [15:0]  cfg_dst_port_i,

  input  wire logic         msg_soon_i,     // a message is offered in the next cycle, none in this one
  input  wire logic         msg_valid_i,
  output      logic         msg_ready_o,
  input  wire logic [6:0]   msg_len_i,      // bytes, 16..64
  input  wire logic [511:0] msg_data_i,

  output      logic [63:0]  m_axis_tdata,
  output      logic [7:0]   m_axis_tkeep,
  output      logic         m_axis_tvalid,
  input  wire logic         m_axis_tready,
  output      logic         m_axis_tlast,
  output      logic         m_axis_tuser
);

  localparam int unsigned HdrBytes   = 42;
  localparam int unsigned FrameBytes = HdrBytes + 64;   // longest frame
  localparam int unsigned FrameBeats = (FrameBytes + 7) / 8;

  logic [8*FrameBeats*8-1:0] frame_d, frame_q;  // byte i at bits [8i +: 8]
  logic [3:0]                beats_d, beats_q;  // beats of this frame
  logic [3:0]                beat_d, beat_q;    // next beat to send
  logic [2:0]                tail_d, tail_q;    // bytes in the last beat, 0 = 8
  logic                      busy_d, busy_q;
  logic                      pre_d, pre_q;      // beat 0 left ahead of the message offered now

  // The header bytes for a message of msg_len_i bytes.
  logic [8*HdrBytes-1:0] hdr;
  logic [15:0] ip_len, udp_len;
  logic [19:0] csum_sum;
  logic [16:0] csum_fold1;
  logic [15:0] csum;

  function automatic logic [15:0] swap16(input logic [15:0] v);  // big-endian on the wire
    swap16 = {v[7:0], v[15:8]};
  endfunction

  always_comb begin
    udp_len = 16'd8 + {9'd0, msg_len_i};
    ip_len  = 16'd28 + {9'd0, msg_len_i};
    // IPv4 header checksum: one's-complement sum of the ten header words, checksum field 0.
    csum_sum = {4'd0, 16'h4500} + {4'd0, ip_len} + {4'd0, 16'h0000} + {4'd0, 16'h4000} +
               {4'd0, 16'h4011} + {4'd0, cfg_src_ip_i[31:16]} + {4'd0, cfg_src_ip_i[15:0]} +
               {4'd0, cfg_dst_ip_i[31:16]} + {4'd0, cfg_dst_ip_i[15:0]};
    csum_fold1 = {1'b0, csum_sum[15:0]} + {13'd0, csum_sum[19:16]};
    csum = ~(csum_fold1[15:0] + {15'd0, csum_fold1[16]});
    hdr = '0;
    for (int unsigned i = 0; i < 6; i++) begin
      hdr[8*i +: 8]       = cfg_dst_mac_i[8*(5-i) +: 8];
      hdr[8*(6+i) +: 8]   = cfg_src_mac_i[8*(5-i) +: 8];
    end
    hdr[8*12 +: 16] = swap16(16'h0800);
    hdr[8*14 +: 8]  = 8'h45;
    hdr[8*15 +: 8]  = 8'h00;
    hdr[8*16 +: 16] = swap16(ip_len);
    hdr[8*18 +: 16] = 16'h0000;            // id
    hdr[8*20 +: 16] = swap16(16'h4000);    // don't fragment
    hdr[8*22 +: 8]  = 8'd64;               // TTL
    hdr[8*23 +: 8]  = 8'd17;               // UDP
    hdr[8*24 +: 16] = swap16(csum);
    hdr[8*26 +: 16] = swap16(cfg_src_ip_i[31:16]);
    hdr[8*28 +: 16] = swap16(cfg_src_ip_i[15:0]);
    hdr[8*30 +: 16] = swap16(cfg_dst_ip_i[31:16]);
    hdr[8*32 +: 16] = swap16(cfg_dst_ip_i[15:0]);
    hdr[8*34 +: 16] = swap16(cfg_src_port_i);
    hdr[8*36 +: 16] = swap16(cfg_dst_port_i);
    hdr[8*38 +: 16] = swap16(udp_len);
    hdr[8*40 +: 16] = 16'h0000;            // UDP checksum: none
  end

  wire logic msg_fire = msg_valid_i && msg_ready_o;
  wire logic out_fire = m_axis_tvalid && m_axis_tready;
  wire logic [6:0] frame_len = 7'(HdrBytes) + msg_len_i;  // <= 106
  wire logic early = !busy_q && !pre_q && msg_soon_i;      // beat 0 before the message

  always_comb begin
    frame_d = frame_q;
    beats_d = beats_q;
    beat_d  = beat_q;
    tail_d  = tail_q;
    busy_d  = busy_q;
    pre_d   = early && m_axis_tready;                      // not taken: offered again with the message
    if (out_fire && busy_q) begin
      beat_d = beat_q + 4'd1;
      if (beat_q + 4'd1 == beats_q) busy_d = 1'b0;
    end
    if (msg_fire) begin
      frame_d = '0;
      frame_d[8*HdrBytes-1:0] = hdr;
      frame_d[8*HdrBytes +: 512] = msg_data_i;
      beats_d = frame_len[6:3] + {3'd0, frame_len[2:0] != 3'd0};
      tail_d  = frame_len[2:0];
      // idle, beat 0 leaves now (or left, pre_q: then beat 1 leaves now)
      if (busy_q)     beat_d = 4'd0;
      else if (pre_q) beat_d = m_axis_tready ? 4'd2 : 4'd1;
      else            beat_d = m_axis_tready ? 4'd1 : 4'd0;
      busy_d  = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      beat_q <= 4'd0;
      pre_q  <= 1'b0;
    end else begin
      busy_q <= busy_d;
      beat_q <= beat_d;
      pre_q  <= pre_d;
    end
  end

  always_ff @(posedge clk_i) begin
    frame_q <= frame_d;
    beats_q <= beats_d;
    tail_q  <= tail_d;
  end

  wire logic last_beat = beat_q + 4'd1 == beats_q;

  // A new message is taken when idle or as the previous frame's last beat leaves, so frames
  // follow each other without an idle beat. Idle, the port offers the message's first beat as
  // the message is offered, or a cycle before when told (early); if the MAC does not take it, it
  // stays (frame_q holds the same beat 0; after an early beat 0, beat 1 likewise).
  logic [63:0] frame_beat;
  assign msg_ready_o   = !busy_q || (last_beat && m_axis_tready);
  assign m_axis_tvalid = busy_q || msg_valid_i || early;
  pg_index_mux #(.N(FrameBeats), .W(64), .IW(4)) u_beat (
    .data_i (frame_q), .idx_i (beat_q), .data_o (frame_beat)
  );
  assign m_axis_tdata  = busy_q ? frame_beat : pre_q ? hdr[127:64] : hdr[63:0];
  assign m_axis_tlast  = busy_q && last_beat;
  assign m_axis_tkeep  = (busy_q && last_beat && tail_q != 3'd0) ? 8'((9'd1 << tail_q) - 9'd1) : 8'hff;
  assign m_axis_tuser  = 1'b0;

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (msg_fire) assert (msg_len_i >= 7'd16 && msg_len_i <= 7'd64);
    if (msg_soon_i) assert (!msg_valid_i);
    if (pre_q) assert (msg_valid_i);              // the message announced
  end
`endif

endmodule

`default_nettype wire
