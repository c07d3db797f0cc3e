# Customer tiers end to end: `dangol tier` evaluates a demo store (twice = once; in steps = in one
# run; every change's measure checked against SQL), shows a customer, the distribution, the
# migration matrix and the crosstabs in every format, refuses bad rules at file:line:column and
# bad options with the documented exit codes, writing nothing; 12 processes evaluating the same
# day at once write it once; an order's points earn takes the tier's multiplier; through the API
# the reads answer analysts, the evaluation only managers, and 12 parallel evaluations apply once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
T="$DANGOL --quiet tier"

"$DANGOL" --quiet demo --customers 150 --seed 14 >/dev/null 2>&1 || fail "demo store for tiers"
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DANGOL_DB" "$1"; }
cp "$DANGOL_DB" "$WORK/fresh.db"; cp "$DANGOL_DB" "$WORK/pristine.db"

# ---- the orders from the frame (a current snapshot, saved by `rfm`) or by SQL: the same history
cp "$WORK/pristine.db" "$WORK/by_frame.db"; cp "$WORK/pristine.db" "$WORK/by_sql.db"
"$DANGOL" --db "$WORK/by_frame.db" --quiet rfm >/dev/null 2>&1
expect_output "rfm left a current snapshot, so the evaluation reads the frame" "snapshot current" \
  "$DANGOL" --db "$WORK/by_frame.db" stats
for db in by_frame by_sql; do
  for day in 2025-03-31 2025-06-30 2025-12-31; do
    "$DANGOL" --db "$WORK/$db.db" --quiet tier evaluate --as-of "$day" >/dev/null 2>&1 || fail "evaluate $db $day"
    [ "$db" = by_frame ] && "$DANGOL" --db "$WORK/$db.db" --quiet rfm >/dev/null 2>&1
  done
done
hist() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT group_concat(customer_id || from_tier || to_tier || changed_on || measure || reason, ';') FROM (SELECT * FROM tier_history ORDER BY history_id)\").fetchone()[0])" "$1"; }
if [ -n "$(hist "$WORK/by_sql.db")" ] && [ "$(hist "$WORK/by_frame.db")" = "$(hist "$WORK/by_sql.db")" ]; then
  pass "evaluations reading the frame and reading SQL write the same history, row for row"
else fail "frame and SQL evaluations write the same history"; fi

# ---- rules
expect_output "tier rules shows the built-in tiers" "gold +Gold +골드" $T rules
expect_ok "config/tiers.conf is valid" $T rules --rules "$ROOT/config/tiers.conf"
printf 'measure = spend\nreview = weekly\n' > "$WORK/bad1.conf"
expect_exit "a bad review cadence exits 1" 1 $T evaluate --as-of 2025-06-30 --rules "$WORK/bad1.conf"
expect_output "... naming file:line:column" "bad1.conf:2:10: review = \"weekly\"" $T rules --rules "$WORK/bad1.conf"
printf 'tier.a.name_en = A\ntier.a.name_ko = 가\ntier.a.threshold = 0\ntier.b.name_en = B\ntier.b.name_ko = 나\ntier.b.threshold = 0\n' > "$WORK/bad2.conf"
expect_output "thresholds must increase" "bad2.conf:6:20: tier \"b\": threshold 0 is not above" $T evaluate --rules "$WORK/bad2.conf" --as-of 2025-06-30
expect_exit "a missing rules file exits 3" 3 $T evaluate --rules "$WORK/none.conf" --as-of 2025-06-30
[ "$(sql "SELECT count(*) FROM tier_runs")" = 0 ] && pass "refused rules wrote nothing" || fail "refused rules wrote nothing"

