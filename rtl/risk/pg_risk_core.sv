// The risk core: applies events in arrival order with the effect of applying them one at a time,
// exactly as the golden model (hls/include/perpgate/engine.hpp) does. Every event but a new order
// runs alone in the sequencer, after every order in flight has been written back, so an order
// right behind a fill or a mark tick sees its effect. New orders overlap (two in flight: the
// sequencer issues one into the check pipeline, pg_order_check, in three cycles, or two when its
// tables were read ahead) unless they share an account, an order set or a holder word; such an
// order waits until the one in flight is written back. An order takes the sequencer for fewer
// cycles than a minimum-size order frame takes to arrive on a 64-bit bus, so orders run at line rate.
//
// Inputs: wire messages as pg_rx_port hands them on (type, whole message) and control commands
// from the AXI-Lite mailbox (type = command opcode, 8 x 64-bit arguments). Outputs: whole wire
// messages on three channels (client: ack/reject/canceled; venue: forward/liquidate; desk:
// liquidate/mark_out/event_error), header session and sequence left for the transmit side.
//
// Tables (inferred RAM, registered read, one read and one write port each): accounts, slot maps
// (which symbol each of an account's position slots holds), positions, per-account initial
// margin rates, symbol configuration, tiers and state, holder bitmaps, open orders.
`default_nettype none

module pg_risk_core #(
  parameter int unsigned Accounts  = 1024,
  parameter int unsigned Symbols   = 64,
  parameter int unsigned Slots     = 8,
  parameter int unsigned OrderSets = 4096,
  parameter int unsigned OrderWays = 4
) (
  input  wire logic           clk_i,
  input  wire logic           rst_ni,

  input  wire logic           ev_valid_i,
  output      logic           ev_ready_o,
  input  wire logic [7:0]     ev_type_i,
  input  wire logic [511:0]   ev_data_i,
  input  wire logic [$clog2(OrderSets)-1:0] ev_set_i,   // its order id's set (pg_msg_rx)
  input  wire logic           ev_client_i,   // the event comes from the client port
  // ev_type_i/ev_data_i decoded by pg_ev_decode in front of the arbiter (checked here in simulation):
  // the account and symbol of its first table reads, whether each is in range, and its range flags
  input  wire logic [$clog2(Accounts)-1:0] ev_acct_i,
  input  wire logic           ev_acct_ok_i,
  input  wire logic [$clog2(Symbols)-1:0]  ev_sym_i,
  input  wire logic           ev_sym_ok_i,
  input  wire logic [pg_risk_pkg::EvFlagsBits-1:0] ev_flags_i,   // pg_risk_pkg::ev_flags_t
  // The client port's next new order, ahead of it (pg_msg_rx): its account and symbol are in
  // peek_msg_i (the port's message register) while peek_valid_i. While idle the core reads their
  // entries, so that the order skips SLoad, or is issued as it is taken (see SIdle).
  input  wire logic           peek_valid_i,
  input  wire logic [8*perpgate_wire_pkg::NewOrderSize-1:0] peek_msg_i,
  // A mark's revaluation yields to the client and venue ports between two holders: client_req_i
  // says an order or cancel waits at the client port, venue_req_i a fill or cancel_ack at the
  // venue port; while the walk is suspended the core takes only those (walk_suspended_o, the
  // arbiter's mask). walk_step_o: a holder of a mark's walk was revalued and written back (the
  // golden model steps its walk in the same order).
  input  wire logic           client_req_i,
  input  wire logic           venue_req_i,
  input  wire logic           market_req_i,  // a market event waits: the walk yields no more
  output      logic           walk_suspended_o,
  output      logic           take_none_o,   // the suspended walk has let its share in: no event offered
  output      logic           walk_step_o,

  output      logic [2:0]     out_valid_o,   // 0 client, 1 venue, 2 desk
  input  wire logic [2:0]     out_ready_i,
  output      logic [2:0]     out_soon_o,    // channel c offers a message in the next cycle
  output      logic [1535:0]  out_data_o,    // channel c at [512c +: 512]

  output      logic           cmd_done_o,    // one-cycle pulse per completed command
  output      logic [7:0]     cmd_err_o,     // engine error code of the last command
  output      logic [511:0]   cmd_result_o,  // its result words
  output      logic           idle_o,        // no event in flight and nothing left to send
  // Decision counter pulses (one cycle): a reply to an order with its reason (0: ack), an
  // engine error (event_error sent, or a command that failed).
  output      logic           reply_o,
  output      logic [7:0]     reply_reason_o,
  output      logic           error_o,
  output      logic [7:0]     error_code_o
);

  // ---- sizes -----------------------------------------------------------------------------------
  localparam int unsigned AW      = $clog2(Accounts);
  localparam int unsigned SW      = $clog2(Symbols);
  localparam int unsigned LW      = Slots > 1 ? $clog2(Slots) : 1;
  localparam int unsigned SetW    = $clog2(OrderSets);
  localparam int unsigned Words   = Accounts / 64;
  localparam int unsigned HW      = Words > 1 ? $clog2(Words) : 1;
  localparam int unsigned WayW    = OrderWays > 1 ? $clog2(OrderWays) : 1;
  localparam int unsigned TierW   = pg_risk_pkg::TierBits;
  localparam int unsigned OrdW    = pg_risk_pkg::OrdBits;
  localparam int unsigned SlotB   = pg_risk_pkg::SlotBits;
  localparam int unsigned ClearN  = Accounts > OrderSets ?
                                    (Accounts > Symbols * Words ? Accounts : Symbols * Words) :
                                    (OrderSets > Symbols * Words ? OrderSets : Symbols * Words);
  localparam int unsigned CW      = $clog2(ClearN + 1);

`ifndef SYNTHESIS
  initial begin
    assert (Accounts >= 64 && (Accounts & (Accounts - 1)) == 0 && Accounts <= (1 << 20))
      else $fatal(1, "Accounts must be a power of 2 from 64 to 2^20");
    assert (Symbols >= 2 && (Symbols & (Symbols - 1)) == 0 && Symbols <= 4096)
      else $fatal(1, "Symbols must be a power of 2 up to 4096");
    assert (Slots >= 2 && (Slots & (Slots - 1)) == 0 && Slots <= 16)
      else $fatal(1, "Slots must be a power of 2 from 2 to 16");
    assert ((OrderSets & (OrderSets - 1)) == 0 && OrderSets >= 2) else $fatal(1, "OrderSets: power of 2");
    assert (OrderWays >= 1 && OrderWays <= 16) else $fatal(1, "OrderWays: 1 to 16");
    assert ($bits(pg_risk_pkg::tier_t) == TierW && $bits(pg_risk_pkg::ord_t) == OrdW &&
            $bits(pg_risk_pkg::tier_mm_t) == pg_risk_pkg::TierMmBits &&
            $bits(pg_risk_pkg::acct_t) == pg_risk_pkg::AcctBits &&
            $bits(pg_risk_pkg::pos_t) == pg_risk_pkg::PosBits &&
            $bits(pg_risk_pkg::cfg_t) == pg_risk_pkg::CfgBits &&
            $bits(pg_risk_pkg::sst_t) == pg_risk_pkg::SstBits)
      else $fatal(1, "pg_risk_pkg: a spelled-out width is out of step with its struct");
  end
