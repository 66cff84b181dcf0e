// A mark's revaluation lane: one holder a cycle through Engine::refresh_slot (the position's uPnL,
// MM and IM at the new mark, the account's sums moved) and Engine::check_liquidation (equity < MM,
// edge-armed), as a pipeline, the trigger of each holder queued in holder order. The risk core
// (pg_risk_core) walks the symbol's holder bitmap, issues a holder a cycle while ready_o, points the
// slot map and leverage reads at it in the issue cycle, hands in the slot it finds (slot_i) a
// cycle later, and gives the lane the position and account read ports and the write ports while
// the walk runs. Every holder is a different account, so no stage waits for another.
//
// Stages (cycle after the issue; values registered at the end of each):
//    1      slot found, leverage read: the position's read at (holder, slot)
//    2      the position: the worst-case quantity
//    3-9    |qty| x mark and worst x mark (two pg_mul)
//    10     MM raw, IM raw, uPnL (0 without a mark); the account's read
//    11     both tiers; the account: its new uPnL sum
//    12     the tiers' rates and maintenance amount; the floor of the uPnL sum starts (pg_money_floor)
//    13-17  MM and IM through two pg_rate_of_notional (Latency 5: at 4 its last stage maps 9 LUT
//           levels deep, as in pg_order_check)
//    18     MM less the maintenance amount (at least 0), IM; the floor is there
//    19     the account's sums and the slot's caches; the equity
//    20     equity < MM: trigger if armed (disarm), else re-arm; written back, the trigger queued
//           (a holder with no slot of the symbol: passed by, neither)
// ready_o keeps room in the trigger queue for every holder in flight, so the pipeline never
// stalls: the queue drains into the core's venue and desk channels as they free.
`default_nettype none

module pg_reval_lane #(
  parameter int unsigned Accounts = 1024,
  parameter int unsigned Slots    = 8,
  parameter int unsigned LiqDepth = 32           // triggers queued and holders in flight, at most
) (
  input  wire logic                               clk_i,
  // (the assertions below sample it beside the asynchronous reset)
  /* verilator lint_off SYNCASYNCNET */
  input  wire logic                               rst_ni,
  /* verilator lint_on SYNCASYNCNET */
  // the walk's symbol: its mark, tier count, IM rate and tiers, unchanged while busy_o
  input  wire logic signed [63:0]                 mark_i,
  input  wire logic [4:0]                         tier_count_i,
  input  wire logic [26:0]                        sym_imr_i,
  input  wire logic [16*pg_risk_pkg::TierBits-1:0] tiers_i,
  // a holder in
  input  wire logic                               valid_i,
  output      logic                               ready_o,
  input  wire logic [$clog2(Accounts)-1:0]        acct_i,
  // a cycle after the issue: the slot map's slot of the symbol (bit LW: none) and the leverage rate
  input  wire logic [(Slots > 1 ? $clog2(Slots) : 1):0] slot_i,
  input  wire logic [26:0]                        imr_rd_i,
  // the position read (stage 1 -> 2) and the account read (stage 10 -> 11)
  output      logic [$clog2(Accounts)+(Slots > 1 ? $clog2(Slots) : 1)-1:0] pos_ra_o,
  input  wire logic [pg_risk_pkg::PosBits-1:0]    pos_rd_i,
  output      logic [$clog2(Accounts)-1:0]        acct_ra_o,
  input  wire logic [pg_risk_pkg::AcctBits-1:0]   acct_rd_i,
  // write-back (stage 20): the account and the position
  output      logic                               we_o,
  output      logic [$clog2(Accounts)-1:0]        wa_o,
  output      logic [$clog2(Accounts)+(Slots > 1 ? $clog2(Slots) : 1)-1:0] pos_wa_o,
  output      logic [pg_risk_pkg::AcctBits-1:0]   acct_wd_o,
  output      logic [pg_risk_pkg::PosBits-1:0]    pos_wd_o,
  // triggers, in holder order: the account, its equity and MM
  output      logic                               liq_valid_o,
  input  wire logic                               liq_ready_i,
  output      logic [$clog2(Accounts)-1:0]        liq_acct_o,
  output      logic signed [127:0]                liq_eq_o,
  output      logic signed [127:0]                liq_mm_o,
  output      logic                               done_o,    // a holder leaves stage 20 (written or passed by)
  output      logic                               busy_o     // a holder in flight or a trigger queued
);

  localparam int unsigned AW     = $clog2(Accounts);
  localparam int unsigned LW     = Slots > 1 ? $clog2(Slots) : 1;
  localparam int unsigned TierW  = pg_risk_pkg::TierBits;
  localparam int unsigned TierRW = pg_risk_pkg::TierMmBits;
  localparam int unsigned MulLat = 7;            // pg_mul
  localparam int unsigned RonLat = 5;            // pg_rate_of_notional
  localparam int unsigned FlLat  = 5;            // pg_money_floor
  localparam int unsigned CntW   = $clog2(LiqDepth + 1);
  localparam int unsigned QW     = $clog2(LiqDepth);
  localparam int unsigned LiqW   = AW + 256;

`ifndef SYNTHESIS
  initial begin
    assert (LiqDepth >= 2 && (LiqDepth & (LiqDepth - 1)) == 0) else $fatal(1, "LiqDepth: a power of 2");
    // stage 13 starts the rates and the floor (its operand registered at the end of 12); 18 takes both
    assert (13 + RonLat == 18 && 13 + FlLat == 18) else $fatal(1, "pg_reval_lane: unit latencies");
  end
