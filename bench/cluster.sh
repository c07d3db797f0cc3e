#!/bin/sh
# SQLite vs single PostgreSQL vs a 3-worker PostgreSQL cluster (BENCHMARKS.md, "PostgreSQL
# cluster"; docs/postgresql.md "Cluster"): generates N order rows (default 1 M; 10 M as an
# argument) over C customers (default 100 k) as CSV (bench/gen_orders.c), starts 4 PostgreSQL 15
# servers of its own on loopback (tests/e2e/pg.sh: a coordinator holding the single store and the
# cluster's, and 3 workers), and times in one run, on each: the customers and orders import (the
# cluster's through the coordinator into the partitions: `cluster init` first, on the empty
# store), then (each store's tables vacuumed and analysed first, as autovacuum would, untimed, so
# that its work does not land in a report's step) a cold `stage` (the frame built from the rows,
# on the cluster through the coordinator), a cold `dangol rfm` (on SQLite and the single store the
# frame read from the rows; on the cluster one per-customer aggregate pushed to the nodes,
# src/report/rfm_cluster.c), a cold cube (months by channel in one region, rolled up; on the
# cluster its cells computed on the nodes per grouping set and partition,
# src/report/cube_cluster.c; FRAME_DANGOL=an older build adds the cluster's from the rows), cold
# `clv fit` and `clv predict` (from the rows, or on the cluster from per-customer counts on the
# nodes, src/report/clv_cluster.c; FRAME_DANGOL=an older build adds the cluster's from the rows)
# and RFM's and clv's aggregates in SQL: each worker's own execution time of its partitions' scans
# and aggregates (EXPLAIN ANALYZE on the worker) against the same statement through the
# coordinator. Each step: its wall seconds, the dangol process's CPU (/usr/bin/time -v) and each
# server's CPU over it (its processes' times from /proc, bench/measure.sh). At the end, those CPU
# seconds per step and from them what 1 + 3 machines would take (cluster_projection.awk). All
# servers share this machine's cores: the CPU seconds are the evidence, the walls wait for a CPU.
# usage: bench/cluster.sh [N_ORDERS] [N_CUSTOMERS]      (BENCH_DIR=/tmp/... for the scratch;
#        CUBE_ONLY=1: the imports, stage, rfm and the cube, without clv and the per-node statements)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
C=${2:-100000}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-cluster}
D="$ROOT/build/dangol"
mkdir -p "$WORK"
. "$ROOT/tests/e2e/pg.sh"
. "$ROOT/bench/measure.sh"
orders_csv
pg_stop_all
rm -rf "$WORK/coord" "$WORK"/w? "$WORK/pg.started" "$WORK"/sqlite.db* "$WORK/steps"
trap 'pg_stop_all' EXIT
for name in coord w1 w2 w3; do pg_start "$name"; done
pg_use coord
P=$(pg_newdb single)
K=$(pg_newdb coord)
WORKERS=""
for w in w1 w2 w3; do pg_use "$w"; WORKERS="$WORKERS --worker $(pg_newdb part)"; done
S="$WORK/sqlite.db"

# stale BACKEND: the store's persisted frame marked out of date, so the next report reads rows.
stale() {
  case $1 in
    sqlite) sqlite3 "$S" "DELETE FROM frame_snapshot; DELETE FROM frame_snapshot_header; UPDATE frame_snapshot_state SET dirty = 1" ;;
    postgresql) (pg_use coord; pg_psql "UPDATE frame_snapshot_state SET dirty = 1" single > /dev/null) ;;
    cluster) (pg_use coord; pg_psql "UPDATE frame_snapshot_state SET dirty = 1" coord > /dev/null) ;;
  esac
}
# settle BACKEND: VACUUM (ANALYZE) of the store's orders and customers on the server(s) holding
# them (on the cluster each worker's partitions, then the coordinator's statistics), with its wall.
settle() {
  start=$(date +%s)
  case $1 in
    postgresql) (pg_use coord; pg_psql "VACUUM (ANALYZE) orders, customers" single) ;;
    cluster) for w in w1 w2 w3; do (pg_use "$w"; for t in $(pg_psql "SELECT tablename FROM pg_tables WHERE tablename ~ '^(orders|customers)_p'" part); do pg_psql "VACUUM (ANALYZE) $t" part; done); done
             (pg_use coord; pg_psql "ANALYZE orders, customers" coord) ;;
    *) return 0 ;;
  esac
  echo "$1: VACUUM (ANALYZE) after the imports, untimed: $(( $(date +%s) - start )) s wall"
}
# ms DATABASE SQL: the statement's execution time on the current server, in ms (EXPLAIN ANALYZE).
ms() {
  pg_psql "EXPLAIN (ANALYZE, TIMING OFF) $2" "$1" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p'
}
# RFM's aggregate as `dangol rfm` sends it (src/store/cluster_totals.c), its day bound far ahead
RFM_SQL="SELECT customer_id, count(*), sum(total), max(ordered_at) FROM orders WHERE ordered_at < 99999999999 GROUP BY customer_id"
SCAN_SQL="SELECT customer_id, ordered_at, total FROM orders"
# clv's counts as `dangol clv fit` sends them with no period given (src/report/clv_cluster.c):
# days counted back from a bound far ahead, no holdout
FAR=1073741823
CLV_SQL=$(cluster_clv_sql dg_cluster_clv_customers_sql $(( (FAR + 1) * 86400 )) $FAR 1 $FAR)
SLOTS_SQL=$(cluster_clv_sql dg_cluster_clv_shared_slots_sql $(( (FAR + 1) * 86400 )) $FAR 1 $FAR)
# the cube timed on the three (the region is one of bench/gen_orders.c's)
CUBE="cube --rows month --cols channel --measure revenue,orders,customers --where region=R03 --rollup"
CLUSTER_SERVERS="coord w1 w2 w3"

