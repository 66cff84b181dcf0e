// pg_divu against 128 / 64 division in C++: quotient and remainder exact for random dividends and
// divisors of every width, the edges of the half-way start (a dividend's high word just below,
// equal to and above the divisor) and the widest operands; started after random idle gaps, with
// operands changed while busy, and the cycles to done_o as the unit states them.
#include <gtest/gtest.h>

#include <random>

#include "Vpg_divu.h"
#include "clocked_model.hpp"
#include "perpgate/fixed_point.hpp"

namespace perpgate::sim {
namespace {

constexpr std::uint64_t kNarrowCycles = 1 + 1 + 64 / 2;   // start, the high-word test, 32 steps
constexpr std::uint64_t kWideCycles = 1 + 1 + 128 / 2;

void put128(VlWide<4>& w, u128 v) {
  for (int i = 0; i < 4; ++i) w[i] = static_cast<std::uint32_t>(v >> (32 * i));
}
u128 get128(const VlWide<4>& w) {
  u128 v = 0;
  for (int i = 3; i >= 0; --i) v = v << 32 | w[i];
  return v;
}

TEST(Divu, ExactWithTheHalfWayStart) {
  ClockedModel<Vpg_divu> top(11);
  std::mt19937_64 rng(11);
  top->start_i = 0;
  top.assert_reset();
  top.tick();
  top->rst_ni = 1;

  std::vector<std::pair<u128, std::uint64_t>> ops = {
      {0, 1}, {1, 1}, {~u128{0}, 1}, {~u128{0}, ~std::uint64_t{0}}, {u128{1} << 64, 1},
      {(u128{5} << 64) | 7, 5}, {(u128{4} << 64) | 7, 5}, {(u128{6} << 64), 5},   // high = d, < d, > d
      {u128{kQtyMax} * kPxMax, static_cast<std::uint64_t>(kQtyMax)},
  };
  for (int i = 0; i < 30'000; ++i) {
    const int nb = 1 + static_cast<int>(rng() % 128);
    const u128 n = ((static_cast<u128>(rng()) << 64) | rng()) >> (128 - nb);
    std::uint64_t d = rng() >> (rng() % 64);
    if (d == 0) d = 1;
    ops.emplace_back(n, d);
  }
  int narrow = 0, wide = 0;
  for (const auto& [n, d] : ops) {
    for (int g = static_cast<int>(rng() % 3); g > 0; --g) top.tick();
    put128(top->n_i, n);
    top->d_i = d;
    top->start_i = 1;
    top.tick();
    top->start_i = 0;
    put128(top->n_i, rng());  // held inside from the start: changing them must not matter
    top->d_i = rng() | 1;
    std::uint64_t cycles = 1;
    for (top.settle(); !top->done_o && cycles < 200; top.settle()) {
      top.tick();
      ++cycles;
    }
    const bool half = static_cast<std::uint64_t>(n >> 64) < d;
    ASSERT_EQ(cycles, half ? kNarrowCycles : kWideCycles);
    ++(half ? narrow : wide);
    ASSERT_TRUE(get128(top->q_o) == n / d) << "quotient";
    ASSERT_EQ(static_cast<std::uint64_t>(top->r_o), static_cast<std::uint64_t>(n % d)) << "remainder";
  }
  EXPECT_GT(narrow, 5'000);
  EXPECT_GT(wide, 5'000);
}

}  // namespace
}  // namespace perpgate::sim
