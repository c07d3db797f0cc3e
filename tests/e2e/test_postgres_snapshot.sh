# The frame snapshot on a PostgreSQL store (docs/postgresql.md, "The frame snapshot"), against a
# real PostgreSQL 15 server (tests/e2e/pg.sh): a command saves the frame and the next one reads
# it; `stats --snapshot` reports it as on SQLite; a bad checksum, an unknown format and a kill -9
# mid-save cost a rebuild, never a wrong answer; and two importing processes and a `dangol serve`
# writing at once while others read never leave a stale answer: after every round the CLI and the
# server answer exactly what a SQLite store given the same writes one by one answers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
. "$(dirname "$0")/server.sh"
D="$DANGOL"

trap 'pg_stop; rm -rf "$WORK"' EXIT
if ! pg_start; then
  fail "PostgreSQL server starts (make deps installs postgresql-15)"
  exit 0
fi
S="$WORK/shop.db"
P=$(pg_newdb shop)
pg_demo_stores "$S" "$P"
psql_shop() { pg_psql "$1" shop; }
state() { "$D" --db "$1" --format csv stats --snapshot | awk -F, 'NR > 1 { print $1 "," $2 }'; }

# ---- saved by one command, read by the next; stats --snapshot as on SQLite
expect_output "stats --snapshot before any analysis: none" "snapshot +state" "$D" --db "$P" stats --snapshot
"$D" --db "$P" --format csv rfm > "$WORK/rfm.pg" 2> /dev/null
"$D" --db "$S" --format csv rfm > "$WORK/rfm.sqlite" 2> /dev/null
expect_same "rfm: the same on both stores" "$WORK/rfm.sqlite" "$WORK/rfm.pg"
[ "$(psql_shop "SELECT variant || ' ' || chunks FROM frame_snapshot_header")" = "orders 1" ] &&
  pass "the first rfm saved the frame as one BYTEA chunk" ||
  fail "no snapshot saved" "$(psql_shop "SELECT * FROM frame_snapshot_header")"
[ "$(state "$P")" = "$(state "$S")" ] && [ "$(state "$P")" = "orders,current" ] &&
  pass "stats --snapshot: current, as on SQLite" || fail "stats --snapshot" "$(state "$P") / $(state "$S")"
"$D" --db "$P" --format csv stats --snapshot | cut -d, -f4- > "$WORK/snap.pg"
"$D" --db "$S" --format csv stats --snapshot | cut -d, -f4- > "$WORK/snap.sqlite"
expect_same "stats --snapshot: the same bytes, chunks and counts as SQLite's" "$WORK/snap.sqlite" "$WORK/snap.pg"
# The next command reads the snapshot, not the rows: an order deleted behind the trigger's back
# (which no dangol write path can do) does not show until the store is marked out of date.
gone=$(psql_shop "SELECT order_id FROM orders ORDER BY order_id DESC LIMIT 1")
psql_shop "ALTER TABLE orders DISABLE TRIGGER frame_snapshot_mark; ALTER TABLE order_lines DISABLE TRIGGER frame_snapshot_mark; DELETE FROM order_lines WHERE order_id = '$gone'; DELETE FROM orders WHERE order_id = '$gone'; ALTER TABLE orders ENABLE TRIGGER frame_snapshot_mark; ALTER TABLE order_lines ENABLE TRIGGER frame_snapshot_mark" > /dev/null
"$D" --db "$P" --format csv rfm > "$WORK/rfm2.pg" 2> /dev/null
expect_same "the second rfm is read from the snapshot" "$WORK/rfm.sqlite" "$WORK/rfm2.pg"
psql_shop "UPDATE frame_snapshot_state SET dirty = 1" > /dev/null
sqlite3 "$S" "DELETE FROM order_lines WHERE order_id = '$gone'; DELETE FROM orders WHERE order_id = '$gone'"
"$D" --db "$P" --format csv rfm > "$WORK/rfm.pg" 2> /dev/null
"$D" --db "$S" --format csv rfm > "$WORK/rfm.sqlite" 2> /dev/null
expect_same "once marked out of date, rebuilt from the rows" "$WORK/rfm.sqlite" "$WORK/rfm.pg"

# ---- a damaged or foreign snapshot costs a rebuild
for damage in "UPDATE frame_snapshot SET checksum = checksum + 1" \
              "UPDATE frame_snapshot SET data = overlay(data placing '\\x00000000'::bytea from 100)" \
              "DELETE FROM frame_snapshot" \
              "UPDATE frame_snapshot_header SET format = 999"; do
  psql_shop "$damage" > /dev/null
  "$D" --db "$P" --format csv rfm > "$WORK/rfm.pg" 2> /dev/null
  if cmp -s "$WORK/rfm.sqlite" "$WORK/rfm.pg" && [ "$(state "$P")" = "orders,current" ] &&
     [ "$(psql_shop "SELECT count(*) FROM frame_snapshot_header WHERE format <> 999")" = 1 ]; then
    pass "$damage: rebuilt from the rows and saved again"
  else
    fail "$damage" "$(diff "$WORK/rfm.sqlite" "$WORK/rfm.pg" | head -5; state "$P")"
  fi
done

# ---- kill -9 mid-save: the previous snapshot or none, never a torn one
psql_shop "UPDATE frame_snapshot_state SET dirty = 1" > /dev/null
torn=0
for delay in 0.01 0.03 0.05 0.08 0.12; do
  "$D" --db "$P" --format csv cube --rows channel --measure revenue > /dev/null 2>&1 &
  pid=$!
  sleep "$delay"; kill -9 "$pid" 2> /dev/null; wait "$pid" 2> /dev/null
  chunks=$(psql_shop "SELECT coalesce(sum(h.chunks), 0) = (SELECT count(*) FROM frame_snapshot) FROM frame_snapshot_header h")
  [ "$chunks" = t ] || torn=$((torn + 1))
  psql_shop "UPDATE frame_snapshot_state SET dirty = 1" > /dev/null
