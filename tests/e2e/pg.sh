# A real PostgreSQL 15 server for tests and benchmarks, sourced after lib.sh (or on its own with
# WORK set): pg_start initdb's a cluster into $WORK/pg and starts it with pg_ctl on a free
# loopback port, as a non-root user (root, as in CI, runs it as the system user dangolpg, made
# here when missing); pg_stop stops it. Password authentication (scram-sha-256) for the
# superuser dangol, so a wrong password is refused as on a real server. Sets PG_URL (a libpq
# connection string of the database "dangol"), PG_PORT, PG_BIN; pg_ctl_start starts it again
# after pg_stop, on the same port; pg_start fails (returns 1) with
# a message when the server cannot be started. Several servers (a cluster's coordinator and
# workers): pg_start NAME makes each in $WORK/NAME, pg_use NAME makes it the current one (PG_DIR,
# PG_PORT, PG_URL), pg_stop_all stops every one started.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PASSWORD=dangol-test-password

# pg_as CMD...: CMD as the server's user.
pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u dangolpg -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
  PG_NAME=${1:-pg}
  [ -x "$PG_BIN/initdb" ] || { echo "pg.sh: no PostgreSQL at $PG_BIN (make deps installs it)" >&2; return 1; }
  if [ "$(id -u)" = 0 ] && ! id dangolpg > /dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin dangolpg 2> /dev/null || id dangolpg > /dev/null 2>&1 || return 1
  fi
  PG_DIR="$WORK/$PG_NAME"
  mkdir -p "$PG_DIR"
  printf '%s\n' "$PG_PASSWORD" > "$PG_DIR/pwfile"
  [ "$(id -u)" = 0 ] && { chown -R dangolpg "$PG_DIR"; chmod 755 "$WORK"; }
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U dangol --auth=scram-sha-256 \
    --pwfile="$PG_DIR/pwfile" -E UTF8 --locale=C --no-sync > "$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; return 1; }
  for attempt in 1 2 3; do
    PG_PORT=$(pg_free_port)
    if pg_ctl_start; then
      echo "$PG_PORT" > "$PG_DIR/port"
      echo "$PG_NAME" >> "$WORK/pg.started"
      PG_URL="postgresql://dangol:$PG_PASSWORD@127.0.0.1:$PG_PORT/dangol"
      PGPASSWORD=$PG_PASSWORD "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U dangol dangol ||
        return 1
      return 0
    fi
  done
  cat "$PG_DIR/server.log" >&2
  return 1
}

# pg_ctl_start: starts the initdb'd server on $PG_PORT (again, after pg_stop). PG_SETTINGS adds
# server settings (the benchmarks' "-c shared_buffers=4GB"; the tests run with the defaults).
pg_ctl_start() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off ${PG_SETTINGS:-}" \
    start > /dev/null 2>&1
}

# pg_two_servers DB: two `dangol serve` processes on the store DB (PID1 and URL1, PID2 and URL2),
# killed at the exit, before the PostgreSQL servers stop (tests/e2e/server.sh's start_server).
pg_two_servers() {
  DANGOL_DB="$1" start_server --no-web --threads 4 && PID1=$SERVER_PID URL1=$URL &&
    DANGOL_DB="$1" start_server --no-web --threads 4 && PID2=$SERVER_PID URL2=$URL
  trap 'kill "$PID1" "$PID2" 2>/dev/null; pg_stop_all; rm -rf "$WORK"' EXIT
}

# pg_use NAME: the server started as pg_start NAME is the current one.
pg_use() {
  PG_NAME=$1 PG_DIR="$WORK/$1" PG_PORT=$(cat "$WORK/$1/port")
  PG_URL="postgresql://dangol:$PG_PASSWORD@127.0.0.1:$PG_PORT/dangol"
}

pg_stop_all() {
  [ -f "$WORK/pg.started" ] || return 0
  for name in $(cat "$WORK/pg.started"); do pg_use "$name"; pg_stop; done
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ] &&
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1
  return 0
}

# pg_psql SQL [DATABASE]: runs SQL in the database (default dangol), unaligned, tuples only.
pg_psql() {
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U dangol \
    -d "${2:-dangol}" -v ON_ERROR_STOP=1 -c "$1"
}

