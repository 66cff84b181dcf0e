// The gateway under concurrent load (bench/README.md, "Order path under load"): a load profile
// through the Verilated RTL with every frame released at its own cycle, the golden model fed in
// the gateway's take order, every output compared; prints frames lost per port and the latency
// of orders and of the first liquidation trigger after a mark, in cycles at 322.265625 MHz.
//   concurrent_load [--profile L1|L3] [--events N] [--holders H] [--others O]
//                   [--mark-every-us U] [--order-gap G] [--cycles-per-ms C] [--seed S]
//                   [--hostile-every K]
// Exits 1 if any output differs from the model's.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "load/concurrent_run.hpp"
#include "load/load_profiles.hpp"

int main(int argc, char** argv) {
  using namespace perpgate::load;
  CLI::App app{"perpgate concurrent load through the Verilated gateway"};
  std::string profile = "L1";
  L1Options l1;
  L3Options l3;
  std::uint64_t events = 1'000'000;
  std::uint64_t seed = 1;
  app.add_option("--profile", profile, "L1 (holders, marks, orders at line rate) or L3 (generated crash)")
      ->check(CLI::IsMember({"L1", "L3"}));
  app.add_option("--events", events, "timed events (L1) or generator events (L3)")->check(CLI::PositiveNumber);
  app.add_option("--holders", l1.holders, "L1: accounts holding the marked symbol")->check(CLI::PositiveNumber);
  app.add_option("--others", l1.others, "L1: accounts without a position in it")->check(CLI::NonNegativeNumber);
  app.add_option("--mark-every-us", l1.mark_every_us, "L1: a mark every this many us")->check(CLI::PositiveNumber);
  app.add_option("--order-gap", l1.order_gap, "L1: idle cycles between order frames");
  app.add_option("--accounts", l3.accounts, "L3: generator accounts")->check(CLI::PositiveNumber);
  app.add_option("--cycles-per-ms", l3.cycles_per_ms, "L3: clock cycles per ms of scenario time")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "load seed");
  RunOptions run;
  app.add_option("--hostile-every", run.hostile_every,
                 "a frame to refuse or a garbage-valued event after one timed frame in this many (0: none)");
  CLI11_PARSE(app, argc, argv);

  Load load;
  if (profile == "L1") {
    l1.events = events;
    l1.seed = seed;
    load = make_l1(l1);
    std::printf("L1: %d holders, %d others, a mark every %.1f us, orders %llu idle cycles apart, seed %llu\n",
                l1.holders, l1.others, l1.mark_every_us, static_cast<unsigned long long>(l1.order_gap),
                static_cast<unsigned long long>(seed));
  } else {
    l3.events = events;
    l3.seed = seed;
    load = make_l3(l3);
    std::printf("L3: generated crash, %d accounts, %llu generator events, %.3f cycles per ms, seed %llu\n",
                l3.accounts, static_cast<unsigned long long>(events), l3.cycles_per_ms,
                static_cast<unsigned long long>(seed));
  }
  if (run.hostile_every > 0)
    std::printf("hostile frames: after one timed frame in %llu\n", static_cast<unsigned long long>(run.hostile_every));
  const RunResult r = run_concurrent(load, run);
  print_result(r, stdout);
  return r.mismatch.empty() ? 0 : 1;
}
