#!/bin/sh
# Turns schema/NNNN_name.sql files into C initialisers { version, { "line", ..., NULL } } for the
# migrator (one string per line: ISO C caps the length of a single string literal).
for f in "$@"; do
  v=$(basename "$f" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
  printf '{ %s, (const char *const[]){\n' "$v"
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/",/' "$f"
  printf '    NULL } },\n'
done
