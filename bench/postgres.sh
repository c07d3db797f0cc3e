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
# usage: bench/postgres.sh [N_ORDERS] [N_CUSTOMERS]      (BENCH_DIR=/tmp/... for the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
C=${2:-100000}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-postgres}
D="$ROOT/build/dangol"
mkdir -p "$WORK"
. "$ROOT/tests/e2e/pg.sh"
cc -O2 -o "$WORK/gen_orders" "$ROOT/bench/gen_orders.c"
[ -f "$WORK/orders-$N.csv" ] || "$WORK/gen_orders" "$N" "$C" "$WORK/orders-$N.csv" "$WORK/customers-$C.csv"
echo "input: $N orders over $C customers, $(du -m "$WORK/orders-$N.csv" | cut -f1) MB"
rm -rf "$WORK/pg" "$WORK"/sqlite.db*
trap 'pg_stop' EXIT
pg_start
P=$(pg_newdb bench)
S="$WORK/sqlite.db"

# server_cpu: seconds of CPU the PostgreSQL server's processes have used so far (the postmaster
# with its reaped children, i.e. the backends of the commands that ended, and its live children).
server_cpu() {
  pm=$(head -1 "$PG_DIR/data/postmaster.pid")
  { cat "/proc/$pm/stat"; for c in $(pgrep -P "$pm"); do cat "/proc/$c/stat" 2> /dev/null; done; } |
    awk -v pm="$pm" -v hz="$(getconf CLK_TCK)" '{ pid = $1; sub(/^.*\) /, "");
      t += $12 + $13; if (pid == pm) t += $14 + $15 } END { printf "%.2f", t / hz }'
}

# measure NAME CMD...: runs CMD under /usr/bin/time -v, prints wall and CPU seconds (and the
# PostgreSQL server's CPU over the same time, on $backend postgresql).
measure() {
  name=$1; shift
  before=$([ "$backend" = postgresql ] && server_cpu || echo 0)
  /usr/bin/time -v "$@" > "$WORK/out" 2> "$WORK/time" || { echo "$name failed:"; tail -5 "$WORK/time"; exit 1; }
  sleep 0.2   # the backend's exit is reaped by the postmaster
  after=$([ "$backend" = postgresql ] && server_cpu || echo 0)
  awk -F': ' -v name="$name" -v server="$(echo "$after - $before" | bc)" '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
    /User time/ { user = $2 } /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%-32s wall %7.2f s   cpu %6.2f + %5.2f s   peak RSS %5.0f MB   server cpu %6.2f s\n", name, wall, user, sys, rss, server }' "$WORK/time"
}

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
