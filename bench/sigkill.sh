#!/usr/bin/env bash
# Crash restarts at scale (docs/reliability.md): perpgate host killed with SIGKILL 100 times
# while input remains and 10 more times while a restart applies its journal, on the sw and on
# the rtl backend, each restart on the same journal; the end must equal an uninterrupted run
# (tests/host_sigkill.py says what is compared). Figures: bench/results/sigkill_<backend>.json
# and .txt. The rtl backend simulates every frame, and every restart applies the whole journal
# again, so its run is shorter: about 17 minutes here for 15,000 events, the sw one about 3 for
# 500,000. Runs at nice 15: the machine is shared.
# sw_tx_refused is the sw run with TX refusing bursts at random (chance 1/2) in every killed run
# and restart (perpgate host --tx-refuse).
# usage: bench/sigkill.sh [sw|rtl|sw_tx_refused]...   (sw and rtl by default; PERPGATE_SIGKILL_SEED fixes the seed)
set -euo pipefail
cd "$(dirname "$0")/.."
perpgate=${PERPGATE:-build/bin/perpgate}
out=bench/results
mkdir -p "$out"
[ $# -gt 0 ] || set -- sw rtl
for run in "$@"; do
  refuse=()
  case $run in
    sw) backend=sw events=${PERPGATE_SIGKILL_SW_EVENTS:-500000} ;;
    rtl) backend=rtl events=${PERPGATE_SIGKILL_RTL_EVENTS:-15000} ;;
    sw_tx_refused) backend=sw events=${PERPGATE_SIGKILL_SW_EVENTS:-500000} refuse=(--tx-refuse 0.5) ;;
    *) echo "bench/sigkill.sh: unknown run '$run' (sw, rtl or sw_tx_refused)" >&2; exit 2 ;;
  esac
  echo "bench: sigkill $run ($events events, 100 kills during input, 10 during recovery)" >&2
  nice -n 15 python3 tests/host_sigkill.py "$perpgate" "build/sigkill_bench/$run" --backend "$backend" \
    --events "$events" --kills 100 --recovery-kills 10 ${PERPGATE_SIGKILL_SEED:+--seed "$PERPGATE_SIGKILL_SEED"} \
    "${refuse[@]}" --summary "$out/sigkill_$run.json" | tee "$out/sigkill_$run.txt"
done
