// pg_fill_unit against the golden model's apply_fill_to_position (perpgate/fill.hpp): fills that
// open, add, close part, close all and flip, on long and short positions whose cost carries the
// rounding residue of earlier closes, at the quantity and price bounds; started after random idle
// gaps, with resets in the middle of a fill. Every result (quantity, cost, realised PnL) is
// compared, and every fill's cycles from start to done against the unit's stated figures.
#include <gtest/gtest.h>

#include <random>

#include "Vpg_fill_unit.h"
#include "clocked_model.hpp"
#include "perpgate/fill.hpp"

namespace perpgate::sim {
namespace {

struct Case {
  i64 qty;
  i128 cost;
  i64 fill;
  i64 px;
};

void put128(VlWide<4>& w, i128 v) {
  for (int i = 0; i < 4; ++i) w[i] = static_cast<std::uint32_t>(static_cast<u128>(v) >> (32 * i));
}
i128 get128(const VlWide<4>& w) {
  u128 v = 0;
  for (int i = 3; i >= 0; --i) v = v << 32 | w[i];
  return static_cast<i128>(v);
}

i64 draw(std::mt19937_64& rng, i64 max) {  // 1 .. max, spread over magnitudes
  const i64 v = static_cast<i64>(rng() >> (1 + rng() % 63)) % max;
  return v + 1;
}

// A position as fills leave it: qty x an average price, less what rounding left over.
Case random_case(std::mt19937_64& rng) {
  Case c{};
  c.qty = (rng() % 8 == 0) ? 0 : draw(rng, kQtyMax);
  if (rng() & 1) c.qty = -c.qty;
  const i64 avg = draw(rng, kPxMax);
  c.cost = i128{c.qty} * avg + static_cast<i128>(rng() % 5) - 2;
  if (c.qty == 0) c.cost = 0;
  c.px = draw(rng, kPxMax);
  const i64 room = kQtyMax - (c.qty < 0 ? -c.qty : c.qty);
  const i64 q = c.qty < 0 ? -c.qty : c.qty;
  switch (rng() % 4) {
    case 0:  // the position's direction (or a flat one)
      c.fill = draw(rng, room > 0 ? room : 1);
      if (c.qty < 0 || (c.qty == 0 && (rng() & 1))) c.fill = -c.fill;
      break;
    case 1:  // a partial close
      c.fill = q > 1 ? draw(rng, q - 1) : 1;
      if (c.qty > 0) c.fill = -c.fill;
      break;
    case 2:  // the whole position
      c.fill = c.qty == 0 ? 1 : -c.qty;
      break;
    default:  // a flip: more than the position, the rest within the bound
      c.fill = q + draw(rng, kQtyMax);
      if (c.fill > kQtyMax) c.fill = kQtyMax;
      if (c.qty > 0) c.fill = -c.fill;
      break;
  }
  if (c.fill == 0) c.fill = 1;
  return c;
}

// Cycles from start to done, as pg_fill_unit's header states them.
std::uint64_t expected_cycles(const Case& c) {
  if (c.qty == 0 || (c.qty > 0) == (c.fill > 0)) return 9;
  const i64 q = c.qty < 0 ? -c.qty : c.qty;
  const i64 f = c.fill < 0 ? -c.fill : c.fill;
  return f >= q ? 15 : 81;
}

class FillUnit {
 public:
  explicit FillUnit(std::uint64_t seed) : top_(seed) {
    top_->start_i = 0;
    top_.assert_reset();
    top_.tick();
    top_->rst_ni = 1;
    top_.settle();
  }
  void idle(int cycles) {
    for (int i = 0; i < cycles; ++i) top_.tick();
  }
  // Starts the case; returns the cycles to done_o (0 if cut off by a reset after reset_after).
  std::uint64_t run(const Case& c, int reset_after = -1) {
    EXPECT_FALSE(top_->busy_o);
    top_->qty_i = static_cast<std::uint64_t>(c.qty);
    put128(top_->cost_i, c.cost);
    top_->fill_i = static_cast<std::uint64_t>(c.fill);
    top_->px_i = static_cast<std::uint64_t>(c.px);
    top_->start_i = 1;
    top_.tick();
    top_->start_i = 0;
    top_->qty_i = 0;  // the unit holds its operands: these may change at once
    put128(top_->cost_i, 0);
    std::uint64_t n = 1;
    for (;;) {
      top_.settle();
      if (top_->done_o) return n;
      if (reset_after >= 0 && n == static_cast<std::uint64_t>(reset_after)) {
        top_.assert_reset();
        top_->rst_ni = 1;
        top_.settle();
        EXPECT_FALSE(top_->busy_o) << "idle after a reset";
        return 0;
      }
      if (n > 400) {
        ADD_FAILURE() << "no done_o";
        return 0;
      }
      top_.tick();
      ++n;
    }
  }
  Vpg_fill_unit* operator->() { return top_.operator->(); }