# ---- evaluate: twice = once, steps = one run
expect_output "evaluate through 2025-06-30" "^2025-06-30,,[0-9]+,[0-9]+,0,no" $T --format csv evaluate --as-of 2025-06-30
ROWS=$(sql "SELECT count(*) FROM tier_history")
[ "$ROWS" -gt 0 ] && pass "the evaluation upgraded customers ($ROWS changes)" || fail "no tier change in the demo"
expect_output "the same day again writes nothing" "^2025-06-30,2025-06-30,0,0,0,yes" $T --format csv evaluate --as-of 2025-06-30
expect_output "an earlier day writes nothing" ",yes$" $T --format csv evaluate --as-of 2025-01-01
[ "$(sql "SELECT count(*) FROM tier_history")" = "$ROWS" ] && pass "twice = once: the history is unchanged" || fail "the history grew"
expect_ok "evaluate 2025-09-30" $T evaluate --as-of 2025-09-30
expect_ok "evaluate 2026-03-31" $T evaluate --as-of 2026-03-31
HIST="SELECT group_concat(x, ';') FROM (SELECT customer_id||','||from_tier||','||to_tier||','||changed_on||','||measure||','||reason AS x FROM tier_history ORDER BY customer_id, history_id)"
STEPS=$(sql "$HIST")
DOWN=$(sql "SELECT count(*) FROM tier_history WHERE reason <> 'upgrade'")
[ "$DOWN" -gt 0 ] && pass "reviews downgraded customers ($DOWN)" || fail "no downgrade in the demo"
ONE=$(DANGOL_DB="$WORK/fresh.db" $T evaluate --as-of 2026-03-31 >/dev/null 2>&1; DANGOL_DB="$WORK/fresh.db" sql "$HIST")
[ "$STEPS" = "$ONE" ] && pass "three evaluations give the history of one" || fail "steps and one run differ"
BAD=$(sql "SELECT count(*) FROM tier_history h WHERE measure <> (SELECT coalesce(sum(total), 0) FROM orders o WHERE o.customer_id = h.customer_id AND o.ordered_at / 86400 BETWEEN h.changed_on - 364 AND h.changed_on)")
[ "$BAD" = 0 ] && pass "every change's measure is the SQL sum of its 365-day window" || fail "$BAD measures differ from SQL"
BAD=$(sql "SELECT count(*) FROM tier_history WHERE reason <> 'upgrade' AND (strftime('%d', changed_on * 86400, 'unixepoch') <> '01' OR CAST(strftime('%m', changed_on * 86400, 'unixepoch') AS INTEGER) % 3 <> 1)")
[ "$BAD" = 0 ] && pass "downgrades fall on quarterly review dates only" || fail "$BAD downgrades off a review date"
BAD=$(sql "SELECT count(*) FROM tier_history h WHERE reason = 'upgrade' AND measure < CASE to_tier WHEN 'silver' THEN 100000 WHEN 'gold' THEN 200000 WHEN 'vip' THEN 400000 END")
[ "$BAD" = 0 ] && pass "every upgrade reached its tier's threshold" || fail "$BAD upgrades below the threshold"

# ---- reports in every format
C=$(sql "SELECT customer_id FROM tier_history WHERE reason <> 'upgrade' ORDER BY customer_id LIMIT 1")
expect_output "show names the tier in English and Korean" "^$C +[a-z]+ +[A-Za-z]+ +[^ ]+ +20" $T show "$C"
expect_output "show lists the history with reasons" "downgrade_one_step" $T show "$C"
expect_output "show as JSON has both tables" '"Tier history of' $T --format json show "$C"
expect_output "show on an earlier day" "^$C,basic,Basic,일반" $T --format csv show "$C" --as-of 2024-01-01
expect_exit "an unknown customer exits 3" 3 $T show NOBODY
expect_exit "show without a customer exits 2" 2 $T show
N=$(sql "SELECT count(*) FROM customers")
expect_output "the distribution counts every customer" "^tier,name_en" $T --format csv distribution
SUM=$($T --format csv distribution | awk -F, 'NR > 1 { s += $5 } END { print s }')
[ "$SUM" = "$N" ] && pass "the distribution adds up to the $N customers" || fail "distribution sums to $SUM, not $N"
for f in table csv json; do expect_ok "distribution --format $f" $T --format "$f" distribution --as-of 2025-12-31; done
expect_output "migration is a tier x tier matrix" "^tier,name_en,name_ko,basic,silver,gold,vip,total" $T --format csv migration --from 2025-01-01 --to 2026-01-01
SUM=$($T --format csv migration --from 2025-01-01 --to 2026-01-01 | awk -F, 'NR > 1 { s += $8 } END { print s }')
[ "$SUM" = "$N" ] && pass "the migration matrix adds up to the customers" || fail "migration sums to $SUM"
expect_exit "migration needs --from and --to" 2 $T migration --from 2025-01-01
expect_exit "migration with from after to exits 2" 2 $T migration --from 2026-01-01 --to 2025-01-01
expect_exit "a bad date exits 2" 2 $T distribution --as-of 2025-13-01
expect_output "crosstab by stage" "^tier,name_en,name_ko,prospect,customer,client" $T --format csv crosstab --by stage
expect_output "crosstab by RFM segment, asked in Korean" "Champions" $T --format csv crosstab --by 세그먼트
expect_exit "crosstab by something else exits 2" 2 $T crosstab --by colour
expect_exit "tier --help" 0 $T --help
expect_exit "an unknown subcommand exits 2" 2 $T promote
expect_exit "--rules on a report exits 2" 2 $T distribution --rules "$ROOT/config/tiers.conf"