# pg_newdb NAME: creates the database NAME (dropping one of that name first) and prints its URL.
pg_newdb() {
  pg_psql "DROP DATABASE IF EXISTS $1" > /dev/null 2>&1 && pg_psql "CREATE DATABASE $1" > /dev/null &&
    echo "postgresql://dangol:$PG_PASSWORD@127.0.0.1:$PG_PORT/$1"
}

# pg_demo_stores DB...: the 300-customer demo's CSV (made once, in $WORK/csv) imported into each
# DB (a SQLite path or a PostgreSQL URL), every entity the demo writes; a failed import fails the
# test (lib.sh's fail).
pg_demo_stores() {
  [ -d "$WORK/csv" ] || "$D" -q demo --customers 300 --no-store --csv "$WORK/csv" > /dev/null
  for db in "$@"; do
    "$D" --db "$db" -q init --currency KRW
    for e in staff customers products orders order_lines feedback surveys interactions referrals \
             partner_activities marketing_spend mot_visits mot_ratings; do
      [ -f "$WORK/csv/$e.csv" ] || continue
      out=$("$D" --db "$db" -q import "$e" "$WORK/csv/$e.csv" 2>&1) || fail "import $e into $db" "$out"
    done
  done
}

# pg_empty_shop: the preamble of a test against one server: starts it (stopped, and $WORK removed,
# on exit), or fails the test and ends it when it cannot; S is a SQLite store's path and P the
# PostgreSQL database "shop", both empty. pg_shop: the same with the demo imported into both
# (pg_demo_stores). psql_shop SQL runs SQL in "shop".
pg_empty_shop() {
  trap 'pg_stop; rm -rf "$WORK"' EXIT
  if ! pg_start; then
    fail "PostgreSQL server starts (make deps installs postgresql-15)"
    exit 0
  fi
  S="$WORK/shop.db"
  P=$(pg_newdb shop)
}
pg_shop() {
  pg_empty_shop
  pg_demo_stores "$S" "$P"
}
psql_shop() { pg_psql "$1" shop; }

# pg_codes_named: stdin to stdout with each coupon code (11 symbols of the code alphabet) named
# CODE1, CODE2, ... in order of first appearance, so that two stores' answers, whose random codes
# differ, compare byte for byte.
pg_codes_named() {
  python3 -c 'import re, sys; m = {}; sys.stdout.write(re.sub(r"\b[2-9A-HJKMNP-Z]{11}\b", lambda x: m.setdefault(x.group(0), "CODE%d" % (len(m) + 1)), sys.stdin.read()))'
}

# cluster_clv_sql NAME P1 P2 P3 P4: the statement NAME of $ROOT/src/store/cluster_clv.c as
# `dangol clv` sends it (its macros expanded by the preprocessor), with P1..P4 for $1..$4 (the
# first second after the orders read, the calibration's end, the slot's days, the holdout's end).
cluster_clv_sql() {
  cc -E -P -I"$ROOT/include" -I"$ROOT/src" $(pkg-config --cflags libpq 2>/dev/null) "$ROOT/src/store/cluster_clv.c" |
    tr '\n' ' ' | sed -n "s/.*const char $1\[\] = \([^;]*\);.*/\1/p" | sed 's/" *"//g; s/^ *"//; s/" *$//' |
    sed "s/\\\$1/$2/g; s/\\\$2/$3/g; s/\\\$3/$4/g; s/\\\$4/$5/g"
}

# pg_three_stores DEMO-OPTIONS...: one demo business (`dangol demo` with DEMO-OPTIONS, the same
# rows in each) in three stores to compare their answers: S a SQLite file, P a database of a
# single PostgreSQL server and C a 1 + 3 cluster (the coordinator coord and the workers w1, w2,
# w3, four servers), laid out by `cluster init` once the demo is in. Returns 1 with a message
# when a server does not start or a step fails.
pg_three_stores() {
  for name in coord w1 w2 w3; do pg_start "$name" || return 1; done
  workers=""
  for w in w1 w2 w3; do pg_use "$w"; workers="$workers --worker $(pg_newdb part)"; done
  pg_use coord
  P=$(pg_newdb shop) C=$(pg_newdb coord) S="$WORK/shop.db"
  demos=""
  for db in "$S" "$P" "$C"; do "$D" --db "$db" -q demo "$@" & demos="$demos $!"; done
  for pid in $demos; do wait "$pid" || { echo "pg_three_stores: a demo failed" >&2; return 1; }; done
  "$D" --db "$C" -q cluster init $workers > /dev/null || return 1
}
