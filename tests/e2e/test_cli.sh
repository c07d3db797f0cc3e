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
