#!/bin/sh
# Segmentation benchmark (BENCHMARKS.md, "Segmentation"): bench/segment_bench.c simulates N
# customers (default 1,000,000) into a frame and times the feature table + k-means (k = 8) in
# the process, then bench/segment_scipy.py times scipy's kmeans2 on the same standardised
# feature matrix, doing the same starts and iterations.
# usage: bench/segment.sh [N]      (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-segment}
mkdir -p "$DIR"
cd "$ROOT"
make -s -j2 build/libdangol.a
cc -std=c17 -O2 -D_GNU_SOURCE -Iinclude -o "$DIR/segment_bench" bench/segment_bench.c \
  build/libdangol.a $(pkg-config --libs sqlite3 jansson nlopt libmicrohttpd) -lsodium -lm -lpthread
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
/usr/bin/time -f "dangol bench process: %e s wall, %M KB peak RSS" "$DIR/segment_bench" "$N" "$DIR/z"
/usr/bin/time -f "scipy process: %e s wall, %M KB peak RSS" /usr/bin/python3 bench/segment_scipy.py "$DIR/z"
rm -f "$DIR/z.bin"
