#!/usr/bin/env bash
# The main job: build, generate a crash scenario (a book of leveraged accounts and order flow on a
# mark path modelled on 10 October 2025), and run it:
#   1. `perpgate replay --backend sw` on 1,000,000 events (the golden model's decisions);
#   2. the same scenario as wire frames through `perpgate host` (DPDK, net_pcap, sw backend):
#      decoded back, it must be byte-identical to 1;
#   3. a 30,000-event run of the same generator, with bad frames mixed in, through `perpgate host`
#      with the rtl backend (the Verilated gateway RTL): identical to replay, with the RTL's latency
#      in clock cycles and ns at 322.265625 MHz;
#   4. the Verilated RTL under concurrent load (bench/concurrent_load, L1: 500 holders marked every
#      10 us, orders back to back, fills and cancels on all three ports at once): frames dropped
#      per port and latencies, every output checked against the golden model in take order.
# A PNG plots the host path's per-packet latency on the sw backend (2) and the RTL's latency in
# clock cycles (3). The rtl backend's per-packet host time is the simulator's wall time, not a
# latency of the gateway, so it is printed as such and not plotted.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: building (the first build from a fresh clone takes several minutes; progress below)"
# A line per built target (and any error); pipefail carries the build's status past the filter.
bash scripts/build.sh 2>&1 | { grep --line-buffered -E '^\[ *[0-9]+%\] Built target|install-deps|rror' || true; } ||
  { echo "demo: the build failed (bash scripts/build.sh shows it whole)" >&2; exit 1; }
echo "demo: build done"
P=./build/bin/perpgate
out=${PERPGATE_DEMO_OUT:-build/demo}
rm -rf "$out" && mkdir -p "$out"
events=${PERPGATE_DEMO_EVENTS:-1000000}
host_run() {  # host_run DIR BACKEND EXTRA...: perpgate host on DIR/in.pcap over net_pcap
  local dir=$1 backend=$2
  shift 2
  "$P" host --no-huge --no-pci -l 0 -m 512 --file-prefix "pg_demo_$$" --log-level=error \
    --vdev="net_pcap0,rx_pcap=$dir/in.pcap,tx_pcap=$dir/out.pcap" -- \
    --config "$dir/gateway.toml" --control "$dir/control.jsonl" --control-log "$dir/control_out.jsonl" \
    --backend "$backend" --stats "$dir/stats.json" --exit-when-idle 2000 --progress "$@"
}

echo "demo: generating ${events} events for 500 accounts (seed 20251010) -> $out/scenario.jsonl"
"$P" gen --seed 20251010 --accounts 500 --events "$events" -o "$out/scenario.jsonl"
echo "demo: [1] perpgate replay --backend sw"
start=$(date +%s.%N)
rc=0
"$P" replay --backend sw --summary "$out/scenario.jsonl" > "$out/decisions.jsonl" || rc=$?
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$(wc -l < "$out/scenario.jsonl")" \
  'BEGIN { t = e - s; printf "demo: %d input lines in %.2f s wall = %.2f M lines/s (one run; see bench/ for medians)\n", n, t, n / t / 1e6 }'
echo "demo: exit status $rc (0: every line understood)"

echo "demo: [2] the same scenario as frames through perpgate host (DPDK net_pcap, sw backend)"
mkdir -p "$out/host_sw"
"$P" pcap encode "$out/scenario.jsonl" "$out/host_sw"
host_run "$out/host_sw" sw --latency-hist "$out/host_sw/latency_hist.csv"
"$P" pcap decode "$out/host_sw" "$out/host_sw/out.pcap" "$out/host_sw/control_out.jsonl" > "$out/host_sw/decisions.jsonl"
python3 scripts/host_summary.py "$out/host_sw/stats.json"
if ! cmp -s "$out/host_sw/decisions.jsonl" "$out/decisions.jsonl"; then
  echo "demo: host decisions DIFFER from replay: see $out/host_sw/decisions.jsonl" >&2
  exit 1
fi
echo "demo: host (sw) decisions identical to replay ($(wc -l < "$out/decisions.jsonl") lines)"

# The RTL simulates a few thousand events a second: a shorter run of the same generator (crash included).
rtl_events=${PERPGATE_DEMO_RTL_EVENTS:-30000}
echo "demo: [3] $rtl_events events through perpgate host with the rtl backend (Verilated RTL, about a minute)"
mkdir -p "$out/host_rtl"
"$P" gen --seed 20251010 --accounts 500 --events "$rtl_events" -o "$out/scenario_rtl.jsonl"
"$P" pcap encode --bad-every 50 "$out/scenario_rtl.jsonl" "$out/host_rtl"
host_run "$out/host_rtl" rtl --latency-hist "$out/host_rtl/latency_hist.csv" 2> "$out/host_rtl/host_stderr.txt" || {
  cat "$out/host_rtl/host_stderr.txt" >&2
  exit 1
}
"$P" pcap decode "$out/host_rtl" "$out/host_rtl/out.pcap" "$out/host_rtl/control_out.jsonl" > "$out/host_rtl/decisions.jsonl"
"$P" replay --backend sw "$out/scenario_rtl.jsonl" > "$out/host_rtl/replay.jsonl" || true
{
  python3 scripts/host_summary.py "$out/host_rtl/stats.json"
  sed -n '/^RTL latency/,$p' "$out/host_rtl/host_stderr.txt"
} | tee "$out/summary.txt"
if command -v gnuplot >/dev/null; then
  gnuplot -e "host_in='$out/host_sw/latency_hist.csv'; rtl_in='$out/host_rtl/latency_hist.csv'; out='$out/latency.png'" \
    scripts/plot_host_latency.gp
  echo "demo: latency histograms -> $out/latency.png (summary in $out/summary.txt)"
fi
if ! cmp -s "$out/host_rtl/decisions.jsonl" "$out/host_rtl/replay.jsonl"; then
  echo "demo: rtl host decisions DIFFER from replay: see $out/host_rtl/decisions.jsonl" >&2
  exit 1
fi
echo "demo: host (rtl) decisions identical to replay ($(wc -l < "$out/host_rtl/replay.jsonl") lines)"

load_events=${PERPGATE_DEMO_LOAD_EVENTS:-20000}
echo "demo: [4] the Verilated RTL under concurrent load, $load_events events on all three ports at once"
./build/bin/concurrent_load --profile L1 --events "$load_events" | tee "$out/concurrent_load.txt"
exit "$rc"
