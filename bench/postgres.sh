#!/bin/sh
# SQLite vs PostgreSQL benchmark (BENCHMARKS.md, "PostgreSQL"): generates N order rows (default
# 1 M) over C customers (default 100 k) as CSV (bench/gen_orders.c), starts a PostgreSQL 15 server
# of its own (tests/e2e/pg.sh: initdb into the scratch directory, a free loopback port, stopped at
# the end), and times on each backend, in the same run: the customers and orders import, a cold
# `dangol rfm` (frame read from the rows: the import left the PostgreSQL store's snapshot out of
# date, the SQLite store's is dropped first, so both read the rows), and a second `rfm` (from the
# snapshot the first one saved, on both). Wall seconds and CPU of the dangol process
# (/usr/bin/time -v), and on PostgreSQL the server's CPU for the step too (its processes' times
# from /proc, the backends that ended counted in the postmaster's children's times).
# usage: bench/postgres.sh [N_ORDERS] [N_CUSTOMERS]      (BENCH_DIR=/tmp/... for the scratch;
#        DANGOL=path for another build's binary, e.g. main's, to compare)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
C=${2:-100000}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-postgres}
D=${DANGOL:-$ROOT/build/dangol}
mkdir -p "$WORK"
. "$ROOT/tests/e2e/pg.sh"
. "$ROOT/bench/measure.sh"
orders_csv
rm -rf "$WORK/coord" "$WORK"/sqlite.db*
trap 'pg_stop' EXIT
pg_start coord   # bench/measure.sh counts the server named coord
P=$(pg_newdb bench)
S="$WORK/sqlite.db"

for backend in sqlite postgresql; do
  db=$([ "$backend" = sqlite ] && echo "$S" || echo "$P")
  "$D" --db "$db" -q init
  measure "$backend import customers" "$D" --db "$db" -q import customers "$WORK/customers-$C.csv"
  measure "$backend import orders" "$D" --db "$db" -q import orders "$WORK/orders-$N.csv"
  [ "$backend" = sqlite ] && sqlite3 "$S" "DELETE FROM frame_snapshot; DELETE FROM frame_snapshot_header; UPDATE frame_snapshot_state SET dirty = 1"
  measure "$backend rfm (frame from rows)" "$D" --db "$db" --format csv rfm
  cp "$WORK/out" "$WORK/rfm.$backend"
  measure "$backend rfm again" "$D" --db "$db" --format csv rfm
done
cmp -s "$WORK/rfm.sqlite" "$WORK/rfm.postgresql" && echo "rfm: the same output on both" ||
  { echo "rfm outputs differ"; exit 1; }
