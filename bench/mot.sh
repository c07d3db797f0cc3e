#!/bin/sh
# MOT benchmark (BENCHMARKS.md, "MOT"): bench/mot_bench.c simulates N visits (default 1,000,000)
# of the built-in 8-moment cycle in memory and times the analysis and every report view after
# loading; then, when BENCH_STORE=1, a demo clinic store of about N visits is generated and the
# cold `dangol mot drivers` process timed (load from SQLite included).
# usage: bench/mot.sh [N]      (BENCH_DIR=/tmp/... to choose the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-mot}
mkdir -p "$DIR"
cd "$ROOT"
make -s -j2 build/libdangol.a build/dangol
cc -std=c17 -O2 -D_GNU_SOURCE -Iinclude -o "$DIR/mot_bench" bench/mot_bench.c build/libdangol.a \
  -lsqlite3 -lpq -ljansson -lnlopt -lmicrohttpd -lsodium -lgsl -lgslcblas -lxgboost -llinear -lm \
  -lpthread
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
/usr/bin/time -f "bench process: %e s wall, %M KB peak RSS" "$DIR/mot_bench" "$N"
if [ "${BENCH_STORE:-0}" = 1 ]; then
  rm -f "$DIR/clinic.db"*
  # the clinic averages about 2.6 visits per customer
  ./build/dangol --quiet --db "$DIR/clinic.db" demo --business clinic --customers $((N * 10 / 26))
  ./build/dangol --db "$DIR/clinic.db" stats | grep mot_
  /usr/bin/time -f "cold dangol mot drivers: %e s wall, %M KB peak RSS" \
    ./build/dangol --db "$DIR/clinic.db" mot drivers > /dev/null
fi
