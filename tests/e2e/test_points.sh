# The points ledger end to end: `dangol points` earns from an order, burns, adjusts, reverses,
# expires (twice = once), prints balances, statements and the liability in every format, and
# refuses bad amounts and unknown customers with the documented exit codes, writing nothing;
# 20 processes burning one customer's points at once never overdraw and lose nothing; through
# the API, 20 parallel clients likewise, and 10 retries of one Idempotency-Key apply once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
BURST="$(dirname "$0")/helpers/points_burst.py"
P="$DANGOL --quiet points"

"$DANGOL" --quiet demo --customers 40 --seed 11 >/dev/null 2>&1 || fail "demo store for points"
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DANGOL_DB" "$1"; }
C=$(sql "SELECT customer_id FROM orders ORDER BY order_id LIMIT 1")
O=$(sql "SELECT order_id FROM orders WHERE customer_id = '$C' ORDER BY order_id LIMIT 1")
TOTAL=$(sql "SELECT total FROM orders WHERE order_id = '$O'")
DAY=$(sql "SELECT date(ordered_at, 'unixepoch') FROM orders WHERE order_id = '$O'")

# ---- earn, burn, adjust, reverse
expect_output "an order earns total x 10 / 1000 points" ",$((TOTAL / 100))," \
  $P --format csv earn --order "$O"
expect_exit "an order earns once (exit 1)" 1 $P earn --order "$O"
expect_output "the second earn says why" "has earned its points already" $P earn --order "$O"
expect_ok "a campaign grant" $P earn --customer "$C" --points 500 --source campaign \
  --source-id SPRING --date "$DAY" --actor staff7 --reason "spring event"
ROWS=$(sql "SELECT count(*) FROM points_movements")
for bad in 0 -5 1.5 1,000 abc 99999999999999999999 1000000001; do
  expect_exit "burn --points $bad is refused (exit 2)" 2 $P burn --customer "$C" --points "$bad"
done
expect_output "a non-integer amount says so" "not a whole number" $P burn --customer "$C" --points 2.5
expect_output "an overflowing amount says so" "too large" $P burn --customer "$C" --points 99999999999999999999
expect_exit "an unknown customer exits 3" 3 $P burn --customer NOBODY --points 1
expect_exit "more than the balance exits 1" 1 $P burn --customer "$C" --points 100000000 --date "$DAY"
expect_output "... and says how many are available" "has [0-9]+ points available" \
  $P burn --customer "$C" --points 100000000 --date "$DAY"
[ "$(sql "SELECT count(*) FROM points_movements")" = "$ROWS" ] && pass "refused writes wrote nothing" \
  || fail "refused writes wrote nothing"
expect_output "a burn leaves the balance lower" "^[0-9]+,-100,[0-9]+" \
  $P --format csv burn --customer "$C" --points 100 --date "$DAY" | tail -1
expect_exit "an adjustment needs a reason" 1 $P adjust --customer "$C" --points -5 --date "$DAY"
expect_ok "a negative adjustment with a reason" $P adjust --customer "$C" --points -5 --reason "typo" --date "$DAY"
expect_output "a key applied twice is replayed" "yes" sh -c \
  "$P burn --customer $C --points 3 --date $DAY --idempotency-key K1 >/dev/null && $P burn --customer $C --points 3 --date $DAY --idempotency-key K1"
expect_exit "the key with another amount is refused" 1 $P burn --customer "$C" --points 4 --date "$DAY" --idempotency-key K1
expect_ok "reverse the order's earn" $P reverse --order "$O" --date "$DAY" --reason returned
expect_exit "a second reversal is refused" 1 $P reverse --order "$O" --date "$DAY"
LEDGER=$(sql "SELECT sum(points) FROM points_movements WHERE customer_id = '$C'")
expect_output "the statement's last running balance is the ledger's sum" ",$LEDGER,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*$" \
  sh -c "$P --format csv statement $C | sed -n '/^movement/,/^\$/p' | grep -v '^\$' | tail -1"
expect_output "statement JSON has both tables" '"Points lots of' $P --format json statement "$C"

