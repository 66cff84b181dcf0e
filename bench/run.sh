#!/usr/bin/env bash
# Regenerates the figures of bench/README.md: Google Benchmark medians with their spread (5
# repetitions), callgrind instruction counts, tick-to-trade through the Verilated RTL with its
# histogram plot, and the yosys figures. Summaries go to bench/results/ (kept in git), raw outputs
# (Google Benchmark's JSON, yosys logs) to bench/results/raw/ (ignored). About 1.5 hours on a 2-core
# VM, one of them the tick-to-trade run (PERPGATE_T2T_EVENTS=200000 for a shorter one);
# `bench/run.sh --full-synth` adds the whole gateway's synthesis at both capacities (about 90 more).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
out=bench/results
mkdir -p "$out/raw"
lscpu | sed -n 's/^Model name: *//p' > "$out/machine.txt"
nproc >> "$out/machine.txt"
reps=${PERPGATE_BENCH_REPS:-5}
for b in kernels_bench replay_bench sim_bench; do
  echo "bench: $b ($reps repetitions)" >&2
  ./build/bin/$b --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/raw/$b.json" --benchmark_out_format=json | tee "$out/$b.txt"
done

# The host path: perpgate host's loop over net_ring beside a UDP socket loop (about 20 s).
echo "bench: host_bench" >&2
./build/bin/host_bench | tee "$out/host_bench.txt"

# Instructions per event: (I(2N) - I(N)) / N under callgrind, so set-up cancels out.
icount() {  # args: N, then the driver's arguments after N
  local n=$1; shift
  local mode=$1; shift
  valgrind --tool=callgrind --callgrind-out-file=/dev/null ./build/bin/icount_driver "$mode" "$n" "$@" 2>&1 \
    | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
{
  echo "event,instructions_per_event"
  a=$(icount 100000 check); b=$(icount 200000 check)
  echo "pre-trade check (passing order),$(( (b - a) / 100000 ))"
  for p in 1 128 1024; do
    a=$(icount 200 mark "$p"); b=$(icount 400 mark "$p")
    echo "mark tick revaluing $p positions,$(( (b - a) / 200 ))"
  done
} | tee "$out/instructions.csv"

# Tick-to-trade on the Verilated RTL over at least 1 M events (six scenarios of about 245 M cycles,
# about 17 minutes of one core each on a 2-core EPYC VM; one process per core), with its plot.
events=${PERPGATE_T2T_EVENTS:-1000000}
echo "bench: tick_to_trade ($events events through the RTL)" >&2
./build/bin/tick_to_trade --events "$events" --jobs "$(nproc)" --out "$out"
gnuplot -e "in='$out/tick_to_trade_hist.csv'; out='$out/tick_to_trade.png'" bench/plot_tick_to_trade.gp

# The gateway under concurrent load (bench/concurrent_load: frames on every port at their own
# cycles, every output checked against the model in the gateway's take order): L1 at 1 M events,
# L1 with an order a microsecond, the same with a mark every 50 us, L3 (a generated crash) at
# 100,000 generator events: about 90 million simulated cycles in all, one process.
echo "bench: concurrent_load" >&2
{
  ./build/bin/concurrent_load --profile L1 --events 1000000
  ./build/bin/concurrent_load --profile L1 --events 200000 --order-gap 310
  ./build/bin/concurrent_load --profile L1 --events 100000 --order-gap 310 --mark-every-us 50
  ./build/bin/concurrent_load --profile L3 --events 100000
} | tee "$out/concurrent_load.txt"

# The same gateway beside a hostile network (docs/reliability.md): after one load frame in two, a
# frame to refuse or a garbage-valued event, back to back on a random port: about 1.6 M frames.
echo "bench: concurrent_load, hostile frames" >&2
./build/bin/concurrent_load --profile L1 --events 1000000 --order-gap 20 --hostile-every 2 |
  tee "$out/concurrent_load_hostile.txt"

# Synthesis figures per RTL unit (yosys), resources and LUT levels per stage; with --full-synth
# also the whole gateway top at default and maximum capacity.
if [[ "${1:-}" == "--full-synth" ]]; then bash scripts/synth.sh --full; else bash scripts/synth.sh; fi
