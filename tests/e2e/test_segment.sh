# dangol features and dangol segment: the feature table and its as-of cut (orders imported after
# the as-of day change nothing), segments deterministic for a seed, the silhouette table, the
# profiles adding up (shares, revenue, the RFM crosstab), the refusals (too few customers, a
# constant, unknown or missing feature, bad options) and GET /api/segments.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
PY=/usr/bin/python3

# json_check NAME FILE PYTHON-EXPRESSION over j
json_check() {
  if $PY -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($3) else 1)" "$2" 2>"$WORK/py.err"
  then pass "$1"; else fail "$1: not ($3)" "$(head -c 600 "$2"; cat "$WORK/py.err")"; fi
}

expect_output "features --help defines the features" "tenure" "$DANGOL" features --help
expect_output "segment --help names the silhouette" "silhouette" "$DANGOL" segment --help
"$DANGOL" init > /dev/null
expect_exit "an empty store cannot be segmented" 1 "$DANGOL" segment
expect_output "... and says why" "at least 10 customers with an order by the as-of day; there are 0" "$DANGOL" segment

# ---- twelve customers with one order each: frequency is constant
printf 'customer_id\n' > "$WORK/c.csv"
printf 'order_id,customer_id,ordered_at,total\n' > "$WORK/o.csv"
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
  echo "C$i" >> "$WORK/c.csv"
  echo "O$i,C$i,2025-0$(( ${i#0} % 9 + 1 ))-1$(( ${i#0} % 9 )),$(( ${i#0} * 1000 ))" >> "$WORK/o.csv"
done
"$DANGOL" --quiet import customers "$WORK/c.csv" > /dev/null && "$DANGOL" --quiet import orders "$WORK/o.csv" > /dev/null \
  || fail "small store"
expect_output "a constant feature of the default set is left out with a note" \
  "frequency is the same for every customer \(1\): it cannot separate segments and is left out" "$DANGOL" segment --k 2
expect_exit "a constant feature named in --features is refused" 1 "$DANGOL" segment --k 2 --features frequency,monetary
expect_output "... saying so" "frequency is the same for every customer" "$DANGOL" segment --k 2 --features frequency,monetary
expect_output "a feature the data lacks is named as missing" \
  "feature \"category_breadth\" is not in this data" "$DANGOL" segment --features category_breadth
expect_output "an unknown feature lists the available ones" \
  "unknown feature \"colour\"; available: recency_days, frequency" "$DANGOL" segment --features colour
expect_exit "k above the customers is refused" 1 "$DANGOL" segment --k 13
"$DANGOL" --format json segment --k 3 > "$WORK/small.json" 2>/dev/null
if grep -qiw 'nan\|inf\|infinity' "$WORK/small.json"; then fail "small store: no NaN" "$(cat "$WORK/small.json")"
else pass "small store: no NaN"; fi

# ---- bad options
expect_exit "--k 0 is a usage error" 2 "$DANGOL" segment --k 0
expect_exit "--k 21 is a usage error" 2 "$DANGOL" segment --k 21
expect_exit "--k x is a usage error" 2 "$DANGOL" segment --k x
expect_exit "--view foo is a usage error" 2 "$DANGOL" segment --view foo
expect_output "--view names the valid views" "not one of: profiles, means, customers, silhouette, crosstab" "$DANGOL" segment --view foo
expect_exit "--as-of 2025-13-01 is a usage error" 2 "$DANGOL" features --as-of 2025-13-01
expect_exit "features takes no argument" 2 "$DANGOL" features extra

# ---- a demo store
export DANGOL_DB="$WORK/demo.db"
"$DANGOL" --quiet demo --customers 2000 > /dev/null 2>&1 || fail "demo store"
"$DANGOL" --format csv features > "$WORK/f.csv" 2>/dev/null
buyers=$("$DANGOL" --format csv rfm --customers 2>/dev/null | awk -F, 'NR > 1 && $3 > 0' | wc -l)
rows=$(($(wc -l < "$WORK/f.csv") - 1))
[ "$rows" -eq "$buyers" ] && pass "features: one row per customer with an order ($rows)" \
  || fail "features: one row per customer with an order ($rows rows, $buyers buyers)"
head -1 "$WORK/f.csv" | grep -q '^customer_id,recency_days,frequency,monetary,avg_order_value,tenure_days,ipt_mean_days,ipt_trend,channel_breadth,category_breadth' \
  && pass "features: the behavioural columns first" || fail "features: the behavioural columns first" "$(head -1 "$WORK/f.csv")"
