// perpgate gateway top: three network ports (after the MAC, 64-bit AXI-Stream), the risk core
// and the AXI-Lite control registers, all in one clock domain (the MAC user clock).
//
//   client port:  in  new orders, cancels         out  acks, rejects, canceled
//   venue port:   in  drop copy (fills, cancel acks) out forwarded orders and cancels, liquidations
//   market port:  in  mark, index, book top, trade, funding
//                 out risk-desk stream: liquidations, local marks, event errors
//
// Received messages and control commands (AXI-Lite mailbox) are taken by the core one at a
// time, round robin; the core's messages get the port's session id and next sequence number
// and leave as UDP frames to the port's configured peer.
`default_nettype none

module pg_gateway_top #(
  parameter int unsigned Accounts  = 1024,
  parameter int unsigned Symbols   = 64,
  parameter int unsigned Slots     = 8,
  parameter int unsigned OrderSets = 4096,
  parameter int unsigned OrderWays = 4,
  parameter int unsigned RxBufferBeats = 1024   // each port's receive buffer (pg_rx_fifo): 85 orders
) (
  input  wire logic         clk_i,
  // (also the disable iff of pg_rx_fifo's simulation-only assertions, which Verilator counts as a
  // synchronous use beside the asynchronous reset)
  /* verilator lint_off SYNCASYNCNET */
  input  wire logic         rst_ni,
  /* verilator lint_on SYNCASYNCNET */

  input  wire logic [63:0]  s_axis_client_tdata,
  input  wire logic [7:0]   s_axis_client_tkeep,
  input  wire logic         s_axis_client_tvalid,
  output      logic         s_axis_client_tready,
  input  wire logic         s_axis_client_tlast,
  input  wire logic         s_axis_client_tuser,
  output      logic [63:0]  m_axis_client_tdata,
  output      logic [7:0]   m_axis_client_tkeep,
  output      logic         m_axis_client_tvalid,
  input  wire logic         m_axis_client_tready,
  output      logic         m_axis_client_tlast,
  output      logic         m_axis_client_tuser,

  input  wire logic [63:0]  s_axis_venue_tdata,
  input  wire logic [7:0]   s_axis_venue_tkeep,
  input  wire logic         s_axis_venue_tvalid,
  output      logic         s_axis_venue_tready,
  input  wire logic         s_axis_venue_tlast,
  input  wire logic         s_axis_venue_tuser,
  output      logic [63:0]  m_axis_venue_tdata,
  output      logic [7:0]   m_axis_venue_tkeep,
  output      logic         m_axis_venue_tvalid,
  input  wire logic         m_axis_venue_tready,
  output      logic         m_axis_venue_tlast,
  output      logic         m_axis_venue_tuser,

  input  wire logic [63:0]  s_axis_market_tdata,
  input  wire logic [7:0]   s_axis_market_tkeep,
  input  wire logic         s_axis_market_tvalid,
  output      logic         s_axis_market_tready,
  input  wire logic         s_axis_market_tlast,
  input  wire logic         s_axis_market_tuser,
  output      logic [63:0]  m_axis_market_tdata,
  output      logic [7:0]   m_axis_market_tkeep,
  output      logic         m_axis_market_tvalid,
  input  wire logic         m_axis_market_tready,
  output      logic         m_axis_market_tlast,
  output      logic         m_axis_market_tuser,

  input  wire logic [11:0]  s_axil_awaddr,
  input  wire logic         s_axil_awvalid,
  output      logic         s_axil_awready,
  input  wire logic [31:0]  s_axil_wdata,
  input  wire logic [3:0]   s_axil_wstrb,
  input  wire logic         s_axil_wvalid,
  output      logic         s_axil_wready,
  output      logic [1:0]   s_axil_bresp,
  output      logic         s_axil_bvalid,
  input  wire logic         s_axil_bready,
  input  wire logic [11:0]  s_axil_araddr,
  input  wire logic         s_axil_arvalid,
  output      logic         s_axil_arready,
  output      logic [31:0]  s_axil_rdata,
  output      logic [1:0]   s_axil_rresp,
  output      logic         s_axil_rvalid,
  input  wire logic         s_axil_rready,

  // Observability for testbenches and the rtl backend (left open on the card).
  output      logic         core_idle_o,    // no event in the core, nothing left for the transmit side
  output      logic [31:0]  core_events_o,  // events taken by the core (wraps)
  // The order in which the gateway takes messages: in a cycle with take_o high it took one message
  // from take_src_o (0 mailbox, 1 client, 2 venue, 3 market), applied or (of a type its port may
  // not carry) only counted. Each source's messages are taken in their arrival order, so these
  // two pins are the gateway's serialization of its ports: the order a scoreboard feeds the model.
  output      logic         take_o,
  output      logic [1:0]   take_src_o,
  // A frame dropped whole on arrival at a port's full receive buffer (client, venue, market), in the
  // cycle of its first beat: the drop_overflow counters' pulses.
  output      logic [2:0]   rx_drop_overflow_o,
  // A holder of a mark's walk revalued (pg_risk_core): with take_o, the order in which the core
  // interleaved the walk with client orders, for the golden model.
  output      logic         walk_step_o
);

  localparam int unsigned Ports = perpgate_regs_pkg::PortCount;   // client, venue, market
  localparam int unsigned Cnt   = perpgate_regs_pkg::PortCounterCount;
  localparam int unsigned SetW  = $clog2(OrderSets);
  localparam int unsigned AW    = $clog2(Accounts);
  localparam int unsigned SW    = $clog2(Symbols);

`ifndef SYNTHESIS
  initial assert (Ports == 3) else $fatal(1, "the top has exactly three ports");
