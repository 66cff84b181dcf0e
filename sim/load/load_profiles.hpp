// The concurrent loads of bench/README.md ("The risk core under load"): a set-up applied one event
// at a time, then timed events that enter the three ports at their own cycles.
//   L1  holders of one symbol (500 by default), a mark on it every 10 us, orders at line rate on
//       the client port from holders and others, fills and venue cancels at a tenth of the order
//       rate each on the venue port.
//   L3  a generated crash scenario (host/replay/scenario_gen) at its own timestamps, compressed to
//       `cycles_per_ms` clock cycles per millisecond of scenario time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/load_ops.hpp"

namespace perpgate::load {

struct TimedOp {
  Op op;
  std::uint64_t want = 0;  // cycle (from the start of the timed part) it is due on its port
};

struct Load {
  std::string name;
  std::vector<Op> setup;       // applied one at a time, quiet between them
  std::vector<TimedOp> timed;  // non-decreasing `want` per port
  std::uint64_t dropped_control = 0;  // mailbox events inside the timed part, not sent (L3)
};

// The clock the loads are timed in: the 10/25G MAC user clock.
inline constexpr double kLoadClockMHz = 322.265625;
inline std::uint64_t us_to_cycles(double us) { return static_cast<std::uint64_t>(us * kLoadClockMHz + 0.5); }

struct L1Options {
  std::uint64_t seed = 1;
  int holders = 500;           // accounts holding a position in the marked symbol
  int others = 300;            // accounts without one (they order in another symbol)
  std::uint64_t events = 50'000;   // timed events (orders, fills, cancels, marks)
  double mark_every_us = 10.0;
  std::uint64_t order_gap = 0;     // idle cycles between order frames (0: back to back)
  int fill_every = 10;             // a fill per this many orders; a venue cancel likewise
};
Load make_l1(const L1Options& opt);

struct L3Options {
  std::uint64_t seed = 20251010;
  int accounts = 500;
  std::uint64_t events = 50'000;  // scenario events (the generator's count)
  double cycles_per_ms = 1.0;
};
Load make_l3(const L3Options& opt);

}  // namespace perpgate::load
