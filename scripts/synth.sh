#!/usr/bin/env bash
# Synthesis figures with yosys (synth_xilinx, UltraScale+): LUT, FF, CARRY, DSP, BRAM/URAM and the
# longest register-to-register path of each RTL unit, and the LUT levels of every pipeline stage.
# Kept summaries: bench/results/synth_summary.txt (a line per unit) and levels_<unit>.txt
# (scripts/logic_levels.py); yosys' log and stat per unit go to the ignored bench/results/raw/.
#   scripts/synth.sh                    the units (a few minutes)
#   scripts/synth.sh --gateway default  only the whole gateway top at default capacity (35 to 45
#   scripts/synth.sh --gateway max      minutes on a 2-core VM, a third of it yosys' proc pass on
#                                       the risk core's sequencer: see bench/README.md), or at
#                                       65,536 accounts
#   scripts/synth.sh --gateway small    the top at 64 accounts, 4 symbols and 64 order sets: the
#                                       same stages and depth profile in about half the time, for
#                                       the depth analysis (logic_levels.py --path/--sources)
#   scripts/synth.sh --core             only the risk core (pg_risk_core) at default capacity: its
#                                       stages without the I/O around it (about 25 minutes)
#   scripts/synth.sh --full             the units and both gateway runs
#   scripts/synth.sh --summary          only the one-line-per-unit summary of what is there
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
raw=$out/raw
mkdir -p "$out" "$raw"
pkg="rtl/pkg/perpgate_fixed_pkg.sv rtl/pkg/perpgate_wire_pkg.sv rtl/pkg/perpgate_regs_pkg.sv rtl/risk/pg_risk_pkg.sv"

synth() {  # unit top params sources...
  local unit=$1 top=$2 params=$3; shift 3
  local log="$raw/synth_$unit.log"
  echo "synth: $unit"
  local json="${TMPDIR:-/tmp}/perpgate_synth_$unit.json"
  yosys -q -t -l "$log" -p "read_verilog -sv $pkg $*; chparam $params $top; \
    synth_xilinx -family xcup -uram -flatten -top $top; check -assert; \
    select -assert-none t:\$_DLATCH_* t:LD* t:LDCE t:LDPE; tee -o $raw/synth_$unit.txt stat; \
    tee -a $raw/synth_$unit.txt ltp -noff t:FD* %n; write_json $json" > /dev/null
  python3 scripts/logic_levels.py "$json" --top 40 > "$out/levels_$unit.txt"
  # PERPGATE_KEEP_NETLIST=1 keeps it, for `scripts/logic_levels.py NETLIST --path STAGE`
  [[ ${PERPGATE_KEEP_NETLIST:-0} == 1 ]] && echo "netlist: $json" || rm -f "$json"
}

mode=${1:-}
gateway=${2:-}
[[ $mode == --full ]] && gateway=both
[[ $mode == "" || $mode == --full || $mode == --summary || $mode == --core ||
   ( $mode == --gateway && $gateway =~ ^(default|max|small)$ ) ]] ||
  { echo "usage: scripts/synth.sh [--full | --gateway default|max|small | --core | --summary]" >&2; exit 2; }

[[ $mode == --summary || $mode == --gateway || $mode == --core ]] || {
synth rx_port pg_rx_port "" rtl/common/pg_countdown.sv rtl/risk/pg_mulu.sv rtl/eth/pg_udp_rx.sv \
  rtl/eth/pg_msg_rx.sv rtl/eth/pg_rx_port.sv
synth rx_fifo pg_rx_fifo "" rtl/eth/pg_rx_fifo.sv
synth udp_tx pg_udp_tx "" rtl/common/pg_index_mux.sv rtl/eth/pg_udp_tx.sv
synth axil_regs pg_axil_regs "" rtl/common/pg_index_mux.sv rtl/ctrl/pg_counter_bank.sv rtl/ctrl/pg_axil_regs.sv
synth rate_of_notional pg_rate_of_notional "" rtl/risk/pg_rate_of_notional.sv
synth divu pg_divu "" rtl/risk/pg_divu.sv
synth mul pg_mul "" rtl/risk/pg_mul.sv
synth money_floor pg_money_floor "" rtl/common/pg_delay.sv rtl/risk/pg_mulu.sv rtl/risk/pg_money_floor.sv
synth median_present pg_median_present "" rtl/risk/pg_median_present.sv
synth order_check pg_order_check "" rtl/common/pg_delay.sv rtl/risk/pg_rate_of_notional.sv rtl/risk/pg_mulu.sv rtl/risk/pg_mulu_cs.sv \
  rtl/risk/pg_order_check.sv
synth reval_lane pg_reval_lane "" rtl/common/pg_delay.sv rtl/common/pg_index_mux.sv rtl/risk/pg_rate_of_notional.sv rtl/risk/pg_mul.sv \
  rtl/risk/pg_mulu.sv rtl/risk/pg_money_floor.sv rtl/risk/pg_reval_lane.sv
synth fill_unit pg_fill_unit "" rtl/risk/pg_mul.sv rtl/risk/pg_divu.sv rtl/risk/pg_fill_unit.sv
}

