#!/bin/sh
# CLV fit benchmark (BENCHMARKS.md, "CLV fits"): dangol's BG/NBD + Gamma-Gamma fits on CDNOW and
# on N simulated customers (default 1,000,000), then the same fits with scipy.optimize on the same
# data in the same run, and the ratio. usage: bench/btyd.sh [N]   (run from anywhere)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-btyd}
mkdir -p "$DIR"
cd "$ROOT"
make -s -j2 build/libdangol.a
cc -O2 -Iinclude -o "$DIR/btyd_bench" bench/btyd_bench.c build/libdangol.a \
  $(pkg-config --libs nlopt) -lm
"$DIR/btyd_bench" "$DIR" "$N" | tee "$DIR/dangol.txt"
ms() { grep -m1 "$1" "$DIR/dangol.txt" | sed 's/.* \([0-9.]*\) ms$/\1/'; }
c_cdnow=$(ms '^cdnow'); c_sim=$(ms '^simulated')
/usr/bin/python3 bench/btyd_scipy.py "$DIR/cdnow.csv" 11 | tee "$DIR/scipy-cdnow.txt"
/usr/bin/python3 bench/btyd_scipy.py "$DIR/sim.csv" 1 | tee "$DIR/scipy-sim.txt"
p_cdnow=$(sed -n 's/^SECONDS //p' "$DIR/scipy-cdnow.txt"); p_sim=$(sed -n 's/^SECONDS //p' "$DIR/scipy-sim.txt")
awk -v a="$c_cdnow" -v b="$p_cdnow" -v c="$c_sim" -v d="$p_sim" 'BEGIN {
  printf "ratio scipy/dangol: CDNOW %.0fx, %d customers %.0fx\n", b * 1000 / a, 0, d * 1000 / c }' |
  sed "s/ 0 customers/ $N customers/"
