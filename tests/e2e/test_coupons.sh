# Coupons end to end: `dangol coupon` defines, issues (options and a file), redeems with the
# documented discount, voids, lists, shows and reports rates in every format; bad input (zero,
# negative, non-integer, overflowing amounts, percent > 100, unknown ids, mistyped codes, expired,
# voided or spent coupons) is refused with the documented exit code and writes nothing; 20
# processes redeeming one single-use code: exactly one wins, 19 exit 1 naming the conflict;
# through the API, 20 parallel clients: one 201 and 19 409, and 20 retries of one
# Idempotency-Key apply once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
BURST="$(dirname "$0")/helpers/coupons_burst.py"
C="$DANGOL --quiet coupon"

"$DANGOL" --quiet demo --customers 40 --seed 11 >/dev/null 2>&1 || fail "demo store for coupons"
sql() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchone(); c.commit(); print(r[0] if r else '')" "$DANGOL_DB" "$1"; }
rows() { sql "SELECT (SELECT count(*) FROM coupon_definitions) || '/' || (SELECT count(*) FROM coupon_codes) || '/' || (SELECT count(*) FROM coupon_redemptions) || '/' || (SELECT count(*) FROM coupon_requests) || '/' || (SELECT count(*) FROM coupon_codes WHERE voided_at IS NOT NULL) || '/' || (SELECT count(*) FROM coupon_definitions WHERE voided_at IS NOT NULL)"; }
# code_of FILE N: the code in row N of an issue's CSV output
code_of() { sed -n "$(($2 + 1))p" "$1" | cut -d, -f2; }
unchanged() { [ "$(rows)" = "$1" ] && pass "$2: nothing written" || fail "$2: nothing written ($1 -> $(rows))"; }

A=$(sql "SELECT customer_id FROM orders GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1")
OA=$(sql "SELECT order_id FROM orders WHERE customer_id = '$A' ORDER BY total DESC LIMIT 1")
TA=$(sql "SELECT total FROM orders WHERE order_id = '$OA'")
OB=$(sql "SELECT order_id FROM orders WHERE customer_id <> '$A' ORDER BY order_id LIMIT 1")
NEW=$(sql "SELECT customer_id FROM customers WHERE customer_id NOT IN (SELECT customer_id FROM orders) ORDER BY customer_id LIMIT 1")

# ---- define, and bad definitions
expect_ok "define a percent coupon with a cap" $C define TEN --percent 10 --cap 1000000 --min-spend 1,000 --campaign SPRING --name "봄 10%"
expect_ok "define a fixed coupon" $C define FIX --amount 3000 --per-customer 2 --total-limit 5 --campaign SPRING
expect_ok "define a first-purchase coupon (audience in Korean)" $C define FIRST --amount 2000 --audience "첫 구매"
R0=$(rows)
for bad in "--percent 0" "--percent -5" "--percent 101" "--percent 100.001" "--percent ten" \
           "--amount 0" "--amount -5" "--amount 1.5" "--amount 99999999999999999999" \
           "--amount 5 --percent 5" "--amount 5 --cap 10" "--amount 5 --total-limit 0" \
           "--amount 5 --per-customer 1.5" "--amount 5 --from 2025-02-01 --until 2025-01-31" \
           "--amount 5 --until 2025-02-30" "--amount 5 --audience everyone"; do
  expect_exit "define $bad is refused (exit 2)" 2 $C define BAD $bad
done
expect_output "a percent over 100 says so" "at most 100" $C define BAD --percent 101
expect_output "an overflowing amount says so" "too large|range|at most" $C define BAD --amount 99999999999999999999
expect_exit "an id defined twice exits 1" 1 $C define TEN --percent 5
unchanged "$R0" "bad definitions"

# ---- issue
printf '# spring list\n%s\n\n%s\n' "$A" "$(sql "SELECT customer_id FROM orders WHERE customer_id <> '$A' ORDER BY order_id LIMIT 1")" > "$WORK/list.txt"
expect_ok "issue from a file" sh -c "$C --format csv issue TEN --customers '$WORK/list.txt' > '$WORK/ten.csv'"
[ "$(wc -l < "$WORK/ten.csv")" -eq 3 ] && pass "one code per listed customer" || fail "one code per listed customer" "$(cat "$WORK/ten.csv")"
CODE=$(code_of "$WORK/ten.csv" 1); CODE_B=$(code_of "$WORK/ten.csv" 2)
expect_output "codes are 11 symbols of the alphabet" "^[2-9A-HJKMNP-Z]{11}$" echo "$CODE"
R0=$(rows)
expect_exit "issue of an unknown definition exits 3" 3 $C issue NOPE --customer "$A"
expect_exit "issue to an unknown customer exits 3 (all or none)" 3 $C issue TEN --customer "$A" --customer NOBODY
expect_exit "a customer listed twice exits 1" 1 $C issue TEN --customer "$A" --customer "$A"
expect_exit "a first-purchase coupon to a customer with orders exits 1" 1 $C issue FIRST --customer "$A"
expect_output "... saying why" "first-purchase" $C issue FIRST --customer "$A"
expect_exit "a bad id in the file exits 2 with file:line" 2 sh -c "printf 'C1\n C2\n' > '$WORK/bad.txt'; $C issue TEN --customers '$WORK/bad.txt'"
expect_output "... naming the line" "bad.txt:2:" $C issue TEN --customers "$WORK/bad.txt"
expect_exit "issue without customers is a usage error" 2 $C issue TEN
unchanged "$R0" "refused issues"

