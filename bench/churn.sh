#!/bin/sh
# Churn benchmark (BENCHMARKS.md, "Churn"): bench/churn_bench.c simulates N customers (default
# 1,000,000) into a frame and times the XGBoost training of the issue's setting (100 trees, depth
# 6, hist, 2 threads) and the scoring of every customer.
# usage: bench/churn.sh [N]      (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-churn}
mkdir -p "$DIR"
cd "$ROOT"
make -s -j2 build/libdangol.a
cc -std=c17 -O2 -D_GNU_SOURCE -Iinclude -o "$DIR/churn_bench" bench/churn_bench.c \
  build/libdangol.a $(pkg-config --libs sqlite3 jansson nlopt libmicrohttpd xgboost) -lsodium \
  -llinear -lgsl -lgslcblas -lm -lpthread
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
/usr/bin/time -f "churn bench process: %e s wall, %M KB peak RSS" "$DIR/churn_bench" "$N"
