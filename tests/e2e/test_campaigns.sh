# Campaigns end to end: `dangol campaign` creates (bad input refused naming what is wrong, nothing
# written), previews an audience in English and Korean, launches once (12 processes at once:
# exactly one applies, 11 exit 1; again: exit 1, nothing written; an idempotency key replays),
# freezes the same groups for the same seed, issues coupons or grants points to the treatment
# group only, exports a send list without the customers lacking consent (counted), writes the
# campaign.launch audit entry, and reports results that match an independent SQL + scipy
# computation. Through the API: 12 parallel clients launching one campaign get one 201 and
# 11 409, and 12 retries of one Idempotency-Key apply once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
BURST="$(dirname "$0")/helpers/campaign_burst.py"
CHECK="$(dirname "$0")/helpers/campaign_check.py"
C="$DANGOL --quiet campaign"

"$DANGOL" --quiet demo --customers 300 --seed 5 >/dev/null 2>&1 || fail "demo store for campaigns"
sql() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchone(); c.commit(); print(r[0] if r else '')" "$DANGOL_DB" "$1"; }
rows() { sql "SELECT (SELECT count(*) FROM campaigns) || '/' || (SELECT count(*) FROM campaign_members) || '/' || (SELECT count(*) FROM coupon_codes) || '/' || (SELECT count(*) FROM points_movements) || '/' || (SELECT count(*) FROM campaigns WHERE launched_at IS NOT NULL)"; }
unchanged() { [ "$(rows)" = "$1" ] && pass "$2: nothing written" || fail "$2: nothing written ($1 -> $(rows))"; }

expect_ok "--help" $C --help
expect_ok "a coupon to offer" "$DANGOL" --quiet coupon define TEN --percent 10 --name "10% 쿠폰"

# ---- bad input: a clear message, exit code, nothing written
R0=$(rows)
expect_exit "an unknown coupon exits 3" 3 $C create BAD --coupon NOPE
expect_output "... naming it" 'unknown coupon definition "NOPE"' $C create BAD --coupon NOPE
expect_exit "a filter on an unknown column exits 2" 2 $C create BAD --audience "colour=red"
expect_output "... naming the column" 'unknown dimension "colour"' $C create BAD --audience "colour=red"
expect_output "a bad value names the column and the valid values" 'unknown value "Mars" for region; valid: .*Seoul' $C create BAD --audience "region=Mars"
expect_exit "a filter on an order attribute exits 2" 2 $C create BAD --audience "channel=web"
expect_output "... saying an audience is a set of customers" 'channel is not a customer attribute' $C create BAD --audience "channel=web"
for share in 0 1 1.5 -0.1 100% abc 0.00001; do
  expect_exit "control share $share exits 2" 2 $C create BAD --control-share "$share"
done
expect_output "a share outside (0,1) says so" 'outside \(0, 1\)' $C create BAD --control-share 1.5
expect_exit "zero points exit 2" 2 $C create BAD --points 0
expect_exit "a window of 0 days exits 2" 2 $C create BAD --window-days 0
expect_exit "coupon and points together exit 2" 2 $C create BAD --coupon TEN --points 5
expect_exit "an unknown subcommand exits 2" 2 $C frobnicate
expect_exit "results of an unknown campaign exit 3" 3 $C results NOPE
expect_exit "launching an unknown campaign exits 3" 3 $C launch NOPE --date 2025-06-01
unchanged "$R0" "refused creations"

# ---- the audience in English and Korean
$C --format csv audience --audience "region=Seoul;segment=Champions,Loyal" > "$WORK/aud.en" 2>&1
$C --format csv audience --audience "지역=서울;RFM 세그먼트=Champions,Loyal" > "$WORK/aud.ko" 2>&1
expect_same "a Korean filter selects what the English one does" "$WORK/aud.en" "$WORK/aud.ko"
expect_output "the preview has a total row" '^Total,' cat "$WORK/aud.en"
expect_output "p_alive and clv_decile filter" '^Total,' $C --format csv audience --audience "p_alive=0.5..;clv_decile=6..10"
expect_output "consent filters" '^Total,' $C --format csv audience --audience "consent_sms=yes"

