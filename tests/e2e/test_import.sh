# dangol import / export through the real binary: the CDNOW log as documented, bad rows with
# positions and exit 1, quarantine, idempotent re-import, export -> import round trip, CP949 with
# a Korean header, and a SIGKILL in the middle of a big import leaving the store as it was.
. "$(dirname "$0")/lib.sh"
D="$DANGOL"
CDNOW="$SHARED/data/CDNOW_sample.txt"

count() { "$D" --format csv stats | awk -F, -v e="$1" '$1 == e { print $2 }'; }

# The documented CDNOW command line (docs/import.md).
expect_ok "init USD store" "$D" init --currency USD
if [ -f "$CDNOW" ]; then
  expect_ok "CDNOW log imports unedited" "$D" import orders "$CDNOW" --delimiter whitespace \
    --no-header --columns customer_id,-,ordered_at,units,total --create-customers
  [ "$(count orders)" = 6919 ] && pass "CDNOW: 6919 orders" || fail "CDNOW orders: $(count orders)"
  [ "$(count customers)" = 2357 ] && pass "CDNOW: 2357 customers" || fail "CDNOW customers: $(count customers)"
  "$D" export orders > "$WORK/cdnow1.csv"
  expect_ok "CDNOW re-import" "$D" -q import orders "$CDNOW" --delimiter whitespace \
    --no-header --columns customer_id,-,ordered_at,units,total --create-customers
  "$D" export orders > "$WORK/cdnow2.csv"
  expect_same "CDNOW re-import changes nothing" "$WORK/cdnow1.csv" "$WORK/cdnow2.csv"
  total=$(awk -F, 'NR > 1 { s += $10 } END { printf "%.2f", s }' "$WORK/cdnow1.csv")
  want=$(awk '{ s += $5 } END { printf "%.2f", s }' "$CDNOW")
  [ "$total" = "$want" ] && pass "CDNOW dollars add up" || fail "CDNOW dollars $total != $want"
else
  fail "missing $CDNOW"
fi

# Bad rows: listed with file:line:column, exit 1, nothing written.
export DANGOL_DB="$WORK/shop.db"
"$D" -q init
cat > "$WORK/customers.csv" <<'CSV'
customer_id,name,gender,birth_year
C-1,"Kim, Minsu",F,1980
C-2,Lee,Q,1990
C-3,Park,M,3000
C-1,Dup,F,1980
CSV
expect_exit   "bad rows exit 1" 1 "$D" import customers "$WORK/customers.csv"
expect_output "bad enum has its position" "customers.csv:3:3: gender \"Q\" is not one of: F, M, X" \
  "$D" import customers "$WORK/customers.csv"
expect_output "range error has its position" "customers.csv:4:4: birth_year 3000 is out of range" \
  "$D" import customers "$WORK/customers.csv"
expect_output "duplicate names the first line" "customers.csv:5:1: customer_id \"C-1\" appears twice \\(first at line 2\\)" \
  "$D" import customers "$WORK/customers.csv"
[ "$(count customers)" = 0 ] && pass "a failed import writes nothing" || fail "customers after failure: $(count customers)"
expect_ok "skip-invalid imports the good rows" "$D" import customers "$WORK/customers.csv" --skip-invalid
[ "$(count customers)" = 1 ] && pass "one good customer" || fail "customers: $(count customers)"
[ "$(wc -l < "$WORK/customers.csv.rejected.csv")" = 4 ] && pass "quarantine has 3 rows and a header" \
  || fail "quarantine" "$(cat "$WORK/customers.csv.rejected.csv")"
expect_output "quarantine keeps the reason" '^C-2,Lee,Q,1990,".*customers.csv:3:3: gender' cat "$WORK/customers.csv.rejected.csv"

printf 'customer_id,nmae\nC-9,x\n' > "$WORK/typo.csv"
expect_output "unknown column names the valid ones" 'unknown column "nmae" for customers; valid: customer_id, name' \
  "$D" import customers "$WORK/typo.csv"
