# Vitis HLS flow for the risk kernels' revaluation step (hls/src/pg_margin_top.cpp) on the UL3524
# part at the MAC clock: C simulation, synthesis, C/RTL co-simulation.
#   vitis_hls -f constraints/vitis_hls/hls.tcl
# Not run here (no Vitis); ctest hls.margin_csim builds and runs the same C simulation with g++,
# and ctest constraints.consistency checks that every file named below exists.
set root [file normalize [file join [file dirname [info script]] .. ..]]
set cflags "-std=c++17 -I$root/hls/include -DPERPGATE_HLS_AP_INT"

open_project -reset [file join $root build vitis_hls pg_margin]
set_top pg_margin_top
add_files [file join $root hls src pg_margin_top.cpp] -cflags $cflags
add_files -tb [file join $root hls test pg_margin_tb.cpp] -cflags $cflags
open_solution -reset ul3524 -flow_target vivado
set_part xcvu2p-fsvj2104-3-e
create_clock -period 3.103 -name clk_mac
config_compile -pipeline_loops 1
csim_design
csynth_design
cosim_design -rtl verilog
exit
