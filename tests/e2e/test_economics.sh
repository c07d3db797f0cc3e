# dangol economics (docs/economics.md): the marketing spend import (bad rows name
# file:line:column and write nothing, CP949 and Korean channel names, eight importers at once
# lose or double nothing), the four views on a hand-made store against figures worked by hand,
# on the demo store (CAC and margins that mean something), and their option errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
D="$DANGOL"
"$D" --quiet init --currency KRW >/dev/null 2>&1 || "$D" --quiet init >/dev/null

cat > "$WORK/customers.csv" <<'EOF'
customer_id,acquisition_channel,acquired_on
A,search,2024-01-10
B,search,2024-01-20
C,sns,2024-02-05
EOF
cat > "$WORK/products.csv" <<'EOF'
product_id,price,unit_cost
P1,10000,4000
P2,5000,
EOF
cat > "$WORK/orders.csv" <<'EOF'
order_id,customer_id,ordered_at,total
O1,A,2024-01-15,20000
O2,A,2024-02-10,10000
O3,B,2024-03-01,5000
O4,C,2024-02-06,30000
EOF
cat > "$WORK/lines.csv" <<'EOF'
order_id,line_no,product_id,quantity,amount
O1,1,P1,2,20000
O2,1,P1,1,10000
O3,1,P2,1,5000
O4,1,P1,3,30000
EOF
ok=1
for e in customers:customers products:products orders:orders order_lines:lines; do
  "$D" --quiet import "${e%%:*}" "$WORK/${e#*:}.csv" >/dev/null 2>"$WORK/err" || { ok=0; cat "$WORK/err" >&2; }
done
if [ $ok = 1 ]; then pass "the small store imports"; else fail "the small store imports"; fi

# ---- importing the spend
cat > "$WORK/spend.csv" <<'EOF'
acquisition_channel,month,amount,note
search,2024-01-01,16000,keyword ads
sns,2024-02-01,12000,
EOF
expect_ok "marketing spend imports" "$D" --quiet import marketing_spend "$WORK/spend.csv"
expect_ok "the same file again changes nothing" "$D" --quiet import marketing_spend "$WORK/spend.csv"
n=$("$D" export marketing_spend | tail -n +2 | wc -l)
if [ "$n" -eq 2 ]; then pass "two spend rows after two imports"; else fail "two spend rows after two imports ($n)"; fi

printf 'acquisition_channel,month,amount\nevent,2024-03-01,5000\nevent,2024-04-01,-300\nevent,2024-13-01,100\n' > "$WORK/bad.csv"
expect_exit "a negative amount is refused" 1 "$D" import marketing_spend "$WORK/bad.csv"
expect_output "... at file:line:column" "bad.csv:3:3: amount -300 is negative" "$D" import marketing_spend "$WORK/bad.csv"
expect_output "... and the bad month too" "bad.csv:4:2: month .*2024-13-01" "$D" import marketing_spend "$WORK/bad.csv"
n=$("$D" export marketing_spend | grep -c '^event' || true)
if [ "$n" -eq 0 ]; then pass "a refused file writes nothing (not even its good row)"; else fail "a refused file writes nothing ($n event rows)"; fi
printf 'acquisition_channel,month\nevent,2024-03-01\n' > "$WORK/noamount.csv"
expect_output "a missing amount column is named" "missing required column \"amount\"" "$D" import marketing_spend "$WORK/noamount.csv"

# CP949 (Korean Excel) with the channels by their Korean names
printf '채널,월,금액\n검색,2024-02-01,7000\n제휴,2024-02-01,3000\n' | iconv -f UTF-8 -t CP949 > "$WORK/cp949.csv"
expect_ok "a CP949 spend file with --map imports" "$D" --quiet import marketing_spend "$WORK/cp949.csv" \
  --encoding cp949 --map "채널=acquisition_channel,월=month,금액=amount"
expect_output "Korean channel names are stored as codes" '^search,2024-02-01,7000' "$D" export marketing_spend
expect_output "... partnership too" '^partnership,2024-02-01,3000' "$D" export marketing_spend
"$D" --quiet import marketing_spend /dev/stdin <<'EOF' >/dev/null
acquisition_channel,month,amount
search,2024-02-01,0
partnership,2024-02-01,0
EOF

# ---- eight importers at once: every row present exactly once
for i in 1 2 3 4 5 6 7 8; do
  { echo "acquisition_channel,month,amount"; m=1; while [ $m -le 12 ]; do printf 'burst%d,2023-%02d-01,%d\n' "$i" "$m" "$((i * 1000 + m))"; m=$((m + 1)); done; } > "$WORK/burst$i.csv"
