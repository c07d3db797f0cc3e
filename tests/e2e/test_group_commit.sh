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

"$DANGOL" --quiet init >/dev/null 2>&1 || fail "a store for the group commit"
customers() {   # the helper's customers: GC00..GC09 and GCPOOR
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executemany('INSERT INTO customers (customer_id) VALUES (?)', [('GC%02d' % i,) for i in range(10)] + [('GCPOOR',)]); c.commit()" "$DANGOL_DB"
}
customers

start_server --no-web --threads 2 || exit 0
python3 "$GC" mixed "$URL" "$DANGOL_DB" 6 40 > "$WORK/mixed.out" 2>&1
record_lines "$WORK/mixed.out"
grep -q '^pass' "$WORK/mixed.out" || fail "the mixed burst ran" "$(cat "$WORK/mixed.out")"
stop_server

# coupon redemptions and order returns batched with burns, on a fresh store
rm -f "$DANGOL_DB" "$DANGOL_DB-wal" "$DANGOL_DB-shm"
"$DANGOL" --quiet init >/dev/null 2>&1
customers
start_server --no-web --threads 2 || exit 0
python3 "$GC" coupons "$URL" "$DANGOL_DB" 5 36 > "$WORK/coupons.out" 2>&1
record_lines "$WORK/coupons.out"
grep -q '^pass' "$WORK/coupons.out" || fail "the coupon burst ran" "$(cat "$WORK/coupons.out")"
stop_server

# kill -9 mid-burst, on a fresh store
rm -f "$DANGOL_DB" "$DANGOL_DB-wal" "$DANGOL_DB-shm"
"$DANGOL" --quiet init >/dev/null 2>&1
customers
start_server --no-web --threads 2 || exit 0
python3 "$GC" crash "$URL" "$DANGOL_DB" "$SERVER_PID" 32 > "$WORK/crash.out" 2>&1
wait "$SERVER_PID" 2>/dev/null
record_lines "$WORK/crash.out"
grep -q '^pass' "$WORK/crash.out" || fail "the burst to kill ran" "$(cat "$WORK/crash.out")"
expect_output "the store opens after the crash and answers a balance" "^GC00,[0-9]+," \
  "$DANGOL" --quiet points --format csv balance GC00
expect_ok "the audit chain is whole after the crash" "$DANGOL" --quiet audit verify
