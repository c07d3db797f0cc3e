# The frame snapshot on a PostgreSQL store (docs/postgresql.md, "The frame snapshot"), against a
# real PostgreSQL 15 server (tests/e2e/pg.sh): a command saves the frame and the next one reads
# it; `stats --snapshot` reports it as on SQLite; a bad checksum, an unknown format and a kill -9
# mid-save cost a rebuild, never a wrong answer; and two importing processes and a `dangol serve`
# writing at once while others read never leave a stale answer: after every round the CLI and the
# server answer exactly what a SQLite store given the same writes one by one answers. Delta
# segments (docs/snapshot.md "Appending" and "Updating"): random stores given random appending
# imports and API writes answer, CLI and server, what a copy rebuilt from its rows answers; a
# writer killed -9 while it writes its segment leaves all or none of its write and no segment; a
# damaged segment costs a rebuild.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
. "$(dirname "$0")/server.sh"
. "$(dirname "$0")/snapshot_answers.sh"
D="$DANGOL"

pg_shop
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
tracked=$(psql_shop "SELECT string_agg(c.relname, ' ') FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname = 'frame_snapshot_mark' AND (c.relname LIKE 'points%' OR c.relname LIKE 'auth%' OR c.relname LIKE 'tier%' OR c.relname LIKE 'coupon%' OR c.relname LIKE 'ticket%' OR c.relname LIKE 'frame%' OR c.relname LIKE 'order\\_return%' OR c.relname = 'settings')")
[ -z "$untracked" ] && [ -z "$tracked" ] &&
  pass "every record table has the snapshot trigger, the points, auth, tier, coupon, ticket, return and settings tables none" ||
  fail "snapshot triggers: missing on '$untracked', present on '$tracked'"
"$D" --db "$P" -q points earn --customer "$(sed -n 2p "$WORK/csv/customers.csv" | cut -d, -f1)" \
  --points 5 --source manual --reason test > /dev/null 2>&1
[ "$(state "$P")" = "orders,current" ] && pass "a points earn leaves the snapshot current" ||
  fail "a points earn put the snapshot out of date"
# a return (schema 29): a store of schema 28, its return tables still marking (and its customers
# without schema 31's index, its allocations with schema 33's index and without schema 34's
# customer, its ticket events without it either), loses the triggers
psql_shop "CREATE TRIGGER frame_snapshot_mark BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON order_returns FOR EACH STATEMENT EXECUTE FUNCTION dg_frame_snapshot_mark(); DROP INDEX customers_acquired_on; CREATE INDEX points_allocations_lot ON points_allocations (lot_id); ALTER TABLE points_allocations DROP COLUMN customer_id; ALTER TABLE ticket_events DROP COLUMN customer_id; UPDATE schema_version SET version = 28" > /dev/null
"$D" --db "$P" -q order return "$(psql_shop "SELECT order_id FROM orders ORDER BY order_id LIMIT 1")" > /dev/null 2>&1
[ "$(psql_shop "SELECT count(*) FROM pg_trigger WHERE tgname = 'frame_snapshot_mark' AND tgrelid = 'order_returns'::regclass")" = 0 ] &&
  [ "$(psql_shop "SELECT version FROM schema_version")" -ge 29 ] &&
  [ "$(psql_shop "SELECT count(*) FROM order_returns")" = 1 ] &&
  pass "migration 29 drops the return tables' trigger" || fail "migration 29: the trigger stays"
"$D" --db "$P" --format csv rfm > /dev/null
"$D" --db "$P" -q order return "$(psql_shop "SELECT order_id FROM orders ORDER BY order_id LIMIT 1 OFFSET 1")" > /dev/null 2>&1
[ "$(state "$P")" = "orders,current" ] && [ "$(psql_shop "SELECT count(*) FROM order_returns")" = 2 ] &&
  pass "an order return leaves the snapshot current" ||
  fail "an order return put the snapshot out of date" "$(state "$P")"

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