 private:
  ClockedModel<Vpg_fill_unit> top_;
};

void expect_equal(FillUnit& u, const Case& c) {
  Position p{};
  p.qty = c.qty;
  p.cost = c.cost;
  const i128 realised = apply_fill_to_position(p, c.fill, c.px);
  EXPECT_EQ(static_cast<i64>(u->qty_o), p.qty) << "qty " << c.qty << " fill " << c.fill;
  EXPECT_TRUE(get128(u->cost_o) == p.cost) << "cost, qty " << c.qty << " fill " << c.fill;
  EXPECT_TRUE(get128(u->realised_o) == realised) << "realised, qty " << c.qty << " fill " << c.fill;
}

TEST(FillUnit, EqualsTheModelOnEveryKindOfFill) {
  FillUnit u(5);
  std::mt19937_64 rng(5);
  std::vector<Case> cases = {
      {0, 0, 1, 1},
      {kQtyMax, i128{kQtyMax} * kPxMax, -kQtyMax, kPxMax},        // the largest whole close
      {-kQtyMax, -i128{kQtyMax} * kPxMax, kQtyMax, 1},
      {kQtyMax, i128{kQtyMax} * kPxMax - 1, -(kQtyMax - 1), kPxMax},  // the largest partial close
      {-kQtyMax, -i128{kQtyMax} * kPxMax + 1, kQtyMax - 1, kPxMax},
      {3, 10, -1, 7},                                             // part rounds up (long)
      {-3, -10, 1, 7},                                            // down (short)
      {1, 5, -kQtyMax, kPxMax},                                   // a flip to the bound
      {-1, -5, kQtyMax, kPxMax},
      {5, 500, 7, 100},                                           // adds
  };
  for (int i = 0; i < 20'000; ++i) cases.push_back(random_case(rng));
  int kinds[3] = {0, 0, 0};
  for (const Case& c : cases) {
    if (rng() % 4 == 0) u.idle(static_cast<int>(rng() % 5));
    const std::uint64_t n = u.run(c);
    ASSERT_EQ(n, expected_cycles(c)) << "qty " << c.qty << " fill " << c.fill;
    ++kinds[n == 9 ? 0 : n == 15 ? 1 : 2];
    expect_equal(u, c);
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(kinds[0], 1000);  // opening, whole close or flip, partial close: each well covered
  EXPECT_GT(kinds[1], 1000);
  EXPECT_GT(kinds[2], 1000);
}

TEST(FillUnit, ResetInTheMiddleLeavesItIdleAndExact) {
  FillUnit u(9);
  std::mt19937_64 rng(9);
  for (int i = 0; i < 2'000; ++i) {
    const Case c = random_case(rng);
    const std::uint64_t total = expected_cycles(c);
    if (rng() % 3 == 0) {
      u.run(c, static_cast<int>(1 + rng() % (total - 1)));
      continue;
    }
    ASSERT_EQ(u.run(c), total);
    expect_equal(u, c);
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace perpgate::sim
