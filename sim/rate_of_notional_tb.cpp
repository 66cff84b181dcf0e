// pg_rate_of_notional against rate_of_notional() of fixed_point.hpp: exact equality for random
// and edge operands over the whole range the bounds allow, both roundings, a result every cycle
// with a fixed latency of kLatency (the RTL's Latency: the test fails if it changes).
#include <gtest/gtest.h>

#include <array>
#include <deque>
#include <random>

#include "Vpg_rate_of_notional.h"
#include "clocked_model.hpp"
#include "fixed_latency_scoreboard.hpp"
#include "perpgate/fixed_point.hpp"

namespace perpgate::sim {
namespace {

constexpr int kLatency = 4;

struct Op {
  u128 raw;
  i64 rate;
  bool up;
};

void set_raw(ClockedModel<Vpg_rate_of_notional>& top, u128 raw) {
  for (int w = 0; w < 4; ++w) top->raw_i[w] = static_cast<std::uint32_t>(raw >> (32 * w));
}
u128 get_money(ClockedModel<Vpg_rate_of_notional>& top) {
  u128 v = 0;
  for (int w = 3; w >= 0; --w) v = v << 32 | top->money_o[w];
  return v;
}

TEST(RateOfNotional, ExactAgainstTheGoldenModel) {
  ClockedModel<Vpg_rate_of_notional> top(1);
  std::mt19937_64 rng(1);
  const u128 raw_max = (static_cast<u128>(1) << kRawNotionalBits) - 1;
  std::vector<Op> ops;
  const u128 edges[] = {0, 1, static_cast<u128>(kNotionalDiv) - 1, static_cast<u128>(kNotionalDiv),
                        static_cast<u128>(kNotionalDiv) * kRateScale, raw_max, raw_max - 1,
                        static_cast<u128>(kQtyMax) * kPxMax};
  const i64 rate_edges[] = {0, 1, 2, 400'000, 33'333'334, kRateMax - 1, kRateMax};
  for (u128 raw : edges)
    for (i64 rate : rate_edges)
      for (bool up : {false, true}) ops.push_back({raw, rate, up});
  for (int i = 0; i < 300'000; ++i) {
    const int bits = 1 + static_cast<int>(rng() % kRawNotionalBits);
    u128 raw = (static_cast<u128>(rng()) << 64 | rng()) & ((static_cast<u128>(1) << bits) - 1);
    const i64 rate = rng() % 4 == 0 ? rate_edges[rng() % 7] : static_cast<i64>(rng() % (kRateMax + 1));
    ops.push_back({raw, rate, (rng() & 1) != 0});
  }

  run_fixed_latency(
      top, ops, kLatency, rng,
      [&](const Op& op) {
        set_raw(top, op.raw);
        top->rate_i = static_cast<std::uint32_t>(op.rate);
        top->round_up_i = op.up;
      },
      [](const Op& op) { return rate_of_notional(static_cast<i128>(op.raw), op.rate, op.up); },
      [&](i128 want) { return get_money(top) == static_cast<u128>(want); });
}

// prod_a_o + prod_b_o: raw x rate plus the rounding term (1e18 - 1 when rounding up), the product
// the quotient comes from, in carry-save form kProdLatency cycles after the operands (the order
// check compares it instead of the quotient). Up to 142 bits: summed and checked as 32-bit words.
TEST(RateOfNotional, ShowsTheProductItDividesInCarrySaveForm) {
  constexpr int kProdLatency = 2;
  constexpr int kOps = 100'000;
  using Words = std::array<std::uint32_t, 5>;
  ClockedModel<Vpg_rate_of_notional> top(2);
  std::mt19937_64 rng(2);
  top.assert_reset();
  top->valid_i = 0;
  top.tick();
  top->rst_ni = 1;
  std::deque<Words> want;
  for (int i = 0; i < kOps + kProdLatency; ++i) {
    const int bits = 1 + static_cast<int>(rng() % kRawNotionalBits);
    const u128 raw = (static_cast<u128>(rng()) << 64 | rng()) & ((static_cast<u128>(1) << bits) - 1);
    const auto rate = static_cast<std::uint32_t>(rng() % (kRateMax + 1));
    const bool up = (rng() & 1) != 0;
    set_raw(top, raw);
    top->rate_i = rate;
    top->round_up_i = up;
    top->valid_i = 1;
    Words w{};
    std::uint64_t carry = 0;
    for (int k = 0; k < 4; ++k) {
      const std::uint64_t t = (static_cast<std::uint64_t>(raw >> (32 * k)) & 0xffff'ffffu) * rate + carry;
      w[k] = static_cast<std::uint32_t>(t);
      carry = t >> 32;
    }
    w[4] = static_cast<std::uint32_t>(carry);
    const std::uint64_t round = up ? static_cast<std::uint64_t>(kNotionalDiv) * kRateScale - 1 : 0;
    carry = 0;
    for (int k = 0; k < 5; ++k) {
      const std::uint64_t t = static_cast<std::uint64_t>(w[k]) + (k < 2 ? (round >> (32 * k)) & 0xffff'ffffu : 0) + carry;
      w[k] = static_cast<std::uint32_t>(t);
      carry = t >> 32;
    }
    want.push_back(w);
    top.settle();
    if (i >= kProdLatency) {
      std::uint64_t sum_carry = 0;
      for (int k = 0; k < 5; ++k) {
        const std::uint64_t sum = static_cast<std::uint64_t>(top->prod_a_o[k]) + top->prod_b_o[k] + sum_carry;
        sum_carry = sum >> 32;
        ASSERT_EQ(static_cast<std::uint32_t>(sum), want.front()[k]) << "operation " << i - kProdLatency << ", word " << k;
      }
      ASSERT_EQ(sum_carry, 0u) << "operation " << i - kProdLatency << ": the sum is over 160 bits";
      want.pop_front();
    }
    top.tick();
  }
}

}  // namespace
}  // namespace perpgate::sim
