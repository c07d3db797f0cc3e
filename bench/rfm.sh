#!/bin/sh
# Loyalty benchmark (BENCHMARKS.md, "Loyalty"): builds a demo store of N customers (default
# 1 M, about 10 M orders, no order lines) once, then runs bench/rfm.c on it: frame build time,
# RFM + stages + loyalty time, peak RSS, and the same RFM in SQLite SQL in the same run.
# usage: bench/rfm.sh [N_CUSTOMERS]      (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-rfm}
mkdir -p "$DIR"
[ -f "$DIR/store-$N.db" ] || "$ROOT/build/dangol" --db "$DIR/store-$N.db" -q demo \
    --customers "$N" --no-lines
cc -std=c17 -O2 -D_GNU_SOURCE -I"$ROOT/include" -o "$DIR/rfm" "$ROOT/bench/rfm.c" "$ROOT/build/libdangol.a" \
    $(pkg-config --libs sqlite3 jansson nlopt libmicrohttpd) -lm -lpthread
"$DIR/rfm" "$DIR/store-$N.db"
