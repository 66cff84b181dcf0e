// The pre-trade check of a new order (Engine::check_order in hls/include/perpgate/engine.hpp), as
// a pipeline: an order every cycle, its decision DecisionLatency cycles later and its IM two cycles
// after that, no stage deeper than a few LUT levels. The risk core (pg_risk_core) reads the tables,
// finds the structural rejects (unknown account or symbol, duplicate id, kill switch, no free slot
// or way) and hands in the rest; this unit has no state but a copy of the tier table (floors and
// rates), written with the core's.
//
// Stages (values registered at the end of each; stage 0 is the inputs, which must come straight
// from registers or table reads, or through a gate or two, and be valid with valid_i only; the
// structural reasons come a cycle later, in stage 1). The longest chain is
// the margin's: quantity -> worst case -> x mark -> tier -> x rate -> compare.
//    1  token-bucket elapsed time and cap; the worst-case quantity u0 (two sums, a compare, a
//       select: below); px - mark; ranges; equity's sums (the account's floor(uPnL / 1e10) comes
//       stored beside its uPnL, acct_t.upf)
//    1-3  band x mark, qty x px, max_notional x 1e10, qty x lot_inv, px x tick_inv (pg_mulu)
//    2  max position; |px - mark|; stale mark; reduce-only room; eqf; u0 x mark (2-4);
//       dt x max_rate (2-4)
//    3  |px - mark| x 1e8 (3-5); eqf + 1, capped; the tier rates read
//    4  lot and tick rotations by multiples of 8; max notional; each tier's effective rate; the
//       tier floors read
//    5  the rest of the rotations; the token sum and its test; the worst-case raw notional's tier
//       (its floors compared, the thermometer's top, its rate selected: one stage)
//    5-7  (eqf + 1) x 1e18
//    6  lot and tick tests; band; the refilled tokens, and whether they are short of a token
//    6-10  ceil(raw x rate / 1e18), the order's IM (pg_rate_of_notional, Latency 5: at 4 its
//       last stage maps 9 LUT levels deep here); its product raw x rate + 1e18 - 1 in carry-save
//       form (two addends) at the end of stage 7
//    7  the first failing reason but margin; the token taken
//    8  the margin test: IM <= eqf, which for an integer eqf is raw x rate + 1e18 - 1 <
//       (eqf + 1) x 1e18: a compare of two products, not of the IM, so that it does not wait
//       for the division, and made on the product's two addends (a + b >= lim in one carry
//       chain), so that it does not wait for their sum; the decision leaves
//   10  the IM leaves, two cycles after its decision (im_valid_o, im_tag_o): only the core's
//       write-back of an accepted order needs it, not the reply
`default_nettype none

module pg_order_check #(
  parameter int unsigned Symbols = 64
) (
  input  wire logic                            clk_i,
  input  wire logic                            rst_ni,

  input  wire logic                            valid_i,
  input  wire logic                            tag_i,      // the core's context of the order
  input  wire logic                            buy_i,
  input  wire logic                            ro_i,
  input  wire logic signed [63:0]              qty_i,
  input  wire logic signed [63:0]              px_i,
  input  wire logic [$clog2(Symbols)-1:0]      sym_i,
  // (these three a cycle after valid_i: the core searches the order set read as it issues)
  input  wire logic [7:0]                      pre_reason_i,  // structural reject, or ReasonNone
  input  wire logic                            no_way_i,      // the order set has no free way
  input  wire logic                            no_slot_i,     // no position slot, none free
  input  wire logic [pg_risk_pkg::AcctBits-1:0] acc_i,
  input  wire logic [pg_risk_pkg::PosBits-1:0]  pos_i,        // zero when the account has none
  input  wire logic [pg_risk_pkg::CfgBits-1:0]  cfg_i,
  input  wire logic signed [63:0]              mark_i,
  input  wire logic signed [63:0]              mark_ts_i,
  input  wire logic [26:0]                     imr_i,         // the account's rate for the symbol
  input  wire logic signed [63:0]              now_i,

  // the core's tier table writes, mirrored
  input  wire logic                            tier_we_i,
  input  wire logic [$clog2(Symbols)-1:0]      tier_wa_i,
  input  wire logic [16*pg_risk_pkg::TierBits-1:0] tier_wd_i,

  output      logic                            valid_o,       // the decision
  output      logic                            tag_o,
  output      logic [7:0]                      reason_o,
  output      logic                            tok_upd_o,     // tokens and refill changed
  output      logic signed [63:0]              tokens_o,
  output      logic signed [63:0]              refill_ts_o,
  output      logic                            im_valid_o,    // two cycles after valid_o
  output      logic                            im_tag_o,
  output      logic signed [127:0]             im_o           // the order's IM (not reduce-only)
);

  localparam int unsigned DecisionLatency = 8;                // valid_i -> valid_o
  localparam int unsigned Latency = DecisionLatency + 2;      // valid_i -> im_valid_o
  localparam int unsigned SW      = $clog2(Symbols);
  localparam int unsigned TierW   = pg_risk_pkg::TierBits;
  localparam logic signed [63:0] QtyMax = 64'(perpgate_fixed_pkg::QtyMax);
  localparam logic signed [63:0] PxMax  = 64'(perpgate_fixed_pkg::PxMax);

  // ---- valid and tag: v_q[k] beside stage k + 1 ----------------------------------------------------
  logic [Latency-1:0] v_q;
  logic [Latency-1:0] tag_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v_q <= '0;
    else         v_q <= {v_q[Latency-2:0], valid_i};
  end
  always_ff @(posedge clk_i) tag_q <= {tag_q[Latency-2:0], tag_i};
  assign valid_o = v_q[DecisionLatency-1];
  assign tag_o = tag_q[DecisionLatency-1];
  assign im_valid_o = v_q[Latency-1];
  assign im_tag_o = tag_q[Latency-1];

  // ---- stage 0: the inputs ------------------------------------------------------------------------
  // whole entries come in; the check reads some of their fields (synthesis drops the rest)
  /* verilator lint_off UNUSEDSIGNAL */
  pg_risk_pkg::acct_t acc_0;
  pg_risk_pkg::pos_t  pos_0;
  pg_risk_pkg::cfg_t  cfg_0;
  /* verilator lint_on UNUSEDSIGNAL */
  assign acc_0 = acc_i;
  assign pos_0 = pos_i;
  assign cfg_0 = cfg_i;

  // Values a later stage reads travel beside the order (pg_delay): x_k is x as of stage k.
  logic [5:0]   lot_shift_3, tick_shift_3;
  logic [2:0]   lot_shift_4, tick_shift_4;
  logic [63:0]  lot_lim_5, tick_lim_5;
  logic signed [63:0] mark_1, refill_ts_5, now_5;
  logic [SW-1:0] sym_2, sym_3;
  logic [4:0]   tier_count_4;
  logic [7:0]   pre_6;
  logic         no_way_6, no_slot_6;
  logic [7:1]   ro_d;                                         // ro_d[k]: ro as of stage k
  pg_delay #(.W(12), .N(3)) u_shift_3 (.clk_i, .d_i({cfg_0.lot_shift, cfg_0.tick_shift}), .q_o({lot_shift_3, tick_shift_3}));
  pg_delay #(.W(6), .N(1)) u_shift_4 (.clk_i, .d_i({lot_shift_3[2:0], tick_shift_3[2:0]}), .q_o({lot_shift_4, tick_shift_4}));
  pg_delay #(.W(128), .N(5)) u_lim_5 (.clk_i, .d_i({cfg_0.lot_lim, cfg_0.tick_lim}), .q_o({lot_lim_5, tick_lim_5}));
  pg_delay #(.W(64), .N(1)) u_mark_1 (.clk_i, .d_i(mark_i), .q_o(mark_1));
  pg_delay #(.W(128), .N(5)) u_time_5 (.clk_i, .d_i({acc_0.refill_ts, now_i}), .q_o({refill_ts_5, now_5}));
  pg_delay #(.W(SW), .N(2)) u_sym_2 (.clk_i, .d_i(sym_i), .q_o(sym_2));
  pg_delay #(.W(SW), .N(1)) u_sym_3 (.clk_i, .d_i(sym_2), .q_o(sym_3));
  pg_delay #(.W(5), .N(4)) u_tier_count_4 (.clk_i, .d_i(cfg_0.tier_count), .q_o(tier_count_4));
  pg_delay #(.W(10), .N(5)) u_pre_6 (.clk_i, .d_i({pre_reason_i, no_way_i, no_slot_i}), .q_o({pre_6, no_way_6, no_slot_6}));
  always_ff @(posedge clk_i) ro_d <= {ro_d[6:1], ro_i};

  // ---- products (pg_mulu, 3 cycles each) ------------------------------------------------------------
  logic [127:0] band_rhs_3, notional_3;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [127:0] lot_p_3, tick_p_3;                            // the divisibility tests: low halves
  /* verilator lint_on UNUSEDSIGNAL */
  logic [97:0]  max_notional_3;
  pg_mulu #(.AW(64), .BW(64)) u_band_rhs (.clk_i, .a_i(cfg_0.band), .b_i(mark_i), .p_o(band_rhs_3));
  pg_mulu #(.AW(64), .BW(64)) u_notional (.clk_i, .a_i(qty_i), .b_i(px_i), .p_o(notional_3));
  pg_mulu #(.AW(64), .BW(34)) u_max_notional (
    .clk_i, .a_i(cfg_0.max_notional), .b_i(34'(perpgate_fixed_pkg::NotionalDiv)), .p_o(max_notional_3)
  );
  pg_mulu #(.AW(64), .BW(64)) u_lot (.clk_i, .a_i(qty_i), .b_i(cfg_0.lot_inv), .p_o(lot_p_3));
  pg_mulu #(.AW(64), .BW(64)) u_tick (.clk_i, .a_i(px_i), .b_i(cfg_0.tick_inv), .p_o(tick_p_3));

  // ---- stage 1 ---------------------------------------------------------------------------------------
  logic signed [63:0]  dt_1, cap_1, u0_1, room_1, dpx_1, stale_age_1, pos_cap_1, max_rate_1, tokens_1;
  logic signed [63:0]  qty_1, stale_ms_1;
  logic signed [127:0] eq_a_1, eq_b_1;
  logic                rate_on_1, stale_on_1, mn_on_1, band_on_1;
  logic [3:0]          early_1;                               // qty range, px range, no mark, max qty
  logic [26:0]         imr_base_1;
  // The worst case max(|a|, |b|), a = position + buys, b = position - sells, the order on its
  // side: a - b = buys + sells, not negative (open quantities are, and so is a valid order's), so
  // it is max(a, -b): two sums, a compare and a select in this stage, where the absolute values
  // took a stage of their own. (An order whose quantity is not valid is rejected before its
  // margin: its u0 is not read.)
  logic signed [63:0]  wc_a_0, wc_nb_0;
  always_comb begin
    wc_a_0  = pos_0.qty + pos_0.ob + (buy_i ? qty_i : 64'sd0);
    wc_nb_0 = pos_0.os - pos_0.qty + (buy_i ? 64'sd0 : qty_i);
  end
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (valid_i && qty_i > 0) begin
      assert (pos_0.ob >= 0 && pos_0.os >= 0);
      assert (64'(wc_a_0 >= wc_nb_0 ? wc_a_0 : wc_nb_0) == pg_risk_pkg::worst_of(wc_a_0, -wc_nb_0));
    end
  end
`endif
  always_ff @(posedge clk_i) begin
    dt_1        <= now_i - acc_0.refill_ts;
    cap_1       <= pg_risk_pkg::times1000(acc_0.max_rate);
    max_rate_1  <= acc_0.max_rate;
    tokens_1    <= acc_0.tokens;
    // the throttle counts messages past the kill switch (pre_reason_i: applied in stage 8)
    rate_on_1   <= acc_0.max_rate > 0;
    u0_1        <= wc_a_0 >= wc_nb_0 ? wc_a_0 : wc_nb_0;
    room_1      <= buy_i ? -pos_0.qty - pos_0.rb : pos_0.qty - pos_0.rs;
    qty_1       <= qty_i;
    dpx_1       <= px_i - mark_i;
    stale_age_1 <= now_i - mark_ts_i;
    stale_ms_1  <= cfg_0.stale_ms;
    stale_on_1  <= cfg_0.stale_ms > 0;
    mn_on_1     <= cfg_0.max_notional > 0;
    band_on_1   <= cfg_0.band > 0;
    pos_cap_1   <= cfg_0.max_pos > 0 ? ($signed(cfg_0.max_pos) < QtyMax ? $signed(cfg_0.max_pos) : QtyMax)
                                     : QtyMax;
    // eqf = collateral + floor(uPnL / 1e10) - (IM without this symbol's)
    eq_a_1      <= $signed(128'(acc_0.coll)) + $signed(128'(acc_0.upf));
    eq_b_1      <= pos_0.im - acc_0.im;
    early_1     <= {qty_i <= 0 || qty_i > QtyMax, px_i <= 0 || px_i > PxMax, mark_i <= 0,
                    cfg_0.max_qty > 0 && qty_i > $signed(cfg_0.max_qty)};
    imr_base_1  <= imr_i > cfg_0.imr ? imr_i : cfg_0.imr;
  end
  logic signed [63:0]  tokens_4, tokens_5, cap_5;
  logic                rate_on_5, band_on_5, mn_on_3;
  logic [26:0]         imr_base_3;
  logic [3:0]          early_6;
  pg_delay #(.W(64), .N(3)) u_tokens_4 (.clk_i, .d_i(tokens_1), .q_o(tokens_4));
  pg_delay #(.W(64), .N(1)) u_tokens_5 (.clk_i, .d_i(tokens_4), .q_o(tokens_5));
  pg_delay #(.W(64), .N(4)) u_cap_5 (.clk_i, .d_i(cap_1), .q_o(cap_5));
  pg_delay #(.W(1), .N(2)) u_mn_on_3 (.clk_i, .d_i(mn_on_1), .q_o(mn_on_3));
  pg_delay #(.W(1), .N(4)) u_band_on_5 (.clk_i, .d_i(band_on_1), .q_o(band_on_5));
  pg_delay #(.W(1), .N(4)) u_rate_on_5 (.clk_i, .d_i(rate_on_1), .q_o(rate_on_5));
  pg_delay #(.W(27), .N(2)) u_imr_base_3 (.clk_i, .d_i(imr_base_1), .q_o(imr_base_3));
  pg_delay #(.W(4), .N(5)) u_early_6 (.clk_i, .d_i(early_1), .q_o(early_6));

  // ---- stage 2 ---------------------------------------------------------------------------------------
  logic [63:0]        dpx_abs_2;
  logic               max_pos_2, stale_2, ro_bad_2, dt_pos_2, dt_ge_cap_2;
  logic signed [65:0] tok_room_2;                             // cap - tokens: the refill that fills
  logic signed [127:0] eqf_2;
  always_ff @(posedge clk_i) begin
    eqf_2       <= eq_a_1 + eq_b_1;
    max_pos_2   <= u0_1 > pos_cap_1;
    dpx_abs_2   <= dpx_1 < 0 ? -dpx_1 : dpx_1;
    stale_2     <= stale_on_1 && stale_age_1 > stale_ms_1;
    ro_bad_2    <= qty_1 > room_1;
    dt_pos_2    <= dt_1 > 0;
    dt_ge_cap_2 <= dt_1 >= cap_1;
    tok_room_2  <= 66'(cap_1) - 66'(tokens_1);
  end
  logic               stale_6, ro_bad_6, max_pos_6, dt_pos_5, dt_ge_cap_5;
  logic signed [65:0] tok_room_4;
  pg_delay #(.W(3), .N(4)) u_flags2_6 (.clk_i, .d_i({stale_2, ro_bad_2, max_pos_2}), .q_o({stale_6, ro_bad_6, max_pos_6}));
  pg_delay #(.W(2), .N(3)) u_dt_5 (.clk_i, .d_i({dt_pos_2, dt_ge_cap_2}), .q_o({dt_pos_5, dt_ge_cap_5}));
  pg_delay #(.W(66), .N(2)) u_tok_room_4 (.clk_i, .d_i(tok_room_2), .q_o(tok_room_4));
  // dt x max_rate (2-4): only used when both are positive
  logic [127:0] refill_4;
  pg_mulu #(.AW(64), .BW(64)) u_refill (.clk_i, .a_i(dt_1), .b_i(max_rate_1), .p_o(refill_4));

  // ---- stage 3 ---------------------------------------------------------------------------------------
  // (eqf + 1), capped at 2^84 (from eqf >= 2^83 on, (eqf + 1) x 1e18 is beyond any raw x rate)
  localparam int unsigned EqcW = 85;
  logic            eq_neg_3;
  logic [EqcW-1:0] eqc_3;
  always_ff @(posedge clk_i) begin
    eq_neg_3  <= eqf_2 < 0;
    eqc_3     <= eqf_2[127:83] != '0 ? EqcW'(1) << 84 : EqcW'(eqf_2[82:0]) + EqcW'(1);
  end
  logic eq_neg_7;
  pg_delay #(.W(1), .N(4)) u_eq_neg_7 (.clk_i, .d_i(eq_neg_3), .q_o(eq_neg_7));
  // (eqf + 1) x 1e18 (5-7), ready with the product's addends of stage 7
  localparam int unsigned UnitW = 60;                         // 1e18 < 2^60
  logic [EqcW-1:0]       eqc_4;
  logic [EqcW+UnitW-1:0] lim_7;
  pg_delay #(.W(EqcW), .N(1)) u_eqc_4 (.clk_i, .d_i(eqc_3), .q_o(eqc_4));
  pg_mulu #(.AW(EqcW), .BW(UnitW)) u_lim (
    .clk_i, .a_i(eqc_4), .b_i(UnitW'(perpgate_fixed_pkg::RateUnit)), .p_o(lim_7)
  );
  logic [127:0] t0_4;                                         // u0 x mark, the worst raw notional (2-4)
  pg_mulu #(.AW(64), .BW(64)) u_worst_raw (.clk_i, .a_i(u0_1), .b_i(mark_1), .p_o(t0_4));
  logic [90:0] band_lhs_5;                                    // |px - mark| x 1e8 (3-5)
  pg_mulu #(.AW(64), .BW(27)) u_band_lhs (
    .clk_i, .a_i(dpx_abs_2), .b_i(27'(perpgate_fixed_pkg::RateScale)), .p_o(band_lhs_5)
  );
  logic [127:0] band_rhs_5;
  pg_delay #(.W(128), .N(2)) u_band_rhs_5 (.clk_i, .d_i(band_rhs_3), .q_o(band_rhs_5));

  // ---- stage 4 ---------------------------------------------------------------------------------------
  // the rotations right in two steps: by 8 x shift[5:3] here, by shift[2:0] in stage 5
  logic [63:0] lot_rot_4, tick_rot_4;
  logic        max_not_4;
  always_ff @(posedge clk_i) begin
    lot_rot_4  <= pg_risk_pkg::rotr64(lot_p_3[63:0], {lot_shift_3[5:3], 3'd0});
    tick_rot_4 <= pg_risk_pkg::rotr64(tick_p_3[63:0], {tick_shift_3[5:3], 3'd0});
    max_not_4  <= mn_on_3 && notional_3 > 128'(max_notional_3);
  end
  logic max_not_6;
  pg_delay #(.W(1), .N(2)) u_max_not_6 (.clk_i, .d_i(max_not_4), .q_o(max_not_6));

  // ---- the symbol's tiers: rates read in stage 3, floors in stage 4 ----------------------------------
  // Two copies of the core's tier table, each with the fields one stage needs, written together.
  logic [16*27-1:0] tier_rate_mem [Symbols];
  logic [16*96-1:0] tier_floor_mem [Symbols];
  logic [16*27-1:0] tier_rate_wd, tier_rate_3;
  logic [16*96-1:0] tier_floor_wd, tier_floor_4;
  always_comb begin
    for (int unsigned k = 0; k < 16; k++) begin
      tier_rate_wd[k*27 +: 27]  = tier_wd_i[k*TierW +: 27];                  // imr
      tier_floor_wd[k*96 +: 96] = tier_wd_i[k*TierW + TierW - 96 +: 96];     // floor_raw
    end
  end
  always_ff @(posedge clk_i) begin
    if (tier_we_i) begin
      tier_rate_mem[tier_wa_i]  <= tier_rate_wd;
      tier_floor_mem[tier_wa_i] <= tier_floor_wd;
    end
    tier_rate_3  <= tier_rate_mem[sym_2];
    tier_floor_4 <= tier_floor_mem[sym_3];
  end
  logic [16*27-1:0] rate_4;                                   // tier k's effective rate
  always_ff @(posedge clk_i) begin
    for (int unsigned k = 0; k < 16; k++)
      rate_4[k*27 +: 27] <= tier_rate_3[k*27 +: 27] > imr_base_3 ? tier_rate_3[k*27 +: 27] : imr_base_3;
  end

  // ---- stage 5 ---------------------------------------------------------------------------------------
  logic [63:0]        lot_rot_5, tick_rot_5;
  logic               tok_over_5;
  logic signed [63:0] tok_sum_5;
  always_ff @(posedge clk_i) begin
    lot_rot_5  <= pg_risk_pkg::rotr64(lot_rot_4, {3'd0, lot_shift_4});
    tick_rot_5 <= pg_risk_pkg::rotr64(tick_rot_4, {3'd0, tick_shift_4});
    tok_over_5 <= tok_room_4 < 0 || $signed({1'b0, refill_4}) > $signed(129'(tok_room_4));
    tok_sum_5  <= tokens_4 + refill_4[63:0];
  end
  // The raw notional's tier: the highest whose floor it reaches (k < count; ge_4 is a thermometer
  // code), one-hot, then an and-or of the rates: flat, where a chain of 16 ifs maps to a deeper
  // mux. The compares, the top and the and-or in one stage: each a LUT level or two.
  logic [15:0]  ge_4, top_4;
  logic [26:0]  rate_sel_4;
  always_comb begin
    for (int unsigned k = 0; k < 16; k++)
      ge_4[k] = k == 0 || (5'(k) < tier_count_4 && 128'(tier_floor_4[k*96 +: 96]) <= t0_4);
    top_4 = pg_risk_pkg::thermo_top(ge_4);
    rate_sel_4 = '0;
    for (int unsigned k = 0; k < 16; k++) rate_sel_4 = rate_sel_4 | (top_4[k] ? rate_4[k*27 +: 27] : 27'd0);
  end
  logic [26:0]  rate_5;
  logic [113:0] raw_5;
  always_ff @(posedge clk_i) begin
    rate_5 <= rate_sel_4;
    raw_5  <= t0_4[113:0];                                    // < 2^114 for the margin that matters
  end

  // ---- stage 6 ---------------------------------------------------------------------------------------
  logic               band_6, lot_ok_6, tick_ok_6, rl_6, rate_on_6;
  logic signed [63:0] tokens_6, refill_ts_6;
  always_ff @(posedge clk_i) begin
    lot_ok_6    <= lot_rot_5 <= lot_lim_5;
    tick_ok_6   <= tick_rot_5 <= tick_lim_5;
    band_6      <= band_on_5 && 128'(band_lhs_5) > band_rhs_5;
    tokens_6    <= !dt_pos_5 ? tokens_5 : (dt_ge_cap_5 || tok_over_5) ? cap_5 : tok_sum_5;
    // rate limited: fewer than one token (1000) left after the refill, tested on each value the
    // refill can take, beside it
    rl_6        <= rate_on_5 && (!dt_pos_5 ? tokens_5 < 64'sd1000
                                 : (dt_ge_cap_5 || tok_over_5) ? cap_5 < 64'sd1000 : tok_sum_5 < 64'sd1000);
    rate_on_6   <= rate_on_5;
    refill_ts_6 <= dt_pos_5 ? now_5 : refill_ts_5;
  end

  // ---- stage 7 ---------------------------------------------------------------------------------------
  logic [7:0]         reason_7;
  logic               tok_7;
  logic signed [63:0] tokens_7, refill_ts_7;
  always_ff @(posedge clk_i) begin
    tok_7       <= rate_on_6 && pre_6 == perpgate_wire_pkg::ReasonNone;
    tokens_7    <= rl_6 ? tokens_6 : tokens_6 - 64'sd1000;
    refill_ts_7 <= refill_ts_6;
    if (pre_6 != perpgate_wire_pkg::ReasonNone)  reason_7 <= pre_6;
    else if (rl_6)                               reason_7 <= perpgate_wire_pkg::ReasonRateLimit;
    else if (early_6[3] || !lot_ok_6)            reason_7 <= perpgate_wire_pkg::ReasonBadQty;
    else if (early_6[2] || !tick_ok_6)           reason_7 <= perpgate_wire_pkg::ReasonBadPrice;
    else if (early_6[1])                         reason_7 <= perpgate_wire_pkg::ReasonNoMark;
    else if (stale_6)                            reason_7 <= perpgate_wire_pkg::ReasonStaleMark;
    else if (band_6)                             reason_7 <= perpgate_wire_pkg::ReasonPriceBand;
    else if (early_6[0])                         reason_7 <= perpgate_wire_pkg::ReasonMaxQty;
    else if (max_not_6)                          reason_7 <= perpgate_wire_pkg::ReasonMaxNotional;
    else if (ro_d[6] ? ro_bad_6 : max_pos_6)     reason_7 <= ro_d[6] ? perpgate_wire_pkg::ReasonReduceOnly
                                                                     : perpgate_wire_pkg::ReasonMaxPosition;
    else if ((!ro_d[6] && no_slot_6) || no_way_6) reason_7 <= perpgate_wire_pkg::ReasonCapacity;
    else                                         reason_7 <= perpgate_wire_pkg::ReasonNone;
  end

  // ---- stages 6-10: the order's IM, rounded up, and the product it comes from ---------------------
  localparam int unsigned ProdW = perpgate_fixed_pkg::RateProdBits;
  /* verilator lint_off UNUSEDSIGNAL */
  logic             im_valid;                                 // v_q[9]: the same cycle
  /* verilator lint_on UNUSEDSIGNAL */
  logic [ProdW-1:0] prod_a_7, prod_b_7;                       // raw x rate + 1e18 - 1 = a + b
  pg_rate_of_notional #(.Latency(5)) u_im (
    .clk_i, .rst_ni, .valid_i (v_q[4]), .raw_i (raw_5), .rate_i (rate_5), .round_up_i (1'b1),
    .valid_o (im_valid), .prod_a_o (prod_a_7), .prod_b_o (prod_b_7), .money_o (im_o)
  );

  // ---- stage 8: the margin test, and the decision leaves -----------------------------------------
  // a + b >= lim, as the sign of a + b + ~lim + 1 in CmpW bits (a + b < 2^142, lim < 2^145): a
  // carry-save add (one LUT level), then one carry chain, the + 1 in the carry word's free bit.
  localparam int unsigned CmpW = EqcW + UnitW + 2;
  logic [CmpW-1:0] cmp_a, cmp_b, cmp_c, cmp_s, cmp_k, cmp_sum;
  logic [CmpW-2:0] cmp_maj;                                   // the carries, but out of the top bit
  logic            prod_ge_lim;
  always_comb begin
    cmp_a = CmpW'(prod_a_7);
    cmp_b = CmpW'(prod_b_7);
    cmp_c = ~(CmpW'(lim_7));
    cmp_s = cmp_a ^ cmp_b ^ cmp_c;
    cmp_maj = (cmp_a[CmpW-2:0] & cmp_b[CmpW-2:0]) | (cmp_a[CmpW-2:0] & cmp_c[CmpW-2:0]) |
              (cmp_b[CmpW-2:0] & cmp_c[CmpW-2:0]);
    cmp_k = {cmp_maj, 1'b1};
    cmp_sum = cmp_s + cmp_k;
    prod_ge_lim = !cmp_sum[CmpW-1];
  end
  always_ff @(posedge clk_i) begin
    reason_o    <= reason_7 == perpgate_wire_pkg::ReasonNone && !ro_d[7] && (eq_neg_7 || prod_ge_lim)
                   ? perpgate_wire_pkg::ReasonInsufficientMargin : reason_7;
    tok_upd_o   <= tok_7;                                     // refilled, and taken unless rl
    tokens_o    <= tokens_7;
    refill_ts_o <= refill_ts_7;
  end

endmodule

`default_nettype wire