# ---- create and launch once, from 12 processes at once
expect_ok "create a coupon campaign" $C create SPRING --name "봄 세일" --audience "activity!=churned" --coupon TEN --control-share 0.2 --seed 3 --window-days 60
expect_exit "the same id again exits 1" 1 $C create SPRING
R1=$(rows)
for i in $(seq 1 12); do
  ( $C launch SPRING --date 2025-06-01 > "$WORK/launch.$i.out" 2>&1; echo $? > "$WORK/launch.$i.rc" ) &
done
wait
ok=$(cat "$WORK"/launch.*.rc | grep -c '^0$'); refused=$(cat "$WORK"/launch.*.rc | grep -c '^1$')
[ "$ok" -eq 1 ] && [ "$refused" -eq 11 ] && pass "12 concurrent launches: exactly one applies, 11 exit 1" \
  || fail "12 concurrent launches: exactly one applies ($ok applied, $refused refused)" "$(cat "$WORK"/launch.*.out)"
expect_output "the losers say it was launched already" 'launched already' cat "$WORK"/launch.*.out
M=$(sql "SELECT count(*) FROM campaign_members WHERE campaign_id = 'SPRING'")
T=$(sql "SELECT count(*) FROM campaign_members WHERE campaign_id = 'SPRING' AND arm = 'treatment'")
[ "$M" -gt 50 ] && pass "the audience is frozen ($M members)" || fail "the audience is frozen ($M members)"
[ "$(sql "SELECT count(*) FROM coupon_codes WHERE definition_id = 'TEN'")" = "$T" ] && \
  [ "$(sql "SELECT count(*) FROM campaign_members WHERE campaign_id = 'SPRING' AND arm = 'control' AND coupon_code IS NOT NULL")" = 0 ] \
  && pass "one coupon per treatment member, none to the control group" || fail "one coupon per treatment member"
[ "$(sql "SELECT count(DISTINCT coupon_code) FROM campaign_members WHERE campaign_id = 'SPRING'")" = "$T" ] \
  && pass "no coupon issued twice" || fail "no coupon issued twice"
[ "$(sql "SELECT count(*) FROM auth_audit WHERE action = 'campaign.launch'")" = 1 ] \
  && pass "one campaign.launch audit entry" || fail "one campaign.launch audit entry"
share=$(sql "SELECT round(avg(arm = 'control'), 2) FROM campaign_members WHERE campaign_id = 'SPRING'")
python3 -c "import sys; sys.exit(0 if abs($share - 0.2) < 0.03 else 1)" && pass "the control group holds 20% ($share)" || fail "the control group holds 20% ($share)"
R2=$(rows)
expect_exit "launching again exits 1" 1 $C launch SPRING --date 2025-06-02
unchanged "$R2" "a second launch"

# ---- the same seed draws the same groups; an idempotency key replays
expect_ok "create a twin campaign" $C create TWIN --audience "activity!=churned" --control-share 0.2 --seed 3
expect_ok "launch it with a key" $C launch TWIN --date 2025-06-01 --idempotency-key twin-1
expect_output "the same key again replays" 'yes' $C launch TWIN --date 2025-06-01 --idempotency-key twin-1
[ "$(sql "SELECT count(*) FROM campaign_members a JOIN campaign_members b ON a.customer_id = b.customer_id AND a.arm = b.arm WHERE a.campaign_id = 'SPRING' AND b.campaign_id = 'TWIN'")" = "$M" ] \
  && pass "the same seed and audience draw the same groups" || fail "the same seed draws the same groups"
expect_ok "create a campaign with another seed" $C create OTHER --audience "activity!=churned" --control-share 0.2 --seed 4
expect_ok "launch it" $C launch OTHER --date 2025-06-01
[ "$(sql "SELECT count(*) FROM campaign_members a JOIN campaign_members b ON a.customer_id = b.customer_id AND a.arm = b.arm WHERE a.campaign_id = 'SPRING' AND b.campaign_id = 'OTHER'")" != "$M" ] \
  && pass "another seed draws other groups" || fail "another seed draws other groups"
