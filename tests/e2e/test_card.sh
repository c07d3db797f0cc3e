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
