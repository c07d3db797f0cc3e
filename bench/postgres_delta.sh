#!/bin/sh
# Importing 1 % more orders into a PostgreSQL store, then `rfm` (BENCHMARKS.md, "PostgreSQL":
# "Importing 1 % more"; issue 13's "Incremental"): N orders over C customers (bench/gen_orders.c)
# are imported and `rfm` saves the frame snapshot; then, RUNS times, N/100 more orders (ids and
# times after every order's) are imported and `rfm` run again. Two databases on one PostgreSQL 15
# server of its own (tests/e2e/pg.sh), one per binary: BEFORE (a build without PostgreSQL delta
# segments, whose import puts the snapshot out of date so the next rfm rebuilds and rewrites it)
# and this tree's (the import writes a segment, rfm applies it). Per step: wall and CPU of dangol
# and of the server (bench/measure.sh), and the bytes the server wrote to its WAL (every table
# and index page changed, the snapshot's BYTEA included), from pg_current_wal_lsn().
# usage: BEFORE=/path/to/old/dangol bench/postgres_delta.sh [N_ORDERS] [N_CUSTOMERS]
#        (RUNS=3; BENCH_DIR=/tmp/... for the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
C=${2:-100000}
RUNS=${RUNS:-3}
MORE=$((N / 100))
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-postgres-delta}
: "${BEFORE:?set BEFORE to a dangol binary to compare with}"
mkdir -p "$WORK"
. "$ROOT/tests/e2e/pg.sh"
. "$ROOT/bench/measure.sh"
TOTAL=$((N + RUNS * MORE))
cc -O2 -o "$WORK/gen_orders" "$ROOT/bench/gen_orders.c"
[ -f "$WORK/orders-all-$TOTAL.csv" ] ||
  "$WORK/gen_orders" "$TOTAL" "$C" "$WORK/orders-all-$TOTAL.csv" "$WORK/customers-$C.csv"
head -n $((N + 1)) "$WORK/orders-all-$TOTAL.csv" > "$WORK/orders-base.csv"
for r in $(seq 1 "$RUNS"); do   # the r-th 1 %: the rows after the base and the earlier ones
  { head -1 "$WORK/orders-base.csv"
    tail -n +$((N + (r - 1) * MORE + 2)) "$WORK/orders-all-$TOTAL.csv" | head -n "$MORE"; } > "$WORK/more-$r.csv"
done
echo "input: $N orders over $C customers, then $RUNS x $MORE more; $(uptime)"
rm -rf "$WORK/pg"
trap 'pg_stop' EXIT
pg_start
backend=postgresql   # measure counts the server's CPU

wal() { pg_psql "SELECT pg_current_wal_lsn()" "$1"; }
# step NAME DB BINARY ARGS...: measure's line with the WAL bytes the step wrote
step() {
  name=$1 db=$2; shift 2
  lsn=$(wal "${db##*/}")
  line=$(measure "$name" "$@")
  printf '%s   WAL %6.1f MB\n' "$line" \
    "$(pg_psql "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn') / 1048576.0" "${db##*/}")"
}
snapshot_bytes() {   # snapshot_bytes DATABASE: the snapshot's bytes, and its segments' if it keeps any
  pg_psql "SELECT coalesce(sum(octet_length(data)), 0) || ' B snapshot' FROM frame_snapshot" "$1"
  [ "$(pg_psql "SELECT to_regclass('frame_snapshot_delta') IS NOT NULL" "$1")" = t ] &&
    pg_psql "SELECT count(*) || ' segments of ' || coalesce(sum(bytes), 0) || ' B' FROM frame_snapshot_delta" "$1"
  return 0
}

for which in before after; do
  bin=$([ "$which" = before ] && echo "$BEFORE" || echo "$ROOT/build/dangol")
  db=$(pg_newdb "$which")
  "$bin" --db "$db" -q init
  "$bin" --db "$db" -q import customers "$WORK/customers-$C.csv"
  "$bin" --db "$db" -q import orders "$WORK/orders-base.csv"
  "$bin" --db "$db" --format csv rfm > /dev/null
  echo "== $which ($bin): $(snapshot_bytes "$which" | paste -sd, -)"
  for r in $(seq 1 "$RUNS"); do
    step "$which import 1 % more ($r)" "$db" "$bin" --db "$db" -q import orders "$WORK/more-$r.csv"
    step "$which rfm after it ($r)" "$db" "$bin" --db "$db" --format csv rfm
    cp "$WORK/out" "$WORK/rfm.$which.$r"
    echo "   $(snapshot_bytes "$which" | paste -sd, -)"
  done
done
for r in $(seq 1 "$RUNS"); do
  cmp -s "$WORK/rfm.before.$r" "$WORK/rfm.after.$r" || { echo "rfm $r differs"; exit 1; }
done
echo "rfm: the same output from both after every import"
