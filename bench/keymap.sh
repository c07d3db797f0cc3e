#!/bin/sh
# Key-map benchmark (BENCHMARKS.md, "Key sets"): the import's key set (ingest/keyset.c) against
# the string map of core/strmap.c on the import's workloads, N order ids added and N
# customer ids looked up among C (defaults 10 M and 1 M, the sizes of bench/import.sh). Prints
# each phase's wall and CPU seconds and each process's peak RSS. Then reads the N orders of
# bench/gen_orders.c as a CLV transaction log (dg_clv_log_read: C customer ids in the string map).
# usage: bench/keymap.sh [N] [C]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-10000000}
C=${2:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-keymap}
mkdir -p "$DIR"
cc -std=c17 -O2 -D_GNU_SOURCE -I"$ROOT/include" -I"$ROOT/src" -I"$ROOT/bench" \
  -o "$DIR/keymap_bench" "$ROOT/bench/keymap_bench.c" "$ROOT/build/libdangol.a" \
  -lsqlite3 -lpq -ljansson -lnlopt -lmicrohttpd -lsodium -lgsl -lgslcblas -lm -lpthread
for kind in keyset strmap; do
  /usr/bin/time -f "$kind: peak RSS %M KB, %e s wall, %U+%S s cpu" "$DIR/keymap_bench" "$kind" "$N" "$C"
done
cc -O2 -o "$DIR/gen_orders" "$ROOT/bench/gen_orders.c"
[ -f "$DIR/orders-$N.csv" ] || "$DIR/gen_orders" "$N" "$C" "$DIR/orders-$N.csv" "$DIR/customers-$C.csv"
/usr/bin/time -f "log: peak RSS %M KB, %e s wall, %U+%S s cpu" "$DIR/keymap_bench" log "$DIR/orders-$N.csv"
