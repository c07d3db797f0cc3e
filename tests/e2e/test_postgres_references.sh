# The references of the imported tables on PostgreSQL, checked once per statement by triggers
# instead of PostgreSQL's row-by-row foreign keys (schema/pg/0028, docs/postgresql.md "Import"),
# against a real PostgreSQL 15 server (tests/e2e/pg.sh): every write path is refused with the
# foreign key's own message (an INSERT, a COPY, an UPDATE of the reference, a DELETE or key
# UPDATE of a referenced row, a TRUNCATE); the importer's own checks still come first, with the
# messages SQLite gives; and a customer deleted while another transaction writes a row referring
# to it leaves one of the two refused, whichever comes first, never a dangling reference.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
D="$DANGOL"

pg_shop
# refused NAME SQL PATTERN: SQL fails with SQLSTATE 23503 (VERBOSITY verbose prints it) and a
# message matching PATTERN, and leaves the counts of orders and order lines as they were.
refused() {
  before=$(psql_shop "SELECT count(*) || '/' || (SELECT count(*) FROM order_lines) FROM orders")
  out=$(PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U dangol -d shop \
        -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "$2" 2>&1 < "${4:-/dev/null}")
  after=$(psql_shop "SELECT count(*) || '/' || (SELECT count(*) FROM order_lines) FROM orders")
  case $out in
    *"ERROR:  ${5:-23503}: "*) printf '%s\n' "$out" | grep -q "$3" && [ "$before" = "$after" ] &&
                   { pass "$1"; return; } ;;
  esac
  fail "$1" "$out ($before -> $after)"
}

# ---- the layout: no row-by-row foreign key left on the imported tables, two triggers each
fks=$(psql_shop "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ('customers', 'orders', 'order_lines', 'feedback', 'surveys', 'interactions', 'referrals', 'partner_activities', 'mot_visits', 'mot_ratings', 'staff_surveys')")
checks=$(psql_shop "SELECT count(*) FROM pg_trigger WHERE tgfoid = 'dg_reference_check'::regproc")
guards=$(psql_shop "SELECT string_agg(DISTINCT tgrelid::regclass::text, ' ' ORDER BY tgrelid::regclass::text) FROM pg_trigger WHERE tgfoid = 'dg_referenced_check'::regproc")
[ "$fks" = 0 ] && [ "$checks" = 34 ] && [ "$guards" = "customers mot_visits orders products staff" ] &&
  pass "the 17 references of the imported tables are statement triggers (no foreign key left)" ||
  fail "trigger layout" "fks $fks, checks $checks, guards $guards"
[ "$(psql_shop "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'points_movements'::regclass")" = 2 ] &&
  pass "the services' tables keep their foreign keys" || fail "points_movements lost its foreign keys"

# ---- every write path refused with the foreign key's message
customer=$(psql_shop "SELECT customer_id FROM orders ORDER BY order_id LIMIT 1")
order=$(psql_shop "SELECT order_id FROM orders ORDER BY order_id LIMIT 1")
refused "INSERT of an order with an unknown customer" \
  "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('O-new', 'nobody', 1, 1)" \
  'insert or update on table "orders" violates foreign key constraint "orders_customer_id_fkey"'
refused "the refusal names the key (its DETAIL)" \
  "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('O-new', 'nobody', 1, 1)" \
  'Key (customer_id)=(nobody) is not present in table "customers"'
refused "many rows in one INSERT, one unknown: all refused" \
  "INSERT INTO orders (order_id, customer_id, ordered_at, total) SELECT 'O-bulk-' || g, CASE WHEN g = 500 THEN 'ghost' ELSE '$customer' END, g, 1 FROM generate_series(1, 1000) g" \
  'Key (customer_id)=(ghost) is not present'
printf 'O-copy\tghost\t1\t1\n\\.\n' > "$WORK/copy.tsv"
refused "COPY of an order with an unknown customer" \
  "COPY orders (order_id, customer_id, ordered_at, total) FROM STDIN" \
  'Key (customer_id)=(ghost) is not present in table "customers"' "$WORK/copy.tsv"
# a bulk import's statements (schema/pg/0035) skip the keys an earlier one locked: not the others
refused "a bulk load's second chunk: a key the first locked and an unknown one: refused" \
  "BEGIN; SET LOCAL dangol.bulk_load = on; INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('O-c1', '$customer', 1, 1); INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('O-c2', '$customer', 1, 1), ('O-c3', 'ghost', 1, 1); COMMIT" \
  'Key (customer_id)=(ghost) is not present in table "customers"'
