#!/bin/sh
# `make demo`: builds a fresh demo store at $DEMO_DB (default ./demo.db) with $DEMO_CUSTOMERS
# customers (default 20,000; seed 1; see docs/demo.md) and runs the main job on it: the store, a
# customer card, the RFM segments, the relationship ladder's funnel, loyalty with NPS, CLV, a cube
# and cohorts. It ends by serving the dashboard on the demo store (in the foreground, until
# Ctrl-C) when run from a terminal without $CI; otherwise (CI, a pipe) it prints the command
# instead of waiting forever.
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
"$dangol" --db "$db" rfm
echo
"$dangol" --db "$db" stage --funnel
echo
"$dangol" --db "$db" loyalty
echo
"$dangol" --db "$db" clv fit
echo
"$dangol" --db "$db" clv predict --horizon 52 --top 10
echo
"$dangol" --db "$db" cube --rows quarter --cols channel --measure revenue --rollup
echo
"$dangol" --db "$db" cohort --by month --measure retention --periods 12
echo
"$dangol" --db "$db" economics clv-cac --config config/economics.conf
echo
"$dangol" --db "$db" economics retention --config config/economics.conf
echo
echo "demo store: $db   (next: $dangol --db $db customer show C00000032; $dangol --help)"
port=${DEMO_PORT:-8080}
if [ -t 0 ] && [ -t 1 ] && [ -z "${CI:-}" ]; then
  echo
  echo "dashboard: http://127.0.0.1:$port/   (Ctrl-C stops the server)"
  exec "$dangol" --db "$db" serve --port "$port"
fi
echo "dashboard: run \`$dangol --db $db serve --port $port\` and open http://127.0.0.1:$port/"
