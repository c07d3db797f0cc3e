# The frame snapshot under concurrency (docs/snapshot.md, "Never stale"): writer processes (CLI
# imports and the API's creates) are released together with reader processes that rebuild and
# save the snapshot while the writes land. Afterwards the next command must see every write (the
# count of lost orders is 0) and a snapshot that says it is current must answer what a rebuild
# from the rows answers: a save whose generation moved on while the frame was read is refused.
# Nothing here asserts on timing: the barrier only makes the overlap likely, every check is on
# the final answers, so a run where the processes happen not to overlap still passes honestly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
D="$DANGOL"
S="$WORK/race.db"
"$D" -q demo --no-store --customers 300 --no-lines --csv "$WORK/csv"
"$D" -q --db "$S" init
"$D" -q --db "$S" import staff "$WORK/csv/staff.csv"
"$D" -q --db "$S" import customers "$WORK/csv/customers.csv"
"$D" -q --db "$S" import orders "$WORK/csv/orders.csv"
"$D" --db "$S" --format csv rfm > /dev/null   # a current snapshot to start from

IMPORTERS=4 POSTERS=3 READERS=4 PER_WRITER=6 ROUNDS=3
customers=$(tail -n +2 "$WORK/csv/customers.csv" | cut -d, -f1 | head -$PER_WRITER)
header=$(head -1 "$WORK/csv/orders.csv")

# orders_csv ROUND WRITER: PER_WRITER orders of channel race_imp<WRITER>, ids unique per round
orders_csv() {
  echo "$header"
  j=0
  for c in $customers; do
    j=$((j + 1))
    echo "R$1-I$2-$j,$c,2025-06-0${j}T10:00:00Z,race_imp$2,cash,false,,,1,$((1000 * j))"
  done
}

barrier() { until [ -e "$WORK/go.$1" ]; do sleep 0.01; done; }

importer() {   # importer ROUND WRITER
  barrier "$1"
  "$D" -q --db "$S" import orders "$WORK/imp.$1.$2.csv" > "$WORK/imp.$1.$2.out" 2>&1
  echo $? > "$WORK/imp.$1.$2.rc"
}

poster() {     # poster ROUND WRITER: one POST per customer, each status on its own line
  barrier "$1"
  j=0
  for c in $customers; do
    j=$((j + 1))
    curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
      --data-binary "{\"order_id\":\"R$1-A$2-$j\",\"ordered_at\":\"2025-06-0${j}T11:00:00Z\",\"channel\":\"race_api$2\",\"total\":$((2000 * j))}" \
      "$URL/api/customers/$c/orders" >> "$WORK/api.$1.$2.status"
  done
}

reader() {     # reader ROUND: reports that rebuild and save the snapshot while writes land
  barrier "$1"
  for _ in 1 2 3; do
    "$D" --db "$S" --format csv rfm > /dev/null 2>&1 || echo "rfm failed" >> "$WORK/reader.err"
    "$D" --db "$S" --format csv cube --rows channel > /dev/null 2>&1 || echo "cube failed" >> "$WORK/reader.err"
  done
}

start_server --db "$S" --no-web || exit 0
: > "$WORK/reader.err"
for round in $(seq 1 $ROUNDS); do
  pids=""
  for i in $(seq 1 $IMPORTERS); do
    orders_csv "$round" "$i" > "$WORK/imp.$round.$i.csv"
    importer "$round" "$i" & pids="$pids $!"
  done
  for a in $(seq 1 $POSTERS); do poster "$round" "$a" & pids="$pids $!"; done
  for r in $(seq 1 $READERS); do reader "$round" & pids="$pids $!"; done
  touch "$WORK/go.$round"
  for p in $pids; do wait "$p"; done
done
stop_server

bad=0
for f in "$WORK"/imp.*.rc; do [ "$(cat "$f")" = 0 ] || bad=$((bad + 1)); done
[ $bad -eq 0 ] && pass "every import under contention succeeded ($((ROUNDS * IMPORTERS)) imports)" \
  || fail "$bad imports failed under contention" "$(cat "$WORK"/imp.*.out)"
not_created=$(cat "$WORK"/api.*.status | grep -cv '^201$')
[ "$not_created" -eq 0 ] && pass "every API create under contention answered 201 ($((ROUNDS * POSTERS * PER_WRITER)) creates)" \
  || fail "$not_created API creates did not answer 201" "$(sort "$WORK"/api.*.status | uniq -c)"
[ ! -s "$WORK/reader.err" ] && pass "every reader answered while the writes landed" \
  || fail "readers failed" "$(head "$WORK/reader.err")"

# The very next command: from the snapshot if one was saved current, else rebuilt. Every order
# written above must be in it.
"$D" --db "$S" --format csv stats --snapshot > "$WORK/state.before"
"$D" --db "$S" --format csv cube --rows channel --measure orders > "$WORK/seen"
lost=0
for kind in imp:$IMPORTERS api:$POSTERS; do
  for w in $(seq 1 "${kind#*:}"); do
    seen=$(grep "^race_${kind%%:*}$w," "$WORK/seen" | cut -d, -f2)
    lost=$((lost + ROUNDS * PER_WRITER - ${seen:-0}))
  done
done
[ $lost -eq 0 ] && pass "the next command sees every write: 0 of $((ROUNDS * (IMPORTERS + POSTERS) * PER_WRITER)) lost" \
  || fail "the next command lost $lost writes" "$(cat "$WORK/state.before" "$WORK/seen")"
expect_output "the snapshot is current after the next command" "^orders,current," \
  "$D" --db "$S" --format csv stats --snapshot

# The saved snapshot answers what the rows answer: a copy forced to rebuild gives the same.
report() { "$D" --db "$1" --format csv rfm 2>/dev/null && "$D" --db "$1" --format csv cube --rows month --cols channel; }
report "$S" > "$WORK/from.snapshot"
sqlite3 "$S" ".backup '$WORK/rebuilt.db'"
sqlite3 "$WORK/rebuilt.db" "UPDATE frame_snapshot_state SET dirty = 1"
report "$WORK/rebuilt.db" > "$WORK/from.rows"
expect_same "the snapshot saved under contention equals a rebuild from the rows" \
  "$WORK/from.rows" "$WORK/from.snapshot"
expect_output "the store is intact" "^ok$" sqlite3 "$S" "PRAGMA integrity_check"
