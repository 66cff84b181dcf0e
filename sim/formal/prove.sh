#!/usr/bin/env bash
# A bounded proof with yosys' SAT solver: every assertion of a harness holds in every cycle of
# every run of DEPTH cycles from reset that meets its assumptions (sim/formal/*_formal.sv).
# usage: prove.sh TOP DEPTH TIMEOUT_S FILE...   (exit 0: proved; 1: a counterexample or a timeout)
#        PG_FORMAL_DEFINES="-DNAME ..." adds defines; PG_FORMAL_EXPECT=counterexample inverts the
#        verdict: exit 0 only if the solver finds a run that breaks an assertion (a harness's
#        deliberately broken property, -DPG_FORMAL_BROKEN: the proof is not vacuous).
set -euo pipefail
top=$1 depth=$2 timeout=$3
shift 3
script=$(mktemp --suffix .ys)
trap 'rm -f "$script"' EXIT
# SYNTHESIS: the designs' own simulation-only assertions stay out (Verilator runs them); the
# harness's are the ones proved. Registers start at zero, the harness holds reset low in the
# first cycle; memories become registers for the solver.
cat > "$script" <<YS
read_verilog -DSYNTHESIS ${PG_FORMAL_DEFINES:-} -formal -sv $*
prep -top $top
async2sync
flatten
memory_map
opt -fast
sat -seq $depth -prove-asserts -set-assumes -set-init-zero -timeout $timeout -verify $top
YS
log=$(mktemp)
if [[ ${PG_FORMAL_EXPECT:-} == counterexample ]]; then
  yosys -q -l "$log" -s "$script" > /dev/null 2>&1 || true
  if grep -q "proof did fail" "$log"; then
    echo "prove: $top: a run that breaks an assertion found, as expected"
    rm -f "$log"
    exit 0
  fi
  tail -5 "$log" >&2
  echo "prove: $top: no counterexample to the broken property" >&2
  rm -f "$log"
  exit 1
fi
if yosys -q -l "$log" -s "$script" > /dev/null 2>&1; then
  echo "prove: $top: every assertion holds for $depth cycles from reset"
  rm -f "$log"
  exit 0
fi
grep -E "failed|ERROR|Assert|time out" "$log" | head -20 >&2 || true
echo "prove: $top: NOT proved for $depth cycles (see above)" >&2
rm -f "$log"
exit 1