# ---- the points earn takes the tier's multiplier (gold: 1500 per mille)
O=$(sql "SELECT o.order_id FROM orders o WHERE (SELECT to_tier FROM tier_history h WHERE h.customer_id = o.customer_id AND h.changed_on <= o.ordered_at / 86400 ORDER BY changed_on DESC, history_id DESC LIMIT 1) = 'gold' AND NOT EXISTS (SELECT 1 FROM points_movements p WHERE p.source_id = o.order_id) ORDER BY o.order_id LIMIT 1")
if [ -n "$O" ] && [ "$O" != None ]; then
  TOTAL=$(sql "SELECT total FROM orders WHERE order_id = '$O'")
  expect_output "a gold customer's order earns x1.5" "^[0-9]+,$((TOTAL * 10 * 1500 / 1000000))," "$DANGOL" --quiet --format csv points earn --order "$O"
else
  fail "no order of a gold customer to earn"
fi

# ---- 12 processes evaluate the same day at once
RUNS=$(sql "SELECT count(*) FROM tier_runs"); ROWS=$(sql "SELECT count(*) FROM tier_history")
for i in $(seq 1 12); do
  ( $T --format csv evaluate --as-of 2026-06-30 > "$WORK/ev.$i.out" 2> "$WORK/ev.$i.err"; echo $? > "$WORK/ev.$i.rc" ) &
done
wait
OK=$(cat "$WORK"/ev.*.rc | grep -c '^0$'); APPLIED=$(cat "$WORK"/ev.*.out | grep -c ',no$')
ADDED=$(($(sql "SELECT count(*) FROM tier_history") - ROWS))
RUN=$(sql "SELECT upgrades + downgrades FROM tier_runs WHERE as_of = (SELECT max(as_of) FROM tier_runs)")
echo "tiers e2e: 12 processes: $OK exited 0, $APPLIED applied, $ADDED history rows added, run says $RUN" >&2
[ "$OK" = 12 ] && [ "$APPLIED" = 1 ] && pass "12 concurrent evaluations: all succeed, one applies" \
  || fail "12 concurrent evaluations: $OK ok, $APPLIED applied" "$(cat "$WORK"/ev.*.err)"
[ "$(sql "SELECT count(*) FROM tier_runs")" = $((RUNS + 1)) ] && [ "$ADDED" = "$RUN" ] \
  && pass "one run recorded, its changes written once (doubled 0)" || fail "runs or history doubled: added $ADDED, run $RUN"

# ---- rules from a file are kept: a later evaluation without --rules uses them (orders measure)
cp "$WORK/pristine.db" "$WORK/orders.db"
printf 'measure = orders\nreview = yearly\ndowngrade = recompute\ngrace_days = 0\ntier.new.name_en = New\ntier.new.name_ko = 신규\ntier.new.threshold = 0\ntier.reg.name_en = Regular\ntier.reg.name_ko = 단골\ntier.reg.threshold = 4\n' > "$WORK/orders.conf"
expect_ok "evaluate with an orders-measure file" env DANGOL_DB="$WORK/orders.db" $T evaluate --as-of 2025-06-30 --rules "$WORK/orders.conf"
expect_ok "evaluate later without --rules" env DANGOL_DB="$WORK/orders.db" $T evaluate --as-of 2026-03-31
expect_output "the store keeps the file's rules" "^reg,Regular,단골,4," env DANGOL_DB="$WORK/orders.db" $T --format csv rules
BAD=$(DANGOL_DB="$WORK/orders.db" sql "SELECT count(*) FROM tier_history h WHERE to_tier NOT IN ('new', 'reg') OR measure <> (SELECT count(*) FROM orders o WHERE o.customer_id = h.customer_id AND o.ordered_at / 86400 BETWEEN h.changed_on - 364 AND h.changed_on)")
N2=$(DANGOL_DB="$WORK/orders.db" sql "SELECT count(*) FROM tier_history WHERE changed_on > 20269")
[ "$BAD" = 0 ] && [ "$N2" -gt 0 ] && pass "both evaluations used the file's rules: order counts, its tiers ($N2 changes after 2025-06-30)" \
  || fail "kept rules: $BAD bad rows, $N2 later changes"

