#!/usr/bin/env bash
# The main job: build, generate a crash scenario (a book of leveraged accounts and order flow on a
# mark path modelled on 10 October 2025), replay it through the gateway, print a summary: first
# through the `sw` backend (the hls/ kernels on the CPU), then a shorter scenario of the same
# generator through the Verilated gateway RTL (`rtl` backend: frames on its ports, AXI-Lite commands),
# which must write the same bytes, with its latency in clock cycles. The DPDK host path joins when
# its issue lands.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
out=${PERPGATE_DEMO_OUT:-build/demo}
mkdir -p "$out"
events=${PERPGATE_DEMO_EVENTS:-1000000}
echo "demo: generating ${events} events for 500 accounts (seed 20251010) -> $out/scenario.jsonl"
./build/bin/perpgate gen --seed 20251010 --accounts 500 --events "$events" -o "$out/scenario.jsonl"
echo "demo: perpgate replay --backend sw $out/scenario.jsonl > $out/decisions.jsonl"
start=$(date +%s.%N)
rc=0
./build/bin/perpgate replay --backend sw --summary "$out/scenario.jsonl" > "$out/decisions.jsonl" || rc=$?
end=$(date +%s.%N)
lines=$(wc -l < "$out/scenario.jsonl")
awk -v s="$start" -v e="$end" -v n="$lines" \
  'BEGIN { t = e - s; printf "demo: %d input lines in %.2f s wall = %.2f M lines/s (one run; see bench/ for medians)\n", n, t, n / t / 1e6 }'
echo "demo: first liquidation triggers:"
grep -m 5 '"liquidate"' "$out/decisions.jsonl" || true
echo "demo: exit status $rc (0: every line understood)"

# The RTL simulates about 1,000 events a second: a shorter run of the same generator (crash included).
rtl_events=${PERPGATE_DEMO_RTL_EVENTS:-30000}
./build/bin/perpgate gen --seed 20251010 --accounts 500 --events "$rtl_events" -o "$out/scenario_rtl.jsonl"
echo "demo: perpgate replay --backend rtl on $rtl_events events (Verilated RTL, about a minute)"
./build/bin/perpgate replay --backend sw "$out/scenario_rtl.jsonl" > "$out/decisions_rtl_sw.jsonl" 2>/dev/null || true
rtl_rc=0
./build/bin/perpgate replay --backend rtl --summary "$out/scenario_rtl.jsonl" > "$out/decisions_rtl.jsonl" \
  2> "$out/rtl_summary.txt" || rtl_rc=$?
sed -n '/^RTL latency/,$p' "$out/rtl_summary.txt"
if cmp -s "$out/decisions_rtl.jsonl" "$out/decisions_rtl_sw.jsonl"; then
  echo "demo: rtl decisions identical to sw ($(wc -l < "$out/decisions_rtl.jsonl") lines), exit status $rtl_rc"
else
  echo "demo: rtl decisions DIFFER from sw: see $out/decisions_rtl.jsonl" >&2
  exit 1
fi
exit "$rc"
