# gnuplot: the latency histograms of bench/results/tick_to_trade_hist.csv as a PNG.
#   gnuplot -e "in='bench/results/tick_to_trade_hist.csv'; out='bench/results/tick_to_trade.png'" bench/plot_tick_to_trade.gp
set datafile separator ","
set terminal pngcairo size 1200,700 noenhanced font ",10"
set output out
set multiplot layout 1,2 title "perpgate gateway RTL (Verilated), cycles at 322.265625 MHz: 1 cycle = 3.103 ns"
set style fill solid 0.6
set logscale y
set ylabel "count"
set xlabel "cycles"
set title "order paths (one at a time, and in back-to-back bursts)"
# (from 5: the goal of 8 cycles in view)
set xrange [5:35]
set yrange [1:1e7]
set key top right
plot in every ::1 using (($1==0) ? $2 : 1/0):4 with points pt 7 title "order -> forward (last beat in)", \
     in every ::1 using (($1==2) ? $2 : 1/0):4 with points pt 6 title "order -> ack/reject (last beat in)", \
     in every ::1 using (($1==3) ? $2 : 1/0):4 with points pt 5 title "order -> ack/reject (first beat in)", \
     in every ::1 using (($1==8) ? $2 : 1/0):4 with points pt 9 title "burst order -> ack/reject (last beat in)", \
     in every ::1 using (($1==6) ? $2 : 1/0):4 with points pt 11 title "burst order -> forward (last beat in)"
set title "mark tick"
set logscale x
set autoscale x
set autoscale y
plot in every ::1 using (($1==4) ? $2 : 1/0):4 with points pt 7 title "mark -> first liquidation", \
     in every ::1 using (($1==5) ? $2 : 1/0):4 with points pt 5 title "mark -> all holders revalued"
unset multiplot
