#!/bin/sh
# CLV fit benchmark (BENCHMARKS.md, "CLV fits"). bench/btyd_bench.c writes the CDNOW summary and N
# simulated customers (default 1,000,000) as summary CSVs and times BG/NBD + Gamma-Gamma in the
# process; then, in the same run, the whole `dangol clv fit --summary` process on the 1 M file
# (reading, packing, fits, standard errors, printing; BG/NBD + Gamma-Gamma, BG/NBD alone, and
# each on 1 thread; Pareto/NBD on the same file; BG/BB on 1 M simulated BG/BB customers,
# bgbb.csv), and scipy.optimize on the same files (bench/btyd_scipy.py: L-BFGS-B and
# Nelder-Mead, whole python process too), and the ratios.
# usage: bench/btyd.sh [N]   (run from anywhere; BTYD_NELDER_MEAD=0 skips scipy's slow
#                             Nelder-Mead on the large file)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-btyd}
mkdir -p "$DIR"
cd "$ROOT"
make -s -j2 build/libdangol.a build/dangol
cc -O2 -Iinclude -o "$DIR/btyd_bench" bench/btyd_bench.c build/libdangol.a \
  $(pkg-config --libs sqlite3 jansson nlopt libmicrohttpd) -lm -lpthread
"$DIR/btyd_bench" "$DIR" "$N" | tee "$DIR/dangol.txt"
sh bench/btyd_predict.sh "$DIR/sim.csv" | tee -a "$DIR/dangol.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
# whole NAME COMMAND...: best of 3 wall seconds (and the user+sys CPU seconds of that run)
whole() {
  name=$1; shift
  best=""
  for run in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$DIR/time.txt" "$@" > "$DIR/out.txt"
    read -r wall user sys < "$DIR/time.txt"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    fi
  done
  echo "$name: wall $best s, cpu $cpu s (best of 3, whole process)" | tee -a "$DIR/whole.txt"
}
: > "$DIR/whole.txt"
whole "dangol clv fit BG/NBD + Gamma-Gamma" build/dangol clv fit --summary "$DIR/sim.csv"
sed -n '1,12p' "$DIR/out.txt"
whole "dangol clv fit BG/NBD + Gamma-Gamma, 1 thread" build/dangol clv fit --threads 1 \
  --summary "$DIR/sim.csv"
whole "dangol clv fit BG/NBD alone" build/dangol clv fit --spend none --summary "$DIR/sim.csv"
whole "dangol clv fit BG/NBD alone, 1 thread" build/dangol clv fit --spend none --threads 1 \
  --summary "$DIR/sim.csv"
whole "dangol clv fit Pareto/NBD + Gamma-Gamma" build/dangol clv fit --model paretonbd \
  --summary "$DIR/sim.csv"
whole "dangol clv fit Pareto/NBD alone" build/dangol clv fit --model paretonbd --spend none \
  --summary "$DIR/sim.csv"
whole "dangol clv fit BG/BB (1 M simulated, 1-52 opportunities)" build/dangol clv fit \
  --model bgbb --spend none --summary "$DIR/bgbb.csv"
/usr/bin/python3 bench/btyd_scipy.py "$DIR/cdnow.csv" 11 | tee "$DIR/scipy-cdnow.txt"
/usr/bin/time -f "%e %U %S" -o "$DIR/time.txt" \
  /usr/bin/python3 bench/btyd_scipy.py "$DIR/sim.csv" 1 L-BFGS-B | tee "$DIR/scipy-lbfgsb.txt"
read -r wall user sys < "$DIR/time.txt"
echo "scipy L-BFGS-B BG/NBD + Gamma-Gamma: wall $wall s, cpu $(awk -v u="$user" -v s="$sys" \
  'BEGIN { printf "%.2f", u + s }') s (whole process)" | tee -a "$DIR/whole.txt"
if [ "${BTYD_NELDER_MEAD:-1}" != 0 ]; then
  /usr/bin/python3 bench/btyd_scipy.py "$DIR/sim.csv" 1 | tee "$DIR/scipy-sim.txt"
fi
# the ratio of scipy's whole process to dangol's (wall and CPU)
awk '{ w = $0; sub(/.*wall /, "", w); sub(/ .*/, "", w); c = $0; sub(/.*cpu /, "", c); sub(/ .*/, "", c) }
     /^dangol clv fit BG\/NBD \+ Gamma-Gamma:/ { dw = w; dc = c }
     /^scipy L-BFGS-B/ { sw = w; sc = c }
     END { if (dw > 0 && dc > 0)
             printf "ratio scipy L-BFGS-B / dangol, whole process: wall %.0fx, cpu %.0fx\n", sw / dw, sc / dc }' \
  "$DIR/whole.txt"