# ---- delta segments (docs/snapshot.md, "Appending" and "Updating") ----
serve_pg() {   # serve_pg DB: a server on DB, stopped with PostgreSQL at the end
  start_server --db "$1" --no-web || return 1
  trap 'kill "$SERVER_PID" 2> /dev/null; pg_stop; rm -rf "$WORK"' EXIT
}
rebuilt() {   # rebuilt NAME DB: a copy of DB (its database the template), marked out of date
  pg_psql "DROP DATABASE IF EXISTS copy_$1" > /dev/null 2>&1
  for _ in 1 2 3 4 5 6 7 8 9 10; do   # a killed client's backend may still be leaving
    pg_psql "CREATE DATABASE copy_$1 TEMPLATE ${2##*/}" > /dev/null 2>&1 && break
    sleep 0.3
  done
  pg_psql "UPDATE frame_snapshot_state SET dirty = 1" "copy_$1" > /dev/null
  echo "${2%/*}/copy_$1"
}
segments() { pg_psql "SELECT count(*) FROM frame_snapshot_delta" "${1##*/}"; }
api() {   # api METHOD PATH BODY: the status of a write through the running server
  curl -s -o "$WORK/api.out" -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' \
    --data-binary "$3" "$URL$2"
}
rand() {   # rand N: R is 0..N-1, the next of a seeded sequence (the same every run)
  SEQ=$((SEQ + 1))
  R=$(awk -v s="$SEQ" -v n="$1" 'BEGIN { srand(s * 7919 + 17); print int(rand() * n) }')
}

# Random stores x random writes: each write is an appending import of orders (of known customers,
# dated on or before the last day, or after it), of new customers and then their orders, an API
# POST of an order, of a customer or of feedback, a PATCH or PUT of a customer (a known value or a
# new one), or an import that changes orders (not appending: out of date). After each the CLI answers what a
# rebuilt copy answers; after every store, the server too.
SEQ=0 rounds=0 wrong=0 kept=0 kinds="" feedback=0 feedback_kept=0
for store in "300 3 --no-lines" "500 5" "250 9 --no-lines"; do
  set -- $store
  Q=$(pg_newdb "prop$2")
  "$D" --db "$Q" -q demo --customers "$1" --seed "$2" ${3:-} > /dev/null 2>&1 ||
    fail "demo into PostgreSQL (seed $2)"
  "$D" --db "$Q" --format csv rfm > /dev/null 2>&1
  last=$(pg_psql "SELECT to_char(to_timestamp(max(ordered_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM orders" "prop$2")
  for w in 1 2 3 4 5 6 7 8 9; do
    rounds=$((rounds + 1))
    rand "$1"; c=$(pg_psql "SELECT customer_id FROM customers ORDER BY customer_id OFFSET $R LIMIT 1" "prop$2")
    rand 40; region=$(pg_psql "SELECT region FROM customers WHERE region IS NOT NULL ORDER BY customer_id OFFSET $R LIMIT 1" "prop$2")
    rand 3; [ "$R" = 0 ] && region="New$w$2"
    rand 3; gender=$(echo "F M X" | cut -d' ' -f$((R + 1)))
    rand 50; birth=$((1940 + R))
    rand 90000; total=$((1000 + R))
    day=$last
    rand 4; [ "$R" = 0 ] && day=$(date -u -d "$last + 1 day" +%F)
    rand 3; [ "$R" = 0 ] && rand 60 && day=$(date -u -d "$last - $R days" +%F)
    rand 5; n=$((R + 1))
    before=$(segments "$Q")
    rand 8; kind=$R
    case $kind in
      0) { echo "order_id,customer_id,ordered_at,total,channel"
           for i in $(seq 1 $n); do echo "Zo$2-$w-$i,$c,${day}T0$i:00:00Z,$((total + i)),store"; done
         } > "$WORK/w.csv"
         "$D" --db "$Q" -q import orders "$WORK/w.csv" || fail "appending import (store $2, write $w)" ;;
      1) { echo "customer_id,region,gender,birth_year,acquired_on"
           echo "Zc$2-$w,$region,$gender,$birth,$day"; } > "$WORK/c.csv"
         { echo "order_id,customer_id,ordered_at,total"; echo "Zp$2-$w,Zc$2-$w,${day}T12:00:00Z,4321"; } > "$WORK/w.csv"
         "$D" --db "$Q" -q import customers "$WORK/c.csv" && "$D" --db "$Q" -q import orders "$WORK/w.csv" ||
           fail "new customers and their orders (store $2, write $w)" ;;
      2|3|4|5|7)
         serve_pg "$Q" || continue
         case $kind in
           2) st=$(api POST "/api/customers/$c/orders" "{\"order_id\":\"Zs$2-$w\",\"ordered_at\":\"${day}T09:00:00Z\",\"total\":$total}") ;;
           3) st=$(api POST /api/customers "{\"customer_id\":\"Zn$2-$w\",\"region\":\"$region\",\"gender\":\"$gender\",\"acquired_on\":\"$day\"}") ;;
           4) st=$(api PATCH "/api/customers/$c" "{\"region\":\"$region\",\"gender\":\"$gender\",\"birth_year\":$birth}") ;;
           7) st=$(api POST "/api/customers/$c/feedback" "{\"feedback_id\":\"Zf$2-$w\",\"received_at\":\"${day}T23:59:5${n}Z\",\"kind\":\"complaint\",\"channel\":\"store\",\"rating\":$n}") ;;
           5) st=$(api PUT "/api/customers/$c" "{\"customer_id\":\"$c\",\"region\":\"$region\",\"gender\":\"$gender\",\"acquired_on\":\"$(pg_psql "SELECT to_char(date '1970-01-01' + acquired_on::int, 'YYYY-MM-DD') FROM customers WHERE customer_id = '$c'" "prop$2")\"}") ;;
         esac
         case $st in 200|201) ;; *) fail "API write $kind (store $2, write $w): $st" "$(cat "$WORK/api.out")" ;; esac
         stop_server ;;
      6) { echo "order_id,customer_id,ordered_at,total"
           pg_psql "SELECT order_id || ',' || customer_id || ',' || to_char(to_timestamp(ordered_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ',' || (total + 1) FROM orders ORDER BY order_id LIMIT 2" "prop$2"; } > "$WORK/w.csv"
         "$D" --db "$Q" -q import orders "$WORK/w.csv" || fail "updating import (store $2, write $w)" ;;
    esac
    [ "$(segments "$Q")" -gt "$before" ] && kept=$((kept + 1)) &&
      [ "$kind" = 7 ] && feedback_kept=$((feedback_kept + 1))
    [ "$kind" = 7 ] && feedback=$((feedback + 1))
    kinds="$kinds$kind"
    ref=$(rebuilt ref "$Q")
    cli "$Q" > "$WORK/p.cli" 2> /dev/null
    cli "$ref" > "$WORK/p.cli.expected" 2> /dev/null
    cmp -s "$WORK/p.cli" "$WORK/p.cli.expected" ||
      { wrong=$((wrong + 1)); echo "store $2 write $w kind $kind: $(diff "$WORK/p.cli.expected" "$WORK/p.cli" | head -4)" >> "$WORK/wrong"; }
  done
  serve_pg "$Q" && same_as_rebuilt "prop$2" "store $2 after its random writes" "$Q"