done
"$D" --db "$P" --format csv rfm > "$WORK/rfm.pg" 2> /dev/null
[ "$torn" = 0 ] && cmp -s "$WORK/rfm.sqlite" "$WORK/rfm.pg" &&
  pass "5 commands killed -9 while saving: no torn snapshot, the next answer is the rows'" ||
  fail "kill -9 mid-save: $torn torn" "$(diff "$WORK/rfm.sqlite" "$WORK/rfm.pg" | head -5)"

# ---- every record table has the trigger; the untracked ones none
untracked=$(psql_shop "SELECT string_agg(c.relname, ' ') FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = current_schema() AND c.relkind = 'r' AND c.relname IN ('customers', 'orders', 'order_lines', 'surveys', 'feedback', 'interactions', 'referrals', 'partner_activities') AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'frame_snapshot_mark')")
tracked=$(psql_shop "SELECT string_agg(c.relname, ' ') FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname = 'frame_snapshot_mark' AND (c.relname LIKE 'points%' OR c.relname LIKE 'auth%' OR c.relname LIKE 'tier%' OR c.relname LIKE 'coupon%' OR c.relname LIKE 'ticket%' OR c.relname LIKE 'frame%' OR c.relname = 'settings')")
[ -z "$untracked" ] && [ -z "$tracked" ] &&
  pass "every record table has the snapshot trigger, the points, auth, tier, coupon, ticket and settings tables none" ||
  fail "snapshot triggers: missing on '$untracked', present on '$tracked'"
"$D" --db "$P" -q points earn --customer "$(sed -n 2p "$WORK/csv/customers.csv" | cut -d, -f1)" \
  --points 5 --source manual --reason test > /dev/null 2>&1
[ "$(state "$P")" = "orders,current" ] && pass "a points earn leaves the snapshot current" ||
  fail "a points earn put the snapshot out of date"

# ---- writers at once: two imports and a server, readers meanwhile; never a stale answer
DANGOL_DB="$P" start_server --no-web
trap 'kill "$SERVER_PID" 2> /dev/null; pg_stop; rm -rf "$WORK"' EXIT
customers=$(awk -F, 'NR > 1 && NR <= 41 { print $1 }' "$WORK/csv/customers.csv")
rounds=6 stale=0 failed=0
for r in $(seq 1 $rounds); do
  for w in a b; do
    { echo "order_id,customer_id,ordered_at,total"
      i=0; for c in $customers; do i=$((i + 1)); [ $((i % 4)) = $((r % 4)) ] &&
        echo "Z$w$r-$i,$c,2025-12-$((10 + r))T$(printf %02d $((i % 24))):$(printf %02d $i):00Z,$((r * 1000 + i))"; done; } > "$WORK/$w$r.csv"
  done
  ( "$D" --db "$P" -q import orders "$WORK/a$r.csv" > "$WORK/a.err" 2>&1 || echo a >> "$WORK/failed" ) &
  pa=$!
  ( "$D" --db "$P" -q import orders "$WORK/b$r.csv" > "$WORK/b.err" 2>&1 || echo b >> "$WORK/failed" ) &
  pb=$!
  ( for c in $(echo "$customers" | head -3); do
      curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
        --data-binary "{\"order_id\":\"Zs$r-$c\",\"ordered_at\":\"2025-12-2${r}T09:00:00Z\",\"total\":$r$r}" \
        "$URL/api/customers/$c/orders"
    done > "$WORK/posts" ) &
  ps=$!
  for i in 1 2 3; do
    "$D" --db "$P" --format csv rfm > /dev/null 2>&1
    curl -s -o /dev/null "$URL/api/kpi"
  done
  wait "$pa" "$pb" "$ps"
  [ "$(grep -c 201 "$WORK/posts")" = 3 ] || failed=$((failed + 1))
  { echo "order_id,customer_id,ordered_at,total"
    for c in $(echo "$customers" | head -3); do echo "Zs$r-$c,$c,2025-12-2${r}T09:00:00Z,$r$r"; done; } > "$WORK/s$r.csv"
  for w in a b s; do "$D" --db "$S" -q import orders "$WORK/$w$r.csv"; done
  "$D" --db "$S" --format json kpi > "$WORK/kpi.sqlite" 2>&1
  "$D" --db "$P" --format json kpi > "$WORK/kpi.pg" 2>&1
  curl -s "$URL/api/kpi" > "$WORK/kpi.serve"
  cmp -s "$WORK/kpi.sqlite" "$WORK/kpi.pg" && cmp -s "$WORK/kpi.sqlite" "$WORK/kpi.serve" ||
    { stale=$((stale + 1)); diff "$WORK/kpi.sqlite" "$WORK/kpi.serve" | head -4 >> "$WORK/stale"; }
done
[ ! -f "$WORK/failed" ] && [ "$failed" = 0 ] && [ "$stale" = 0 ] &&
  pass "$rounds rounds of two imports and 3 server writes at once, read meanwhile: every next CLI and server answer is the rows'" ||
  fail "concurrent writers: $stale stale rounds, $failed failed posts, $(cat "$WORK/failed" 2>/dev/null)" "$(cat "$WORK/stale" "$WORK/a.err" "$WORK/b.err" 2>/dev/null | head -20)"
"$D" --db "$P" --format csv rfm > /dev/null 2>&1
state "$P" | grep -qx "orders,current" && pass "after the writers, the next command saves the snapshot again" ||
  fail "no current snapshot after the writers" "$(state "$P")"
stop_server