expect_exit   "unknown entity is a usage error" 2 "$D" import clients "$WORK/typo.csv"
expect_exit   "unknown encoding is a usage error" 2 "$D" import customers "$WORK/typo.csv" --encoding klingon
expect_output "unknown encoding lists the valid ones" 'unknown encoding "klingon"; valid: utf-8, cp949' \
  "$D" import customers "$WORK/typo.csv" --encoding klingon
expect_exit   "missing file exits 3" 3 "$D" import customers "$WORK/none.csv"
printf 'order_id,customer_id,ordered_at,total\nO1,C-404,2024-01-01,5\n' > "$WORK/orders.csv"
expect_output "unknown customer suggests --create-customers" \
  'orders.csv:2:2: customer_id "C-404" is not a known customer; import customers first or use --create-customers' \
  "$D" import orders "$WORK/orders.csv"

# A bad value row and then an unclosed quote: both are printed, exit 1, nothing imported; with
# --skip-invalid it does not suggest --skip-invalid and leaves no quarantine behind.
before=$(count customers)
printf 'customer_id,name,birth_year\nQ-1,a,1800\nQ-2,"b,1990\nQ-3,c,1990\n' > "$WORK/unclosed.csv"
expect_exit   "value error then unclosed quote exits 1" 1 "$D" import customers "$WORK/unclosed.csv"
expect_output "the value error is printed" "unclosed.csv:2:3: birth_year 1800 is out of range" \
  "$D" import customers "$WORK/unclosed.csv"
expect_output "the unclosed quote after it is printed" "unclosed.csv:3:2: quoted field never closed" \
  "$D" import customers "$WORK/unclosed.csv"
out=$("$D" import customers "$WORK/unclosed.csv" --skip-invalid 2>&1); rc=$?
[ "$rc" = 1 ] && pass "unclosed quote with --skip-invalid exits 1" || fail "exit $rc" "$out"
printf '%s\n' "$out" | grep -q "quoted field never closed" && pass "skip-invalid prints the structural error" \
  || fail "no structural error with --skip-invalid" "$out"
printf '%s\n' "$out" | grep -q -- "--skip-invalid" && fail "suggests --skip-invalid although given" "$out" \
  || pass "no --skip-invalid suggestion when it was given"
[ ! -e "$WORK/unclosed.csv.rejected.csv" ] && pass "no quarantine left when nothing was imported" \
  || fail "quarantine left behind" "$(cat "$WORK/unclosed.csv.rejected.csv")"
[ "$(count customers)" = "$before" ] && pass "unclosed quote: nothing imported" || fail "customers: $(count customers)"
# A store failure after a bad row is printed and exits 4 (a trigger in a copy of the store makes
# SQLite refuse the second row).
cp "$WORK/shop.db" "$WORK/fail.db"
sqlite3 "$WORK/fail.db" "CREATE TRIGGER fail BEFORE INSERT ON customers WHEN NEW.customer_id = 'R-2'
  BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
printf 'customer_id,birth_year\nR-1,1800\nR-2,1990\n' > "$WORK/fail.csv"
expect_exit   "store failure after a bad row exits 4" 4 "$D" --db "$WORK/fail.db" import customers "$WORK/fail.csv"
expect_output "store failure after a bad row is printed" "injected failure" \
  "$D" --db "$WORK/fail.db" import customers "$WORK/fail.csv"

# Several files are one transaction: a bad row in the second keeps the first out too.
printf 'customer_id,name\nM-1,a\nM-2,b\n' > "$WORK/m1.csv"
printf 'customer_id,birth_year\nM-3,1800\n' > "$WORK/m2.csv"
before=$(count customers)
expect_output "bad row in the second file" "m2.csv:2:2: birth_year 1800 is out of range" \
  "$D" import customers "$WORK/m1.csv" "$WORK/m2.csv"
[ "$(count customers)" = "$before" ] && pass "several files: all or nothing" || fail "customers: $(count customers)"
expect_ok "import from stdin" sh -c "\"$D\" -q import customers - < \"$WORK/m1.csv\""
[ "$(count customers)" = "$((before + 2))" ] && pass "stdin rows imported" || fail "customers: $(count customers)"

