# Vivado non-project flow for the perpgate gateway top on AMD Alveo UL3524, out of context (the
# card shell with the GTF MACs and the PCIe / AXI-Lite bridge instantiates it).
#   vivado -mode batch -source constraints/vivado/build.tcl [-tclargs <capacity: default|max>]
# Writes build/vivado/<capacity>/: checkpoints, timing summary, utilization, logic levels.
# Not run in this repository's CI (no Vivado here); ctest constraints.consistency checks that every
# file this script reads exists and that the XDC matches the top's ports.

set root     [file normalize [file join [file dirname [info script]] .. ..]]
set part     xcvu2p-fsvj2104-3-e
set top      pg_gateway_top
set capacity [expr {[llength $argv] > 0 ? [lindex $argv 0] : "default"}]
set out      [file join $root build vivado $capacity]
file mkdir $out

# Sources in compile order: the same list CMake and yosys read.
set fh [open [file join $root rtl gateway_sources.f] r]
foreach line [split [read $fh] "\n"] {
  if {[string match "rtl/*" $line]} { read_verilog -sv [file join $root $line] }
}
close $fh
read_xdc -mode out_of_context [file join $root constraints ul3524 pg_gateway_top.xdc]

set generics {}
if {$capacity eq "max"} { set generics {-generic Accounts=65536 -generic OrderSets=65536} }

synth_design -top $top -part $part -mode out_of_context -flatten_hierarchy rebuilt {*}$generics
write_checkpoint -force [file join $out post_synth.dcp]
report_utilization -file [file join $out utilization_synth.rpt]
opt_design
place_design
phys_opt_design
route_design
write_checkpoint -force [file join $out post_route.dcp]
report_timing_summary -max_paths 20 -file [file join $out timing_summary.rpt]
report_utilization -hierarchical -file [file join $out utilization.rpt]
report_design_analysis -logic_level_distribution -file [file join $out logic_levels.rpt]
