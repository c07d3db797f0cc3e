#!/bin/sh
# make installcheck: installs dangol into a temporary DESTDIR, then builds every examples/*.c
# against the installed copy through pkg-config alone (no -I or -L into the source tree) and runs
# it, checks that libdangol.so carries its SONAME and exports only dg_ names (nm -D), and that
# `make uninstall` leaves nothing behind.
# usage: installcheck.sh MAKE CC OUT
set -eu
make=$1 cc=$2 out=$3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/usr/local
$make -s install DESTDIR="$stage" PREFIX="$prefix" OUT="$out" >/dev/null
lib=$stage$prefix/lib
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
fail=0
for f in "$lib/libdangol.a" "$lib/libdangol.so" "$stage$prefix/bin/dangol" \
         "$stage$prefix/include/dangol/dangol.h" "$stage$prefix/share/man/man1/dangol.1"; do
    [ -e "$f" ] || { echo "installcheck: missing $f"; fail=1; }
done
soname=$(objdump -p "$lib/libdangol.so" | sed -n 's/ *SONAME *//p')
case $soname in
libdangol.so.[0-9]*) ;;
*) echo "installcheck: libdangol.so has SONAME \"$soname\""; fail=1 ;;
esac
[ "$(readlink "$lib/$soname")" = "$(basename "$(readlink "$lib/libdangol.so")")" ] ||
    { echo "installcheck: $soname and libdangol.so do not name one file"; fail=1; }
# defined (exported) symbols that are not public dg_ names
leaks=$(nm -D --defined-only "$lib/libdangol.so" | awk '{print $3}' |
        grep -v -e '^dg_' -e '^_init$' -e '^_fini$' -e '^_edata$' -e '^_end$' -e '^__bss_start$' |
        grep -c . || true)
internals=$(nm -D --defined-only "$lib/libdangol.so" | awk '{print $3}' | grep -c '^dg__' || true)
if [ "$leaks" -ne 0 ] || [ "$internals" -ne 0 ]; then
    echo "installcheck: libdangol.so exports $leaks non-dg_ and $internals dg__ symbols"
    fail=1
fi
for src in examples/*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2046
    if ! $cc -std=c17 -Wall -Wextra -Werror $(pkg-config --cflags dangol) "$src" -o "$stage/$name" \
            $(pkg-config --libs dangol); then
        echo "installcheck: $src does not build against the installed library"; fail=1; continue
    fi
    if ! LD_LIBRARY_PATH="$lib" "$stage/$name" > "$stage/$name.out"; then
        echo "installcheck: $name failed"; cat "$stage/$name.out"; fail=1
    fi
done
$make -s uninstall DESTDIR="$stage" PREFIX="$prefix" OUT="$out" >/dev/null
left=$(find "$stage$prefix" -type f -o -type l | grep -v "$stage/[^/]*$" | head -5)
[ -z "$left" ] || { echo "installcheck: left after uninstall: $left"; fail=1; }
[ $fail -eq 0 ] && echo "installcheck: install, $(ls examples/*.c | wc -l) example(s), exports, uninstall: ok"
exit $fail
