#!/bin/sh
# Tier evaluation benchmark (BENCHMARKS.md, "Tiers"): the campaign benchmark's store (CUSTOMERS
# customers, default 1,000,000, 3 orders each over two years; bench/campaign.sh builds it when it
# is missing), copied, then `dangol tier evaluate --as-of D` with the built-in rules (spend over
# 365 days) timed as a whole cold process: the first evaluation (every customer replayed from
# their first order, every change written to tier_history), the same day again (idempotent:
# nothing to do) and the next quarter (an incremental run from the last one). Reports user CPU
# beside wall: the machine is shared. Not part of `make check`.
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
for step in "first 2025-06-30" "again 2025-06-30" "next-quarter 2025-09-30"; do
  set -- $step
  /usr/bin/time -f "$1 ($2): %e s wall, %U s user, %S s sys, %M KiB max RSS" \
    "$D" --db "$W" --quiet --format csv tier evaluate --as-of "$2" > "$DIR/tier.csv"
  tail -1 "$DIR/tier.csv"
done
echo "tier history rows: $(sqlite3 "$W" 'SELECT count(*) FROM tier_history')"
