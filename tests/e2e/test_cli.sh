# The command line itself: help, version, unknown commands and options, exit codes.
. "$(dirname "$0")/lib.sh"
expect_exit   "no command is a usage error" 2 "$DANGOL"
expect_output "help lists commands" "version" "$DANGOL" help
expect_output "version prints the schema" "store schema [0-9]+" "$DANGOL" version
expect_exit   "unknown command exits 2" 2 "$DANGOL" frobnicate
expect_output "unknown command lists valid ones" "valid:.*version" "$DANGOL" frobnicate
expect_exit   "bad --format exits 2" 2 "$DANGOL" --format xml version
expect_output "--help on a command" "usage: dangol version" "$DANGOL" version --help