expect_ok "per-stratum balance: every segment holds its 20% to within one customer" python3 -c "
import sqlite3, sys
c = sqlite3.connect('$DANGOL_DB')
for s, n, k in c.execute(\"SELECT stratum, count(*), sum(arm = 'control') FROM campaign_members WHERE campaign_id = 'SPRING' GROUP BY stratum\"):
    assert abs(k - 0.2 * n) <= 0.5, (s, n, k)"

# ---- points to the treatment group only
expect_ok "a points campaign" $C create BONUS --audience "segment=Champions,Loyal,Potential Loyalist" --points 300 --control-share 0.25
expect_ok "launch it" $C launch BONUS --date 2025-07-01
[ "$(sql "SELECT sum(points) FROM points_movements WHERE source_kind = 'campaign' AND source_id = 'BONUS'")" = \
  "$(sql "SELECT 300 * count(*) FROM campaign_members WHERE campaign_id = 'BONUS' AND arm = 'treatment'")" ] \
  && pass "300 points to each treatment member, in the ledger" || fail "300 points to each treatment member"
[ "$(sql "SELECT count(*) FROM campaign_members m JOIN points_movements p ON p.customer_id = m.customer_id AND p.source_id = 'BONUS' WHERE m.arm = 'control' AND m.campaign_id = 'BONUS'")" = 0 ] \
  && pass "no points to the control group" || fail "no points to the control group"

# ---- the send list leaves out the customers without consent, and counts them
W=$(sql "SELECT customer_id FROM campaign_members WHERE campaign_id = 'SPRING' AND arm = 'treatment' ORDER BY customer_id LIMIT 1")
expect_ok "grant SMS consent to $W" "$DANGOL" --quiet consent grant "$W" --purpose marketing_sms --source store --date 2025-05-01
$C --format csv send-list SPRING --date 2025-06-01 > "$WORK/send.csv" 2> "$WORK/send.err"
expect_output "the list is CSV with contact and code" '^customer_id,contact,coupon_code,points$' head -1 "$WORK/send.csv"
expect_output "$W (consent granted) is on it" "^$W," cat "$WORK/send.csv"
expect_ok "withdraw it" "$DANGOL" --quiet consent withdraw "$W" --purpose marketing_sms --source call --date 2025-05-15
"$DANGOL" --format csv campaign send-list SPRING --date 2025-06-01 > "$WORK/send2.csv" 2> "$WORK/send2.err"
if grep -q "^$W," "$WORK/send2.csv"; then fail "a withdrawn customer is left out"; else pass "a withdrawn customer is left out"; fi
n=$(($(wc -l < "$WORK/send2.csv") - 1)); left=$(sed -n 's/.*note: \([0-9]*\) of .*/\1/p' "$WORK/send2.err")
[ "$((n + left))" = "$T" ] && pass "sent + left out = the treatment group ($n + $left = $T)" || fail "sent + left out = the treatment group ($n + $left != $T)" "$(cat "$WORK/send2.err")"
expect_output "a send list before launch exits 1" 'not launched' sh -c "$C create DRAFT; $C send-list DRAFT"
[ "$(sql "SELECT count(*) FROM auth_audit WHERE action = 'export'")" -ge 2 ] && pass "each send list is an export in the audit trail" || fail "each send list is an export in the audit trail"

# ---- results, checked against SQL and scipy
expect_ok "results" $C --format json results SPRING
$C --format json results SPRING > "$WORK/results.json" 2>/dev/null
/usr/bin/python3 "$CHECK" "$DANGOL_DB" SPRING "$WORK/results.json" > "$WORK/check.out" 2>&1
record_lines "$WORK/check.out"
grep -q '^pass' "$WORK/check.out" || fail "the independent check ran" "$(cat "$WORK/check.out")"
expect_output "results show the uplift with its method" 'Newcombe' $C results SPRING
expect_output "results in CSV" '^group,customers,responders' $C --format csv results SPRING
expect_exit "results of a draft exit 1" 1 $C results DRAFT
expect_output "list shows the launched campaigns" 'SPRING.*launched' $C list
expect_output "show has the groups by segment" 'Groups by RFM segment' $C show SPRING

# ---- the API: 12 parallel launches, 12 retries of one key
start_server --no-web --threads 4 || exit 0
expect_api() { name=$1 code=$2; shift 2; api "$@"; [ "$STATUS" = "$code" ] && pass "API: $name" || fail "API: $name (status $STATUS, wanted $code)" "$BODY"; }
expect_api "create" 201 POST /api/campaigns '{"campaign_id": "API1", "audience": "activity!=churned", "control_share": "10%", "points": 50}'
expect_api "a bad filter is 400" 400 POST /api/campaigns '{"campaign_id": "X", "audience": "colour=red"}'
expect_api "a share of 1 is 400" 400 POST /api/campaigns '{"campaign_id": "X", "control_share": 1}'
expect_api "an unknown coupon is 404" 404 POST /api/campaigns '{"campaign_id": "X", "coupon": "NOPE"}'
expect_api "list" 200 GET /api/campaigns
python3 "$BURST" launch "$URL" API1 12 2025-06-01 > "$WORK/burst.json" 2>&1
if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j['statuses'] == {'201': 1, '409': 11} else 1)" "$WORK/burst.json"; then
  pass "API: 12 parallel launches, one 201 and 11 409"; else fail "API: 12 parallel launches, one 201 and 11 409" "$(cat "$WORK/burst.json")"; fi