done
[ "$wrong" = 0 ] && [ "$kept" -ge $((rounds / 2)) ] &&
  pass "$rounds random writes into 3 random stores (kinds $kinds, $kept kept as a segment, $feedback_kept of $feedback pieces of feedback): every next CLI answer is a rebuild's" ||
  fail "random writes: $wrong of $rounds answers differ from a rebuild's, $kept kept as a segment" "$(cat "$WORK/wrong" 2> /dev/null)"

# An appending import leaves one segment and the snapshot current; the next command applies it.
Q=$(pg_newdb append)
pg_demo_stores "$Q"
"$D" --db "$Q" --format csv rfm > /dev/null 2>&1
last=$(pg_psql "SELECT to_char(to_timestamp(max(ordered_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM orders" append)
more() {   # more TAG: 3 orders of known customers, ids after every order's, on the last day
  { echo "order_id,customer_id,ordered_at,total"
    awk -F, -v t="$1" -v d="$last" 'NR > 1 && NR <= 4 { print "Z" t NR "," $1 "," d "T1" NR ":00:00Z," NR * 1000 }' "$WORK/csv/customers.csv"; } > "$WORK/$1.csv"
}
more a
"$D" --db "$Q" -q import orders "$WORK/a.csv"
[ "$(state "$Q")" = "orders,current" ] && [ "$(segments "$Q")" = 1 ] &&
  pass "an import that only adds orders leaves the snapshot current, with one segment" ||
  fail "appending import" "$(state "$Q"); $(segments "$Q") segments"
cli "$Q" > "$WORK/a.cli" 2> /dev/null
cli "$(rebuilt ref "$Q")" > "$WORK/a.expected" 2> /dev/null
expect_same "... and the next answers apply it: a rebuild's" "$WORK/a.expected" "$WORK/a.cli"

