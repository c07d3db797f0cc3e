#!/bin/sh
# Builds the CLI command table from every DG_CLI_COMMAND(name) found in the given sources.
names=$(grep -ho '^DG_CLI_COMMAND([a-z_]*)' "$@" | sed 's/DG_CLI_COMMAND(\(.*\))/\1/' | sort)
for n in $names; do printf 'extern const dg_cli_command dg_cli_cmd_%s;\n' "$n"; done
printf 'static const dg_cli_command *const dg_cli_commands[] = {\n'
for n in $names; do printf '    &dg_cli_cmd_%s,\n' "$n"; done
printf '};\n'
