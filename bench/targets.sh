#!/bin/sh
# Issue 13's targets (BENCHMARKS.md, "Frame snapshot at 10 M orders"): a store of N orders (default
# 10 M) over C customers (default 1 M) made by bench/gen_orders.c and `dangol import`, and DuckDB's
# persisted file of the same CSV (@duckdb/node-api, installed under bench/node_modules by npm, not
# committed). Then cold whole processes, each the median of RUNS (default 3) by wall time, with its
# CPU time (user + system): `dangol rfm`, `stage --funnel`, `loyalty`, `cohort`, the cube
# `--rows month --cols channel --where region=Seoul` and `clv fit` from the snapshot, rfm and the cube
# rebuilding from the rows too, DuckDB's rfm and cube on its file; peak RSS of `dangol rfm`; the
# store's size with and without the snapshot and DuckDB's file size.
# The store, the CSV and DuckDB's file are kept in BENCH_DIR (default /tmp/dangol-bench-targets) and
# reused by the next run (remove the directory to start over: the import takes minutes at 10 M).
# usage: bench/targets.sh [N_ORDERS] [N_CUSTOMERS]       (DANGOL=... to time another binary)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000000}
C=${2:-1000000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-targets}
D=${DANGOL:-$ROOT/build/dangol}
DB="$DIR/store-$N-$C.db"
CSV="$DIR/csv-$N-$C"
mkdir -p "$DIR"
[ -n "${DANGOL:-}" ] || make -C "$ROOT" -s build/dangol
if [ ! -f "$DB" ]; then
  rm -rf "$CSV" "$DB"*; mkdir -p "$CSV"
  cc -O2 -o "$DIR/gen_orders" "$ROOT/bench/gen_orders.c"
  "$DIR/gen_orders" "$N" "$C" "$CSV/orders.csv" "$CSV/raw-customers.csv"
  # gen_orders names its 17 regions R00..R16; give them the demo's names so the cube's
  # region=Seoul filter selects one of them (about 1/17 of the customers)
  awk -F, 'BEGIN { OFS = ","; split("Seoul Busan Incheon Daegu Daejeon Gwangju Ulsan Sejong " \
           "Gyeonggi Gangwon Chungbuk Chungnam Jeonbuk Jeonnam Gyeongbuk Gyeongnam Jeju", r, " ") }
       NR > 1 { $3 = r[substr($3, 2) + 1] } { print }' "$CSV/raw-customers.csv" > "$CSV/customers.csv"
  rm "$CSV/raw-customers.csv"
  "$D" --db "$DB.tmp" -q init
  "$D" --db "$DB.tmp" -q import customers "$CSV/customers.csv"
  "$D" --db "$DB.tmp" -q import orders "$CSV/orders.csv"
  mv "$DB.tmp" "$DB"
fi
"$D" --db "$DB" -q init   # a store kept from an older build is upgraded first (untimed)
echo "targets benchmark: $("$D" --db "$DB" --format csv stats | awk -F, '$1 == "orders" {print $2}') orders,"\
     "$C customers; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

. "$ROOT/bench/median.sh"
stale="sqlite3 '$DB' 'UPDATE frame_snapshot_state SET dirty = 1'"
drop="sqlite3 '$DB' 'DELETE FROM frame_snapshot; DELETE FROM frame_snapshot_header; VACUUM'"
CUBE="cube --rows month --cols channel --where region=Seoul"

# the store without any snapshot, then the first command rebuilds and saves it
sh -c "$drop"
bare=$(stat -c %s "$DB")
runs=$RUNS PREP=$stale RUNS=1
echo "dangol rfm rebuild_ms_cpu_ms $(median "$D" --db "$DB" rfm)"
echo "dangol cube rebuild_ms_cpu_ms $(median "$D" --db "$DB" $CUBE)"
sh -c "sqlite3 '$DB' VACUUM"
PREP="" RUNS=$runs
for cmd in rfm "stage --funnel" loyalty cohort "$CUBE" "clv fit"; do
  echo "dangol $(echo "$cmd" | awk '{ print $1 ($2 ~ /^(--funnel|fit)$/ ? "_" $2 : "") }') snapshot_ms_cpu_ms $(median "$D" --db "$DB" $cmd)"
done
echo "dangol rfm snapshot_peak_rss_kb $(/usr/bin/time -f %M "$D" --db "$DB" rfm 2>&1 > /dev/null | tail -1)"
"$D" --db "$DB" --format csv stats --snapshot | sed 's/^/dangol snapshot /'
echo "store_bytes without_snapshot $bare with_snapshot $(stat -c %s "$DB")"

if command -v npm > /dev/null; then
  [ -d "$ROOT/bench/node_modules/@duckdb/node-api" ] ||
    npm install --silent --no-save --no-package-lock --prefix "$ROOT/bench" @duckdb/node-api
  DUCK="$DIR/duck-$N-$C.db"
  [ -f "$DUCK" ] || node "$ROOT/bench/snapshot_duckdb.mjs" load "$DUCK" "$CSV" > /dev/null
  echo "duckdb rfm_ms_cpu_ms $(median node "$ROOT/bench/snapshot_duckdb.mjs" rfm "$DUCK")"
  echo "duckdb cube_ms_cpu_ms $(median node "$ROOT/bench/snapshot_duckdb.mjs" cube "$DUCK")"
  echo "duckdb file_bytes $(stat -c %s "$DUCK")"
else
  echo "npm not found: DuckDB side skipped"
fi
