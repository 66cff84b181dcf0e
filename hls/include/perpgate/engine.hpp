// The risk engine: the golden model of perpgate and its CPU backend. Events are applied one at a
// time, in arrival order; each kernel below handles one kind of event and reports what it decides
// through a sink (ack, reject, liquidate, ...). Fixed-size tables, bounded loops, integer fixed
// point: the same code is synthesizable with Vitis HLS and is what the RTL is proven against.
//
// Sink interface (a template parameter, so the CPU build inlines it):
//   ack(id)  reject(id, Reason)  canceled(id)  liquidate(acct, equity, mm)  mark(sym, px)
//   withdraw(acct, amount, ok)  account(acct, const AccountView<P>&)  error(const char* msg)
#pragma once

#include "perpgate/events.hpp"
#include "perpgate/fill.hpp"
#include "perpgate/fixed_point.hpp"
#include "perpgate/local_mark.hpp"
#include "perpgate/margin.hpp"
#include "perpgate/order_table.hpp"
#include "perpgate/params.hpp"
#include "perpgate/reason.hpp"
#include "perpgate/state.hpp"

namespace perpgate {

template <class P = DefaultParams>
class Engine {
  static_assert(params_valid<P>(), "invalid capacity parameters");

 public:
  using Params = P;
  static constexpr int kHolderWords = (P::kAccounts + 63) / 64;

  // ---------------------------------------------------------------- control plane ------------
  template <class S>
  void define_symbol(int s, const SymbolConfig& cfg, S& out) {
    if (s < 0 || s >= P::kSymbols) return out.error(error_text(EngineError::kSymbolTableFull));
    if (const char* why = symbol_config_error(cfg)) return out.error(why);
    Symbol& y = sym_[s];
    const bool update = y.defined;
    y.defined = true;
    y.cfg = cfg;
    // Tiers, leverage caps or limits may have changed: revalue everyone holding the symbol.
    if (update) revalue_symbol(s, out);
  }

  template <class S>
  void create_account(int a, i64 collateral, S& out) {
    if (a < 0 || a >= P::kAccounts) return out.error(error_text(EngineError::kAccountTableFull));
    Account<P>& acc = acct_[a];
    if (acc.exists) return out.error(error_text(EngineError::kAccountExists));
    acc = Account<P>{};
    acc.exists = true;
    acc.collateral = collateral;
  }

  template <class S>
  void set_leverage(int a, int s, i64 lev, S& out) {
    if (!account_ok(a)) return out.error(error_text(EngineError::kUnknownAccount));
    if (!symbol_ok(s)) return out.error(error_text(EngineError::kUnknownSymbolInLev));
    if (lev < 1 || lev > kLevMax) return out.error(error_text(EngineError::kLeverageRange));
    Account<P>& acc = acct_[a];
    acc.lev[s] = static_cast<std::uint16_t>(lev);
    const int slot = find_slot(acc, s);
    if (slot >= 0) refresh_slot(acc, slot);
  }

  // Orders per second for the account's token bucket (burst: one second's worth); 0: unlimited.
  void set_rate_limit(int a, i64 per_second) {
    if (!account_ok(a)) return;
    Account<P>& acc = acct_[a];
    acc.max_rate = per_second;
    acc.tokens_milli = per_second * 1000;
    acc.refill_ts = now_;
  }

  template <class S>
  void deposit(int a, i64 amount, S& out) {
    if (!account_ok(a)) return out.error(error_text(EngineError::kUnknownAccount));
    Account<P>& acc = acct_[a];
    if (i128{acc.collateral} + amount > kMoneyMax) return out.error(error_text(EngineError::kDepositOverflow));
    acc.collateral += amount;
    check_liquidation(a, out);
  }

  // Refused when it would leave equity below IM, or take more than the collateral (unrealised
  // profit is not withdrawable).
  template <class S>
  void withdraw(int a, i64 amount, S& out) {
    if (!account_ok(a)) return out.error(error_text(EngineError::kUnknownAccount));
    Account<P>& acc = acct_[a];
    const bool ok = amount <= acc.collateral && equity(acc) - amount >= acc.im_sum;
    if (ok) acc.collateral -= amount;
    out.withdraw(a, amount, ok);
    // Equity >= IM does not imply equity >= MM for every tier table (mmr may exceed 1/lev).
    if (ok) check_liquidation(a, out);
  }