# ---- the points measure: points earned (earn movements, any source, less their reversals) in
# the window, each change's measure checked against SQL over the ledger
cp "$WORK/pristine.db" "$WORK/points.db"
PDB="$WORK/points.db"
psql() { DANGOL_DB="$PDB" sql "$1"; }
# two orders in three earn (x1, on their own day); every fifth of those is returned ten days
# later (its earn reversed); some customers get a campaign's bonus lot
psql "SELECT group_concat(order_id, ' ') FROM (SELECT order_id, row_number() OVER (ORDER BY order_id) AS n FROM orders) WHERE n % 3 <> 0" | tr ' ' '\n' |
  xargs -P 2 -I{} "$DANGOL" --db "$PDB" --quiet points earn --order {} --multiplier 1000 > /dev/null 2>&1
for o in $(psql "SELECT group_concat(source_id, ' ') FROM (SELECT source_id FROM points_movements WHERE kind = 'earn' AND source_kind = 'order' AND movement_id % 5 = 0)"); do
  "$DANGOL" --db "$PDB" --quiet points reverse --order "$o" --reason returned \
    --date "$(psql "SELECT date(ordered_at + 10 * 86400, 'unixepoch') FROM orders WHERE order_id = '$o'")" > /dev/null 2>&1
done
for c in $(psql "SELECT group_concat(customer_id, ' ') FROM (SELECT customer_id FROM customers ORDER BY customer_id LIMIT 6)"); do
  "$DANGOL" --db "$PDB" --quiet points earn --customer "$c" --points 700 --source campaign --source-id WINTER --date 2025-02-01 > /dev/null 2>&1
done
MOVES=$(psql "SELECT count(*) || ' earns, ' || (SELECT count(*) FROM points_movements WHERE kind = 'reverse') || ' reversals' FROM points_movements WHERE kind = 'earn'")
printf 'measure = points\nreview = quarterly\ndowngrade = recompute\ntier.basic.name_en = Basic\ntier.basic.name_ko = 일반\ntier.basic.threshold = 0\ntier.silver.name_en = Silver\ntier.silver.name_ko = 실버\ntier.silver.threshold = 500\ntier.gold.name_en = Gold\ntier.gold.name_ko = 골드\ntier.gold.threshold = 1500\n' > "$WORK/points.conf"
expect_ok "evaluate on points earned ($MOVES)" env DANGOL_DB="$PDB" $T evaluate --as-of 2025-03-31 --rules "$WORK/points.conf"
expect_ok "... and again at the year's end" env DANGOL_DB="$PDB" $T evaluate --as-of 2025-12-31
BAD=$(psql "SELECT count(*) FROM tier_history h WHERE measure <> (SELECT coalesce(sum(points), 0) FROM points_movements p WHERE p.customer_id = h.customer_id AND p.kind IN ('earn', 'reverse') AND p.occurred_on BETWEEN h.changed_on - 364 AND h.changed_on)")
N=$(psql "SELECT count(*) FROM tier_history")
UP=$(psql "SELECT count(*) FROM tier_history WHERE reason = 'upgrade' AND to_tier = 'gold'")
DOWN=$(psql "SELECT count(*) FROM tier_history WHERE reason <> 'upgrade'")
REV=$(psql "SELECT count(*) FROM tier_history h WHERE EXISTS (SELECT 1 FROM points_movements p WHERE p.customer_id = h.customer_id AND p.kind = 'reverse' AND p.occurred_on BETWEEN h.changed_on - 364 AND h.changed_on)")
[ "$BAD" = 0 ] && [ "$N" -gt 0 ] && [ "$UP" -gt 0 ] && [ "$DOWN" -gt 0 ] && [ "$REV" -gt 0 ] &&
  pass "points measure: every change's measure is the SQL sum of earns less reversals in its 365 days ($N changes, $UP to gold, $DOWN down, $REV with a reversal in the window)" ||
  fail "points measure: $BAD of $N measures differ from SQL ($UP to gold, $DOWN down, $REV with a reversal)"
BAD=$(psql "SELECT count(*) FROM tier_history WHERE reason = 'upgrade' AND measure < CASE to_tier WHEN 'silver' THEN 500 WHEN 'gold' THEN 1500 END")
[ "$BAD" = 0 ] && pass "points measure: every upgrade reached its tier's threshold" || fail "points measure: $BAD upgrades below their threshold"