for backend in sqlite postgresql cluster; do
  case $backend in sqlite) db=$S ;; postgresql) db=$P ;; cluster) db=$K ;; esac
  "$D" --db "$db" -q init
  [ "$backend" = cluster ] && measure "cluster init (3 workers, 12 partitions)" "$D" --db "$db" -q cluster init $WORKERS
  measure "$backend import customers" "$D" --db "$db" -q import customers "$WORK/customers-$C.csv"
  measure "$backend import orders" "$D" --db "$db" -q import orders "$WORK/orders-$N.csv"
  settle "$backend"
  # the frame built from the rows, cold, on the three (stage reads it on a cluster too)
  stale "$backend"
  measure "$backend stage (frame from rows)" "$D" --db "$db" --format csv stage
  cp "$WORK/out" "$WORK/stage.$backend"
  stale "$backend"
  how="frame from rows"
  [ "$backend" = cluster ] && how="per-customer aggregate on the nodes"
  measure "$backend rfm ($how)" "$D" --db "$db" --format csv rfm
  cp "$WORK/out" "$WORK/rfm.$backend"
  # the cube, cold (the frame's snapshot stale): SQLite and the single store from the rows, the
  # cluster from the cells its nodes compute (and, FRAME_DANGOL=path, from the rows)
  [ "$backend" = cluster ] && how="cells on the nodes"
  stale "$backend"
  measure "$backend cube ($how)" "$D" --db "$db" --format csv $CUBE
  cp "$WORK/out" "$WORK/cube.$backend"
  if [ "$backend" = cluster ] && [ -n "${FRAME_DANGOL:-}" ]; then
    stale cluster
    measure "cluster cube (frame from rows, old build)" "$FRAME_DANGOL" --db "$db" --format csv $CUBE
    cmp -s "$WORK/out" "$WORK/cube.cluster" || { echo "the old build's cube differs"; exit 1; }
  fi
  [ -n "${CUBE_ONLY:-}" ] && continue
  # clv fit and predict (BG/NBD + Gamma-Gamma), each from the rows (the frame's snapshot made
  # stale first) or, on the cluster, from the counts on the nodes (src/report/clv_cluster.c);
  # FRAME_DANGOL=path: also a build from before that push-down, on the cluster from the rows
  [ "$backend" = cluster ] && how="per-customer counts on the nodes"
  for sub in fit predict; do
    stale "$backend"
    measure "$backend clv $sub ($how)" "$D" --db "$db" --format csv clv $sub
    cp "$WORK/out" "$WORK/clv-$sub.$backend"
    if [ "$backend" = cluster ] && [ -n "${FRAME_DANGOL:-}" ]; then
      stale cluster
      measure "cluster clv $sub (frame from rows, old build)" "$FRAME_DANGOL" --db "$db" --format csv clv $sub
    fi
  done
done
for out in stage rfm cube clv-fit clv-predict; do
  [ -n "${CUBE_ONLY:-}" ] && case $out in clv*) continue ;; esac
  cmp -s "$WORK/$out.sqlite" "$WORK/$out.postgresql" && cmp -s "$WORK/$out.sqlite" "$WORK/$out.cluster" &&
    echo "$out: the same output on the three" || { echo "$out outputs differ"; exit 1; }
done

awk -F'|' -f "$ROOT/bench/cluster_projection.awk" "$WORK/steps"
[ -n "${CUBE_ONLY:-}" ] && exit 0
pg_use coord
pg_psql "ANALYZE" single > /dev/null
echo "statement (server execution time, ms)          single PG   cluster (coordinator)"
for q in "$SCAN_SQL" "$RFM_SQL" "$CLV_SQL" "$SLOTS_SQL"; do
  printf '%-48s %9s   %9s\n' "$(echo "$q" | cut -c1-46)" "$(ms single "$q")" "$(ms coord "$q")"
done
echo "per node: its 4 partitions, run on the worker itself (ms)"
for w in w1 w2 w3; do
  pg_use "$w"
  scan=0 agg=0 clv=0
  for t in $(pg_psql "SELECT tablename FROM pg_tables WHERE tablename LIKE 'orders\_p%'" part); do
    scan=$(echo "$scan + $(ms part "SELECT customer_id, ordered_at, total FROM $t")" | bc)
    agg=$(echo "$agg + $(ms part "$(echo "$RFM_SQL" | sed "s/FROM orders/FROM $t/")")" | bc)
    for q in "$CLV_SQL" "$SLOTS_SQL"; do
      clv=$(echo "$clv + $(ms part "$(echo "$q" | sed "s/FROM orders/FROM $t/")")" | bc)
    done
  done
  echo "$w: scan $scan ms, rfm's per-customer aggregate $agg ms, clv's two $clv ms"
done