  void kill(int a, KillMode m) {
    if (!account_ok(a)) return;
    acct_[a].killed = m != KillMode::kOff;
    acct_[a].kill_hard = m == KillMode::kHard;
  }
  void kill_all(KillMode m) {
    killed_all_ = m != KillMode::kOff;
    kill_all_hard_ = m == KillMode::kHard;
  }

  // Engine time: the latest event timestamp seen (ms); never goes back.
  void advance_clock(i64 ts) {
    if (ts > now_) now_ = ts;
  }

  // ---------------------------------------------------------------- market data --------------
  // A market price is 0 ("none": no mark, an input of the local mark not seen) up to the price
  // bound; the wire carries any i64, and past the bound the margin and local-mark arithmetic
  // would leave the widths it is sized for.
  static constexpr bool market_px_ok(i64 px) { return px >= 0 && px <= kPxMax; }

  template <class S>
  void on_mark(int s, i64 px, S& out) {
    if (!symbol_ok(s)) return out.error(error_text(EngineError::kUnknownSymbol));
    if (!market_px_ok(px)) return out.error(error_text(EngineError::kMarketPriceRange));
    Symbol& y = sym_[s];
    if (y.cfg.local_mark) {
      y.local.external = px;
      return update_local_mark(s, out);
    }
    y.mark = px;
    y.mark_ts = now_;
    market_revalue(s, out);
  }

  template <class S>
  void on_index(int s, i64 px, S& out) {
    if (!symbol_ok(s)) return out.error(error_text(EngineError::kUnknownSymbol));
    if (!market_px_ok(px)) return out.error(error_text(EngineError::kMarketPriceRange));
    sym_[s].local.index = px;
    on_local_input(s, out);
  }
  template <class S>
  void on_book(int s, i64 bid, i64 ask, S& out) {
    if (!symbol_ok(s)) return out.error(error_text(EngineError::kUnknownSymbol));
    if (!market_px_ok(bid) || !market_px_ok(ask)) return out.error(error_text(EngineError::kMarketPriceRange));
    sym_[s].local.bid = bid;
    sym_[s].local.ask = ask;
    on_local_input(s, out);
  }
  template <class S>
  void on_trade(int s, i64 px, S& out) {
    if (!symbol_ok(s)) return out.error(error_text(EngineError::kUnknownSymbol));
    if (!market_px_ok(px)) return out.error(error_text(EngineError::kMarketPriceRange));
    sym_[s].local.last = px;
    on_local_input(s, out);
  }

  // Funding: collateral -= qty x mark x rate for every position in the symbol (longs pay when
  // rate > 0). A payment rounds up, a receipt rounds down.
  template <class S>
  void on_funding(int s, i64 rate, S& out) {
    if (!symbol_ok(s)) return out.error(error_text(EngineError::kUnknownSymbol));
    // The wire carries any i64: a rate past +-1 is outside rate_of_notional's bounds.
    if (rate < -kRateMax || rate > kRateMax) return out.error(error_text(EngineError::kFundingRateRange));
    const Symbol& y = sym_[s];
    if (y.mark <= 0) return out.error(error_text(EngineError::kFundingBeforeMark));
    for_each_holder(s, [&](int a) {
      Account<P>& acc = acct_[a];
      const Position& p = acc.pos[find_slot(acc, s)];
      if (p.qty == 0) return;
      const i128 raw = i128{abs64(p.qty)} * y.mark;
      const bool pays = (p.qty > 0) == (rate > 0);
      const i128 amount = rate_of_notional(raw, abs64(rate), /*round_up=*/pays);
      if (!add_money_saturating(acc.collateral, pays ? -amount : amount))
        out.error(error_text(EngineError::kFundingSaturated));
      check_liquidation(a, out);
    });
  }

  // ---------------------------------------------------------------- orders -------------------
  template <class S>
  void on_order(const OrderEvent& o, S& out) {
    if (walk_ahead_of(o.acct)) revalue_holder(walk_.sym, o.acct, out);
    i128 im_new = 0;
    const Reason r = check_order(o, im_new);
    if (r != Reason::kNone) return out.reject(o.id, r);
    Account<P>& acc = acct_[o.acct];
    int slot = find_slot(acc, o.sym);
    if (slot < 0) slot = claim_slot(acc, o.acct, o.sym);  // check_order proved one is free
    Position& p = acc.pos[slot];
    if (o.reduce_only) {
      (o.buy ? p.ro_buy : p.ro_sell) += o.qty;
    } else {
      (o.buy ? p.open_buy : p.open_sell) += o.qty;
      acc.im_sum += im_new - p.im;
      p.im = im_new;
    }
    OpenOrder* e = orders_.free_entry(o.id);
    *e = OpenOrder{true, o.buy, o.reduce_only, o.id, o.acct, slot, o.qty};
    orders_.on_insert();
    out.ack(o.id);
  }

