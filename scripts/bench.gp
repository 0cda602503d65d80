# SPDX-License-Identifier: MIT
# reports/bench.svg from reports/bench.dat (written by tpsim-bench).
set terminal svg size 720,440 dynamic font "sans,11"
set output "reports/bench.svg"
set title "tpsim: packets per second into one consumer thread"
set xlabel "packet size (bytes)"
set ylabel "million packets / s (log scale)"
set logscale y
set key top right
set grid ytics
set xtics ("64" 64, "512" 512, "1500" 1500)
set xrange [0:1600]
plot "reports/bench.dat" using 1:2 with linespoints lw 2 title "sim (libtpsim, V2)", \
     "" using 1:3 with linespoints lw 2 title "baseline (minimal SPSC ring)", \
     "" using 1:($4 > 0 ? $4 : 1/0) with linespoints lw 2 title "kernel (PACKET_RX_RING via TAP)"
