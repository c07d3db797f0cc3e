# The frame snapshot (docs/snapshot.md), through the real binary: import -> report -> import more
# -> the report reflects it; a write through the API is seen by the next command; a damaged
# snapshot is rebuilt and answers the same; an appending import and the API's updates keep it
# current, and the CLI and the server answer what a rebuild answers; a store nobody may write is
# still read. (Kills at
# exact points: tests/unit/test_snapshot_points.c; concurrency: test_snapshot_race.sh.)
# Reports are compared with the same report on a fresh store that never had a snapshot.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
. "$(dirname "$0")/snapshot_answers.sh"
D="$DANGOL"
"$D" -q demo --no-store --customers 1500 --no-lines --csv "$WORK/csv"

# the orders in two halves, the second dated after the first, so the second changes the report
ORD="$WORK/csv/orders.csv"
head -1 "$ORD" > "$WORK/first.csv"; head -1 "$ORD" > "$WORK/second.csv"
n=$(($(wc -l < "$ORD") - 1))
tail -n +2 "$ORD" | sort -t, -k3,3 | head -n $((n / 2)) >> "$WORK/first.csv"
tail -n +2 "$ORD" | sort -t, -k3,3 | tail -n +$((n / 2 + 1)) >> "$WORK/second.csv"

fresh() {   # fresh NAME FILES...: a new store holding the customers and these orders
  db="$WORK/$1.db"; shift
  "$D" -q --db "$db" init
  "$D" -q --db "$db" import staff "$WORK/csv/staff.csv"
  "$D" -q --db "$db" import customers "$WORK/csv/customers.csv"
  for f in "$@"; do "$D" -q --db "$db" import orders "$f"; done
}
report() { "$D" --db "$1" --format csv rfm && "$D" --db "$1" --format csv cube --rows month --cols channel; }

fresh half "$WORK/first.csv"
fresh whole "$WORK/first.csv" "$WORK/second.csv"
report "$WORK/whole.db" > "$WORK/whole.expected"
cp "$WORK/half.db" "$WORK/plain.db"

S="$WORK/half.db"
expect_output "a new store has no snapshot" "snapshot none" "$D" --db "$S" stats
report "$S" > "$WORK/half.1"
expect_output "the first report saves the snapshot" "^orders,current," \
  "$D" --db "$S" --format csv stats --snapshot
expect_output "stats says it is current" "snapshot current, [0-9.]+ MB" "$D" --db "$S" stats
report "$S" > "$WORK/half.2"
expect_same "a report from the snapshot equals the rebuilt one" "$WORK/half.1" "$WORK/half.2"
"$D" -q --db "$S" import orders "$WORK/second.csv"
expect_output "an import marks it out of date" "^orders,out of date," \
  "$D" --db "$S" --format csv stats --snapshot
report "$S" > "$WORK/half.3"
expect_same "after import more, the report reflects it (equals a fresh store's)" \
  "$WORK/whole.expected" "$WORK/half.3"
report "$S" > "$WORK/half.4"
expect_same "... and again from the new snapshot" "$WORK/whole.expected" "$WORK/half.4"

# --- a damaged snapshot is rebuilt ---
sqlite3 "$S" "UPDATE frame_snapshot SET data = randomblob(length(data)) WHERE chunk = 0"
report "$S" > "$WORK/damaged"
expect_same "a snapshot with a bad checksum is rebuilt, the answer the same" \
  "$WORK/whole.expected" "$WORK/damaged"
sqlite3 "$S" "UPDATE frame_snapshot_header SET format = format + 100"
expect_output "a snapshot of another format is not current" "^orders,out of date," \
  "$D" --db "$S" --format csv stats --snapshot
report "$S" > "$WORK/format"
expect_same "a snapshot of another format is rebuilt, the answer the same" \
  "$WORK/whole.expected" "$WORK/format"
expect_output "... and saved again" "^orders,current," "$D" --db "$S" --format csv stats --snapshot

