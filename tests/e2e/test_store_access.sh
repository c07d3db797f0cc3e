# A store dangol may not write, a store another process is writing, and an output that fills up:
# a read-only store (file 444 in a 555 directory) is read by every command that only reads and by
# `serve --read-only`; a command that writes says the store is read-only and names it; a second
# writer names the store and says another process holds it; a full disk names the file and the
# reason. Root ignores file modes, so as root the read-only part runs as the user nobody.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
D="$DANGOL"
"$D" -q --db "$WORK/src.db" demo --customers 40 --no-lines

# --- a read-only store ---
run_as_unprivileged
if [ -n "$RUN" ]; then
  mkdir "$WORK/ro"
  cp "$WORK/src.db" "$WORK/ro/s.db"
  chmod 444 "$WORK/ro/s.db"
  chmod 555 "$WORK/ro"
  RO="$WORK/ro/s.db"
  expect_ok     "read-only store: stats" "$RUN" --db "$RO" stats
  expect_output "read-only store: export of records without personal data" "^O" "$RUN" --db "$RO" export orders
  expect_exit   "read-only store: export of customers is refused (its audit entry cannot be written)" 4 \
    "$RUN" --db "$RO" export customers --reason test
  expect_output "... and says the store is read-only" "the store is read-only" \
    "$RUN" --db "$RO" export customers --reason test
  expect_ok     "read-only store: customer show" "$RUN" --db "$RO" customer show C00000001
  expect_ok     "read-only store: rfm" "$RUN" --db "$RO" rfm
  expect_ok     "read-only store: kpi" "$RUN" --db "$RO" kpi
  printf 'customer_id,name\nX-1,x\n' > "$WORK/x.csv"
  chmod 644 "$WORK/x.csv"
  expect_exit   "read-only store: import exits 4" 4 "$RUN" --db "$RO" import customers "$WORK/x.csv"
  expect_output "read-only store: import says so and names it" \
    "$RO: the store is read-only \\(no write permission on the file\\)" \
    "$RUN" --db "$RO" import customers "$WORK/x.csv"
  expect_output "read-only store: serve without --read-only says so" "$RO: the store is read-only" \
    "$RUN" --db "$RO" serve --port 0 --no-web
  DANGOL="$RUN"
  if start_server --db "$RO" --read-only --no-web; then
    expect_status "serve --read-only serves a read-only store" 200 GET /api/stats
    expect_json   "... its records" "[e['records'] for e in j['entities'] if e['entity'] == 'customers'] == [40]"
    stop_server
  fi
  DANGOL="$D"
  [ ! -e "$WORK/ro/s.db-wal" ] && [ ! -e "$WORK/ro/s.db-shm" ] && pass "read-only store: nothing created beside it" \
    || fail "read-only store: files created" "$(ls -l "$WORK/ro")"

  # A writable file in a read-only directory: read, and a write names the directory.
  chmod 755 "$WORK/ro"
  mkdir "$WORK/rodir"
  cp "$WORK/src.db" "$WORK/rodir/s.db"
  [ "$RUN" = "$D" ] || chown nobody "$WORK/rodir/s.db"
  chmod 555 "$WORK/rodir"
  expect_ok     "read-only directory: stats" "$RUN" --db "$WORK/rodir/s.db" stats
  expect_output "read-only directory: import names the directory" \
    "the store is read-only \\(no write permission on its directory $WORK/rodir" \
    "$RUN" --db "$WORK/rodir/s.db" import customers "$WORK/x.csv"
  chmod 755 "$WORK/rodir"
  chmod 700 "$WORK"
fi

# --- another process writing the store ---
export DANGOL_DB="$WORK/busy.db"
"$D" -q init
printf 'customer_id,name\nB-1,b\n' > "$WORK/b.csv"
(echo "BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('held', 'x');"; sleep 8; echo "ROLLBACK;") \
  | sqlite3 "$DANGOL_DB" & holder=$!
sleep 1
expect_output "a second writer names the store and the reason" \
  "$DANGOL_DB: another process is writing to the store .*try again when it has finished" \
  "$D" import customers "$WORK/b.csv"
wait "$holder"
expect_ok "the import runs once the other writer is done" "$D" -q import customers "$WORK/b.csv"

# --- a full disk: the message names the file and the reason ---
expect_exit   "export to a full stdout exits 4" 4 sh -c "\"$D\" export customers --reason test > /dev/full"
expect_output "export to a full stdout says so" "cannot write standard output: No space left on device" \
  sh -c "\"$D\" export customers --reason test > /dev/full"
if mknod "$WORK/full" c 1 7 2>/dev/null; then   # a /dev/full of our own: the test may not hurt the real one
  expect_output "export --output a full device names it" "cannot write $WORK/full: No space left on device" \
    "$D" export customers --reason test --output "$WORK/full"
  [ -c "$WORK/full" ] && pass "the device is still a device" || fail "export replaced the device" "$(ls -l "$WORK/full")"
else
  pass "export --output a full device: skipped (mknod not permitted)"
fi
