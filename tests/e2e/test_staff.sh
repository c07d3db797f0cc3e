# dangol staff: recomputed independently (scipy, tests/e2e/helpers/staff_check.py) on a demo
# store, by staff and by site; the demo's known staff effects found again (docs/demo.md: ST007
# and ST044 serve worse, ST014 better); bad options and a store without staff or answers.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

expect_output "staff --help names the method" "empirical" "$DANGOL" staff --help
"$DANGOL" init >/dev/null
expect_output "a store without orders says no staff" "no order names a staff member" "$DANGOL" staff
expect_exit "a store without orders is not an error" 0 "$DANGOL" staff
expect_exit "--by store is a usage error" 2 "$DANGOL" staff --by store
expect_output "--by names the valid values" "not one of: staff, site" "$DANGOL" staff --by store
expect_exit "--rank speed is a usage error" 2 "$DANGOL" staff --rank speed
expect_exit "--repeat-days 0 is a usage error" 2 "$DANGOL" staff --repeat-days 0
printf 'customer_id\nC1\n' > "$WORK/c.csv"
printf 'order_id,customer_id,ordered_at,staff_id,site,total\nO1,C1,2025-01-01,,S1,100\n' > "$WORK/o.csv"
"$DANGOL" --quiet import customers "$WORK/c.csv" >/dev/null && "$DANGOL" --quiet import orders "$WORK/o.csv" >/dev/null
expect_output "orders without staff are counted in a note" "1 orders name no staff member" "$DANGOL" staff
"$DANGOL" --format json staff --by site > "$WORK/none.json" 2>/dev/null
if grep -qi 'nan\|inf' "$WORK/none.json"; then fail "no answers: no NaN" "$(cat "$WORK/none.json")"
else pass "no answers: no NaN"; fi
if $PY -c "import json,sys; r=json.load(open(sys.argv[1]))['rows']; sys.exit(0 if r[0]['csat'] is None and r[0]['orders']==1 else 1)" "$WORK/none.json"
then pass "no answers: the site's CSAT is null"; else fail "no answers: the site's CSAT is null" "$(cat "$WORK/none.json")"; fi

# the same store recomputed with scipy
export DANGOL_DB="$WORK/demo.db"
"$DANGOL" --quiet demo --customers 3000 --csv "$WORK/csv" >/dev/null 2>&1 || fail "demo store"
for args in "staff 180" "site 180" "staff 60"; do
  set -- $args
  "$DANGOL" --quiet --format json staff --by "$1" --repeat-days "$2" --as-of 2025-12-31 > "$WORK/$1.json"
  if $PY "$ROOT/tests/e2e/helpers/staff_check.py" "$WORK/csv" 2025-12-31 "$1" "$2" "$WORK/$1.json" > "$WORK/check.txt" 2>&1
  then pass "scipy recomputes dangol staff --by $1 --repeat-days $2 ($(tail -1 "$WORK/check.txt"))"
  else fail "scipy recomputes dangol staff --by $1 --repeat-days $2" "$(cat "$WORK/check.txt")"; fi
done
expect_output "site view has a row per site" "^ +[0-9]+ +Online " "$DANGOL" staff --by site

# the known effects of docs/demo.md, on the documented demo (20,000 customers, seed 1)
export DANGOL_DB="$WORK/big.db"
"$DANGOL" --quiet demo >/dev/null 2>&1 || fail "20,000-customer demo"
"$DANGOL" --quiet --format csv staff --rank rating > "$WORK/rating.csv"
last_two=$(tail -2 "$WORK/rating.csv" | cut -d, -f2 | sort | tr '\n' ' ')
if [ "$last_two" = "ST007 ST044 " ]; then pass "the two weak staff members rank last by rating"
else fail "the two weak staff members rank last by rating (got $last_two)" "$(cat "$WORK/rating.csv")"; fi
if sed -n '2,4p' "$WORK/rating.csv" | grep -q '^[0-9]*,ST014,'; then pass "the strong staff member ranks in the top three"
else fail "the strong staff member ranks in the top three" "$(head -5 "$WORK/rating.csv")"; fi