# ---- expiry, twice = once; balances; liability
expect_output "the expiry job sweeps the expired lots" "^1,[0-9]+" $P --format csv expire --as-of 2100-01-01
expect_output "running it again sweeps nothing" "^0,0" $P --format csv expire --as-of 2100-01-01
expect_output "after it, nothing is available" "^$C,0,0,0,0" $P --format csv balance "$C" --as-of 2100-01-01
expect_output "the liability has its three tables" "Breakage by expiry year" $P liability --as-of 2100-01-01
expect_output "breakage is what expired" "^[0-9]{4},[0-9]+,[0-9]+,[0-9]+," sh -c \
  "$P --format csv liability --as-of 2100-01-01 | sed -n '/^expiry_year/,\$p' | tail -1"
expect_exit "bad rules are refused with file:line:col" 1 sh -c \
  "printf 'base_per_mille = ten\n' > '$WORK/bad.conf'; $P liability --rules '$WORK/bad.conf'"
expect_output "... naming the place" "bad.conf:1:18:" $P liability --rules "$WORK/bad.conf"

# ---- the liability by hand: a small ledger in a store of its own, as of 2025-06-30, lots valid
# 365 days, a point worth 2 won (--rules). X: 100 on 2024-05-01 (expires 2025-05-01, before the
# day), 200 on 2024-07-20 (age 345 days, expires 2025-07-20: in 20 days), 300 on 2025-01-15
# (age 166, expires 2026-01-15), a burn of 50 on 2025-02-01 (from the 100, which expires first),
# 400 on 2025-06-10 (age 20). Y: 150 on 2024-08-15 (age 319, expires 2025-08-15: in 46 days),
# 250 on 2024-09-20 (age 283, expires 2025-09-20: in 82 days), a burn of 100 on 2025-03-01
# (from the 150), +80 adjusted on 2025-06-30 (age 0), 60 on 2025-07-05 (after the day).
# Outstanding: X 200 + 300 + 400, Y 50 + 250 + 80 = 1,280 points in 6 lots, worth 2,560.
# Expiring within 30 days: X's 200; within 60: + Y's 50 = 250; within 90: + Y's 250 = 500.
# By age: 0-90 days X's 400 + Y's 80 = 480 (2 lots); 91-180 X's 300 (1); 181-365 X's 200 + Y's
# 50 + Y's 250 = 500 (3); over 365 nothing. Breakage: the one lot expired by the day, X's 100
# (2025): 50 debited, 50 expired (unswept), 50.0 %.
L="$WORK/liability.db"
"$DANGOL" --db "$L" --quiet demo --customers 5 --seed 3 > /dev/null 2>&1
X=$(DANGOL_DB="$L" sql "SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1")
Y=$(DANGOL_DB="$L" sql "SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1 OFFSET 1")
printf 'expiry_days = 365\npoint_value_minor = 2\n' > "$WORK/liability.conf"
LP="$DANGOL --db $L --quiet points"
for step in "earn $X 100 2024-05-01" "earn $X 200 2024-07-20" "earn $X 300 2025-01-15" "burn $X 50 2025-02-01" \
            "earn $X 400 2025-06-10" "earn $Y 150 2024-08-15" "earn $Y 250 2024-09-20" "burn $Y 100 2025-03-01" \
            "adjust $Y 80 2025-06-30" "earn $Y 60 2025-07-05"; do
  set -- $step
  case $1 in earn) extra="--source manual" ;; adjust) extra="--reason goodwill" ;; *) extra="" ;; esac
  $LP "$1" --customer "$2" --points "$3" --date "$4" $extra --rules "$WORK/liability.conf" > /dev/null ||
    fail "liability ledger: $step"
done
$LP --format csv liability --as-of 2025-06-30 --rules "$WORK/liability.conf" > "$WORK/liability.csv" 2>&1
cat > "$WORK/liability.want" <<'EOF'
# Points liability on 2025-06-30
measure,points,value
outstanding,1280,2560
lots,6,
expiring in 30 days,200,400
expiring in 60 days,250,500
expiring in 90 days,500,1000

# Outstanding points by age on 2025-06-30
age,lots,points,value,share
0-90 days,2,480,960,0.375
91-180 days,1,300,600,0.234375
181-365 days,3,500,1000,0.390625
over 365 days,0,0,0,0