`endif


  localparam logic signed [127:0] NotionalDiv = 128'(perpgate_fixed_pkg::NotionalDiv);
  localparam logic signed [63:0]  QtyMax      = 64'(perpgate_fixed_pkg::QtyMax);
  localparam logic signed [63:0]  PxMax       = 64'(perpgate_fixed_pkg::PxMax);
  localparam logic signed [63:0]  MoneyMax    = 64'(perpgate_fixed_pkg::MoneyMax);
  localparam logic signed [63:0]  RateScale   = 64'(perpgate_fixed_pkg::RateScale);

  // ---- tables ----------------------------------------------------------------------------------
  // Entries are plain vectors, not the structs: yosys 0.23 reads an unpacked array of a struct
  // type as one register, not a memory (ctest rtl.synth_gateway_quick checks all nine are).
  logic [pg_risk_pkg::AcctBits-1:0] acct_mem [Accounts];
  logic [Slots*SlotB-1:0]     slots_mem [Accounts];
  logic [pg_risk_pkg::PosBits-1:0]  pos_mem [Accounts*Slots];
  logic [26:0]                imr_mem [Accounts*Symbols];
  logic [pg_risk_pkg::CfgBits-1:0]  cfg_mem [Symbols];
  logic [16*TierW-1:0]        tier_mem [Symbols];
  logic [pg_risk_pkg::SstBits-1:0]  sst_mem [Symbols];
  logic [63:0]                hold_mem [Symbols*Words];
  logic [OrderWays*OrdW-1:0]  ord_mem [OrderSets];

  pg_risk_pkg::acct_t                      acct_rd;
  logic [Slots*SlotB-1:0]     slots_rd;
  pg_risk_pkg::pos_t                       pos_rd;
  logic [26:0]                imr_rd;
  pg_risk_pkg::cfg_t                       cfg_rd;
  logic [16*TierW-1:0]        tier_rd;
  pg_risk_pkg::sst_t                       sst_rd;
  logic [63:0]                hold_rd;
  logic [OrderWays*OrdW-1:0]  ord_rd;

  logic acct_we, slots_we, pos_we, imr_we, cfg_we, tier_we, sst_we, hold_we, ord_we;
  pg_risk_pkg::acct_t                      acct_wd;
  logic [Slots*SlotB-1:0]     slots_wd;
  pg_risk_pkg::pos_t                       pos_wd;
  logic [26:0]                imr_wd;
  pg_risk_pkg::cfg_t                       cfg_wd;
  logic [16*TierW-1:0]        tier_wd;
  pg_risk_pkg::sst_t                       sst_wd;
  logic [63:0]                hold_wd;
  logic [OrderWays*OrdW-1:0]  ord_wd;
  logic [AW-1:0]              acct_wa;
  logic [AW+LW-1:0]           pos_wa;
  logic [AW+SW-1:0]           imr_wa;
  logic [SW-1:0]              sym_wa;
  logic [SW+HW-1:0]           hold_wa;
  logic [SetW-1:0]            ord_wa;

  // Read addresses follow the next value of the address registers, so data for a_q, s_q, ...
  // is there in the cycle after they change.
  logic [AW-1:0]   a_d, a_q;
  logic [SW-1:0]   s_d, s_q;
  logic [LW-1:0]   slot_d, slot_q;
  logic [SetW-1:0] set_d, set_q;
  logic [HW-1:0]   hw_d, hw_q;
  // A mark's walk in the revaluation lane (SLn*): the lane reads the positions and accounts of
  // the holders in flight, and writes them back, through these ports (pg_reval_lane).
  logic            ln_mode;
  logic [AW-1:0]   ln_acct_ra;
  logic [AW+LW-1:0] ln_pos_ra;

  always_ff @(posedge clk_i) begin
    if (acct_we)  acct_mem[acct_wa] <= acct_wd;
    if (slots_we) slots_mem[acct_wa] <= slots_wd;
    if (pos_we)   pos_mem[pos_wa] <= pos_wd;
    if (imr_we)   imr_mem[imr_wa] <= imr_wd;
    if (cfg_we)   cfg_mem[sym_wa] <= cfg_wd;
    if (tier_we)  tier_mem[sym_wa] <= tier_wd;
    if (sst_we)   sst_mem[sym_wa] <= sst_wd;
    if (hold_we)  hold_mem[hold_wa] <= hold_wd;
    if (ord_we)   ord_mem[ord_wa] <= ord_wd;
    acct_rd  <= acct_mem[ln_mode ? ln_acct_ra : a_d];
    slots_rd <= slots_mem[a_d];
    pos_rd   <= pos_mem[ln_mode ? ln_pos_ra : {a_d, slot_d}];
    imr_rd   <= imr_mem[{a_d, s_d}];
    cfg_rd   <= cfg_mem[s_d];
    tier_rd  <= tier_mem[s_d];
    sst_rd   <= sst_mem[s_d];
    hold_rd  <= hold_mem[{s_d, hw_d}];
    ord_rd   <= ord_mem[set_d];
  end

  // ---- helpers ---------------------------------------------------------------------------------

  function automatic logic [63:0] abs64(input logic signed [63:0] v);
    abs64 = v < 0 ? -v : v;
  endfunction
  function automatic logic [127:0] abs128(input logic signed [127:0] v);
    abs128 = v < 0 ? -v : v;
  endfunction
  function automatic logic signed [63:0] min64(input logic signed [63:0] x, input logic signed [63:0] y);
    min64 = x < y ? x : y;
  endfunction
  function automatic logic signed [63:0] max64(input logic signed [63:0] x, input logic signed [63:0] y);
    max64 = x > y ? x : y;
  endfunction

  function automatic logic signed [63:0] worst_qty(input logic signed [63:0] qty,
                                                   input logic signed [63:0] ob,
                                                   input logic signed [63:0] os);
    worst_qty = pg_risk_pkg::worst_of(qty + ob, qty - os);
  endfunction

  // Slot of symbol s in a slot map (the highest, as the model's loop), or -1.
  function automatic logic [LW:0] find_slot(input logic [Slots*SlotB-1:0] m, input logic [SW-1:0] s);
    find_slot = '1;
    for (int unsigned i = 0; i < Slots; i++) begin
      if (m[i*SlotB + 15] && m[i*SlotB +: 12] == 12'(s)) find_slot = (LW+1)'(i);
    end
  endfunction
  function automatic logic [LW:0] free_slot(input logic [Slots*SlotB-1:0] m);
    free_slot = '1;
    for (int unsigned i = 0; i < Slots; i++) begin
      if (!m[i*SlotB + 15]) free_slot = (LW+1)'(i);
    end
  endfunction

  // Way holding id (lowest), or -1; a free way (lowest), or -1. Fields by bit position (see
  // pg_risk_pkg::OrdValidBit, OrdIdLsb): yosys 0.23 cannot take struct members of a function's local.
  function automatic logic [WayW:0] find_way(input logic [OrderWays*OrdW-1:0] set, input logic [63:0] id);
    find_way = '1;
    for (int i = OrderWays - 1; i >= 0; i--) begin
      if (set[i*OrdW + pg_risk_pkg::OrdValidBit] && set[i*OrdW + pg_risk_pkg::OrdIdLsb +: 64] == id)
        find_way = (WayW+1)'(i);
    end
  endfunction
  function automatic logic [WayW:0] free_way(input logic [OrderWays*OrdW-1:0] set);
    free_way = '1;
    for (int i = OrderWays - 1; i >= 0; i--) begin
      if (!set[i*OrdW + pg_risk_pkg::OrdValidBit]) free_way = (WayW+1)'(i);
    end
  endfunction

  // Trailing zeros (64 for 0): the lowest set bit isolated by a carry chain (v & -v), then its
  // index as an OR of 32 bits per result bit, where a priority chain over 64 bits maps deep.
  function automatic logic [6:0] ctz64(input logic [63:0] v);
    logic [63:0] low, in_bit;
    low = v & (~v + 64'd1);
    ctz64[6] = v == 64'd0;
    for (int unsigned b = 0; b < 6; b++) begin
      for (int unsigned i = 0; i < 64; i++) in_bit[i] = ((i >> b) & 1) != 0;   // bit b of index i
      ctz64[b] = |(low & in_bit);
    end
  endfunction


  // Message headers: type, version, length; session and sequence are the transmit side's.
  function automatic logic [511:0] header(input logic [7:0] t, input logic [15:0] size);
    header = '0;
    header[7:0]   = t;
    header[15:8]  = 8'(perpgate_wire_pkg::Version);
    header[31:16] = 16'(size);
  endfunction
  function automatic logic [511:0] msg_event_error(input logic [7:0] code, input logic [63:0] ref_v);
    msg_event_error = header(perpgate_wire_pkg::MsgEventError, 16'(perpgate_wire_pkg::EventErrorSize));
    msg_event_error[8*perpgate_wire_pkg::EventErrorCodeOff +: 8] = code;
    msg_event_error[8*perpgate_wire_pkg::EventErrorRefOff +: 64] = ref_v;
  endfunction

  // ---- arithmetic units ------------------------------------------------------------------------
  // One rate x notional unit, pipelined (a result a cycle): the order's IM, funding, and the
  // refresh's MM and IM launched on consecutive cycles. Its operands are chosen by the state alone.
  logic          ron_go;
  logic [113:0]  ron_raw;
  logic [26:0]   ron_rate;
  logic          ron_up;
  logic          ron_valid;
  logic [127:0]  ron_money;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [perpgate_fixed_pkg::RateProdBits-1:0] ron_prod_a, ron_prod_b;  // the quotient is what the core uses
  /* verilator lint_on UNUSEDSIGNAL */

  pg_rate_of_notional u_ron (
    .clk_i, .rst_ni, .valid_i (ron_go), .raw_i (ron_raw), .rate_i (ron_rate),
    .round_up_i (ron_up), .valid_o (ron_valid), .prod_a_o (ron_prod_a), .prod_b_o (ron_prod_b), .money_o (ron_money)
  );

  // floor(x / 1e10), pipelined (pg_money_floor): the floor of the account's uPnL that the refresh
  // writes beside it (acct_t.upf, which the equity of check_liquidation, withdraw and the order
  // check reads), a fill's credit (x = the realised value). fl_go loads the operand (chosen by the
  // state alone) and the result is there FlLat cycles later (fl_ready); fl_pre_q says the unit
  // holds the floor a state needs: the refresh starts it in SR1 with the uPnL it writes in SR3Im.
  localparam int unsigned FlLat = 5;
  logic                fl_go, fl_pre_d, fl_pre_q, fl_ready;
  logic signed [127:0] fl_u, fl_u_q, fl_money, eq_d, eq_q;
  pg_money_floor u_floor (.clk_i, .u_i(fl_u_q), .q_o(fl_money));
  always_ff @(posedge clk_i) if (fl_go) fl_u_q <= fl_u;
  pg_countdown #(.N(FlLat)) u_fl_wait (.clk_i, .rst_ni, .go_i(fl_go), .ready_o(fl_ready));

  // The local mark's medians, pipelined (pg_median_present): the inner one of (bid, ask, last) and
  // the outer one of (index + basis, inner, external). Operands chosen by the state, loaded on
  // med_go, the result MedLat cycles later (med_ready); med_pre_q as fl_pre_q above.
  localparam int unsigned MedLat = 3;
  logic               med_go, med_pre_d, med_pre_q, med_ready;
  logic signed [63:0] med_x, med_y, med_z, med_x_q, med_y_q, med_z_q, med_out;
  logic               med_pos;                             // med_out > 0
  pg_median_present u_median (
    .clk_i, .x_i(med_x_q), .y_i(med_y_q), .z_i(med_z_q), .m_o(med_out), .pos_o(med_pos)
  );
  always_ff @(posedge clk_i) if (med_go) {med_x_q, med_y_q, med_z_q} <= {med_x, med_y, med_z};
  pg_countdown #(.N(MedLat)) u_med_wait (.clk_i, .rst_ni, .go_i(med_go), .ready_o(med_ready));

  // The divider: fills, the local-mark EMA, control-plane reciprocals.
  logic          div_go, div_busy, div_done;
  logic [127:0]  div_n, div_q;
  logic [63:0]   div_d, div_r;
  pg_divu u_div (
    .clk_i, .rst_ni, .start_i (div_go), .n_i (div_n), .d_i (div_d),
    .busy_o (div_busy), .done_o (div_done), .q_o (div_q), .r_o (div_r)
  );
  // The fill unit (pg_fill_unit): a fill's new quantity, cost and realised PnL, with its own
  // multiplier and divider; started in SF2 with the position and the signed fill, taken in SFApply.
  logic                fu_go, fu_done, fu_busy;
  logic signed [63:0]  fu_qty;
  logic signed [127:0] fu_cost, fu_realised;
  pg_fill_unit u_fill (
    .clk_i, .rst_ni, .start_i (fu_go), .qty_i (pos_q.qty), .cost_i (pos_q.cost), .fill_i (u2_q),
    .px_i (ev_w4), .busy_o (fu_busy), .done_o (fu_done), .qty_o (fu_qty), .cost_o (fu_cost),
    .realised_o (fu_realised)
  );
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) if (fu_go) assert (!fu_busy) else $error("pg_risk_core: fill unit busy at SF2");
`endif
  // The shared pipelined multiplier (pg_mul): every product off the order path goes through it, a
  // few cycles later, so that no stage there holds a multiply of its own.
  logic                 mul_go, mul_valid;
  logic signed [127:0]  mul_a;
  logic signed [63:0]   mul_b;
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [191:0]  mul_p;                          // no product here needs more than 128 bits
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [127:0]  mul_p128;                       // the product's low 128 bits
  pg_mul u_mul (
    .clk_i, .rst_ni, .valid_i (mul_go), .a_i (mul_a), .b_i (mul_b), .valid_o (mul_valid), .p_o (mul_p)
  );
  assign mul_p128 = mul_p[127:0];


  // Signed floor/ceil of a quotient from the magnitude the divider saw.
  function automatic logic signed [127:0] signed_div(input logic neg, input logic ceil_mode,
                                                     input logic [127:0] q, input logic [63:0] r);
    logic inexact;
    inexact = r != 64'd0;
    if (!neg) signed_div = (ceil_mode && inexact) ? q + 128'd1 : q;
    else      signed_div = (!ceil_mode && inexact) ? -q - 128'd1 : -q;
  endfunction

  // ---- state -----------------------------------------------------------------------------------
  typedef enum logic [6:0] {
    SClear, SIdle, SLoad, SDispatch, SDispRef,
    // orders
    SO1, SOWait, SDrain, SOFwdCancel,
    // cancel / fill
    SC1, SC2, SF1, SF1Test, SF2, SFApply, SFCredit,
    SFMoney, SFClamp, SFSettle, SSettle1, SSettleWb,
    // market data
    SMark, SFund, SFund1, SFundMul, SFund2, SFund3, SFund4, SLocal, SEma1, SEma1Clamp, SEma1Mul, SEma1Div, SEma2,
    SEma2Mul, SEma2Num, SEma2Den, SEma3, SLm1, SLm2, SLm3, SLm4, SLm5, SLm6, SLmEmit,
    // control
    SCreate, SCreateImr, SLev1, SLevWb, SDeposit, SDepositTest, SWithdraw, SCommit1, SCommitInv, SCommitInv1,
    SCommitInv2, SCommitLim, SCommitTier, SCommitWrite, SCommitRead, SCommitLoad, SAcctWb,
    SQuerySlot, STierMul, SWithdrawTest,
    // subroutines: context load, refresh, liquidation check, revaluation loop
    SCtx0, SCtx1, SR0, SR0Worst, SR0Mm, SR0Im, SR1Tier, SR1, SR2, SR2Im, SR3, SR3Im, SL0, SL0Test, SL1, SL2, SRv0, SRvWord, SRvBits,
    SRvChecked,
    // a mark's walk suspended for the client port: an order of a holder still ahead, revalued
    // first; the walk taken up again
    SWkDrain, SWkRv, SWkL0, SWkWb, SWkReload, SWkResume,
    // a mark's walk through the revaluation lane (pg_reval_lane): a holder a cycle
    SLnBits, SLnWord, SLnYield, SLnDrain,
    SEmitErr, SDone
  } state_e;

  state_e state_d, state_q, ret_d, ret_q, rv_ret_d, rv_ret_q;

  logic [7:0]    op_d, op_q;
  logic [511:0]  ev_d, ev_q;
  pg_risk_pkg::acct_t         acc_d, acc_q;
  logic [Slots*SlotB-1:0] slots_d, slots_q;
  pg_risk_pkg::pos_t          pos_d, pos_q;
  pg_risk_pkg::cfg_t          cfg_d, cfg_q;
  logic [16*TierW-1:0] tiers_d, tiers_q;
  pg_risk_pkg::sst_t          sst_d, sst_q;
  logic [26:0]   imr_d, imr_q;
  logic [63:0]   hbits_d, hbits_q;
  logic [OrderWays*OrdW-1:0] oset_d, oset_q;
  logic [WayW:0] way_d, way_q;
  logic          a_ok_d, a_ok_q, s_ok_d, s_ok_q;      // index in range and entry in use
  logic          by_slot_d, by_slot_q, keep_sym_d, keep_sym_q;
  logic [7:0]    err_d, err_q;                         // error to emit (SEmitErr) / command error
  logic [63:0]   err_ref_d, err_ref_q;
  state_e        err_ret_d, err_ret_q;
  logic [511:0]  res_d, res_q;
  logic          done_d, done_q;
  logic          killed_all_d, killed_all_q, kill_all_hard_d, kill_all_hard_q;
  logic signed [63:0] now_d, now_q;
  // working values of the current step
  logic signed [127:0] t0_d, t0_q, t1_d, t1_q, t2_d, t2_q, t3_d, t3_q;
  logic signed [64:0]  fq_d, fq_q;                        // a fill's new position (SF1)
  logic signed [63:0]  u0_d, u0_q, u1_d, u1_q, u2_d, u2_q;
  logic          f0_d, f0_q, f1_d, f1_q;
  logic [4:0]    k_d, k_q;
  // The suspended walk (a mark's, between two holders): its symbol, the holder word it is in and
  // that word's holders still to visit; the order taken meanwhile whose own account goes first,
  // its symbol (s_q holds the walk's while that account is revalued).
  logic          wk_open_d, wk_open_q;
  logic [SW-1:0] wk_s_d, wk_s_q, wk_osym_d, wk_osym_q;
  // A fill or cancel_ack taken while the walk is suspended: its account (known from the order's
  // entry) was revalued first, the event read again (SDispRef then goes on to the fill or cancel).
  logic          wk_first_d, wk_first_q;
  logic [HW-1:0] wk_hw_d, wk_hw_q;
  logic [63:0]   wk_hbits_d, wk_hbits_q;
  // symbol_commit's tier loop: the staged tier leverages copied in SCommit1 and shifted down a
  // word each time k_q steps, so that the tier at k_q is the low word, not a 16:1 mux in front of
  // the divider's operand (equal to stage_tlev_q's word k_q in SCommitTier, asserted).
  logic [16*16-1:0] tlev_sh_d, tlev_sh_q;
  logic [26:0]   rate0_d, rate0_q, rate1_d, rate1_q;   // the refresh's MM and IM rates
  // staged symbol configuration (symbol_a/_b/_tier commands)
  pg_risk_pkg::cfg_t          stage_d, stage_q;
  logic [63:0]   stage_lev_d, stage_lev_q;             // symbol max_lev
  logic [16*TierW-1:0] stage_tiers_d, stage_tiers_q;
  logic [16*16-1:0] stage_tlev_d, stage_tlev_q;        // tier max_lev (16 bits each)
  logic [CW-1:0] clr_d, clr_q;
  // outputs
  logic [2:0]    out_v_d, out_v_q;
  logic [511:0]  out_m_d [3];
  logic [511:0]  out_m_q [3];

  // Event fields (wire layouts, or command arguments in 64-bit words).
  // 64-bit word i of the event (a command's argument i), as signals: a function call per use in
  // the sequencer would make yosys' proc pass handle a 512-bit argument copy each time.
  logic [63:0] ev_w0, ev_w1, ev_w2, ev_w3, ev_w4, ev_w5, ev_w6, ev_w7;
  assign {ev_w7, ev_w6, ev_w5, ev_w4, ev_w3, ev_w2, ev_w1, ev_w0} = ev_q;
  // The commands' range tests of their own arguments (ev_flags_i, made on the event before the
  // arbiter chose it) registered beside ev_q, so that the states that use them start from a
  // register, not from a 64-bit compare in front of the next-state mux.
  pg_risk_pkg::ev_flags_t evf_d, evf_q;
  // The range tests of the first table addresses of the client port's next new order (read ahead).
  logic peek_acct_ok, peek_sym_ok;
  assign peek_acct_ok   = 64'(peek_msg_i[8*perpgate_wire_pkg::NewOrderAcctOff +: perpgate_wire_pkg::NewOrderAcctBits])
                          < 64'(Accounts);
  assign peek_sym_ok    = 64'(peek_msg_i[8*perpgate_wire_pkg::NewOrderSymOff +: perpgate_wire_pkg::NewOrderSymBits])
                          < 64'(Symbols);

  // withdraw: amount (w1) <= collateral, registered a cycle ahead: SWithdraw changes neither.
  logic coll_covers_q;
  // refresh_slot: the larger of the account's and the symbol's IM rates, registered a cycle ahead
  // (SR1Tier, before SR1, changes neither): SR1 then compares it with the tier's alone.
  logic [26:0] imr_acct_sym_q;

`ifndef SYNTHESIS
  // The decode the arbiter hands over is that of the event offered, and evf_q that of the one held.
  logic [AW-1:0] chk_acct;
  logic [SW-1:0] chk_sym;
  logic          chk_acct_ok, chk_sym_ok;
  logic [pg_risk_pkg::EvFlagsBits-1:0] chk_flags, held_flags;
  /* verilator lint_off PINCONNECTEMPTY */
  pg_ev_decode #(.Accounts (Accounts), .Symbols (Symbols)) u_chk_offered (
    .type_i (ev_type_i), .data_i (ev_data_i), .acct_o (chk_acct), .acct_ok_o (chk_acct_ok),
    .sym_o (chk_sym), .sym_ok_o (chk_sym_ok), .flags_o (chk_flags));
  pg_ev_decode #(.Accounts (Accounts), .Symbols (Symbols)) u_chk_held (
    .type_i (op_q), .data_i (ev_q), .acct_o (), .acct_ok_o (), .sym_o (), .sym_ok_o (),
    .flags_o (held_flags));
  /* verilator lint_on PINCONNECTEMPTY */
  always_ff @(posedge clk_i) begin
    if (ev_valid_i) assert (ev_acct_i == chk_acct && ev_acct_ok_i == chk_acct_ok && ev_sym_i == chk_sym &&
                            ev_sym_ok_i == chk_sym_ok && ev_flags_i == chk_flags);
    if (state_q != SClear && state_q != SIdle) assert (evf_q == held_flags);
    if (state_q == SWithdrawTest) assert (coll_covers_q == ($signed(ev_w1) <= acc_q.coll));
    if (state_q == SR1) assert (imr_acct_sym_q == (imr_q > cfg_q.imr ? imr_q : cfg_q.imr));
    if (state_q == SCommitTier && k_q < 5'd16) assert (stage_tlev_k == stage_tlev_q[16*k_q[3:0] +: 16]);
  end
`endif

  // The new order being issued (SO1: the one taken; SIdle, read ahead two deep: the one being
  // taken, pre2_q) and its fields (byte offsets of perpgate_wire_pkg, 8-byte aligned groups).
  localparam int unsigned EvB  = 8 * perpgate_wire_pkg::NewOrderSize;
  logic           pre2_q;
  logic [EvB-1:0] o_ev;
  logic        o_buy, o_ro;
  logic [63:0] o_id;
  logic signed [63:0] o_qty, o_px;
  assign o_ev   = pre2_q ? peek_msg_i : ev_q[EvB-1:0];
  assign o_buy  = o_ev[8*perpgate_wire_pkg::NewOrderFlagsOff];
  assign o_ro   = o_ev[8*perpgate_wire_pkg::NewOrderFlagsOff + 1];
  assign o_id   = o_ev[8*perpgate_wire_pkg::NewOrderIdOff +: 64];
  assign o_qty  = o_ev[8*perpgate_wire_pkg::NewOrderQtyOff +: 64];
  assign o_px   = o_ev[8*perpgate_wire_pkg::NewOrderPxOff +: 64];

  wire logic is_cmd = op_q >= 8'hc0;

  // Shared combinational units on registered inputs: the sequencer below only selects their
  // results (one copy of each function in hardware, and a sequencer yosys can elaborate).
  logic [LW:0]   slot_of_rd;                             // the slot map just read: the symbol's
  logic [WayW:0] way_of_ref;                             // open-order set: the event's order id
  logic [3:0]    tier_t0, tier_t1;                        // tier of the raw notionals in t0, t1 (registered)
  // Entries read at a computed index: N:1 muxes (pg_index_mux), outside the sequencer (yosys'
  // proc pass is slow on wide variable part-selects inside a large always_comb, and builds them
  // as barrel shifters).
  pg_risk_pkg::tier_mm_t tier_e0;                         // maintenance terms of the tier at tier_t0
  logic [26:0]   tier_e1_imr;                             // the imr field of the tier at tier_t1
  pg_risk_pkg::ord_t way_e;                               // the open order at way_q
  logic [15:0]   stage_tlev_k;                            // the staged tier leverage at k_q (tlev_sh_q)
  // slot slot_q of slots_rd (its symbol is what is read) and of slots_q (bits 14:12 are spare)
  /* verilator lint_off UNUSEDSIGNAL */
  logic [SlotB-1:0] slot_rd_e, slot_q_e;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [6:0]    tz_hbits;                                // trailing zeros
  logic [6:0]    tz_tick_q, tz_lot_q;                     // of the tick and the lot, registered,
  logic [63:0]   tick_odd_q, lot_odd_q;                   // and their odd parts, a cycle later
  assign slot_of_rd     = find_slot(slots_rd, s_q);
  assign way_of_ref     = find_way(oset_q, ev_w2);
  // One tier search, registered, for both: t0 (the MM raw, written in SR0Mm) is searched in SR0Im,
  // t1 (the IM raw, written in SR0Im) in SR1Tier; SR1 reads both. (With no mark, SR0 skips to
  // SR1Tier with both raws 0 and tier_t0 not searched: the MM and IM are 0 whatever the tier.)
  // Which raw is searched comes from a register, set on the two ways into SR1Tier (so that the
  // state's decode is not in front of the 114-bit mux and the 16 compares).
  logic [3:0] tier_found;
  logic       tier_sel_q;                                 // state_q == SR1Tier
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tier_sel_q <= 1'b0;
    end else begin
      tier_sel_q <= (state_q == SR0Im && mul_valid) || (state_q == SR0 && !(sst_q.mark > 0));