if grep -qi 'nan\|inf' "$WORK/f.csv"; then fail "features: no NaN"; else pass "features: no NaN"; fi
# the features agree with RFM customer by customer (recency, frequency)
"$DANGOL" --format csv rfm --customers > "$WORK/rfm.csv" 2>/dev/null
if $PY - "$WORK/f.csv" "$WORK/rfm.csv" > "$WORK/agree.txt" 2>&1 <<'EOF'
import csv, sys
f = {r["customer_id"]: r for r in csv.DictReader(open(sys.argv[1]))}
bad = 0
for r in csv.DictReader(open(sys.argv[2])):
    if r["customer_id"] in f:
        g = f[r["customer_id"]]
        bad += float(g["recency_days"]) != float(r["recency_days"]) or float(g["frequency"]) != float(r["frequency"])
print(bad); sys.exit(1 if bad else 0)
EOF
then pass "features agree with dangol rfm on recency and frequency"
else fail "features agree with dangol rfm on recency and frequency" "$(cat "$WORK/agree.txt")"; fi

# no leakage: orders imported after the as-of day change nothing as of that day
cp "$WORK/demo.db" "$WORK/later.db"
"$DANGOL" --format csv features --as-of 2025-06-30 > "$WORK/asof.csv" 2>/dev/null
"$DANGOL" --format csv segment --as-of 2025-06-30 --k 4 --view customers > "$WORK/seg-asof.csv" 2>/dev/null
ids=$(cut -d, -f1 "$WORK/asof.csv" | sed -n '2,40p')
printf 'order_id,customer_id,ordered_at,total\n' > "$WORK/late.csv"
n=0; for id in $ids; do n=$((n + 1)); echo "LATE$n,$id,2025-0$((n % 3 + 7))-15,9999000" >> "$WORK/late.csv"; done
DANGOL_DB="$WORK/later.db" "$DANGOL" --quiet import orders "$WORK/late.csv" > /dev/null || fail "late orders imported"
DANGOL_DB="$WORK/later.db" "$DANGOL" --format csv features --as-of 2025-06-30 > "$WORK/asof-later.csv" 2>/dev/null
DANGOL_DB="$WORK/later.db" "$DANGOL" --format csv segment --as-of 2025-06-30 --k 4 --view customers > "$WORK/seg-later.csv" 2>/dev/null
expect_same "orders after the as-of day change no feature" "$WORK/asof.csv" "$WORK/asof-later.csv"
expect_same "orders after the as-of day change no segment" "$WORK/seg-asof.csv" "$WORK/seg-later.csv"
DANGOL_DB="$WORK/later.db" "$DANGOL" --format csv features > "$WORK/later-now.csv" 2>/dev/null
"$DANGOL" --format csv features > "$WORK/now.csv" 2>/dev/null
if cmp -s "$WORK/now.csv" "$WORK/later-now.csv"; then fail "the late orders are in the store (the test can fail)"
else pass "the late orders are in the store (the test can fail)"; fi

# determinism and the views
"$DANGOL" --format csv segment --seed 7 --view customers > "$WORK/s1.csv" 2>/dev/null
"$DANGOL" --format csv segment --seed 7 --view customers > "$WORK/s2.csv" 2>/dev/null
expect_same "the same seed gives the same segments" "$WORK/s1.csv" "$WORK/s2.csv"
"$DANGOL" --format json segment --view silhouette > "$WORK/sil.json" 2>/dev/null
json_check "silhouette: k = 2..10, one chosen, the best" "$WORK/sil.json" \
  "[r['k'] for r in j['rows']] == list(range(2, 11)) and [r['chosen'] for r in j['rows']].count('yes') == 1 and max(j['rows'], key=lambda r: r['silhouette'])['chosen'] == 'yes' and all(-1 <= r['silhouette'] <= 1 for r in j['rows'])"
"$DANGOL" --format json segment --k 5 > "$WORK/prof.json" 2>/dev/null
json_check "profiles: 5 segments covering every buyer" "$WORK/prof.json" \
  "len(j['rows']) == 5 and sum(r['customers'] for r in j['rows']) == $rows"
json_check "profiles: shares and revenue shares add up to 1" "$WORK/prof.json" \
  "abs(sum(r['share'] for r in j['rows']) - 1) < 1e-9 and abs(sum(r['revenue_share'] for r in j['rows']) - 1) < 1e-9"
json_check "profiles: English and Korean names from the vocabulary" "$WORK/prof.json" \
  "all(r['cluster'] and r['name'] and any(ord(ch) > 0xAC00 for ch in r['name_ko']) for r in j['rows'])"