# ---- staff satisfaction surveys and the service-profit chain (docs/staff.md)
. "$ROOT/tests/e2e/server.sh"
expect_output "staff --help names the chain" "service-profit chain" "$DANGOL" staff --help
expect_exit "--min-responses is only for chain" 2 "$DANGOL" staff --min-responses 3
expect_exit "--by is not an option of chain" 2 "$DANGOL" staff chain --by site
expect_exit "--min-responses 0 is a usage error" 2 "$DANGOL" staff chain --min-responses 0
# the demo's known chain: each site's work climate raises its staff's answers and its
# customers' NPS and CSAT; the repeat rate does not depend on it
export DANGOL_DB="$WORK/chain.db"
"$DANGOL" --quiet demo --customers 20000 --staff-surveys >/dev/null 2>&1 || fail "demo with staff surveys"
"$DANGOL" --quiet --format json staff chain > "$WORK/chain.json" 2>/dev/null
if grep -qi 'nan\|inf' "$WORK/chain.json"; then fail "the chain: no NaN" "$(head -c 600 "$WORK/chain.json")"
else pass "the chain: no NaN"; fi
if $PY - "$WORK/chain.json" <<'PYEOF'
import json, sys
t = json.load(open(sys.argv[1])); t = t if isinstance(t, list) else t['tables']
corr = {r['measure']: r for r in t[1]['rows']}
sites = t[0]['rows']
ok = corr['nps']['sites'] == 12 and corr['nps']['r_low'] > 0 and corr['csat']['r_low'] > 0
ok = ok and corr['nps']['r_low'] < corr['nps']['r'] < corr['nps']['r_high']
ok = ok and any(r['site'] == 'Home Shopping' and r['staff_satisfaction'] is None for r in sites)
sys.exit(0 if ok else 1)
PYEOF
then pass "the chain recovers the demo's relation: NPS and CSAT with staff satisfaction, intervals above 0"
else fail "the chain recovers the demo's relation" "$(head -c 1500 "$WORK/chain.json")"; fi
expect_output "the chain prints the caveat" "not a cause" "$DANGOL" staff chain
"$DANGOL" --format csv staff chain > "$WORK/chain.csv" 2>/dev/null
if grep -q '^site,staff_responses,staff_satisfaction' "$WORK/chain.csv" && grep -q '^nps,12,' "$WORK/chain.csv"
then pass "staff chain --format csv writes both tables"; else fail "staff chain --format csv writes both tables" "$(cat "$WORK/chain.csv")"; fi
# recomputed by hand: Pearson's r and the Fisher interval over the site rows
if $PY - "$WORK/chain.json" <<'PYEOF'
import json, math, sys
t = json.load(open(sys.argv[1])); t = t if isinstance(t, list) else t['tables']
rows = [r for r in t[0]['rows'] if r['staff_responses'] >= 3 and r['nps_n'] > 0]
x = [r['staff_satisfaction'] for r in rows]; y = [r['nps'] for r in rows]
n = len(x); mx = sum(x) / n; my = sum(y) / n
r = sum((a - mx) * (b - my) for a, b in zip(x, y)) / math.sqrt(sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y))
z, se = math.atanh(r), 1 / math.sqrt(n - 3)
c = {q['measure']: q for q in t[1]['rows']}['nps']
ok = abs(c['r'] - r) < 0.01 and abs(c['r_low'] - math.tanh(z - 1.959964 * se)) < 0.01 and abs(c['r_high'] - math.tanh(z + 1.959964 * se)) < 0.01
sys.exit(0 if ok else 1)
PYEOF
then pass "r and its Fisher interval recomputed from the site rows"; else fail "r and its Fisher interval recomputed" "$(head -c 800 "$WORK/chain.json")"; fi