# ---- the API: roles, reads, parallel evaluations
echo 'admin password 1' | "$DANGOL" --quiet user add ann --role admin
echo 'manager password 1' | "$DANGOL" --quiet user add max --role manager
echo 'analyst password 1' | "$DANGOL" --quiet user add amy --role analyst
MGR=$("$DANGOL" --quiet token create --user max); ANA=$("$DANGOL" --quiet token create --user amy)
start_server --no-web --threads 4 || exit 0
call() { # call TOKEN METHOD PATH: sets STATUS, BODY (into last.json)
  STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $1" "$URL$3")
  echo "$STATUS $2 $3" >> "$WORK/requests"
}
call "$ANA" GET "/api/customers/$C/tier"
[ "$STATUS" = 200 ] && pass "an analyst reads a customer's tier" || fail "customer tier: HTTP $STATUS"
expect_json "... with its history" "j[1]['title'].startswith('Tier history') and len(j[1]['rows']) > 0"
call "$ANA" GET "/api/customers/NOBODY/tier"
[ "$STATUS" = 404 ] && pass "an unknown customer is 404" || fail "unknown customer: HTTP $STATUS"
call "$ANA" GET "/api/tiers/distribution?as_of=2025-12-31"
[ "$STATUS" = 200 ] && pass "distribution" || fail "distribution: HTTP $STATUS"
$T --format json distribution --as-of 2025-12-31 > "$WORK/dist.cli.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a['rows']==b['rows'] else 1)" "$WORK/dist.cli.json" "$WORK/last.json" \
  && pass "the API's distribution is the CLI's" || fail "API and CLI distributions differ"
call "$ANA" GET "/api/tiers/migration?from=2025-01-01&to=2026-01-01"
[ "$STATUS" = 200 ] && pass "migration" || fail "migration: HTTP $STATUS"
call "$ANA" GET "/api/tiers/migration?from=2025-01-01"
[ "$STATUS" = 400 ] && pass "migration without to is 400" || fail "migration without to: HTTP $STATUS"
call "$ANA" GET "/api/tiers/crosstab?by=stage"
[ "$STATUS" = 200 ] && pass "crosstab" || fail "crosstab: HTTP $STATUS"
call "$ANA" POST "/api/tiers/evaluate?as_of=2026-09-30"
[ "$STATUS" = 403 ] && pass "an analyst may not evaluate (403)" || fail "analyst evaluate: HTTP $STATUS"
call "" POST "/api/tiers/evaluate?as_of=2026-09-30"
[ "$STATUS" = 401 ] && pass "nobody may not evaluate (401)" || fail "anonymous evaluate: HTTP $STATUS"
ROWS=$(sql "SELECT count(*) FROM tier_history"); RUNS=$(sql "SELECT count(*) FROM tier_runs")
PIDS=""
for i in $(seq 1 12); do
  ( curl -s -o "$WORK/api.$i.json" -w '%{http_code}\n' -X POST -H "Authorization: Bearer $MGR" "$URL/api/tiers/evaluate?as_of=2026-09-30" > "$WORK/api.$i.status" ) &
  PIDS="$PIDS $!"
done
wait $PIDS   # not the server
CREATED=$(cat "$WORK"/api.*.status | grep -c '^201$'); SAME=$(cat "$WORK"/api.*.status | grep -c '^200$')
ADDED=$(($(sql "SELECT count(*) FROM tier_history") - ROWS))
RUN=$(sql "SELECT upgrades + downgrades FROM tier_runs WHERE as_of = (SELECT max(as_of) FROM tier_runs)")
echo "tiers e2e: API: 12 clients: $CREATED evaluated (201), $SAME found it done (200), $ADDED rows added, run says $RUN" >&2
[ "$CREATED" = 1 ] && [ "$SAME" = 11 ] && pass "12 parallel API evaluations: one 201, eleven 200" \
  || fail "12 parallel API evaluations: $CREATED 201, $SAME 200" "$(cat "$WORK"/api.*.json)"
[ "$(sql "SELECT count(*) FROM tier_runs")" = $((RUNS + 1)) ] && [ "$ADDED" = "$RUN" ] \
  && pass "the API evaluation was written once" || fail "API evaluation doubled: added $ADDED, run $RUN"
STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $MGR" -H 'Content-Type: application/json' -d '{"as_of": "2027-01-01"}' "$URL/api/tiers/evaluate")
[ "$STATUS" = 400 ] && pass "evaluate with a body is 400 and writes nothing" || fail "evaluate with a body: HTTP $STATUS"
stop_server
