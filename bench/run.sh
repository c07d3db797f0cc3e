#!/bin/sh
# `make bench`: runs the benchmarks bench/*.sh one after another, each with its defaults (the
# sizes BENCHMARKS.md reports); each prints its own figures. A failing one is reported and the
# rest still run; the exit status is 1 if any failed.
# usage: bench/run.sh [NAME...]      (NAME = import, cube, ...: only those; default all)
set -u
BENCH=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- $(cd "$BENCH" && ls *.sh | sed -e '/^run\.sh$/d' -e 's/\.sh$//')
failed=""
for name in "$@"; do
  echo "== bench/$name.sh"
  sh "$BENCH/$name.sh" || failed="$failed $name"
done
[ -z "$failed" ] || { echo "failed:$failed"; exit 1; }
