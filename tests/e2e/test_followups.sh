# Post-purchase follow-up and VOC analytics end to end: `dangol followup` schedules the tasks of
# the rules (figures compared with SQL), creates nothing twice (again, and with 12 processes at
# once), records outcomes (Korean names, stale versions, done once, audited), refuses a bad rules
# file at file:line:col, exports the outbox with consent respected (a withdrawal leaves the
# customer out and is counted), and erasure empties the notes; `dangol voc` figures (volume,
# terms, search, recovery) are compared with SQL; the API with 12 parallel clients recording one
# task's outcome: one wins, the others get 409.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
BURST="$(dirname "$0")/helpers/followups_burst.py"
F="$DANGOL --quiet followup"
V="$DANGOL --quiet voc"

"$DANGOL" --quiet demo --customers 200 --seed 7 >/dev/null 2>&1 || fail "demo store for follow-ups"
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DANGOL_DB" "$1"; }
ASOF=$(sql "SELECT date(max(ordered_at), 'unixepoch') FROM orders")
ASOF_DAY=$(sql "SELECT max(ordered_at) / 86400 FROM orders")

# ---- the schedule, against SQL (the shipped rules: thank_you 3 days after a first purchase,
# skincare_survey 14 days after a skincare purchase, household_reorder 30 days a unit - 3)
THANKS=$(sql "SELECT count(*) FROM orders o WHERE o.ordered_at / 86400 <= $ASOF_DAY AND o.ordered_at / 86400 + 3 >= $ASOF_DAY - 30 AND NOT EXISTS (SELECT 1 FROM orders p WHERE p.customer_id = o.customer_id AND (p.ordered_at < o.ordered_at OR (p.ordered_at = o.ordered_at AND p.order_id < o.order_id)))")
SURVEYS=$(sql "SELECT count(*) FROM orders o WHERE o.ordered_at / 86400 <= $ASOF_DAY AND o.ordered_at / 86400 + 14 >= $ASOF_DAY - 30 AND EXISTS (SELECT 1 FROM order_lines l JOIN products p USING (product_id) WHERE l.order_id = o.order_id AND p.category = 'skincare')")
expect_output "schedule creates tasks" "^[0-9]+$" $F --format csv schedule --as-of "$ASOF"
[ "$(sql "SELECT count(*) FROM followup_tasks WHERE rule = 'thank_you'")" = "$THANKS" ] \
  && pass "thank-you calls: one per first purchase in the window ($THANKS, as SQL counts)" \
  || fail "thank-you calls: $(sql "SELECT count(*) FROM followup_tasks WHERE rule = 'thank_you'") tasks, SQL says $THANKS"
[ "$(sql "SELECT count(*) FROM followup_tasks WHERE rule = 'skincare_survey'")" = "$SURVEYS" ] \
  && pass "skincare surveys: one per skincare purchase in the window ($SURVEYS)" \
  || fail "skincare surveys: $(sql "SELECT count(*) FROM followup_tasks WHERE rule = 'skincare_survey'") tasks, SQL says $SURVEYS"
[ "$(sql "SELECT count(*) FROM followup_tasks t JOIN orders o USING (order_id) WHERE t.rule = 'thank_you' AND t.due_on <> o.ordered_at / 86400 + 3")" = 0 ] \
  && pass "every thank-you call is due 3 days after its order" || fail "thank-you due days"
[ "$(sql "SELECT count(*) FROM followup_tasks t JOIN orders o USING (order_id) JOIN order_lines l ON l.order_id = o.order_id AND l.product_id = t.product_id WHERE t.rule = 'household_reorder' AND t.due_on <> o.ordered_at / 86400 + 30 * coalesce(l.quantity, 1) - 3")" = 0 ] \
  && pass "every reorder reminder is due when the units run out, 3 days before" || fail "reorder due days"
TOTAL=$(sql "SELECT count(*) FROM followup_tasks")
[ "$TOTAL" -gt 0 ] && pass "some tasks ($TOTAL)" || fail "no task was scheduled"
expect_output "a second run creates nothing" "^0$" $F --format csv schedule --as-of "$ASOF"

# ---- 12 schedulers at once on an empty task table: every task once
sql "SELECT 1" >/dev/null
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DELETE FROM followup_tasks'); c.commit()" "$DANGOL_DB"
i=0; while [ $i -lt 12 ]; do
  ( $F --format csv schedule --as-of "$ASOF" > "$WORK/sched.$i" 2>&1; echo $? > "$WORK/sched.$i.rc" ) &
  i=$((i + 1))