[ "$(sql "SELECT count(*) FROM points_movements WHERE source_id = 'API1'")" = "$(sql "SELECT count(*) FROM campaign_members WHERE campaign_id = 'API1' AND arm = 'treatment'")" ] \
  && pass "API: the points were granted once" || fail "API: the points were granted once"
expect_api "create another" 201 POST /api/campaigns '{"campaign_id": "API2", "audience": "segment=Champions", "control_share": 0.5}'
python3 "$BURST" launch "$URL" API2 12 2025-06-01 KEY-2 > "$WORK/burst2.json" 2>&1
if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j['statuses'] == {'201': 12} and j['replayed'] == 11 and len(j['members']) == 1 else 1)" "$WORK/burst2.json"; then
  pass "API: 12 retries of one Idempotency-Key apply once"; else fail "API: 12 retries of one Idempotency-Key apply once" "$(cat "$WORK/burst2.json")"; fi
expect_api "show" 200 GET /api/campaigns/API1
expect_api "results" 200 GET /api/campaigns/SPRING/results
expect_api "send list" 200 GET "/api/campaigns/SPRING/send-list?as_of=2025-06-01&reason=e2e"
expect_api "an unknown campaign is 404" 404 GET /api/campaigns/NOPE/results
expect_api "launching again is 409" 409 POST /api/campaigns/API1/launch '{"date": "2025-06-02"}'
stop_server

# ---- the demo's two campaigns: the reported uplift's 95% interval holds the known true effect
DEMO_DB="$WORK/demo-campaigns.db"
"$DANGOL" --db "$DEMO_DB" --format csv demo --customers 4000 --seed 9 --campaigns > "$WORK/demo.csv" 2>&1 \
  || fail "demo --campaigns" "$(cat "$WORK/demo.csv")"
for c in DEMO-WINBACK DEMO-BONUS; do
  "$DANGOL" --db "$DEMO_DB" --format json campaign results "$c" > "$WORK/$c.json" 2>/dev/null
  truth=$(sed -n "s/^$c,[^,]*,[^,]*,[^,]*,\([^,]*\),.*/\1/p" "$WORK/demo.csv")
  if python3 -c "
import json, sys
row = [r for r in json.load(open(sys.argv[1]))[1]['rows'] if r['measure'] == 'response_rate'][0]
truth = float(sys.argv[2])
print(row['low'], truth, row['high'])
sys.exit(0 if truth > 0 and row['low'] <= truth <= row['high'] else 1)" "$WORK/$c.json" "$truth" > "$WORK/$c.cover" 2>&1; then
    pass "$c: the 95% interval of the response-rate uplift holds the true effect ($(cat "$WORK/$c.cover"))"
  else fail "$c: the 95% interval holds the true effect" "$(cat "$WORK/$c.cover")"; fi
