#!/usr/bin/env bash
# Runs one fuzz target for N inputs (default 10,000,000), then prints the inputs run, the
# coverage (cov: edges, ft: features), the corpus and the findings:
#   scripts/fuzz.sh TARGET [N]     TARGET: replay gateway pcap_decode config control journal
# Builds the fuzz preset (clang, libFuzzer, ASan, UBSan) into build-fuzz/ if needed, and the seed
# corpora into build-fuzz/seeds/ (fuzz_seeds, plus tests/golden for replay). New inputs go to
# build-fuzz/corpus/TARGET/, findings (crash-*, leak-*, timeout-*, oom-*) to
# build-fuzz/findings/TARGET/, libFuzzer's own output to build-fuzz/fuzz-TARGET.log. Extra
# libFuzzer flags: FUZZ_ARGS="-max_total_time=600".
set -euo pipefail

targets="replay gateway pcap_decode config control journal"
target=${1:-}
runs=${2:-10000000}
if [ -z "$target" ] || ! [[ " $targets " == *" $target "* ]]; then
  echo "usage: $0 TARGET [N]   (TARGET: $targets)" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh --fuzz
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  cmake --preset fuzz >/dev/null
fi
cmake --build build-fuzz --target "fuzz_$target" fuzz_seeds -j "${FUZZ_BUILD_JOBS:-1}" >/dev/null

if [ ! -d build-fuzz/seeds ]; then
  build-fuzz/bin/fuzz_seeds build-fuzz/seeds
  cp tests/golden/*.jsonl build-fuzz/seeds/replay/
fi
corpus=build-fuzz/corpus/$target
findings=build-fuzz/findings/$target
log=build-fuzz/fuzz-$target.log
mkdir -p "$corpus" "$findings"
case $target in
  replay|journal) max_len=8192 ;;
  pcap_decode) max_len=16384 ;;
  *) max_len=4096 ;;
esac

set +e
# shellcheck disable=SC2086
"build-fuzz/bin/fuzz_$target" -runs="$runs" -max_len="$max_len" -print_final_stats=1 \
  -artifact_prefix="$findings/" ${FUZZ_ARGS:-} "$corpus" "build-fuzz/seeds/$target" "fuzz/corpus/$target" >"$log" 2>&1
status=$?
set -e

inputs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")
found=$(find "$findings" -maxdepth 1 -type f | wc -l)
echo "fuzz_$target: inputs ${inputs:-?}, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, findings $found (exit $status)"
if [ "$status" -ne 0 ]; then
  grep -E 'invariant failed|ERROR: |SUMMARY: |^  ' "$log" | head -20 >&2
  echo "see $log and $findings/" >&2
fi
exit "$status"