done
wait
SUM=0; OK=0; i=0
while [ $i -lt 12 ]; do
  [ "$(cat "$WORK/sched.$i.rc")" = 0 ] && OK=$((OK + 1))
  SUM=$((SUM + $(tail -1 "$WORK/sched.$i" | grep -E '^[0-9]+$' || echo 1000)))
  i=$((i + 1))
done
[ "$OK" = 12 ] && pass "12 concurrent schedulers all succeed" || fail "12 concurrent schedulers: $OK succeeded"
[ "$(sql "SELECT count(*) FROM followup_tasks")" = "$TOTAL" ] && [ "$SUM" = "$TOTAL" ] \
  && pass "12 concurrent schedulers: $TOTAL tasks, each created once" \
  || fail "12 concurrent schedulers: $(sql "SELECT count(*) FROM followup_tasks") tasks, created $SUM, wanted $TOTAL"
[ "$(sql "SELECT count(*) FROM (SELECT rule, order_id, product_id FROM followup_tasks GROUP BY 1, 2, 3 HAVING count(*) > 1)")" = 0 ] \
  && pass "no duplicate task" || fail "duplicate tasks"
SCHED_AUDIT=$(sql "SELECT count(*) FROM auth_audit WHERE action = 'followup.schedule'")
[ "$SCHED_AUDIT" = 2 ] && pass "one audit entry per run that created tasks (the first run, one of the 12)" \
  || fail "followup.schedule audit entries: $SCHED_AUDIT, wanted 2"

# ---- bad rules
printf 'rule.a.trigger = first_purchase\nrule.a.after_days = soon\n' > "$WORK/bad.conf"
expect_exit "a bad rules file is refused (exit 1)" 1 $F schedule --rules "$WORK/bad.conf"
expect_output "... at file:line:col" "bad.conf:2:21: rule.a.after_days" $F schedule --rules "$WORK/bad.conf"
printf 'rule.s.trigger = category\nrule.s.after_days = 7\n' > "$WORK/bad2.conf"
expect_output "a rule missing its category is named at its first line" "bad2.conf:1:1: rule s has no category" $F schedule --rules "$WORK/bad2.conf"
[ "$(sql "SELECT count(*) FROM followup_tasks")" = "$TOTAL" ] && pass "refused rules wrote nothing" || fail "refused rules wrote"
expect_ok "the shipped rules file" $F schedule --rules "$ROOT/config/followups.conf" --as-of "$ASOF"
expect_exit "a bad date is a usage error" 2 $F schedule --as-of 2025-02-30

# ---- outcomes
T1=$(sql "SELECT min(task_id) FROM followup_tasks WHERE rule = 'thank_you'")
C1=$(sql "SELECT customer_id FROM followup_tasks WHERE task_id = $T1")
AUDIT=$(sql "SELECT count(*) FROM auth_audit WHERE action = 'followup.done'")
expect_exit "a stale version is refused (exit 1)" 1 $F done "$T1" --outcome reached --version 2
expect_output "... naming the current version" "at version 1, not 2" $F done "$T1" --outcome reached --version 2
expect_exit "an unknown outcome is a usage error" 2 $F done "$T1" --outcome maybe
expect_exit "done without --outcome is a usage error" 2 $F done "$T1"
expect_exit "an unknown task exits 3" 3 $F done 999999 --outcome reached
expect_output "record an outcome in Korean" "^$T1,2,no$" $F --format csv done "$T1" --outcome "통화 완료" --note "만족하심" --version 1
expect_exit "done twice is refused (exit 1)" 1 $F done "$T1" --outcome declined
[ "$(sql "SELECT outcome || '|' || note || '|' || version FROM followup_tasks WHERE task_id = $T1")" = "reached|만족하심|2" ] \
  && pass "the outcome and note are kept, version 2" || fail "outcome row: $(sql "SELECT outcome || '|' || note || '|' || version FROM followup_tasks WHERE task_id = $T1")"
[ "$(sql "SELECT count(*) FROM auth_audit WHERE action = 'followup.done'")" = $((AUDIT + 1)) ] \
  && pass "the outcome is audited once (refusals are not)" || fail "audit entries of followup.done"
[ "$(sql "SELECT customers FROM auth_audit WHERE action = 'followup.done' ORDER BY entry_id DESC LIMIT 1")" = "[\"$C1\"]" ] \
  && pass "the audit entry names the customer" || fail "the audit entry's customers"
T2=$(sql "SELECT min(task_id) FROM followup_tasks WHERE state = 'open'")
expect_ok "an idempotency key" $F done "$T2" --outcome no_answer --idempotency-key fk1
expect_output "... replayed, nothing written" "^$T2,2,yes$" $F --format csv done "$T2" --outcome no_answer --idempotency-key fk1
expect_output "list done tasks" "통화 완료|reached" $F --format csv list --state done
expect_exit "list with a bad state" 2 $F list --state maybe
expect_output "list --format json" '"followup_rule"' $F --format json list --customer "$C1"

