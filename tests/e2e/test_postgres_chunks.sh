# The PostgreSQL import of a big file, written into its table in chunks while the next chunk is
# parsed (postgres_rows.c, docs/postgresql.md "Import"), against a real PostgreSQL 15 server
# (tests/e2e/pg.sh) and beside a SQLite store given the same files: two files repeating keys
# across chunks (the later row wins, as on SQLite), customers created on the fly in every chunk
# (written before their orders), and a bad row in a late chunk (SQLite's message and exit,
# nothing written, the chunks already merged rolled back). 300 k rows: more than two chunks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
D="$DANGOL"

pg_empty_shop
awk 'BEGIN { print "customer_id,name"; for (i = 0; i < 1000; i++) printf "C%04d,Customer %d\n", i, i }' \
  > "$WORK/customers.csv"
# orders.csv: 150 k orders; again.csv: 150 k more, its first 20 repeating the keys of
# orders.csv's first 20 with other totals (merged in a later chunk than the first ones)
awk -v from=0 -v n=150000 -v total=100 -f /dev/stdin > "$WORK/orders.csv" <<'AWK'
BEGIN { print "order_id,customer_id,ordered_at,total"
        for (i = 0; i < n; i++) printf "O%07d,C%04d,2024-%02d-%02d,%d\n", from + i, (from + i) * 7919 % 1000, 1 + i % 12, 1 + i % 28, total + i % 50 }
AWK
{ echo "order_id,customer_id,ordered_at,total"
  awk 'NR > 1 && NR <= 21 { sub(/,[0-9]+$/, ",99999"); print }' "$WORK/orders.csv"
  awk -v from=150000 -v n=149980 'BEGIN { for (i = 0; i < n; i++) printf "O%07d,C%04d,2024-03-%02d,%d\n", from + i, (from + i) % 1000, 1 + i % 28, 70 + i % 9 }'
} > "$WORK/again.csv"
for db in "$S" "$P"; do
  "$D" --db "$db" -q init --currency KRW
  "$D" --db "$db" -q import customers "$WORK/customers.csv"
done

# sums DB: the orders' count, total and repeated keys' totals, the customers' count
sums() {
  q="SELECT count(*) || '|' || sum(total) || '|' || (SELECT sum(total) FROM orders WHERE order_id < 'O0000020') || '|' || (SELECT count(*) FROM customers) FROM orders"
  case $1 in
    postgresql:*) pg_psql "$q" shop ;;
    *) sqlite3 "$1" "$q" ;;
  esac
}

for db in "$S" "$P"; do
  "$D" --db "$db" -q import orders "$WORK/orders.csv" "$WORK/again.csv" > "$WORK/two.out" 2>&1 ||
    fail "two files of 300 k orders import into $db" "$(cat "$WORK/two.out")"
done
sums "$S" > "$WORK/sums.sqlite"
sums "$P" > "$WORK/sums.pg"
expect_same "two files, keys repeated across chunks: the same orders and totals as SQLite" \
  "$WORK/sums.sqlite" "$WORK/sums.pg"
grep -q '^299980|[0-9]*|1999980|1000$' "$WORK/sums.pg" &&
  pass "the repeated keys hold the later file's totals (299,980 orders)" ||
  fail "repeated keys" "$(cat "$WORK/sums.pg")"

# customers created on the fly, one every 10 k orders: each written before the chunk of its
# orders (the references are checked as each chunk is written)
awk 'BEGIN { print "order_id,customer_id,ordered_at,total"
             for (i = 0; i < 300000; i++) printf "N%07d,%s,2024-05-01,10\n", i, i % 10000 == 9999 ? sprintf("NEW%02d", i / 10000) : sprintf("C%04d", i % 1000) }' \
  > "$WORK/created.csv"
for db in "$S" "$P"; do
  "$D" --db "$db" -q import orders --create-customers "$WORK/created.csv" > "$WORK/created.out" 2>&1 ||
    fail "300 k orders with --create-customers into $db" "$(cat "$WORK/created.out")"
done
sums "$S" > "$WORK/sums.sqlite"
sums "$P" > "$WORK/sums.pg"
expect_same "300 k orders creating 30 customers along the way: the same as SQLite" \
  "$WORK/sums.sqlite" "$WORK/sums.pg"

# a bad row in a late chunk: the importer's message (file:line:col) and exit, nothing written
awk 'BEGIN { print "order_id,customer_id,ordered_at,total"
             for (i = 0; i < 300000; i++) printf "B%07d,%s,2024-06-01,10\n", i, i == 280000 ? "C-unknown" : sprintf("C%04d", i % 1000) }' \
  > "$WORK/bad.csv"
before=$(sums "$P")
"$D" --db "$S" -q import orders "$WORK/bad.csv" > "$WORK/bad.sqlite" 2>&1; rs=$?
"$D" --db "$P" -q import orders "$WORK/bad.csv" > "$WORK/bad.pg" 2>&1; rp=$?
[ "$rs" = "$rp" ] && [ "$rp" != 0 ] && grep -q ':280002:' "$WORK/bad.pg" &&
  cmp -s "$WORK/bad.sqlite" "$WORK/bad.pg" && [ "$(sums "$P")" = "$before" ] &&
  [ "$(pg_psql "SELECT count(*) FROM orders WHERE order_id LIKE 'B%'" shop)" = 0 ] &&
  pass "a bad row at line 280,002: SQLite's message and exit $rp, no order of the file written" ||
  fail "bad row in a late chunk (exit $rs / $rp)" "$(cat "$WORK/bad.sqlite" "$WORK/bad.pg")"
