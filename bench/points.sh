#!/bin/sh
# Points ledger benchmark (BENCHMARKS.md, "Points ledger"): (1) the expiry job over a ledger of
# ROWS movements (default 10,000,000: half earns, each with its lot, half burns allocated to them,
# written straight into a fresh store by SQL as a fixture), timed as a whole cold `dangol points
# expire` process over the backlog, then again (idempotent: nothing left to sweep), then as the
# daily job for DAILY (default 5) following days, each a cold process sweeping only the lots that
# expire that day, with the invariant checked after (ledger sum = lots' remaining, per customer);
# SECONDS = 0 stops there; (2) burns through the API: every customer first gets one more lot
# (100,000 points, written by SQL like the fixture, so that every burn succeeds and the rate is
# one of burns, not of 409 answers), then `dangol serve --threads 2` and wrk (2 threads, 32
# connections) post 1-point burns for random customers; the server's CPU time per burn (user +
# sys of its process over the run, from /proc) is printed beside the rate, with wrk's own CPU
# and the load average, then the same invariant and no balance below zero. wrk shares the 2 cores with the server: the figures are a
# floor. wrk's connections send their next request as soon as the answer comes (the most the
# server gives, and its tail at that rate); RATE=R paces them instead (64 connections, each
# waiting a random 0..2x its share of 1/R between requests: about R burns/s less the answers'
# own time), for the tail at a given rate.
# usage: bench/points.sh [ROWS] [SECONDS]   (BENCH_DIR=... for the scratch; DANGOL=... for
# another build of dangol to compare; RATE=... as above; SKIP_BACKLOG=1 starts from the copy kept
# after an earlier run swept the backlog, to time the daily job alone)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-10000000}
SECS=${2:-10}
DAILY=${DAILY:-5}
RATE=${RATE:-0}
CONNS=$([ "$RATE" -gt 0 ] && echo 64 || echo 32)
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-points}
D=${DANGOL:-$ROOT/build/dangol}
. "$ROOT/bench/lib.sh"
CUSTOMERS=100000
mkdir -p "$DIR"
DB="$DIR/points-$ROWS.db"
LOTS=$((ROWS / 2))
DAY0=19000   # 2022-01-08: lots earned over 997 days from here (997 is prime to the customer count, so each customer has lots of every age), each valid 365 days

if [ ! -f "$DB" ]; then
  "$D" --db "$DB" --quiet init
  sqlite3 "$DB" <<SQL
PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $CUSTOMERS)
INSERT INTO customers (customer_id) SELECT printf('C%08d', i) FROM n;
-- earns: movement i = lot i, 100 points, customer i mod CUSTOMERS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $LOTS)
INSERT INTO points_movements (movement_id, customer_id, kind, points, occurred_on, expires_on,
                              actor, source_kind, source_id, recorded_at)
SELECT i, printf('C%08d', i % $CUSTOMERS + 1), 'earn', 100, $DAY0 + i % 997,
       $DAY0 + i % 997 + 365, 'bench', 'campaign', 'BENCH', 0 FROM n;
-- burns: movement LOTS + i takes i % 101 points of lot i (some nothing: those are left out)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $LOTS)
INSERT INTO points_movements (movement_id, customer_id, kind, points, occurred_on, actor,
                              source_kind, recorded_at)
SELECT $LOTS + i, printf('C%08d', i % $CUSTOMERS + 1), 'burn', -(i % 101), $DAY0 + i % 997 + 10,
       'bench', 'manual', 0 FROM n WHERE i % 101 > 0;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $LOTS)
INSERT INTO points_allocations (movement_id, lot_id, points, customer_id)
SELECT $LOTS + i, i, i % 101, printf('C%08d', i % $CUSTOMERS + 1) FROM n WHERE i % 101 > 0;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $LOTS)
INSERT INTO points_lots (lot_id, customer_id, earned_on, expires_on, points, remaining)
SELECT i, printf('C%08d', i % $CUSTOMERS + 1), $DAY0 + i % 997, $DAY0 + i % 997 + 365, 100,
       100 - i % 101 FROM n;
COMMIT;
SQL
fi
SWEPT="$DIR/points-$ROWS-swept.db"   # the fixture after its backlog was swept, kept for the daily job's timing
W="$DIR/work.db"
rm -f "$W-wal" "$W-shm"
if [ "${SKIP_BACKLOG:-0}" = 1 ] && [ -f "$SWEPT" ]; then cp "$SWEPT" "$W"; else cp "$DB" "$W"; fi
# the copy's pages written out before any timing: otherwise the first job's commit (fdatasync of
# the store) waits for the kernel to write the whole copy, which a store in use never has pending
sync "$W"
echo "ledger rows: $(sqlite3 "$W" 'SELECT count(*) FROM points_movements'), lots: $(sqlite3 "$W" 'SELECT count(*) FROM points_lots')"