# --- writes through the API (a create, a patch) are seen by the next command ---
if start_server --db "$S" --no-web; then
  cust=$(sed -n 2p "$WORK/csv/customers.csv" | cut -d, -f1)
  expect_status "/api/stats answers" 200 GET /api/stats
  expect_json "/api/stats says the snapshot is current, its size and generation (as dangol stats)" \
    "j['snapshot']['state'] == 'current' and j['snapshot']['bytes'] > 0 and not j['snapshot']['dirty'] and any(x['snapshot'] == 'orders' and x['state'] == 'current' and x['generation'] == j['snapshot']['generation'] and x['bytes'] > 0 for x in j['snapshot']['snapshots'])"
  gen=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['snapshot']['generation'])")
  expect_status "the API creates an order" 201 POST "/api/customers/$cust/orders" \
    '{"order_id":"SNAP-1","ordered_at":"2025-12-31T12:00:00Z","channel":"snapchannel","total":1234567}'
  expect_output "the API's create of an order (its id after every order's) leaves the snapshot current" \
    "^orders,current," "$D" --db "$S" --format csv stats --snapshot
  expect_status "/api/stats after the create" 200 GET /api/stats
  expect_json "/api/stats says it is current after the API's create, with a segment appended" \
    "j['snapshot']['state'] == 'current' and not j['snapshot']['dirty'] and j['snapshot']['generation'] > $gen and any(x['appended_bytes'] > 0 for x in j['snapshot']['snapshots'])"
  expect_output "the next command sees the API's order" "snapchannel" \
    "$D" --db "$S" --format csv cube --rows channel
  expect_output "... saved in the snapshot" "^orders,current," \
    "$D" --db "$S" --format csv stats --snapshot
  expect_status "the API patches a customer" 200 PATCH "/api/customers/$cust" '{"region":"Snapregion"}'
  expect_output "the next command sees the API's patch" "Snapregion" \
    "$D" --db "$S" --format csv cube --rows region
  stop_server
fi

# --- a demo store's snapshot: out of date after the demo, current after the first report ---
# (SIGKILL at every write point of a rebuild and save is tests/unit/test_snapshot_points.c: it
# stops the process at exact I/O calls, which a script cannot do without timing.)
B="$WORK/big.db"
"$D" -q --db "$B" demo --customers 2000 --no-lines
expect_output "a demo marks the snapshot out of date" "changed since the last snapshot" \
  "$D" --db "$B" stats --snapshot
"$D" --db "$B" --format csv rfm > "$WORK/big.expected"
expect_output "the snapshot is current after a report" "^orders,current," \
  "$D" --db "$B" --format csv stats --snapshot
"$D" --db "$B" --format csv rfm > "$WORK/big.again"
expect_same "the demo store's report from its snapshot equals the rebuilt one" \
  "$WORK/big.expected" "$WORK/big.again"

# --- appending (docs/snapshot.md, "Appending"): orders whose ids sort after every existing one,
# for customers the store has, are appended as a delta segment by the import; the snapshot stays
# current and the next report merges it; a damaged segment is rebuilt ---
{ head -1 "$ORD"; tail -n +2 "$WORK/first.csv" | head -12 | sed 's/^/Z/'; } > "$WORK/again.csv"
{ head -1 "$ORD"; tail -n +302 "$WORK/first.csv" | head -8 | sed 's/^/ZZ/'; } > "$WORK/again2.csv"
fresh appended "$WORK/first.csv" "$WORK/again.csv"
report "$WORK/appended.db" > "$WORK/appended.expected"
fresh appended2 "$WORK/first.csv" "$WORK/again.csv" "$WORK/again2.csv"
report "$WORK/appended2.db" > "$WORK/appended2.expected"
A="$WORK/append.db"
cp "$WORK/plain.db" "$A"
report "$A" > /dev/null
"$D" -q --db "$A" import orders "$WORK/again.csv"
expect_output "an import that only adds orders leaves the snapshot current" "^orders,current," \
  "$D" --db "$A" --format csv stats --snapshot
expect_output "... with one delta segment" "^1\$" sqlite3 "$A" "SELECT count(*) FROM frame_snapshot_delta"
report "$A" > "$WORK/append.1"
expect_same "the report merging it equals a fresh store's" "$WORK/appended.expected" "$WORK/append.1"
report "$A" > "$WORK/append.2"
expect_same "... and again" "$WORK/appended.expected" "$WORK/append.2"
"$D" -q --db "$A" import orders "$WORK/again2.csv"
expect_output "a second import appends a second segment" "^2\$" \
  sqlite3 "$A" "SELECT count(*) FROM frame_snapshot_delta"
sqlite3 "$A" "UPDATE frame_snapshot_delta SET data = randomblob(length(data)) WHERE generation = (SELECT max(generation) FROM frame_snapshot_delta)"
report "$A" > "$WORK/append.3"
expect_same "a damaged segment is rebuilt, the answer the same" "$WORK/appended2.expected" \
  "$WORK/append.3"