done
pids=""
for i in 1 2 3 4 5 6 7 8; do
  "$D" --quiet import marketing_spend "$WORK/burst$i.csv" > "$WORK/burst$i.out" 2>&1 & pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
if [ $failed -eq 0 ]; then pass "eight concurrent spend imports all succeed"; else fail "eight concurrent spend imports all succeed ($failed failed)" "$(cat "$WORK"/burst*.out)"; fi
"$D" export marketing_spend | grep '^burst' | cut -d, -f1-3 | sort > "$WORK/burst.got"
for i in 1 2 3 4 5 6 7 8; do tail -n +2 "$WORK/burst$i.csv"; done | sort > "$WORK/burst.want"
expect_same "96 rows, each exactly once with its amount" "$WORK/burst.want" "$WORK/burst.got"
"$D" export marketing_spend | grep -v '^burst' > "$WORK/spend.keep"
python3 - "$DANGOL_DB" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("DELETE FROM marketing_spend WHERE acquisition_channel LIKE 'burst%'"); db.commit()
EOF

# ---- the views on the small store, against the figures worked by hand (tests/unit too)
"$D" --format json economics cac > "$WORK/cac.json"
expect_ok "cac: search 2024-01 costs 8,000 per new customer, sns 2024-02 12,000" python3 -c "
import json; t = json.load(open('$WORK/cac.json')); r = {(x['acquisition_channel'], x['month']): x for x in t['rows']}
assert r[('search', '2024-01-01')]['cac'] == 8000 and r[('search', '2024-01-01')]['new_customers'] == 2
assert r[('sns', '2024-02-01')]['cac'] == 12000
assert r[('search', '2024-02-01')]['marketing_spend'] == 0 and r[('search', '2024-02-01')]['new_customers'] == 0"
"$D" --format json economics clv-cac > "$WORK/channels.json"
expect_ok "clv-cac: search pays back in month 2, sns in month 1; search's margin rate 60%" python3 -c "
import json; t = json.load(open('$WORK/channels.json')); r = {x['acquisition_channel']: x for x in t['rows']}
assert r['search']['payback_months'] == 2 and r['sns']['payback_months'] == 1, r
assert abs(r['search']['margin_rate'] - 0.6) < 1e-9"
printf 'ticket_cost = 1500\nretention_months = 2\n' > "$WORK/econ.conf"
"$D" --format json economics profit --config "$WORK/econ.conf" > "$WORK/profit.json"
expect_ok "profit: gross margin 36,000; A's contribution 18,000, B's unknown (uncosted product)" python3 -c "
import json; tot, cust = json.load(open('$WORK/profit.json')); t = tot['rows'][0]
assert t['revenue'] == 65000 and t['gross_margin'] == 36000 and t['contribution'] == 36000, t
r = {x['customer_id']: x for x in cust['rows']}
assert r['A']['contribution'] == 18000 and r['B']['contribution'] is None and cust['rows'][0]['customer_id'] == 'A'"
"$D" --format json economics retention --config "$WORK/econ.conf" > "$WORK/retention.json"
expect_ok "retention over 2 months: 12,000 for C's acquisition; A and B retained" python3 -c "
import json; t = json.load(open('$WORK/retention.json')); r = {x['side']: x for x in t['rows']}
assert r['acquisition']['from'] == '2024-02-01' and r['acquisition']['cost'] == 12000 and r['acquisition']['customers'] == 1
assert r['retention']['customers'] == 2 and r['retention']['cost'] == 0
b = r['retention_beyond_control']; assert b['cost'] == 0 and b['customers'] == 0 and b['cost_per_customer'] is None, b"
expect_output "retention says what the beyond-control row is" "over the customers they kept beyond it" \
  "$D" economics retention
expect_output "csv works" '^acquisition_channel,month,marketing_spend,new_customers,cac' "$D" --format csv economics cac
expect_output "a table by default" 'Acquisition cost per new customer' "$D" economics cac
expect_output "--as-of ignores later orders" '"revenue": ?60000' "$D" --format json economics profit --as-of 2024-02-16