# ---- the outbox and consent
OPEN_SMS=$(sql "SELECT count(*) FROM followup_tasks t JOIN customers c USING (customer_id) WHERE t.state = 'open' AND t.channel = 'sms' AND t.due_on <= $ASOF_DAY + 30 AND c.consent_sms = 1 AND c.phone IS NOT NULL")
OUT_DAY=$(sql "SELECT date(($ASOF_DAY + 30) * 86400, 'unixepoch')")
expect_exit "the outbox needs a reason" 2 $F outbox --channel sms --as-of "$OUT_DAY"
$F --format csv outbox --channel 문자 --as-of "$OUT_DAY" --reason "SMS send" > "$WORK/outbox.csv" 2> "$WORK/outbox.err"
ROWS=$(($(grep -vc '^#' "$WORK/outbox.csv") - 1))
[ "$ROWS" = "$OPEN_SMS" ] && pass "the SMS outbox lists the consenting customers' tasks ($ROWS, as SQL counts)" \
  || fail "the SMS outbox has $ROWS rows, SQL says $OPEN_SMS" "$(cat "$WORK/outbox.csv")"
LEFT=$(sql "SELECT count(*) FROM followup_tasks t JOIN customers c USING (customer_id) WHERE t.state = 'open' AND t.channel = 'sms' AND t.due_on <= $ASOF_DAY + 30 AND coalesce(c.consent_sms, 0) = 0")
expect_output "... counting those left out for consent ($LEFT)" "\"$LEFT tasks left out" $F --format json outbox --channel sms --as-of "$OUT_DAY" --reason "SMS send"
OC=$(sed -n 2p "$WORK/outbox.csv" | cut -d, -f2)
if [ -n "$OC" ]; then
  expect_ok "withdraw one customer's SMS consent" "$DANGOL" --quiet consent withdraw "$OC" --purpose marketing_sms --source call --date "$ASOF"
  $F --format csv outbox --channel sms --as-of "$OUT_DAY" --reason "SMS send" > "$WORK/outbox2.csv" 2>/dev/null
  grep -q ",$OC," "$WORK/outbox2.csv" && fail "a withdrawn customer is still in the outbox" || pass "a withdrawn customer leaves the outbox"
else
  fail "the outbox had no row to withdraw from"
fi
expect_output "the outbox export is audited with its reason" "SMS send" sql "SELECT reason FROM auth_audit WHERE action = 'export' ORDER BY entry_id DESC LIMIT 1"
expect_output "the outbox as JSON" '"contact"' $F --format json outbox --channel email --as-of "$OUT_DAY" --reason "mail"

# ---- erasure empties the notes
expect_ok "erase a customer with a follow-up note" "$DANGOL" --quiet customer erase "$C1" --reason "asked"
[ "$(sql "SELECT count(*) FROM followup_tasks WHERE customer_id = '$C1' AND note IS NOT NULL")" = 0 ] \
  && pass "erasure empties the follow-up notes" || fail "a follow-up note survived erasure"
T3=$(sql "SELECT coalesce(min(task_id), 0) FROM followup_tasks WHERE customer_id = '$C1' AND state = 'open'")
if [ "$T3" != 0 ]; then
  expect_exit "no new note for an erased customer" 1 $F done "$T3" --outcome reached --note "again"
else
  pass "no open task of the erased customer to write a note on"
fi

# ---- VOC analytics against SQL
"$DANGOL" --quiet ticket recover --as-of "$ASOF" >/dev/null
C2=$(sql "SELECT customer_id FROM customers WHERE customer_id <> '$C1' ORDER BY customer_id LIMIT 1")
i=0
for s in "배송이 너무 늦어요" "배송 지연으로 환불을 원해요" "환불이 안 됩니다" "포장이 찢어져서 왔어요" "상담원이 친절했어요"; do
  "$DANGOL" --quiet ticket open --customer "$C2" --kind 불만 --channel 웹 --category 배송 --subject "$s" --at "${ASOF}T10:00:00+09:00" >/dev/null || fail "open a Korean ticket"
  i=$((i + 1))
