#!/bin/sh
# Writes the man page dangol(1) to stdout, generated from the program's own --help texts (the
# overview and every command's), so the page says exactly what `dangol --help` says.
# usage: man.sh PATH/TO/dangol VERSION
set -eu
dangol=$1 version=$2
# roff: a leading '.' or "'" would be a request, a backslash an escape
quote() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
printf '.TH DANGOL 1 "" "dangol %s" "User Commands"\n' "$version"
printf '.SH NAME\ndangol \\- customer relationship and loyalty analytics\n'
printf '.SH SYNOPSIS\n.nf\n'
"$dangol" --help | sed -n 's/^usage: //p' | quote
printf '.fi\n.SH DESCRIPTION\n.nf\n'
"$dangol" --help | sed '1,/^usage:/d' | quote
printf '.fi\n.SH COMMANDS\n'
for cmd in $("$dangol" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p'); do
    printf '.SS %s\n.nf\n' "$cmd"
    "$dangol" "$cmd" --help | quote
    printf '.fi\n'
done
printf '.SH SEE ALSO\nThe library: docs/library.md; pkg-config --cflags --libs dangol.\n'
