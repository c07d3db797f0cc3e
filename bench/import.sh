#!/bin/sh
# Import benchmark (BENCHMARKS.md, "Import"): generates N order rows (default 10 M) over C
# customers (default 1 M) as CSV, imports them with `dangol import orders`, and imports the same
# CSV into the same table of a store prepared the same way with sqlite3's own `.import`, in the
# same run. Prints rows/s, wall time and peak RSS (/usr/bin/time -v) for both, and the ratio.
# usage: bench/import.sh [N_ORDERS] [N_CUSTOMERS]      (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000000}
C=${2:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-import}
D="$ROOT/build/dangol"
mkdir -p "$DIR"
cc -O2 -o "$DIR/gen_orders" "$ROOT/bench/gen_orders.c"
[ -f "$DIR/orders-$N.csv" ] || "$DIR/gen_orders" "$N" "$C" "$DIR/orders-$N.csv" "$DIR/customers-$C.csv"
size=$(du -m "$DIR/orders-$N.csv" | cut -f1)
echo "input: $N orders over $C customers, $size MB ($(head -2 "$DIR/orders-$N.csv" | tail -1))"

# Two identical stores holding the customers; only the orders import is timed.
rm -f "$DIR"/dangol.db* "$DIR"/sqlite.db*
"$D" --db "$DIR/dangol.db" -q init
"$D" --db "$DIR/dangol.db" -q import customers "$DIR/customers-$C.csv"
cp "$DIR/dangol.db" "$DIR/sqlite.db"
sync

# measure NAME CMD...: runs CMD under /usr/bin/time -v, prints seconds and peak RSS (MB).
measure() {
  name=$1; shift
  /usr/bin/time -v "$@" > "$DIR/$name.out" 2> "$DIR/$name.time" || {
    echo "$name failed:"; tail -5 "$DIR/$name.time"; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
         for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$DIR/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$DIR/$name.time")
  rate=$(awk -v n="$N" -v s="$wall" 'BEGIN { printf "%.0f", n / s }')
  echo "$name: $wall s, $rate rows/s, peak RSS $rss MB"
  eval "${name}_wall=$wall"
}

measure dangol "$D" --db "$DIR/dangol.db" -q import orders "$DIR/orders-$N.csv"
measure sqlite sqlite3 "$DIR/sqlite.db" ".import --csv --skip 1 $DIR/orders-$N.csv orders"

rows_d=$(sqlite3 "$DIR/dangol.db" "SELECT count(*) FROM orders")
rows_s=$(sqlite3 "$DIR/sqlite.db" "SELECT count(*) FROM orders")
echo "rows: dangol $rows_d, sqlite3 $rows_s"
awk -v a="$dangol_wall" -v b="$sqlite_wall" \
  'BEGIN { printf "dangol import is %.2fx the speed of sqlite3 .import\n", b / a }'
echo "store sizes: dangol $(du -m "$DIR/dangol.db" | cut -f1) MB, sqlite3 $(du -m "$DIR/sqlite.db" | cut -f1) MB"