  // The pre-trade check. Returns the first failing reason in the order of the Reason enum, and
  // on success the symbol's initial margin with the order included. Consumes a rate-limit token
  // once the order gets past the kill switch (the throttle counts messages, not accepts).
  Reason check_order(const OrderEvent& o, i128& im_new) {
    if (!account_ok(o.acct)) return Reason::kUnknownAccount;
    if (!symbol_ok(o.sym)) return Reason::kUnknownSymbol;
    if (orders_.find(o.id) != nullptr) return Reason::kDuplicateId;
    Account<P>& acc = acct_[o.acct];
    // A reduce-only order passes a de-risking kill (KillMode::kDeRisk) and meets the reduce-only
    // test below: it can only shrink a position.
    if ((killed_all_ && (kill_all_hard_ || !o.reduce_only)) || (acc.killed && (acc.kill_hard || !o.reduce_only)))
      return Reason::kKilled;
    if (!take_rate_token(acc)) return Reason::kRateLimit;
    const Symbol& y = sym_[o.sym];
    const SymbolConfig& c = y.cfg;
    if (o.qty <= 0 || o.qty > kQtyMax || o.qty % c.lot != 0) return Reason::kBadQty;
    if (o.px <= 0 || o.px > kPxMax || o.px % c.tick != 0) return Reason::kBadPrice;
    if (y.mark <= 0) return Reason::kNoMark;
    if (c.stale_ms > 0 && now_ - y.mark_ts > c.stale_ms) return Reason::kStaleMark;
    // |px - mark| / mark > band, exactly: |px - mark| x 1e8 > band x mark (< 2^54 x 2^27).
    if (c.band > 0 && i128{abs64(o.px - y.mark)} * kRateScale > i128{c.band} * y.mark)
      return Reason::kPriceBand;
    if (c.max_qty > 0 && o.qty > c.max_qty) return Reason::kMaxQty;
    if (c.max_notional > 0 && i128{o.qty} * o.px > i128{c.max_notional} * kNotionalDiv)
      return Reason::kMaxNotional;
    const int slot = find_slot(acc, o.sym);
    const Position none{};
    const Position& p = slot >= 0 ? acc.pos[slot] : none;
    if (o.reduce_only) {
      // Must shrink the position, counting reduce-only orders already open on that side. It
      // never raises IM, so no position limit or margin check follows.
      const i64 room = o.buy ? -p.qty - p.ro_buy : p.qty - p.ro_sell;
      if (o.qty > room) return Reason::kReduceOnly;
      if (orders_.free_entry(o.id) == nullptr) return Reason::kCapacity;
      return Reason::kNone;
    }
    const i64 buys = p.open_buy + (o.buy ? o.qty : 0);
    const i64 sells = p.open_sell + (o.buy ? 0 : o.qty);
    // Each term <= 2^60: the sums fit i64.
    const i64 worst = worst_case_qty(p.qty, buys, sells);
    const i64 pos_cap = c.max_pos > 0 ? min64(c.max_pos, kQtyMax) : kQtyMax;
    if (worst > pos_cap) return Reason::kMaxPosition;
    if (slot < 0 && free_slot(acc) < 0) return Reason::kCapacity;
    if (orders_.free_entry(o.id) == nullptr) return Reason::kCapacity;
    im_new = initial_margin(c, acc.lev[o.sym], worst, y.mark);
    const i128 im_total = acc.im_sum - p.im + im_new;
    if (equity(acc) - im_total < 0) return Reason::kInsufficientMargin;
    return Reason::kNone;
  }

