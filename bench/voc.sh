#!/bin/sh
# VOC analytics benchmark (BENCHMARKS.md, "VOC analytics"): ROWS tickets (default 1,000,000) of
# 100,000 customers over two years, written straight into a fresh store by SQL as a fixture
# (Korean subjects from a few templates, kinds, channels, 12 categories, responses and
# resolutions at varied business-hour offsets, some reopened; the FTS5 index filled by the
# triggers), with 300,000 orders. Then each `dangol voc` report timed as a whole cold process,
# the run of least user CPU of 5 (the store warm in the page cache after the first): on a
# machine shared with other work, the user CPU time is the figure to compare, not the wall.
# usage: bench/voc.sh [ROWS]   (BENCH_DIR=... for the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-voc}
D="$ROOT/build/dangol"
CUSTOMERS=100000
T0=1735689600   # 2025-01-01T00:00:00Z
mkdir -p "$DIR"
DB="$DIR/voc-$ROWS.db"

if [ ! -f "$DB" ]; then
  "$D" --db "$DB" --quiet init
  start=$(date +%s)
  sqlite3 "$DB" <<SQL
PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $CUSTOMERS)
INSERT INTO customers (customer_id) SELECT printf('C%08d', i) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
INSERT INTO orders (order_id, customer_id, ordered_at, total)
SELECT printf('O%09d', i), printf('C%08d', (i * 7919) % $CUSTOMERS + 1),
       $T0 + (i * 104729) % (730 * 86400), 10000 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO tickets (ticket_id, customer_id, kind, channel, priority, category, subject, state,
                     opened_at, first_response_at, resolved_at, first_response_due,
                     resolution_due, reopened, updated_at)
SELECT i, printf('C%08d', (i * 31) % $CUSTOMERS + 1),
       CASE i % 7 WHEN 0 THEN 'inquiry' WHEN 1 THEN 'suggestion' WHEN 2 THEN 'compliment'
                  ELSE 'complaint' END,
       CASE i % 5 WHEN 0 THEN 'call_centre' WHEN 1 THEN 'web' WHEN 2 THEN 'app'
                  WHEN 3 THEN 'store' ELSE 'email' END,
       CASE i % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'normal' WHEN 2 THEN 'high' ELSE 'urgent' END,
       printf('cat%02d', i % 12),
       CASE i % 6 WHEN 0 THEN '배송이 너무 늦어요' WHEN 1 THEN '환불을 요청합니다'
                  WHEN 2 THEN '제품에 흠집이 있어요' WHEN 3 THEN '고객센터에서 연락이 없어요'
                  WHEN 4 THEN '포장이 찢어져서 왔어요' ELSE '상담원이 친절했어요' END
         || ' ' || (i % 997),
       CASE WHEN i % 10 < 7 THEN 'closed' WHEN i % 10 < 9 THEN 'in_progress' ELSE 'open' END,
       $T0 + (i * 48271) % (730 * 86400),
       CASE WHEN i % 10 < 9 THEN $T0 + (i * 48271) % (730 * 86400) + 600 + (i % 50) * 1800 END,
       CASE WHEN i % 10 < 7 THEN $T0 + (i * 48271) % (730 * 86400) + 3600 + (i % 97) * 3600 END,
       $T0 + (i * 48271) % (730 * 86400) + 8 * 3600,
       $T0 + (i * 48271) % (730 * 86400) + 72 * 3600,
       CASE WHEN i % 23 = 0 THEN 1 ELSE 0 END, $T0 FROM n;
COMMIT;
SQL
  echo "fixture: $ROWS tickets in $(( $(date +%s) - start )) s"
fi

best() {   # "wall user sys" seconds of the run of "$@" with the least user CPU, of 5
  b=""
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%e %U %S' -o "$DIR/time" "$@" > /dev/null
    t=$(cat "$DIR/time")
    if [ -z "$b" ] || [ "$(echo "$(echo "$t" | cut -d' ' -f2) < $(echo "$b" | cut -d' ' -f2)" | bc)" = 1 ]; then b=$t; fi
  done
  echo "$b" | awk '{ printf "wall %.2f s, user %.2f s, sys %.2f s", $1, $2, $3 }'
}
AS_OF=2027-01-01
echo "voc stats over $ROWS tickets: $(best "$D" --db "$DB" --quiet voc stats --as-of $AS_OF)"
echo "voc terms:    $(best "$D" --db "$DB" --quiet voc terms --as-of $AS_OF)"
echo "voc search:   $(best "$D" --db "$DB" --quiet voc search 배송 --limit 50)"
echo "voc recovery: $(best "$D" --db "$DB" --quiet voc recovery --as-of $AS_OF)"