# ---- redeem: the discount, and every refusal
MISTYPED=$(printf '%s' "$CODE" | python3 -c "import sys; c=sys.stdin.read(); a='23456789ABCDEFGHJKMNPQRSTUVWXYZ'; print(c[:2] + a[(a.index(c[2]) + 1) % 31] + c[3:])")
SWAPPED=$(printf '%s' "$CODE" | python3 -c "import sys; c=sys.stdin.read(); i=next(i for i in range(10) if c[i] != c[i+1]); print(c[:i] + c[i+1] + c[i] + c[i+2:])")
R0=$(rows)
expect_exit "a mistyped code exits 2" 2 $C redeem "$MISTYPED" --order "$OA"
expect_output "... and says it is mistyped, not unknown" "mistyped" $C redeem "$MISTYPED" --order "$OA"
expect_exit "two swapped symbols are caught too" 2 $C redeem "$SWAPPED" --order "$OA"
expect_output "an O for a 0 is named" "never used" $C redeem "O$(printf '%s' "$CODE" | cut -c2-)" --order "$OA"
expect_exit "a well-formed code never issued exits 3" 3 $C redeem 22222222222 --order "$OA"
expect_exit "an unknown order exits 3" 3 $C redeem "$CODE" --order NO-ORDER
expect_exit "another customer's order exits 1" 1 $C redeem "$CODE" --order "$OB"
expect_output "... naming whose it is" "the coupon was issued to" $C redeem "$CODE" --order "$OB"
unchanged "$R0" "refused redemptions"
WANT=$((TA / 10)); [ "$WANT" -gt 1000000 ] && WANT=1000000
expect_output "10% of the order, rounded down, is the discount" ",$TA,$WANT," \
  $C --format csv redeem "$(printf '%s' "$CODE" | tr 'A-Z' 'a-z' | sed 's/^\(....\)/\1-/')" --order "$OA"
expect_exit "the code again exits 1" 1 $C redeem "$CODE" --order "$OA"
expect_output "... naming the conflict" "redeemed already" $C redeem "$CODE" --order "$OA"
[ "$(sql "SELECT count(*) FROM coupon_redemptions WHERE code = '$CODE'")" = 1 ] && pass "one ledger row for the redemption" || fail "one ledger row for the redemption"
expect_exit "a redeemed code cannot be voided" 1 $C void "$CODE"
expect_ok "void a code" $C void "$CODE_B" --reason "sent twice"
expect_exit "voiding it again exits 1" 1 $C void "$CODE_B"
R0=$(rows)
expect_exit "a voided code exits 1" 1 $C redeem "$CODE_B" --order "$OB"
expect_output "... saying it was voided" "voided" $C redeem "$CODE_B" --order "$OB"
unchanged "$R0" "a voided code"

# validity: an order in 2099 against a coupon valid until 2098; min spend; first purchase
sql "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('FUTURE', '$A', strftime('%s', '2099-06-01'), 50000)" >/dev/null
sql "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('SMALL', '$A', strftime('%s', '2025-06-01'), 999)" >/dev/null
expect_ok "define a coupon valid until 2098" $C define UNTIL --amount 100 --until 2098-12-31
$C --format csv issue UNTIL --customer "$A" > "$WORK/until.csv"
$C --format csv issue TEN --customer "$A" > "$WORK/ten2.csv"
R0=$(rows)
expect_exit "an expired coupon exits 1" 1 $C redeem "$(code_of "$WORK/until.csv" 1)" --order FUTURE
expect_output "... saying it expired" "expired on 2098-12-31" $C redeem "$(code_of "$WORK/until.csv" 1)" --order FUTURE
expect_exit "below the minimum spend exits 1" 1 $C redeem "$(code_of "$WORK/ten2.csv" 1)" --order SMALL
expect_output "... naming the minimum" "minimum spend of 1000" $C redeem "$(code_of "$WORK/ten2.csv" 1)" --order SMALL
unchanged "$R0" "expired and below the minimum"
$C --format csv issue FIRST --customer "$NEW" > "$WORK/first.csv"
sql "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('NEW1', '$NEW', strftime('%s', '2025-06-01'), 20000), ('NEW2', '$NEW', strftime('%s', '2025-07-01'), 20000)" >/dev/null
expect_exit "a first-purchase coupon on a second order exits 1" 1 $C redeem "$(code_of "$WORK/first.csv" 1)" --order NEW2
expect_output "a first-purchase coupon on the first order" ",20000,2000," $C --format csv redeem "$(code_of "$WORK/first.csv" 1)" --order NEW1
expect_ok "void a whole definition" $C void --definition UNTIL --reason recalled
expect_exit "an unknown definition cannot be voided (exit 3)" 3 $C void --definition NOPE

