#!/bin/sh
# Customer value benchmark (BENCHMARKS.md, "Customer value"): bench/value_bench.c simulates N
# responses (default 1,000,000; 23 answers each) in memory and times the analysis after
# loading: scores, Cronbach's alpha, the drivers regression through GSL, and the grid by 8 groups.
# usage: bench/value.sh [N]      (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-value}
mkdir -p "$DIR"
cd "$ROOT"
make -s -j2 build/libdangol.a
cc -std=c17 -O2 -D_GNU_SOURCE -Iinclude -o "$DIR/value_bench" bench/value_bench.c \
  build/libdangol.a $(pkg-config --libs sqlite3 jansson nlopt libmicrohttpd gsl) -lsodium -lm -lpthread
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
/usr/bin/time -f "dangol bench process: %e s wall, %M KB peak RSS" "$DIR/value_bench" "$N"