  // Drop-copy fill: moves the position (weighted-average entry on increase, realised PnL to
  // collateral on decrease, new entry on flip), releases the reservation, charges the fee.
  template <class S>
  void on_fill(const FillEvent& f, S& out) {
    OpenOrder* e = orders_.find(f.id);
    if (e == nullptr) return out.error(error_text(EngineError::kFillUnknownOrder));
    const int a = e->acct;
    if (walk_ahead_of(a)) revalue_holder(walk_.sym, a, out);
    const int slot = e->slot;
    Account<P>& acc = acct_[a];
    Position& p = acc.pos[slot];
    const i64 signed_qty = e->buy ? f.qty : -f.qty;
    if (abs128(i128{p.qty} + signed_qty) > kQtyMax)
      return out.error(error_text(EngineError::kFillPastQtyBound));
    if (f.qty > e->remaining) out.error(error_text(EngineError::kFillExceedsOpen));
    release(p, *e, min64(f.qty, e->remaining));

    const i128 realised_raw = apply_fill_to_position(p, signed_qty, f.px);
    const i128 credit = money_floor(realised_raw) - f.fee;
    if (!add_money_saturating(acc.collateral, credit))
      out.error(error_text(EngineError::kFillSaturated));
    if (e->remaining == 0) orders_.on_erase(e);
    settle_slot(acc, a, slot);
    check_liquidation(a, out);
  }

  template <class S>
  void on_cancel(i64 id, S& out) {
    OpenOrder* e = orders_.find(id);
    if (e == nullptr) return out.error(error_text(EngineError::kCancelUnknownOrder));
    const int a = e->acct;
    if (walk_ahead_of(a)) revalue_holder(walk_.sym, a, out);
    const int slot = e->slot;
    release(acct_[a].pos[slot], *e, e->remaining);
    orders_.on_erase(e);
    settle_slot(acct_[a], a, slot);
    out.canceled(id);
  }

  template <class S>
  void query(int a, S& out) {
    if (!account_ok(a)) return out.error(error_text(EngineError::kUnknownAccount));
    out.account(a, view(a));
  }

  // ---------------------------------------------------------------- interleaved revaluation --
  // The card revalues a mark's holders one at a time and may take client orders between two of
  // them (docs/rtl-architecture.md). With stepping on, a new mark (published or local) only opens
  // its walk, and walk_step() revalues the next holder, in the card's order; an order, fill or
  // cancel taken while the walk is open first revalues its own account if the walk has still to
  // visit it. A revaluation at an unchanged mark changes nothing and emits nothing (the trigger is
  // edge-armed), so the state after the walk is that of the mark applied whole and every event
  // sees its account at the new mark; only how the outputs of the ports interleave follows the
  // card. A fill or cancel may close the account's last interest in the walk's symbol after the
  // walk read its holder word: the walk's step then passes it by, as the card's lane passes a
  // holder with no slot of the symbol. Off (the default), a mark revalues every holder at once.
  void set_walk_stepping(bool on) { stepping_ = on; }
  bool walk_open() const { return walk_.open; }
  // Revalues the open walk's next holder (or passes by one that has left the symbol); false if
  // no walk is open.
  template <class S>
  bool walk_step(S& out) {
    if (!walk_.open) return false;
    const int a = walk_.word * 64 + __builtin_ctzll(walk_.left);
    const bool still_holds = (holders_[walk_.sym][walk_.word] & walk_.left & (~walk_.left + 1)) != 0;
    walk_.left &= walk_.left - 1;
    if (still_holds) revalue_holder(walk_.sym, a, out);
    walk_settle();
    return true;
  }

  // ---------------------------------------------------------------- views --------------------
  bool account_ok(int a) const { return a >= 0 && a < P::kAccounts && acct_[a].exists; }
  bool symbol_ok(int s) const { return s >= 0 && s < P::kSymbols && sym_[s].defined; }
  const Account<P>& account(int a) const { return acct_[a]; }
  const Symbol& symbol(int s) const { return sym_[s]; }
  i64 now() const { return now_; }
  int open_orders() const { return orders_.size(); }

  static i128 equity(const Account<P>& acc) {
    return i128{acc.collateral} + money_floor(acc.upnl_raw_sum);
  }

  // The account as the caches hold it.
  AccountView<P> view(int a) const {
    const Account<P>& acc = acct_[a];
    AccountView<P> v;
    v.collateral = acc.collateral;
    v.equity = equity(acc);
    v.im = acc.im_sum;
    v.mm = acc.mm_sum;
    fill_positions(acc, v);
    return v;
  }

