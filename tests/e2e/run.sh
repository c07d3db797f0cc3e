#!/bin/sh
# Runs the scripts named (default: every tests/e2e/test_*.sh) against $DANGOL and prints
# "N passed, N failed".
# The scripts are independent (each has its own scratch directory, store and kernel-chosen ports),
# so $E2E_JOBS of them (default: the machine's cores) run at once, the biggest scripts first so the
# slowest do not start last. Each script's wall time is printed at the end, slowest first.
dir=$(cd "$(dirname "$0")" && pwd)
RESULTS=$(mktemp); export RESULTS
TIMES=$(mktemp); export TIMES
jobs=${E2E_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ $# -gt 0 ] || set -- "$dir"/test_*.sh
# shellcheck disable=SC2016 # expanded by the inner shell
ls -S "$@" | xargs -P "$jobs" -n 1 sh -c '
  start=$(date +%s)
  sh "$1" || echo "fail $(basename "$1"): script exited with $?" >> "$RESULTS"
  echo "$(( $(date +%s) - start )) s $(basename "$1")" >> "$TIMES"' run
passed=$(grep -c '^pass ' "$RESULTS"); failed=$(grep -c '^fail ' "$RESULTS")
grep '^fail ' "$RESULTS" | sed 's/^fail /FAILED: /'
echo "e2e times (wall, $jobs at once):"; sort -rn "$TIMES" | head -12 | sed 's/^/  /'
rm -f "$RESULTS" "$TIMES"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
