#!/bin/sh
# `make demo`: builds a fresh demo store at ./demo.db (20,000 customers, seed 1; see docs/demo.md)
# and runs the main job on it: what the store holds, a customer card, the CLV fit and top customers.
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
echo "demo store: $db   (next: $dangol --db $db customer show C00000032; $dangol --help)"
