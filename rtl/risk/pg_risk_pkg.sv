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
    logic                liq_armed;
    logic signed [63:0]  coll;        // money
    logic signed [127:0] upnl;        // sum of position uPnL, raw notional units
    logic signed [127:0] mm;          // sum of position MM, money
    logic signed [127:0] im;          // sum of position IM, money
    logic signed [63:0]  max_rate;    // orders per second, 0: unlimited
    logic signed [63:0]  tokens;      // thousandths of an order
    logic signed [63:0]  refill_ts;
  } acct_t;
  localparam int unsigned AcctBits = 3 + 64 + 3 * 128 + 3 * 64;   // $bits(acct_t), spelled out for yosys

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
  // A tier without its floor: the low bits of tier_t, what a margin computation reads.
  typedef struct packed {
    logic [26:0] mmr;
    logic [63:0] maint;
    logic [26:0] imr;
  } tier_rates_t;
  localparam int unsigned TierRateBits = 27 + 64 + 27;     // $bits(tier_rates_t)

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

endpackage
/* verilator lint_on UNUSEDPARAM */
