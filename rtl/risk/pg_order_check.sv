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
//       select: below); ranges; equity's sums (the account's floor(uPnL / 1e10) comes stored
//       beside its uPnL, acct_t.upf)
//    1-3  band x mark, px x 1e8, mark x 1e8, qty x px, max_notional x 1e10, qty x lot_inv,
//       px x tick_inv (pg_mulu)
//    2  max position; stale mark; reduce-only room; eqf; the token bucket's room and shortfall;
//       u0 x mark (2-3, as two addends: pg_mulu_cs); dt x max_rate (2-4); the tier rates read
//    3  eqf + 1, capped; each tier's effective rate and whether it is below the count; the tier
//       floors read
//    4  the worst-case raw notional (the product's last add) and its tier (its floors compared,
//       its rate picked: one stage); lot and tick rotations; max notional; (px - mark) x 1e8
//    4-6  (eqf + 1) x 1e18
//    5  lot and tick tests; band; the refill: whether it fills the bucket, whether the tokens
//       after it are short of one
//    5-9  ceil(raw x rate / 1e18), the order's IM (pg_rate_of_notional, Latency 5: at 4 its
//       last stage maps 9 LUT levels deep here); its product raw x rate + 1e18 - 1 in carry-save
//       form (two addends) at the end of stage 6
//    6  the first failing reason but margin; the tokens after the refill
//    7  the margin test: IM <= eqf, which for an integer eqf is raw x rate + 1e18 - 1 <
//       (eqf + 1) x 1e18: a compare of two products, not of the IM, so that it does not wait
//       for the division, and made on the product's two addends (a + b >= lim in one carry
//       chain), so that it does not wait for their sum; the decision leaves, with the tokens
//    9  the IM leaves, two cycles after its decision (im_valid_o, im_tag_o): only the core's
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

  localparam int unsigned DecisionLatency = 7;                // valid_i -> valid_o
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
  logic [63:0]  lot_lim_4, tick_lim_4;
  logic signed [63:0] mark_1, refill_ts_5, now_5;
  logic [SW-1:0] sym_1, sym_2;
  logic [4:0]   tier_count_2;
  logic [7:0]   pre_5;
  logic         no_way_5, no_slot_5;
  logic [6:1]   ro_d;                                         // ro_d[k]: ro as of stage k
  pg_delay #(.W(12), .N(3)) u_shift_3 (.clk_i, .d_i({cfg_0.lot_shift, cfg_0.tick_shift}), .q_o({lot_shift_3, tick_shift_3}));
  pg_delay #(.W(128), .N(4)) u_lim_4 (.clk_i, .d_i({cfg_0.lot_lim, cfg_0.tick_lim}), .q_o({lot_lim_4, tick_lim_4}));
  pg_delay #(.W(64), .N(1)) u_mark_1 (.clk_i, .d_i(mark_i), .q_o(mark_1));
  pg_delay #(.W(128), .N(5)) u_time_5 (.clk_i, .d_i({acc_0.refill_ts, now_i}), .q_o({refill_ts_5, now_5}));
  pg_delay #(.W(SW), .N(1)) u_sym_1 (.clk_i, .d_i(sym_i), .q_o(sym_1));
  pg_delay #(.W(SW), .N(1)) u_sym_2 (.clk_i, .d_i(sym_1), .q_o(sym_2));
  pg_delay #(.W(5), .N(2)) u_tier_count_2 (.clk_i, .d_i(cfg_0.tier_count), .q_o(tier_count_2));
  pg_delay #(.W(10), .N(4)) u_pre_5 (.clk_i, .d_i({pre_reason_i, no_way_i, no_slot_i}), .q_o({pre_5, no_way_5, no_slot_5}));
  always_ff @(posedge clk_i) ro_d <= {ro_d[5:1], ro_i};

  // ---- products of the inputs (pg_mulu, 3 cycles each) ---------------------------------------------
  logic [127:0] band_rhs_3, notional_3;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [127:0] lot_p_3, tick_p_3;                            // the divisibility tests: low halves
  /* verilator lint_on UNUSEDSIGNAL */
  logic [97:0]  max_notional_3;
  logic [90:0]  px_s_3, mark_s_3;                             // px x 1e8, mark x 1e8
  pg_mulu #(.AW(64), .BW(64)) u_band_rhs (.clk_i, .a_i(cfg_0.band), .b_i(mark_i), .p_o(band_rhs_3));
  pg_mulu #(.AW(64), .BW(64)) u_notional (.clk_i, .a_i(qty_i), .b_i(px_i), .p_o(notional_3));
  pg_mulu #(.AW(64), .BW(34)) u_max_notional (
    .clk_i, .a_i(cfg_0.max_notional), .b_i(34'(perpgate_fixed_pkg::NotionalDiv)), .p_o(max_notional_3)
  );
  pg_mulu #(.AW(64), .BW(64)) u_lot (.clk_i, .a_i(qty_i), .b_i(cfg_0.lot_inv), .p_o(lot_p_3));
  pg_mulu #(.AW(64), .BW(64)) u_tick (.clk_i, .a_i(px_i), .b_i(cfg_0.tick_inv), .p_o(tick_p_3));
  // the band's |px - mark| x 1e8 as the difference of two products, so that it starts with the
  // inputs rather than after a difference and its absolute value (px and mark are positive
  // whenever the band test decides: an order with either out of range is rejected before it)
  pg_mulu #(.AW(64), .BW(27)) u_px_s (
    .clk_i, .a_i(px_i), .b_i(27'(perpgate_fixed_pkg::RateScale)), .p_o(px_s_3)
  );
  pg_mulu #(.AW(64), .BW(27)) u_mark_s (
    .clk_i, .a_i(mark_i), .b_i(27'(perpgate_fixed_pkg::RateScale)), .p_o(mark_s_3)
  );

  // ---- stage 1 ---------------------------------------------------------------------------------------
  logic signed [63:0]  dt_1, cap_1, u0_1, room_1, stale_age_1, pos_cap_1, max_rate_1, tokens_1;
  logic signed [63:0]  qty_1, stale_ms_1;
  logic signed [127:0] eq_a_1, eq_b_1;
  logic                rate_on_1, stale_on_1, mn_on_1, band_on_1;
  logic [3:0]          early_1;                               // qty range, px range, no mark, max qty
  logic [26:0]         imr_base_1;
  // The worst case max(|a|, |b|), a = position + buys, b = position - sells, the order on its
  // side: a - b = buys + sells, not negative (open quantities are, and so is a valid order's), so
  // it is max(a, -b): two sums, a compare and a select in this stage, where the absolute values
  // took a stage of their own. (An order whose quantity is not valid is rejected before its
  // position limit and margin: its u0 decides nothing.)
  logic signed [63:0]  wc_a_0, wc_nb_0;
  always_comb begin
    wc_a_0  = pos_0.qty + pos_0.ob + (buy_i ? qty_i : 64'sd0);
    wc_nb_0 = pos_0.os - pos_0.qty + (buy_i ? 64'sd0 : qty_i);
  end
`ifndef SYNTHESIS
  // (checked for a quantity in range: past QtyMax the sums may wrap, and the order is refused
  // BAD_QTY before its u0 counts)
  always_ff @(posedge clk_i) begin
    if (valid_i && qty_i > 0 && qty_i <= QtyMax) begin
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
    // the throttle counts messages past the kill switch (pre_reason_i: applied in stage 6)
    rate_on_1   <= acc_0.max_rate > 0;
    u0_1        <= wc_a_0 >= wc_nb_0 ? wc_a_0 : wc_nb_0;
    room_1      <= buy_i ? -pos_0.qty - pos_0.rb : pos_0.qty - pos_0.rs;
    qty_1       <= qty_i;
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
  logic                rate_on_4, band_on_4, mn_on_3;
  logic [26:0]         imr_base_2;
  logic [3:0]          early_5;
  pg_delay #(.W(64), .N(3)) u_tokens_4 (.clk_i, .d_i(tokens_1), .q_o(tokens_4));
  pg_delay #(.W(64), .N(1)) u_tokens_5 (.clk_i, .d_i(tokens_4), .q_o(tokens_5));
  pg_delay #(.W(64), .N(4)) u_cap_5 (.clk_i, .d_i(cap_1), .q_o(cap_5));
  pg_delay #(.W(1), .N(2)) u_mn_on_3 (.clk_i, .d_i(mn_on_1), .q_o(mn_on_3));
  pg_delay #(.W(1), .N(3)) u_band_on_4 (.clk_i, .d_i(band_on_1), .q_o(band_on_4));
  pg_delay #(.W(1), .N(3)) u_rate_on_4 (.clk_i, .d_i(rate_on_1), .q_o(rate_on_4));
  pg_delay #(.W(27), .N(1)) u_imr_base_2 (.clk_i, .d_i(imr_base_1), .q_o(imr_base_2));
  pg_delay #(.W(4), .N(4)) u_early_5 (.clk_i, .d_i(early_1), .q_o(early_5));

  // ---- stage 2 ---------------------------------------------------------------------------------------
  logic               max_pos_2, stale_2, ro_bad_2, dt_pos_2, dt_ge_cap_2;
  logic               tok_low_2, cap_low_2;                   // tokens, cap below one token (1000)
  logic signed [65:0] tok_room_2;                             // cap - tokens: the refill that fills
  logic signed [65:0] tok_short_2;                            // 1000 - tokens: a refill short of a token
  logic signed [127:0] eqf_2;
  always_ff @(posedge clk_i) begin
    eqf_2       <= eq_a_1 + eq_b_1;
    max_pos_2   <= u0_1 > pos_cap_1;
    stale_2     <= stale_on_1 && stale_age_1 > stale_ms_1;
    ro_bad_2    <= qty_1 > room_1;
    dt_pos_2    <= dt_1 > 0;
    dt_ge_cap_2 <= dt_1 >= cap_1;
    tok_room_2  <= 66'(cap_1) - 66'(tokens_1);
    tok_short_2 <= 66'sd1000 - 66'(tokens_1);
    tok_low_2   <= tokens_1 < 64'sd1000;
    cap_low_2   <= cap_1 < 64'sd1000;
  end
  logic               stale_5, ro_bad_5, max_pos_5, dt_pos_4, dt_ge_cap_4, tok_low_4, cap_low_4;
  logic signed [65:0] tok_room_4, tok_short_4;
  pg_delay #(.W(3), .N(3)) u_flags2_5 (.clk_i, .d_i({stale_2, ro_bad_2, max_pos_2}), .q_o({stale_5, ro_bad_5, max_pos_5}));
  pg_delay #(.W(4), .N(2)) u_tok_flags_4 (.clk_i, .d_i({dt_pos_2, dt_ge_cap_2, tok_low_2, cap_low_2}),
                                          .q_o({dt_pos_4, dt_ge_cap_4, tok_low_4, cap_low_4}));
  pg_delay #(.W(132), .N(2)) u_tok_room_4 (.clk_i, .d_i({tok_room_2, tok_short_2}), .q_o({tok_room_4, tok_short_4}));
  // dt x max_rate (2-4): only used when both are positive
  logic [127:0] refill_4;
  pg_mulu #(.AW(64), .BW(64)) u_refill (.clk_i, .a_i(dt_1), .b_i(max_rate_1), .p_o(refill_4));
  // u0 x mark (2-3), the worst raw notional, as two addends: summed in stage 4, beside its tier
  logic [127:0] t0_lo_3, t0_hi_3;
  pg_mulu_cs #(.AW(64), .BW(64)) u_worst_raw (.clk_i, .a_i(u0_1), .b_i(mark_1), .lo_o(t0_lo_3), .hi_o(t0_hi_3));

  // ---- stage 3 ---------------------------------------------------------------------------------------
  // (eqf + 1), capped at 2^84 (from eqf >= 2^83 on, (eqf + 1) x 1e18 is beyond any raw x rate)
  localparam int unsigned EqcW = 85;
  logic            eq_neg_3;
  logic [EqcW-1:0] eqc_3;
  always_ff @(posedge clk_i) begin
    eq_neg_3  <= eqf_2 < 0;
    eqc_3     <= eqf_2[127:83] != '0 ? EqcW'(1) << 84 : EqcW'(eqf_2[82:0]) + EqcW'(1);
  end
  logic eq_neg_6;
  pg_delay #(.W(1), .N(3)) u_eq_neg_6 (.clk_i, .d_i(eq_neg_3), .q_o(eq_neg_6));
  // (eqf + 1) x 1e18 (4-6), ready with the product's addends of stage 6
  localparam int unsigned UnitW = 60;                         // 1e18 < 2^60
  logic [EqcW+UnitW-1:0] lim_6;
  pg_mulu #(.AW(EqcW), .BW(UnitW)) u_lim (
    .clk_i, .a_i(eqc_3), .b_i(UnitW'(perpgate_fixed_pkg::RateUnit)), .p_o(lim_6)
  );

  // ---- the symbol's tiers: rates read in stage 2, floors in stage 3 ----------------------------------
  // Two copies of the core's tier table, each with the fields one stage needs, written together.
  logic [16*27-1:0] tier_rate_mem [Symbols];
  logic [16*96-1:0] tier_floor_mem [Symbols];
  logic [16*27-1:0] tier_rate_wd, tier_rate_2;
  logic [16*96-1:0] tier_floor_wd, tier_floor_3;
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
    tier_rate_2  <= tier_rate_mem[sym_1];
    tier_floor_3 <= tier_floor_mem[sym_2];
  end
  logic [16*27-1:0] rate_3;                                   // tier k's effective rate
  logic [15:0]      tier_on_3;                                // tier k is below the count
  always_ff @(posedge clk_i) begin
    for (int unsigned k = 0; k < 16; k++) begin
      rate_3[k*27 +: 27] <= tier_rate_2[k*27 +: 27] > imr_base_2 ? tier_rate_2[k*27 +: 27] : imr_base_2;
      tier_on_3[k]       <= 5'(k) < tier_count_2;
    end
  end

  // ---- stage 4 ---------------------------------------------------------------------------------------
  // The raw notional's tier: the highest whose floor it reaches (k < count, tier_on_3; ge_3 is a
  // thermometer code: floors ascend), and its rate (pg_risk_pkg::thermo_pick). The product's two
  // addends summed (one carry chain, the raw notional too), then each floor compared with it
  // (another): two LUT levels, where comparing on the addends (one carry-save level and a
  // carry chain, as the margin test does) maps to three; the compares and the pick in one stage.
  logic [127:0] t0_3;
  logic [15:0]  ge_3;
  logic [26:0]  rate_sel_3;
  always_comb begin
    t0_3 = t0_lo_3 + t0_hi_3;
    for (int unsigned k = 0; k < 16; k++)
      ge_3[k] = k == 0 || (tier_on_3[k] && t0_3 >= 128'(tier_floor_3[k*96 +: 96]));
    rate_sel_3 = pg_risk_pkg::thermo_pick(ge_3, rate_3);
  end
  logic [26:0]        rate_4;
  logic [113:0]       raw_4;
  logic [63:0]        lot_rot_4, tick_rot_4;
  logic               max_not_4;
  logic signed [128:0] band_d_4;                              // (px - mark) x 1e8
  logic signed [128:0] band_r_4, band_nr_4;                   // band x mark, and its negation
  always_ff @(posedge clk_i) begin
    rate_4     <= rate_sel_3;
    raw_4      <= t0_3[113:0];                                // < 2^114 for the margin that matters
    lot_rot_4  <= pg_risk_pkg::rotr64(lot_p_3[63:0], lot_shift_3);
    tick_rot_4 <= pg_risk_pkg::rotr64(tick_p_3[63:0], tick_shift_3);
    max_not_4  <= mn_on_3 && notional_3 > 128'(max_notional_3);
    band_d_4   <= $signed({38'd0, px_s_3}) - $signed({38'd0, mark_s_3});
    band_r_4   <= $signed({1'b0, band_rhs_3});
    band_nr_4  <= -$signed({1'b0, band_rhs_3});
  end
  logic max_not_5;
  pg_delay #(.W(1), .N(1)) u_max_not_5 (.clk_i, .d_i(max_not_4), .q_o(max_not_5));

  // ---- stage 5 ---------------------------------------------------------------------------------------
  logic               band_5, lot_ok_5, tick_ok_5, rl_5, dt_pos_5, clamp_5, rate_on_5;
  logic signed [63:0] tok_sum_5;
  logic               clamp;                                  // the refill fills the bucket
  assign clamp = dt_ge_cap_4 || tok_room_4 < 0 || $signed({1'b0, refill_4}) > $signed(129'(tok_room_4));
  always_ff @(posedge clk_i) begin
    lot_ok_5  <= lot_rot_4 <= lot_lim_4;
    tick_ok_5 <= tick_rot_4 <= tick_lim_4;
    // |d| > r: d > r or d < -r
    band_5    <= band_on_4 && (band_d_4 > band_r_4 || band_d_4 < band_nr_4);
    // the tokens after the refill: as they were (no time passed), the cap, or their sum with the
    // refill; rate limited when that is short of one token (1000), tested on each beside it
    rl_5      <= rate_on_4 && (!dt_pos_4 ? tok_low_4 : clamp ? cap_low_4
                                                     : $signed({2'b0, refill_4[63:0]}) < tok_short_4);
    tok_sum_5 <= tokens_4 + refill_4[63:0];
    clamp_5   <= clamp;
    dt_pos_5  <= dt_pos_4;
    rate_on_5 <= rate_on_4;
  end

  // ---- stage 6 ---------------------------------------------------------------------------------------
  logic [7:0]         reason_6;
  logic               tok_6, rl_6;
  logic signed [63:0] tokens_6, refill_ts_6;
  always_ff @(posedge clk_i) begin
    tokens_6    <= !dt_pos_5 ? tokens_5 : clamp_5 ? cap_5 : tok_sum_5;
    refill_ts_6 <= dt_pos_5 ? now_5 : refill_ts_5;
    rl_6        <= rl_5;
    tok_6       <= rate_on_5 && pre_5 == perpgate_wire_pkg::ReasonNone;
    if (pre_5 != perpgate_wire_pkg::ReasonNone)  reason_6 <= pre_5;
    else if (rl_5)                               reason_6 <= perpgate_wire_pkg::ReasonRateLimit;
    else if (early_5[3] || !lot_ok_5)            reason_6 <= perpgate_wire_pkg::ReasonBadQty;
    else if (early_5[2] || !tick_ok_5)           reason_6 <= perpgate_wire_pkg::ReasonBadPrice;
    else if (early_5[1])                         reason_6 <= perpgate_wire_pkg::ReasonNoMark;
    else if (stale_5)                            reason_6 <= perpgate_wire_pkg::ReasonStaleMark;
    else if (band_5)                             reason_6 <= perpgate_wire_pkg::ReasonPriceBand;
    else if (early_5[0])                         reason_6 <= perpgate_wire_pkg::ReasonMaxQty;
    else if (max_not_5)                          reason_6 <= perpgate_wire_pkg::ReasonMaxNotional;
    else if (ro_d[5] ? ro_bad_5 : max_pos_5)     reason_6 <= ro_d[5] ? perpgate_wire_pkg::ReasonReduceOnly
                                                                     : perpgate_wire_pkg::ReasonMaxPosition;
    else if ((!ro_d[5] && no_slot_5) || no_way_5) reason_6 <= perpgate_wire_pkg::ReasonCapacity;
    else                                         reason_6 <= perpgate_wire_pkg::ReasonNone;
  end

  // ---- stages 5-9: the order's IM, rounded up, and the product it comes from ----------------------
  localparam int unsigned ProdW = perpgate_fixed_pkg::RateProdBits;
  /* verilator lint_off UNUSEDSIGNAL */
  logic             im_valid;                                 // v_q[8]: the same cycle
  /* verilator lint_on UNUSEDSIGNAL */
  logic [ProdW-1:0] prod_a_6, prod_b_6;                       // raw x rate + 1e18 - 1 = a + b
  pg_rate_of_notional #(.Latency(5)) u_im (
    .clk_i, .rst_ni, .valid_i (v_q[3]), .raw_i (raw_4), .rate_i (rate_4), .round_up_i (1'b1),
    .valid_o (im_valid), .prod_a_o (prod_a_6), .prod_b_o (prod_b_6), .money_o (im_o)
  );

  // ---- stage 7: the margin test, and the decision leaves -----------------------------------------
  // a + b >= lim (pg_risk_pkg::sum_ge: a carry-save add, one LUT level, then one carry chain)
  `ifndef SYNTHESIS
  initial assert (EqcW + UnitW <= pg_risk_pkg::SumGeW && ProdW <= pg_risk_pkg::SumGeW)
    else $fatal(1, "pg_order_check: the margin compare is wider than pg_risk_pkg::sum_ge");
  `endif
  always_ff @(posedge clk_i) begin
    reason_o    <= reason_6 == perpgate_wire_pkg::ReasonNone && !ro_d[6] &&
                   (eq_neg_6 || pg_risk_pkg::sum_ge(pg_risk_pkg::SumGeW'(prod_a_6), pg_risk_pkg::SumGeW'(prod_b_6),
                                                    pg_risk_pkg::SumGeW'(lim_6)))
                   ? perpgate_wire_pkg::ReasonInsufficientMargin : reason_6;
    tok_upd_o   <= tok_6;                                     // refilled, and taken unless rl
    tokens_o    <= rl_6 ? tokens_6 : tokens_6 - 64'sd1000;
    refill_ts_o <= refill_ts_6;
  end

endmodule

`default_nettype wire