# ---- idempotency keys (CLI)
$C --format csv issue FIX --customer "$A" > "$WORK/fix.csv"
FIXCODE=$(code_of "$WORK/fix.csv" 1)
expect_output "a key applied twice is replayed" ",yes$" sh -c \
  "$C --format csv redeem $FIXCODE --order SMALL --idempotency-key K1 >/dev/null && $C --format csv redeem $FIXCODE --order SMALL --idempotency-key K1"
expect_exit "the key with another request exits 1" 1 $C redeem "$FIXCODE" --order FUTURE --idempotency-key K1
$C --format csv issue FIX --customer "$NEW" --idempotency-key K2 > "$WORK/k2a.csv"
$C --format csv issue FIX --customer "$NEW" --idempotency-key K2 > "$WORK/k2b.csv"
expect_same "an issue retried with its key shows the same codes" "$WORK/k2a.csv" "$WORK/k2b.csv"
[ "$(sql "SELECT count(*) FROM coupon_codes WHERE definition_id = 'FIX'")" = 2 ] && pass "the retried issue wrote its code once" || fail "the retried issue wrote its code once"

# ---- reports
expect_output "list shows states" "^UNTIL,.*,voided," $C --format csv list
expect_output "list --definition shows each code's state" "^$CODE,TEN,$A,[0-9-]+,redeemed,$OA," $C --format csv list --definition TEN
expect_output "show reads a code as typed" '"coupon_state":"redeemed"' $C --format json show "$(printf '%s' "$CODE" | tr 'A-Z' 'a-z')"
expect_exit "show of a mistyped code exits 2" 2 $C show "$MISTYPED"
expect_exit "show of a code never issued exits 3" 3 $C show 22222222222
expect_output "rates by coupon: TEN 1 of 3 redeemed with its Wilson interval" "^TEN,SPRING,1,3,1,0.333" $C --format csv rates
expect_output "rates by campaign add up the campaign's coupons" "^SPRING,2,5,2," $C --format csv rates --by campaign
expect_output "rates say how the interval is made" "Wilson" "$DANGOL" coupon rates
expect_exit "rates --by an unknown grouping exits 2" 2 $C rates --by month
for sub in define issue redeem void list show rates; do
  expect_output "coupon $sub --help" "usage: dangol" $C $sub --help
done
expect_exit "an unknown subcommand is a usage error" 2 $C spend

# ---- 20 processes redeem one single-use code at once
$C --format csv issue FIX --customer "$(sql "SELECT customer_id FROM orders WHERE customer_id <> '$A' ORDER BY order_id DESC LIMIT 1")" > "$WORK/race.csv"
RACE=$(code_of "$WORK/race.csv" 1)
RO=$(sql "SELECT order_id FROM orders WHERE customer_id = '$(sed -n 2p "$WORK/race.csv" | cut -d, -f1)' ORDER BY order_id LIMIT 1")
for i in $(seq 1 20); do
  ( $C redeem "$RACE" --order "$RO" > /dev/null 2> "$WORK/race.$i.err"; echo $? > "$WORK/race.$i.rc" ) &
done
wait
WON=$(cat "$WORK"/race.*.rc | grep -c '^0$'); REFUSED=$(cat "$WORK"/race.*.rc | grep -c '^1$')
ROWS=$(sql "SELECT count(*) FROM coupon_redemptions WHERE code = '$RACE'")
echo "coupons e2e: 20 processes: $WON redeemed, $REFUSED refused, ledger rows $ROWS" >&2
[ "$WON" -eq 1 ] && [ "$REFUSED" -eq 19 ] && pass "20 concurrent redemptions of one code: 1 wins, 19 exit 1" \
  || fail "20 concurrent redemptions of one code: 1 wins, 19 exit 1 (got $WON, $REFUSED)" "$(cat "$WORK"/race.*.err)"
