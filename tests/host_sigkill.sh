#!/usr/bin/env bash
# Crash recovery: perpgate host (sw backend, net_pcap) journals every input. It is killed with
# SIGKILL at random points of a long scenario and started again on the same journal (the pcap
# source starts over: --skip-journaled-frames) until a run reaches the end. The final state of
# every account and every gateway counter must equal those of an uninterrupted run.
# usage: host_sigkill.sh PERPGATE WORKDIR [EVENTS] [KILLS] [SEED]
set -euo pipefail
perpgate=$1 work=$2 events=${3:-200000} kills=${4:-3} seed=${5:-$RANDOM}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
echo "sigkill: seed $seed, $events events, $kills kills"
"$perpgate" gen --seed 11 --accounts 300 --events "$events" -o scenario.jsonl
"$perpgate" pcap encode --bad-every 97 scenario.jsonl . 2> /dev/null

run_host() {  # run_host TAG JOURNAL EXTRA...
  local tag=$1 journal=$2
  shift 2
  "$perpgate" host --no-huge --no-pci -l 0 -m 256 --file-prefix "pg_kill_${tag}_$$" --log-level=error \
    --vdev="net_pcap0,rx_pcap=in.pcap,tx_pcap=out_${tag}.pcap" -- \
    --config gateway.toml --control control.jsonl --control-log "control_${tag}.jsonl" \
    --journal "$journal" --skip-journaled-frames --exit-when-idle 2000 \
    --stats "stats_${tag}.json" --state-dump "state_${tag}.jsonl" "$@"
}

start=$(date +%s%N)
run_host whole whole.journal 2> whole.err
whole_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "sigkill: uninterrupted run ${whole_ms} ms, journal $(stat -c %s whole.journal) bytes"

RANDOM=$seed
killed=0
for k in $(seq 1 "$kills"); do
  delay_ms=$(( 150 + RANDOM % (whole_ms > 300 ? whole_ms - 150 : 150) ))
  run_host "k$k" killed.journal 2> "k$k.err" &
  pid=$!
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  if kill -KILL "$pid" 2> /dev/null; then
    killed=$((killed + 1))
    wait "$pid" 2> /dev/null || true
    echo "sigkill: run $k killed after ${delay_ms} ms, journal $(stat -c %s killed.journal) bytes"
  else
    wait "$pid" || true
    echo "sigkill: run $k ended before its kill at ${delay_ms} ms"
  fi
  rm -rf "/var/run/dpdk/pg_kill_k${k}_$$" 2> /dev/null || true
done
run_host final killed.journal 2> final.err
grep "journal applied" final.err || true

python3 - "$killed" <<'PY'
import json, sys
def state(tag):
    # The account lines without their log position (the restarted run counts frames alike, but
    # say so explicitly: only the state is compared).
    out = []
    for line in open(f"state_{tag}.jsonl"):
        d = json.loads(line)
        d.pop("out", None)
        out.append(d)
    return out
def counters(tag):
    return json.load(open(f"stats_{tag}.json"))["gateway"]
a, b = state("whole"), state("final")
errors = []
if not a:
    errors.append("the uninterrupted run dumped no account")
if a != b:
    diff = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    errors.append(f"account states differ (first at account line {diff})")
if counters("whole") != counters("final"):
    errors.append(f"gateway counters differ:\n{counters('whole')}\n{counters('final')}")
if errors:
    sys.exit("\n".join(errors))
print(f"sigkill: {len(a)} accounts and every counter equal after {sys.argv[1]} SIGKILLs and restarts")
PY
if [ "$killed" -eq 0 ] && [ "$kills" -gt 0 ]; then
  echo "sigkill: no run was killed mid-way (machine too fast for the delays?)" >&2
  exit 1
fi