  // The account recomputed from positions and marks alone, without the caches: the equity
  // identity the tests hold the caches to.
  AccountView<P> recompute_view(int a) const {
    const Account<P>& acc = acct_[a];
    AccountView<P> v;
    i128 upnl = 0;
    for (int i = 0; i < P::kPositionsPerAccount; ++i) {
      const Position& p = acc.pos[i];
      if (p.sym < 0) continue;
      const Symbol& y = sym_[p.sym];
      if (y.mark <= 0) continue;
      upnl += i128{p.qty} * y.mark - p.cost;
      v.mm += maintenance_margin(y.cfg, abs64(p.qty), y.mark);
      v.im += initial_margin(y.cfg, acc.lev[p.sym], worst_case_qty(p.qty, p.open_buy, p.open_sell),
                             y.mark);
    }
    v.collateral = acc.collateral;
    v.equity = i128{acc.collateral} + money_floor(upnl);
    fill_positions(acc, v);
    return v;
  }

 private:
  void fill_positions(const Account<P>& acc, AccountView<P>& v) const {
    // Ascending symbol index, whatever the slot order.
    v.position_count = 0;
    for (int i = 0; i < P::kPositionsPerAccount; ++i) {
      const Position& p = acc.pos[i];
      if (p.sym < 0 || p.qty == 0) continue;
      int k = v.position_count++;
      while (k > 0 && v.positions[k - 1].sym > p.sym) {
        v.positions[k] = v.positions[k - 1];
        --k;
      }
      v.positions[k] = PositionView{p.sym, p.qty, entry_price(p.qty, p.cost)};
    }
  }

  // The highest slot holding s (-1: none). Free slots are taken from the top, so a symbol's slot
  // is usually found in the first few tests, without reading the sym of every slot.
  static int find_slot(const Account<P>& acc, int s) {
    for (int i = P::kPositionsPerAccount - 1; i >= 0; --i) {
#pragma HLS UNROLL
      if (acc.pos[i].sym == s) return i;
    }
    return -1;
  }
  static int free_slot(const Account<P>& acc) { return find_slot(acc, -1); }

  int claim_slot(Account<P>& acc, int a, int s) {
    const int slot = free_slot(acc);
    acc.pos[slot] = Position{};
    acc.pos[slot].sym = s;
    holders_[s][a / 64] |= u64{1} << (a % 64);
    return slot;
  }

  // After a fill or cancel: refresh the caches, and free the slot once nothing is left in it.
  void settle_slot(Account<P>& acc, int a, int slot) {
    Position& p = acc.pos[slot];
    refresh_slot(acc, slot);
    if (p.qty == 0 && p.open_buy == 0 && p.open_sell == 0 && p.ro_buy == 0 && p.ro_sell == 0) {
      holders_[p.sym][a / 64] &= ~(u64{1} << (a % 64));
      p = Position{};  // caches already zero: refresh_slot of an empty position yields 0
    }
  }

  static void release(Position& p, OpenOrder& e, i64 qty) {
    if (e.reduce_only) {
      (e.buy ? p.ro_buy : p.ro_sell) -= qty;
    } else {
      (e.buy ? p.open_buy : p.open_sell) -= qty;
    }
    e.remaining -= qty;
  }

  // Recomputes a slot's cached upnl, MM and IM at the current mark and moves the account sums.
  void refresh_slot(Account<P>& acc, int slot) { refresh_slot(acc, slot, sym_[acc.pos[slot].sym]); }

  // The same, with the slot's symbol given (y is sym_[pos[slot].sym] or a copy of it).
  static void refresh_slot(Account<P>& acc, int slot, const Symbol& y) {
    Position& p = acc.pos[slot];
    i128 upnl = 0, mm = 0, im = 0;
    if (y.mark > 0) {
      upnl = i128{p.qty} * y.mark - p.cost;
      position_margins(y.cfg, acc.lev[p.sym], abs64(p.qty), worst_case_qty(p.qty, p.open_buy, p.open_sell),
                       y.mark, mm, im);
    }
    acc.upnl_raw_sum += upnl - p.upnl_raw;
    acc.mm_sum += mm - p.mm;
    acc.im_sum += im - p.im;
    p.upnl_raw = upnl;
    p.mm = mm;
    p.im = im;
  }

  // Liquidation trigger: equity < MM, edge-triggered, re-armed once the account is healthy.
  template <class S>
  void check_liquidation(int a, S& out) {
    Account<P>& acc = acct_[a];
    // equity < MM  <=>  floor(upnl / 1e10) < MM - collateral  <=>  upnl < (MM - collateral) x 1e10
    // (MM - collateral is an integer): no division on the revaluation path.
    if (acc.upnl_raw_sum < (acc.mm_sum - acc.collateral) * kNotionalDiv) {
      if (acc.liq_armed) {
        acc.liq_armed = false;
        out.liquidate(a, equity(acc), acc.mm_sum);
      }
    } else {
      acc.liq_armed = true;
    }
  }

