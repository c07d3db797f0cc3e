#!/bin/sh
# The whole process of `dangol clv predict --summary FILE --top 10` (read, BG/NBD + Gamma-Gamma
# fits, every customer's P(alive), expected purchases and 52-week CLV, the table), undiscounted
# and at 1 % a unit: best of 3 wall times, with the user + sys CPU of that run. Called by
# bench/btyd.sh on its simulated customers (BENCHMARKS.md, "CLV predictions").
# usage: bench/btyd_predict.sh SUMMARY.csv   (from the repository's root, after make)
set -eu
FILE=$1
TIMES=$(mktemp)
trap 'rm -f "$TIMES"' EXIT
for RATE in 0 0.01; do
  best=""
  for run in 1 2 3; do
    /usr/bin/time -f "%e %U %S" -o "$TIMES" build/dangol clv predict --summary "$FILE" \
      --discount-rate "$RATE" --top 10 > /dev/null 2>&1
    read -r wall user sys < "$TIMES"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    fi
  done
  echo "clv predict --summary (rate $RATE, --top 10): wall $best s, cpu $cpu s (best of 3," \
       "whole process)"
done