done
expect_ok "cost per customer retained beyond control = cost / (treatment x uplift), its interval from the uplift's" python3 -c "
import json, sys
for c in ('DEMO-WINBACK', 'DEMO-BONUS'):
    groups, uplift, cost = json.load(open('$WORK/%s.json' % c))
    u = [r for r in uplift['rows'] if r['measure'] == 'response_rate'][0]
    n_t = groups['rows'][0]['customers']; k = cost['rows'][0]
    assert abs(k['retained_beyond_control'] - u['estimate'] * n_t) < 1e-6, (c, k)
    assert abs(k['cost_per_retained'] - k['cost'] / (u['estimate'] * n_t)) <= 0.5, (c, k)
    if u['low'] > 0:
        assert abs(k['cpr_low'] - k['cost'] / (u['high'] * n_t)) <= 0.5 and abs(k['cpr_high'] - k['cost'] / (u['low'] * n_t)) <= 0.5, (c, k)
    else:
        assert k['cpr_low'] is None and k['cpr_high'] is None, (c, k)
"
"$DANGOL" --db "$DEMO_DB" --format json economics retention > "$WORK/retention.json" 2>/dev/null
expect_ok "economics retention: the two campaigns' cost over the customers kept beyond control" python3 -c "
import json
costs = [json.load(open('$WORK/%s.json' % c))[2]['rows'][0] for c in ('DEMO-WINBACK', 'DEMO-BONUS')]
r = {x['side']: x for x in json.load(open('$WORK/retention.json'))['rows']}['retention_beyond_control']
kept = sum(c['retained_beyond_control'] for c in costs)
assert r['cost'] == sum(c['cost'] for c in costs) and r['customers'] == round(kept), (r, costs)
assert abs(r['cost_per_customer'] - r['cost'] / kept) <= 0.5, r
"
"$DANGOL" --db "$DEMO_DB" --format csv campaign results DEMO-WINBACK 2>/dev/null | sed -n '/^coupons_issued/{n;p}' > "$WORK/cost.csv"
[ "$(cut -d, -f2 "$WORK/cost.csv")" -gt 0 ] 2>/dev/null && pass "the coupon campaign's cost counts redeemed coupons ($(cat "$WORK/cost.csv"))" \
  || fail "the coupon campaign's cost counts redeemed coupons" "$(cat "$WORK/cost.csv")"

# ---- the audience's customer dimensions, each count against an independent one on the same
# day: stage (dangol stage --customers, with awk), tier (the last tier_history row on or before
# the day, by SQL), P(alive) and CLV decile (dangol clv predict, ranked in Python as
# campaign_audience.c says: rank r of m ascending is decile r*10/m + 1), SMS consent (the latest
# event on or before the day, else the imported flag, by SQL). Here at the end: tier evaluation
# and consent events change the store.
ASOF=$(sql "SELECT date(max(ordered_at), 'unixepoch') FROM orders")
total_of() { $C --format csv audience --audience "$1" --as-of "$ASOF" 2>/dev/null | sed -n 's/^Total,\([0-9]*\),.*/\1/p'; }
same_count() {   # NAME FILTER WANT
  got=$(total_of "$2")
  [ -n "$got" ] && [ "$got" = "$3" ] && [ "$3" -gt 0 ] && pass "$1: $2 selects $got, as recomputed" ||
    fail "$1: $2 selects ${got:-nothing}, recomputed $3"
}
want=$("$DANGOL" --format csv stage --customers --as-of "$ASOF" 2>/dev/null | awk -F, 'NR > 1 && ($2 == "client" || $2 == "advocate")' | wc -l)
same_count "stage" "stage=client,advocate" "$want"
want=$("$DANGOL" --format csv stage --customers --as-of "$ASOF" 2>/dev/null | awk -F, 'NR > 1 && $2 == "prospect"' | wc -l)
same_count "stage" "stage=prospect" "$want"

