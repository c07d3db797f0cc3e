# Money never wraps. One amount is bounded at import (|amount| <= 9,999,999,999,999,999 minor
# units: the int64 maximum is refused, not stored), and every sum is checked: a customer whose
# thousand largest orders add past the int64 range makes rfm, kpi, cohort, cube, the customer
# card and the API fail with a clear error (they printed negative revenue). A single customer or a
# same-day store scores R 3 with a note, not R 1 "Lost".
. "$(dirname "$0")/lib.sh"
"$DANGOL" --quiet init
printf 'customer_id\nBIG\nS\n' > "$WORK/c.csv"
"$DANGOL" --quiet import customers "$WORK/c.csv"
# one amount: the bound is the limit, the int64 maximum is out
printf 'order_id,customer_id,ordered_at,total\nX1,S,2024-01-01,9223372036854775807\n' > "$WORK/x.csv"
expect_exit "an amount of 9223372036854775807 is refused at import" 1 \
  "$DANGOL" import orders "$WORK/x.csv"
expect_output "the import error names the place and the limit" \
  "x.csv:2:4: total \"9223372036854775807\" is too large; amounts are limited to \+-9,999,999,999,999,999" \
  "$DANGOL" import orders "$WORK/x.csv"
printf 'order_id,customer_id,ordered_at,total\nX1,S,2024-01-01,-10000000000000000\n' > "$WORK/x.csv"
expect_exit "an amount of -10000000000000000 is refused at import" 1 \
  "$DANGOL" import orders "$WORK/x.csv"
# a thousand orders of the largest amount: each is valid, their sum is not an int64
awk 'BEGIN { print "order_id,customer_id,ordered_at,total";
             for (i = 1; i <= 1000; i++) printf "O%d,BIG,2024-01-%02d,9999999999999999\n", i, i % 28 + 1;
             print "S1,S,2024-01-02,5" }' > "$WORK/o.csv"
expect_ok "a thousand orders of 9999999999999999 import" "$DANGOL" --quiet import orders "$WORK/o.csv"
expect_exit "rfm refuses a total that overflows" 1 "$DANGOL" rfm
expect_output "the error names the customer" \
  "dangol rfm: customer \"BIG\": the total of the orders overflows the money range" "$DANGOL" rfm
expect_output "the card names the customer too" "customer \"BIG\": the total of the orders overflows" \
  "$DANGOL" customer show BIG
if "$DANGOL" --format csv rfm 2>/dev/null | grep -q -- ',-[0-9]'; then
  fail "rfm printed a negative revenue"; else pass "rfm prints no negative revenue"; fi
expect_exit "kpi refuses a month whose revenue overflows" 1 "$DANGOL" kpi
expect_output "kpi names the month and the customer" \
  "dangol kpi: the revenue of 2024-01 overflows the money range .* at customer \"BIG\"" "$DANGOL" kpi
expect_exit "cohort refuses a cell whose revenue overflows" 1 "$DANGOL" cohort --measure revenue
expect_output "cohort names the cohort and the period" \
  "the revenue of cohort 2024-01 in period 0 overflows the money range" "$DANGOL" cohort --measure revenue
expect_exit "cube refuses a cell whose revenue overflows" 1 "$DANGOL" cube --rows month
expect_output "cube says what overflowed" "overflow.* the money range" \
  "$DANGOL" cube --rows month
expect_exit "cube refuses an overflowing grand total too" 1 "$DANGOL" cube --rows customer_type
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
