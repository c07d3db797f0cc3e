#!/bin/sh
# Fails when a library object file holds a writable variable (file-scope, global or a
# function-local static): libdangol runs in many server threads at once, so every piece of
# mutable state must be passed in (a context for qsort_r, a caller's buffer), never kept in the
# library. Constant tables live in .rodata / .data.rel.ro and are fine, and so are the one-byte
# ODR indicators AddressSanitizer adds beside every global (__odr_asan.NAME).
# usage: scripts/no_globals.sh OBJECT...
status=0
for o in "$@"; do
    found=$(objdump -t "$o" | awk '$0 ~ / O / && $4 ~ /^(\.data|\.data\.rel|\.data\.rel\.local|\.bss|\.tdata|\.tbss|\*COM\*)$/ && $NF !~ /^__odr_asan\./ {print $NF}')
    if [ -n "$found" ]; then
        for name in $found; do
            echo "$o: writable static or global \"$name\"; pass it as a context instead" >&2
        done
        status=1
    fi
done
exit $status