# Long lists of bad rows are cut at --max-errors; a BOM (Excel's "CSV UTF-8") is skipped.
awk 'BEGIN { print "customer_id,birth_year"; for (i = 0; i < 30; i++) printf "B%d,1\n", i }' > "$WORK/many.csv"
expect_output "bad rows beyond the limit are counted" "\\.\\.\\. and 25 more bad rows" \
  "$D" import customers "$WORK/many.csv" --max-errors 5
printf '\357\273\277customer_id,name\nBOM-1,x\n' > "$WORK/bom.csv"
expect_ok "BOM file imports" "$D" -q import customers "$WORK/bom.csv"
expect_output "BOM is not part of the first column" "^BOM-1,x" "$D" export customers --reason test

# Orders without an order_id (a CDNOW-like log): the documented quarantine flow keeps every order.
# A rejected row keeps its number N, and the quarantine carries the generated order_id, so the
# fixed rows come back under their own ids instead of overwriting another order's.
export DANGOL_DB="$WORK/log.db"
"$D" -q init --currency USD
cat > "$WORK/log.txt" <<'LOG'
L1 x 19970101 1 10.00
L1 x 19970101 1 abc
L1 x 19970101 1 30.00
L1 x 19971301 1 40.00
L1 x 19970101 1 50.00
LOG
LOGCOLS="customer_id,-,ordered_at,units,total"
expect_ok "log with bad rows imports its good rows" "$D" -q import orders "$WORK/log.txt" \
  --delimiter whitespace --no-header --columns "$LOGCOLS" --create-customers --skip-invalid
expect_output "quarantine carries the generated order_id" '^L1,x,19970101,1,abc,L1/19970101/2,' \
  cat "$WORK/log.txt.rejected.csv"
sed -e 's/,abc,/,20.00,/' -e 's/,19971301,/,19970101,/' "$WORK/log.txt.rejected.csv" > "$WORK/log-fixed.csv"
expect_ok "fixed quarantine imports" "$D" -q import orders "$WORK/log-fixed.csv" --map "reason=-"
[ "$(count orders)" = 5 ] && pass "quarantine re-import keeps every order" \
  || fail "orders after the quarantine re-import: $(count orders)" "$("$D" export orders)"
sum=$("$D" export orders | awk -F, 'NR > 1 { s += $10 } END { printf "%.2f", s }')
[ "$sum" = 150.00 ] && pass "no order was overwritten" || fail "order totals add up to $sum, not 150.00"
expect_ok "the log re-imports" "$D" -q import orders "$WORK/log.txt" --delimiter whitespace \
  --no-header --columns "$LOGCOLS" --create-customers --skip-invalid
[ "$(count orders)" = 5 ] && pass "log re-import after the quarantine is idempotent" \
  || fail "orders after the log re-import: $(count orders)"
printf 'L2 x 19970102 1 1.00\n' > "$WORK/log-a.txt"
cp "$WORK/log-a.txt" "$WORK/log-b.txt"
"$D" -q import orders "$WORK/log-a.txt" "$WORK/log-b.txt" --delimiter whitespace --no-header \
  --columns "$LOGCOLS" --create-customers
[ "$(count orders)" = 7 ] && pass "two files of one import number their orders together" \
  || fail "orders after importing two files: $(count orders)"
export DANGOL_DB="$WORK/shop.db"

# Korean Excel: CP949 with Korean column names.
expect_ok "CP949 with --map" "$D" import customers "$ROOT/tests/data/cp949.csv" --encoding cp949 \
  --map "고객번호=customer_id,이름=name,금액=-"
expect_output "Korean names survive" "C-2,이영희" "$D" export customers --reason test
expect_output "CP949 read as UTF-8 suggests the encoding" "invalid UTF-8.*--encoding cp949" \
  "$D" import customers "$ROOT/tests/data/cp949.csv"