done
N=$(sql "SELECT count(*) FROM tickets")
$V --format csv stats --as-of "${ASOF}T23:59:59Z" > "$WORK/stats.csv" 2>/dev/null
expect_output "stats: the tickets ($N)" "^$N," sed -n 3p "$WORK/stats.csv"
COMPLAINTS=$(sql "SELECT count(*) FROM tickets WHERE kind = 'complaint'")
expect_output "stats: the complaints ($COMPLAINTS)" "^ticket_kind,complaint,$COMPLAINTS," cat "$WORK/stats.csv"
WEB=$(sql "SELECT count(*) FROM tickets WHERE channel = 'web'")
expect_output "stats: web tickets ($WEB)" "^channel,web,$WEB," cat "$WORK/stats.csv"
expect_output "stats: the 배송 category (5)" "^category,배송,5," cat "$WORK/stats.csv"
REPEAT=$(sql "SELECT count(*) FROM (SELECT customer_id FROM tickets WHERE kind = 'complaint' GROUP BY 1 HAVING count(*) > 1)")
expect_output "stats: repeat complainants ($REPEAT)" "^$N,$COMPLAINTS,[0-9]+,[0-9.]*,[0-9]+,$REPEAT," sed -n 3p "$WORK/stats.csv"
expect_output "terms: 배송 and 환불 twice each in 배송 (josa stripped)" "^배송,[12],(배송|환불),2," $V --format csv terms --category 배송 --as-of "${ASOF}T23:59:59Z"
expect_output "terms with bigrams" "배송" $V --format csv terms --bigrams --as-of "${ASOF}T23:59:59Z"
expect_output "search: 환불 finds 환불을 and 환불이 (2)" "^2$" sh -c "$V --format csv search 환불 | grep -vc '^#' | xargs -I{} expr {} - 1"
expect_output "search: every word must match" "^1$" sh -c "$V --format csv search 지연 환불 | grep -vc '^#' | xargs -I{} expr {} - 1"
expect_exit "search without words is a usage error" 2 $V search
expect_exit "a bad --top is a usage error" 2 $V terms --top 0
# recovery: the groups as SQL counts them (first complaint opened 90+ days before as-of)
CUT=$(sql "SELECT strftime('%s', '${ASOF}T23:59:59Z') - 90 * 86400")
RSQL="WITH f AS (SELECT t.* FROM tickets t WHERE kind = 'complaint' AND opened_at <= $CUT AND NOT EXISTS (SELECT 1 FROM tickets u WHERE u.customer_id = t.customer_id AND u.kind = 'complaint' AND (u.opened_at < t.opened_at OR (u.opened_at = t.opened_at AND u.ticket_id < t.ticket_id)))) SELECT count(*) || ',' || coalesce(sum(EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = f.customer_id AND o.ordered_at > f.opened_at AND o.ordered_at <= f.opened_at + 90 * 86400)), 0) FROM f WHERE state NOT IN ('resolved', 'closed')"
expect_output "recovery: unresolved complainants and repurchasers as SQL counts" "^unresolved,$(sql "$RSQL")," $V --format csv recovery --as-of "${ASOF}T23:59:59Z"
NSQL="SELECT count(*) || ',' || sum(EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = a.customer_id AND o.ordered_at > a.anchor AND o.ordered_at <= a.anchor + 90 * 86400)) FROM (SELECT customer_id, max(ordered_at) anchor FROM orders WHERE ordered_at <= $CUT GROUP BY 1) a WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.customer_id = a.customer_id AND t.kind = 'complaint')"
expect_output "recovery: customers without a complaint as SQL counts" "^no_complaint,$(sql "$NSQL")," $V --format csv recovery --as-of "${ASOF}T23:59:59Z"

# ---- the API: 12 agents record one task's outcome at once
start_server --no-web --threads 4 || exit 0
T4=$(sql "SELECT min(task_id) FROM followup_tasks WHERE state = 'open'")
python3 "$BURST" done "$URL" "$T4" 12 1 > "$WORK/burst.json" 2>&1
expect_output "12 parallel clients: one wins, eleven get 409" '"statuses": \{("200": 1, "409": 11|"409": 11, "200": 1)\}' cat "$WORK/burst.json"
expect_output "... the winner wrote version 2" '"winners": \[2\]' cat "$WORK/burst.json"
[ "$(sql "SELECT version FROM followup_tasks WHERE task_id = $T4")" = 2 ] && pass "the task was written once" || fail "the task's version after the burst"
expect_status "the API's list" 200 GET "/api/followups?state=done"
expect_status "the API's schedule: nothing new" 200 POST /api/followups/schedule "{\"as_of\": \"$ASOF\"}"
expect_json "tasks_created is 0" "j['tasks_created'] == 0"
expect_status "voc stats over the API" 200 GET "/api/voc/stats?as_of=${ASOF}T23:59:59Z"
expect_json "the API's summary counts $N tickets" "j[0]['rows'][0]['tickets'] == $N"
stop_server
