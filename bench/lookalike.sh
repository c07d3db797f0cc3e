#!/bin/sh
# Lookalike benchmark (BENCHMARKS.md, "Lookalike"): bench/lookalike_bench.c simulates N customers (default
# 1,000,000) into a frame and times the lookalike model: columns, held-out validation, the final
# liblinear fit on every buyer and the scoring of the prospects.
# usage: bench/lookalike.sh [N]      (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-lookalike}
mkdir -p "$DIR"
cd "$ROOT"
make -s -j2 build/libdangol.a
cc -std=c17 -O2 -D_GNU_SOURCE -Iinclude -o "$DIR/lookalike_bench" bench/lookalike_bench.c \
  build/libdangol.a $(pkg-config --libs sqlite3 jansson nlopt libmicrohttpd xgboost) -lsodium \
  -llinear -lgsl -lgslcblas -lm -lpthread
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
/usr/bin/time -f "lookalike bench process: %e s wall, %M KB peak RSS" "$DIR/lookalike_bench" "$N"
