#!/bin/sh
# Cube benchmark (BENCHMARKS.md, "Cube"): N orders (default 10 M) over C customers (default 1 M),
# the cube's queries with 1 and 2 threads, the same GROUP BYs in SQLite (in memory) and in DuckDB
# (@duckdb/node-api, installed here under bench/node_modules by npm, not committed), in one run.
# usage: bench/cube.sh [N_ORDERS] [N_CUSTOMERS]        (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000000}
C=${2:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-cube}
mkdir -p "$DIR"
make -C "$ROOT" -s build/libdangol.a
cc -O2 -std=c17 -D_GNU_SOURCE -I"$ROOT/include" -I"$ROOT/src" -o "$DIR/cube_bench" \
   "$ROOT/bench/cube_bench.c" "$ROOT/build/libdangol.a" \
   $(pkg-config --libs sqlite3 jansson nlopt libmicrohttpd) -lm -lpthread
echo "cube benchmark: $N orders over $C customers; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
# (peak RSS includes the generator's columns, SQLite's in-memory copies and the CSV writer)
/usr/bin/time -f "cube_bench_peak_rss_kb %M" "$DIR/cube_bench" "$N" "$C" "$DIR/orders.csv" 2>&1 \
  | tee "$DIR/cube.out"
if command -v npm > /dev/null; then
  [ -d "$ROOT/bench/node_modules/@duckdb/node-api" ] ||
    npm install --silent --no-save --no-package-lock --prefix "$ROOT/bench" @duckdb/node-api
  node "$ROOT/bench/cube_duckdb.mjs" "$DIR/orders.csv" | tee "$DIR/duckdb.out"
else
  echo "npm not found: DuckDB side skipped"
fi
rm -f "$DIR/orders.csv"
# ratios for the target query (2 dimensions, 1 filter): cube with 2 threads vs each engine
awk '/^cube month_x_channel_where_region threads=2/ {cube = $5; cube_cpu = $7}
     /^(sqlite|duckdb) flat_month_x_channel_where_region/ {ms[$1] = $4; cpu[$1] = $6}
     END { if (cube > 0) for (e in ms) printf "ratio %s/cube wall %.1fx cpu %.1fx\n", e,
                                          ms[e] / cube, cpu[e] / cube_cpu }' \
  "$DIR/cube.out" "$DIR/duckdb.out" 2>/dev/null || true
