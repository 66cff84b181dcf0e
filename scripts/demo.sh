#!/usr/bin/env bash
# The main job: build, generate a crash scenario (a book of leveraged accounts and order flow on a
# mark path modelled on 10 October 2025), replay it through the gateway, print a summary.
# Today this runs the `sw` backend (the hls/ kernels on the CPU); the RTL and host paths join it
# as their issues land.
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
