# SPDX-License-Identifier: MIT
# reports/bench.svg from reports/bench.dat and reports/bench-st.dat
# (written by tpsim-bench): instructions per packet in one thread, and the
# two-thread handoff as median with its interquartile range.
set terminal svg size 1100,460 dynamic font "sans,11"
set output "reports/bench.svg"
set multiplot layout 1,2

set title "one thread: instructions per packet (callgrind)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set ylabel "instructions / packet"
set yrange [0:*]
set key top left
set grid ytics
set xtics rotate by -25
plot "reports/bench-st.dat" using 2:xtic(1) title "64 B", \
     "" using 3 title "512 B", \
     "" using 4 title "1500 B"

unset style
set style data linespoints
set xtics norotate
set title "two threads, pinned: median and interquartile range"
set xlabel "packet size (bytes)"
set ylabel "million packets / s (log scale)"
set logscale y
set yrange [*:*]
set key bottom left
set xtics ("64" 64, "512" 512, "1500" 1500)
set xrange [0:1600]
# columns: bytes, then median q1 q3 per path (sim_v2, sim_v2_batch,
# sim_v3_batch, bare_v2, bare_v2_batch, kernel_v2)
plot "reports/bench.dat" using 1:2:3:4 with yerrorlines lw 2 title "sim V2", \
     "" using 1:5:6:7 with yerrorlines lw 2 title "sim V2, batches of 64", \
     "" using 1:8:9:10 with yerrorlines lw 2 title "sim V3, batches of 64", \
     "" using 1:11:12:13 with yerrorlines lw 2 dt 2 title "bare ring V2", \
     "" using 1:14:15:16 with yerrorlines lw 2 dt 2 title "bare ring V2, batches of 64", \
     "" using 1:($17 > 0 ? $17 : 1/0):18:19 with yerrorlines lw 2 title "kernel V2 (TAP)"
unset multiplot
