#!/bin/sh
# Installs the Debian packages dangol needs to build, test and benchmark. Idempotent and quiet
# when everything is already there; run as root (or with sudo available).
set -e
pkgs="gcc make pkg-config sqlite3 libsqlite3-dev libjansson-dev libnlopt-dev libmicrohttpd-dev
libcriterion-dev python3 python3-scipy python3-mpmath python3-numpy curl wrk chromium nodejs
clang libclang-rt-14-dev time fonts-nanum"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# npm: Debian ships it as its own package; NodeSource's nodejs bundles it (and conflicts with it).
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
