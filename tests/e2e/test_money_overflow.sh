# Money sums never wrap: a customer whose order totals add past the int64 money range makes rfm
# and the customer card fail with a clear error naming the customer (they printed negative
# revenue), and a single customer or a same-day store scores R 3 with a note, not R 1 "Lost".
. "$(dirname "$0")/lib.sh"
"$DANGOL" --quiet init
printf 'customer_id\nBIG\nS\n' > "$WORK/c.csv"
"$DANGOL" --quiet import customers "$WORK/c.csv"
printf 'order_id,customer_id,ordered_at,total\nO1,BIG,2024-01-01,9223372036854775807\nO2,BIG,2024-01-02,9223372036854775807\nO3,S,2024-01-02,5\n' > "$WORK/o.csv"
"$DANGOL" --quiet import orders "$WORK/o.csv"
expect_exit "rfm refuses a total that overflows" 1 "$DANGOL" rfm
expect_output "the error names the customer" \
  "dangol rfm: customer \"BIG\": the total of the orders overflows the money range" "$DANGOL" rfm
expect_output "the card names the customer too" "customer \"BIG\": the total of the orders overflows" \
  "$DANGOL" customer show BIG
if "$DANGOL" --format csv rfm 2>/dev/null | grep -q -- ',-[0-9]'; then
  fail "rfm printed a negative revenue"; else pass "rfm prints no negative revenue"; fi
# one customer who bought on the as-of day: R 3 (not Lost), and the note says R says nothing
export DANGOL_DB="$WORK/one.db"
"$DANGOL" --quiet init
printf 'customer_id\nSOLO\n' > "$WORK/c1.csv"
"$DANGOL" --quiet import customers "$WORK/c1.csv"
printf 'order_id,customer_id,ordered_at,total\nO1,SOLO,2024-05-05,10\n' > "$WORK/o1.csv"
"$DANGOL" --quiet import orders "$WORK/o1.csv"
expect_output "a lone buyer on the as-of day scores R 3, not R 1" "^SOLO,0,1,10(\.00)?,3,3,3," \
  "$DANGOL" --format csv rfm --customers
expect_output "rfm notes that recency carries no information" \
  "note: every customer's last order is on the same day: recency \(R\) carries no information" \
  "$DANGOL" rfm
expect_output "the JSON carries the notes" '"notes":\["every customer' "$DANGOL" --format json rfm
