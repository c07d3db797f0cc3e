#!/bin/sh
# As-of requests to a running server (BENCHMARKS.md, "Frame snapshot"): `dangol serve` on a demo
# store of N customers (default 222,500, no order lines), then, one after the other, the first
# GET /api/rfm (the server reads its frame of the last day: from the snapshot, which is made
# current first), GET /api/rfm?as_of=DAY for DAYS distinct days (each a new as-of frame), and
# the first of them again (a kept one), then the stage funnel, loyalty, cohorts, kpi, a cube and
# CLV each at a day not asked before. Each line: the request's wall time (curl) and the
# server's CPU time (user + system from /proc, all threads) over it. DANGOL=... chooses the binary
# (to compare two side by side on the same store).
# PEAK=1 instead measures the cube and the consultation types at one new as-of day, each on a
# fresh server after its first /api/rfm: CPU, wall and the server's peak RSS before and after.
# APPEND=P instead measures appending (docs/snapshot.md, "Appending"): importing P % more orders
# (new ids, random existing customers, the last 30 days) and the next `dangol rfm`, which merges
# the import's delta segment into the snapshot's frame, then the same with the snapshot marked out
# of date after the import (what every import did before: the next rfm rebuilds the frame and
# saves the whole snapshot); each line wall and CPU seconds, peak RSS and the bytes the process
# wrote (/usr/bin/time %O). It adds 2 P % orders to the store.
# usage: bench/as_of.sh [N_CUSTOMERS]        (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-222500}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-snapshot}
D=${DANGOL:-$ROOT/build/dangol}
. "$ROOT/bench/lib.sh"
DB="$DIR/store-$N.db"
mkdir -p "$DIR"
[ -n "${DANGOL:-}" ] || make -C "$ROOT" -s build/dangol
[ -f "$DB" ] || "$D" --db "$DB" -q demo --customers "$N" --no-lines
"$D" --db "$DB" rfm > /dev/null   # the snapshot current, so the server loads it
echo "as-of benchmark: $N customers, $("$D" --db "$DB" --format csv stats | awk -F, '$1 == "orders" {print $2}') orders; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "${APPEND:-}" ]; then   # appending instead of the server: see the header
  timed_cmd() {   # timed_cmd LABEL CMD...: "LABEL wall_s W cpu_s U+S peak_kb K written_bytes B"
    label=$1; shift
    /usr/bin/time -f '%e %U %S %M %O' "$@" > /dev/null 2> "$DIR/time.out" || { cat "$DIR/time.out"; exit 1; }
    tail -1 "$DIR/time.out" | awk -v l="$label" '{ printf "%s wall_s %s cpu_s %.2f peak_kb %s written_bytes %d\n", l, $1, $2 + $3, $4, $5 * 512 }'
  }
  new_orders() {   # APPEND % of the orders, ids after every existing one, random customers, last 30 days
    sqlite3 -csv -header "$DB" "SELECT printf('P%d-%09d', $(date +%s), rowid) AS order_id, customer_id,
      strftime('%Y-%m-%dT%H:%M:%SZ', (SELECT max(ordered_at) FROM orders) - abs(random() % 2592000), 'unixepoch') AS ordered_at,
      'mobile' AS channel, 'credit_card' AS payment_method, 'Online' AS site, 1 AS units,
      1000 + abs(random() % 90000) AS total
      FROM customers ORDER BY random() LIMIT (SELECT count(*) * $APPEND / 100 FROM orders)" > "$DIR/new-orders.csv"
    echo "new orders: $(($(wc -l < "$DIR/new-orders.csv") - 1))"
  }
  snapshot_sizes() {
    echo "snapshot $(sqlite3 "$DB" "SELECT 'base ' || group_concat(variant || ' ' || bytes, ', ') FROM frame_snapshot_header"); deltas $(sqlite3 "$DB" "SELECT count(*) || ' segments, ' || coalesce(sum(bytes), 0) || ' bytes' FROM frame_snapshot_delta")"
  }
  new_orders
  timed_cmd "appending: import orders" "$D" --db "$DB" import orders "$DIR/new-orders.csv"
  snapshot_sizes
  timed_cmd "appending: next rfm (base + segments merged)" "$D" --db "$DB" rfm
  timed_cmd "appending: the rfm after it" "$D" --db "$DB" rfm
  new_orders
  timed_cmd "rebuilding (before): import orders" "$D" --db "$DB" import orders "$DIR/new-orders.csv"
  sqlite3 "$DB" "UPDATE frame_snapshot_state SET dirty = 1"   # what every import did before
  timed_cmd "rebuilding (before): next rfm (rebuild + whole save)" "$D" --db "$DB" rfm
  snapshot_sizes
  timed_cmd "rebuilding (before): the rfm after it" "$D" --db "$DB" rfm
  exit 0
fi

SERVE_WAIT=300 serve_start "$DB"   # its frame loads first
peak_mb() { awk '/VmHWM/ { printf "%d\n", $2 / 1024 }' "/proc/$pid/status"; }   # peak RSS
cpu_ms() { echo $(( $(server_ticks) * 1000 / $(getconf CLK_TCK) )); }
timed() {   # timed LABEL PATH: "LABEL wall_ms W cpu_ms C"
  before=$(cpu_ms)
  wall=$(curl -s -o "$DIR/answer.json" -w '%{time_total}' "$url$2")
  grep -q '"rows"' "$DIR/answer.json" || { echo "$1: no answer: $(head -c 200 "$DIR/answer.json")"; exit 1; }
  echo "$1 wall_ms $(awk "BEGIN { printf \"%d\", $wall * 1000 }") cpu_ms $(($(cpu_ms) - before))"
}
if [ -n "${PEAK:-}" ]; then   # per route, a fresh server: the frame, then one new as-of day
  for route in "/api/cube?rows=month&cols=channel&" "/api/types?"; do
    serve_stop
    SERVE_WAIT=300 serve_start "$DB"
    timed "first /api/rfm (frame of the last day)" /api/rfm
    frame_peak=$(peak_mb)
    timed "${route}as_of=2025-07-15 (new day)" "${route}as_of=2025-07-15"
    echo "server peak RSS MB: $frame_peak after the frame, $(peak_mb) after the as-of request"
  done
  exit 0
fi
timed "first /api/rfm (frame of the last day)" /api/rfm
for day in 2025-06-30 2025-03-31 2024-12-31 2024-09-30 2025-11-30; do
  timed "/api/rfm?as_of=$day (new day)" "/api/rfm?as_of=$day"
done
timed "/api/rfm?as_of=2025-06-30 again (kept, or evicted past 4 days)" "/api/rfm?as_of=2025-06-30"
timed "/api/rfm?as_of=2025-11-30 again (kept)" "/api/rfm?as_of=2025-11-30"
set -- "stages/funnel?" 2025-01-15 "loyalty?" 2025-02-15 "cohorts?" 2025-04-15 "kpi?" 2025-05-15 \
  "cube?rows=month&cols=channel&" 2025-07-15 "clv?" 2025-08-15
while [ $# -gt 0 ]; do   # each at a day not asked before
  timed "/api/$1as_of=$2 (new day)" "/api/$1as_of=$2"
  shift 2
done
echo "server peak RSS $(awk '/VmHWM/ { print $2, $3 }' "/proc/$pid/status")"