expect_output "... the segments dropped by the rebuild's save" "^0\$" \
  sqlite3 "$A" "SELECT count(*) FROM frame_snapshot_delta"
if start_server --db "$A" --no-web; then   # an appending import while serving is picked up
  expect_status "/api/rfm before the import" 200 GET /api/rfm
  { head -1 "$ORD"; tail -n +402 "$WORK/first.csv" | head -8 | sed 's/^/ZZZ/'; } > "$WORK/again3.csv"
  "$D" -q --db "$A" import orders "$WORK/again3.csv"
  expect_status "/api/stats after an appending import" 200 GET /api/stats
  expect_json "... says the snapshot is current, with appended bytes" \
    "j['snapshot']['state'] == 'current' and any(x['appended_bytes'] > 0 for x in j['snapshot']['snapshots'])"
  for view in "" "?view=customers&limit=1000"; do   # the API pages customers: its first 1000
    curl -s "$URL/api/rfm$view" > "$WORK/served.json"
    "$D" --db "$A" --format json rfm ${view:+--customers} > "$WORK/cli.json" 2> /dev/null
    if python3 -c "
import json, sys
api, cli = json.load(open('$WORK/served.json')), json.load(open('$WORK/cli.json'))
cli = cli[0] if isinstance(cli, list) else cli
sys.exit(0 if 'rows' in api and api['rows'] == cli['rows'][:len(api['rows'])] and api['rows'] else 1)"; then
      pass "the server's rfm$view after the appending import equals the CLI's"
    else
      fail "the server's rfm$view after the appending import differs from the CLI's" \
        "$(head -c 300 "$WORK/served.json")"
    fi
  done
  stop_server
fi
"$D" -q --db "$A" import orders "$WORK/again.csv"
expect_output "an import that updates orders leaves it out of date" "^orders,out of date," \
  "$D" --db "$A" --format csv stats --snapshot

# --- updating (docs/snapshot.md, "Updating"): the API's PATCH of a customer leaves an update
# segment in its own transaction; the server applies it to the frame it holds, the CLI to the
# snapshot's frame, and both answer what a copy rebuilt from its rows answers; 20 PATCHes at
# once (of 20 customers, then of one) all land and the frame right after is the rows' ---
U="$WORK/update.db"
cp "$WORK/plain.db" "$U"
report "$U" > /dev/null
rebuilt() {   # rebuilt NAME DB: a copy of DB without its snapshot (the next command reads the rows)
  cp "$2" "$WORK/$1.db"
  sqlite3 "$WORK/$1.db" "DELETE FROM frame_snapshot_delta; DELETE FROM frame_snapshot; DELETE FROM frame_snapshot_header; UPDATE frame_snapshot_state SET dirty = 1"
  echo "$WORK/$1.db"
}
if start_server --db "$U" --no-web; then
  served "$WORK/u0.served"   # the server holds the frame
  cust=$(sqlite3 "$U" "SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1 OFFSET 300")
  first() { sqlite3 "$U" "SELECT $1 FROM customers WHERE $1 IS NOT NULL ORDER BY customer_id LIMIT 1"; }
  expect_status "the API patches a customer's region, gender and birth year" 200 PATCH \
    "/api/customers/$cust" "{\"region\":\"$(first region)\",\"gender\":\"$(first gender)\",\"birth_year\":1901}"
  expect_output "the PATCH leaves the snapshot current" "^orders,current," \
    "$D" --db "$U" --format csv stats --snapshot
  expect_output "... with an update segment" "^1\$" \
    sqlite3 "$U" "SELECT count(*) FROM frame_snapshot_delta"
  served "$WORK/u1.served"
  expect_output "the server applied it to its frame (no rebuild, so no save dropped it)" "^1\$" \
    sqlite3 "$U" "SELECT count(*) FROM frame_snapshot_delta"
  cmp -s "$WORK/u0.served" "$WORK/u1.served" && fail "the server's next answers show the patch" \
    || pass "the server's next answers show the patch"
  same_as_rebuilt u1 "after a PATCH" "$U"
