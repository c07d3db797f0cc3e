#!/bin/sh
# Writes dangol.pc, the pkg-config file of the installed library, to stdout.
# usage: dangol_pc.sh PREFIX LIBDIR INCLUDEDIR VERSION "PKGS"
# The libraries libdangol needs (sqlite3, libpq, jansson, nlopt, libmicrohttpd, libsodium, gsl, xgboost,
# liblinear) are private
# requirements: a program linking the shared library does not link them itself.
set -eu
prefix=$1 libdir=$2 includedir=$3 version=$4 pkgs=$5
cat <<PC
prefix=$prefix
libdir=$libdir
includedir=$includedir

Name: dangol
Description: CRM and loyalty analytics: RFM, relationship stages, loyalty, CLV, cohorts, OLAP cube
Version: $version
Requires.private: $pkgs
Cflags: -I\${includedir}
Libs: -L\${libdir} -ldangol
Libs.private: -llinear -lm -lpthread
PC
