// pg_mul against a 192-bit product computed here limb by limb: exact for random and edge
// operands of both signs (the most negative ones included), a product every cycle, with bubbles,
// at the fixed latency the RTL states.
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <random>

#include "Vpg_mul.h"
#include "clocked_model.hpp"
#include "fixed_latency_scoreboard.hpp"
#include "perpgate/fixed_point.hpp"

namespace perpgate::sim {
namespace {

constexpr std::uint64_t kLatency = 7;  // pg_mul's Latency
using U192 = std::array<std::uint64_t, 3>;

U192 product(i128 a, i64 b) {
  const bool neg = (a < 0) != (b < 0);
  const u128 ma = a < 0 ? -static_cast<u128>(a) : static_cast<u128>(a);
  const std::uint64_t mb = b < 0 ? -static_cast<std::uint64_t>(b) : static_cast<std::uint64_t>(b);
  const u128 lo = static_cast<u128>(static_cast<std::uint64_t>(ma)) * mb;
  const u128 hi = static_cast<u128>(static_cast<std::uint64_t>(ma >> 64)) * mb;
  const u128 mid = (lo >> 64) + static_cast<std::uint64_t>(hi);
  U192 p{static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(mid),
         static_cast<std::uint64_t>(hi >> 64) + static_cast<std::uint64_t>(mid >> 64)};
  if (neg) {  // two's complement over 192 bits
    bool carry = true;
    for (auto& w : p) {
      w = ~w + (carry ? 1 : 0);
      carry = carry && w == 0;
    }
  }
  return p;
}

TEST(Mul, ExactAgainstA192BitProduct) {
  ClockedModel<Vpg_mul> top(3);
  std::mt19937_64 rng(3);
  const i128 a_edges[] = {0, 1, -1, std::numeric_limits<i128>::max(), std::numeric_limits<i128>::min(),
                          static_cast<i128>(kMoneyMax), -static_cast<i128>(kMoneyMax),
                          static_cast<i128>(1) << 64, (static_cast<i128>(1) << 104) - 1};
  const i64 b_edges[] = {0, 1, -1, std::numeric_limits<i64>::max(), std::numeric_limits<i64>::min(),
                         kPxMax, kQtyMax, -kQtyMax, 1000};
  std::vector<std::pair<i128, i64>> ops;
  for (i128 a : a_edges)
    for (i64 b : b_edges) ops.emplace_back(a, b);
  for (int i = 0; i < 200'000; ++i) {
    const int bits = 1 + static_cast<int>(rng() % 128);
    i128 a = static_cast<i128>((static_cast<u128>(rng()) << 64 | rng()) >> (128 - bits));
    if (rng() & 1) a = -a;
    i64 b = static_cast<i64>(rng() >> (rng() % 64));
    if (rng() & 1) b = -b;
    ops.emplace_back(a, b);
  }

  run_fixed_latency(
      top, ops, kLatency, rng,
      [&](const std::pair<i128, i64>& op) {
        for (int w = 0; w < 4; ++w) top->a_i[w] = static_cast<std::uint32_t>(static_cast<u128>(op.first) >> (32 * w));
        top->b_i = static_cast<std::uint64_t>(op.second);
      },
      [](const std::pair<i128, i64>& op) { return product(op.first, op.second); },
      [&](const U192& want) {
        for (int w = 0; w < 3; ++w) {
          const std::uint64_t got = static_cast<std::uint64_t>(top->p_o[2 * w + 1]) << 32 | top->p_o[2 * w];
          if (got != want[w]) return false;
        }
        return true;
      });
}

}  // namespace
}  // namespace perpgate::sim