`ifndef SYNTHESIS
      assert (tier_sel_q == (state_q == SR1Tier));
      // SR3Im writes the floor of the uPnL it writes (acct_t.upf) from the unit SR1 started: five
      // cycles on, as SR1, SR2, SR2Im and SR3's wait for the MM take at least that.
      assert (state_q != SR3Im || (fl_ready && fl_pre_q));
`endif
    end
  end
  assign tier_found = pg_risk_pkg::tier_index(tiers_q, cfg_q.tier_count, tier_sel_q ? t1_q : t0_q);
  always_ff @(posedge clk_i) begin
    if (tier_sel_q) tier_t1 <= tier_found;
    else            tier_t0 <= tier_found;
  end
  localparam int unsigned TierRW = pg_risk_pkg::TierMmBits;
  logic [16*TierRW-1:0] tier_rates;                       // each tier's mmr and maint (above imr)
  logic [16*27-1:0]     tier_imrs;                        // the imr field (the low 27 bits) of each
  always_comb begin
    for (int unsigned k = 0; k < 16; k++) begin
      tier_rates[k*TierRW +: TierRW] = tiers_q[k*TierW + 27 +: TierRW];
      tier_imrs[k*27 +: 27] = tiers_q[k*TierW +: 27];
    end
  end
  pg_index_mux #(.N(16), .W(TierRW)) u_tier_e0 (.data_i (tier_rates), .idx_i (tier_t0), .data_o (tier_e0));
  pg_index_mux #(.N(16), .W(27)) u_tier_e1_imr (.data_i (tier_imrs), .idx_i (tier_t1), .data_o (tier_e1_imr));
  pg_index_mux #(.N(OrderWays), .W(OrdW), .IW(WayW)) u_way_e (
    .data_i (oset_q), .idx_i (way_q[WayW-1:0]), .data_o (way_e)
  );
  // What a fill releases of its order (SF2), registered a cycle ahead from the event and the way:
  // SF2 comes after SF1 and SF1Test (and maybe an error report), with both unchanged since SF1.
  // In SF2's own cycle the compare and select came before the subtract, the zero test and the
  // way's write (oset_q 9-11 LUT levels). rem - min(qty, rem) is 0 exactly when rem <= qty.
  logic signed [63:0] fill_take_q;                        // min(fill qty, the order's remaining)
  logic               fill_closes_q;                      // the fill takes all that remains
  always_ff @(posedge clk_i) begin
    fill_take_q   <= min64($signed(ev_w3), way_e.rem);
    fill_closes_q <= way_e.rem <= $signed(ev_w3);
  end
  assign stage_tlev_k = tlev_sh_q[15:0];
  pg_index_mux #(.N(Slots), .W(SlotB), .IW(LW)) u_slot_rd_e (.data_i (slots_rd), .idx_i (slot_q), .data_o (slot_rd_e));
  pg_index_mux #(.N(Slots), .W(SlotB), .IW(LW)) u_slot_q_e (.data_i (slots_q), .idx_i (slot_q), .data_o (slot_q_e));
  // symbol_commit reads them long after cfg_q took the staged tick and lot (SDispatch), behind
  // the divisions of SCommit1 and SCommitTier: two cycles of lag are never seen.
  always_ff @(posedge clk_i) begin
    tz_tick_q  <= ctz64(cfg_q.tick);
    tz_lot_q   <= ctz64(cfg_q.lot);
    tick_odd_q <= cfg_q.tick >> tz_tick_q;
    lot_odd_q  <= cfg_q.lot >> tz_lot_q;
  end
  assign tz_hbits       = ctz64(hbits_q);

  // ---- the revaluation lane: a mark's holders, one a cycle ---------------------------------------
  // When a mark's walk yields to the client port: once the lane has taken LnBatch holders since
  // the walk began or resumed (so that orders at line rate leave the walk most of its speed), for
  // an order the walk has passed (or a cancel: no early revaluation), or for one of an account
  // still ahead that has waited LnPatience cycles (the walk, a holder a cycle, often passes it
  // first).
  localparam int unsigned LnBatch    = 16;
  localparam int unsigned LnPatience = 32;
  logic [4:0]    ln_cnt_d, ln_cnt_q;                 // holders taken since, up to LnBatch
  logic [5:0]    ln_wait_q;                          // cycles a client event has waited in the walk
  logic [HW-1:0] pk_hw;
  logic          ln_behind, ln_yield;
  assign pk_hw     = HW'(peek_msg_i[8*perpgate_wire_pkg::NewOrderAcctOff +: AW] >> 6);
  assign ln_behind = !peek_valid_i || !peek_acct_ok || pk_hw < hw_q ||
                     (pk_hw == hw_q && !hbits_q[peek_msg_i[8*perpgate_wire_pkg::NewOrderAcctOff +: 6]]);
  assign ln_yield  = 32'(ln_cnt_q) >= LnBatch && wk_yield && !market_req_i &&
                     (venue_req_i || ln_behind || 32'(ln_wait_q) >= LnPatience);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                          ln_wait_q <= '0;
    else if (!ln_mode || !client_req_i)   ln_wait_q <= '0;   // (a venue event yields at once)
    else if (ln_wait_q != 6'h3f)          ln_wait_q <= ln_wait_q + 6'd1;
  end
  logic          ln_issue, ln_ready, ln_busy, ln_we, ln_done;
  logic [AW-1:0] ln_wa;
  logic [AW+LW-1:0] ln_pos_wa;
  logic [pg_risk_pkg::AcctBits-1:0] ln_acct_wd;
  logic [pg_risk_pkg::PosBits-1:0]  ln_pos_wd;
  logic          ln_liq_valid, ln_liq_ready;
  logic [AW-1:0] ln_liq_acct;
  logic signed [127:0] ln_liq_eq, ln_liq_mm;
  assign ln_mode = state_q == SLnBits || state_q == SLnWord || state_q == SLnYield || state_q == SLnDrain;
  pg_reval_lane #(.Accounts (Accounts), .Slots (Slots)) u_lane (
    .clk_i, .rst_ni,
    .mark_i (sst_q.mark), .tier_count_i (cfg_q.tier_count), .sym_imr_i (cfg_q.imr), .tiers_i (tiers_q),
    .valid_i (ln_issue), .ready_o (ln_ready), .acct_i (a_d),
    .slot_i (slot_of_rd), .imr_rd_i (imr_rd),
    .pos_ra_o (ln_pos_ra), .pos_rd_i (pos_rd), .acct_ra_o (ln_acct_ra), .acct_rd_i (acct_rd),
    .we_o (ln_we), .wa_o (ln_wa), .pos_wa_o (ln_pos_wa), .acct_wd_o (ln_acct_wd), .pos_wd_o (ln_pos_wd),
    .liq_valid_o (ln_liq_valid), .liq_ready_i (ln_liq_ready), .liq_acct_o (ln_liq_acct),
    .liq_eq_o (ln_liq_eq), .liq_mm_o (ln_liq_mm), .done_o (ln_done), .busy_o (ln_busy)
  );
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) if (rst_ni && !ln_mode) assert (!ln_busy) else $error("the lane busy outside a walk");
`endif

  // Whole-table next values for writes at a computed index (entry ti of the staged tiers, the imr
  // of staged tier k_q at commit), outside the sequencer: there they would be 16 variants of a
  // 3,424-bit signal for yosys' proc pass. The sequencer only chooses to take them. symbol_commit
  // derives the imr fields in the staged tiers and writes those to the table: tiers_q is only ever
  // loaded from the table (no 3,424-bit mux in front of it).
  logic [16*TierW-1:0] stage_tiers_next, stage_tiers_k_imr_next;
  logic [16*16-1:0]    stage_tlev_next;
  pg_risk_pkg::tier_t  stage_tier_new;                   // the tier a symbol_tier command stages
  always_comb begin
    stage_tier_new = '0;
    stage_tier_new.floor_raw = 96'(mul_p128);            // ev_w1 x 1e10 (SDispatch, STierMul)
    stage_tier_new.mmr = ev_w2[26:0];
    stage_tier_new.maint = ev_w3;
    stage_tiers_next = stage_tiers_q;
    stage_tlev_next = stage_tlev_q;
    stage_tiers_k_imr_next = stage_tiers_q;
    for (int unsigned i = 0; i < 16; i++) begin
      if (ev_w0[3:0] == 4'(i)) begin
        stage_tiers_next[i*TierW +: TierW] = stage_tier_new;
        stage_tlev_next[i*16 +: 16] = ev_w4[15:0];
      end
      // imr is a tier's low 27 bits: the quotient when one is done, else 0 (no cap)
      if (k_q[3:0] == 4'(i)) stage_tiers_k_imr_next[i*TierW +: 27] = div_done ? div_q[26:0] : 27'd0;
    end
  end

  // Operands of the divider and the multiplier, chosen by the state alone: the sequencer only
  // says when to start (div_go, mul_go), so its branch conditions stay off the operand paths.
  always_comb begin
    div_n = mul_p128;
    div_d = u0_q;
    unique case (state_q)
      SDispatch: begin                           // set_leverage, symbol_commit: imr = ceil(1e8 / lev)
        div_n = op_q == perpgate_regs_pkg::CmdSetLeverage ? 128'(RateScale) + 128'(ev_w2) - 128'd1
                                                          : 128'(RateScale) + 128'(stage_lev_q) - 128'd1;
        div_d = op_q == perpgate_regs_pkg::CmdSetLeverage ? ev_w2 : stage_lev_q;
      end
      SEma1Div:    begin div_n = abs128(mul_p128); div_d = cfg_q.ema_ms; end
      SEma2Den:    begin div_n = mul_p128; div_d = cfg_q.ema_ms; end
      SLm1:        begin div_n = abs128(sst_q.ema_num); div_d = sst_q.ema_den; end
      SCommitTier: begin div_n = 128'(RateScale) + 128'(stage_tlev_k) - 128'd1; div_d = 64'(stage_tlev_k); end
      SCommitInv2: begin div_n = 128'(64'hFFFF_FFFF_FFFF_FFFF); div_d = f1_q ? cfg_q.lot : cfg_q.tick; end
      default: ;
    endcase
  end
  always_comb begin
    mul_a = t0_q;
    mul_b = u1_q;
    unique case (state_q)
      SDispatch:   begin mul_a = 128'(ev_w1); mul_b = 64'(NotionalDiv); end      // tier floor, raw
      SEma1Mul:    begin mul_a = sst_q.ema_num; mul_b = cfg_q.ema_ms - u2_q; end
      SEma2:       begin mul_a = 128'(u1_q); mul_b = u2_q; end                   // sample x d
      SEma2Mul:    begin mul_a = mul_p128; mul_b = 64'sd1000; end
      SEma2Num:    begin mul_a = 128'(sst_q.ema_den); mul_b = cfg_q.ema_ms - u2_q; end
      SFund1, SR0: begin mul_a = 128'(abs64(pos_q.qty)); mul_b = sst_q.mark; end // |qty| x mark
      SR0Worst:    begin mul_a = 128'(u0_q); mul_b = sst_q.mark; end             // worst x mark
      SCommitInv:  begin mul_a = 128'(u1_q); mul_b = u2_q; end
      SCommitInv1: begin mul_a = 128'(u2_q); mul_b = 64'd2 - mul_p128[63:0]; end
      default: ;
    endcase
  end

  always_comb begin
    ron_raw = t0_q[113:0];
    ron_rate = rate0_q;
    ron_up = 1'b1;
    unique case (state_q)
      SFund2: begin ron_rate = 27'(abs64(ev_w3)); ron_up = f0_q; end  // |rate| <= RateMax: SFund
      SR2Im: begin ron_raw = t1_q[113:0]; ron_rate = rate1_q; end  // the refresh's IM
      default: ;                                                // SR2: the refresh's MM
    endcase
  end
  always_comb begin
    unique case (state_q)
      SR1:      fl_u = acc_q.upnl + t2_q - pos_q.upnl;          // the uPnL SR3Im writes
      default:  fl_u = t3_q;                                    // SFCredit: the realised value
    endcase
  end
  always_comb begin
    if (state_q == SLm5) begin                                  // the outer median
      med_x = $signed(u0_q); med_y = med_out; med_z = sst_q.ext;
    end else begin                                              // SEma1, SLm1: the inner one
      med_x = sst_q.bid; med_y = sst_q.ask; med_z = sst_q.last;
    end
  end

  // ---- orders in flight ------------------------------------------------------------------------
  // An order is issued to the check pipeline with a context: what its retirement writes back (the
  // entries read for it, the message) and where. Two contexts, issued and retired in order: the
  // pipeline is longer than an order's turn in the sequencer, so two orders of different accounts
  // overlap. The order set comes a cycle after the issue (read in the issue cycle, as the id's set
  // is known only when the order is taken): its searches (duplicate id, free way) run then, and
  // their results join the check's structural reasons (pre_reason_i, a cycle after valid_i) and the
  // context (cord*_q). Retiring takes two steps: the reply as the decision leaves the check
  // (retire), the table writes two cycles later (write_back_q), when the order's IM has left it;
  // the context stays in flight until then.
  localparam int unsigned TagW = AW + SetW + SW + HW + 1;       // what another order must not share
  localparam int unsigned CtxW = EvB + pg_risk_pkg::AcctBits + pg_risk_pkg::PosBits + Slots * SlotB + 64 +
                                 LW + 1;
  localparam int unsigned CordW = OrderWays * OrdW + WayW;      // the order set read and the way
  localparam int unsigned ResW = 8 + 1 + 64 + 64;
  logic [1:0]      ctx_v_q, ctx_done_q;
  logic            iptr_q, rptr_q;                              // next to issue, next to retire
  logic [TagW-1:0] tag0_q, tag1_q, tag_new, tag_load, tag_w;
  logic [CtxW-1:0] ctx0_q, ctx1_q, ctx_new, ctx_w;
  logic [CordW-1:0] cord0_q, cord1_q, cord_new, cord_w;
  logic [ResW-1:0] res0_q, res1_q, res_new, res_w;
  logic signed [127:0] im0_q, im1_q;                           // the IM of each, two cycles after res
  logic            issue, retire;
  logic            retired_q, rptr_was_q;                       // an order retired last cycle, its context
  logic            write_back_q;                                // the order retired two cycles ago is written back
  logic            wptr_q;                                      // the context written back (write_back_q)
  logic            ctx_conflict, retired_conflict;
  logic            order_conflict;                              // either, or no free context
  logic            load_conflict;                               // the same for SLoad (tag_load)
  logic            last_v_q;                                    // an order was written back last cycle
  logic [TagW-1:0] last_tag_q;

  // the order replied to (retire): its message and decision, as the decision leaves the check or
  // from where it waited for the channels
  logic [EvB-1:0]             rp_ev;
  logic [7:0]                 rp_reason;
  assign rp_ev     = rptr_q ? ctx1_q[CtxW-1 -: EvB] : ctx0_q[CtxW-1 -: EvB];
  assign rp_reason = !ctx_done_q[rptr_q] ? chk_reason : rptr_q ? res1_q[ResW-1 -: 8] : res0_q[ResW-1 -: 8];

  // the order written back (write_back_q), unpacked
  logic [EvB-1:0]             r_ev;
  pg_risk_pkg::acct_t         r_acc;
  pg_risk_pkg::pos_t          r_pos;
  logic [Slots*SlotB-1:0]     r_slots;
  logic [63:0]                r_hbits;
  logic [OrderWays*OrdW-1:0]  r_oset;
  logic [LW-1:0]              r_slot;
  logic [WayW-1:0]            r_way;
  logic                       r_aok, r_claim;
  logic [AW-1:0]              r_a;
  logic [SetW-1:0]            r_set;
  logic [SW-1:0]              r_s;
  logic [HW-1:0]              r_hw;
  logic [7:0]                 r_reason;
  logic                       r_tok;
  logic signed [63:0]         r_tokens, r_refill;
  logic signed [127:0]        r_im;
  assign tag_w  = wptr_q ? tag1_q : tag0_q;
  assign ctx_w  = wptr_q ? ctx1_q : ctx0_q;
  assign cord_w = wptr_q ? cord1_q : cord0_q;
  assign res_w  = wptr_q ? res1_q : res0_q;                     // stored as the decision left
  assign {r_ev, r_acc, r_pos, r_slots, r_hbits, r_slot, r_aok} = ctx_w;
  assign {r_oset, r_way} = cord_w;
  assign {r_a, r_set, r_s, r_hw, r_claim} = tag_w;
  assign {r_reason, r_tok, r_tokens, r_refill} = res_w;
  // the IM leaves the check two cycles after the decision: here, or stored if the reply waited
  assign r_im = chk_im_valid && chk_im_tag == wptr_q ? chk_im : wptr_q ? im1_q : im0_q;

  // Reading ahead: while the sequencer idles, the client port's next new order is arriving, its
  // account and symbol in the port's message register (peek_msg_i); SIdle points the table reads
  // at them, and the position's at the slot the slot map read a cycle before shows. Read one deep
  // (pre_q: the entries read in the last cycle, no write to them landed since): SIdle does
  // SLoad's work as it takes the order, which goes on to SO1 (fast_load). Read two deep (pre2_q:
  // the same peek for two cycles, no write to its entries in either, so the position is read
  // too): SIdle issues the order as it takes it (fast_issue), from the entries just read and the
  // message register; only its order set, whose address comes with the order, is read then, and
  // searched a cycle later (above). SO1 issues from the entries read in the cycle before it as
  // well (the sequencer keeps the addresses since SLoad: the same entries again, unless a write
  // since, which order_conflict catches).
  logic pre_q, fast_load, fast_issue;
  logic peek_same;                                       // the peek is the one read last cycle
  logic wb_hits_peek;                                    // the write-back (write_back_q) changes its entries
  assign peek_same = peek_msg_i[8*perpgate_wire_pkg::NewOrderAcctOff +: AW] == a_q &&
                     peek_msg_i[8*perpgate_wire_pkg::NewOrderSymOff +: SW] == s_q &&
                     peek_acct_ok == a_ok_q && peek_sym_ok == s_ok_q;
  // A write-back lands as the tables are read (the read sees the old entry) only in the entries
  // of its account and, when it claims a slot, its holder word: an order of another account
  // behind it, as in a burst (the previous order's write-back comes a cycle before the next
  // order), still reads ahead.
  assign wb_hits_peek = write_back_q &&
                        (peek_msg_i[8*perpgate_wire_pkg::NewOrderAcctOff +: AW] == r_a ||
                         (r_claim && peek_msg_i[8*perpgate_wire_pkg::NewOrderSymOff +: SW] == r_s &&
                          peek_msg_i[8*perpgate_wire_pkg::NewOrderAcctOff + 6 +: HW] == r_hw));
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pre_q <= 1'b0;
      pre2_q <= 1'b0;
    end else begin
      pre_q  <= state_q == SIdle && !ev_valid_i && peek_valid_i && !wb_hits_peek && !wk_resume;
      pre2_q <= state_q == SIdle && !ev_valid_i && peek_valid_i && !wb_hits_peek && !wk_resume && pre_q && peek_same;
    end
  end
  assign fast_load  = state_q == SIdle && ev_valid_i && ev_client_i && pre_q &&
                      ev_type_i == perpgate_wire_pkg::MsgNewOrder && !wk_pending;
  // (pre2_q is set only from SIdle with no event, which stays in SIdle unless the walk resumes)
  assign fast_issue = pre2_q && ev_valid_i && ev_client_i && ev_type_i == perpgate_wire_pkg::MsgNewOrder &&
                      !order_conflict && !wk_pending;

  // ---- a mark's walk, suspended for the client port ------------------------------------------------
  // A walk over a symbol's holders for a new mark (published or local; not funding, not a symbol
  // commit, whose steps are not idempotent or not on the market path) yields after a holder
  // when the client port has an order or cancel waiting and another holder is left in the word
  // (SRvChecked): the walk makes progress between two yields, and an order waits at most one
  // holder. While suspended (wk_open_q) the core takes events from the client and venue ports
  // alone; an order, fill or cancel_ack of an account the walk has still to visit (a holder bit
  // left in the word, or a later word) has that account revalued first (SWkDrain: an order's
  // account from its message, as it is taken; a fill's or cancel_ack's from its order's entry,
  // SDispRef). A fill or cancel_ack may free the account's slot of the walk's symbol: its bit
  // stays in wk_hbits_q and the lane passes it by (still a walk step: the model steps past it
  // too). With no event and no order in flight, the walk resumes (wk_resume).
  logic wk_market, wk_yield, wk_pending, wk_resume, ref_ahead;
  logic [HW-1:0] ev_hw, ref_hw;
  assign wk_market  = op_q != perpgate_wire_pkg::MsgFunding && !is_cmd;
  assign wk_yield   = (client_req_i || venue_req_i) && wk_market;
  assign ref_hw     = HW'(way_e.acct[AW-1:0] >> 6);
  assign ref_ahead  = ref_hw > wk_hw_q || (ref_hw == wk_hw_q && wk_hbits_q[way_e.acct[5:0]]);
  assign ev_hw      = HW'(ev_acct_i >> 6);
  assign wk_pending = wk_open_q && ev_valid_i && ev_client_i && ev_type_i == perpgate_wire_pkg::MsgNewOrder &&
                      ev_acct_ok_i && (ev_hw > wk_hw_q || (ev_hw == wk_hw_q && wk_hbits_q[ev_acct_i[5:0]]));
  assign wk_resume  = wk_open_q && state_q == SIdle && !ev_valid_i && ctx_v_q == 2'b00;

  // A suspended walk lets in at most WkShare client and venue events; then the arbiter offers
  // nothing (take_none_o) and the walk resumes once the orders taken are written back. Without
  // the bound ports past the core's capacity would hold the walk, and its triggers, for as long
  // as the overload lasts. A market event waiting ends the share at once and the walk yields no
  // more (ln_yield): the walk runs to its end, a holder a cycle, so that the next mark is taken
  // rather than dropped when client and venue ports keep the core busy.
  localparam int unsigned WkShare = 8;
  logic [3:0] wk_taken_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                                    wk_taken_q <= '0;
    else if (!wk_open_q)                            wk_taken_q <= '0;
    else if (state_q == SIdle && ev_valid_i)        wk_taken_q <= wk_taken_q + 4'd1;
  end
  assign take_none_o = wk_open_q && (32'(wk_taken_q) >= WkShare || market_req_i);
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) if (rst_ni && take_none_o) assert (!ev_valid_i);
`endif

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // suspended only in the order path's states, with a holder left in the word
      if (wk_open_q) assert (state_q inside {SIdle, SLoad, SO1, SOWait, SDrain, SDispatch, SOFwdCancel, SDone,
                                             SWkDrain, SCtx0, SCtx1, SWkRv, SR0, SR0Worst, SR0Mm, SR0Im,
                                             SR1Tier, SR1, SR2, SR2Im, SR3, SR3Im, SWkL0, SL0, SL0Test, SL1,
                                             SL2, SWkWb, SWkReload, SDispRef, SEmitErr,
                                             SC1, SC2, SSettle1, SSettleWb, SAcctWb,
                                             SF1, SF1Test, SF2, SFApply, SFCredit, SFMoney, SFClamp, SFSettle}
                             && wk_hbits_q != 64'd0);
      if (wk_open_q && state_q == SIdle && ev_valid_i)
        assert (ev_type_i inside {perpgate_wire_pkg::MsgNewOrder, perpgate_wire_pkg::MsgCancel,
                                  perpgate_wire_pkg::MsgFill, perpgate_wire_pkg::MsgCancelAck});
    end
  end
`endif

`ifndef SYNTHESIS
  // The order issued as it is taken is the one read ahead: the message in the client port's
  // register, its account and symbol those the entries were read for.
  always_ff @(posedge clk_i) begin
    if (fast_issue) begin                 // (pre2_q is clear in reset)
      assert (state_q == SIdle && ev_data_i[EvB-1:0] == peek_msg_i);
      assert (ev_data_i[8*perpgate_wire_pkg::NewOrderAcctOff +: AW] == a_q &&
              ev_data_i[8*perpgate_wire_pkg::NewOrderSymOff +: SW] == s_q);
    end
  end
`endif

  // Issue (SO1, or SIdle for an order read ahead two deep): the structural checks of
  // Engine::check_order that need the tables' words. The slot searches run on the slot map read
  // (in SLoad, or SIdle: fast_load and every read-ahead cycle), registered; the id searches on the
  // order set a cycle after the issue. An order in SO1 that conflicts with one in flight or just
  // written back waits in SOWait and goes back through SLoad; one read ahead two deep that
  // conflicts is taken to SO1 (fast_load), which sends it there.
  logic [WayW:0]  iss_dup, iss_way;                       // the id's way (none: not a duplicate), a free way
  logic [LW:0]    iss_found, iss_free;                    // the symbol's slot, a free slot
  logic           iss_aok, iss_sok;                       // account, symbol known
  logic [7:0]     iss_pre;
  pg_risk_pkg::pos_t iss_pos;
  assign issue     = (state_q == SO1 && !order_conflict) || fast_issue;
  always_ff @(posedge clk_i) begin
    if (state_q == SLoad || fast_load || (state_q == SIdle && !ev_valid_i)) begin
      iss_found <= slot_of_rd;
      iss_free  <= free_slot(slots_rd);
    end
  end
  assign iss_aok   = a_ok_q && acct_rd.exists;
  assign iss_sok   = s_ok_q && cfg_rd.defined;
  assign iss_pos   = f0_q ? pos_rd : '0;
  // whether the order claims a slot: from the slot search registered in SLoad or while reading
  // ahead (SO1, an order issued as it is taken); in SOWait assumed. SLoad's verdict on the slot
  // map it has just read uses its own tag (tag_load): it steers only state_q, so no enable of the
  // sequencer's wide registers waits for the slot search.
  assign tag_new  = {a_q, pre2_q ? ev_set_i : set_q, s_q, hw_q, state_q == SO1 || pre2_q ? iss_found[LW] : 1'b1};
  assign tag_load = {tag_new[TagW-1:1], slot_of_rd[LW]};
  assign ctx_new = {o_ev, acct_rd, iss_pos, slots_rd, hold_rd,
                    iss_found[LW] ? iss_free[LW-1:0] : iss_found[LW-1:0], iss_aok};

  // A cycle after the issue: the order set is here (read at the order's set in the issue cycle).
  logic               late_q, late_ptr_q;                 // an order was issued last cycle, its context
  logic [63:0]        late_id_q;
  logic               late_aok_q, late_sok_q, late_killed_q, late_no_slot_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) late_q <= 1'b0;
    else         late_q <= issue;
  end
  always_ff @(posedge clk_i) begin
    late_ptr_q     <= iptr_q;
    late_id_q      <= o_id;
    late_aok_q     <= iss_aok;
    late_sok_q     <= iss_sok;
    // a reduce-only order passes a de-risking kill (kill_hard clear) to the reduce-only test
    late_killed_q  <= (killed_all_q && (kill_all_hard_q || !o_ro)) || (acct_rd.killed && (acct_rd.kill_hard || !o_ro));
    late_no_slot_q <= iss_found[LW] && iss_free[LW];
  end
  assign iss_dup  = find_way(ord_rd, late_id_q);
  assign iss_way  = free_way(ord_rd);
  assign cord_new = {ord_rd, iss_way[WayW-1:0]};
  always_comb begin
    if (!late_aok_q)                  iss_pre = perpgate_wire_pkg::ReasonUnknownAccount;
    else if (!late_sok_q)             iss_pre = perpgate_wire_pkg::ReasonUnknownSymbol;
    else if (!iss_dup[WayW])          iss_pre = perpgate_wire_pkg::ReasonDuplicateId;
    else if (late_killed_q)           iss_pre = perpgate_wire_pkg::ReasonKilled;
    else                              iss_pre = perpgate_wire_pkg::ReasonNone;
  end

  logic               chk_valid, chk_tag, chk_tok, chk_im_valid, chk_im_tag;
  logic [7:0]         chk_reason;
  logic signed [63:0] chk_tokens, chk_refill;
  logic signed [127:0] chk_im;
  pg_order_check #(.Symbols(Symbols)) u_check (
    .clk_i, .rst_ni,
    .valid_i (issue), .tag_i (iptr_q), .buy_i (o_buy), .ro_i (o_ro), .qty_i (o_qty), .px_i (o_px),
    .sym_i (s_q), .pre_reason_i (iss_pre), .no_way_i (iss_way[WayW]), .no_slot_i (late_no_slot_q),
    .acc_i (acct_rd), .pos_i (iss_pos), .cfg_i (cfg_rd), .mark_i (sst_rd.mark), .mark_ts_i (sst_rd.mark_ts),
    .imr_i (imr_rd), .now_i (now_q),
    .tier_we_i (tier_we), .tier_wa_i (sym_wa), .tier_wd_i (tier_wd),
    .valid_o (chk_valid), .tag_o (chk_tag), .reason_o (chk_reason), .tok_upd_o (chk_tok),
    .tokens_o (chk_tokens), .refill_ts_o (chk_refill),
    .im_valid_o (chk_im_valid), .im_tag_o (chk_im_tag), .im_o (chk_im)
  );
  assign res_new = {chk_reason, chk_tok, chk_tokens, chk_refill};

  // Retire: the oldest order with its decision, once channels 0 and 1 are free; its write-back
  // follows two cycles later, with its IM.
  assign retire = (ctx_done_q[rptr_q] || (chk_valid && chk_tag == rptr_q)) && !out_v_q[0] && !out_v_q[1];

  // An order (u) conflicts with one in flight (t) that shares its account (entry, slots, positions)
  // or its order set, or when both claim a slot and so set bits of the same holder word; in SLoad
  // also with the one written back as its tables were read.
  function automatic logic tag_hit(input logic [TagW-1:0] t, input logic [TagW-1:0] u);
    tag_hit = t[TagW-1 -: AW] == u[TagW-1 -: AW] || t[SW+HW+1 +: SetW] == u[SW+HW+1 +: SetW] ||
              (t[0] && u[0] && t[SW+HW:1] == u[SW+HW:1]);
  endfunction
  assign ctx_conflict     = (ctx_v_q[0] && tag_hit(tag0_q, tag_new)) || (ctx_v_q[1] && tag_hit(tag1_q, tag_new));
  assign retired_conflict = last_v_q && tag_hit(last_tag_q, tag_new);
  assign order_conflict   = ctx_conflict || retired_conflict || ctx_v_q[iptr_q];
  assign load_conflict    = (ctx_v_q[0] && tag_hit(tag0_q, tag_load)) || (ctx_v_q[1] && tag_hit(tag1_q, tag_load)) ||
                            (last_v_q && tag_hit(last_tag_q, tag_load)) || ctx_v_q[iptr_q];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctx_v_q <= '0;
      ctx_done_q <= '0;
      iptr_q <= 1'b0;
      rptr_q <= 1'b0;
      retired_q <= 1'b0;
      rptr_was_q <= 1'b0;
      write_back_q <= 1'b0;
      wptr_q <= 1'b0;
      last_v_q <= 1'b0;
    end else begin
      if (issue) begin
        ctx_v_q[iptr_q] <= 1'b1;
        iptr_q <= !iptr_q;
      end
      if (chk_valid) ctx_done_q[chk_tag] <= 1'b1;
      if (retire) begin
        ctx_done_q[rptr_q] <= 1'b0;
        rptr_q <= !rptr_q;
      end
      retired_q <= retire;
      rptr_was_q <= rptr_q;
      write_back_q <= retired_q;
      wptr_q <= rptr_was_q;
      if (write_back_q) ctx_v_q[wptr_q] <= 1'b0;
      last_v_q <= write_back_q;
    end
  end
  always_ff @(posedge clk_i) begin
    if (issue && !iptr_q) begin tag0_q <= tag_new; ctx0_q <= ctx_new; end
    if (issue && iptr_q)  begin tag1_q <= tag_new; ctx1_q <= ctx_new; end
    if (late_q && !late_ptr_q) cord0_q <= cord_new;
    if (late_q && late_ptr_q)  cord1_q <= cord_new;
    if (chk_valid && !chk_tag) res0_q <= res_new;
    if (chk_valid && chk_tag)  res1_q <= res_new;
    if (chk_im_valid && !chk_im_tag) im0_q <= chk_im;
    if (chk_im_valid && chk_im_tag)  im1_q <= chk_im;
    last_tag_q <= tag_w;
  end

  // Working entry of the sequencer (module scope: yosys 0.23 resolves struct members only there).
  pg_risk_pkg::ord_t  oe;
  pg_risk_pkg::acct_t oacc;                              // the retired order's entries
  pg_risk_pkg::pos_t  opos;
  logic [Slots*SlotB-1:0]    oslots;
  logic [OrderWays*OrdW-1:0] ooset;

  // The main sequencer.
  always_comb begin
    logic [AW-1:0] xa;                       // SIdle: the account and symbol the event names,
    logic [SW-1:0] ys;                       // cut to the tables' address widths,
    logic         x_ok, y_ok;                // and whether they were below Accounts, Symbols
    logic [127:0] y128;
    logic [LW:0]  sl;
    logic         load;                    // the words for the event's first addresses are here
    logic [WayW:0] wy;
    logic signed [127:0] s128;
    logic signed [63:0]  s64;

    state_d = state_q; ret_d = ret_q; rv_ret_d = rv_ret_q;
    op_d = op_q; ev_d = ev_q; evf_d = evf_q; acc_d = acc_q; slots_d = slots_q; pos_d = pos_q; cfg_d = cfg_q;
    tiers_d = tiers_q; sst_d = sst_q; imr_d = imr_q; hbits_d = hbits_q; oset_d = oset_q;
    way_d = way_q; a_ok_d = a_ok_q; s_ok_d = s_ok_q; by_slot_d = by_slot_q; keep_sym_d = keep_sym_q;
    err_d = err_q; err_ref_d = err_ref_q; err_ret_d = err_ret_q;
    res_d = res_q; done_d = 1'b0; killed_all_d = killed_all_q; kill_all_hard_d = kill_all_hard_q; now_d = now_q;
    t0_d = t0_q; t1_d = t1_q; t2_d = t2_q; t3_d = t3_q; u0_d = u0_q; u1_d = u1_q; u2_d = u2_q;
    f0_d = f0_q; f1_d = f1_q; k_d = k_q; rate0_d = rate0_q; rate1_d = rate1_q;
    wk_open_d = wk_open_q; wk_s_d = wk_s_q; wk_osym_d = wk_osym_q; wk_hw_d = wk_hw_q; wk_hbits_d = wk_hbits_q;
    wk_first_d = wk_first_q;
    ln_cnt_d = ln_cnt_q;
    ln_issue = 1'b0;
    ln_liq_ready = 1'b0;
    stage_d = stage_q; stage_lev_d = stage_lev_q; stage_tiers_d = stage_tiers_q;
    stage_tlev_d = stage_tlev_q; tlev_sh_d = tlev_sh_q; clr_d = clr_q;
    a_d = a_q; s_d = s_q; slot_d = slot_q; set_d = set_q; hw_d = hw_q;
    out_v_d = out_v_q & ~out_ready_i;
    for (int c = 0; c < 3; c++) out_m_d[c] = out_m_q[c];

    acct_we = 1'b0; slots_we = 1'b0; pos_we = 1'b0; imr_we = 1'b0; cfg_we = 1'b0; tier_we = 1'b0;
    sst_we = 1'b0; hold_we = 1'b0; ord_we = 1'b0;
    acct_wd = acc_q; slots_wd = slots_q; pos_wd = pos_q; imr_wd = imr_q; cfg_wd = cfg_q;
    tier_wd = stage_tiers_q; sst_wd = sst_q; hold_wd = hbits_q; ord_wd = oset_q;
    // (the tier table is written only by symbol_commit, from the staged tiers: no mux before it)
    acct_wa = a_q; pos_wa = {a_q, slot_q}; imr_wa = {a_q, s_q}; sym_wa = s_q;
    hold_wa = {s_q, hw_q}; ord_wa = set_q;

    ron_go = 1'b0;
    fl_go = 1'b0;
    fl_pre_d = 1'b0;
    med_go = 1'b0;
    med_pre_d = 1'b0;
    eq_d = eq_q;
    fq_d = fq_q;
    div_go = 1'b0;
    fu_go = 1'b0;
    mul_go = 1'b0;

    xa = '0; ys = '0; x_ok = 1'b1; y_ok = 1'b1; y128 = '0; sl = '0; wy = '0; load = 1'b0;
    oe = '0; oacc = '0; opos = '0; oslots = '0; ooset = '0; s128 = '0; s64 = '0;

    // Retire the oldest order in flight (the sequencer is then in SIdle, SLoad, SOWait, SO1 or
    // SDrain, none of which writes a channel): its reply, a reject or an ack and the forward.
    if (retire) begin
      if (rp_reason != perpgate_wire_pkg::ReasonNone) begin
        out_v_d[0] = 1'b1;
        out_m_d[0] = header(perpgate_wire_pkg::MsgReject, 16'(perpgate_wire_pkg::RejectSize));
        out_m_d[0][8*perpgate_wire_pkg::RejectAcctOff +: 32] = rp_ev[8*perpgate_wire_pkg::NewOrderAcctOff +: 32];
        out_m_d[0][8*perpgate_wire_pkg::RejectSymOff +: 16] = rp_ev[8*perpgate_wire_pkg::NewOrderSymOff +: 16];
        out_m_d[0][8*perpgate_wire_pkg::RejectReasonOff +: 8] = rp_reason;
        out_m_d[0][8*perpgate_wire_pkg::RejectIdOff +: 64] = rp_ev[8*perpgate_wire_pkg::NewOrderIdOff +: 64];
      end else begin
        out_v_d[1:0] = 2'b11;
        out_m_d[1] = 512'(rp_ev);
        out_m_d[1][7:0] = perpgate_wire_pkg::MsgForwardOrder;
        out_m_d[1][63:32] = '0;
        out_m_d[1][127:64] = '0;
        out_m_d[0] = header(perpgate_wire_pkg::MsgAck, 16'(perpgate_wire_pkg::AckSize));
        out_m_d[0][8*perpgate_wire_pkg::AckAcctOff +: 32] = rp_ev[8*perpgate_wire_pkg::NewOrderAcctOff +: 32];
        out_m_d[0][8*perpgate_wire_pkg::AckIdOff +: 64] = rp_ev[8*perpgate_wire_pkg::NewOrderIdOff +: 64];
      end
    end
    // Write back the order retired two cycles ago (its context is still in flight, so the sequencer is
    // in one of the same states, none of which writes a table): the rate-limit token, which stays
    // taken on a reject, and if accepted its reservation, IM, slot, holder bit and order entry.
    if (write_back_q) begin
      oacc = r_acc;
      if (r_tok) begin
        oacc.tokens = r_tokens;
        oacc.refill_ts = r_refill;
      end
      if (r_reason != perpgate_wire_pkg::ReasonNone) begin
        acct_we = r_aok; acct_wa = r_a; acct_wd = oacc;
      end else begin
        opos = r_pos;
        if (r_claim) begin                        // the (highest) free slot, found at issue
          oslots = r_slots;
          for (int unsigned i = 0; i < Slots; i++)
            if (r_slot == LW'(i)) oslots[i*SlotB +: SlotB] = {1'b1, 3'd0, 12'(r_s)};
          slots_we = 1'b1; slots_wd = oslots;
          hold_we = 1'b1; hold_wa = {r_s, r_hw}; hold_wd = r_hbits | (64'd1 << r_a[5:0]);
        end
        if (r_ev[8*perpgate_wire_pkg::NewOrderFlagsOff + 1]) begin          // reduce-only
          if (r_ev[8*perpgate_wire_pkg::NewOrderFlagsOff]) opos.rb = opos.rb + r_ev[8*perpgate_wire_pkg::NewOrderQtyOff +: 64];
          else                                             opos.rs = opos.rs + r_ev[8*perpgate_wire_pkg::NewOrderQtyOff +: 64];
        end else begin
          if (r_ev[8*perpgate_wire_pkg::NewOrderFlagsOff]) opos.ob = opos.ob + r_ev[8*perpgate_wire_pkg::NewOrderQtyOff +: 64];
          else                                             opos.os = opos.os + r_ev[8*perpgate_wire_pkg::NewOrderQtyOff +: 64];
          oacc.im = oacc.im + r_im - opos.im;
          opos.im = r_im;
        end
        pos_we = 1'b1; pos_wa = {r_a, r_slot}; pos_wd = opos;
        acct_we = 1'b1; acct_wa = r_a; acct_wd = oacc;
        oe = '0;
        oe.valid = 1'b1;
        oe.buy = r_ev[8*perpgate_wire_pkg::NewOrderFlagsOff];
        oe.ro = r_ev[8*perpgate_wire_pkg::NewOrderFlagsOff + 1];
        oe.id = r_ev[8*perpgate_wire_pkg::NewOrderIdOff +: 64];
        oe.acct = 20'(r_a);
        oe.slot = 4'(r_slot);
        oe.rem = r_ev[8*perpgate_wire_pkg::NewOrderQtyOff +: 64];
        ooset = r_oset;
        for (int unsigned i = 0; i < OrderWays; i++)
          if (r_way == WayW'(i)) ooset[i*OrdW +: OrdW] = oe;
        ord_we = 1'b1; ord_wa = r_set; ord_wd = ooset;
      end
    end

    // The lane's write-back and its triggers, in holder order, into the venue and desk channels.
    if (ln_mode) begin
      acct_we = ln_we; acct_wa = ln_wa; acct_wd = ln_acct_wd;
      pos_we = ln_we; pos_wa = ln_pos_wa; pos_wd = ln_pos_wd;
      if (ln_liq_valid && !out_v_q[1] && !out_v_q[2]) begin
        ln_liq_ready = 1'b1;
        out_v_d[2:1] = 2'b11;
        out_m_d[1] = header(perpgate_wire_pkg::MsgLiquidate, 16'(perpgate_wire_pkg::LiquidateSize));
        out_m_d[1][8*perpgate_wire_pkg::LiquidateAcctOff +: 32] = 32'(ln_liq_acct);
        out_m_d[1][8*perpgate_wire_pkg::LiquidateEquityOff +: 128] = ln_liq_eq;
        out_m_d[1][8*perpgate_wire_pkg::LiquidateMmOff +: 128] = ln_liq_mm;
        out_m_d[2] = out_m_d[1];
      end
    end

    unique case (state_q)
      // Tables start empty: one write per cycle into every table at once.
      SClear: begin
        acct_wa = clr_q[AW-1:0]; acct_wd = '0; slots_wd = '0;
        acct_we = clr_q < CW'(Accounts); slots_we = acct_we;
        sym_wa = clr_q[SW-1:0]; cfg_wd = '0; sst_wd = '0;
        cfg_we = clr_q < CW'(Symbols); sst_we = cfg_we;
        hold_wa = clr_q[SW+HW-1:0]; hold_wd = '0; hold_we = clr_q < CW'(Symbols * Words);
        ord_wa = clr_q[SetW-1:0]; ord_wd = '0; ord_we = clr_q < CW'(OrderSets);
        clr_d = clr_q + CW'(1);
        if (clr_q == CW'(ClearN - 1)) state_d = SIdle;
      end

      SIdle: begin
        if (ev_valid_i) begin
          op_d = ev_type_i;
          ev_d = ev_data_i;
          evf_d = ev_flags_i;
          err_d = perpgate_wire_pkg::ErrNone;
          res_d = '0;
          by_slot_d = 1'b0;
          keep_sym_d = 1'b0;
          wk_first_d = 1'b0;
          // Addresses of the tables this event reads first (pg_ev_decode, before the arbiter).
          xa = ev_acct_i; x_ok = ev_acct_ok_i;
          ys = ev_sym_i;  y_ok = ev_sym_ok_i;
          unique case (ev_type_i)
            perpgate_wire_pkg::MsgNewOrder, perpgate_wire_pkg::MsgCancelAck,
            perpgate_wire_pkg::MsgFill:         set_d = ev_set_i;
            perpgate_regs_pkg::CmdQuerySlot:    slot_d = ev_data_i[64 +: LW];
            default: ;
          endcase
          state_d = ev_type_i == perpgate_wire_pkg::MsgNewOrder || ctx_v_q == 2'b00 ? SLoad : SDrain;
          if (fast_issue) begin                 // read two deep: issued (above) as it is taken
            state_d = SIdle;
          end else if (fast_load) begin         // its words are read: SLoad's work (below) here
            load = 1'b1;
            state_d = SO1;
          end
          // An order of a holder the suspended walk has still to visit: its account first.
          if (wk_pending) begin
            wk_osym_d = ev_sym_i;
            state_d = SWkDrain;
          end
        end else begin                          // read ahead: the client port's next new order
          xa = peek_msg_i[8*perpgate_wire_pkg::NewOrderAcctOff +: AW];
          ys = peek_msg_i[8*perpgate_wire_pkg::NewOrderSymOff +: SW];
          x_ok = peek_acct_ok; y_ok = peek_sym_ok;
          // and its position, at the slot the slot map read for the same peek shows (pre2_q)
          sl = slot_of_rd;
          f0_d = !sl[LW];
          slot_d = sl[LW-1:0];
        end
        if (ev_valid_i || peek_valid_i) begin
          a_ok_d = x_ok;
          s_ok_d = y_ok;
          a_d = xa;
          s_d = ys;
          hw_d = xa[AW-1:6];
        end
        // Nothing from the client port and no order in flight: the suspended walk goes on, its
        // symbol's entries read for SWkResume.
        // (op_q: the last client event's, neither funding nor a command, as the walk needs)
        if (wk_resume) begin
          wk_open_d = 1'b0;
          rv_ret_d = SDone;
          by_slot_d = 1'b0;
          keep_sym_d = 1'b1;
          s_d = wk_s_q;
          hw_d = wk_hw_q;
          hbits_d = wk_hbits_q;
          state_d = SWkResume;
        end
      end

      // Table data for the event's first addresses is here. It is taken even when the order
      // conflicts with one in flight (it then waits and comes back here, which takes it again, as
      // after SO1): the conflict verdict, the slot map's search through the tags, then only
      // steers state_q, not the enables of the ~2,000 sequencer bits the words go into.
      SLoad: begin
        load = 1'b1;
        if (op_q == perpgate_wire_pkg::MsgNewOrder && load_conflict) begin
          state_d = SOWait;                   // read again once the conflicting order is retired
        end else begin
          state_d = op_q == perpgate_wire_pkg::MsgNewOrder ? SO1 : SDispatch;
        end
      end

      SDispatch: begin
        if (op_q == perpgate_regs_pkg::CmdQuerySlot) pos_d = pos_rd;
        else pos_d = f0_q ? pos_rd : '0;
        unique case (op_q)
          perpgate_wire_pkg::MsgNewOrder: state_d = SO1;
          perpgate_wire_pkg::MsgCancel: state_d = SOFwdCancel;
          perpgate_wire_pkg::MsgCancelAck, perpgate_wire_pkg::MsgFill: begin
            wy = way_of_ref;
            way_d = wy;
            if (wy[WayW]) begin
              err_d = op_q == perpgate_wire_pkg::MsgFill ? perpgate_wire_pkg::ErrFillUnknownOrder
                                                         : perpgate_wire_pkg::ErrCancelUnknownOrder;
              err_ref_d = ev_w2;
              err_ret_d = SDone;
              state_d = SEmitErr;
            end else begin
              state_d = SDispRef;
            end
          end
          perpgate_wire_pkg::MsgMark, perpgate_wire_pkg::MsgIndex, perpgate_wire_pkg::MsgBookTop,
          perpgate_wire_pkg::MsgTrade, perpgate_wire_pkg::MsgFunding: begin
            // A timestamp in the message advances the engine clock (0: none).
            unique case (op_q)
              perpgate_wire_pkg::MsgMark, perpgate_wire_pkg::MsgIndex, perpgate_wire_pkg::MsgTrade:
                s64 = ev_w4;
              perpgate_wire_pkg::MsgBookTop: s64 = ev_w5;
              default: s64 = '0;
            endcase
            if (s64 > now_q) now_d = s64;
            if (!s_ok_q) begin
              err_d = perpgate_wire_pkg::ErrUnknownSymbol;
              err_ref_d = 64'(s_q);
              err_ret_d = SDone;
              state_d = SEmitErr;
            end else if (op_q != perpgate_wire_pkg::MsgFunding &&
                         (evf_q.w3_px_out || (op_q == perpgate_wire_pkg::MsgBookTop && evf_q.w4_px_out))) begin
              err_d = perpgate_wire_pkg::ErrMarketPriceRange;   // (Engine::market_px_ok)
              err_ref_d = 64'(s_q);
              err_ret_d = SDone;
              state_d = SEmitErr;
            end else if (op_q == perpgate_wire_pkg::MsgFunding) begin
              state_d = SFund;
            end else if (op_q == perpgate_wire_pkg::MsgMark) begin
              state_d = SMark;
            end else begin
              state_d = SLocal;
            end
          end
          perpgate_regs_pkg::CmdCreateAccount: state_d = SCreate;
          perpgate_regs_pkg::CmdSetLeverage: begin
            if (!a_ok_q) begin
              err_d = perpgate_wire_pkg::ErrUnknownAccount; state_d = SDone;
            end else if (!s_ok_q) begin
              err_d = perpgate_wire_pkg::ErrUnknownSymbolInLev; state_d = SDone;
            end else if (evf_q.w2_lev_out) begin
              err_d = perpgate_wire_pkg::ErrLeverageRange; state_d = SDone;
            end else begin
              // imr = ceil(1e8 / lev)
              div_go = 1'b1;
              state_d = SLev1;
            end
          end
          perpgate_regs_pkg::CmdSetRateLimit: begin
            if (a_ok_q) begin
              acc_d.max_rate = ev_w1;
              acc_d.tokens = pg_risk_pkg::times1000(ev_w1);
              acc_d.refill_ts = now_q;
              state_d = SAcctWb;
            end else begin
              state_d = SDone;
            end
          end
          perpgate_regs_pkg::CmdDeposit: state_d = SDeposit;
          perpgate_regs_pkg::CmdWithdraw: state_d = SWithdraw;
          perpgate_regs_pkg::CmdKill: begin
            if (evf_q.w0_all) begin
              killed_all_d = ev_q[64*1 + 0];
              kill_all_hard_d = ev_q[64*1 + 0] && ev_q[64*1 + 1];
              state_d = SDone;
            end else if (a_ok_q) begin
              acc_d.killed = ev_q[64*1 + 0];
              acc_d.kill_hard = ev_q[64*1 + 0] && ev_q[64*1 + 1];
              state_d = SAcctWb;
            end else begin
              state_d = SDone;
            end
          end
          perpgate_regs_pkg::CmdClock: begin
            if ($signed(ev_w0) > now_q) now_d = ev_w0;
            state_d = SDone;
          end
          perpgate_regs_pkg::CmdSymbolA: begin
            stage_d.tick = ev_w0;
            stage_d.lot = ev_w1;
            stage_lev_d = ev_w2;
            stage_d.tier_count = ev_w3 > 64'd16 ? 5'd16 : (ev_w3 == 64'd0 ? 5'd1 : ev_q[64*3 + 0 +: 5]);
            stage_d.band = ev_w4;
            stage_d.max_qty = ev_w5;
            stage_d.max_notional = ev_w6;
            stage_d.max_pos = ev_w7;
            state_d = SDone;
          end
          perpgate_regs_pkg::CmdSymbolB: begin
            stage_d.local_mark = ev_q[64*0 + 0];
            stage_d.ema_ms = ev_w1;
            stage_d.stale_ms = ev_w2;
            state_d = SDone;
          end
          perpgate_regs_pkg::CmdSymbolTier: begin
            mul_go = 1'b1;   // the floor, raw
            state_d = STierMul;
          end
          perpgate_regs_pkg::CmdSymbolCommit: begin
            if (evf_q.w0_sym_out) begin
              err_d = perpgate_wire_pkg::ErrSymbolTableFull;
              state_d = SDone;
            end else begin
              f0_d = cfg_q.defined;                  // an update: revalue the holders (SCommitWrite)
              cfg_d = stage_q;
              cfg_d.defined = 1'b1;
              // imr of the symbol's max_lev, then of each tier's cap, then tick and lot tests.
              div_go = 1'b1;
              k_d = '0;
              state_d = SCommit1;
            end
          end
          perpgate_regs_pkg::CmdQueryAccount: begin
            if (!a_ok_q) begin
              err_d = perpgate_wire_pkg::ErrUnknownAccount;
            end else begin
              res_d[0 +: 64] = acc_q.coll;
              res_d[64 +: 128] = acc_q.upnl;
              res_d[192 +: 128] = acc_q.mm;
              res_d[320 +: 128] = acc_q.im;
              res_d[448 +: 64] = {61'd0, acc_q.kill_hard, acc_q.liq_armed, acc_q.killed};
            end
            state_d = SDone;
          end
          perpgate_regs_pkg::CmdQuerySlot: state_d = SQuerySlot;
          default: state_d = SDone;   // pg_msg_rx passes only known types; commands: ignored
        endcase
      end

      // ---- new order: the structural checks here, the rest in pg_order_check -------------------
      // SIdle -> SLoad -> SO1 (or SIdle -> SO1, read ahead one deep; or SIdle alone, two deep)
      // hands the order and what was read for it to the check pipeline and takes the next event;
      // the decision comes back and is retired (reply, then write-back) beside the sequencer,
      // above. An order meets a conflicting one still in flight (same account, order set or
      // holder word) in SLoad or SO1 and waits in SOWait. In SO1 the position read in SLoad (or
      // SIdle) is here.
      SO1: state_d = order_conflict ? SOWait : SIdle;

      SOWait: if (!ctx_conflict && !ctx_v_q[iptr_q]) state_d = SLoad;

      // A non-order event waits until every order in flight is retired.
      SDrain: if (ctx_v_q == 2'b00) state_d = SLoad;

      // A client's cancel request goes on to the venue; reservations are released when the
      // venue confirms it (cancel_ack on the drop copy).
      // A fill or cancel_ack: the order's entry at the way found (way_q) names its account and slot.
      // One of an account the suspended walk has still to visit: that account first (SWkDrain, as
      // for an order), then the event read again and back here (wk_first_q) to go on.
      SDispRef: begin
        a_d = way_e.acct[AW-1:0];
        slot_d = way_e.slot[LW-1:0];
        hw_d = way_e.acct[AW-1:6];
        by_slot_d = 1'b1;
        ret_d = op_q == perpgate_wire_pkg::MsgFill ? SF1 : SC1;
        state_d = SCtx0;
        if (wk_open_q && !wk_first_q && ref_ahead) begin
          wk_first_d = 1'b1;
          wk_osym_d = s_q;
          state_d = SWkDrain;
        end
      end

      SOFwdCancel: begin
        if (!out_v_q[1]) begin
          out_v_d[1] = 1'b1;
          out_m_d[1] = ev_q;
          out_m_d[1][63:32] = '0;
          out_m_d[1][127:64] = '0;
          state_d = SDone;
        end
      end

      // ---- cancel (venue confirmed) --------------------------------------------------------------
      SC1: begin                                   // release what the order still reserves
        if (way_e.ro) begin
          if (way_e.buy) pos_d.rb = pos_q.rb - way_e.rem; else pos_d.rs = pos_q.rs - way_e.rem;
        end else begin
          if (way_e.buy) pos_d.ob = pos_q.ob - way_e.rem; else pos_d.os = pos_q.os - way_e.rem;
        end
        oe = way_e; oe.valid = 1'b0; oe.rem = '0;
        for (int unsigned i = 0; i < OrderWays; i++)
          if (way_q[WayW-1:0] == WayW'(i)) oset_d[i*OrdW +: OrdW] = oe;
        ord_we = 1'b1; ord_wd = oset_d;
        state_d = SC2;
      end
      SC2: begin
        if (!out_v_q[0]) begin
          out_v_d[0] = 1'b1;
          out_m_d[0] = header(perpgate_wire_pkg::MsgCanceled, 16'(perpgate_wire_pkg::CanceledSize));
          out_m_d[0][8*perpgate_wire_pkg::CanceledAcctOff +: 32] = 32'(a_q);
          out_m_d[0][8*perpgate_wire_pkg::CanceledIdOff +: 64] = way_e.id;
          ret_d = SSettle1;
          state_d = SR0;
        end
      end
      // settle_slot after the refresh: free the slot once nothing is left in it.
      SSettle1: begin
        if (pos_q.qty == 0 && pos_q.ob == 0 && pos_q.os == 0 && pos_q.rb == 0 && pos_q.rs == 0) begin
          for (int unsigned i = 0; i < Slots; i++)
            if (slot_q == LW'(i)) slots_d[i*SlotB +: SlotB] = '0;
          hbits_d = hbits_q & ~(64'd1 << a_q[5:0]);
          pos_d = '0;
          hold_we = 1'b1; hold_wd = hbits_d;
          slots_we = 1'b1; slots_wd = slots_d;
        end
        state_d = SSettleWb;
      end
      SSettleWb: begin
        pos_we = 1'b1;
        acct_we = 1'b1;
        if (op_q == perpgate_wire_pkg::MsgFill) begin
          ret_d = SAcctWb;                        // the check may disarm or re-arm the trigger
          state_d = SL0;
        end else begin
          state_d = SDone;
        end
      end

      // ---- fill ------------------------------------------------------------------------------------
      SF1: begin
        s64 = way_e.buy ? $signed(ev_w3) : -$signed(ev_w3);       // signed fill qty
        u2_d = s64;
        fq_d = 65'(pos_q.qty) + 65'(s64);                         // the position it makes
        state_d = SF1Test;
      end
      SF1Test: begin
        if (fq_q > 65'(QtyMax) || fq_q < -65'(QtyMax)) begin
          err_d = perpgate_wire_pkg::ErrFillPastQtyBound;
          err_ref_d = ev_w2;
          err_ret_d = SDone;
          state_d = SEmitErr;
        end else if ($signed(ev_w3) > way_e.rem) begin
          err_d = perpgate_wire_pkg::ErrFillExceedsOpen;
          err_ref_d = ev_w2;
          err_ret_d = SF2;
          state_d = SEmitErr;
        end else begin
          state_d = SF2;
        end
      end
      SF2: begin                                   // release min(qty, remaining)
        if (way_e.ro) begin
          if (way_e.buy) pos_d.rb = pos_q.rb - fill_take_q; else pos_d.rs = pos_q.rs - fill_take_q;
        end else begin
          if (way_e.buy) pos_d.ob = pos_q.ob - fill_take_q; else pos_d.os = pos_q.os - fill_take_q;
        end
        oe = way_e; oe.rem = way_e.rem - fill_take_q;
        if (fill_closes_q) oe.valid = 1'b0;
        for (int unsigned i = 0; i < OrderWays; i++)
          if (way_q[WayW-1:0] == WayW'(i)) oset_d[i*OrdW +: OrdW] = oe;
        fu_go = 1'b1;                              // apply_fill_to_position (pg_fill_unit)
        state_d = SFApply;
      end
      SFApply: begin
        if (fu_done) begin
          pos_d.qty = fu_qty;
          pos_d.cost = fu_cost;
          t3_d = fu_realised;                      // realised, raw
          state_d = SFCredit;
        end
      end
      SFCredit: begin                              // credit = floor(realised / 1e10) - fee
        if (!fl_pre_q) begin
          fl_go = 1'b1;
          fl_pre_d = 1'b1;
        end else if (fl_ready) begin
          t0_d = fl_money - $signed(128'($signed(ev_w5)));
          state_d = SFMoney;
        end else begin
          fl_pre_d = 1'b1;
        end
      end
      // The new collateral, unbounded, then bounded a cycle later: the 128-bit sum and the two
      // compares on it in one cycle were the sequencer's deepest path (into state_q, acc_q, err_q).
      SFMoney: begin
        t0_d = $signed(128'(acc_q.coll)) + t0_q;
        ord_we = 1'b1; ord_wd = oset_q;
        state_d = SFClamp;
      end
      SFClamp: begin
        f0_d = 1'b0;
        if (t0_q > $signed(128'(MoneyMax))) begin acc_d.coll = MoneyMax; f0_d = 1'b1; end
        else if (t0_q < -$signed(128'(MoneyMax))) begin acc_d.coll = -MoneyMax; f0_d = 1'b1; end
        else acc_d.coll = t0_q[63:0];
        if (f0_d) begin
          err_d = perpgate_wire_pkg::ErrFillSaturated;
          err_ref_d = ev_w2;
          err_ret_d = SFSettle;
          state_d = SEmitErr;
        end else begin
          state_d = SFSettle;
        end
      end
      SFSettle: begin
        ret_d = SSettle1;
        state_d = SR0;
      end

      // ---- market data -----------------------------------------------------------------------------
      SMark: begin
        if (cfg_q.local_mark) begin
          sst_d.ext = ev_w3;
          state_d = SLm1;
        end else begin
          sst_d.mark = ev_w3;
          sst_d.mark_ts = now_q;
          sst_we = 1'b1; sst_wd = sst_d;
          rv_ret_d = SDone;
          state_d = SRv0;
        end
      end

      SLocal: begin                                // index, book top, trade: local-mark inputs
        unique case (op_q)
          perpgate_wire_pkg::MsgIndex: sst_d.index = ev_w3;
          perpgate_wire_pkg::MsgBookTop: begin sst_d.bid = ev_w3; sst_d.ask = ev_w4; end
          default: sst_d.last = ev_w3;
        endcase
        if (!cfg_q.local_mark) begin
          sst_we = 1'b1; sst_wd = sst_d;
          state_d = SDone;
        end else begin
          state_d = SEma1;
        end
      end
      // sample_basis: EMA of (median(bid, ask, last) - index) with weights in microseconds.
      SEma1: begin
        s64 = med_out;                                             // the inner median
        if (!med_pre_q) begin
          med_go = 1'b1;
          med_pre_d = 1'b1;
        end else if (!med_ready) begin
          med_pre_d = 1'b1;
        end else if (sst_q.index <= 0 || !med_pos) begin
          state_d = SLm1;
        end else begin
          u1_d = s64 - sst_q.index;                                // sample
          u2_d = (sst_q.ema_den == 0) ? cfg_q.ema_ms : now_q - sst_q.ema_ts;
          state_d = SEma1Clamp;
        end
      end
      SEma1Clamp: begin                            // d: at least 1, then at most ema_ms
        if ($signed(u2_q) < 1) u2_d = $signed(cfg_q.ema_ms) < 1 ? cfg_q.ema_ms : 64'd1;
        else if ($signed(u2_q) > $signed(cfg_q.ema_ms)) u2_d = cfg_q.ema_ms;
        state_d = SEma1Mul;
      end
      SEma1Mul: begin                              // ema_num x (ema_ms - d)
        mul_go = 1'b1;
        state_d = SEma1Div;
      end
      SEma1Div: begin
        if (mul_valid) begin
          f0_d = mul_p128 < 0;
          div_go = 1'b1;
          state_d = SEma2;
        end
      end
      SEma2: begin
        if (div_done) begin
          t0_d = signed_div(f0_q, 1'b0, div_q, div_r);
          u0_d = pg_risk_pkg::times1000(u2_q);                                   // for ema_den (SEma3)
          mul_go = 1'b1;          // sample x d
          state_d = SEma2Mul;
        end
      end
      SEma2Mul: begin
        if (mul_valid) begin
          mul_go = 1'b1;      // ... x 1000
          state_d = SEma2Num;
        end
      end
      SEma2Num: begin
        if (mul_valid) begin
          sst_d.ema_num = t0_q + mul_p128;
          mul_go = 1'b1;
          state_d = SEma2Den;
        end
      end
      SEma2Den: begin
        if (mul_valid) begin
          div_go = 1'b1;
          state_d = SEma3;
        end
      end
      SEma3: begin
        if (div_done) begin
          sst_d.ema_den = div_q[63:0] + u0_q;
          sst_d.ema_ts = now_q;
          state_d = SLm1;
        end
      end
      // compute_local_mark: median(index + EMA, median(bid, ask, last), external).
      SLm1: begin                                  // the inner median, and the division if any
        med_go = 1'b1;
        t0_d = '0;
        if (sst_q.index > 0 && sst_q.ema_den > 0) begin
          f0_d = sst_q.ema_num < 0;
          div_go = 1'b1;
        end else begin
          f1_d = 1'b1;                             // no division to wait for
        end
        state_d = SLm2;
      end
      SLm2: begin                                  // basis = ema_num / ema_den, truncated
        if (div_done || (!div_busy && !(sst_q.index > 0 && sst_q.ema_den > 0))) begin
          t0_d = (sst_q.index > 0 && sst_q.ema_den > 0) ? signed_div(f0_q, 1'b0, div_q, div_r) : 128'sd0;
          state_d = SLm3;
        end
      end
      SLm3: begin                                  // index + basis
        t0_d = $signed(128'(sst_q.index)) + t0_q;
        state_d = SLm4;
      end
      SLm4: begin                                  // clamped to [1, PxMax]; none without an index
        s64 = '0;
        if (sst_q.index > 0) begin
          if (t0_q < 1) s64 = 64'sd1;
          else if (t0_q > $signed(128'(PxMax))) s64 = PxMax;
          else s64 = t0_q[63:0];
        end
        u0_d = s64;
        state_d = SLm5;
      end
      SLm5: begin                                  // the outer median, once the inner is there
        if (med_ready) begin
          med_go = 1'b1;
          state_d = SLm6;
        end
      end
      SLm6: begin
        s64 = med_out;
        if (!med_ready) begin
          state_d = SLm6;
        end else if (!med_pos) begin
          sst_we = 1'b1; sst_wd = sst_q;
          state_d = SDone;
        end else begin
          sst_d.mark_ts = now_q;
          if (s64 == sst_q.mark) begin
            sst_we = 1'b1; sst_wd = sst_d;
            state_d = SDone;
          end else begin
            sst_d.mark = s64;
            state_d = SLmEmit;
          end
        end
      end
      SLmEmit: begin
        if (!out_v_q[2]) begin
          out_v_d[2] = 1'b1;
          out_m_d[2] = header(perpgate_wire_pkg::MsgMarkOut, 16'(perpgate_wire_pkg::MarkOutSize));
          out_m_d[2][8*perpgate_wire_pkg::MarkOutSymOff +: 16] = 16'(s_q);
          out_m_d[2][8*perpgate_wire_pkg::MarkOutPxOff +: 64] = sst_q.mark;
          sst_we = 1'b1; sst_wd = sst_q;
          rv_ret_d = SDone;
          state_d = SRv0;
        end
      end

      // Funding: collateral -= qty x mark x rate for every holder (a payment rounds up).
      SFund: begin
        if (evf_q.w3_rate_out) begin
          err_d = perpgate_wire_pkg::ErrFundingRateRange;        // outside the rate unit's bound
          err_ref_d = 64'(s_q);
          err_ret_d = SDone;
          state_d = SEmitErr;
        end else if (sst_q.mark <= 0) begin
          err_d = perpgate_wire_pkg::ErrFundingBeforeMark;
          err_ref_d = 64'(s_q);
          err_ret_d = SDone;
          state_d = SEmitErr;
        end else begin
          rv_ret_d = SDone;
          state_d = SRv0;
        end
      end
      SFund1: begin
        if (pos_q.qty == 0) begin
          state_d = SRvBits;
        end else begin
          f0_d = (pos_q.qty > 0) == ($signed(ev_w3) > 0);          // pays
          mul_go = 1'b1;
          state_d = SFundMul;
        end
      end
      SFundMul: begin
        if (mul_valid) begin
          t0_d = mul_p128;                                         // raw = |qty| x mark
          state_d = SFund2;
        end
      end
      SFund2: begin                                                // a payment rounds up
        ron_go = 1'b1;
        state_d = SFund3;
      end
      SFund3: begin                              // the new collateral, unbounded (t3: free here)
        if (ron_valid) begin
          t3_d = $signed(128'(acc_q.coll)) + (f0_q ? -$signed(ron_money) : $signed(ron_money));
          state_d = SFund4;
        end
      end
      SFund4: begin                              // ... saturated at +-MoneyMax, a cycle later
        f1_d = 1'b0;
        if (t3_q > $signed(128'(MoneyMax))) begin acc_d.coll = MoneyMax; f1_d = 1'b1; end
        else if (t3_q < -$signed(128'(MoneyMax))) begin acc_d.coll = -MoneyMax; f1_d = 1'b1; end
        else acc_d.coll = t3_q[63:0];
        ret_d = SRvChecked;
        if (t3_q > $signed(128'(MoneyMax)) || t3_q < -$signed(128'(MoneyMax))) begin
          err_d = perpgate_wire_pkg::ErrFundingSaturated;
          err_ref_d = 64'(a_q);
          err_ret_d = SL0;
          state_d = SEmitErr;
        end else begin
          state_d = SL0;
        end
      end

      // ---- control plane -------------------------------------------------------------------------
      SCreate: begin
        if (!evf_q.w0_acct) begin
          err_d = perpgate_wire_pkg::ErrAccountTableFull;
          state_d = SDone;
        end else if (acc_q.exists) begin
          err_d = perpgate_wire_pkg::ErrAccountExists;
          state_d = SDone;
        end else begin
          acc_d = '0;
          acc_d.exists = 1'b1;
          acc_d.liq_armed = 1'b1;
          acc_d.coll = ev_w1;
          acct_we = 1'b1; acct_wd = acc_d;
          slots_we = 1'b1; slots_wd = '0;
          s_d = '0;
          state_d = SCreateImr;                     // leverages back to the symbols' defaults
        end
      end
      SCreateImr: begin
        imr_we = 1'b1; imr_wd = '0;
        s_d = s_q + SW'(1);
        if (s_q == SW'(Symbols - 1)) state_d = SDone;
      end

      SLev1: begin
        if (div_done) begin
          imr_d = div_q[26:0];
          imr_we = 1'b1; imr_wd = div_q[26:0];
          if (f0_q) begin
            ret_d = SLevWb;
            state_d = SR0;
          end else begin
            state_d = SDone;
          end
        end
      end
      SLevWb: begin
        pos_we = 1'b1;
        acct_we = 1'b1;
        state_d = SDone;
      end

      SDeposit: begin
        if (!a_ok_q) begin
          err_d = perpgate_wire_pkg::ErrUnknownAccount;
          state_d = SDone;
        end else begin
          eq_d = $signed(128'(acc_q.coll)) + $signed(128'($signed(ev_w1)));
          state_d = SDepositTest;                // the sum and its test in cycles of their own
        end
      end
      SDepositTest: begin
        if (eq_q > $signed(128'(MoneyMax))) begin
          err_d = perpgate_wire_pkg::ErrDepositOverflow;
          state_d = SDone;
        end else begin
          acc_d.coll = eq_q[63:0];
          ret_d = SAcctWb;
          state_d = SL0;
        end
      end

      SWithdraw: begin
        if (!a_ok_q) begin
          err_d = perpgate_wire_pkg::ErrUnknownAccount;
          state_d = SDone;
        end else begin
          // ok = amount <= collateral && equity - amount >= IM. The model's upnl >= (IM + amount -
          // collateral) x 1e10 is floor(upnl / 1e10) >= IM + amount - collateral (an integer): no
          // product needed.
          eq_d = $signed(128'(acc_q.coll)) + $signed(128'(acc_q.upf)) - $signed(128'($signed(ev_w1)));
          state_d = SWithdrawTest;
        end
      end
      SWithdrawTest: begin
        if (coll_covers_q && eq_q >= acc_q.im) begin
          res_d[0] = 1'b1;
          acc_d.coll = acc_q.coll - ev_w1;
          ret_d = SAcctWb;
          state_d = SL0;
        end else begin
          state_d = SDone;
        end
      end

      STierMul: begin
        if (mul_valid) begin
          stage_tiers_d = stage_tiers_next;
          stage_tlev_d = stage_tlev_next;
          state_d = SDone;
        end
      end

      SAcctWb: begin
        acct_we = 1'b1;
        state_d = SDone;
      end

      SQuerySlot: begin
        if (!a_ok_q) begin
          err_d = perpgate_wire_pkg::ErrUnknownAccount;
        end else begin
          res_d[0 +: 64] = {47'd0, slot_q_e[15], 4'd0, slot_q_e[11:0]};
          res_d[64 +: 64] = pos_q.qty;
          res_d[128 +: 128] = pos_q.cost;
          res_d[256 +: 64] = pos_q.ob;
          res_d[320 +: 64] = pos_q.os;
          res_d[384 +: 64] = pos_q.rb;
          res_d[448 +: 64] = pos_q.rs;
        end
        state_d = SDone;
      end

      // symbol_commit: derive the rates and divisibility tests, then write.
      SCommit1: begin
        if (div_done) begin
          cfg_d.imr = div_q[26:0];
          k_d = '0;
          tlev_sh_d = stage_tlev_q;
          state_d = SCommitTier;
        end
      end
      SCommitTier: begin                          // imr of each tier's leverage cap
        if (!div_busy && !div_done) begin
          if (k_q == 5'd16) begin
            // tick: inverse of its odd part (Newton, 6 steps), shift, limit
            k_d = '0;
            u0_d = 64'(tz_tick_q);
            u1_d = tick_odd_q;                   // odd part
            u2_d = tick_odd_q;                   // inverse, 3 bits right to start
            f1_d = 1'b0;                          // tick first, then lot
            state_d = SCommitInv;
          end else if (stage_tlev_k == 16'd0) begin
            stage_tiers_d = stage_tiers_k_imr_next;   // no cap: imr 0
            k_d = k_q + 5'd1;
            tlev_sh_d = tlev_sh_q >> 16;
          end else begin
            div_go = 1'b1;
          end
        end else if (div_done) begin
          stage_tiers_d = stage_tiers_k_imr_next;   // imr = the quotient
          k_d = k_q + 5'd1;
          tlev_sh_d = tlev_sh_q >> 16;
        end
      end
      SCommitInv: begin                           // x <- x (2 - d x), mod 2^64
        mul_go = 1'b1;
        state_d = SCommitInv1;
      end
      SCommitInv1: begin
        if (mul_valid) begin
          mul_go = 1'b1;
          state_d = SCommitInv2;
        end
      end
      SCommitInv2: begin
        if (mul_valid) begin
          u2_d = mul_p128[63:0];
          k_d = k_q + 5'd1;
          state_d = SCommitInv;
          if (k_q == 5'd5) begin
            div_go = 1'b1;
            state_d = SCommitLim;
          end
        end
      end
      SCommitLim: begin
        if (div_done) begin
          if (!f1_q) begin
            cfg_d.tick_inv = u2_q; cfg_d.tick_shift = u0_q[5:0]; cfg_d.tick_lim = div_q[63:0];
            k_d = '0;
            u0_d = 64'(tz_lot_q);
            u1_d = lot_odd_q;
            u2_d = lot_odd_q;
            f1_d = 1'b1;
            state_d = SCommitInv;
          end else begin
            cfg_d.lot_inv = u2_q; cfg_d.lot_shift = u0_q[5:0]; cfg_d.lot_lim = div_q[63:0];
            state_d = SCommitWrite;
          end
        end
      end
      SCommitWrite: begin
        cfg_we = 1'b1; tier_we = 1'b1;              // the staged tiers with their imr fields
        // f0: the symbol was defined before: revalue its holders with the new tiers, read back
        state_d = f0_q ? SCommitRead : SDone;
      end
      SCommitRead: state_d = SCommitLoad;         // the table's read of s_q after the write
      SCommitLoad: begin
        tiers_d = tier_rd;
        rv_ret_d = SDone;
        state_d = SRv0;
      end

      // ---- subroutine: load account, slot map and position (by slot, or by symbol) --------------
      SCtx0: begin
        acc_d = acct_rd; slots_d = slots_rd;
        if (by_slot_q) begin
          if (!keep_sym_q) s_d = slot_rd_e[SW-1:0];
        end else begin
          sl = slot_of_rd;
          slot_d = sl[LW-1:0];
        end
        state_d = SCtx1;
      end
      SCtx1: begin
        pos_d = pos_rd; imr_d = imr_rd;
        // In the revaluation loop (keep_sym) the symbol's entries and the holder bits still to
        // visit stay as they are.
        if (!keep_sym_q) begin hbits_d = hold_rd; cfg_d = cfg_rd; tiers_d = tier_rd; sst_d = sst_rd; end
        state_d = ret_q;
      end

      // ---- subroutine: refresh_slot ------------------------------------------------------------
      // Two products back to back: |qty| x mark (the MM raw; +-, less the cost, the uPnL) and the
      // worst-case qty x mark (the IM raw).
      SR0: begin
        if (sst_q.mark > 0) begin
          mul_go = 1'b1;
          u0_d = worst_qty(pos_q.qty, pos_q.ob, pos_q.os);
          state_d = SR0Worst;
        end else begin
          t0_d = '0; t1_d = '0; t2_d = '0;
          state_d = SR1Tier;
        end
      end
      SR0Worst: begin
        mul_go = 1'b1;
        state_d = SR0Mm;
      end
      SR0Mm: begin
        if (mul_valid) begin
          t0_d = mul_p128;                                                   // MM raw
          t2_d = (pos_q.qty < 0 ? -mul_p128 : mul_p128) - pos_q.cost;        // uPnL
          state_d = SR0Im;
        end
      end
      SR0Im: begin
        if (mul_valid) begin
          t1_d = mul_p128;                                                   // IM raw
          state_d = SR1Tier;
        end
      end
      SR1Tier: state_d = SR1;                      // the tiers of t0 and t1 (tier_t0/tier_t1)
      SR1: begin                                   // the rates of the tiers of t0 and t1
        rate0_d = tier_e0.mmr;
        rate1_d = tier_e1_imr > imr_acct_sym_q ? tier_e1_imr : imr_acct_sym_q;   // the tier's imr field
        t3_d = $signed(128'(tier_e0.maint));
        fl_go = 1'b1;                              // floor of the uPnL SR3Im writes, for SL0
        fl_pre_d = 1'b1;
        state_d = SR2;
      end
      SR2: begin                                   // the MM from registers, the IM a cycle later
        fl_pre_d = fl_pre_q;
        ron_go = 1'b1;
        state_d = SR2Im;
      end
      SR2Im: begin
        fl_pre_d = fl_pre_q;
        ron_go = 1'b1;
        state_d = SR3;
      end
      SR3: begin                                   // the MM, less the tier's maintenance amount
        fl_pre_d = fl_pre_q;
        if (ron_valid) begin
          s128 = $signed(ron_money) - t3_q;
          t3_d = (s128 < 0 || sst_q.mark <= 0) ? '0 : s128;
          state_d = SR3Im;
        end
      end
      SR3Im: begin                                 // the IM: right behind the MM (a result a cycle)
        y128 = sst_q.mark > 0 ? ron_money : '0;
        acc_d.upnl = acc_q.upnl + t2_q - pos_q.upnl;
        acc_d.upf = fl_money[95:0];                // its floor, started in SR1: ready here
        acc_d.mm = acc_q.mm + t3_q - pos_q.mm;
        acc_d.im = acc_q.im + $signed(y128) - pos_q.im;
        pos_d.upnl = t2_q;
        pos_d.mm = t3_q;
        pos_d.im = y128;
        state_d = ret_q;
        if (keep_sym_q) begin                     // the revaluation loop: then the check, with
          ret_d = SRvChecked;                     // the equity summed here (SL0's sum, a cycle early)
          eq_d = $signed(128'(acc_q.coll)) + $signed(128'(acc_d.upf));
          state_d = SL0Test;
        end
      end

      // ---- subroutine: check_liquidation (edge-triggered) ---------------------------------------
      // The model's upnl < (mm - coll) x 1e10 is floor(upnl / 1e10) < mm - coll (an integer):
      // equity < mm, no product needed.
      SL0: begin
        eq_d = $signed(128'(acc_q.coll)) + $signed(128'(acc_q.upf));     // equity
        state_d = SL0Test;
      end
      SL0Test: begin
        if (eq_q < acc_q.mm) begin
          if (acc_q.liq_armed) begin
            acc_d.liq_armed = 1'b0;
            state_d = SL1;
          end else begin
            state_d = ret_q;
          end
        end else begin
          acc_d.liq_armed = 1'b1;
          state_d = ret_q;
        end
      end
      SL1: begin
        if (!out_v_q[1] && !out_v_q[2]) begin
          out_v_d[2:1] = 2'b11;
          out_m_d[1] = header(perpgate_wire_pkg::MsgLiquidate, 16'(perpgate_wire_pkg::LiquidateSize));
          out_m_d[1][8*perpgate_wire_pkg::LiquidateAcctOff +: 32] = 32'(a_q);
          out_m_d[1][8*perpgate_wire_pkg::LiquidateEquityOff +: 128] = eq_q;
          out_m_d[1][8*perpgate_wire_pkg::LiquidateMmOff +: 128] = acc_q.mm;
          out_m_d[2] = out_m_d[1];
          state_d = SL2;
        end
      end
      SL2: state_d = ret_q;

      // ---- subroutine: for each holder of s_q, ascending (revaluation and funding) -------------
      SRv0: begin
        hw_d = '0;
        ln_cnt_d = '0;
        state_d = SRvWord;
      end
      SRvWord: begin
        hbits_d = hold_rd;
        state_d = wk_market ? SLnBits : SRvBits;   // a mark's walk: the lane
      end

      // ---- a mark's walk through the revaluation lane -------------------------------------------
      // A holder a cycle into the lane (its slot map and leverage read here, at a_d), as long as it
      // has room for their triggers; a word's holders done, the next word read (SLnWord). With a
      // holder left in the word the walk may yield to the client port (ln_yield, SLnYield): the
      // lane is emptied first, so that every trigger of a holder revalued leaves before any
      // reply of an order taken after.
      SLnBits: begin
        if (tz_hbits[6]) begin                  // no holder left in the word
          if (hw_q == HW'(Words - 1)) begin
            state_d = SLnDrain;
          end else begin
            hw_d = hw_q + HW'(1);
            state_d = SLnWord;
          end
        end else if (ln_yield) begin
          state_d = SLnYield;
        end else if (ln_ready) begin
          ln_issue = 1'b1;
          if (32'(ln_cnt_q) < LnBatch) ln_cnt_d = ln_cnt_q + 5'd1;
          a_d = {hw_q, tz_hbits[5:0]};
          hbits_d = hbits_q & (hbits_q - 64'd1);
        end
      end
      SLnWord: begin
        hbits_d = hold_rd;
        state_d = SLnBits;
      end
      SLnYield: begin
        if (!ln_busy) begin
          wk_open_d = 1'b1;
          wk_s_d = s_q;
          wk_hw_d = hw_q;
          wk_hbits_d = hbits_q;
          state_d = SIdle;
        end
      end
      SLnDrain: if (!ln_busy) state_d = rv_ret_q;
      // SRvChecked writes the holder just revalued back and, in the same cycle, picks the next one
      // as SRvBits does (the write is at a_q, the next holder's reads at a_d: another account).
      SRvBits, SRvChecked: begin
        if (state_q == SRvChecked) begin
          acct_we = 1'b1;
          pos_we = op_q != perpgate_wire_pkg::MsgFunding;
        end
        if (tz_hbits[6]) begin                    // no holder left in the word (hbits_q == 0)
          if (hw_q == HW'(Words - 1)) begin
            state_d = rv_ret_q;
          end else begin
            hw_d = hw_q + HW'(1);
            state_d = SRvWord;
          end
        end else begin
          a_d = {hw_q, tz_hbits[5:0]};
          hbits_d = hbits_q & (hbits_q - 64'd1);
          by_slot_d = 1'b0;
          keep_sym_d = 1'b1;
          ret_d = op_q == perpgate_wire_pkg::MsgFunding ? SFund1 : SR0;   // after the load
          state_d = SCtx0;
        end
      end

      // ---- an order taken while a mark's walk is suspended, of a holder still ahead ---------------
      // Once no order is in flight (their write-backs are in the tables), the account's position
      // in the walk's symbol is revalued and checked as the walk would (SCtx0 .. SL0Test), written
      // back, and the order read again (SWkReload) and checked as any (SLoad). The walk revalues
      // it once more when it gets there: at an unchanged mark that changes and emits nothing.
      SWkDrain: begin
        s_d = wk_s_q;
        hw_d = a_q[AW-1:6];
        if (ctx_v_q == 2'b00) begin
          by_slot_d = 1'b0;
          keep_sym_d = 1'b0;
          ret_d = SWkRv;
          state_d = SCtx0;
        end
      end
      SWkRv: begin
        if (hbits_q[a_q[5:0]]) begin             // a holder of the walk's symbol
          ret_d = SWkL0;
          state_d = SR0;
        end else begin
          s_d = wk_osym_q;
          state_d = SWkReload;
        end
      end
      SWkL0: begin
        ret_d = SWkWb;
        state_d = SL0;
      end
      SWkWb: begin
        acct_we = 1'b1;
        pos_we = 1'b1;
        s_d = wk_osym_q;
        state_d = SWkReload;
      end
      SWkReload: state_d = SLoad;                // the order's entries, read after the write
      SWkResume: begin                           // the walk's symbol again (orders loaded theirs)
        cfg_d = cfg_rd; tiers_d = tier_rd; sst_d = sst_rd;
        ln_cnt_d = '0;
        state_d = SLnBits;
      end

      SEmitErr: begin
        if (!out_v_q[2]) begin
          out_v_d[2] = 1'b1;
          out_m_d[2] = msg_event_error(err_q, err_ref_q);
          err_d = perpgate_wire_pkg::ErrNone;
          state_d = err_ret_q;
        end
      end

      SDone: begin
        done_d = is_cmd;
        state_d = SIdle;
      end

      default: state_d = SIdle;
    endcase

    // SLoad's work, or SIdle's for an order read ahead (fast_load): take the words read, and find
    // the position slot of (account, symbol) for the reads of the next cycle.
    if (load) begin
      acc_d = acct_rd; slots_d = slots_rd; cfg_d = cfg_rd; tiers_d = tier_rd; sst_d = sst_rd;
      imr_d = imr_rd; hbits_d = hold_rd; oset_d = ord_rd;
      a_ok_d = a_ok_q && acct_rd.exists;
      s_ok_d = s_ok_q && cfg_rd.defined;
      sl = slot_of_rd;
      f0_d = !sl[LW];                          // slot found
      if (fast_load || op_q != perpgate_regs_pkg::CmdQuerySlot) slot_d = sl[LW-1:0];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SClear;
      clr_q <= '0;
      out_v_q <= '0;
      done_q <= 1'b0;
      killed_all_q <= 1'b0;
      kill_all_hard_q <= 1'b0;
      now_q <= '0;
      err_q <= '0;
      res_q <= '0;
      stage_q <= '0;
      stage_lev_q <= '0;
      stage_tiers_q <= '0;
      stage_tlev_q <= '0;
      fl_pre_q <= 1'b0;
      med_pre_q <= 1'b0;
      wk_open_q <= 1'b0;
      ln_cnt_q <= '0;
    end else begin
      state_q <= state_d;
      wk_open_q <= wk_open_d;
      ln_cnt_q <= ln_cnt_d;
      fl_pre_q <= fl_pre_d;
      med_pre_q <= med_pre_d;
      clr_q <= clr_d;
      out_v_q <= out_v_d;
      done_q <= done_d;
      killed_all_q <= killed_all_d;
      kill_all_hard_q <= kill_all_hard_d;
      now_q <= now_d;
      err_q <= err_d;
      res_q <= res_d;
      stage_q <= stage_d;
      stage_lev_q <= stage_lev_d;
      stage_tiers_q <= stage_tiers_d;
      stage_tlev_q <= stage_tlev_d;
    end
  end

  always_ff @(posedge clk_i) begin
    ret_q <= ret_d; rv_ret_q <= rv_ret_d; op_q <= op_d; ev_q <= ev_d; evf_q <= evf_d;
    coll_covers_q <= $signed(ev_w1) <= acc_q.coll;
    imr_acct_sym_q <= imr_q > cfg_q.imr ? imr_q : cfg_q.imr;
    acc_q <= acc_d; slots_q <= slots_d; pos_q <= pos_d; cfg_q <= cfg_d; tiers_q <= tiers_d;
    sst_q <= sst_d; imr_q <= imr_d; oset_q <= oset_d; way_q <= way_d;
    hbits_q <= hbits_d;
    a_ok_q <= a_ok_d; s_ok_q <= s_ok_d; by_slot_q <= by_slot_d; keep_sym_q <= keep_sym_d;
    err_ref_q <= err_ref_d; err_ret_q <= err_ret_d;
    t0_q <= t0_d; t1_q <= t1_d; t2_q <= t2_d; t3_q <= t3_d; u0_q <= u0_d; u1_q <= u1_d; u2_q <= u2_d;
    eq_q <= eq_d;
    fq_q <= fq_d;
    f0_q <= f0_d; f1_q <= f1_d; k_q <= k_d; rate0_q <= rate0_d; rate1_q <= rate1_d;
    a_q <= a_d; s_q <= s_d; slot_q <= slot_d; set_q <= set_d; hw_q <= hw_d;
    wk_s_q <= wk_s_d; wk_osym_q <= wk_osym_d; wk_hw_q <= wk_hw_d; wk_hbits_q <= wk_hbits_d;
    wk_first_q <= wk_first_d;
    tlev_sh_q <= tlev_sh_d;
    for (int c = 0; c < 3; c++) out_m_q[c] <= out_m_d[c];
  end

  // Counter pulses, registered: a reply leaves at an order's retirement; an error leaves SEmitErr, or a command ends
  // with one.
  logic       reply_q, error_q;
  logic [7:0] reply_reason_q, error_code_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      reply_q <= 1'b0;
      error_q <= 1'b0;
      reply_reason_q <= '0;
      error_code_q <= '0;
    end else begin
      reply_q <= retire;
      reply_reason_q <= rp_reason;
      error_q <= (state_q == SEmitErr && !out_v_q[2]) ||          // SEmitErr sends and leaves
                 (state_q == SDone && is_cmd && err_q != perpgate_wire_pkg::ErrNone);
      error_code_q <= err_q;
    end
  end
  assign reply_o = reply_q;
  assign reply_reason_o = reply_reason_q;
  assign error_o = error_q;
  assign error_code_o = error_code_q;

  assign ev_ready_o = state_q == SIdle;
  assign out_valid_o = out_v_q;
  // An order's reply (and forward, when accepted) is offered in the cycle after it retires: the
  // transmit ports start the frame (its first beat is configuration only) as it retires.
  assign out_soon_o = {1'b0, retire && rp_reason == perpgate_wire_pkg::ReasonNone, retire};
  assign out_data_o = {out_m_q[2], out_m_q[1], out_m_q[0]};
  assign cmd_done_o = done_q;
  assign cmd_err_o = err_q;
  assign cmd_result_o = res_q;
  assign idle_o = state_q == SIdle && out_v_q == 3'b000 && ctx_v_q == 2'b00 && !wk_open_q;
  assign walk_suspended_o = wk_open_q;
  assign walk_step_o = ln_done;

endmodule

`default_nettype wire
