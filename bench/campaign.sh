#!/bin/sh
# Campaign results benchmark (BENCHMARKS.md, "Campaigns"): a store of CUSTOMERS customers
# (default 1,000,000) with 3 orders each over two years, written straight by SQL as a fixture,
# and one launched campaign whose audience is every customer (10% control), its members written
# by SQL as a launch would. The frame snapshot is made once (`dangol rfm`), then `dangol campaign
# results` is timed as a whole cold process: snapshot load, 1 M members read from the store,
# their orders in the window summed from the frame, the intervals. Not part of `make check`.
# usage: bench/campaign.sh [CUSTOMERS]   (BENCH_DIR=... for the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-campaign}
D="$ROOT/build/dangol"
mkdir -p "$DIR"
DB="$DIR/campaign-$N.db"
DAY0=19723   # 2024-01-01
LAUNCH=20300 # 2025-07-31

if [ ! -f "$DB" ]; then
  "$D" --db "$DB" --quiet init
  sqlite3 "$DB" <<SQL
PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO customers (customer_id) SELECT printf('C%08d', i) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3 * $N)
INSERT INTO orders (order_id, customer_id, ordered_at, total)
SELECT printf('O%09d', i), printf('C%08d', i % $N + 1),
       ($DAY0 + (i * 7919) % 730) * 86400 + 40000, 10000 + (i * 104729) % 90000 FROM n;
INSERT INTO campaigns (campaign_id, audience, control_share_bp, seed, offer_kind, channel,
                       window_days, created_at, actor, launched_on, launched_at, launched_by)
VALUES ('BENCH', '', 1000, 1, 'none', 'marketing_sms', 60, 0, 'bench', $LAUNCH, 0, 'bench');
INSERT INTO campaign_members (campaign_id, customer_id, arm, stratum)
SELECT 'BENCH', customer_id, CASE WHEN abs(random()) % 10 = 0 THEN 'control' ELSE 'treatment' END,
       '(none)' FROM customers;
COMMIT;
SQL
fi
echo "customers: $(sqlite3 "$DB" 'SELECT count(*) FROM customers'), orders: $(sqlite3 "$DB" 'SELECT count(*) FROM orders'), members: $(sqlite3 "$DB" "SELECT count(*) FROM campaign_members WHERE campaign_id = 'BENCH'")"
"$D" --db "$DB" --quiet rfm > /dev/null   # makes the frame snapshot ("after loading")
echo
echo "== dangol campaign results BENCH (a whole cold process, from the snapshot)"
for run in 1 2 3; do
  /usr/bin/time -f "run $run: %e s wall, %U s user, %M KiB max RSS" "$D" --db "$DB" --quiet --format csv campaign results BENCH > "$DIR/results.csv"
done
sed -n '1,4p' "$DIR/results.csv"

echo
echo "== after loading: the frame loaded once, then the results timed in the process (bench/campaign_bench.c)"
cc -std=c17 -O2 -D_GNU_SOURCE -I"$ROOT/include" -o "$DIR/campaign_bench" "$ROOT/bench/campaign_bench.c" \
  "$ROOT/build/libdangol.a" -lsqlite3 -lpq -ljansson -lnlopt -lmicrohttpd -lsodium -lnettle -lgsl -lgslcblas \
  -lxgboost -llinear -lm -lpthread
"$DIR/campaign_bench" "$DB" BENCH 5