`endif

  // ---- stage 1: the position's address -------------------------------------------------------
  logic          v1_q;
  logic [AW-1:0] a1_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v1_q <= 1'b0;
    else         v1_q <= valid_i && ready_o;
  end
  always_ff @(posedge clk_i) a1_q <= acct_i;
  assign pos_ra_o = {a1_q, slot_i[LW-1:0]};

  // the larger of the account's and the symbol's IM rates (Engine's initial_margin), with the
  // holder, its slot: what the stages after the products carry
  logic          v2_q;
  logic [AW-1:0] a2_q;
  logic [LW-1:0] slot2_q;
  logic [26:0]   imr2_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v2_q <= 1'b0;
    else         v2_q <= v1_q;
  end
  always_ff @(posedge clk_i) begin
    a2_q    <= a1_q;
    slot2_q <= slot_i[LW-1:0];
    imr2_q  <= imr_rd_i > sym_imr_i ? imr_rd_i : sym_imr_i;
  end
  // A holder with no slot of the symbol (a fill or cancel taken while the walk was suspended
  // closed its last interest in it after the walk read its holder word) goes down the pipeline
  // like any, so that holders leave in issue order one a cycle, and is passed by at stage 20: no
  // write, no trigger (Engine::walk_step). Every stage advances each cycle (fixed latencies), so
  // its flag rides a shift register beside the stages: entered at stage 1, read at stage 20.
  localparam int unsigned LiveLen = 19;
  logic [LiveLen-1:0] live_sr_q, v_sr_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      live_sr_q <= '0;
      v_sr_q    <= '0;
    end else begin
      live_sr_q <= {live_sr_q[LiveLen-2:0], v1_q && !slot_i[LW]};
      v_sr_q    <= {v_sr_q[LiveLen-2:0], v1_q};
    end
  end
  logic live20;
  assign live20 = live_sr_q[LiveLen-1];

  // ---- stage 2: the position and its worst case ----------------------------------------------
  pg_risk_pkg::pos_t pos_rd, pos3_q;
  assign pos_rd = pos_rd_i;
  logic          v3_q;
  logic [63:0]   worst3_q;
  logic [AW+LW+27-1:0] ctx3_q;                  // holder, slot, IM rate
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v3_q <= 1'b0;
    else         v3_q <= v2_q;
  end
  always_ff @(posedge clk_i) begin
    pos3_q   <= pos_rd;
    worst3_q <= pg_risk_pkg::worst_of(pos_rd.qty + pos_rd.ob, pos_rd.qty - pos_rd.os);
    ctx3_q   <= {a2_q, slot2_q, imr2_q};
  end

  // ---- stages 3-9: the two products ----------------------------------------------------------
  logic mul_a_valid, mul_b_valid;
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [191:0] mul_a_p, mul_b_p;         // no product here needs more than 128 bits
  /* verilator lint_on UNUSEDSIGNAL */
  logic [63:0] qty_abs3;
  assign qty_abs3 = pos3_q.qty < 0 ? -pos3_q.qty : pos3_q.qty;
  pg_mul u_mul_mm (
    .clk_i, .rst_ni, .valid_i (v3_q), .a_i (128'(qty_abs3)), .b_i (mark_i),
    .valid_o (mul_a_valid), .p_o (mul_a_p)
  );
  pg_mul u_mul_im (
    .clk_i, .rst_ni, .valid_i (v3_q), .a_i (128'(worst3_q)), .b_i (mark_i),
    .valid_o (mul_b_valid), .p_o (mul_b_p)
  );
  // what the products' stages carry beside them
  logic [pg_risk_pkg::PosBits-1:0] pos10;
  logic [AW+LW+27-1:0]             ctx10;
  pg_delay #(.W(pg_risk_pkg::PosBits + AW + LW + 27), .N(MulLat)) u_carry_mul (
    .clk_i, .d_i ({pos3_q, ctx3_q}), .q_o ({pos10, ctx10})
  );

  // ---- stage 10: the raw notionals and the uPnL; the account's read --------------------------
  pg_risk_pkg::pos_t pos10_s, pos11_q;
  assign pos10_s = pos10;
  logic                v11_q;
  logic signed [127:0] t0_11_q, t1_11_q, t2_11_q;   // MM raw, IM raw, uPnL
  logic [AW+LW+27-1:0] ctx11_q;
  logic                has_mark;
  assign has_mark = mark_i > 0;
  assign acct_ra_o = ctx10[LW+27 +: AW];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v11_q <= 1'b0;
    else         v11_q <= mul_a_valid;
  end
  logic signed [127:0] pa, pb;                  // the products' low 128 bits
  assign pa = mul_a_p[127:0];
  assign pb = mul_b_p[127:0];
  always_ff @(posedge clk_i) begin
    t0_11_q <= has_mark ? pa : '0;
    t1_11_q <= has_mark ? pb : '0;
    t2_11_q <= has_mark ? (pos10_s.qty < 0 ? -pa : pa) - pos10_s.cost : '0;
    pos11_q <= pos10_s;
    ctx11_q <= ctx10;
  end
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) if (rst_ni) assert (mul_a_valid == mul_b_valid);
`endif

  // ---- stage 11: the tiers; the account, and the floor of its new uPnL started -----------------
  pg_risk_pkg::acct_t acct11, acct12_q;
  assign acct11 = acct_rd_i;
  logic                v12_q;
  logic [3:0]          ti0_12_q, ti1_12_q;
  logic [113:0]        t0_12_q, t1_12_q;        // the raw notionals, below 2^114
  logic signed [127:0] t2_12_q, fl_u_12_q;
  pg_risk_pkg::pos_t   pos12_q;
  logic [AW+LW+27-1:0] ctx12_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v12_q <= 1'b0;
    else         v12_q <= v11_q;
  end
  always_ff @(posedge clk_i) begin
    ti0_12_q  <= pg_risk_pkg::tier_index(tiers_i, tier_count_i, t0_11_q);
    ti1_12_q  <= pg_risk_pkg::tier_index(tiers_i, tier_count_i, t1_11_q);
    fl_u_12_q <= acct11.upnl + t2_11_q - pos11_q.upnl;
    acct12_q  <= acct11;
    t0_12_q   <= t0_11_q[113:0];
    t1_12_q   <= t1_11_q[113:0];
    t2_12_q   <= t2_11_q;
    pos12_q   <= pos11_q;
    ctx12_q   <= ctx11_q;
  end
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [127:0] fl_money;                  // floor(fl_u / 1e10), five cycles on: stage 18 (acct_t.upf: 96 bits)
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [127:0] fl_u_13_q;
  always_ff @(posedge clk_i) fl_u_13_q <= fl_u_12_q;
  pg_money_floor u_floor (.clk_i, .u_i (fl_u_13_q), .q_o (fl_money));

  // ---- stage 12: the tiers' rates --------------------------------------------------------------
  logic [16*TierRW-1:0] tier_rates;
  logic [16*27-1:0]     tier_imrs;
  always_comb begin
    for (int unsigned k = 0; k < 16; k++) begin
      tier_rates[k*TierRW +: TierRW] = tiers_i[k*TierW + 27 +: TierRW];
      tier_imrs[k*27 +: 27] = tiers_i[k*TierW +: 27];
    end
  end
  pg_risk_pkg::tier_mm_t tier_e0;
  logic [26:0]           tier_e1_imr;
  pg_index_mux #(.N(16), .W(TierRW)) u_tier_e0 (.data_i (tier_rates), .idx_i (ti0_12_q), .data_o (tier_e0));
  pg_index_mux #(.N(16), .W(27)) u_tier_e1 (.data_i (tier_imrs), .idx_i (ti1_12_q), .data_o (tier_e1_imr));
  logic                v13_q;
  logic [26:0]         rate0_13_q, rate1_13_q;
  logic signed [127:0] maint13_q;
  logic [113:0]        t0_13_q, t1_13_q;        // the raw notionals, below 2^114
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v13_q <= 1'b0;
    else         v13_q <= v12_q;
  end
  always_ff @(posedge clk_i) begin
    rate0_13_q <= tier_e0.mmr;
    rate1_13_q <= tier_e1_imr > ctx12_q[26:0] ? tier_e1_imr : ctx12_q[26:0];
    maint13_q  <= $signed(128'(tier_e0.maint));
    t0_13_q    <= t0_12_q;
    t1_13_q    <= t1_12_q;
  end
  // what stages 12-18 carry: the account, the position, the uPnL, the holder
  logic [pg_risk_pkg::AcctBits-1:0] acct18;
  logic [pg_risk_pkg::PosBits-1:0]  pos18;
  logic signed [127:0]              t2_18;
  logic [AW+LW-1:0]                 ctx18;
  pg_delay #(.W(pg_risk_pkg::AcctBits + pg_risk_pkg::PosBits + 128 + AW + LW), .N(RonLat + 1)) u_carry_rates (
    .clk_i, .d_i ({acct12_q, pos12_q, t2_12_q, ctx12_q[27 +: AW+LW]}), .q_o ({acct18, pos18, t2_18, ctx18})
  );
  logic signed [127:0] maint18;
  pg_delay #(.W(128), .N(RonLat)) u_carry_maint (.clk_i, .d_i (maint13_q), .q_o (maint18));

  // ---- stages 13-17: MM and IM, rounded up ----------------------------------------------------
  logic          ron_mm_valid, ron_im_valid;
  logic [127:0]  ron_mm, ron_im;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [perpgate_fixed_pkg::RateProdBits-1:0] ron_mm_a, ron_mm_b, ron_im_a, ron_im_b;
  /* verilator lint_on UNUSEDSIGNAL */
  pg_rate_of_notional #(.Latency (RonLat)) u_ron_mm (
    .clk_i, .rst_ni, .valid_i (v13_q), .raw_i (t0_13_q), .rate_i (rate0_13_q), .round_up_i (1'b1),
    .valid_o (ron_mm_valid), .prod_a_o (ron_mm_a), .prod_b_o (ron_mm_b), .money_o (ron_mm)
  );
  pg_rate_of_notional #(.Latency (RonLat)) u_ron_im (
    .clk_i, .rst_ni, .valid_i (v13_q), .raw_i (t1_13_q), .rate_i (rate1_13_q), .round_up_i (1'b1),
    .valid_o (ron_im_valid), .prod_a_o (ron_im_a), .prod_b_o (ron_im_b), .money_o (ron_im)
  );
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) if (rst_ni) assert (ron_mm_valid == ron_im_valid);
`endif

  // ---- stage 18: MM less the maintenance amount, IM; the floor --------------------------------
  logic                v19_q;
  logic signed [127:0] mm19_q, im19_q, t2_19_q;
  logic signed [95:0]  upf19_q;
  pg_risk_pkg::acct_t  acct19_q;
  pg_risk_pkg::pos_t   pos19_q;
  logic [AW+LW-1:0]    ctx19_q;
  logic signed [127:0] mm_less;
  assign mm_less = $signed(ron_mm) - maint18;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v19_q <= 1'b0;
    else         v19_q <= ron_mm_valid;
  end
  always_ff @(posedge clk_i) begin
    mm19_q   <= (mm_less < 0 || !has_mark) ? '0 : mm_less;
    im19_q   <= has_mark ? $signed(ron_im) : '0;
    upf19_q  <= fl_money[95:0];
    t2_19_q  <= t2_18;
    acct19_q <= acct18;
    pos19_q  <= pos18;
    ctx19_q  <= ctx18;
  end

  // ---- stage 19: the sums, the caches, the equity ----------------------------------------------
  logic                v20_q;
  pg_risk_pkg::acct_t  acct_n, acct20_q;
  pg_risk_pkg::pos_t   pos_n, pos20_q;
  logic signed [127:0] eq20_q;
  logic [AW+LW-1:0]    ctx20_q;
  always_comb begin
    acct_n = acct19_q;
    acct_n.upnl = acct19_q.upnl + t2_19_q - pos19_q.upnl;
    acct_n.upf  = upf19_q;
    acct_n.mm   = acct19_q.mm + mm19_q - pos19_q.mm;
    acct_n.im   = acct19_q.im + im19_q - pos19_q.im;
    pos_n = pos19_q;
    pos_n.upnl = t2_19_q;
    pos_n.mm   = mm19_q;
    pos_n.im   = im19_q;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) v20_q <= 1'b0;
    else         v20_q <= v19_q;
  end
  always_ff @(posedge clk_i) begin
    acct20_q <= acct_n;
    pos20_q  <= pos_n;
    eq20_q   <= $signed(128'(acct19_q.coll)) + $signed(128'(upf19_q));
    ctx20_q  <= ctx19_q;
  end

  // ---- stage 20: the trigger, the write-back ---------------------------------------------------
  pg_risk_pkg::acct_t acct_wd;
  logic               crosses, fires;
  assign crosses = eq20_q < acct20_q.mm;
  assign fires   = v20_q && live20 && crosses && acct20_q.liq_armed;
  always_comb begin
    acct_wd = acct20_q;
    acct_wd.liq_armed = !crosses;                // disarmed as it fires or while under; re-armed when healthy
  end
  assign we_o      = v20_q && live20;
  assign done_o    = v20_q;
  assign wa_o      = ctx20_q[LW +: AW];
  assign pos_wa_o  = ctx20_q;
  assign acct_wd_o = acct_wd;
  assign pos_wd_o  = pos20_q;

  // ---- the trigger queue and the room it keeps ------------------------------------------------
  logic [LiqW-1:0] liq_mem [LiqDepth];
  logic [QW-1:0]   wr_q, rd_q;
  logic [CntW-1:0] queued_q, flight_q;
  logic            issue, pop;
  assign issue = valid_i && ready_o;
  assign pop   = liq_valid_o && liq_ready_i;
  always_ff @(posedge clk_i) if (fires) liq_mem[wr_q] <= {ctx20_q[LW +: AW], eq20_q, acct20_q.mm};
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_q <= '0;
      rd_q <= '0;
      queued_q <= '0;
      flight_q <= '0;
    end else begin
      if (fires) wr_q <= wr_q + QW'(1);
      if (pop)   rd_q <= rd_q + QW'(1);
      queued_q <= queued_q + CntW'(fires) - CntW'(pop);
      flight_q <= flight_q + CntW'(issue) - CntW'(v20_q);
    end
  end
  assign {liq_acct_o, liq_eq_o, liq_mm_o} = liq_mem[rd_q];
  assign liq_valid_o = queued_q != '0;
  // registered terms only: a holder issued now may still find its trigger's place
  assign ready_o = 32'(queued_q) + 32'(flight_q) < LiqDepth;
  assign busy_o  = queued_q != '0 || flight_q != '0;

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (32'(queued_q) + 32'(flight_q) <= LiqDepth);
      assert (v_sr_q[LiveLen-1] == v20_q);       // the live flag rides in step with the stages
    end
  end
`endif

endmodule

`default_nettype wire