refused "UPDATE of an order to an unknown staff member" \
  "UPDATE orders SET staff_id = 'nobody' WHERE order_id = '$order'" \
  'violates foreign key constraint "orders_staff_id_fkey"'
refused "INSERT ... ON CONFLICT DO UPDATE to an unknown customer" \
  "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('$order', 'nobody', 1, 1) ON CONFLICT (order_id) DO UPDATE SET customer_id = excluded.customer_id" \
  'Key (customer_id)=(nobody) is not present'
refused "an order line of an unknown order" \
  "INSERT INTO order_lines (order_id, line_no, product_id, amount) SELECT 'O-none', 1, min(product_id), 1 FROM products" \
  'violates foreign key constraint "order_lines_order_id_fkey"'
refused "DELETE of a customer with orders" \
  "DELETE FROM customers WHERE customer_id = '$customer'" \
  "update or delete on table \"customers\" violates foreign key constraint \"orders_customer_id_fkey\" on table \"orders\""
refused "UPDATE of a referenced customer's key" \
  "UPDATE customers SET customer_id = 'moved' WHERE customer_id = '$customer'" \
  "Key (customer_id)=($customer) is still referenced from table \"orders\""
refused "DELETE of an order with lines" \
  "DELETE FROM orders WHERE order_id = '$order'" 'on table "order_lines"'
refused "TRUNCATE of products while order lines refer to them" \
  "TRUNCATE products" 'Table "order_lines" references "products"' /dev/null 0A000
[ "$(psql_shop "SELECT count(*) FROM customers WHERE customer_id = '$customer'")" = 1 ] &&
  pass "the customer is still there" || fail "the referenced customer was deleted"
out=$(psql_shop "INSERT INTO customers (customer_id) VALUES ('C-lonely'); DELETE FROM customers WHERE customer_id = 'C-lonely'; UPDATE customers SET name = name WHERE customer_id = '$customer'; INSERT INTO orders (order_id, customer_id, ordered_at, total, staff_id) SELECT 'O-ok', '$customer', 1, 1, NULL; DELETE FROM orders WHERE order_id = 'O-ok'; SELECT 'ok'" 2>&1)
[ "$out" = ok ] && pass "unreferenced deletes, other columns' updates and good rows pass" ||
  fail "a valid write was refused" "$out"

# ---- the importer's own checks come first: the messages are SQLite's
printf 'order_id,customer_id,ordered_at,total\nO-x1,%s,2024-01-02,1000\nO-x2,C-unknown,2024-01-02,1000\n' "$customer" > "$WORK/bad.csv"
"$D" --db "$S" -q import orders "$WORK/bad.csv" > "$WORK/import.sqlite" 2>&1; rs=$?
"$D" --db "$P" -q import orders "$WORK/bad.csv" > "$WORK/import.pg" 2>&1; rp=$?
[ "$rs" = "$rp" ] && [ "$rp" != 0 ] && grep -q 'C-unknown' "$WORK/import.pg" &&
  cmp -s "$WORK/import.sqlite" "$WORK/import.pg" &&
  pass "an import with an unknown customer: the importer's message and exit $rp, as on SQLite" ||
  fail "import messages differ (exit $rs / $rp)" "$(cat "$WORK/import.sqlite" "$WORK/import.pg")"
printf 'order_id,customer_id,ordered_at,total\nO-y1,C-fresh1,2024-01-02,1000\nO-y2,C-fresh2,2024-01-03,1000\n' > "$WORK/new.csv"
printf 'order_id,line_no,product_id,quantity,unit_price,amount\nO-y1,1,%s,1,1000,1000\n' \
  "$(psql_shop "SELECT min(product_id) FROM products")" > "$WORK/lines.csv"
expect_ok "orders creating their customers (--create-customers): the customers are written first" \
  "$D" --db "$P" -q import orders --create-customers "$WORK/new.csv"
expect_ok "their lines import" "$D" --db "$P" -q import order_lines "$WORK/lines.csv"

