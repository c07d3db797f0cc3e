#!/bin/sh
# `make demo`: builds a fresh demo store at ./demo.db (20,000 customers, seed 1; see docs/demo.md)
# and runs the main job on it: the store, a customer card, CLV, a cube and cohorts.
set -e
cd "$(dirname "$0")/.."
dangol=${DANGOL:-./build/dangol}
db=${DEMO_DB:-demo.db}
rm -f "$db" "$db-wal" "$db-shm"
"$dangol" --db "$db" --quiet demo --customers "${DEMO_CUSTOMERS:-20000}" --seed 1
"$dangol" --db "$db" stats
echo
"$dangol" --db "$db" customer show C00000012
echo
"$dangol" --db "$db" clv fit
echo
"$dangol" --db "$db" clv predict --horizon 52 --discount-rate 0.01 --top 10
echo
"$dangol" --db "$db" cube --rows quarter --cols channel --measure revenue --rollup
echo
"$dangol" --db "$db" cohort --by month --measure retention --periods 12
echo
echo "demo store: $db   (next: $dangol --db $db customer show C00000032; $dangol --help)"
