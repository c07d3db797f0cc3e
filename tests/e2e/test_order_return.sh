# A cancelled or returned order (`dangol order return`): its points earn and its coupon
# redemption are reversed in one transaction with the order.return audit entry; the coupon is
# restored as a new code (return_coupon = restore) or forfeited; the reversed redemption leaves
# the redemption rates and the economics' cost; a second return, an unknown order and a reused
# key are refused writing nothing; a failure inside the transaction writes nothing at all.
. "$(dirname "$0")/lib.sh"
D="$DANGOL --quiet"
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DANGOL_DB" "$1"; }
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got \"$3\", wanted \"$2\""; fi; }
counts() { sql "SELECT (SELECT count(*) FROM points_movements) || '/' || (SELECT count(*) FROM coupon_codes) || '/' || (SELECT count(*) FROM order_returns) || '/' || (SELECT count(*) FROM auth_audit WHERE action = 'order.return')"; }

$D demo --customers 300 --seed 3 --campaigns >/dev/null 2>&1 || fail "demo store with campaigns"
O1=$(sql "SELECT order_id FROM coupon_redemptions ORDER BY redemption_id LIMIT 1")
O2=$(sql "SELECT order_id FROM coupon_redemptions ORDER BY redemption_id LIMIT 1 OFFSET 1")
O3=$(sql "SELECT order_id FROM coupon_redemptions ORDER BY redemption_id LIMIT 1 OFFSET 2")
C1=$(sql "SELECT customer_id FROM orders WHERE order_id = '$O1'")
DAY=$(sql "SELECT date(ordered_at, 'unixepoch') FROM orders WHERE order_id = '$O1'")
$D points earn --order "$O1" >/dev/null 2>&1 || fail "the order earns its points"
EARNED=$(sql "SELECT points FROM points_movements WHERE source_id = '$O1' AND kind = 'earn'")
REDEEMED=$(sql "SELECT count(*) FROM coupon_redemptions_kept")
DISCOUNT1=$(sql "SELECT discount FROM coupon_redemptions WHERE order_id = '$O1'")
RATE_BEFORE=$($D --format csv coupon rates | sed -n 2p | cut -d, -f5)

# ---- the return: points and coupon together, audited
BEFORE=$(counts)
expect_output "a return reverses the points and the coupon" "^$O1,$C1,[0-9]+,-$EARNED,0,[0-9A-Z]{11},$DISCOUNT1,restore,[0-9A-Z]{11},no" \
  $D --format csv order return "$O1" --reason "wrong size" --date "$DAY"
check "one reverse movement, one new code, one return row, one audit entry" \
  "$(echo "$BEFORE" | awk -F/ '{print $1+1 "/" $2+1 "/" $3+1 "/" $4+1}')" "$(counts)"
check "the order's points are all taken back" 0 \
  "$(sql "SELECT sum(points) FROM points_movements WHERE source_id = '$O1'")"
check "the reverse movement points at the earn" 1 \
  "$(sql "SELECT count(*) FROM points_movements r JOIN points_movements e ON r.reverses = e.movement_id WHERE e.source_id = '$O1' AND r.kind = 'reverse'")"
NEW=$(sql "SELECT replacement_code FROM order_returns WHERE order_id = '$O1'")
check "the restored code is the customer's, of the same definition, unredeemed" "$C1|1|0" \
  "$(sql "SELECT c.customer_id || '|' || (c.definition_id = r.definition_id) || '|' || (SELECT count(*) FROM coupon_redemptions WHERE code = c.code) FROM coupon_codes c, coupon_redemptions r WHERE c.code = '$NEW' AND r.order_id = '$O1'")"
check "the audit entry names the order, the movement and the coupon" "$O1|$DISCOUNT1|restore|$NEW" \
  "$(sql "SELECT json_extract(detail, '\$.order') || '|' || json_extract(detail, '\$.coupon.discount') || '|' || json_extract(detail, '\$.coupon.policy') || '|' || json_extract(detail, '\$.coupon.replacement_code') FROM auth_audit WHERE action = 'order.return'")"
check "the reversed redemption no longer counts" "$((REDEEMED - 1))" "$(sql "SELECT count(*) FROM coupon_redemptions_kept")"
check "... in the redemption rates" "$((RATE_BEFORE - 1))" "$($D --format csv coupon rates | sed -n 2p | cut -d, -f5)"
check "the redemption row itself stays (append-only)" 1 "$(sql "SELECT count(*) FROM coupon_redemptions WHERE order_id = '$O1'")"
CODE1=$(sql "SELECT code FROM coupon_redemptions WHERE order_id = '$O1'")
DEF1=$(sql "SELECT definition_id FROM coupon_redemptions WHERE order_id = '$O1'")
expect_output "the returned code reads 'reversed' in coupon show" "^$CODE1,$DEF1,$C1,[0-9-]+,reversed,$O1," \
  $D --format csv coupon show "$CODE1"
expect_output "... and in its definition's codes" "^$CODE1,$DEF1,$C1,[0-9-]+,reversed,$O1," \
  $D --format csv coupon list --definition "$DEF1"