# Export -> import round trip into a second store, and JSON.
"$D" export customers --reason test --output "$WORK/c.csv"
"$D" -q --db "$WORK/copy.db" init
expect_ok "export imports into a new store" "$D" --db "$WORK/copy.db" import customers "$WORK/c.csv"
"$D" --db "$WORK/copy.db" export customers --reason test > "$WORK/c2.csv"
expect_same "customers round trip" "$WORK/c.csv" "$WORK/c2.csv"
expect_output "json export" '"customer_id": "C-1"' "$D" export customers --reason test --format json

# SIGKILL in the middle of a big import: the store is as it was and opens fine.
export DANGOL_DB="$WORK/kill.db"
"$D" -q init
awk 'BEGIN { print "customer_id,name"; for (i = 0; i < 20; i++) printf "K%d,n\n", i }' > "$WORK/k.csv"
"$D" -q import customers "$WORK/k.csv"
awk 'BEGIN { print "order_id,customer_id,ordered_at,total";
             for (i = 0; i < 1000000; i++) printf "O%d,K%d,2024-01-%02dT10:00:00Z,%d\n", i, i % 20, i % 28 + 1, i }' \
  > "$WORK/big.csv"
before=$("$D" export customers --reason test | md5sum)
"$D" -q import orders "$WORK/big.csv" & pid=$!
size=$(stat -c %s "$WORK/big.csv")
for _ in $(seq 1 600); do          # wait until a third of the file is read (the commit is at the end)
  read_bytes=$(awk '/^rchar/ { print $2 }' "/proc/$pid/io" 2>/dev/null || echo 0)
  [ "${read_bytes:-0}" -gt $((size / 3)) ] && break
  sleep 0.05
done
if kill -9 "$pid" 2>/dev/null; then
  wait "$pid" 2>/dev/null
  [ "$(count orders)" = 0 ] && pass "killed import left no orders" || fail "orders after kill: $(count orders)"
  [ "$("$D" export customers --reason test | md5sum)" = "$before" ] && pass "killed import left customers alone" \
    || fail "customers changed after kill"
  ok=$(sqlite3 "$WORK/kill.db" "PRAGMA integrity_check")
  [ "$ok" = ok ] && pass "store intact after kill" || fail "integrity: $ok"
  expect_ok "store imports after the kill" "$D" -q import orders "$WORK/big.csv"
  [ "$(count orders)" = 1000000 ] && pass "full import after kill" || fail "orders: $(count orders)"
else
  fail "the import finished before it could be killed; make big.csv bigger"
fi
rm -f "$WORK/big.csv"

# A big import checks references against the keys it holds in memory: the same messages, the
# same all-or-nothing, and --create-customers still creates each missing customer once.
awk 'BEGIN { print "order_id,customer_id,ordered_at,total";
             for (i = 0; i < 150000; i++) printf "B%d,%s,2024-02-01,1\n", i, i == 140000 ? "K-404" : "K" i % 20 }' \
  > "$WORK/bigref.csv"
before=$(count orders)
expect_output "big import: unknown customer has its position" \
  'bigref.csv:140002:2: customer_id "K-404" is not a known customer; import customers first or use --create-customers' \
  "$D" import orders "$WORK/bigref.csv"
[ "$(count orders)" = "$before" ] && pass "big import with a bad reference writes nothing" \
  || fail "orders after a failed big import: $(count orders)"
awk 'BEGIN { print "order_id,customer_id,ordered_at,total";
             for (i = 0; i < 150000; i++) printf "N%d,%s,2024-02-02,1\n", i, i < 120000 ? "K" i % 20 : "NEW" i % 7 }' \
  > "$WORK/bignew.csv"
expect_output "big import creates the missing customers once" '^orders,150000,150000,0,7,' \
  "$D" --format csv import orders "$WORK/bignew.csv" --create-customers
[ "$(count customers)" = 27 ] && pass "big import: 7 new customers" || fail "customers: $(count customers)"
rm -f "$WORK/bigref.csv" "$WORK/bignew.csv"