# ---- options and config errors
expect_output "--help" "usage: dangol .*economics VIEW" "$D" economics --help
expect_output "a view's --help" "payback months" "$D" economics clv-cac --help
expect_exit "no view is a usage error" 2 "$D" economics
expect_exit "an unknown view is a usage error" 2 "$D" economics ltv
expect_output "... naming the valid ones" "valid: cac, clv-cac, profit, retention" "$D" economics ltv
expect_exit "a bad --top" 2 "$D" economics profit --top -3
expect_exit "a bad --as-of" 2 "$D" economics cac --as-of 2024-02-30
printf 'ticket_cost = 1500\nretention_months = 0\n' > "$WORK/bad.conf"
expect_exit "a bad config line exits 1 (as every config file)" 1 "$D" economics profit --config "$WORK/bad.conf"
expect_output "... naming file:line:column" "bad.conf:2:20: retention_months = \"0\"" "$D" economics profit --config "$WORK/bad.conf"
expect_exit "a missing config file" 3 "$D" economics profit --config "$WORK/none.conf"

# ---- the demo store: every channel has spend, CAC, CLV and a margin
export DANGOL_DB="$WORK/demo.db"
"$D" --quiet demo --customers 1500 --seed 4 >/dev/null
"$D" --format json economics clv-cac --config "$ROOT/config/economics.conf" > "$WORK/demo.json"
expect_ok "demo: eight channels with CAC, CLV on revenue and margin, and some payback" python3 -c "
import json; rows = json.load(open('$WORK/demo.json'))['rows']
assert len(rows) == 8, len(rows)
assert all(r['cac'] > 0 and r['clv'] > 0 and 0.2 < r['margin_rate'] < 0.7 and r['clv_margin'] < r['clv'] for r in rows), rows
assert any(r['payback_months'] for r in rows)"
expect_ok "demo: the cheapest channel to win through is a walk-in, the dearest home shopping" python3 -c "
import json; rows = json.load(open('$WORK/demo.json'))['rows']
by = sorted(rows, key=lambda r: r['cac'])
assert by[0]['acquisition_channel'] == 'store_walk_in' and by[-1]['acquisition_channel'] == 'home_shopping', [(r['acquisition_channel'], r['cac']) for r in by]"

# ---- the API serves the same tables as the CLI (one report layer), with the server's settings
"$D" --format json economics profit --top 5 --config "$ROOT/config/economics.conf" > "$WORK/profit.cli.json"
"$D" --format json economics clv-cac > "$WORK/channels.cli.json"
expect_exit "serve refuses a bad --economics-config" 1 "$D" serve --port 0 --no-web --economics-config "$WORK/bad.conf"
if start_server --no-web --economics-config "$ROOT/config/economics.conf"; then
  curl -s "$URL/api/economics/profit?top=5" > "$WORK/profit.api.json"
  expect_same "API profit = CLI profit" "$WORK/profit.cli.json" "$WORK/profit.api.json"
  curl -s "$URL/api/economics/clv-cac" > "$WORK/channels.api.json"
  expect_same "API clv-cac = CLI clv-cac (the cached fit is the CLI's)" "$WORK/channels.cli.json" "$WORK/channels.api.json"
  expect_status "a bad as_of is 400" 400 GET "/api/economics/cac?as_of=2025-02-30"
  expect_status "an unknown argument is 400" 400 GET "/api/economics/retention?months=3"
  stop_server
fi

# ---- the tiers' discount is a cost (docs/economics.md): after a tier evaluation, the profit's
# tier_discounts are each order's total x its customer's tier discount on the order's day,
# computed again in Python from tier_history; they add to the cost to serve
TD="$WORK/tiers.db"
"$DANGOL" --db "$TD" --quiet demo --customers 1500 --seed 4 >/dev/null 2>&1 || fail "demo store for the tier discounts"
GOT0=$("$DANGOL" --db "$TD" --quiet --format csv economics profit --top 1 | sed -n 3p | awk -F, '{print $12}')
[ "$GOT0" = 0 ] && pass "no tier discount before tiers are evaluated" || fail "no tier discount before tiers are evaluated" "$GOT0"
"$DANGOL" --db "$TD" --quiet tier evaluate --as-of 2025-12-31 >/dev/null || fail "tiers evaluated for the discounts"
GOT=$("$DANGOL" --db "$TD" --quiet --format csv economics profit --top 1 | sed -n 3p)
WANT=$(python3 "$(dirname "$0")/helpers/tier_discounts.py" "$TD" 20453 basic=0,silver=3,gold=5,vip=10 basic)
[ "$(echo "$GOT" | awk -F, '{print $12}')" = "$WANT" ] && [ "$WANT" -gt 0 ] \
  && pass "tier discounts ($WANT) match an independent computation" || fail "tier discounts match an independent computation" "$GOT / $WANT"
echo "$GOT" | awk -F, '{ exit !($8 == $5 + $6 + $7 + $12) }' \
  && pass "the cost to serve includes the tier discounts" || fail "the cost to serve includes the tier discounts" "$GOT"