fi
if start_server --db "$U" --no-web; then
  served "$WORK/u2.before"
  : > "$WORK/statuses"; pids=""
  for i in $(seq 2 21); do   # 20 customers at once
    c=$(sed -n "${i}p" "$WORK/csv/customers.csv" | cut -d, -f1)
    curl -s -o /dev/null -w '%{http_code}\n' -X PATCH -H 'Content-Type: application/json' \
      --data-binary "{\"birth_year\":$((1940 + i))}" "$URL/api/customers/$c" >> "$WORK/statuses" &
    pids="$pids $!"
  done
  wait $pids   # not the server
  expect_output "20 PATCHes of 20 customers at once all land" "^20\$" grep -c '^200$' "$WORK/statuses"
  expect_output "... and the snapshot is current" "^orders,current," \
    "$D" --db "$U" --format csv stats --snapshot
  same_as_rebuilt u2 "after 20 PATCHes of 20 customers" "$U"
  expect_output "... applied, not rebuilt: 21 segments" "^21\$" \
    sqlite3 "$U" "SELECT count(*) FROM frame_snapshot_delta"
fi
if start_server --db "$U" --no-web; then
  served "$WORK/u3.before"
  : > "$WORK/statuses"; pids=""
  for i in $(seq 1 20); do   # one customer 20 times at once: merged one after another
    curl -s -o /dev/null -w '%{http_code}\n' -X PATCH -H 'Content-Type: application/json' \
      --data-binary "{\"birth_year\":$((1970 + i))}" "$URL/api/customers/$cust" >> "$WORK/statuses" &
    pids="$pids $!"
  done
  wait $pids
  expect_output "20 PATCHes of one customer at once all land (no version to conflict on)" "^20\$" \
    grep -c '^200$' "$WORK/statuses"
  expect_output "... the customer holds one of them" "^19(7[1-9]|8[0-9]|90)\$" \
    sqlite3 "$U" "SELECT birth_year FROM customers WHERE customer_id = '$cust'"
  same_as_rebuilt u3 "after 20 PATCHes of one customer" "$U"
  expect_output "... and the snapshot is current (or compacted: this base is small)" "^orders,current," \
    "$D" --db "$U" --format csv stats --snapshot
fi

# --- what the writer refuses, and what it no longer needs to (docs/snapshot.md, "Updating"): the
# first customer's region to a new value and a new channel (every code given again) leave a
# segment the server applies; an acquisition day after the store's last day leaves no segment and
# the snapshot out of date at once, so no reader reads the base snapshot first to find that out ---
segments() { sqlite3 "$U" "SELECT count(*) FROM frame_snapshot_delta"; }
if start_server --db "$U" --no-web; then
  served "$WORK/u4.before"
  early=$(sqlite3 "$U" "SELECT min(customer_id) FROM customers")
  had=$(segments)
  expect_status "the API gives the first customer a new region and channel" 200 PATCH \
    "/api/customers/$early" '{"region":"Brandnew","acquisition_channel":"kiosk"}'
  expect_output "... which leaves the snapshot current" "^orders,current," \
    "$D" --db "$U" --format csv stats --snapshot
  expect_output "... with one more segment" "^$((had + 1))\$" segments
  served "$WORK/u4.after"
  expect_output "... which the server applied (no rebuild, so no save dropped it)" \
    "^$((had + 1))\$" segments
  same_as_rebuilt u4 "after the first customer's new region" "$U"
fi
# --- a return and a piece of feedback (docs/snapshot.md, "Returns and feedback"): a return writes
# the return, the points and the coupon reversed, none of which the frame reads (every order stays
# in it), so the snapshot stays current with no segment; feedback through the API leaves a
# feedback segment the server applies; the answers after each are a rebuild's ---
if start_server --db "$U" --no-web; then
  had=$(segments)
  gone=$(sqlite3 "$U" "SELECT order_id FROM orders ORDER BY order_id LIMIT 1 OFFSET 7")
  expect_status "the API returns an order" 201 POST "/api/orders/$gone/return" '{"reason":"snapshot"}'
  expect_output "... which leaves the snapshot current" "^orders,current," \
    "$D" --db "$U" --format csv stats --snapshot
  expect_output "... with no segment" "^$had\$" segments
  same_as_rebuilt u6 "after a return" "$U"
