// Message decoder: gathers one UDP payload (from pg_udp_rx, lane-0 aligned) into a message of up
// to 64 bytes and checks its header against the wire protocol (perpgate_wire_pkg): a known inbound
// type, version 1, length field = message size of the type = payload length. Every inbound message
// is a whole number of 8-byte words, so a payload is gathered by beats: each beat must be full
// (tkeep all ones; a partial beat anywhere makes the payload malformed) and the beat count is its
// length. A good message is
// offered on msg_* whole (byte i of the message at msg_data_o[8i +: 8]); anything else is counted
// and dropped. Payloads flagged bad by the receive path (tuser on the last beat) are dropped
// without counting: pg_udp_rx counted them.
//
// Beside the message, the open-order set of its order id (msg_set_o, pg_risk_pkg::order_hash_mix)
// for the types whose set the core reads (new order, fill, cancel_ack): the hash's product starts
// on the beat that brings the id (pg_mulu, 3 cycles), so it is there with the last beat of a new
// order or a fill (the id is two or more beats from the end); a cancel_ack, whose id is its last
// word, is offered two cycles later. The core then reads the set in the cycle it takes the event.
//
// And ahead of a new order, from the beat that brings its account and symbol, four beats before
// its last: peek_valid_o, the message register (msg_data_o) holding them; the core reads their
// table entries while the rest of the order arrives.
`default_nettype none

module pg_msg_rx #(
  parameter int unsigned SetW = 12                // bits of an open-order set index
) (
  input  wire logic         clk_i,
  input  wire logic         rst_ni,

  input  wire logic [63:0]  s_axis_tdata,
  input  wire logic [7:0]   s_axis_tkeep,
  input  wire logic         s_axis_tvalid,
  output      logic         s_axis_tready,
  input  wire logic         s_axis_tlast,
  input  wire logic         s_axis_tuser,

  output      logic         msg_valid_o,
  input  wire logic         msg_ready_i,
  output      logic [7:0]   msg_type_o,
  output      logic [511:0] msg_data_o,
  output      logic [SetW-1:0] msg_set_o,          // a new order's, fill's or cancel_ack's order set

  // the message being gathered, or offered, is a new order whose account and symbol are in
  // msg_data_o
  output      logic         peek_valid_o,

  output      logic         msg_ok_o,         // one-cycle pulses, one per payload
  output      logic         msg_malformed_o
);

  localparam int unsigned MaxBytes = 64;

  logic [511:0] data_d, data_q;
  localparam int unsigned MaxBeats = MaxBytes / 8;
  logic [3:0]   beat_d, beat_q;        // beats gathered, saturating at MaxBeats (too long)
  logic         part_d, part_q;        // a beat so far was not full
  logic         out_valid_d, out_valid_q;

  wire logic in_fire = s_axis_tvalid && s_axis_tready;
  logic msg_fire;                      // the message offered is taken (msg_valid_o && msg_ready_i)

  // Message size of an inbound type, 0 for a type this port does not take.
  function automatic logic [6:0] inbound_size(input logic [7:0] t);
    unique case (t)
      perpgate_wire_pkg::MsgNewOrder:  inbound_size = 7'(perpgate_wire_pkg::NewOrderSize);
      perpgate_wire_pkg::MsgCancel:    inbound_size = 7'(perpgate_wire_pkg::CancelSize);
      perpgate_wire_pkg::MsgMark:      inbound_size = 7'(perpgate_wire_pkg::MarkSize);
      perpgate_wire_pkg::MsgIndex:     inbound_size = 7'(perpgate_wire_pkg::IndexSize);
      perpgate_wire_pkg::MsgBookTop:   inbound_size = 7'(perpgate_wire_pkg::BookTopSize);
      perpgate_wire_pkg::MsgTrade:     inbound_size = 7'(perpgate_wire_pkg::TradeSize);
      perpgate_wire_pkg::MsgFunding:   inbound_size = 7'(perpgate_wire_pkg::FundingSize);
      perpgate_wire_pkg::MsgFill:      inbound_size = 7'(perpgate_wire_pkg::FillSize);
      perpgate_wire_pkg::MsgCancelAck: inbound_size = 7'(perpgate_wire_pkg::CancelAckSize);
      default:                         inbound_size = 7'd0;
    endcase
  endfunction

  // The beat being taken, merged into the message at its byte position.
  logic [511:0] merged;
  logic [7:0]   hdr_type;
  logic [7:0]   hdr_version;
  logic [15:0]  hdr_length;
  logic [6:0]   hdr_size;           // message size of the header's type, 0: not ours
  logic         hdr_ok;
  logic [3:0]   hdr_last_q;         // the index of the last beat of the header's type
  logic         hdr_ok_q;
  logic         good;

  // The header is checked on registered data, and the result registered again: it arrives with
  // the first beat, and every inbound message is longer than two beats, so by the last beat of a
  // payload that can be good the check of it is in hdr_ok_q and hdr_last_q. (A shorter payload
  // fails the length check whatever they hold.) This keeps the check off the byte-position mux of
  // the beat being merged and off the length compare of the last beat.
  always_comb begin
    hdr_type    = data_q[8*perpgate_wire_pkg::HdrTypeOff +: perpgate_wire_pkg::HdrTypeBits];
    hdr_version = data_q[8*perpgate_wire_pkg::HdrVersionOff +: perpgate_wire_pkg::HdrVersionBits];
    hdr_length  = data_q[8*perpgate_wire_pkg::HdrLengthOff +: perpgate_wire_pkg::HdrLengthBits];
    hdr_size    = inbound_size(hdr_type);
    hdr_ok      = hdr_size != 7'd0 && hdr_version == 8'(perpgate_wire_pkg::Version) &&
                  hdr_length == {9'd0, hdr_size};
  end

  always_comb begin
    // Byte k of the message is lane k % 8 of beat k / 8: constant slices, each register's enable
    // a compare of the beat count (a part-select at a variable offset would build a shifter). A
    // partial beat writes whole lanes too: its payload is malformed whatever they hold.
    merged = data_q;
    for (int unsigned k = 0; k < MaxBytes; k++) begin
      if (beat_q == 4'(k / 8)) merged[8*k +: 8] = s_axis_tdata[8*(k % 8) +: 8];
    end
    // the payload is the header's length: its last beat is the type's last, every beat full (a
    // payload of more than MaxBeats beats ends at the saturated count, which no type's last is)
    good = hdr_ok_q && !part_q && s_axis_tkeep == 8'hff && beat_q == hdr_last_q;
  end

  always_comb begin
    data_d      = data_q;
    beat_d      = beat_q;
    part_d      = part_q;
    out_valid_d = out_valid_q && !msg_fire;
    msg_ok_o        = 1'b0;
    msg_malformed_o = 1'b0;
    if (in_fire) begin
      data_d = merged;
      if (beat_q != 4'(MaxBeats)) beat_d = beat_q + 4'd1;
      part_d = part_q || s_axis_tkeep != 8'hff;
      if (s_axis_tlast) begin
        beat_d = 4'd0;
        part_d = 1'b0;
        if (!s_axis_tuser) begin
          msg_ok_o        = good;
          msg_malformed_o = !good;
          out_valid_d     = good;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      beat_q      <= 4'd0;
      part_q      <= 1'b0;
      out_valid_q <= 1'b0;
    end else begin
      beat_q      <= beat_d;
      part_q      <= part_d;
      out_valid_q <= out_valid_d;
    end
  end

  always_ff @(posedge clk_i) begin
    data_q <= data_d;
    hdr_last_q <= hdr_size[6:3] - 4'd1;   // (garbage for a type not ours: hdr_ok_q is false)
    hdr_ok_q <= hdr_ok;
  end

  // ---- the order id's set ------------------------------------------------------------------------
  // The id field of the message as it will be registered (data_d), by the type in the registered
  // header (the id is in word 2 or 3, the type in word 0); its product with the hash constant
  // (its low HashW bits only) three cycles later, while the message waits unchanged.
  localparam int unsigned HashW = SetW + pg_risk_pkg::OrderHashShift;
  logic [HashW-1:0] id_d;                        // the id's low HashW bits
  logic             id_beat, has_id, has_id_q;
  logic [HashW-1:0] hash_p;
  logic             hash_ready;
  always_comb begin
    unique case (hdr_type)
      perpgate_wire_pkg::MsgFill: begin
        id_d = data_d[8*perpgate_wire_pkg::FillIdOff +: HashW];
        id_beat = beat_q == 4'(perpgate_wire_pkg::FillIdOff / 8);
        has_id = 1'b1;
      end
      perpgate_wire_pkg::MsgCancelAck: begin
        id_d = data_d[8*perpgate_wire_pkg::CancelAckIdOff +: HashW];
        id_beat = beat_q == 4'(perpgate_wire_pkg::CancelAckIdOff / 8);
        has_id = 1'b1;
      end
      default: begin                               // a new order (others: no set needed)
        id_d = data_d[8*perpgate_wire_pkg::NewOrderIdOff +: HashW];
        id_beat = beat_q == 4'(perpgate_wire_pkg::NewOrderIdOff / 8);
        has_id = hdr_type == perpgate_wire_pkg::MsgNewOrder;
      end
    endcase
  end
  /* verilator lint_off UNUSEDSIGNAL */
  logic [2*HashW-1:0] hash_full;                   // the product's low HashW bits are the hash's
  logic [63:0]        hash_mix;
  /* verilator lint_on UNUSEDSIGNAL */
  pg_mulu #(.AW(HashW), .BW(HashW)) u_hash (
    .clk_i, .a_i (id_d), .b_i (pg_risk_pkg::OrderHashMul[HashW-1:0]), .p_o (hash_full)
  );
  assign hash_p = hash_full[HashW-1:0];
  // The product of the id taken on a beat is there HashLat - 1 cycles after the beat's data is
  // registered: ready then, and until the next id beat (no beat is taken while a message waits).
  localparam int unsigned HashLat = 3;
  pg_countdown #(.N(HashLat - 1)) u_hash_wait (
    .clk_i, .rst_ni, .go_i (in_fire && id_beat), .ready_o (hash_ready)
  );
  // whether the message waits for its set, registered: the type is there from the first beat and
  // a message is offered two beats later at the earliest (this keeps the type decode off tready)
  always_ff @(posedge clk_i) has_id_q <= has_id;
  assign hash_mix  = pg_risk_pkg::order_hash_mix(64'(hash_p));
  assign msg_set_o = hash_mix[SetW-1:0];

  // A beat is taken while no message waits: a register, as pg_udp_rx needs (it passes a payload
  // beat on in the cycle it comes in, and takes one only when this is ready). Back-to-back frames
  // see no bubble when the consumer keeps up: the next payload beat comes six or more cycles after
  // the last one (the next frame's headers, which pg_udp_rx takes meanwhile).
  assign s_axis_tready = !out_valid_q;
  assign msg_valid_o   = out_valid_q && (hash_ready || !has_id_q);
  assign msg_fire      = msg_valid_o && msg_ready_i;
  assign msg_type_o    = data_q[8*perpgate_wire_pkg::HdrTypeOff +: perpgate_wire_pkg::HdrTypeBits];
  assign msg_data_o    = data_q;
  // (registered bytes only; they stay as they are until the message is taken: later beats of it
  // write further bytes, and the next message's first beat comes after)
  assign peek_valid_o  = (out_valid_q ||
                          {beat_q, 3'd0} >= 7'(perpgate_wire_pkg::NewOrderSymOff + perpgate_wire_pkg::NewOrderSymBits / 8)) &&
                         msg_type_o == perpgate_wire_pkg::MsgNewOrder;

`ifndef SYNTHESIS
  // The registered header check needs every inbound message to be longer than two beats, the
  // gathering by beats every one a whole number of 8-byte words.
  initial begin
    assert (SetW >= 1 && SetW + pg_risk_pkg::OrderHashShift <= 64) else $fatal(1, "pg_msg_rx: SetW 1 to 35");
    for (int t = 0; t < 256; t++) begin
      assert (inbound_size(8'(t)) == 7'd0 || inbound_size(8'(t)) > 7'd16)
        else $fatal(1, "pg_msg_rx: inbound message type %0d fits in two beats", t);
      assert (inbound_size(8'(t)) % 7'd8 == 7'd0)
        else $fatal(1, "pg_msg_rx: inbound message type %0d is not a whole number of 8-byte words", t);
    end
  end

  always_ff @(posedge clk_i) begin
    // The offered message stays unchanged until taken.
    if (out_valid_q && !msg_fire) assert (data_d == data_q);
  end
`endif

endmodule

`default_nettype wire