json_check "profiles: the ratio of each feature is near 1 when weighted by size" "$WORK/prof.json" \
  "all(abs(sum(r[c] * r['customers'] for r in j['rows']) / $rows - 1) < 1e-6 for c in j['columns'] if isinstance(c, str) and c.endswith('_ratio'))" 
"$DANGOL" --format json segment --k 5 --view crosstab > "$WORK/cross.json" 2>/dev/null
json_check "crosstab: each segment's row adds up to its size" "$WORK/cross.json" \
  "[sum(v for k, v in r.items() if k not in ('segment', 'cluster', 'name', 'name_ko')) for r in j['rows']] == [r['customers'] for r in json.load(open('$WORK/prof.json'))['rows']]"
expect_output "means view has the population row" "\(all\)" "$DANGOL" segment --k 5 --view means
expect_output "crosstab has the RFM segments as columns" "Champions +Loyal" "$DANGOL" segment --k 3 --view crosstab

# ---- the loyalty programme's columns: a demo store with tiers, points and coupons
expect_output "a store without programme data says why it has no programme column" \
  "no tier history by the as-of day" "$DANGOL" features
"$DANGOL" --db "$WORK/loyalty.db" --quiet demo --customers 1500 --loyalty --campaigns > /dev/null 2>&1 \
  || fail "loyalty demo store"
# the store's history runs to 2025-12-31, so the earlier days also prove nothing later is read
for day in 2025-12-31 2025-06-30 2024-12-31; do
  "$DANGOL" --db "$WORK/loyalty.db" --format csv features --as-of "$day" > "$WORK/prog-$day.csv" 2>/dev/null
  expect_output "programme columns as of $day equal Python's reading of the tables" "^ok " \
    $PY "$(dirname "$0")/helpers/programme_features.py" "$WORK/loyalty.db" "$WORK/prog-$day.csv" "$day"
done
head -1 "$WORK/prog-2025-12-31.csv" | grep -q 'tier_rank,tier_downgrades,points_balance,points_earned,points_burned,points_expired,coupons_redeemed,coupon_discount,coupon_order_share' \
  && pass "the loyalty store has every programme column" \
  || fail "programme columns" "$(head -1 "$WORK/prog-2025-12-31.csv")"
expect_output "a programme column with no nonzero value is left out with a note" \
  "no coupon redemption by the as-of day" "$DANGOL" --db "$WORK/loyalty.db" features --as-of 2024-12-31
if grep -qiw 'nan\|inf' "$WORK/prog-2025-12-31.csv"; then fail "programme columns: no NaN"; else pass "programme columns: no NaN"; fi
expect_output "segment clusters on a programme column when asked" "tier_rank" \
  "$DANGOL" --db "$WORK/loyalty.db" segment --k 3 --features recency_days,monetary,tier_rank,points_balance --view means

# ---- the API
start_server --no-web --threads 2 || exit 0
expect_status "GET /api/segments?k=5" 200 GET "/api/segments?k=5"
expect_json "... the profiles of the CLI" "j['rows'] == json.load(open('$WORK/prof.json'))['rows']"
expect_status "GET /api/segments?view=silhouette" 200 GET "/api/segments?view=silhouette"
expect_json "... the silhouettes of the CLI" "j['rows'] == json.load(open('$WORK/sil.json'))['rows']"
expect_status "view=customers pages" 200 GET "/api/segments?view=customers&k=4&limit=5"
expect_json "... 5 rows" "len(j['rows']) == 5"
expect_status "as_of" 200 GET "/api/segments?view=customers&k=4&as_of=2025-06-30&limit=3"
expect_json "... the segments as of that day" "[r['customer_id'] + ',' + str(r['segment']) for r in j['rows']] == [','.join(l.split(',')[:2]) for l in open('$WORK/seg-asof.csv').read().splitlines()[1:4]]"
expect_status "view=foo is 400" 400 GET "/api/segments?view=foo"
expect_error_body "view=foo"
expect_status "k=x is 400" 400 GET "/api/segments?k=x"
expect_status "k=21 is 400" 400 GET "/api/segments?k=21"
expect_status "limit on the profiles is 400" 400 GET "/api/segments?limit=5"
expect_status "an unknown feature is 400" 400 GET "/api/segments?features=colour"
expect_json "... naming it" "'unknown feature \"colour\"' in j['error']['message']"
api GET /api/openapi.json
expect_json "the OpenAPI document has /api/segments for analysts" \
  "j['paths']['/api/segments']['get']['x-dangol-role'] == 'analyst'"
stop_server