fi
if start_server --db "$U" --no-web; then
  served "$WORK/u7.before"
  had=$(segments)
  fc=$(sqlite3 "$U" "SELECT customer_id FROM orders ORDER BY customer_id LIMIT 1 OFFSET 40")
  fch=$(sqlite3 "$U" "SELECT channel FROM orders WHERE channel IS NOT NULL LIMIT 1")
  at=$(date -u -d "@$(( $(sqlite3 "$U" "SELECT max(as_of) FROM frame_snapshot_header") * 86400 + 86399 ))" +%Y-%m-%dT%H:%M:%SZ)
  expect_status "the API records feedback on the last day" 201 POST "/api/customers/$fc/feedback" \
    "{\"feedback_id\":\"FB-SNAP-1\",\"received_at\":\"$at\",\"kind\":\"complaint\",\"channel\":\"$fch\",\"rating\":2}"
  expect_output "... which leaves the snapshot current" "^orders,current," \
    "$D" --db "$U" --format csv stats --snapshot
  expect_output "... with one more segment" "^$((had + 1))\$" segments
  served "$WORK/u7.after"
  expect_output "... which the server applied (no rebuild, so no save dropped it)" \
    "^$((had + 1))\$" segments
  same_as_rebuilt u7 "after feedback" "$U"
  expect_output "... and a CLI return leaves it current too" "^orders,current," sh -c \
    "'$D' -q --db '$U' order return '$(sqlite3 "$U" "SELECT order_id FROM orders ORDER BY order_id LIMIT 1 OFFSET 8")' && '$D' --db '$U' --format csv stats --snapshot"
fi
# 20 clients post feedback at once (each its own customer, on the snapshot's last day): every one
# lands (201, 20 more rows), and the answers after are a rebuild's
if start_server --db "$U" --no-web; then
  sqlite3 "$U" "SELECT customer_id FROM customers ORDER BY customer_id LIMIT 20 OFFSET 60" |
    awk '{ print NR, $0 }' > "$WORK/fb.who"
  before=$(sqlite3 "$U" "SELECT count(*) FROM feedback")
  export URL at fch
  # shellcheck disable=SC2016 # expanded by the inner shell
  xargs -P 20 -L 1 sh -c 'curl -s -o /dev/null -w "%{http_code}\n" -X POST -H "Content-Type: application/json" \
    --data-binary "{\"feedback_id\":\"FB-RACE-$0\",\"received_at\":\"$at\",\"kind\":\"compliment\",\"channel\":\"$fch\",\"rating\":5}" \
    "$URL/api/customers/$1/feedback"' < "$WORK/fb.who" > "$WORK/fb.codes"
  [ "$(grep -c '^201$' "$WORK/fb.codes")" = 20 ] && pass "20 feedbacks posted at once: 20 answered 201" ||
    fail "20 feedbacks posted at once: 20 answered 201" "$(sort "$WORK/fb.codes" | uniq -c)"
  expect_output "... and none lost" "^$((before + 20))\$" sqlite3 "$U" "SELECT count(*) FROM feedback"
  same_as_rebuilt u8 "after 20 feedbacks at once" "$U"
fi
if start_server --db "$U" --no-web; then
  served "$WORK/u5.before"
  had=$(segments)
  expect_status "the API moves a customer's acquisition past the last day" 200 PATCH \
    "/api/customers/$cust" '{"acquired_on":"2099-01-01"}'
  expect_output "... which leaves the snapshot out of date at once" \
    "changed since the last snapshot" "$D" --db "$U" stats --snapshot
  expect_output "... and writes no segment" "^$had\$" segments
  same_as_rebuilt u5 "after an acquisition past the last day" "$U"
fi

# --- a store nobody may write, with an out-of-date snapshot ---
run_as_unprivileged
if [ -n "$RUN" ]; then
  mkdir "$WORK/ro"
  cp "$WORK/plain.db" "$WORK/ro/s.db"
  "$D" -q --db "$WORK/ro/s.db" import orders "$WORK/second.csv"
  chmod 444 "$WORK/ro/s.db"
  chmod 555 "$WORK/ro"
  "$RUN" --db "$WORK/ro/s.db" --format csv rfm > "$WORK/ro.rfm"
  "$D" --db "$WORK/whole.db" --format csv rfm > "$WORK/whole.rfm"
  expect_same "a read-only store is read, its frame rebuilt in memory" "$WORK/whole.rfm" "$WORK/ro.rfm"
  expect_output "... and no snapshot saved in it" "^snapshot,state" \
    "$RUN" --db "$WORK/ro/s.db" --format csv stats --snapshot
  "$RUN" --db "$WORK/ro/s.db" --format csv stats --snapshot | grep -q current \
    && fail "a read-only store got a current snapshot" || pass "a read-only store's snapshot stays as it was"
  [ ! -e "$WORK/ro/s.db-wal" ] && [ ! -e "$WORK/ro/s.db-shm" ] && pass "read-only store: nothing created beside it" \
    || fail "read-only store: files created" "$(ls -l "$WORK/ro")"
  chmod 755 "$WORK/ro"
  chmod 700 "$WORK"
fi