top_src=$(grep '^rtl/' rtl/gateway_sources.f | grep -v '_pkg.sv' | tr '\n' ' ')
if [[ $mode == --core || $mode == --full ]]; then
  synth core pg_risk_core "" rtl/common/pg_index_mux.sv rtl/common/pg_delay.sv rtl/common/pg_countdown.sv rtl/risk/pg_rate_of_notional.sv \
    rtl/risk/pg_divu.sv rtl/risk/pg_mul.sv rtl/risk/pg_mulu.sv rtl/risk/pg_mulu_cs.sv rtl/risk/pg_money_floor.sv rtl/risk/pg_median_present.sv \
    rtl/risk/pg_order_check.sv rtl/risk/pg_reval_lane.sv rtl/risk/pg_fill_unit.sv rtl/risk/pg_risk_core.sv
fi
if [[ $gateway == default || $gateway == both ]]; then
  synth gateway_default pg_gateway_top "" $top_src
fi
if [[ $gateway == small ]]; then
  synth gateway_small pg_gateway_top "-set Accounts 64 -set Symbols 4 -set OrderSets 64" $top_src
fi
if [[ $gateway == max || $gateway == both ]]; then
  synth gateway_max pg_gateway_top "-set Accounts 65536 -set OrderSets 65536" $top_src
fi

# One line per unit: cells of interest and the logic depth. A unit synthesized now (its stat in raw/)
# replaces its line; the lines of units not rerun are kept, so the summary stays whole.
summary=$out/synth_summary.txt
fresh=$(for f in "$raw"/synth_*.txt; do
  [[ -f $f ]] || continue
  unit=$(basename "$f" .txt)
  # (yosys -t puts a timestamp before every line it logs, the tee'd stat included)
  count() { sed 's/^\[[0-9.]*\] *//' "$f" | awk -v re="$1" '$1 ~ re {s += $2} END {print s + 0}'; }
  luts=$(count '^LUT[1-6]$')
  ffs=$(count '^FD[A-Z]+$')
  dsp=$(count '^DSP48E2$')
  bram=$(count '^RAMB(18|36)E2$')
  uram=$(count '^URAM288$')
  carry=$(count '^CARRY[48]$')
  ltp=$(sed -n 's/.*Longest topological path in .* (length=\([0-9]*\)).*/\1/p' "$f" | tail -1)
  lv="$out/levels_${unit#synth_}.txt"
  levels=$( [[ -f $lv ]] && awk '/^per module/ {f = 1; next} f && NF == 0 {exit} f && $2 + 0 > m {m = $2 + 0} END {print m + 0}' "$lv" || echo "?")
  printf '%-24s LUT %6s  FF %6s  CARRY %5s  DSP %4s  BRAM %4s  URAM %4s  cells on longest path %4s  LUT levels %s\n' \
    "${unit#synth_}" "$luts" "$ffs" "$carry" "$dsp" "$bram" "$uram" "${ltp:-?}" "$levels"
done)
{
  [[ -f $summary ]] && awk -v fresh="$fresh" 'BEGIN { n = split(fresh, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], w, " "); if (w[1] != "") seen[w[1]] = 1 } }
    !($1 in seen) && !/^#/' "$summary"
  [[ -n $fresh ]] && printf '%s\n' "$fresh"
} | sort > "$summary.new"
mv "$summary.new" "$summary"
cat "$summary"
