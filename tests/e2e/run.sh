#!/bin/sh
# Runs every tests/e2e/test_*.sh against $DANGOL and prints "N passed, N failed".
dir=$(cd "$(dirname "$0")" && pwd)
RESULTS=$(mktemp); export RESULTS
for t in "$dir"/test_*.sh; do
  sh "$t" || echo "fail $(basename "$t"): script exited with $?" >> "$RESULTS"
done
passed=$(grep -c '^pass ' "$RESULTS"); failed=$(grep -c '^fail ' "$RESULTS")
grep '^fail ' "$RESULTS" | sed 's/^fail /FAILED: /'
rm -f "$RESULTS"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
