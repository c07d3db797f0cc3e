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
make -s -j2 build/libdangol.a build/dangol
cc -O2 -Iinclude -o "$DIR/btyd_bench" bench/btyd_bench.c build/libdangol.a \
  $(pkg-config --libs sqlite3 jansson nlopt libmicrohttpd) -lm -lpthread
"$DIR/btyd_bench" "$DIR" "$N" | tee "$DIR/dangol.txt"
sh bench/btyd_predict.sh "$DIR/sim.csv" | tee -a "$DIR/dangol.txt"
# cpu and wall milliseconds of dangol's line starting with $1
cpu_ms() { grep -m1 "$1" "$DIR/dangol.txt" | sed 's/.* cpu \([0-9.]*\) ms, wall.*/\1/'; }
wall_ms() { grep -m1 "$1" "$DIR/dangol.txt" | sed 's/.* wall \([0-9.]*\) ms$/\1/'; }
/usr/bin/python3 bench/btyd_scipy.py "$DIR/cdnow.csv" 11 | tee "$DIR/scipy-cdnow.txt"
/usr/bin/python3 bench/btyd_scipy.py "$DIR/sim.csv" 1 | tee "$DIR/scipy-sim.txt"
ratio() {  # ratio NAME PATTERN SCIPY_FILE
  set -- "$1" "$(cpu_ms "$2")" "$(wall_ms "$2")" $(sed -n 's/^SECONDS //p' "$3")
  awk -v n="$1" -v c="$2" -v w="$3" -v pc="$4" -v pw="$5" 'BEGIN {
    printf "ratio scipy/dangol on %s: cpu %.0fx, wall %.0fx\n", n, pc * 1000 / c, pw * 1000 / w }'
}
ratio CDNOW '^cdnow' "$DIR/scipy-cdnow.txt"
ratio "$N simulated customers" '^simulated' "$DIR/scipy-sim.txt"