expect_ok "tiers evaluated on $ASOF" "$DANGOL" --quiet tier evaluate --as-of "$ASOF"
DAY=$(sql "SELECT CAST(julianday('$ASOF') - 2440587.5 AS INTEGER)")
tier_at="coalesce((SELECT to_tier FROM tier_history h WHERE h.customer_id = c.customer_id AND h.changed_on <= $DAY ORDER BY changed_on DESC, history_id DESC LIMIT 1), 'basic')"
for tiers in "'silver', 'gold'" "'basic'" "'vip'"; do
  want=$(sql "SELECT count(*) FROM customers c WHERE $tier_at IN ($tiers)")
  filter="tier=$(echo "$tiers" | tr -d "' ")"
  if [ "$want" = 0 ]; then
    [ "$(total_of "$filter")" = 0 ] && pass "tier: $filter selects nobody, as recomputed" || fail "tier: $filter selects $(total_of "$filter"), recomputed 0"
  else same_count "tier" "$filter" "$want"; fi
done
[ "$(sql "SELECT count(DISTINCT to_tier) FROM tier_history")" -ge 2 ] && pass "tier: the store holds customers of at least two tiers above basic" ||
  fail "tier: too few tiers to test" "$(sql "SELECT group_concat(DISTINCT to_tier) FROM tier_history")"

"$DANGOL" --format csv clv predict --calibration-end "$ASOF" > "$WORK/clv.csv" 2>/dev/null
for spec in "0.5.. 6..10" "0.8.. 10..10" "..0.3 1..5"; do
  set -- $spec
  want=$(python3 - "$WORK/clv.csv" "$1" "$2" <<'EOF'
import csv, sys
rows = sorted(csv.DictReader(open(sys.argv[1])), key=lambda r: float(r["clv"]))
lo, hi = (float(x) if x else None for x in sys.argv[2].split(".."))
dlo, dhi = map(int, sys.argv[3].split(".."))
def alive(p):   # the filter is on tenths: p_alive=..0.3 is a tenth at most 0.3
    t = min(int(p * 10), 9) / 10
    return (lo is None or t >= lo) and (hi is None or t <= hi)
print(sum(1 for r, row in enumerate(rows) if alive(float(row["p_alive"])) and dlo <= r * 10 // len(rows) + 1 <= dhi))
EOF
)
  same_count "P(alive) and CLV decile" "p_alive=$1;clv_decile=$2" "$want"
done

# consent: two grants and two withdrawals inside the window, one withdrawal after the day
for id in $(sql "SELECT group_concat(customer_id, ' ') FROM (SELECT customer_id FROM customers WHERE consent_sms = 0 ORDER BY customer_id LIMIT 2)"); do
  "$DANGOL" --quiet consent grant "$id" --purpose marketing_sms --source store --date 2025-07-01 > /dev/null
done
for id in $(sql "SELECT group_concat(customer_id, ' ') FROM (SELECT customer_id FROM customers WHERE consent_sms = 1 ORDER BY customer_id LIMIT 2 OFFSET 5)"); do
  "$DANGOL" --quiet consent withdraw "$id" --purpose marketing_sms --source call --date 2025-07-01 > /dev/null
done
late=$(sql "SELECT customer_id FROM customers WHERE consent_sms = 1 ORDER BY customer_id DESC LIMIT 1")
"$DANGOL" --quiet consent withdraw "$late" --purpose marketing_sms --source call --date "$(date -u -d "$ASOF + 1 day" +%F)" > /dev/null
sms="coalesce((SELECT action = 'grant' FROM consent_events e WHERE e.customer_id = c.customer_id AND e.purpose = 'marketing_sms' AND e.effective_on <= $DAY ORDER BY effective_on DESC, event_id DESC LIMIT 1), c.consent_sms = 1) AND c.customer_id NOT IN (SELECT customer_id FROM customer_erasures)"
[ "$(sql "SELECT count(*) FROM consent_events")" -ge 5 ] && pass "consent: 5 events recorded" || fail "consent: events recorded"
same_count "consent" "consent_sms=yes" "$(sql "SELECT count(*) FROM customers c WHERE $sms")"
same_count "consent" "consent_sms=no" "$(sql "SELECT count(*) FROM customers c WHERE NOT ($sms)")"
