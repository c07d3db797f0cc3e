#!/bin/sh
# The cost of the services' writes on a cluster (docs/postgresql.md "Row locks on a cluster"):
# N_WRITES points earns and N_WRITES burns (one `dangol` process each, one customer after
# another) and N_WRITES ticket opens and assigns, timed on a single PostgreSQL store and on a
# 1 + 3 cluster made from the same demo (tests/e2e/pg.sh servers on loopback, fsync=off). On the
# cluster each write takes the coordinator's advisory lock of its customer or ticket and then
# reads and writes the customer's partition on its node through postgres_fdw. Prints wall and
# dangol's CPU (user + sys) per backend; BENCHMARKS.md "PostgreSQL cluster" has the figures.
# Usage: DANGOL=build/dangol sh bench/cluster_writes.sh [N_WRITES]
set -eu
N=${1:-100}
D=${DANGOL:-build/dangol}
case $D in /*) ;; *) D="$PWD/$D" ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dangol-cw.XXXXXX")
. "$ROOT/tests/e2e/pg.sh"
trap 'pg_stop_all; rm -rf "$WORK"' EXIT
for name in coord w1 w2 w3; do pg_start "$name" > /dev/null; done
workers=""
for w in w1 w2 w3; do pg_use "$w"; workers="$workers --worker $(pg_newdb part)"; done
pg_use coord
P=$(pg_newdb shop) C=$(pg_newdb coord)
for db in "$P" "$C"; do "$D" --db "$db" -q demo --customers 500 > /dev/null; done
"$D" --db "$C" -q cluster init $workers > /dev/null
"$D" --db "$P" --format csv export customers --reason bench | sed 1d | cut -d, -f1 | head -n "$N" > "$WORK/ids"
writes() {   # DB: N earns, N burns, N ticket opens and N assigns
  while read -r id; do "$D" --db "$1" -q points earn --customer "$id" --points 100 --source manual --reason bench; done < "$WORK/ids"
  while read -r id; do "$D" --db "$1" -q points burn --customer "$id" --points 7; done < "$WORK/ids"
  while read -r id; do
    "$D" --db "$1" --format csv ticket open --customer "$id" --kind inquiry | sed -n 2p | cut -d, -f1
  done < "$WORK/ids" > "$WORK/tickets"
  while read -r t; do "$D" --db "$1" -q ticket assign "$t" --to bench; done < "$WORK/tickets"
}
for db in "$P" "$C"; do
  name=single; [ "$db" = "$C" ] && name=cluster
  start=$(date +%s.%N)
  t0=$(awk '{ print $16 + $17 }' /proc/$$/stat)   # the waited-for children's user + sys ticks
  writes "$db" > /dev/null
  t1=$(awk '{ print $16 + $17 }' /proc/$$/stat)
  end=$(date +%s.%N)
  echo "$name: $((N * 4)) writes, wall $(echo "$end - $start" | bc) s, dangol CPU (user + sys) $(echo "($t1 - $t0) / $(getconf CLK_TCK)" | bc -l | cut -c1-5) s"
done
