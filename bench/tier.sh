#!/bin/sh
# Tier evaluation benchmark (BENCHMARKS.md, "Tiers"): the campaign benchmark's store (CUSTOMERS
# customers, default 1,000,000, 3 orders each over two years; bench/campaign.sh builds it when it
# is missing), copied, then `dangol tier evaluate --as-of D` with the built-in rules (spend over
# 365 days) timed as a whole cold process: the first evaluation (every customer replayed from
# their first order, every change written to tier_history), the same day again (idempotent:
# nothing to do), the next quarter (an incremental run from the last one, the quarterly review)
# and the day after (the daily run); then the same days again with bench/tier_bench.c, which
# loads each day's frame and times the evaluation alone ("after loading"). Reports CPU (user +
# sys) beside wall: the machine is shared. Not part of `make check`.
# usage: bench/tier.sh [CUSTOMERS]   (BENCH_DIR=... for the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-campaign}
D="$ROOT/build/dangol"
[ -f "$DIR/campaign-$N.db" ] || BENCH_DIR="$DIR" sh "$ROOT/bench/campaign.sh" "$N" > /dev/null
W="$DIR/tier-$N.db"
cp "$DIR/campaign-$N.db" "$W"
rm -f "$W-wal" "$W-shm"
echo "customers: $(sqlite3 "$W" 'SELECT count(*) FROM customers'), orders: $(sqlite3 "$W" 'SELECT count(*) FROM orders')"
for step in "first 2025-06-30" "again 2025-06-30" "next-quarter 2025-09-30" "next-day 2025-10-01"; do
  set -- $step
  /usr/bin/time -f "$1 ($2): %e s wall, %U s user, %S s sys, %M KiB max RSS" \
    "$D" --db "$W" --quiet --format csv tier evaluate --as-of "$2" > "$DIR/tier.csv"
  tail -1 "$DIR/tier.csv"
done
echo "tier history rows: $(sqlite3 "$W" 'SELECT count(*) FROM tier_history')"

echo
echo "== after loading: each day's frame loaded, then the evaluation alone timed (bench/tier_bench.c)"
cc -std=c17 -O2 -D_GNU_SOURCE -I"$ROOT/include" -I"$ROOT/bench" -o "$DIR/tier_bench" \
  "$ROOT/bench/tier_bench.c" "$ROOT/build/libdangol.a" -lsqlite3 -lpq -ljansson -lnlopt \
  -lmicrohttpd -lsodium -lnettle -lgsl -lgslcblas -lxgboost -llinear -lm -lpthread
cp "$DIR/campaign-$N.db" "$W"
rm -f "$W-wal" "$W-shm"
"$DIR/tier_bench" "$W" 2025-06-30 2025-06-30 2025-09-30 2025-10-01
echo "tier history rows: $(sqlite3 "$W" 'SELECT count(*) FROM tier_history')"
