#!/bin/sh
# Economics benchmark (BENCHMARKS.md, "Economics"): a store of CUSTOMERS customers (default
# 1,000,000) written straight by SQL as a fixture: 3 orders each over two years, 2 lines per order
# of 1,000 products (every tenth without a unit cost, so some orders have no margin; every
# seventh line without a quantity), 5 acquisition channels and their monthly marketing spend. The
# frame snapshots are made once (`dangol rfm`, `dangol cube`: with and without lines), then
# `dangol economics profit` and `dangol economics cac` are timed as whole cold processes, each
# RUNS times (default 3). Reports CPU (user + sys) beside wall: the machine is shared. Not part
# of `make check`. usage: bench/economics.sh [CUSTOMERS]   (BENCH_DIR=... for the scratch;
# DANGOL=... for another build of dangol to compare)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-economics}
D=${DANGOL:-$ROOT/build/dangol}
mkdir -p "$DIR"
DB="$DIR/economics-$N.db"
DAY0=19723   # 2024-01-01

if [ ! -f "$DB" ]; then
  "$D" --db "$DB.tmp" --quiet init
  sqlite3 "$DB.tmp" <<SQL
PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO customers (customer_id, acquisition_channel, acquired_on)
SELECT printf('C%08d', i), 'ch' || (i % 5), CASE WHEN i % 4 = 0 THEN NULL ELSE $DAY0 + i % 700 END
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO products (product_id, category, unit_cost)
SELECT printf('P%04d', i), 'cat' || (i % 20), CASE WHEN i % 10 = 0 THEN NULL ELSE 500 + i * 7 END
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3 * $N)
INSERT INTO orders (order_id, customer_id, ordered_at, total)
SELECT printf('O%09d', i), printf('C%08d', i % $N + 1),
       ($DAY0 + (i * 7919) % 730) * 86400 + 40000, 10000 + (i * 104729) % 90000 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6 * $N)
INSERT INTO order_lines (order_id, line_no, product_id, quantity, amount)
SELECT printf('O%09d', (i + 1) / 2), 2 - i % 2, printf('P%04d', (i * 7727) % 1000 + 1),
       CASE WHEN i % 7 = 0 THEN NULL ELSE 1 + i % 3 END, 5000 FROM n;
WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 23),
     c(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM c WHERE j < 4)
INSERT INTO marketing_spend (acquisition_channel, month, amount)
SELECT 'ch' || j, CAST(julianday(date('2024-01-01', '+' || k || ' months')) - 2440587.5 AS INTEGER),
       1000000 * (j + 1) FROM m, c;
COMMIT;
SQL
  mv "$DB.tmp" "$DB"
fi
W="$DIR/work-$N.db"
cp "$DB" "$W"
rm -f "$W-wal" "$W-shm"
"$D" --db "$W" --quiet init   # brings the fixture to this dangol's schema
echo "economics benchmark: $(sqlite3 "$W" 'SELECT count(*) FROM customers') customers, $(sqlite3 "$W" 'SELECT count(*) FROM orders') orders, $(sqlite3 "$W" 'SELECT count(*) FROM order_lines') lines; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$D" --db "$W" --quiet rfm > /dev/null                                   # the frame snapshots
"$D" --db "$W" --quiet cube --rows category --cols month > /dev/null 2>&1 || true
for view in profit cac; do
  for r in $(seq "$RUNS"); do
    /usr/bin/time -f "economics $view, run $r: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
      "$D" --db "$W" --format csv economics "$view" > "$DIR/$view.csv"
  done
done
echo "profit totals:"; head -12 "$DIR/profit.csv"
