#!/bin/sh
# Installs the Debian packages dangol needs to build, test and benchmark. Idempotent and quiet
# when everything is already there; run as root (or with sudo available).
set -e
pkgs="gcc make pkg-config sqlite3 libsqlite3-dev libjansson-dev libnlopt-dev libmicrohttpd-dev libsodium-dev
libgsl-dev libxgboost-dev liblinear-dev libcriterion-dev python3 python3-scipy python3-mpmath python3-sympy python3-numpy curl wrk chromium nodejs
clang time fonts-nanum openssl postgresql-15 postgresql-contrib libpq-dev"
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
updated=""

# install PKG...: installs those of the packages that are not installed yet.
install() {
  missing=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  echo "deps: installing$missing" >&2
  [ -n "$updated" ] || { $sudo apt-get update -qq; updated=1; }
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# shellcheck disable=SC2086
install $pkgs
# npm: Debian ships it as its own package; NodeSource's nodejs bundles it (and conflicts with it).
command -v npm >/dev/null 2>&1 || install npm
# libFuzzer's runtime (make fuzz) is packaged per clang major version (libclang-rt-14-dev on
# Debian 12, libclang-rt-19-dev on Debian 13): ask the clang installed above which one it needs.
install "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