  // Mark tick: revalue every account holding the symbol, in ascending account index; cost is
  // linear in the number of holders (plus one word test per 64 accounts).
  template <class S>
  void revalue_symbol(int s, S& out) {
    // The walk changes no symbol: a copy lets the compiler keep the mark and tiers out of memory
    // across the account writes.
    const Symbol y = sym_[s];
    for_each_holder(s, [&](int a) { revalue_holder(s, a, y, out); });
  }

  template <class S>
  void revalue_holder(int s, int a, S& out) {
    revalue_holder(s, a, sym_[s], out);
  }
  template <class S>
  void revalue_holder(int s, int a, const Symbol& y, S& out) {
    Account<P>& acc = acct_[a];
    refresh_slot(acc, find_slot(acc, s), y);
    check_liquidation(a, out);
  }

  // A new mark's revaluation: whole, or (stepping) opened for walk_step.
  template <class S>
  void market_revalue(int s, S& out) {
    if (!stepping_) return revalue_symbol(s, out);
    while (walk_step(out)) {
    }  // (a walk left open: finished before the next, as the card does)
    walk_ = Walk{true, s, 0, holders_[s][0]};
    walk_settle();
  }

  // Past exhausted holder words to the next holder, or closed after the last word. The card
  // reads the next word as soon as the current one is done, before it takes another event.
  void walk_settle() {
    while (walk_.open && walk_.left == 0) {
      if (walk_.word == kHolderWords - 1) {
        walk_.open = false;
      } else {
        ++walk_.word;
        walk_.left = holders_[walk_.sym][walk_.word];
      }
    }
  }

  // A holder the open walk has still to visit, or one in a word it has not read yet.
  bool walk_ahead_of(int a) const {
    if (!walk_.open || a < 0 || a >= P::kAccounts) return false;
    const int w = a / 64;
    const u64 bit = u64{1} << (a % 64);
    const bool ahead = w > walk_.word || (w == walk_.word && (walk_.left & bit) != 0);
    return ahead && (holders_[walk_.sym][w] & bit) != 0;
  }

  // Calls fn(account) for every account with a slot in use for symbol s, in ascending index.
  template <class Fn>
  void for_each_holder(int s, Fn fn) {
    for (int w = 0; w < kHolderWords; ++w) {
      for (u64 bits = holders_[s][w]; bits != 0; bits &= bits - 1) fn(w * 64 + __builtin_ctzll(bits));
    }
  }

  template <class S>
  void on_local_input(int s, S& out) {
    Symbol& y = sym_[s];
    if (!y.cfg.local_mark) return;  // published mode: recorded, no effect on the mark
    sample_basis(y.local, y.cfg.ema_ms, now_);
    update_local_mark(s, out);
  }

  template <class S>
  void update_local_mark(int s, S& out) {
    Symbol& y = sym_[s];
    const i64 m = compute_local_mark(y.local);
    if (m <= 0) return;
    y.mark_ts = now_;
    if (m == y.mark) return;
    y.mark = m;
    out.mark(s, m);
    market_revalue(s, out);
  }

  bool take_rate_token(Account<P>& acc) {
    if (acc.max_rate <= 0) return true;
    const i64 cap = acc.max_rate * 1000;
    const i64 dt = now_ - acc.refill_ts;
    if (dt > 0) {
      // dt x rate can be large after a long pause: saturate at the bucket size.
      acc.tokens_milli = (dt >= cap) ? cap : min64(cap, acc.tokens_milli + dt * acc.max_rate);
      acc.refill_ts = now_;
    }
    if (acc.tokens_milli < 1000) return false;
    acc.tokens_milli -= 1000;
    return true;
  }

  // The open revaluation walk (stepping): its symbol, the holder word it is in and the holders of
  // that word, as read when the walk entered it, still to visit.
  struct Walk {
    bool open = false;
    int sym = 0;
    int word = 0;
    u64 left = 0;
  };
  bool stepping_ = false;
  Walk walk_;

  Symbol sym_[P::kSymbols];
  Account<P> acct_[P::kAccounts];
  u64 holders_[P::kSymbols][kHolderWords] = {};  // accounts with a slot in use, per symbol
  OrderTable<P> orders_;
  bool killed_all_ = false;
  bool kill_all_hard_ = false;
  i64 now_ = 0;
};

}  // namespace perpgate
