#!/usr/bin/env bash
# The quick synthesis that runs in CI (ctest rtl.synth_gateway_quick, a few minutes): yosys'
# synth_xilinx of the whole gateway top with the risk core's sequencer as a black box, and of the
# core's datapath units (pg_rate_of_notional, pg_divu, pg_mul, pg_money_floor, pg_median_present,
# pg_order_check, pg_reval_lane, pg_fill_unit) on their own; each must map with no latch
# and pass `check -assert`. The sequencer (pg_risk_core) is read and elaborated here, and each of
# its tables must be a memory to yosys; a latch in it is found only by the full synthesis,
# scripts/synth.sh --gateway, about 45 minutes in yosys (Verilator 5.006's lint does not find one
# there: tried, see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
pkg="rtl/pkg/perpgate_fixed_pkg.sv rtl/pkg/perpgate_wire_pkg.sv rtl/pkg/perpgate_regs_pkg.sv rtl/risk/pg_risk_pkg.sv"
core=rtl/risk/pg_risk_core.sv
units="rtl/common/pg_delay.sv rtl/common/pg_countdown.sv rtl/risk/pg_rate_of_notional.sv rtl/risk/pg_divu.sv rtl/risk/pg_mul.sv rtl/risk/pg_mulu.sv rtl/risk/pg_mulu_cs.sv rtl/risk/pg_money_floor.sv rtl/risk/pg_median_present.sv rtl/risk/pg_order_check.sv rtl/risk/pg_reval_lane.sv rtl/risk/pg_fill_unit.sv"
rest=$(grep '^rtl/' rtl/gateway_sources.f | grep -v '_pkg.sv' | grep -v -x -F -e "$core" \
       -e rtl/common/pg_delay.sv -e rtl/common/pg_countdown.sv -e rtl/risk/pg_rate_of_notional.sv -e rtl/risk/pg_divu.sv -e rtl/risk/pg_mul.sv \
       -e rtl/risk/pg_mulu.sv -e rtl/risk/pg_mulu_cs.sv -e rtl/risk/pg_money_floor.sv -e rtl/risk/pg_median_present.sv -e rtl/risk/pg_order_check.sv -e rtl/risk/pg_reval_lane.sv -e rtl/risk/pg_fill_unit.sv | tr '\n' ' ')
no_latch='check -assert; select -assert-none t:$_DLATCH_* t:LD* t:LDCE t:LDPE'

yosys -q -p "read_verilog -sv $pkg $rest rtl/common/pg_countdown.sv rtl/risk/pg_mulu.sv; read_verilog -sv -lib $pkg $core; \
  hierarchy -check -top pg_gateway_top; synth_xilinx -family xcup -flatten -top pg_gateway_top; \
  $no_latch; select -assert-count 1 t:pg_risk_core"
for top in pg_rate_of_notional pg_divu pg_mul pg_money_floor pg_median_present pg_order_check pg_reval_lane pg_fill_unit; do
  yosys -q -p "read_verilog -sv $pkg rtl/common/pg_index_mux.sv $units; synth_xilinx -family xcup -flatten -top $top; $no_latch"
done
# Every table of the core must be a memory for yosys (nine, and the order check's two copies of
# the tier table's fields: the rates, the floors): an unpacked array of a struct type is read by yosys 0.23 as one register, which
# would synthesize a different design.
yosys -q -p "read_verilog -sv $pkg rtl/common/pg_index_mux.sv $units $core; hierarchy -check -top pg_risk_core; \
  select -assert-count 9 pg_risk_core/m:*; select -assert-count 2 *pg_order_check*/m:*; \
  select -assert-count 1 *pg_reval_lane*/m:*"
echo "quick synthesis: gateway top (core as a black box), pg_rate_of_notional, pg_divu, pg_mul, pg_money_floor, pg_median_present, pg_order_check, pg_reval_lane, pg_fill_unit: no latch, check clean; the core's nine tables, the check's two tier copies and the lane's trigger queue are memories"