# ---- concurrency: a customer deleted while a writer refers to it; one of the two is refused
# session NAME FD: a psql session reading the statements written to FD (session_send FD SQL;
# session_end NAME FD ends it), its output in $WORK/NAME.out.
session() {
  mkfifo "$WORK/$1.in"
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U dangol -d shop \
    < "$WORK/$1.in" > "$WORK/$1.out" 2>&1 &
  eval "exec ${2}> \"\$WORK/\$1.in\""
}
session_send() { printf '%s\n' "$2" >&"$1"; }
session_end() { eval "exec ${2}>&-"; rm -f "$WORK/$1.in"; }
wait_for() {   # wait_for SQL: until SQL answers t (a bounded wait, not a timing assertion)
  i=0
  while [ "$(psql_shop "$1")" != t ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}
blocked="SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted)"
idle_in_tx="SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction')"
psql_shop "INSERT INTO customers (customer_id) VALUES ('C-race1'), ('C-race2')" > /dev/null

# 1. the DELETE first (uncommitted); an import referring to the customer waits for it, then fails
session a 7
session_send 7 "BEGIN; DELETE FROM customers WHERE customer_id = 'C-race1';"
wait_for "$idle_in_tx"
printf 'order_id,customer_id,ordered_at,total\nO-r1,C-race1,2024-01-02,1000\n' > "$WORK/race1.csv"
"$D" --db "$P" -q import orders "$WORK/race1.csv" > "$WORK/race1.out" 2>&1 &
importer=$!
wait_for "$blocked"
session_send 7 "COMMIT;"
wait "$importer"; rc=$?
[ $rc = 4 ] && grep -q 'violates foreign key constraint "orders_customer_id_fkey"' "$WORK/race1.out" &&
  [ "$(psql_shop "SELECT count(*) FROM orders WHERE order_id = 'O-r1'")" = 0 ] &&
  pass "a customer deleted under an import: the import waits, then is refused (exit 4), nothing written" ||
  fail "delete first, then import (exit $rc)" "$(cat "$WORK/race1.out" "$WORK/a.out")"
session_end a 7

# delete_refused NAME FD CUSTOMER SQL: session NAME runs SQL (a transaction left open, writing
# orders of CUSTOMER; not just its BEGIN: waited for until it prints 'written'); a DELETE of
# CUSTOMER meanwhile must wait for it, then be refused once it commits; rc is the DELETE's exit status, $WORK/NAME.del its output.
delete_refused() {
  session "$1" "$2"
  session_send "$2" "$4 SELECT 'written';"   # idle in transaction after its last statement
  i=0
  while ! grep -q '^written$' "$WORK/$1.out" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U dangol -d shop \
    -c "DELETE FROM customers WHERE customer_id = '$3'" > "$WORK/$1.del" 2>&1 &
  deleter=$!
  wait_for "$blocked"
  session_send "$2" "COMMIT;"
  wait "$deleter"; rc=$?
  session_end "$1" "$2"
  [ $rc != 0 ] && grep -q "Key (customer_id)=($3) is still referenced from table \"orders\"" "$WORK/$1.del"
}

# 2. the order first (uncommitted, its customer locked); the DELETE waits, then is refused
delete_refused b 8 C-race2 "BEGIN; INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('O-r2', 'C-race2', 1, 1);" &&
  [ "$(psql_shop "SELECT count(*) FROM orders o JOIN customers c USING (customer_id) WHERE order_id = 'O-r2'")" = 1 ] &&
  pass "a customer deleted while an uncommitted order refers to it: the delete waits, then is refused" ||
  fail "order first, then delete (exit $rc)" "$(cat "$WORK/b.del" "$WORK/b.out")"
# 3. a bulk load's later chunks skip the customer its first chunk locked (schema/pg/0035), and a
# chunk rolled back to its savepoint takes back its lock and its memory of the key together: the
# DELETE still waits for the import's lock, then is refused
psql_shop "INSERT INTO customers (customer_id) VALUES ('C-race3')" > /dev/null
delete_refused c 9 C-race3 "BEGIN; SET LOCAL dangol.bulk_load = on; SAVEPOINT s; INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('O-r3a', 'C-race3', 1, 1); ROLLBACK TO SAVEPOINT s; INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('O-r3b', 'C-race3', 1, 1); INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('O-r3c', 'C-race3', 1, 1);" &&
  [ "$(psql_shop "SELECT string_agg(order_id, ' ' ORDER BY order_id) FROM orders WHERE customer_id = 'C-race3'")" = "O-r3b O-r3c" ] &&
  pass "a bulk load's chunks after a savepoint's rollback: the customer still locked, the delete refused" ||
  fail "bulk load, savepoint, then delete (exit $rc)" "$(cat "$WORK/c.del" "$WORK/c.out")"
dangling=$(psql_shop "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = o.customer_id)")
[ "$dangling" = 0 ] && pass "no order refers to a missing customer" || fail "$dangling dangling orders"