# ---- refusals write nothing
BEFORE=$(counts)
expect_exit "a second return exits 1" 1 $D order return "$O1"
expect_output "... saying so" "returned or cancelled already" $D order return "$O1"
expect_exit "an unknown order exits 3" 3 $D order return NO-SUCH-ORDER
expect_exit "a missing order id exits 2" 2 $D order return
expect_exit "a bad --date exits 2" 2 $D order return "$O2" --date 2025-13-01
check "refusals wrote nothing" "$BEFORE" "$(counts)"

# ---- the idempotency key: a retry answers the first result
expect_ok "a cancellation with a key" $D order return "$O2" --cancelled --idempotency-key R1
BEFORE=$(counts)
expect_output "the same key again is replayed" "yes" $D --format csv order return "$O2" --cancelled --idempotency-key R1
expect_exit "the key with another request is refused" 1 $D order return "$O2" --idempotency-key R1
check "the retries wrote nothing" "$BEFORE" "$(counts)"
check "the kind is recorded" cancelled "$(sql "SELECT return_kind FROM order_returns WHERE order_id = '$O2'")"

# ---- the forfeit policy, and a bad policy
printf 'return_coupon = forfeit\n' > "$WORK/forfeit.conf"
printf 'return_coupon = maybe\n' > "$WORK/bad.conf"
expect_output "a bad policy is refused at file:line:col" "bad.conf:1:17:" $D order return "$O3" --rules "$WORK/bad.conf"
expect_output "forfeit gives no code back" "^$O3,[^,]*,[^,]*,[^,]*,[^,]*,[0-9A-Z]{11},[0-9]+,forfeit,,no" \
  $D --format csv order return "$O3" --rules "$WORK/forfeit.conf"

# ---- all or nothing: a failure at the last write leaves the points and codes untouched
O4=$(sql "SELECT order_id FROM coupon_redemptions ORDER BY redemption_id LIMIT 1 OFFSET 3")
$D points earn --order "$O4" >/dev/null 2>&1
python3 -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute(\"CREATE TRIGGER test_fail BEFORE INSERT ON order_returns BEGIN SELECT RAISE(ABORT, 'injected failure'); END\"); db.commit()" "$DANGOL_DB"
BEFORE=$(counts)
expect_exit "a failure inside the transaction exits non-zero" 1 $D order return "$O4"
check "... and writes neither the points reversal nor the code" "$BEFORE" "$(counts)"

# ---- through the API: the same write, 409 the second time, a key replayed; the card's history
. "$(dirname "$0")/server.sh"
python3 -c "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute('DROP TRIGGER test_fail'); db.commit()" "$DANGOL_DB"
O5=$(sql "SELECT order_id FROM coupon_redemptions ORDER BY redemption_id LIMIT 1 OFFSET 4")
C5=$(sql "SELECT customer_id FROM orders WHERE order_id = '$O5'")
start_server || exit 0
expect_status "POST /api/orders/{id}/return answers 201" 201 POST "/api/orders/$O5/return" '{"kind": "cancelled", "reason": "api"}'
expect_json "... with the reversed coupon and its replacement" \
  "j['customer_id'] == '$C5' and j['redemption_id'] > 0 and j['coupon_policy'] == 'restore' and len(j['replacement_code']) == 11 and j['replayed'] is False"
CODE5=$(sql "SELECT code FROM coupon_redemptions WHERE order_id = '$O5'")
expect_status "the customer's codes" 200 GET "/api/customers/$C5/coupons"
expect_json "... show the cancelled order's code as reversed, its replacement as issued" \
  "[r['coupon_state'] for r in j['rows'] if r['order_id'] == '$O5'] == ['reversed'] and 'issued' in [r['coupon_state'] for r in j['rows']]"
expect_status "a second return is 409" 409 POST "/api/orders/$O5/return" '{}'
expect_status "an unknown order is 404" 404 POST "/api/orders/NOPE/return" '{}'
expect_status "a bad kind is 400" 400 POST "/api/orders/$O5/return" '{"kind": "lost"}'
expect_status "an unknown field is 400" 400 POST "/api/orders/$O5/return" '{"points": 1}'
O6=$(sql "SELECT order_id FROM coupon_redemptions ORDER BY redemption_id LIMIT 1 OFFSET 5")
curl -s -o /dev/null -X POST -H 'Idempotency-Key: RK' -H 'Content-Type: application/json' -d '{}' "$URL/api/orders/$O6/return"
BEFORE=$(counts)
R=$(curl -s -X POST -H 'Idempotency-Key: RK' -H 'Content-Type: application/json' -d '{}' "$URL/api/orders/$O6/return")
check "a retried key answers the first result and writes nothing" "true|$BEFORE" \
  "$(printf '%s' "$R" | python3 -c 'import json,sys; print(str(json.load(sys.stdin)["replayed"]).lower())')|$(counts)"
CM=$(sql "SELECT customer_id FROM campaign_members WHERE arm = 'treatment' AND coupon_code IS NOT NULL ORDER BY customer_id LIMIT 1")
expect_status "a customer's campaign history" 200 GET "/api/customers/$CM/campaigns"
expect_json "... lists every campaign they were in, with group and offer" \
  "len(j['rows']) == $(sql "SELECT count(*) FROM campaign_members WHERE customer_id = '$CM'") and all(r['group'] in ('treatment', 'control') and r['offer'] in ('coupon', 'points') for r in j['rows'])"
expect_status "an unknown customer's history is 404" 404 GET "/api/customers/NOPE/campaigns"
stop_server
