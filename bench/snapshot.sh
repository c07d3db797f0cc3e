#!/bin/sh
# Snapshot benchmark (BENCHMARKS.md, "Frame snapshot"): a demo store of N customers (default
# 222,500: about 2 M orders, no order lines), then cold whole-process wall times of `dangol rfm`
# and `dangol cube --rows month --cols channel --where region=Seoul`: rebuilding the frame from
# the rows (the snapshot marked out of date first; the rebuild then saves it), and loading it from
# the snapshot; beside DuckDB (@duckdb/node-api, installed under bench/node_modules by npm, not
# committed) opening a persisted file of the same data in a fresh process for the same questions,
# in the same run. Each figure is the median of RUNS (default 3) runs. Then the dashboard's CLV
# page after a change: `dangol serve` on a copy of the store, a PATCH of a customer (its wall
# time and the server's CPU time, as the page's), and the
# page's three /api/clv requests together (wall time, and the server's CPU time from /proc: user +
# system of the whole process, so a save finishing meanwhile is counted), then the same page once
# more (from the kept frame), RUNS times for each of three PATCHes: a middle customer's name and
# region (to a region customers before it have: an update segment the server applies to its
# frame, docs/snapshot.md "Updating"), the first customer's region to a new value (the regions'
# codes given again; before session 33 refused after the base snapshot was read, and rebuilt)
# and a customer's acquisition day after the last day (refused by the writer: the snapshot out of
# date at once, the frame rebuilt from the rows); then an order's return (session 34: its tables
# no longer mark the snapshot) and a piece of feedback on the last day (a feedback segment the
# server applies). PAGE_ONLY=1 measures only the page.
# usage: bench/snapshot.sh [N_CUSTOMERS]        (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-222500}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-snapshot}
D=${DANGOL:-$ROOT/build/dangol}   # DANGOL=another binary, to compare
. "$ROOT/bench/lib.sh"
DB="$DIR/store-$N.db"
mkdir -p "$DIR"
make -C "$ROOT" -s build/dangol
if [ ! -f "$DB" ]; then
  rm -rf "$DIR/csv-$N"
  "$D" --db "$DB" -q demo --customers "$N" --no-lines --csv "$DIR/csv-$N"
fi
echo "snapshot benchmark: $N customers, $("$D" --db "$DB" --format csv stats | awk -F, '$1 == "orders" {print $2}') orders; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

. "$ROOT/bench/median.sh"
if [ -z "${PAGE_ONLY:-}" ]; then
stale="sqlite3 '$DB' 'UPDATE frame_snapshot_state SET dirty = 1'"
RFM="$D --db $DB rfm"
CUBE="$D --db $DB cube --rows month --cols channel --where region=Seoul"
PREP=$stale; rfm_rebuild=$(median $RFM)
PREP=""; rfm_snapshot=$(median $RFM)
PREP=$stale; cube_rebuild=$(median $CUBE)
PREP=""; cube_snapshot=$(median $CUBE)
rss=$(/usr/bin/time -f %M $RFM 2>&1 > /dev/null | tail -1)
echo "dangol rfm rebuild_ms_cpu_ms $rfm_rebuild snapshot_ms_cpu_ms $rfm_snapshot snapshot_peak_rss_kb $rss"
echo "dangol cube rebuild_ms_cpu_ms $cube_rebuild snapshot_ms_cpu_ms $cube_snapshot"
"$D" --db "$DB" --format csv stats --snapshot | sed 's/^/dangol snapshot /'
echo "store_bytes $(stat -c %s "$DB")"
fi

# The CLV page (web/clv.js) after a write, served from a copy of the store.
cp "$DB" "$DIR/serve-$N.db"
rm -f "$DIR/serve-$N.db-wal" "$DIR/serve-$N.db-shm"
serve_start "$DIR/serve-$N.db"
clv_page() {   # prints "WALL_MS CPU_MS" of the page's three requests, sent together
  t0=$(date +%s%N); c0=$(server_ticks)
  for view in "top&top=25" value p_alive; do
    curl -s "$url/api/clv?view=$view&horizon=52&discount_rate=0" > /dev/null &
  done
  wait
  echo "$(( ($(date +%s%N) - t0) / 1000000 )) $(( ($(server_ticks) - c0) * 1000 / $(getconf CLK_TCK) ))"
}
: "$(clv_page)"   # the frame and the fit, once (in a subshell: its wait is for its requests)
for _ in $(seq 1 120); do   # and the saver thread's save of it
  "$D" --db "$DIR/serve-$N.db" --format csv stats --snapshot | grep -q '^orders,current,' && break
  sleep 1
