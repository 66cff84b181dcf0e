#!/usr/bin/env bash
# Backpressure at scale (docs/reliability.md): 10,000,000 generated events through perpgate host
# (sw backend, net_pcap) with TX refusing each burst with chance 1/2, wholly or partly (--tx-refuse,
# a DPDK TX callback), three times with different seeds, beside three runs without refusals,
# then once each with the roles on three ports. Every refused run must equal the runs without
# refusals frame for frame per port, account for account, counter for counter, each order
# answered once and each ack forwarded once, in order (tests/host_backpressure.py says what is
# compared). Figures: bench/results/backpressure.{json,txt}, backpressure_three.{json,txt}. Up to
# 5 GB of scenario and captures under build/backpressure_bench; runs at nice 15, about 20 minutes
# here.
# usage: bench/backpressure.sh   (PERPGATE_BP_EVENTS, PERPGATE_BP_RUNS, PERPGATE_BP_REFUSE change the run)
set -euo pipefail
cd "$(dirname "$0")/.."
perpgate=${PERPGATE:-build/bin/perpgate}
out=bench/results
mkdir -p "$out"
events=${PERPGATE_BP_EVENTS:-10000000}
runs=${PERPGATE_BP_RUNS:-3}
echo "bench: backpressure ($events events, $runs refused runs and $runs without)" >&2
nice -n 15 python3 tests/host_backpressure.py "$perpgate" build/backpressure_bench --events "$events" \
  --layout one --refuse "${PERPGATE_BP_REFUSE:-0.5}" --runs "$runs" --reference-runs "$runs" \
  --summary "$out/backpressure.json" | tee "$out/backpressure.txt"
# The roles on three ports (client, venue, market and desk), each refused on its own: one run each.
echo "bench: backpressure, three ports ($events events, 1 refused run and 1 without)" >&2
nice -n 15 python3 tests/host_backpressure.py "$perpgate" build/backpressure_bench --events "$events" \
  --layout three --refuse "${PERPGATE_BP_REFUSE:-0.5}" --runs 1 --reference-runs 1 \
  --summary "$out/backpressure_three.json" | tee "$out/backpressure_three.txt"
