// pg_reval_lane against the golden model's revaluation of a position (Engine::refresh_slot:
// position_margins of margin.hpp, the uPnL, the account's sums and money_floor) and its
// edge-armed trigger (Engine::check_liquidation): random tiers, marks (none too), positions with
// open orders, account leverages and armed states; a holder offered most cycles, the trigger queue
// drained with random stalls. The testbench holds the account and position tables as the core's
// RAMs do (registered reads, read-first) and checks every entry written back and every trigger,
// in holder order.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <vector>

#include "Vpg_reval_lane.h"
#include "clocked_model.hpp"
#include "perpgate/margin.hpp"

namespace perpgate::sim {
namespace {

constexpr int kAccounts = 1024;
constexpr int kSlots = 8;
constexpr int kTiers = 16;
constexpr int kTierBits = 96 + 27 + 64 + 27;
constexpr int kAcctBits = 4 + 64 + 3 * 128 + 96 + 3 * 64;
constexpr int kPosBits = 64 + 128 + 4 * 64 + 3 * 128;

// A packed struct as the RTL lays it out: the first field at the top.
class Packed {
 public:
  explicit Packed(int bits) : bits_(bits), w_((bits + 31) / 32, 0u), at_(bits) {}
  Packed& put(u128 v, int n) {
    at_ -= n;
    for (int i = 0; i < n; ++i)
      if ((v >> i) & 1) w_[static_cast<std::size_t>((at_ + i) / 32)] |= 1u << ((at_ + i) % 32);
    return *this;
  }
  u128 get(int& at, int n) const {
    at -= n;
    u128 v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 1 | ((w_[static_cast<std::size_t>((at + i) / 32)] >> ((at + i) % 32)) & 1u);
    return v;
  }
  std::vector<std::uint32_t>& words() { return w_; }
  int bits() const { return bits_; }

