# The command line itself: help, version, unknown commands and options, exit codes.
. "$(dirname "$0")/lib.sh"
expect_exit   "no command is a usage error" 2 "$DANGOL"
expect_output "help lists commands" "version" "$DANGOL" help
expect_output "version prints the schema" "store schema [0-9]+" "$DANGOL" version
expect_exit   "unknown command exits 2" 2 "$DANGOL" frobnicate
expect_output "unknown command lists valid ones" "valid:.*version" "$DANGOL" frobnicate
expect_exit   "bad --format exits 2" 2 "$DANGOL" --format xml version
expect_output "--help on a command" "usage: dangol version" "$DANGOL" version --help
expect_ok     "init creates a store" "$DANGOL" init --currency USD
expect_output "stats lists entities" "orders +0" "$DANGOL" stats
expect_output "stats as json" '"entity":"customers"' "$DANGOL" stats --format json
expect_exit   "init refuses a second currency" 1 "$DANGOL" init --currency KRW
expect_exit   "stats on a missing store exits 3" 3 "$DANGOL" --db "$WORK/none.db" stats
expect_exit   "init rejects an unknown currency" 2 "$DANGOL" init --currency XYZ

# Refused stores: a newer schema and a corrupt file are store failures (4), not "not found" (3).
cp "$DANGOL_DB" "$WORK/newer.db"
sqlite3 "$WORK/newer.db" "PRAGMA user_version = $(($(sqlite3 "$DANGOL_DB" 'PRAGMA user_version') + 1))"
expect_exit   "stats on a newer store exits 4" 4 "$DANGOL" --db "$WORK/newer.db" stats
expect_output "read-only command names the newer dangol" "written by a newer dangol" \
  "$DANGOL" --db "$WORK/newer.db" stats
out=$("$DANGOL" --db "$WORK/newer.db" export customers --reason test 2>&1)
printf '%s\n' "$out" | grep -q "read-write" && fail "newer store: advice to open it read-write" "$out" \
  || pass "newer store: no advice to upgrade the store"
expect_exit   "import into a newer store exits 4" 4 "$DANGOL" --db "$WORK/newer.db" import customers "$WORK/none.csv"
expect_exit   "init on a newer store exits 4" 4 "$DANGOL" --db "$WORK/newer.db" init
head -c 4096 /dev/urandom > "$WORK/corrupt.db"
expect_exit   "stats on a corrupt file exits 4" 4 "$DANGOL" --db "$WORK/corrupt.db" stats
expect_exit   "import into a corrupt file exits 4" 4 "$DANGOL" --db "$WORK/corrupt.db" import customers "$WORK/none.csv"

# `make bench` runs bench/run.sh: it must exist, parse, and find every benchmark script.
[ -x "$ROOT/bench/run.sh" ] && sh -n "$ROOT/bench/run.sh" && pass "bench/run.sh exists and parses" \
  || fail "bench/run.sh is missing or does not parse"

# --help on every command `dangol help` lists: exit 0 and its usage text, without touching a store.
cmds=$("$DANGOL" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
[ -n "$cmds" ] && pass "dangol help lists commands" || fail "no commands in dangol help"
for cmd in $cmds; do
  expect_output "$cmd --help prints its usage" "usage: dangol .*$cmd" "$DANGOL" --db "$WORK/none.db" "$cmd" --help
  expect_exit   "$cmd --help exits 0" 0 "$DANGOL" --db "$WORK/none.db" "$cmd" --help
done
[ ! -e "$WORK/none.db" ] && pass "--help creates no store" || fail "--help created a store"

# scripts/deps.sh asks the installed clang for its libFuzzer runtime instead of naming a version.
if grep -v '^ *#' "$ROOT/scripts/deps.sh" | grep -q 'libclang-rt-[0-9]'; then
  fail "scripts/deps.sh pins a libclang-rt version"
else
  pass "scripts/deps.sh derives the libclang-rt version from clang"
fi