# too few sites, a score off its scale, a CP949 file
export DANGOL_DB="$WORK/few.db"
"$DANGOL" init >/dev/null
printf 'staff_id,name,site\nS1,A,Seoul\n' > "$WORK/staff.csv"
"$DANGOL" --quiet import staff "$WORK/staff.csv" >/dev/null
printf 'customer_id\nC1\n' > "$WORK/c.csv"
printf 'order_id,customer_id,ordered_at,staff_id,site,total\nO1,C1,2025-01-01,S1,Seoul,100\n' > "$WORK/o.csv"
"$DANGOL" --quiet import customers "$WORK/c.csv" >/dev/null && "$DANGOL" --quiet import orders "$WORK/o.csv" >/dev/null
printf 'response_id,item,site,staff_id,answered_on,score,scale_min,scale_max\nR1,pride,Seoul,S1,2025-01-02,4,1,5\nR1,workload,Seoul,S1,2025-01-02,7,1,5\n' > "$WORK/bad.csv"
expect_exit "a score off its scale is refused" 1 "$DANGOL" import staff_surveys "$WORK/bad.csv"
expect_output "the refusal names file:line:column and the scale" "bad.csv:3:6: score 7 is off its scale 1-5" "$DANGOL" import staff_surveys "$WORK/bad.csv"
expect_output "nothing of a refused file is written" "no staff survey answer" "$DANGOL" staff chain
printf 'response_id,item,site,staff_id,answered_on,score,scale_min,scale_max\nR1,자부심,Seoul,S1,2024-12-30,4,1,5\nR2,자부심,Seoul,,2024-12-30,9,0,10\n' | iconv -t cp949 > "$WORK/kr.csv"
expect_exit "a CP949 file imports" 0 "$DANGOL" import --encoding cp949 staff_surveys "$WORK/kr.csv"
printf 'response_id,customer_id,answered_on,nps,csat\nS1,C1,2025-01-01,9,5\n' > "$WORK/sv.csv"
"$DANGOL" --quiet import surveys "$WORK/sv.csv" >/dev/null
expect_output "one site: too few sites for a correlation" "too few sites for a correlation: 1 have" "$DANGOL" staff chain --min-responses 1
"$DANGOL" --format json staff chain --min-responses 1 > "$WORK/few.json" 2>/dev/null
if grep -qi 'nan\|inf' "$WORK/few.json"; then fail "too few sites: no NaN" "$(cat "$WORK/few.json")"
elif $PY -c "import json,sys; t=json.load(open(sys.argv[1])); r=t[1]['rows'][0]; s=t[0]['rows'][0]; sys.exit(0 if r['r'] is None and abs(s['staff_satisfaction']-82.5)<1e-9 else 1)" "$WORK/few.json"
then pass "too few sites: r is null, staff satisfaction (75 + 90) / 2"; else fail "too few sites: r is null" "$(cat "$WORK/few.json")"; fi

# the API: the chain (analyst), a response written (manager), refusals
echo 'analyst password 1' | "$DANGOL" --quiet user add amy --role analyst
echo 'agent password 1' | "$DANGOL" --quiet user add ali --role agent --site Seoul
echo 'manager password 1' | "$DANGOL" --quiet user add mia --role manager
ANA=$("$DANGOL" --quiet token create --user amy) AGT=$("$DANGOL" --quiet token create --user ali)
MGR=$("$DANGOL" --quiet token create --user mia)
start_server --no-web || exit 0
as() { tok=$1 code=$2 name=$3 method=$4 path=$5
  if [ $# -ge 6 ]; then
    STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data-binary "$6" "$URL$path")
  else
    STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $tok" "$URL$path")
  fi
  echo "$STATUS $method $path" >> "$WORK/requests"
  if [ "$STATUS" = "$code" ]; then pass "$name"; else fail "$name (HTTP $STATUS, wanted $code)" "$(cat "$WORK/last.json")"; fi
}
as "$ANA" 200 "an analyst reads the chain" GET "/api/staff/chain?min_responses=1"
expect_json "the API's chain has both tables and no r for one site" "len(j) == 2 and j[1]['rows'][0]['r'] is None"
as "$AGT" 403 "an agent may not read the chain" GET /api/staff/chain
BODY='{"response_id":"R9","site":"Busan","answered_on":"2024-12-30","scale_min":1,"scale_max":5,"answers":{"pride":5,"tools":4}}'
as "$AGT" 403 "an agent may not record a staff survey" POST /api/staff/surveys "$BODY"
as "$ANA" 403 "nor may an analyst" POST /api/staff/surveys "$BODY"
as "$MGR" 201 "a manager records a staff survey response" POST /api/staff/surveys "$BODY"
as "$MGR" 409 "the same response again is a conflict" POST /api/staff/surveys "$BODY"
as "$MGR" 400 "a score off the scale is refused" POST /api/staff/surveys '{"response_id":"R10","site":"Busan","answered_on":"2024-12-30","scale_min":1,"scale_max":5,"answers":{"pride":7}}'
expect_json "the refusal names the item and the scale" "'pride' in j['error']['message'] and '1-5' in j['error']['message']"
as "$MGR" 404 "an unknown staff member is refused" POST /api/staff/surveys '{"response_id":"R11","site":"Busan","staff_id":"NOPE","answered_on":"2024-12-30","scale_min":0,"scale_max":10,"answers":{"pride":7}}'
as "$ANA" 200 "the recorded response counts for its site" GET "/api/staff/chain?min_responses=1"
expect_json "Busan has one response of satisfaction 87.5" "any(r['site'] == 'Busan' and r['staff_responses'] == 1 and abs(r['staff_satisfaction'] - 87.5) < 1e-9 for r in j[0]['rows'])"
stop_server
