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

# --programme: the loyalty programme's sections are the tables of their own reports (docs/cli.md)
P="$WORK/programme.db"
"$DANGOL" --db "$P" --quiet demo --customers 400 --seed 5 --loyalty --campaigns >/dev/null 2>&1 || fail "demo store with the programme"
member=$(sqlite3 "$P" "SELECT m.customer_id FROM campaign_members m JOIN coupon_codes c ON c.customer_id = m.customer_id
  JOIN tier_state t ON t.customer_id = m.customer_id JOIN points_lots l ON l.customer_id = m.customer_id LIMIT 1")
[ -n "$member" ] || fail "a demo customer with a tier, points, a coupon and a campaign"
"$DANGOL" --db "$P" --format json customer show "$member" --programme > "$WORK/card.json" 2>/dev/null
for part in "tier show $member" "points balance $member"; do
  # shellcheck disable=SC2086
  "$DANGOL" --db "$P" --format json $part > "$WORK/part.json" 2>/dev/null
  if python3 - "$WORK/card.json" "$WORK/part.json" <<'PY'
import json, sys
card, part = (json.load(open(f)) for f in sys.argv[1:])
part = part if isinstance(part, list) else [part]
sys.exit(0 if all(t in card for t in part) else 1)
PY
  then pass "--programme: the card holds the tables of dangol $part"
  else fail "--programme: the card holds the tables of dangol $part"; fi
done
titles=$(python3 -c "import json,sys; print('|'.join(t['title'] for t in json.load(open(sys.argv[1]))))" "$WORK/card.json")
case "$titles" in
  *"Coupons of $member"*"Campaigns of $member"*) pass "--programme: the card lists the customer's coupons and campaigns" ;;
  *) fail "--programme: the card lists the customer's coupons and campaigns ($titles)" ;;
esac
codes=$(sqlite3 "$P" "SELECT count(*) FROM coupon_codes WHERE customer_id = '$member'")
got=$(python3 -c "import json,sys; print(sum(len(t['rows']) for t in json.load(open(sys.argv[1])) if t['title'].startswith('Coupons of')))" "$WORK/card.json")
if [ "$codes" -gt 0 ] && [ "$codes" = "$got" ]; then pass "--programme: one coupon row per code issued to the customer"
else fail "--programme: one coupon row per code issued to the customer ($codes codes, $got rows)"; fi
# the campaigns' rows: one per campaign the customer is a member of, with its arm and coupon
want=$(sqlite3 -separator , "$P" "SELECT campaign_id, arm, coalesce(coupon_code, '') FROM campaign_members
  WHERE customer_id = '$member' ORDER BY campaign_id")
got=$(python3 -c "import json,sys
rows = [r for t in json.load(open(sys.argv[1])) if t['title'].startswith('Campaigns of') for r in t['rows']]
print('\n'.join(sorted(','.join([r['campaign'], r['group'], r['coupon_code'] or '']) for r in rows)))" "$WORK/card.json")
if [ -n "$want" ] && [ "$want" = "$got" ]; then pass "--programme: one campaign row per membership, with its arm and coupon"
else fail "--programme: one campaign row per membership, with its arm and coupon" "want: $want got: $got"; fi
if "$DANGOL" --db "$P" customer show "$member" 2>&1 | grep -q "^Points balance"; then fail "without --programme the card has no points section"
else pass "without --programme the card has no points section"; fi