check() {   # the invariant: per customer, the ledger's sum = the lots' remaining, none below zero
  sqlite3 "$W" "SELECT count(*) FROM (SELECT customer_id, sum(points) AS s FROM points_movements
    GROUP BY customer_id) m LEFT JOIN (SELECT customer_id, sum(remaining) AS r FROM points_lots
    GROUP BY customer_id) l USING (customer_id) WHERE m.s <> coalesce(l.r, 0) OR m.s < 0"
}
AS_OF=$(( DAY0 + 365 + 500 ))   # half of the lots have expired
AS_OF_TEXT=$(python3 -c "import datetime; print(datetime.date(1970,1,1) + datetime.timedelta($AS_OF))")
echo
echo "== dangol points expire --as-of $AS_OF_TEXT (a whole cold process)"
if [ "${SKIP_BACKLOG:-0}" = 1 ] && [ -f "$SWEPT" ]; then
  echo "the backlog was swept by an earlier run (SKIP_BACKLOG=1: $SWEPT)"
else
  /usr/bin/time -f "first run (the backlog): %e s wall, %U s user, %S s sys, %M KiB max RSS" "$D" --db "$W" --quiet points expire --as-of "$AS_OF_TEXT"
  sqlite3 "$W" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
  cp "$W" "$SWEPT"
fi
/usr/bin/time -f "second run (nothing left): %e s wall, %U s user, %S s sys" "$D" --db "$W" --quiet points --format csv expire --as-of "$AS_OF_TEXT"
echo "customers whose ledger sum differs from their lots or is negative: $(check)"
echo
echo "== the daily job: the next $DAILY days, one cold process each (only the lots expiring that day)"
for d in $(seq 1 "$DAILY"); do
  DAY_TEXT=$(python3 -c "import datetime; print(datetime.date(1970,1,1) + datetime.timedelta($AS_OF + $d))")
  /usr/bin/time -f "$DAY_TEXT: %e s wall, %U s user, %S s sys, %M KiB max RSS" "$D" --db "$W" points --format csv expire --as-of "$DAY_TEXT" | tail -n +2
done
echo "customers whose ledger sum differs from their lots or is negative: $(check)"
[ "$SECS" -gt 0 ] || exit 0

echo
echo "== API burns: POST /api/customers/{random}/points/burn {\"points\": 1}, ${SECS}s, 2 wrk threads, $CONNS connections$([ "$RATE" -gt 0 ] && echo ", paced at $RATE/s")"
sqlite3 "$W" <<SQL
BEGIN;
INSERT INTO points_movements (movement_id, customer_id, kind, points, occurred_on, expires_on,
                              actor, source_kind, source_id, recorded_at)
SELECT (SELECT max(movement_id) FROM points_movements) + row_number() OVER (ORDER BY customer_id),
       customer_id, 'earn', 100000,
       $DAY0, $DAY0 + 2000, 'bench', 'campaign', 'BENCH-TOPUP', 0 FROM customers;
INSERT INTO points_lots (lot_id, customer_id, earned_on, expires_on, points, remaining)
SELECT movement_id, customer_id, occurred_on, expires_on, points, points FROM points_movements
WHERE source_kind = 'campaign' AND source_id = 'BENCH-TOPUP';
COMMIT;
SQL
serve_start "$W"
BEFORE=$(sqlite3 "$W" "SELECT count(*) FROM points_movements")
DANGOL_RATE=$RATE DANGOL_CONNECTIONS=$CONNS DANGOL_CUSTOMERS=$CUSTOMERS DANGOL_DATE="$(python3 -c "import datetime; print(datetime.date(1970,1,1) + datetime.timedelta($((DAY0 + 900))))")" \
  /usr/bin/time -f "client (wrk) CPU: %U s user + %S s sys" -o "$DIR/wrk.time" \
  wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$ROOT/bench/points_burn.lua" "$url" |
  grep -E 'Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx'
cat "$DIR/wrk.time"
echo "load average at the end of the run: $(cut -d' ' -f1-3 /proc/loadavg)"
TICKS=$(server_ticks)
serve_stop
BURNS=$(( $(sqlite3 "$W" "SELECT count(*) FROM points_movements") - BEFORE ))
echo "burns written: $BURNS"
echo "server CPU (user + sys) per burn: $(( TICKS * 1000000 / $(getconf CLK_TCK) / (BURNS > 0 ? BURNS : 1) )) us"
echo "customers whose ledger sum differs from their lots or is negative: $(check)"