# A writer killed -9 while it writes its segment (held there by a lock on the segments' table,
# taken by another session): nothing of its write is in the store, no segment, the snapshot as it
# was, and the next answers are the rows'.
held() {   # held SECONDS: the segments' table locked against writers meanwhile (in the background)
  pg_psql "BEGIN; LOCK TABLE frame_snapshot_delta IN EXCLUSIVE MODE; SELECT pg_sleep($1); COMMIT" append > /dev/null &
  HOLDER=$!
  for _ in $(seq 1 50); do
    [ "$(pg_psql "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'frame_snapshot_delta' AND l.mode = 'ExclusiveLock' AND l.granted" append)" = 1 ] && break
    sleep 0.1
  done
}
waiting() {   # waiting: until a writer waits for the segments' table
  for _ in $(seq 1 100); do
    [ "$(pg_psql "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'frame_snapshot_delta' AND NOT l.granted" append)" -ge 1 ] && return 0
    sleep 0.1
  done
  return 1
}
killed_cleanly() {   # killed_cleanly WHAT CHECK-SQL: the store after the kill is as before it
  wait "$HOLDER"
  gen_after=$(pg_psql "SELECT generation || ',' || dirty FROM frame_snapshot_state" append)
  if [ "$reached" = 1 ] && [ "$(pg_psql "$2" append)" = 0 ] && [ "$(segments "$Q")" = 1 ] &&
     [ "$gen_after" = "$gen_before" ]; then
    pass "$1 killed -9 while writing its segment: none of its write, no segment, the snapshot as it was"
  else
    fail "$1 killed mid-segment" "reached $reached; state $gen_before -> $gen_after; $(segments "$Q") segments"
  fi
  cli "$Q" > "$WORK/k.cli" 2> /dev/null
  cli "$(rebuilt ref "$Q")" > "$WORK/k.expected" 2> /dev/null
  expect_same "... and the next answers are a rebuild's" "$WORK/k.expected" "$WORK/k.cli"
}
more b
gen_before=$(pg_psql "SELECT generation || ',' || dirty FROM frame_snapshot_state" append)
held 6
"$D" --db "$Q" -q import orders "$WORK/b.csv" > /dev/null 2>&1 &
writer=$!
waiting && reached=1 || reached=0
kill -9 "$writer"; wait "$writer" 2> /dev/null
killed_cleanly "an appending import" "SELECT count(*) FROM orders WHERE order_id LIKE 'Zb%'"
if serve_pg "$Q"; then
  c=$(sed -n 5p "$WORK/csv/customers.csv" | cut -d, -f1)
  gen_before=$(pg_psql "SELECT generation || ',' || dirty FROM frame_snapshot_state" append)
  held 6
  api PATCH "/api/customers/$c" '{"birth_year":1901}' > /dev/null &
  writer=$!
  waiting && reached=1 || reached=0
  kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2> /dev/null; wait "$writer" 2> /dev/null
  killed_cleanly "a server's PATCH" "SELECT count(*) FROM customers WHERE birth_year = 1901"
fi

# A damaged segment is never applied: the next command rebuilds, saves, and drops the segments.
d=0
for damage in "UPDATE frame_snapshot_delta SET checksum = checksum + 1" \
              "UPDATE frame_snapshot_delta SET data = overlay(data placing '\\x00000000'::bytea from 3)" \
              "UPDATE frame_snapshot_delta SET base = base - 1" \
              "DELETE FROM frame_snapshot_delta"; do
  d=$((d + 1))
  more "d$d"
  "$D" --db "$Q" -q import orders "$WORK/d$d.csv"
  n=$(segments "$Q")
  pg_psql "$damage" append > /dev/null
  cli "$Q" > "$WORK/d.cli" 2> /dev/null
  cli "$(rebuilt ref "$Q")" > "$WORK/d.expected" 2> /dev/null
  if [ "$n" -ge 1 ] && cmp -s "$WORK/d.expected" "$WORK/d.cli" && [ "$(segments "$Q")" = 0 ] &&
     [ "$(state "$Q")" = "orders,current" ]; then
    pass "$damage: rebuilt from the rows, saved, the segments dropped"
  else
    fail "damaged segment: $damage" "$n segments before, $(segments "$Q") after; $(state "$Q"); $(diff "$WORK/d.expected" "$WORK/d.cli" | head -4)"
  fi
done