done
middle=$(sqlite3 "$DB" "SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1 OFFSET $((N / 2))")
region=$(sqlite3 "$DB" "SELECT region FROM customers WHERE region IS NOT NULL ORDER BY customer_id LIMIT 1")
patch() {   # patch ID BODY: the PATCH's status, its wall and the server's CPU ms
  t0=$(date +%s%N); c0=$(server_ticks)
  code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH "$url/api/customers/$1" \
         -H 'Content-Type: application/json' -d "$2")
  echo "$code ms_cpu_ms $(( ($(date +%s%N) - t0) / 1000000 )) $(( ($(server_ticks) - c0) * 1000 / $(getconf CLK_TCK) ))"
}
for r in $(seq "$RUNS"); do
  status=$(patch "$middle" "{\"name\": \"Bench $r\", \"region\": \"$region\"}")
  echo "dangol clv page after an applied write (PATCH $status) ms_cpu_ms $(clv_page) then $(clv_page)"
  status=$(patch C00000001 "{\"region\": \"R$r\"}")
  echo "dangol clv page after a new first region (PATCH $status) ms_cpu_ms $(clv_page) then $(clv_page)"
  late=$(sqlite3 "$DB" "SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1 OFFSET $((N / 4 + r))")
  status=$(patch "$late" '{"acquired_on": "2099-01-01"}')
  echo "dangol clv page after a rebuilding write (PATCH $status) ms_cpu_ms $(clv_page) then $(clv_page)"
  returned=$(sqlite3 "$DB" "SELECT order_id FROM orders ORDER BY order_id LIMIT 1 OFFSET $((N / 3 + r))")
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/orders/$returned/return" \
           -H 'Content-Type: application/json' -d '{"reason": "bench"}')
  echo "dangol clv page after a return (POST $status) ms_cpu_ms $(clv_page) then $(clv_page)"
  last=$(sqlite3 "$DIR/serve-$N.db" "SELECT max(as_of) FROM frame_snapshot_header")
  status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/customers/$middle/feedback" \
           -H 'Content-Type: application/json' -d "{\"feedback_id\": \"FB-BENCH-$r\", \"received_at\": \"$(date -u -d "@$((last * 86400 + 86399))" +%Y-%m-%dT%H:%M:%SZ)\", \"kind\": \"opinion\", \"channel\": \"web\", \"rating\": 4}")
  echo "dangol clv page after a feedback (POST $status) ms_cpu_ms $(clv_page) then $(clv_page)"
done
serve_stop

if [ -n "${PAGE_ONLY:-}" ]; then
  :
elif command -v npm > /dev/null && [ -d "$DIR/csv-$N" ]; then
  [ -d "$ROOT/bench/node_modules/@duckdb/node-api" ] ||
    npm install --silent --no-save --no-package-lock --prefix "$ROOT/bench" @duckdb/node-api
  DUCK="$DIR/duck-$N.db"
  [ -f "$DUCK" ] || node "$ROOT/bench/snapshot_duckdb.mjs" load "$DUCK" "$DIR/csv-$N" > /dev/null
  PREP=""
  duck_rfm=$(median node "$ROOT/bench/snapshot_duckdb.mjs" rfm "$DUCK")
  duck_cube=$(median node "$ROOT/bench/snapshot_duckdb.mjs" cube "$DUCK")
  echo "duckdb rfm_ms_cpu_ms $duck_rfm cube_ms_cpu_ms $duck_cube file_bytes $(stat -c %s "$DUCK")"
  echo "$rfm_snapshot $duck_rfm $cube_snapshot $duck_cube $rfm_rebuild $cube_rebuild" | awk '{
    printf "ratio dangol/duckdb wall (cpu): rfm %.2f (%.2f), rebuilding %.2f (%.2f); ", \
           $1 / $3, $2 / $4, $9 / $3, $10 / $4
    printf "cube %.2f (%.2f), rebuilding %.2f (%.2f)\n", $5 / $7, $6 / $8, $11 / $7, $12 / $8 }'
else
  echo "npm not found or no CSV of the store: DuckDB side skipped"
fi
