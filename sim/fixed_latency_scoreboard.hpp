// The scoreboard of a fixed-latency pipelined unit (valid_i in, valid_o out, a result a cycle):
// issues the operations with random bubbles and checks each result in the cycle it is due,
// against the value the reference gave when it was issued. What every such unit's testbench
// needs (pg_rate_of_notional, pg_mul).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <utility>
#include <vector>

#include "clocked_model.hpp"

namespace perpgate::sim {

// drive(op) sets the unit's operand inputs; expect(op) is the reference result; equal(want)
// compares the unit's outputs with it. Fails the test on a result out of place or of value.
template <class Model, class Op, class Drive, class Expect, class Equal>
void run_fixed_latency(ClockedModel<Model>& top, const std::vector<Op>& ops, std::uint64_t latency,
                       std::mt19937_64& rng, Drive drive, Expect expect, Equal equal) {
  using Want = decltype(expect(ops.front()));
  top.assert_reset();
  top->valid_i = 0;
  top.tick();
  top->rst_ni = 1;
  std::deque<std::pair<std::uint64_t, Want>> expected;  // (cycle due, result)
  std::size_t next = 0;
  std::uint64_t checked = 0;
  while (next < ops.size() || !expected.empty()) {
    const bool issue = next < ops.size() && rng() % 8 != 0;  // bubbles now and then
    top->valid_i = issue;
    if (issue) {
      const Op& op = ops[next++];
      drive(op);
      expected.emplace_back(top.cycles() + latency, expect(op));
    }
    top.settle();
    if (top->valid_o) {
      ASSERT_FALSE(expected.empty()) << "a result nothing was issued for";
      ASSERT_EQ(top.cycles(), expected.front().first) << "latency is not " << latency;
      ASSERT_TRUE(equal(expected.front().second)) << "operation " << checked;
      expected.pop_front();
      ++checked;
    }
    top.tick();
  }
  EXPECT_EQ(checked, ops.size());
}

}  // namespace perpgate::sim
