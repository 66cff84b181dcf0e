# gnuplot: the demo's latency histograms (perpgate host --latency-hist) as a PNG: the host path per
# packet from a run on the sw backend (host_in), and the RTL's latency in clock cycles from a run on
# the rtl backend (rtl_in). The rtl run's per-packet host time is simulator wall time: not plotted.
#   gnuplot -e "host_in='build/demo/host_sw/latency_hist.csv'; rtl_in='build/demo/host_rtl/latency_hist.csv'; \
#     out='build/demo/latency.png'" scripts/plot_host_latency.gp
set datafile separator ","
set terminal pngcairo size 1500,600 noenhanced font ",10"
set output out
set multiplot layout 1,3 title "perpgate demo: crash scenario through perpgate host (net_pcap, sw backend) and the Verilated RTL"
set style fill solid 0.6
set logscale y
set yrange [0.8:*]
set ylabel "count"
set title "host path on the sw backend, per packet (RX burst -> TX burst)"
set xlabel "ns (TSC)"
set logscale x
plot host_in every ::1 using (strcol(1) eq "host_ns" ? $2 : 1/0):4 with impulses lw 3 title "host"
unset logscale x
set title "RTL: order last beat in -> ack/reject first beat out"
set xlabel "cycles at 322.265625 MHz (3.103 ns)"
set xrange [0:*]
set boxwidth 0.5
plot rtl_in every ::1 using (strcol(1) eq "rtl_order_cycles" ? $2 : 1/0):4 with boxes title "order"
set title "RTL: mark tick in -> first liquidation out"
set logscale x
set autoscale x
plot rtl_in every ::1 using (strcol(1) eq "rtl_mark_liq_cycles" ? $2 : 1/0):4 with impulses lw 3 title "mark"
unset multiplot