# Breakage by expiry year
expiry_year,points,debited,expired,breakage
2025,100,50,50,0.5
EOF
expect_same "liability by hand: outstanding, value, 30/60/90-day expiry, ageing buckets and breakage" \
  "$WORK/liability.want" "$WORK/liability.csv"
expect_exit "points --help" 0 $P --help
expect_exit "an unknown subcommand is a usage error" 2 $P spend

# ---- 20 processes burn one customer's points at once
B=$(sql "SELECT customer_id FROM customers ORDER BY customer_id DESC LIMIT 1")
$P earn --customer "$B" --points 100 --source manual --reason seed >/dev/null
for i in $(seq 1 20); do
  ( $P burn --customer "$B" --points 7 > /dev/null 2> "$WORK/burn.$i.err"; echo $? > "$WORK/burn.$i.rc" ) &
done
wait
WON=$(cat "$WORK"/burn.*.rc | grep -c '^0$'); REFUSED=$(cat "$WORK"/burn.*.rc | grep -c '^1$')
ROWS=$(sql "SELECT count(*) FROM points_movements WHERE customer_id = '$B' AND kind = 'burn'")
LEFT=$(sql "SELECT sum(points) FROM points_movements WHERE customer_id = '$B'")
echo "points e2e: 20 processes: $WON burned, $REFUSED refused, ledger rows $ROWS, left $LEFT" >&2
[ "$WON" -eq 14 ] && [ "$REFUSED" -eq 6 ] && pass "20 concurrent burns of 7 from 100: 14 pass, 6 refused" \
  || fail "20 concurrent burns of 7 from 100: 14 pass, 6 refused (got $WON, $REFUSED)" "$(cat "$WORK"/burn.*.err)"
[ "$ROWS" -eq "$WON" ] && pass "every burn that passed has its ledger row (lost 0)" || fail "lost burns: $ROWS rows, $WON passed"
[ "$LEFT" -eq $((100 - 7 * WON)) ] && [ "$LEFT" -ge 0 ] && pass "the balance is 100 - 7 x passed, never below 0 (overdrawn 0)" \
  || fail "balance $LEFT after $WON burns"

# ---- the API: 20 parallel clients, and retries of one key
start_server --no-web --threads 4 || exit 0
A=$(sql "SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1 OFFSET 1")
expect_status "grant 1000 points through the API" 201 POST "/api/customers/$A/points/earn" \
  '{"points": 1000, "source": "campaign", "source_id": "API", "reason": "seed"}'
python3 "$BURST" burn "$URL" "$A" 20 8 10 > "$WORK/last.json" 2>&1
echo "points e2e: API: $(cat "$WORK/last.json")" >&2
expect_json "20 clients x 8 rounds of 10 from 1000: 100 pass (201), 60 refused (409)" \
  "j['statuses'] == {'201': 100, '409': 60}"
expect_json "API burns: lost 0, overdrawn 0, the balance is 0" \
  "j['lost'] == 0 and j['overdrawn'] == 0 and j['after'] == 0 and j['available'] == 0 and j['spent'] == j['granted']"
expect_status "grant 50 more" 201 POST "/api/customers/$A/points/earn" '{"points": 50, "source": "manual", "reason": "x"}'
python3 "$BURST" retry "$URL" "$A" 10 5 RETRY-1 > "$WORK/last.json" 2>&1
expect_json "10 simultaneous retries of one key: all 201, one movement, 9 replayed" \
  "j['statuses'] == [201] * 10 and len(j['movements']) == 1 and j['replayed'] == 9"
expect_status "the balance after the retries" 200 GET "/api/customers/$A/points"
expect_json "... is 45: the burn applied once" "j['rows'][0]['available'] == 45"
STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: RETRY-1' -d '{"points": 6}' "$URL/api/customers/$A/points/burn")
[ "$STATUS" = 409 ] && pass "the same key for another request is 409" \
  || fail "the same key for another request is 409 (HTTP $STATUS)" "$(cat "$WORK/last.json")"
expect_json "... saying the key was used" "'was used for another request' in j['error']['message']"
stop_server