`endif

  // ---- control registers -------------------------------------------------------------------------
  logic [Ports*32-1:0]  cfg_ip, cfg_peer_ip;
  logic [Ports*16-1:0]  cfg_port, cfg_peer_port;
  logic [Ports*48-1:0]  cfg_mac, cfg_peer_mac;
  logic [Ports*Cnt-1:0] cnt_inc;
  logic [perpgate_wire_pkg::ReasonCount-1:0] reason_inc;
  logic [perpgate_wire_pkg::ErrorCount-1:0]  error_inc;
  logic       reply, error;
  logic [7:0] reply_reason, error_code;
  for (genvar gr = 0; gr < perpgate_wire_pkg::ReasonCount; gr++) begin : gen_reason_inc
    assign reason_inc[gr] = reply && reply_reason == 8'(gr);
  end
  for (genvar ge = 0; ge < perpgate_wire_pkg::ErrorCount; ge++) begin : gen_error_inc
    assign error_inc[ge] = error && error_code == 8'(ge);
  end
  logic                 mbox_valid, mbox_ready, cmd_done;
  logic [7:0]           mbox_op, cmd_err;
  logic [511:0]         mbox_args, cmd_result;
  logic [31:0]          events_q;  // events the core has taken (core_events register, core_events_o)

  pg_axil_regs u_regs (
    .clk_i, .rst_ni,
    .s_axil_awaddr, .s_axil_awvalid, .s_axil_awready, .s_axil_wdata, .s_axil_wstrb, .s_axil_wvalid,
    .s_axil_wready, .s_axil_bresp, .s_axil_bvalid, .s_axil_bready, .s_axil_araddr, .s_axil_arvalid,
    .s_axil_arready, .s_axil_rdata, .s_axil_rresp, .s_axil_rvalid, .s_axil_rready,
    .cfg_ip_o (cfg_ip), .cfg_port_o (cfg_port), .cfg_mac_o (cfg_mac),
    .cfg_peer_ip_o (cfg_peer_ip), .cfg_peer_port_o (cfg_peer_port), .cfg_peer_mac_o (cfg_peer_mac),
    .cnt_inc_i (cnt_inc), .reason_inc_i (reason_inc), .error_inc_i (error_inc),
    .mbox_valid_o (mbox_valid), .mbox_ready_i (mbox_ready), .mbox_op_o (mbox_op),
    .mbox_args_o (mbox_args), .mbox_done_i (cmd_done), .mbox_err_i (cmd_err),
    .mbox_result_i (cmd_result),
    .core_events_i (events_q), .core_idle_i (core_idle_o)
  );

  // ---- receive ports -------------------------------------------------------------------------------
  logic [63:0]  rx_tdata [Ports];
  logic [7:0]   rx_tkeep [Ports];
  logic         rx_tvalid [Ports];
  logic         rx_tready [Ports];
  logic         rx_tlast [Ports];
  logic         rx_tuser [Ports];
  logic         msg_valid [Ports];
  logic         msg_ready [Ports];
  logic [7:0]   msg_type [Ports];
  logic [511:0] msg_data [Ports];
  logic [SetW-1:0] msg_set [Ports];            // the order set of a message's order id (pg_msg_rx)
  logic [3:0]   req_ok;                        // mailbox, ports: the message may be applied
  // A new order's account and symbol ahead of it (pg_msg_rx): the client port's go to the core;
  // the other ports carry no new orders, so theirs never become valid.
  /* verilator lint_off UNUSEDSIGNAL */
  logic         peek_valid [Ports];
  /* verilator lint_on UNUSEDSIGNAL */

  assign rx_tdata[0] = s_axis_client_tdata;  assign rx_tdata[1] = s_axis_venue_tdata;  assign rx_tdata[2] = s_axis_market_tdata;
  assign rx_tkeep[0] = s_axis_client_tkeep;  assign rx_tkeep[1] = s_axis_venue_tkeep;  assign rx_tkeep[2] = s_axis_market_tkeep;
  assign rx_tvalid[0] = s_axis_client_tvalid; assign rx_tvalid[1] = s_axis_venue_tvalid; assign rx_tvalid[2] = s_axis_market_tvalid;
  assign rx_tlast[0] = s_axis_client_tlast;  assign rx_tlast[1] = s_axis_venue_tlast;  assign rx_tlast[2] = s_axis_market_tlast;
  assign rx_tuser[0] = s_axis_client_tuser;  assign rx_tuser[1] = s_axis_venue_tuser;  assign rx_tuser[2] = s_axis_market_tuser;
  assign s_axis_client_tready = rx_tready[0];
  assign s_axis_venue_tready  = rx_tready[1];
  assign s_axis_market_tready = rx_tready[2];

  for (genvar gp = 0; gp < Ports; gp++) begin : gen_rx
    // The MAC's frames into the port's receive buffer, which never deasserts tready (a MAC cannot
    // wait) and drops a frame whole, counted, when it has no room for it.
    logic [63:0] buf_tdata;
    logic [7:0]  buf_tkeep;
    logic        buf_tvalid, buf_tready, buf_tlast, buf_tuser;
    pg_rx_fifo #(.Depth (RxBufferBeats)) u_buf (
      .clk_i, .rst_ni,
      .s_axis_tdata (rx_tdata[gp]), .s_axis_tkeep (rx_tkeep[gp]), .s_axis_tvalid (rx_tvalid[gp]),
      .s_axis_tready (rx_tready[gp]), .s_axis_tlast (rx_tlast[gp]), .s_axis_tuser (rx_tuser[gp]),
      .m_axis_tdata (buf_tdata), .m_axis_tkeep (buf_tkeep), .m_axis_tvalid (buf_tvalid),
      .m_axis_tready (buf_tready), .m_axis_tlast (buf_tlast), .m_axis_tuser (buf_tuser),
      .drop_overflow_o (cnt_inc[gp*Cnt + perpgate_regs_pkg::CntDropOverflow])
    );
    assign rx_drop_overflow_o[gp] = cnt_inc[gp*Cnt + perpgate_regs_pkg::CntDropOverflow];

    pg_rx_port #(.SetW(SetW)) u_rx (
      .clk_i, .rst_ni,
      .cfg_ip_i (cfg_ip[32*gp +: 32]), .cfg_port_i (cfg_port[16*gp +: 16]),
      .s_axis_tdata (buf_tdata), .s_axis_tkeep (buf_tkeep), .s_axis_tvalid (buf_tvalid),
      .s_axis_tready (buf_tready), .s_axis_tlast (buf_tlast), .s_axis_tuser (buf_tuser),
      .msg_valid_o (msg_valid[gp]), .msg_ready_i (msg_ready[gp]), .msg_type_o (msg_type[gp]),
      .msg_data_o (msg_data[gp]), .msg_set_o (msg_set[gp]),
      .peek_valid_o (peek_valid[gp]),
      .frame_ok_o        (cnt_inc[gp*Cnt + perpgate_regs_pkg::CntFramesOk]),
      .drop_not_for_us_o (cnt_inc[gp*Cnt + perpgate_regs_pkg::CntDropNotForUs]),
      .drop_malformed_o  (cnt_inc[gp*Cnt + perpgate_regs_pkg::CntDropMalformed]),
      .drop_mac_error_o  (cnt_inc[gp*Cnt + perpgate_regs_pkg::CntDropMacError]),
      .msg_ok_o          (cnt_inc[gp*Cnt + perpgate_regs_pkg::CntMsgOk]),
      .msg_malformed_o   (cnt_inc[gp*Cnt + perpgate_regs_pkg::CntMsgMalformed])
    );
    assign cnt_inc[gp*Cnt + perpgate_regs_pkg::CntMsgWrongPort] =
        msg_valid[gp] && msg_ready[gp] && !req_ok[gp + 1];
  end

  // ---- event arbiter: mailbox and the three ports, round robin --------------------------------------
  // A port only offers the messages it may carry: orders and cancels on the client port, drop
  // copy on the venue port, market data on the market port. Anything else is taken, not applied,
  // and counted (msg_wrong_port).
  function automatic logic allowed(input int unsigned port, input logic [7:0] t);
    unique case (port)
      0: allowed = t == perpgate_wire_pkg::MsgNewOrder || t == perpgate_wire_pkg::MsgCancel;
      1: allowed = t == perpgate_wire_pkg::MsgFill || t == perpgate_wire_pkg::MsgCancelAck;
      default: allowed = t == perpgate_wire_pkg::MsgMark || t == perpgate_wire_pkg::MsgIndex ||
                         t == perpgate_wire_pkg::MsgBookTop || t == perpgate_wire_pkg::MsgTrade ||
                         t == perpgate_wire_pkg::MsgFunding;
    endcase
  endfunction

  logic [3:0]   req;
  logic         walk_suspended;                // the core takes only client and venue events (pg_risk_core)
  logic         take_none;                     // ... and for now none
  logic [1:0]   grant, last_q;
  logic         any_req;
  logic         ev_valid, ev_ready;
  logic [7:0]   ev_type;
  logic [511:0] ev_data;
  logic [SetW-1:0] ev_set;
  logic [AW-1:0]   ev_acct;
  logic [SW-1:0]   ev_sym;
  logic            ev_acct_ok, ev_sym_ok;
  logic [pg_risk_pkg::EvFlagsBits-1:0] ev_flags;

  // Each requester's message decoded for the core (first account and symbol, range tests) before
  // the grant, so that the grant's mux hands the core those beside the event (pg_ev_decode).
  logic [AW-1:0] req_acct [4];
  logic [SW-1:0] req_sym [4];
  logic [3:0]    req_acct_ok, req_sym_ok;
  logic [pg_risk_pkg::EvFlagsBits-1:0] req_flags [4];
  pg_ev_decode #(.Accounts (Accounts), .Symbols (Symbols)) u_mbox_decode (
    .type_i (mbox_op), .data_i (mbox_args), .acct_o (req_acct[0]), .acct_ok_o (req_acct_ok[0]),
    .sym_o (req_sym[0]), .sym_ok_o (req_sym_ok[0]), .flags_o (req_flags[0]));
  for (genvar gp = 0; gp < Ports; gp++) begin : gen_msg_decode
    pg_ev_decode #(.Accounts (Accounts), .Symbols (Symbols)) u_decode (
      .type_i (msg_type[gp]), .data_i (msg_data[gp]), .acct_o (req_acct[gp + 1]),
      .acct_ok_o (req_acct_ok[gp + 1]), .sym_o (req_sym[gp + 1]), .sym_ok_o (req_sym_ok[gp + 1]),
      .flags_o (req_flags[gp + 1]));
  end

  // Whether each requester's message may be applied (the mailbox's always), beside the grant: on
  // the granted type it came after the grant and the type's mux, in front of the core's SIdle.
  always_comb begin
    req_ok[0] = 1'b1;
    for (int unsigned p = 0; p < Ports; p++) req_ok[p + 1] = allowed(p, msg_type[p]);
  end

  always_comb begin
    logic [1:0] idx;
    // While the core has a mark's walk suspended it takes the client and venue ports' events
    // alone, and then, its share taken, nothing until the walk has resumed.
    req[0] = mbox_valid && !walk_suspended;
    for (int unsigned p = 0; p < Ports; p++) req[p + 1] = msg_valid[p] && (p <= 1 ? !take_none : !walk_suspended);
    grant   = last_q;
    any_req = 1'b0;
    // the first requester after the last one served
    for (int unsigned k = 4; k >= 1; k--) begin
      idx = last_q + 2'(k);
      if (req[idx]) begin
        grant   = idx;
        any_req = 1'b1;
      end
    end
    // A message of a type the port may not carry is taken and not applied.
    ev_valid = any_req && req_ok[grant];
    ev_acct    = req_acct[grant];
    ev_acct_ok = req_acct_ok[grant];
    ev_sym     = req_sym[grant];
    ev_sym_ok  = req_sym_ok[grant];
    ev_flags   = req_flags[grant];
    // (commands and market data read no order set)
    unique case (grant)
      2'd0:    begin ev_type = mbox_op;     ev_data = mbox_args;   ev_set = '0; end
      2'd1:    begin ev_type = msg_type[0]; ev_data = msg_data[0]; ev_set = msg_set[0]; end
      2'd2:    begin ev_type = msg_type[1]; ev_data = msg_data[1]; ev_set = msg_set[1]; end
      default: begin ev_type = msg_type[2]; ev_data = msg_data[2]; ev_set = '0; end
    endcase
  end

  // Handshakes back to the winner (apart from the selection: ev_ready must not loop into it).
  always_comb begin
    mbox_ready = any_req && grant == 2'd0 && ev_ready;
    for (int unsigned p = 0; p < Ports; p++) begin
      msg_ready[p] = any_req && grant == 2'(p + 1) && (ev_ready || !req_ok[p + 1]);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) events_q <= '0;
    else if (ev_valid && ev_ready) events_q <= events_q + 32'd1;
  end
  assign core_events_o = events_q;

  assign take_o     = any_req && (mbox_ready || msg_ready[0] || msg_ready[1] || msg_ready[2]);
  assign take_src_o = grant;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) last_q <= 2'd3;
    else if (take_o) last_q <= grant;
  end

  // ---- the risk core --------------------------------------------------------------------------------
  logic [2:0]    out_valid, out_ready, out_soon;
  logic [1535:0] out_data;

  pg_risk_core #(
    .Accounts (Accounts), .Symbols (Symbols), .Slots (Slots), .OrderSets (OrderSets), .OrderWays (OrderWays)
  ) u_core (
    .clk_i, .rst_ni,
    .ev_valid_i (ev_valid), .ev_ready_o (ev_ready), .ev_type_i (ev_type), .ev_data_i (ev_data),
    .ev_set_i (ev_set), .ev_client_i (grant == 2'd1),
    .ev_acct_i (ev_acct), .ev_acct_ok_i (ev_acct_ok), .ev_sym_i (ev_sym), .ev_sym_ok_i (ev_sym_ok),
    .ev_flags_i (ev_flags),
    .peek_valid_i (peek_valid[0]), .peek_msg_i (msg_data[0][8*perpgate_wire_pkg::NewOrderSize-1:0]),
    .client_req_i (msg_valid[0] && req_ok[1]), .venue_req_i (msg_valid[1] && req_ok[2]),
    .market_req_i (msg_valid[2] && req_ok[3]),
    .walk_suspended_o (walk_suspended), .take_none_o (take_none),
    .walk_step_o,
    .out_valid_o (out_valid), .out_ready_i (out_ready), .out_soon_o (out_soon), .out_data_o (out_data),
    .cmd_done_o (cmd_done), .cmd_err_o (cmd_err), .cmd_result_o (cmd_result), .idle_o (core_idle_o),
    .reply_o (reply), .reply_reason_o (reply_reason), .error_o (error), .error_code_o (error_code)
  );

  // ---- transmit ports: session and sequence numbers, then UDP frames -----------------------------------
  logic [63:0] tx_tdata [Ports];
  logic [7:0]  tx_tkeep [Ports];
  logic        tx_tvalid [Ports];
  logic        tx_tready [Ports];
  logic        tx_tlast [Ports];
  logic        tx_tuser [Ports];

  assign tx_tready[0] = m_axis_client_tready;
  assign tx_tready[1] = m_axis_venue_tready;
  assign tx_tready[2] = m_axis_market_tready;

  for (genvar gp = 0; gp < Ports; gp++) begin : gen_tx
    logic [63:0]  seq_q;
    logic [511:0] msg;
    logic         tx_msg_ready;

    // Outbound sequence numbers per port, from 1, no gaps; the session is the port's index.
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) seq_q <= 64'd1;
      else if (out_valid[gp] && tx_msg_ready) seq_q <= seq_q + 64'd1;
    end

    always_comb begin
      msg = out_data[512*gp +: 512];
      msg[8*perpgate_wire_pkg::HdrSessionOff +: 32] = 32'(gp);
      msg[8*perpgate_wire_pkg::HdrSeqOff +: 64] = seq_q;
    end

    pg_udp_tx u_tx (
      .clk_i, .rst_ni,
      .cfg_src_mac_i (cfg_mac[48*gp +: 48]), .cfg_dst_mac_i (cfg_peer_mac[48*gp +: 48]),
      .cfg_src_ip_i (cfg_ip[32*gp +: 32]), .cfg_dst_ip_i (cfg_peer_ip[32*gp +: 32]),
      .cfg_src_port_i (cfg_port[16*gp +: 16]), .cfg_dst_port_i (cfg_peer_port[16*gp +: 16]),
      .msg_soon_i (out_soon[gp]), .msg_valid_i (out_valid[gp]), .msg_ready_o (tx_msg_ready),
      .msg_len_i (7'(msg[8*perpgate_wire_pkg::HdrLengthOff +: 16])), .msg_data_i (msg),
      .m_axis_tdata (tx_tdata[gp]), .m_axis_tkeep (tx_tkeep[gp]), .m_axis_tvalid (tx_tvalid[gp]),
      .m_axis_tready (tx_tready[gp]), .m_axis_tlast (tx_tlast[gp]), .m_axis_tuser (tx_tuser[gp])
    );
    assign out_ready[gp] = tx_msg_ready;
  end

  assign m_axis_client_tdata = tx_tdata[0];  assign m_axis_venue_tdata = tx_tdata[1];  assign m_axis_market_tdata = tx_tdata[2];
  assign m_axis_client_tkeep = tx_tkeep[0];  assign m_axis_venue_tkeep = tx_tkeep[1];  assign m_axis_market_tkeep = tx_tkeep[2];
  assign m_axis_client_tvalid = tx_tvalid[0]; assign m_axis_venue_tvalid = tx_tvalid[1]; assign m_axis_market_tvalid = tx_tvalid[2];
  assign m_axis_client_tlast = tx_tlast[0];  assign m_axis_venue_tlast = tx_tlast[1];  assign m_axis_market_tlast = tx_tlast[2];
  assign m_axis_client_tuser = tx_tuser[0];  assign m_axis_venue_tuser = tx_tuser[1];  assign m_axis_market_tuser = tx_tuser[2];

endmodule

`default_nettype wire
