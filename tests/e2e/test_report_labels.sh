# Numbers that name rather than count — a year, a ticket, movement, lot, event or task number, a
# version — are printed without thousands separators in every table-format report that has them
# (`points liability` once printed its expiry year as "2,025"); counts keep their separators.
. "$(dirname "$0")/lib.sh"
CHECK="python3 $(dirname "$0")/helpers/label_columns.py"
D="$DANGOL --quiet"

# a store big enough that movement, lot, ticket and event numbers pass 1,000
$D demo --customers 12000 --seed 5 --campaigns >/dev/null 2>&1 || fail "demo store"
$D ticket recover >/dev/null 2>&1 || fail "recovery tickets"
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DANGOL_DB" "$1"; }
C=$(sql "SELECT customer_id FROM points_movements ORDER BY movement_id DESC LIMIT 1")
O=$(sql "SELECT order_id FROM orders WHERE customer_id = '$C' ORDER BY order_id LIMIT 1")
$D points earn --order "$O" >/dev/null 2>&1
$D points reverse --order "$O" --reason returned >/dev/null 2>&1
$D points adjust --customer "$C" --points 7 --reason "label test" >/dev/null 2>&1
[ "$(sql "SELECT max(movement_id) > 1000 AND max(ticket_id) > 1000 FROM points_movements, tickets")" = 1 ] \
  && pass "ids past 1,000" || fail "ids past 1,000"
TICKET=$(sql "SELECT max(ticket_id) FROM tickets")

$D points liability --as-of 2100-01-01 | $CHECK "points liability's expiry_year" > "$WORK/r"; record_lines "$WORK/r"
$D points liability --as-of 2100-01-01 | grep -Eq '^ +20[0-9]{2} ' \
  && pass "the expiry year reads 20NN" || fail "the expiry year reads 20NN"
$D points liability --as-of 2100-01-01 | grep -Eq '[0-9],[0-9]{3} ' \
  && pass "counts keep their separators" || fail "counts keep their separators"
$D points statement "$C" | $CHECK "points statement's movement and lot numbers" > "$WORK/r"; record_lines "$WORK/r"
$D ticket list | $CHECK "ticket list's ticket and version" > "$WORK/r"; record_lines "$WORK/r"
$D ticket show "$TICKET" | $CHECK "ticket show's events" > "$WORK/r"; record_lines "$WORK/r"
$D audit list | $CHECK "audit list's entry ids" > "$WORK/r"; record_lines "$WORK/r"
$D audit verify | $CHECK "audit verify's ids" > "$WORK/r"; record_lines "$WORK/r"