[ "$(cat "$WORK"/race.*.err | grep -c 'redeemed already')" -eq 19 ] && pass "every loser names the conflict" \
  || fail "every loser names the conflict" "$(cat "$WORK"/race.*.err)"
[ "$ROWS" -eq 1 ] && pass "exactly one ledger row (double-applied 0, lost 0)" || fail "ledger rows for the raced code: $ROWS"

# ---- the API: 20 parallel clients, retries of one key, bad input
start_server --no-web --threads 4 || exit 0
B=$(sed -n 2p "$WORK/race.csv" | cut -d, -f1)
sql "INSERT INTO orders (order_id, customer_id, ordered_at, total) VALUES ('B-API1', '$B', strftime('%s', '2025-08-01'), 40000), ('B-API2', '$B', strftime('%s', '2025-08-02'), 40000)" >/dev/null
R0=$(rows)
expect_status "percent over 100 is 400" 400 POST /api/coupons '{"definition_id": "X", "percent": 101}'
expect_status "a negative amount is 400" 400 POST /api/coupons '{"definition_id": "X", "amount": -5}'
expect_status "a zero amount is 400" 400 POST /api/coupons '{"definition_id": "X", "amount": 0}'
expect_status "an overflowing amount is 400" 400 POST /api/coupons '{"definition_id": "X", "amount": 99999999999999999999}'
expect_status "a fractional KRW amount is 400" 400 POST /api/coupons '{"definition_id": "X", "amount": 1.5}'
expect_status "an unknown field is 400" 400 POST /api/coupons '{"definition_id": "X", "amount": 5, "colour": "red"}'
expect_status "issue of an unknown definition is 404" 404 POST /api/coupons/NOPE/issue "{\"customers\": [\"$B\"]}"
expect_status "issue to an unknown customer is 404" 404 POST /api/coupons/FIX/issue '{"customers": ["NOBODY"]}'
expect_status "a mistyped code is 400" 400 POST "/api/coupon-codes/$MISTYPED/redeem" "{\"order_id\": \"$OA\"}"
expect_status "a code never issued is 404" 404 POST /api/coupon-codes/22222222222/redeem "{\"order_id\": \"$OA\"}"
expect_status "an unknown order is 404" 404 POST "/api/coupon-codes/$(code_of "$WORK/ten2.csv" 1)/redeem" '{"order_id": "NO-ORDER"}'
expect_status "a voided code is 409" 409 POST "/api/coupon-codes/$CODE_B/redeem" "{\"order_id\": \"$OB\"}"
unchanged "$R0" "refused API writes"
expect_status "issue a code through the API" 201 POST /api/coupons/TEN/issue "{\"customers\": [\"$B\"]}"
API_CODE=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['codes'][0]['code'])")
python3 "$BURST" redeem "$URL" "$API_CODE" B-API1 20 > "$WORK/last.json" 2>&1
echo "coupons e2e: API: $(cat "$WORK/last.json")" >&2
expect_json "20 clients redeem one code: one 201, nineteen 409" "j['statuses'] == {'201': 1, '409': 19}"
expect_json "... one redemption, the code redeemed, the losers told why" \
  "len(j['redemptions']) == 1 and j['state'] == 'redeemed' and all('redeemed already' in m for m in j['messages'])"
[ "$(sql "SELECT count(*) FROM coupon_redemptions WHERE code = '$API_CODE'")" = 1 ] && pass "one ledger row for the API race" || fail "one ledger row for the API race"
expect_status "issue another" 201 POST /api/coupons/FIX/issue "{\"customers\": [\"$B\"]}"
KEY_CODE=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['codes'][0]['code'])")
python3 "$BURST" retry "$URL" "$KEY_CODE" B-API2 20 RETRY-1 > "$WORK/last.json" 2>&1
expect_json "20 simultaneous retries of one key: all 201, one redemption, 19 replayed" \
  "j['statuses'] == {'201': 20} and len(j['redemptions']) == 1 and j['replayed'] == 19"
STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: RETRY-1' -d '{"order_id": "FUTURE"}' "$URL/api/coupon-codes/$FIXCODE/redeem")
[ "$STATUS" = 409 ] && pass "a reused key for another request is 409" || fail "a reused key for another request is 409 (HTTP $STATUS)" "$(cat "$WORK/last.json")"
expect_json "... saying the key was used" "'was used for another request' in j['error']['message']"
expect_status "the API's rates match the CLI's" 200 GET /api/coupons/rates
"$DANGOL" --format json coupon rates > "$WORK/rates.cli.json" 2>/dev/null
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a['rows'] == b['rows'] else 1)" "$WORK/last.json" "$WORK/rates.cli.json" \
  && pass "API and CLI rates are the same rows" || fail "API and CLI rates are the same rows"
stop_server