 private:
  int bits_;
  std::vector<std::uint32_t> w_;
  int at_;
};

i128 sext(u128 v, int n) {
  const u128 m = static_cast<u128>(1) << (n - 1);
  return static_cast<i128>((v ^ m) - m);
}

struct Acct {
  bool killed = false, kill_hard = false, armed = true;
  i64 coll = 0;
  i128 upnl = 0, mm = 0, im = 0;
  i64 upf = 0;
  i64 max_rate = 0, tokens = 0, refill = 0;
  bool operator==(const Acct&) const = default;
};
struct Pos {
  i64 qty = 0, ob = 0, os = 0, rb = 0, rs = 0;
  i128 cost = 0, upnl = 0, mm = 0, im = 0;
  bool operator==(const Pos&) const = default;
};

Packed pack(const Acct& a) {
  Packed p(kAcctBits);
  p.put(1, 1).put(a.killed, 1).put(a.kill_hard, 1).put(a.armed, 1).put(static_cast<u64>(a.coll), 64).put(static_cast<u128>(a.upnl), 128);
  p.put(static_cast<u128>(static_cast<i128>(a.upf)), 96).put(static_cast<u128>(a.mm), 128).put(static_cast<u128>(a.im), 128);
  p.put(static_cast<u64>(a.max_rate), 64).put(static_cast<u64>(a.tokens), 64).put(static_cast<u64>(a.refill), 64);
  return p;
}
Acct unpack_acct(const Packed& p) {
  int at = kAcctBits;
  Acct a;
  EXPECT_EQ(p.get(at, 1), 1u);
  a.killed = p.get(at, 1) != 0;
  a.kill_hard = p.get(at, 1) != 0;
  a.armed = p.get(at, 1) != 0;
  a.coll = static_cast<i64>(p.get(at, 64));
  a.upnl = sext(p.get(at, 128), 128);
  a.upf = static_cast<i64>(sext(p.get(at, 96), 96));
  a.mm = sext(p.get(at, 128), 128);
  a.im = sext(p.get(at, 128), 128);
  a.max_rate = static_cast<i64>(p.get(at, 64));
  a.tokens = static_cast<i64>(p.get(at, 64));
  a.refill = static_cast<i64>(p.get(at, 64));
  return a;
}
Packed pack(const Pos& q) {
  Packed p(kPosBits);
  p.put(static_cast<u64>(q.qty), 64).put(static_cast<u128>(q.cost), 128).put(static_cast<u64>(q.ob), 64);
  p.put(static_cast<u64>(q.os), 64).put(static_cast<u64>(q.rb), 64).put(static_cast<u64>(q.rs), 64);
  p.put(static_cast<u128>(q.upnl), 128).put(static_cast<u128>(q.mm), 128).put(static_cast<u128>(q.im), 128);
  return p;
}
Pos unpack_pos(const Packed& p) {
  int at = kPosBits;
  Pos q;
  q.qty = static_cast<i64>(p.get(at, 64));
  q.cost = sext(p.get(at, 128), 128);
  q.ob = static_cast<i64>(p.get(at, 64));
  q.os = static_cast<i64>(p.get(at, 64));
  q.rb = static_cast<i64>(p.get(at, 64));
  q.rs = static_cast<i64>(p.get(at, 64));
  q.upnl = sext(p.get(at, 128), 128);
  q.mm = sext(p.get(at, 128), 128);
  q.im = sext(p.get(at, 128), 128);
  return q;
}

template <class W>
void to_port(W& port, Packed& p) {
  for (std::size_t i = 0; i < p.words().size(); ++i) port[i] = p.words()[i];
}
template <class W>
Packed from_port(const W& port, int bits) {
  Packed p(bits);
  for (std::size_t i = 0; i < p.words().size(); ++i) p.words()[i] = port[i];
  return p;
}

struct Trigger {
  int acct;
  i128 eq, mm;
  bool operator==(const Trigger&) const = default;
};

// The golden model on one holder: refresh_slot, then check_liquidation.
void golden(const SymbolConfig& c, i64 mark, i64 lev, Acct& a, Pos& p, std::vector<Trigger>& out, int acct) {
  i128 upnl = 0, mm = 0, im = 0;
  if (mark > 0) {
    upnl = i128{p.qty} * mark - p.cost;
    position_margins(c, lev, abs64(p.qty), worst_case_qty(p.qty, p.ob, p.os), mark, mm, im);
  }
  a.upnl += upnl - p.upnl;
  a.mm += mm - p.mm;
  a.im += im - p.im;
  a.upf = static_cast<i64>(money_floor(a.upnl));
  p.upnl = upnl;
  p.mm = mm;
  p.im = im;
  const i128 eq = i128{a.coll} + a.upf;
  if (eq < a.mm) {
    if (a.armed) out.push_back(Trigger{acct, eq, a.mm});
    a.armed = false;
  } else {
    a.armed = true;
  }
}

// Returns how many triggers the golden model expected. One holder in left_every (0: none) has left
// the symbol since its holder word was read (no slot of it): the lane must pass it by.
std::size_t run(std::uint64_t seed, int holders, bool with_mark, int left_every = 0) {
  std::mt19937_64 rng(seed);
  auto rnd = [&](i64 lo, i64 hi) { return lo + static_cast<i64>(rng() % static_cast<u64>(hi - lo + 1)); };
  // A symbol: up to 4 tiers, floors ascending.
  SymbolConfig c;
  c.max_lev = static_cast<std::int32_t>(rnd(1, 125));
  c.tier_count = static_cast<std::int32_t>(rnd(1, 4));
  i64 floor = 0;
  for (int t = 0; t < c.tier_count; ++t) {
    c.tiers[t].floor = floor;
    c.tiers[t].mmr = rnd(100'000, 10'000'000);
    c.tiers[t].maint = t == 0 ? 0 : rnd(0, 5'000'000'000);
    c.tiers[t].max_lev = static_cast<std::int32_t>(rng() % 3 == 0 ? 0 : rnd(1, 125));
    floor += rnd(1'000'000'000, 500'000'000'000);
  }
  const i64 mark = with_mark ? rnd(1'000'000, 100'000'000'000'000) : (rng() % 2 ? 0 : -5);
  Packed tiers(kTiers * kTierBits);
  for (int t = kTiers - 1; t >= 0; --t) {  // tier 15 on top
    const Tier& y = t < c.tier_count ? c.tiers[t] : Tier{};
    tiers.put(static_cast<u128>(i128{y.floor} * kNotionalDiv), 96).put(static_cast<u64>(y.mmr), 27);
    tiers.put(static_cast<u64>(y.maint), 64).put(y.max_lev > 0 ? static_cast<u64>(initial_margin_rate(y.max_lev)) : 0u, 27);
  }

  // Holders: distinct accounts, ascending, each with a position in one of the slots.
  std::vector<int> accts;
  for (int a = 0; a < kAccounts && static_cast<int>(accts.size()) < holders; ++a)
    if (rng() % 2 == 0) accts.push_back(a);
  std::vector<Acct> acct(kAccounts), want_acct;
  std::vector<Pos> pos(static_cast<std::size_t>(kAccounts * kSlots)), want_pos;
  std::vector<int> slot(kAccounts, 0);
  std::vector<i64> lev(kAccounts, 0);
  std::vector<bool> left(kAccounts, false);
  std::size_t staying = 0;
  for (const int a : accts) {
    left[static_cast<std::size_t>(a)] = left_every > 0 && rng() % static_cast<u64>(left_every) == 0;
    staying += !left[static_cast<std::size_t>(a)];
    Acct& x = acct[static_cast<std::size_t>(a)];
    x.killed = rng() % 8 == 0;
    x.kill_hard = x.killed && rng() % 2 == 0;
    x.armed = rng() % 4 != 0;
    x.coll = rnd(0, 50'000'000'000);
    x.upnl = i128{rnd(-1'000'000'000'000'000'000, 1'000'000'000'000'000'000)} * 10;
    x.mm = rnd(0, 40'000'000'000);
    x.im = rnd(0, 60'000'000'000);
    x.upf = static_cast<i64>(money_floor(x.upnl));
    x.max_rate = rnd(0, 1000);
    x.tokens = rnd(0, 1'000'000);
    x.refill = rnd(0, 1'000'000);
    slot[static_cast<std::size_t>(a)] = static_cast<int>(rnd(0, kSlots - 1));
    Pos& p = pos[static_cast<std::size_t>(a * kSlots + slot[static_cast<std::size_t>(a)])];
    p.qty = rnd(-1'000'000'000'000, 1'000'000'000'000);
    p.cost = i128{p.qty} * rnd(1'000'000, 100'000'000'000'000);
    p.ob = rng() % 2 ? rnd(0, 500'000'000'000) : 0;
    p.os = rng() % 2 ? rnd(0, 500'000'000'000) : 0;
    p.rb = rnd(0, 1000);
    p.rs = rnd(0, 1000);
    p.upnl = rnd(-1'000'000'000'000, 1'000'000'000'000);
    p.mm = rnd(0, 10'000'000'000);
    p.im = rnd(0, 10'000'000'000);
    lev[static_cast<std::size_t>(a)] = rng() % 3 == 0 ? 0 : rnd(1, 125);
  }
  want_acct = acct;
  want_pos = pos;
  std::vector<Trigger> want_liq;
  for (const int a : accts) {
    const auto ua = static_cast<std::size_t>(a);
    if (left[ua]) continue;
    golden(c, mark, lev[ua], want_acct[ua], want_pos[ua * kSlots + static_cast<std::size_t>(slot[ua])], want_liq, a);
  }

  ClockedModel<Vpg_reval_lane> top(seed);
  top->mark_i = static_cast<std::uint64_t>(mark);
  top->tier_count_i = static_cast<std::uint8_t>(c.tier_count);
  top->sym_imr_i = static_cast<std::uint32_t>(initial_margin_rate(c.max_lev));
  to_port(top->tiers_i, tiers);
  top->valid_i = 0;
  top->liq_ready_i = 0;
  top.assert_reset();
  top.settle();
  top->rst_ni = 1;
  top.settle();

  std::size_t next = 0;
  int issued_acct = -1;  // the holder issued last cycle: its slot and leverage this cycle
  std::vector<Trigger> got_liq;
  std::uint64_t writes = 0, done = 0;
  for (int cycle = 0; cycle < 100'000; ++cycle) {
    // this cycle's inputs: the reads issued last cycle, a holder maybe, a stall maybe
    top->slot_i = issued_acct < 0                                     ? 0
                  : left[static_cast<std::size_t>(issued_acct)] ? static_cast<std::uint8_t>(kSlots)  // none
                                                                  : static_cast<std::uint8_t>(slot[static_cast<std::size_t>(issued_acct)]);
    top->imr_rd_i = issued_acct >= 0 && lev[static_cast<std::size_t>(issued_acct)] > 0
                        ? static_cast<std::uint32_t>(initial_margin_rate(lev[static_cast<std::size_t>(issued_acct)]))
                        : 0u;
    const bool offer = next < accts.size() && rng() % 8 != 0;
    top->valid_i = offer;
    top->acct_i = offer ? static_cast<std::uint16_t>(accts[next]) : 0;
    top->liq_ready_i = rng() % 3 != 0;
    top.settle();
    // sampled before the edge: the trigger taken, the write, the read addresses
    if (top->liq_valid_o && top->liq_ready_i) {
      const Packed eq = from_port(top->liq_eq_o, 128), mm = from_port(top->liq_mm_o, 128);
      int at = 128, at2 = 128;
      got_liq.push_back(Trigger{static_cast<int>(top->liq_acct_o), sext(eq.get(at, 128), 128), sext(mm.get(at2, 128), 128)});
    }
    const std::uint32_t pos_ra = top->pos_ra_o, acct_ra = top->acct_ra_o;
    Packed pos_rd = pack(pos[pos_ra]);           // read-first: before this edge's write
    Packed acct_rd = pack(acct[acct_ra]);
    done += top->done_o;
    if (top->we_o) {
      acct[top->wa_o] = unpack_acct(from_port(top->acct_wd_o, kAcctBits));
      pos[top->pos_wa_o] = unpack_pos(from_port(top->pos_wd_o, kPosBits));
      ++writes;
    }
    const bool took = offer && top->ready_o;
    issued_acct = took ? accts[next] : -1;
    if (took) ++next;
    top.tick();
    to_port(top->pos_rd_i, pos_rd);
    to_port(top->acct_rd_i, acct_rd);
    if (next == accts.size() && !top->busy_o && issued_acct < 0) break;
  }
  EXPECT_EQ(next, accts.size());
  EXPECT_EQ(writes, staying);
  EXPECT_EQ(done, accts.size());  // every holder issued leaves, passed by or written
  EXPECT_FALSE(top->busy_o);
  EXPECT_EQ(got_liq.size(), want_liq.size());
  for (std::size_t i = 0; i < std::min(got_liq.size(), want_liq.size()); ++i) {
    EXPECT_EQ(got_liq[i], want_liq[i]) << "trigger " << i;
    if (!(got_liq[i] == want_liq[i])) break;
  }
  int bad = 0;
  for (const int a : accts) {
    const auto ua = static_cast<std::size_t>(a);
    const auto up = ua * kSlots + static_cast<std::size_t>(slot[ua]);
    if (!(acct[ua] == want_acct[ua]) || !(pos[up] == want_pos[up])) {
      ADD_FAILURE() << "account " << a << " written back differs from the golden model";
      if (++bad > 3) break;
    }
  }
  return want_liq.size();
}

TEST(RevalLane, EveryHolderAndTriggerEqualsTheGoldenModel) {
  std::size_t triggers = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    triggers += run(seed, 300, true);
  }
  EXPECT_GT(triggers, 50u);  // both sides of the trigger are exercised
}

// Holders that left the symbol (no slot) are passed by: nothing written for them, no trigger,
// and the pipeline's room for triggers still counts right (the queue stays in bounds, drains).
TEST(RevalLane, AHolderWithNoSlotIsPassedBy) {
  for (std::uint64_t seed = 21; seed <= 24; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    run(seed, 300, true, 3);
  }
}

TEST(RevalLane, NoMarkGivesZeroMargins) {
  for (std::uint64_t seed = 11; seed <= 12; ++seed) run(seed, 100, false);
}

}  // namespace
}  // namespace perpgate::sim
