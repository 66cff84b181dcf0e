// Table entry layouts of the risk core (pg_risk_core) and the control commands it takes. The
// fields mirror hls/include/perpgate/state.hpp; widths are the golden model's (i64 -> 64, i128 ->
// 128), so every value the model can hold, the RTL holds.
/* verilator lint_off UNUSEDPARAM */
package pg_risk_pkg;

  localparam int unsigned MaxTiers  = 16;
  localparam int unsigned SlotBits  = 16;   // slot map entry: bit 15 used, bits 11:0 symbol

  typedef struct packed {
    logic                exists;
    logic                killed;
    logic                kill_hard;   // killed for reduce-only orders too
    logic                liq_armed;
    logic signed [63:0]  coll;        // money
    logic signed [127:0] upnl;        // sum of position uPnL, raw notional units
    logic signed [95:0]  upf;         // floor(upnl / 1e10), money: written with upnl, so that the
                                      // order check reads its equity without a division
    logic signed [127:0] mm;          // sum of position MM, money
    logic signed [127:0] im;          // sum of position IM, money
    logic signed [63:0]  max_rate;    // orders per second, 0: unlimited
    logic signed [63:0]  tokens;      // thousandths of an order
    logic signed [63:0]  refill_ts;
  } acct_t;
  localparam int unsigned AcctBits = 4 + 64 + 3 * 128 + 96 + 3 * 64;   // $bits(acct_t), spelled out for yosys

  typedef struct packed {
    logic signed [63:0]  qty;
    logic signed [127:0] cost;
    logic signed [63:0]  ob;          // open buy, open sell, reduce-only buy, reduce-only sell
    logic signed [63:0]  os;
    logic signed [63:0]  rb;
    logic signed [63:0]  rs;
    logic signed [127:0] upnl;        // caches at the current mark
    logic signed [127:0] mm;
    logic signed [127:0] im;
  } pos_t;
  localparam int unsigned PosBits = 64 + 128 + 4 * 64 + 3 * 128;   // $bits(pos_t)

  typedef struct packed {
    logic [95:0] floor_raw;           // tier floor x 1e10: compared with raw notionals directly
    logic [26:0] mmr;
    logic [63:0] maint;
    logic [26:0] imr;                 // ceil(1e8 / tier max_lev), 0: no cap
  } tier_t;
  localparam int unsigned TierBits = 96 + 27 + 64 + 27;   // $bits(tier_t), spelled out for yosys
  // A tier's maintenance terms: the middle fields of tier_t, what the refresh reads.
  typedef struct packed {
    logic [26:0] mmr;
    logic [63:0] maint;
  } tier_mm_t;
  localparam int unsigned TierMmBits = 27 + 64;            // $bits(tier_mm_t)

  // Symbol configuration with what the core derives from it at commit: initial margin rates
  // instead of leverages, and exact divisibility tests instead of divisions for tick and lot
  // (n divisible by d = d0 x 2^k  <=>  rotr(n x inv(d0), k) <= floor((2^64 - 1) / d)).
  typedef struct packed {
    logic         defined;
    logic         local_mark;
    logic [4:0]   tier_count;
    logic [26:0]  imr;                // ceil(1e8 / max_lev)
    logic [63:0]  tick;
    logic [63:0]  tick_inv;
    logic [63:0]  tick_lim;
    logic [5:0]   tick_shift;
    logic [63:0]  lot;
    logic [63:0]  lot_inv;
    logic [63:0]  lot_lim;
    logic [5:0]   lot_shift;
    logic [63:0]  band;
    logic [63:0]  max_qty;
    logic [63:0]  max_notional;
    logic [63:0]  max_pos;
    logic [63:0]  ema_ms;
    logic [63:0]  stale_ms;
  } cfg_t;
  localparam int unsigned CfgBits = 1 + 1 + 5 + 27 + 12 * 64 + 2 * 6;   // $bits(cfg_t)

  typedef struct packed {
    logic signed [63:0]  mark;
    logic signed [63:0]  mark_ts;
    logic signed [63:0]  index;       // local-mark inputs, 0: not seen yet
    logic signed [63:0]  bid;
    logic signed [63:0]  ask;
    logic signed [63:0]  last;
    logic signed [63:0]  ext;
    logic signed [127:0] ema_num;
    logic signed [63:0]  ema_den;
    logic signed [63:0]  ema_ts;
  } sst_t;
  localparam int unsigned SstBits = 9 * 64 + 128;                  // $bits(sst_t)

  typedef struct packed {
    logic               valid;
    logic               buy;
    logic               ro;
    logic [63:0]        id;
    logic [19:0]        acct;
    logic [3:0]         slot;
    logic signed [63:0] rem;
  } ord_t;
  localparam int unsigned OrdBits = 3 + 64 + 20 + 4 + 64;  // $bits(ord_t)
  localparam int unsigned OrdValidBit = OrdBits - 1;        // ord_t.valid
  localparam int unsigned OrdIdLsb = 20 + 4 + 64;           // ord_t.id: [OrdIdLsb +: 64]

  // The commands' argument range tests of an event (pg_ev_decode), held beside it in the core.
  typedef struct packed {
    logic w0_all;       // kill: w0 is all ones (every account)
    logic w0_acct;      // create_account: w0 < Accounts
    logic w0_sym_out;   // symbol_commit: w0 >= Symbols
    logic w2_lev_out;   // set_leverage: w2 outside 1 to LevMax
    logic w3_rate_out;  // funding: |w3| > RateMax
    logic w3_px_out;    // mark, index, trade: price (w3) outside 0 to PxMax; book top: its bid
    logic w4_px_out;    // book top: its ask (w4) outside 0 to PxMax
  } ev_flags_t;
  localparam int unsigned EvFlagsBits = 7;                 // $bits(ev_flags_t)

  // Helpers of the core and the order check (pg_risk_core, pg_order_check), one definition each.
  // x * 1000 mod 2^64 as shifts and adds (1000 = 1024 - 16 - 8): cheaper than a multiplier.
  function automatic logic [63:0] times1000(input logic [63:0] x);
    times1000 = (x << 10) - (x << 4) - (x << 3);
  endfunction
  // v rotated right by k (the divisibility test: see cfg_t).
  function automatic logic [63:0] rotr64(input logic [63:0] v, input logic [5:0] k);
    rotr64 = (v >> k) | (v << (7'd64 - {1'b0, k}));
  endfunction
  // The highest set bit of a thermometer code (bits 0..k set), one-hot. Which tiers a raw notional
  // reaches is one: tier 0 always, floors strictly ascending (symbol_config_error in margin.hpp)
  // and only tiers below the count. No priority chain: each bit looks at its neighbour.
  function automatic logic [15:0] thermo_top(input logic [15:0] ge);
    thermo_top = ge & ~(ge >> 1);
  endfunction
  // Index of the tier for raw notional `raw`: the highest floor <= raw among the first `count`.
  function automatic logic [3:0] tier_index(input logic [16*TierBits-1:0] t, input logic [4:0] count,
                                            input logic [127:0] raw);
    logic [15:0] ge, top;
    ge[0] = 1'b1;
    for (int unsigned i = 1; i < 16; i++)
      // floor_raw is the tier's leading field
      ge[i] = 5'(i) < count && {32'd0, t[i*TierBits + TierBits - 96 +: 96]} <= raw;
    top = thermo_top(ge);              // the last tier reached, one-hot
    tier_index = 4'd0;
    for (int unsigned i = 1; i < 16; i++) tier_index = tier_index | (top[i] ? 4'(i) : 4'd0);
  endfunction
  // The 27-bit field of v (16 side by side) at the highest set bit of a thermometer code: a binary
  // search (ge[8] picks the upper half, ge[4] or ge[12] its upper quarter, and so on), four levels
  // of 2:1 muxes on the code itself, no one-hot top first (three LUT levels in yosys, in the order
  // check's tier stage). (ge[0] is always set: tier 0.)
  function automatic logic [26:0] thermo_pick(input logic [15:0] ge, input logic [16*27-1:0] v);
    logic [8*27-1:0] r8;
    logic [4*27-1:0] r4;
    logic [2*27-1:0] r2;
    for (int unsigned k = 0; k < 8; k++) r8[k*27 +: 27] = ge[2*k+1] ? v[(2*k+1)*27 +: 27] : v[2*k*27 +: 27];
    for (int unsigned k = 0; k < 4; k++) r4[k*27 +: 27] = ge[4*k+2] ? r8[(2*k+1)*27 +: 27] : r8[2*k*27 +: 27];
    for (int unsigned k = 0; k < 2; k++) r2[k*27 +: 27] = ge[8*k+4] ? r4[(2*k+1)*27 +: 27] : r4[2*k*27 +: 27];
    thermo_pick = ge[8] ? r2[27 +: 27] : r2[0 +: 27];
  endfunction
  // a + b >= c for unsigned a, b, c with a + b and c below 2^SumGeW: the sign of a + b + ~c + 1 in
  // SumGeW + 2 bits from one carry-save level (a ^ b ^ ~c and the majorities, one LUT level) and one
  // carry chain, the + 1 in the carry word's free low bit: a compare of a sum that does not wait
  // for the sum (the order check's margin test, on a product's two addends).
  localparam int unsigned SumGeW = 145;
  function automatic logic sum_ge(input logic [SumGeW-1:0] a, input logic [SumGeW-1:0] b,
                                  input logic [SumGeW-1:0] c);
    logic [SumGeW+1:0] x, y, z, s, k, t;
    x = (SumGeW+2)'(a);
    y = (SumGeW+2)'(b);
    z = ~((SumGeW+2)'(c));
    s = x ^ y ^ z;
    k = {(x[SumGeW:0] & y[SumGeW:0]) | (x[SumGeW:0] & z[SumGeW:0]) | (y[SumGeW:0] & z[SumGeW:0]), 1'b1};
    t = s + k;
    sum_ge = !t[SumGeW+1];
  endfunction
  // max(|a|, |b|): the worst case of a position with its open buys (a) or sells (b) filled.
  function automatic logic [63:0] worst_of(input logic signed [63:0] a, input logic signed [63:0] b);
    logic [63:0] x, y;
    x = a < 0 ? -a : a;
    y = b < 0 ? -b : b;
    worst_of = x > y ? x : y;
  endfunction

  // The open-order table's set of an order id (OrderTable::set_of in hls/include/perpgate/
  // order_table.hpp): h = id x OrderHashMul mod 2^64, set = (h ^ (h >> 29)) mod sets. The set's
  // SetW bits need only the product's low SetW + 29 bits: pg_msg_rx computes
  // them as the id arrives, so that the core reads the set in the cycle it takes the order.
  localparam logic [63:0]  OrderHashMul   = 64'h9E37_79B9_7F4A_7C15;
  localparam int unsigned  OrderHashShift = 29;
  function automatic logic [63:0] order_hash_mix(input logic [63:0] h);
    order_hash_mix = h ^ (h >> OrderHashShift);
  endfunction

  // The 43-bit partial products of a wide operand's first n 26-bit slices with one 17-bit slice
  // of the narrow operand, side by side (slice i at PpW i; those from n on are 0): one DSP48E2
  // each. A caller registers the whole row, so that the simulator copies words rather than
  // inserting each product into the register at a run-time offset.
  function automatic logic [PpMax*PpW-1:0] pp_slices(input logic [26*PpMax-1:0] a, input logic [16:0] b,
                                                      input int unsigned n);
    pp_slices = '0;
    for (int unsigned i = 0; i < PpMax; i++) begin
      if (i < n) pp_slices[PpW*i +: PpW] = PpW'(a[26*i +: 26]) * PpW'(b);
    end
  endfunction

  // One row of a wide product: the 43-bit partial products of a wide operand's 26-bit slices with
  // one 17-bit slice of the narrow operand (one DSP48E2 each, unsigned inside its signed 27 x 18),
  // summed at 26 i. The even slices sit 52 bits apart and a product is 43 bits wide, so they go
  // side by side without an adder; so do the odd ones: one add makes the row. pg_mul and
  // pg_rate_of_notional build their rows with it; a caller keeps the low bits it needs.
  localparam int unsigned PpW     = 43;                       // 26 + 17
  localparam int unsigned PpMax   = 8;                        // slices of the wide operand, at most
  localparam int unsigned PpRowW  = 26 * (PpMax - 1) + PpW + 1;
  function automatic logic [PpRowW-1:0] pp_row(input logic [PpMax*PpW-1:0] pp, input int unsigned n);
    logic [PpRowW-1:0] even;
    logic [PpRowW-1:0] odd;
    even = '0;
    odd = '0;
    for (int unsigned i = 0; i < PpMax; i++) begin
      if (i < n) begin
        if (i % 2 == 0) even[26*i +: PpW] = pp[PpW*i +: PpW];
        else            odd[26*i +: PpW] = pp[PpW*i +: PpW];
      end
    end
    pp_row = even + odd;
  endfunction

endpackage
/* verilator lint_on UNUSEDPARAM */
