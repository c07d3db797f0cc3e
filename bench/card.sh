#!/bin/sh
# Customer card benchmark (BENCHMARKS.md, "The customer card"): `dangol customer show ID` on the
# demo store (N customers, default 20,000), without and with --segment (the k-means segmentation
# of every customer, which the card runs only when asked), each RUNS times (default 3).
# usage: bench/card.sh [N] [RUNS]      (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-20000}
RUNS=${2:-3}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-card}
mkdir -p "$DIR"
cd "$ROOT"
make -s -j2 build/dangol
DB="$DIR/demo-$N.db"
[ -f "$DB" ] || build/dangol --quiet --db "$DB" demo --customers "$N" >/dev/null
ID=$(sqlite3 "$DB" "SELECT customer_id FROM orders ORDER BY customer_id LIMIT 1")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; customer $ID"
i=0
while [ "$i" -lt "$RUNS" ]; do
  /usr/bin/time -f "card: %e s wall, %U s user" build/dangol --db "$DB" customer show "$ID" >/dev/null
  /usr/bin/time -f "card --segment: %e s wall, %U s user" \
    build/dangol --db "$DB" customer show "$ID" --segment >/dev/null
  i=$((i + 1))
done
