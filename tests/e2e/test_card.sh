# The customer card end to end: profile, orders, and the analytic sections on a demo store.
. "$(dirname "$0")/lib.sh"
"$DANGOL" --quiet demo --customers 1500 --seed 7 >/dev/null 2>&1 || fail "demo store for the card"
id=$("$DANGOL" --format csv rfm --customers 2>/dev/null | awk -F, '$NF=="Champions"{print $1; exit}')
[ -n "$id" ] || fail "a Champions customer to show"
expect_output "card shows the profile"        "^customer_id +$id"                  "$DANGOL" customer show "$id"
expect_output "card shows the RFM segment"    "^segment +Champions"               "$DANGOL" customer show "$id"
expect_output "card shows the ladder stage"   "^stage +(client|advocate|partner)" "$DANGOL" customer show "$id"
expect_output "card shows the loyalty index"  "^loyalty index +[0-9.]+ / 100"     "$DANGOL" customer show "$id"
expect_output "card shows P(alive)"           "^P\(alive\) +0\.[0-9]+"             "$DANGOL" customer show "$id"
expect_output "card as JSON is an array of sections" '"title":"Lifetime value"'  "$DANGOL" --format json customer show "$id"
expect_exit   "unknown customer exits 3" 3 "$DANGOL" customer show NOBODY
expect_exit   "show needs an id" 2 "$DANGOL" customer show
expect_exit   "unknown subcommand" 2 "$DANGOL" customer frobnicate

# churn risk and the k-means segment, run on request (docs/churn.md, docs/segment.md)
expect_output "before any churn model the card says so" "^churn probability +no churn model trained yet" "$DANGOL" customer show "$id"
"$DANGOL" --quiet churn train --trees 10 >/dev/null 2>&1 || fail "train a churn model for the card"
"$DANGOL" --format csv churn score > "$WORK/scores.csv" 2>/dev/null
want=$(awk -F, -v id="$id" '$1 == id { printf "%.3f|%s", $2, $3 }' "$WORK/scores.csv")
got=$("$DANGOL" --format json customer show "$id" 2>/dev/null | python3 -c "
import json, sys
s = {r['item']: r['value'] for t in json.load(sys.stdin) if t['title'] == 'Churn risk and segment' for r in t['rows']}
print(s['churn probability'] + '|' + s['churn risk decile'])")
if [ -n "$want" ] && [ "$want" = "$got" ]; then pass "the card's churn probability and decile are the scores'"
else fail "the card's churn probability and decile are the scores' (scores $want, card $got)"; fi
seg=$("$DANGOL" --format csv segment --view customers 2>/dev/null | awk -F, -v id="$id" '$1 == id { print $2 }')
expect_output "the card's k-means segment is the segment report's" "^k-means segment +$seg " "$DANGOL" customer show "$id" --segment
expect_output "without --segment the card runs no k-means and says how" "^k-means segment +not computed for one card: .dangol customer show ID --segment." "$DANGOL" customer show "$id"
prospect=$(sqlite3 "$DANGOL_DB" "SELECT customer_id FROM customers WHERE customer_id NOT IN (SELECT customer_id FROM orders) LIMIT 1")
expect_output "a prospect has no churn risk, said plainly" "^churn probability +no order by the as-of day" "$DANGOL" customer show "$prospect"
