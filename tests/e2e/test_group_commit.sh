# Group commit of the points writes (src/server/write_queue.c): concurrent writes share one
# transaction, each in its own savepoint, and are answered after its commit. Mixed batches (burns
# that pass, shortfalls, bad amounts, reused keys, earns, all at once) leave exactly the answered
# writes in the store; so do coupon redemptions and order returns batched with burns (a raced
# single-use code and a raced order: exactly one 201 each; one key's retries: one write); a
# server killed with SIGKILL in the middle of a burst leaves every burn it answered in the
# store, whole and audited, and no half burn.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
GC="$(dirname "$0")/helpers/group_commit.py"

# serve_fresh: the server on a new store holding the helper's customers (GC00..GC09, GCPOOR)
serve_fresh() {
  rm -f "$DANGOL_DB" "$DANGOL_DB-wal" "$DANGOL_DB-shm"
  "$DANGOL" --quiet init >/dev/null 2>&1 || fail "a store for the group commit"
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executemany('INSERT INTO customers (customer_id) VALUES (?)', [('GC%02d' % i,) for i in range(10)] + [('GCPOOR',)]); c.commit()" "$DANGOL_DB"
  start_server --no-web --threads 2 || exit 0
}
# burst MODE ARGS...: the helper's MODE against the server, its pass/fail lines recorded
burst() {
  mode=$1
  shift
  python3 "$GC" "$mode" "$URL" "$DANGOL_DB" "$@" > "$WORK/$mode.out" 2>&1
  record_lines "$WORK/$mode.out"
  grep -q '^pass' "$WORK/$mode.out" || fail "the $mode burst ran" "$(cat "$WORK/$mode.out")"
}

serve_fresh
burst mixed 6 40
stop_server

# coupon redemptions and order returns batched with burns
serve_fresh
burst coupons 5 36
stop_server

# kill -9 mid-burst
serve_fresh
burst crash "$SERVER_PID" 32
wait "$SERVER_PID" 2>/dev/null
expect_output "the store opens after the crash and answers a balance" "^GC00,[0-9]+," \
  "$DANGOL" --quiet points --format csv balance GC00
expect_ok "the audit chain is whole after the crash" "$DANGOL" --quiet audit verify
