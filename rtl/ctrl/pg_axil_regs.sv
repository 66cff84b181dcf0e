// AXI4-Lite control registers and counters (map: protocol/regs.toml via perpgate_regs_pkg).
// One write and one read in flight at a time; ready signals and responses are registered.
// Counters are 64 bits, incremented by one-cycle pulses; reading a counter's lo word latches its
// hi word, so a lo-then-hi read pair is consistent. Unmapped addresses read 0 and answer SLVERR.
`default_nettype none

module pg_axil_regs #(
  parameter int unsigned PortCount = perpgate_regs_pkg::PortCount,
  parameter int unsigned CntCount  = perpgate_regs_pkg::PortCounterCount
) (
  input  wire logic                          clk_i,
  input  wire logic                          rst_ni,

  input  wire logic [11:0]                   s_axil_awaddr,
  input  wire logic                          s_axil_awvalid,
  output      logic                          s_axil_awready,
  input  wire logic [31:0]                   s_axil_wdata,
  input  wire logic [3:0]                    s_axil_wstrb,
  input  wire logic                          s_axil_wvalid,
  output      logic                          s_axil_wready,
  output      logic [1:0]                    s_axil_bresp,
  output      logic                          s_axil_bvalid,
  input  wire logic                          s_axil_bready,
  input  wire logic [11:0]                   s_axil_araddr,
  input  wire logic                          s_axil_arvalid,
  output      logic                          s_axil_arready,
  output      logic [31:0]                   s_axil_rdata,
  output      logic [1:0]                    s_axil_rresp,
  output      logic                          s_axil_rvalid,
  input  wire logic                          s_axil_rready,

  // Per-port configuration, port p in bits [p*W +: W].
  output      logic [PortCount*32-1:0]       cfg_ip_o,
  output      logic [PortCount*16-1:0]       cfg_port_o,
  output      logic [PortCount*48-1:0]       cfg_mac_o,
  output      logic [PortCount*32-1:0]       cfg_peer_ip_o,
  output      logic [PortCount*16-1:0]       cfg_peer_port_o,
  output      logic [PortCount*48-1:0]       cfg_peer_mac_o,

  // Counter pulses, counter c of port p at bit p*CntCount + c.
  input  wire logic [PortCount*CntCount-1:0] cnt_inc_i,
  // Decision counter pulses: reply with reason code c (0: ack), engine error code e.
  input  wire logic [perpgate_wire_pkg::ReasonCount-1:0] reason_inc_i,
  input  wire logic [perpgate_wire_pkg::ErrorCount-1:0]  error_inc_i,

  // Command mailbox towards the risk core: a command is offered until taken; the core reports
  // its completion with a pulse, the engine error code and the result words.
  output      logic                          mbox_valid_o,
  input  wire logic                          mbox_ready_i,
  output      logic [7:0]                    mbox_op_o,
  output      logic [511:0]                  mbox_args_o,
  input  wire logic                          mbox_done_i,
  input  wire logic [7:0]                    mbox_err_i,
  input  wire logic [511:0]                  mbox_result_i,
  // Core state for the host's event barrier (core_events, core_status).
  input  wire logic [31:0]                   core_events_i,
  input  wire logic                          core_idle_i
);

  localparam int unsigned StrideBits = $clog2(perpgate_regs_pkg::PortStride);
  localparam int unsigned PortIdxBits = PortCount > 1 ? $clog2(PortCount) : 1;
  localparam logic [1:0]  RespOkay   = 2'b00;
  localparam logic [1:0]  RespSlvErr = 2'b10;

`ifndef SYNTHESIS
  initial begin
    assert (perpgate_regs_pkg::PortStride == (12'd1 << StrideBits)) else $fatal(1, "stride not a power of 2");
    assert (PortCount >= 1 && PortCount <= 8) else $fatal(1, "PortCount out of range");
    assert (CntCount <= 8 && perpgate_regs_pkg::PortCounterBase == 7'h40)
      else $fatal(1, "a port's counters: at most 8, in the upper half of its 128-byte block");
    assert (PortCount * 8 + perpgate_wire_pkg::ReasonCount + perpgate_wire_pkg::ErrorCount <= 64)
      else $fatal(1, "the counters need a wider read index");
    assert (perpgate_regs_pkg::ReasonCntBase[7:0] == 8'd0 && perpgate_regs_pkg::ErrorCntBase[7:0] == 8'd0 &&
            perpgate_regs_pkg::ReasonCntBase[11:8] != perpgate_regs_pkg::ErrorCntBase[11:8] &&
            perpgate_wire_pkg::ReasonCount <= 32 && perpgate_wire_pkg::ErrorCount <= 32)
      else $fatal(1, "decision counter blocks: 256-byte aligned, at most 32 counters each");
  end
`endif

  // ---- registers -------------------------------------------------------------------------------
  logic [31:0] scratch_q;
  logic [31:0] ip_q [PortCount];
  logic [15:0] port_q [PortCount];
  logic [47:0] mac_q [PortCount];
  logic [31:0] peer_ip_q [PortCount];
  logic [15:0] peer_port_q [PortCount];
  logic [47:0] peer_mac_q [PortCount];
  localparam int unsigned DecCount = perpgate_wire_pkg::ReasonCount + perpgate_wire_pkg::ErrorCount;
  wire logic [DecCount-1:0] dec_inc = {error_inc_i, reason_inc_i};   // reasons, then engine errors

  // The decision counters' blocks start on 256-byte boundaries, 8 bytes a counter: the counter of
  // an address is its bits 7:3, and its place in the counter bank a constant further.
  function automatic logic is_dec(input logic [11:0] a);
    is_dec = (a >= perpgate_regs_pkg::ReasonCntBase &&
              a < perpgate_regs_pkg::ReasonCntBase + 12'(8 * perpgate_wire_pkg::ReasonCount)) ||
             (a >= perpgate_regs_pkg::ErrorCntBase &&
              a < perpgate_regs_pkg::ErrorCntBase + 12'(8 * perpgate_wire_pkg::ErrorCount));
  endfunction
  function automatic logic [5:0] dec_bank_index(input logic [11:3] a);   // a counter's address
    dec_bank_index = 6'(a[7:3]) + (a[11:8] == perpgate_regs_pkg::ReasonCntBase[11:8]
                                   ? 6'(PortCount * 8) : 6'(PortCount * 8 + perpgate_wire_pkg::ReasonCount));
  endfunction
  logic [31:0] hi_shadow_q;
  logic        clear_q;
  localparam int unsigned MboxRegs = 2 * perpgate_regs_pkg::MboxWords;
  logic [31:0] mbox_arg_q [MboxRegs];
  logic [7:0]  mbox_op_q;
  logic        mbox_pending_q, mbox_busy_q;
  logic [31:0] mbox_done_q;

  function automatic logic in_mbox_args(input logic [11:0] a);
    in_mbox_args = a >= perpgate_regs_pkg::MboxArgs && a < perpgate_regs_pkg::MboxArgs + 12'(4 * MboxRegs);
  endfunction
  function automatic logic in_mbox_result(input logic [11:0] a);
    in_mbox_result = a >= perpgate_regs_pkg::MboxResult && a < perpgate_regs_pkg::MboxResult + 12'(4 * MboxRegs);
  endfunction

  // ---- address decode ----------------------------------------------------------------------------
  // Port block p covers [PortBase + p*Stride, PortBase + (p+1)*Stride).
  function automatic logic [4:0] port_of(input logic [11:0] a);
    port_of = 5'((a - perpgate_regs_pkg::PortBase) >> StrideBits);
  endfunction
  function automatic logic [6:0] offset_of(input logic [11:0] a);
    offset_of = 7'(a - perpgate_regs_pkg::PortBase);
  endfunction
  function automatic logic in_port(input logic [11:0] a);
    in_port = a >= perpgate_regs_pkg::PortBase && port_of(a) < 5'(PortCount);
  endfunction

  // ---- write channel -----------------------------------------------------------------------------
  logic awready_q, bvalid_q;
  logic [1:0] bresp_q;
  wire logic do_write = awready_q;  // awvalid and wvalid are held until the handshake

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      awready_q <= 1'b0;
      bvalid_q  <= 1'b0;
      bresp_q   <= RespOkay;
    end else begin
      awready_q <= !awready_q && !bvalid_q && s_axil_awvalid && s_axil_wvalid;
      if (do_write) begin
        bvalid_q <= 1'b1;
        bresp_q  <= write_ok(s_axil_awaddr) ? RespOkay : RespSlvErr;
      end else if (bvalid_q && s_axil_bready) begin
        bvalid_q <= 1'b0;
      end
    end
  end

  function automatic logic write_ok(input logic [11:0] a);
    logic [6:0] off;
    off = offset_of(a);
    if (a == perpgate_regs_pkg::RegScratch || a == perpgate_regs_pkg::RegCounterClear) begin
      write_ok = 1'b1;
    end else if (in_mbox_args(a)) begin
      write_ok = a[1:0] == 2'd0;
    end else if (a == perpgate_regs_pkg::MboxOp) begin
      write_ok = !mbox_busy_q;           // one command at a time: a second one is refused
    end else if (in_port(a)) begin
      write_ok = off[1:0] == 2'd0 && off <= perpgate_regs_pkg::PortPeerMacHi;
    end else begin
      write_ok = 1'b0;
    end
  endfunction

  // Byte-enable merge of a write into a 32-bit register value.
  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] data, input logic [3:0] strb);
    for (int unsigned b = 0; b < 4; b++) merge[8*b +: 8] = strb[b] ? data[8*b +: 8] : old[8*b +: 8];
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      scratch_q <= 32'd0;
      clear_q   <= 1'b0;
      for (int unsigned p = 0; p < PortCount; p++) begin
        ip_q[p]        <= 32'd0;
        port_q[p]      <= 16'd0;
        mac_q[p]       <= 48'd0;
        peer_ip_q[p]   <= 32'd0;
        peer_port_q[p] <= 16'd0;
        peer_mac_q[p]  <= 48'd0;
      end
    end else begin
      clear_q <= 1'b0;
      if (do_write) begin
        if (s_axil_awaddr == perpgate_regs_pkg::RegScratch) begin
          scratch_q <= merge(scratch_q, s_axil_wdata, s_axil_wstrb);
        end else if (s_axil_awaddr == perpgate_regs_pkg::RegCounterClear) begin
          clear_q <= s_axil_wdata[0] && s_axil_wstrb[0];
        end else if (in_mbox_args(s_axil_awaddr) || s_axil_awaddr == perpgate_regs_pkg::MboxOp) begin
          // the mailbox block below
        end else begin
          for (int unsigned p = 0; p < PortCount; p++) begin
            unique case (s_axil_awaddr - perpgate_regs_pkg::PortBase - 12'(p << StrideBits))
              12'(perpgate_regs_pkg::PortIp):        ip_q[p] <= merge(ip_q[p], s_axil_wdata, s_axil_wstrb);
              12'(perpgate_regs_pkg::PortUdpPort):   port_q[p] <= 16'(merge({16'd0, port_q[p]}, s_axil_wdata, s_axil_wstrb));
              12'(perpgate_regs_pkg::PortMacLo):     mac_q[p][31:0] <= merge(mac_q[p][31:0], s_axil_wdata, s_axil_wstrb);
              12'(perpgate_regs_pkg::PortMacHi):     mac_q[p][47:32] <= 16'(merge({16'd0, mac_q[p][47:32]}, s_axil_wdata, s_axil_wstrb));
              12'(perpgate_regs_pkg::PortPeerIp):    peer_ip_q[p] <= merge(peer_ip_q[p], s_axil_wdata, s_axil_wstrb);
              12'(perpgate_regs_pkg::PortPeerUdpPort): peer_port_q[p] <= 16'(merge({16'd0, peer_port_q[p]}, s_axil_wdata, s_axil_wstrb));
              12'(perpgate_regs_pkg::PortPeerMacLo): peer_mac_q[p][31:0] <= merge(peer_mac_q[p][31:0], s_axil_wdata, s_axil_wstrb);
              12'(perpgate_regs_pkg::PortPeerMacHi): peer_mac_q[p][47:32] <= 16'(merge({16'd0, peer_mac_q[p][47:32]}, s_axil_wdata, s_axil_wstrb));
              default: ;
            endcase
          end
        end
      end
    end
  end

  // ---- command mailbox ---------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned w = 0; w < MboxRegs; w++) mbox_arg_q[w] <= 32'd0;
      mbox_op_q      <= 8'd0;
      mbox_pending_q <= 1'b0;
      mbox_busy_q    <= 1'b0;
      mbox_done_q    <= 32'd0;
    end else begin
      if (do_write && in_mbox_args(s_axil_awaddr)) begin
        for (int unsigned w = 0; w < MboxRegs; w++) begin
          if (s_axil_awaddr == perpgate_regs_pkg::MboxArgs + 12'(4 * w))
            mbox_arg_q[w] <= merge(mbox_arg_q[w], s_axil_wdata, s_axil_wstrb);
        end
      end
      if (do_write && s_axil_awaddr == perpgate_regs_pkg::MboxOp && !mbox_busy_q) begin
        mbox_op_q      <= s_axil_wdata[7:0];
        mbox_pending_q <= 1'b1;
        mbox_busy_q    <= 1'b1;
      end else begin
        if (mbox_pending_q && mbox_ready_i) mbox_pending_q <= 1'b0;
        if (mbox_done_i) begin
          mbox_busy_q <= 1'b0;
          mbox_done_q <= mbox_done_q + 32'd1;
        end
      end
    end
  end

  assign mbox_valid_o = mbox_pending_q;
  assign mbox_op_o    = mbox_op_q;
  for (genvar gw = 0; gw < MboxRegs; gw++) begin : gen_mbox_args
    assign mbox_args_o[32*gw +: 32] = mbox_arg_q[gw];
  end


  // ---- read channel ------------------------------------------------------------------------------
  // In three steps, so none is deeper than a few LUT levels: in the cycle arvalid is first seen
  // the address is decoded into a source and an index (registered); in the next, the counter at
  // that index is read (registered); in the next, the handshake cycle (arvalid and araddr are
  // held until it), the source is read into rdata.
  typedef enum logic [3:0] {
    RdErr, RdConst, RdShadow, RdCnt, RdMboxArg, RdMboxRes, RdOp, RdStatus, RdDone,
    RdScratch, RdEvents, RdCoreStatus, RdPort
  } rd_src_e;

  logic        arready_q, rvalid_q;
  logic [31:0] rdata_q;
  logic [1:0]  rresp_q;

  // step 1: decode
  rd_src_e     rd_src_d, rd_src_q;
  logic [5:0]  rd_idx_d, rd_idx_q;       // counter, mailbox word or port
  logic [6:0]  rd_off_d, rd_off_q;       // register offset in a port block
  logic [31:0] rd_const_d, rd_const_q;
  logic [6:0]  rd_off;
  logic [2:0]  rd_cnt_word;              // which 64-bit counter of the port
  logic [PortIdxBits-1:0] rd_pi;

  always_comb begin
    rd_src_d   = RdErr;
    rd_idx_d   = '0;
    rd_const_d = '0;
    rd_off      = offset_of(s_axil_araddr);
    rd_off_d    = rd_off;
    rd_cnt_word = rd_off[5:3];           // the counters' block is 64-byte aligned (asserted)
    rd_pi       = PortIdxBits'(port_of(s_axil_araddr));
    if (s_axil_araddr == perpgate_regs_pkg::RegId) begin
      rd_src_d = RdConst;
      rd_const_d = perpgate_regs_pkg::IdValue;
    end else if (s_axil_araddr == perpgate_regs_pkg::RegVersion) begin
      rd_src_d = RdConst;
      rd_const_d = 32'(perpgate_wire_pkg::Version);
    end else if (is_dec(s_axil_araddr) && s_axil_araddr[1:0] == 2'd0) begin
      rd_src_d = s_axil_araddr[2] ? RdShadow : RdCnt;
      rd_idx_d = dec_bank_index(s_axil_araddr[11:3]);
    end else if (in_mbox_args(s_axil_araddr) && s_axil_araddr[1:0] == 2'd0) begin
      rd_src_d = RdMboxArg;
      rd_idx_d = 6'((s_axil_araddr - perpgate_regs_pkg::MboxArgs) >> 2);
    end else if (in_mbox_result(s_axil_araddr) && s_axil_araddr[1:0] == 2'd0) begin
      rd_src_d = RdMboxRes;
      rd_idx_d = 6'((s_axil_araddr - perpgate_regs_pkg::MboxResult) >> 2);
    end else if (s_axil_araddr == perpgate_regs_pkg::MboxOp) begin
      rd_src_d = RdOp;
    end else if (s_axil_araddr == perpgate_regs_pkg::MboxStatus) begin
      rd_src_d = RdStatus;
    end else if (s_axil_araddr == perpgate_regs_pkg::MboxDone) begin
      rd_src_d = RdDone;
    end else if (s_axil_araddr == perpgate_regs_pkg::RegScratch) begin
      rd_src_d = RdScratch;
    end else if (s_axil_araddr == perpgate_regs_pkg::RegCoreEvents) begin
      rd_src_d = RdEvents;
    end else if (s_axil_araddr == perpgate_regs_pkg::RegCoreStatus) begin
      rd_src_d = RdCoreStatus;
    end else if (in_port(s_axil_araddr) && rd_off[1:0] == 2'd0) begin
      if (rd_off >= perpgate_regs_pkg::PortCounterBase &&
          {1'b0, rd_off} < 8'(perpgate_regs_pkg::PortCounterBase) + 8'(8 * CntCount)) begin  // 8 bits: 8 counters end at 0x80
        rd_src_d = rd_off[2] ? RdShadow : RdCnt;
        rd_idx_d = 6'({rd_pi, rd_cnt_word});
      end else if (rd_off <= perpgate_regs_pkg::PortPeerMacHi) begin
        rd_src_d = RdPort;
        rd_idx_d = 6'(rd_pi);
      end
    end
  end

  // ---- counters --------------------------------------------------------------------------------
  // One bank: port p's counter c at 8p + c (8 places a port, so its index is a concatenation;
  // places past CntCount never count), then the decision counters.
  localparam int unsigned BankN = PortCount * 8 + DecCount;
  logic [PortCount*8-1:0] port_inc;
  always_comb begin
    port_inc = '0;
    for (int unsigned p = 0; p < PortCount; p++)
      for (int unsigned c = 0; c < CntCount; c++) port_inc[p*8 + c] = cnt_inc_i[p*CntCount + c];
  end
  logic [63:0] rd_cnt;
  pg_counter_bank #(.N (BankN), .IW (6)) u_counters (
    .clk_i, .rst_ni,
    .inc_i      ({dec_inc, port_inc}),
    .clear_i    (clear_q),
    .rd_idx_i   (rd_idx_q),
    .rd_value_o (rd_cnt)
  );

  // step 2: read the source
  logic [31:0] rd_value;
  logic [63:0] rd_cnt_q;                 // the counter at rd_idx_q, read in step 2
  logic        rd_dec_q;                 // step 2: the address is decoded
  logic        rd_lo;                    // a counter's lo word: its hi word goes to the shadow
  logic [31:0] rd_mbox_res;
  logic [PortIdxBits-1:0] rd_port;

  always_comb begin
    rd_port = rd_idx_q[PortIdxBits-1:0];
    rd_lo = rd_src_q == RdCnt;
    rd_mbox_res = '0;                    // one word of the result, an AND-OR select
    for (int unsigned w = 0; w < MboxRegs; w++)
      rd_mbox_res = rd_mbox_res | (rd_idx_q == 6'(w) ? mbox_result_i[32*w +: 32] : 32'd0);
    rd_value = '0;
    unique case (rd_src_q)
      RdConst:      rd_value = rd_const_q;
      RdShadow:     rd_value = hi_shadow_q;
      RdCnt:        rd_value = rd_cnt_q[31:0];
      RdMboxArg:    rd_value = mbox_arg_q[rd_idx_q[$clog2(MboxRegs)-1:0]];
      RdMboxRes:    rd_value = rd_mbox_res;
      RdOp:         rd_value = {24'd0, mbox_op_q};
      RdStatus:     rd_value = {16'd0, mbox_busy_q ? 8'd0 : mbox_err_i, 7'd0, mbox_busy_q};
      RdDone:       rd_value = mbox_done_q;
      RdScratch:    rd_value = scratch_q;
      RdEvents:     rd_value = core_events_i;
      RdCoreStatus: rd_value = {31'd0, core_idle_i};
      RdPort: begin
        unique case (rd_off_q)
          perpgate_regs_pkg::PortIp:          rd_value = ip_q[rd_port];
          perpgate_regs_pkg::PortUdpPort:     rd_value = {16'd0, port_q[rd_port]};
          perpgate_regs_pkg::PortMacLo:       rd_value = mac_q[rd_port][31:0];
          perpgate_regs_pkg::PortMacHi:       rd_value = {16'd0, mac_q[rd_port][47:32]};
          perpgate_regs_pkg::PortPeerIp:      rd_value = peer_ip_q[rd_port];
          perpgate_regs_pkg::PortPeerUdpPort: rd_value = {16'd0, peer_port_q[rd_port]};
          perpgate_regs_pkg::PortPeerMacLo:   rd_value = peer_mac_q[rd_port][31:0];
          perpgate_regs_pkg::PortPeerMacHi:   rd_value = {16'd0, peer_mac_q[rd_port][47:32]};
          default:                            rd_value = '0;
        endcase
      end
      default:      rd_value = '0;
    endcase
  end

  always_ff @(posedge clk_i) begin
    rd_cnt_q <= rd_cnt;
    if (!rd_dec_q && !arready_q && !rvalid_q && s_axil_arvalid) begin
      rd_src_q   <= rd_src_d;
      rd_idx_q   <= rd_idx_d;
      rd_off_q   <= rd_off_d;
      rd_const_q <= rd_const_d;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      arready_q   <= 1'b0;
      rd_dec_q    <= 1'b0;
      rvalid_q    <= 1'b0;
      rdata_q     <= 32'd0;
      rresp_q     <= RespOkay;
      hi_shadow_q <= 32'd0;
    end else begin
      rd_dec_q  <= !rd_dec_q && !arready_q && !rvalid_q && s_axil_arvalid;
      arready_q <= rd_dec_q;
      if (arready_q) begin  // arvalid is held until the handshake
        rvalid_q <= 1'b1;
        rdata_q  <= rd_value;
        rresp_q  <= rd_src_q != RdErr ? RespOkay : RespSlvErr;
        if (rd_lo) hi_shadow_q <= rd_cnt_q[63:32];
      end else if (rvalid_q && s_axil_rready) begin
        rvalid_q <= 1'b0;
      end
    end
  end

  assign s_axil_awready = awready_q;
  assign s_axil_wready  = awready_q;
  assign s_axil_bvalid  = bvalid_q;
  assign s_axil_bresp   = bresp_q;
  assign s_axil_arready = arready_q;
  assign s_axil_rvalid  = rvalid_q;
  assign s_axil_rdata   = rdata_q;
  assign s_axil_rresp   = rresp_q;

  for (genvar gp = 0; gp < PortCount; gp++) begin : gen_cfg
    assign cfg_ip_o[32*gp +: 32]        = ip_q[gp];
    assign cfg_port_o[16*gp +: 16]      = port_q[gp];
    assign cfg_mac_o[48*gp +: 48]       = mac_q[gp];
    assign cfg_peer_ip_o[32*gp +: 32]   = peer_ip_q[gp];
    assign cfg_peer_port_o[16*gp +: 16] = peer_port_q[gp];
    assign cfg_peer_mac_o[48*gp +: 48]  = peer_mac_q[gp];
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    // The master holds address and data until the handshake (AXI4-Lite).
    if (awready_q) assert (s_axil_awvalid && s_axil_wvalid);
    if (arready_q) assert (s_axil_arvalid);
  end
`endif

endmodule

`default_nettype wire
