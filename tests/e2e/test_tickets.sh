# VOC tickets end to end: `dangol ticket` opens and works a ticket through its states (Korean
# names too), refuses bad transitions, stale versions, times before the ticket opened, unknown
# ids and bad config (file:line:col), each writing nothing; SLA lists, escalation once, service
# recovery once; every list in table, csv and json; 10 processes assigning one ticket with the
# same version: one wins, nothing lost; the API likewise with parallel clients, plus parallel
# comments (all kept) and parallel recovery jobs (each incident once).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
BURST="$(dirname "$0")/helpers/tickets_burst.py"
T="$DANGOL --quiet ticket"

"$DANGOL" --quiet demo --customers 40 --seed 11 >/dev/null 2>&1 || fail "demo store for tickets"
sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DANGOL_DB" "$1"; }
C=$(sql "SELECT customer_id FROM orders ORDER BY order_id LIMIT 1")
O=$(sql "SELECT order_id FROM orders WHERE customer_id = '$C' LIMIT 1")
OTHER=$(sql "SELECT order_id FROM orders WHERE customer_id <> '$C' LIMIT 1")

# ---- open and work one ticket (Fri 2026-03-06 17:00 KST, high complaint)
expect_output "open a ticket with Korean names" "^1,open,1," \
  $T --format csv open --customer "$C" --kind 불만 --channel 콜센터 --priority 높음 --order "$O" \
  --subject "late delivery" --at 2026-03-06T17:00:00+09:00
expect_output "its first response is due Monday 10:00 KST (2 business hours over a weekend)" \
  "first_response_due +2026-03-09T01:00:00Z" $T show 1 --as-of 2026-03-06T17:30:00+09:00
expect_output "its resolution is due Tuesday 17:00 KST (18 business hours)" \
  "resolution_due +2026-03-10T08:00:00Z" $T show 1 --as-of 2026-03-06T17:30:00+09:00
EVENTS=$(sql "SELECT count(*) FROM ticket_events")
expect_exit "start before assign is refused (exit 1)" 1 $T start 1 --at 2026-03-06T17:10:00+09:00
expect_output "... naming the state and the allowed actions" "ticket 1 is open: cannot start it; allowed from open: assign, comment" \
  $T start 1 --at 2026-03-06T17:10:00+09:00
expect_exit "a time before the ticket was opened is refused (exit 1)" 1 $T assign 1 --to kim --at 2026-03-06T16:00:00+09:00
expect_output "... saying so" "is before ticket 1 was opened" $T assign 1 --to kim --at 2026-03-06T16:00:00+09:00
expect_exit "an unknown ticket exits 3" 3 $T assign 999 --to kim
expect_exit "an unknown customer exits 3" 3 $T open --customer NOBODY --kind complaint
expect_exit "another customer's order is refused (exit 1)" 1 $T open --customer "$C" --kind complaint --order "$OTHER"
expect_exit "a bad kind is a usage error (exit 2)" 2 $T open --customer "$C" --kind grumble
expect_output "... listing the valid kinds" "valid: complaint, inquiry, suggestion, compliment" $T open --customer "$C" --kind grumble
expect_exit "a bad time is a usage error (exit 2)" 2 $T assign 1 --to kim --at 2026-02-30
expect_exit "assign without --to is a usage error" 2 $T assign 1
[ "$(sql "SELECT count(*) FROM ticket_events")" = "$EVENTS" ] && [ "$(sql "SELECT count(*) FROM tickets")" = 1 ] \
  && pass "refused writes wrote nothing" || fail "refused writes wrote nothing"
expect_ok "assign" $T assign 1 --to kim --version 1 --at 2026-03-06T17:20:00+09:00
expect_exit "a stale version is refused (exit 1)" 1 $T assign 1 --to lee --version 1 --at 2026-03-06T17:25:00+09:00
expect_output "... naming the current version" "at version 2, not 1" $T assign 1 --to lee --version 1
expect_exit "a time before the last change is refused" 1 $T start 1 --at 2026-03-06T17:10:00+09:00
expect_ok "start" $T start 1 --at 2026-03-09T09:30:00+09:00
expect_ok "comment" $T comment 1 --note "고객에게 연락함" --actor kim --at 2026-03-09T09:40:00+09:00
expect_ok "resolve" $T resolve 1 --at 2026-03-09T11:00:00+09:00
expect_ok "close" $T close 1 --at 2026-03-09T11:00:00+09:00
expect_ok "reopen" $T reopen 1 --note "not fixed" --at 2026-03-10T10:00:00+09:00
expect_output "every change is an event: who, when, what, from -> to" \
  "^7,2026-03-10T01:00:00Z,system,reopen,closed,open,not fixed,7$" $T --format csv show 1
expect_output "the first response was met (09:30 < 10:00 Monday)" "first_response +met" $T show 1
expect_output "the comment kept its Korean text and its actor" ",kim,comment,in_progress,in_progress,고객에게 연락함," $T --format csv show 1

# ---- SLA lists, escalation, formats
expect_output "reopened and past its resolution due: breached" "^1,$C,complaint" \
  $T --format csv breached --as-of 2026-03-10T18:00:00+09:00
expect_ok "an inquiry (Wed 10:00)" $T open --customer "$C" --kind inquiry --at 2026-03-11T10:00:00+09:00
expect_output "at risk within 1 h at 17:30 (8 h first response due 18:00)" "^2," \
  $T --format csv at-risk --within 1 --as-of 2026-03-11T17:30:00+09:00
expect_output "not at risk within 1 h at 15:00" "^ticket," $T --format csv at-risk --within 1 --as-of 2026-03-11T15:00:00+09:00
[ "$($T --format csv at-risk --within 1 --as-of 2026-03-11T15:00:00+09:00 | wc -l)" = 1 ] \
  && pass "... the list is empty" || fail "at-risk at 15:00 lists nothing"
expect_exit "a bad --within is a usage error" 2 $T at-risk --within -3
expect_output "escalate raises the two breached tickets" "^2$" $T --format csv escalate --as-of 2026-03-12T18:00:00+09:00 | tail -1
expect_output "escalating again changes nothing" "^0$" $T --format csv escalate --as-of 2026-03-12T18:00:00+09:00 | tail -1
[ "$(sql "SELECT priority FROM tickets WHERE ticket_id = 1")" = urgent ] && [ "$(sql "SELECT priority FROM tickets WHERE ticket_id = 2")" = high ] && pass "high -> urgent, normal -> high, escalated once" \
  || fail "escalation raised the priority"
for f in table csv json; do expect_ok "list --format $f" $T --format "$f" list; done
expect_output "json list" '"ticket_state": ?"open"' $T --format json list --customer "$C"
expect_output "list --state uses Korean names too" "^2," $T --format csv list --state 접수

# ---- bad config
printf 'mon = 09:00-18:00\ntue = 9-18\n' > "$WORK/bad_cal.conf"
expect_exit "a bad calendar is refused" 1 $T breached --calendar "$WORK/bad_cal.conf"
expect_output "... at file:line:col" "bad_cal.conf:2:7:" $T breached --calendar "$WORK/bad_cal.conf"
printf 'resolution.urgnt = 3\n' > "$WORK/bad_sla.conf"
expect_output "a bad SLA file names the place" "bad_sla.conf:1:20:.*unknown priority" $T breached --sla "$WORK/bad_sla.conf"
expect_ok "the shipped calendar and SLA files" $T breached --calendar "$ROOT/config/calendar.conf" --sla "$ROOT/config/sla.conf"
expect_exit "ticket --help" 0 $T --help
expect_exit "an unknown subcommand is a usage error" 2 $T fix

# ---- service recovery
INC=$(sql "SELECT (SELECT count(*) FROM feedback WHERE kind = 'complaint' OR rating IN (1, 2)) + (SELECT count(*) FROM surveys WHERE nps BETWEEN 0 AND 6 OR csat IN (1, 2))")
BEFORE=$(sql "SELECT count(*) FROM tickets")
for i in $(seq 1 6); do
  ( $T --format csv recover --as-of 2100-01-01 > "$WORK/rec.$i.out" 2> "$WORK/rec.$i.err"; echo $? > "$WORK/rec.$i.rc" ) &
done
wait
OPENED=$(cat "$WORK"/rec.*.out | grep -E '^[0-9]+$' | paste -sd+ | bc)
FAILED=$(cat "$WORK"/rec.*.rc | grep -vc '^0$')
NOW=$(sql "SELECT count(*) FROM tickets WHERE category = 'service_recovery'")
DISTINCT=$(sql "SELECT count(DISTINCT source_kind || ':' || source_id) FROM tickets WHERE source_kind IS NOT NULL")
echo "tickets e2e: 6 recovery processes: $OPENED opened for $INC incidents, $FAILED failed" >&2
[ "$INC" -gt 0 ] && [ "$OPENED" = "$INC" ] && [ "$NOW" = "$INC" ] && [ "$DISTINCT" = "$INC" ] && [ "$FAILED" = 0 ] \
  && pass "6 simultaneous recovery runs: one ticket per incident ($INC), none twice" \
  || fail "recovery under 6 processes: opened $OPENED, stored $NOW, distinct $DISTINCT, incidents $INC, failed $FAILED" "$(cat "$WORK"/rec.*.err)"
expect_output "a further run opens nothing" "^0$" $T --format csv recover --as-of 2100-01-01 | tail -1
[ "$(sql "SELECT count(*) FROM tickets WHERE category = 'service_recovery' AND first_response_due > incident_at AND priority = 'high'")" = "$INC" ] \
  && pass "recovery tickets are high priority, due a first response after the incident" || fail "recovery ticket fields"

# ---- 10 processes assign one ticket with the version they read
V=$(sql "SELECT version FROM tickets WHERE ticket_id = 2")
for i in $(seq 1 10); do
  ( $T assign 2 --to "agent$i" --version "$V" > /dev/null 2> "$WORK/as.$i.err"; echo $? > "$WORK/as.$i.rc" ) &
done
wait
WON=$(cat "$WORK"/as.*.rc | grep -c '^0$'); REFUSED=$(cat "$WORK"/as.*.rc | grep -c '^1$')
AFTER=$(sql "SELECT version FROM tickets WHERE ticket_id = 2")
ASSIGNS=$(sql "SELECT count(*) FROM ticket_events WHERE ticket_id = 2 AND action = 'assign'")
echo "tickets e2e: 10 processes, one version: $WON won, $REFUSED refused (409-like), version $V -> $AFTER" >&2
[ "$WON" = 1 ] && [ "$REFUSED" = 9 ] && [ "$AFTER" = $((V + 1)) ] && [ "$ASSIGNS" = 1 ] \
  && pass "10 agents, one version: one wins, 9 refused, no lost or double update" \
  || fail "10 agents, one version: $WON won, $REFUSED refused, version $AFTER, $ASSIGNS assigns" "$(cat "$WORK"/as.*.err)"
expect_output "the losers are told the ticket changed" "changed since it was read" cat "$WORK"/as.*.err

# ---- the API: parallel agents
start_server --no-web --threads 4 || exit 0
expect_status "open through the API" 201 POST /api/tickets "{\"customer_id\": \"$C\", \"kind\": \"suggestion\", \"channel\": \"app\"}"
TID=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['ticket_id'])")
python3 "$BURST" stale "$URL" "$TID" 12 > "$WORK/last.json" 2>&1
echo "tickets e2e: API stale: $(cat "$WORK/last.json")" >&2
expect_json "12 clients assign with one version: one 200, eleven 409" "j['statuses'] == {'200': 1, '409': 11}"
expect_json "... the version rose by one and one assign event exists" "j['after'] == j['before'] + 1 and j['assign_events'] == 1"
python3 "$BURST" comment "$URL" "$TID" 16 > "$WORK/last.json" 2>&1
echo "tickets e2e: API comments: $(cat "$WORK/last.json" | head -c 300)" >&2
expect_json "16 parallel comments: all 200, 16 events, versions consecutive (lost 0)" \
  "j['statuses'] == {'200': 16} and j['new_events'] == 16 and j['after'] == j['before'] + 16 and j['versions'] == list(range(j['before'] + 1, j['after'] + 1))"
expect_status "an invalid transition is 409" 409 POST "/api/tickets/$TID/close" '{}'
expect_json "... naming the state" "'is assigned' in j['error']['message'] and 'allowed from assigned' in j['error']['message']"
expect_status "a time before the ticket opened is 400" 400 POST "/api/tickets/$TID/comment" '{"note": "x", "at": "2001-01-01"}'
expect_status "an unknown field is 400" 400 POST "/api/tickets/$TID/comment" '{"text": "x"}'
sql_before=$(sql "SELECT count(*) FROM tickets")
python3 "$BURST" recover "$URL" 8 2100-01-01 > "$WORK/last.json" 2>&1
expect_json "8 parallel recovery jobs open nothing twice" "j['statuses'] == {'200': 8} and j['opened'] == 0"
[ "$(sql "SELECT count(*) FROM tickets")" = "$sql_before" ] && pass "... the store has no new ticket" || fail "recovery twice through the API"
STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: OPEN-1' -d "{\"customer_id\": \"$C\", \"kind\": \"inquiry\"}" "$URL/api/tickets")
STATUS2=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: OPEN-1' -d "{\"customer_id\": \"$C\", \"kind\": \"inquiry\"}" "$URL/api/tickets")
[ "$STATUS" = 201 ] && [ "$STATUS2" = 201 ] && pass "a retried open answers 201 twice" || fail "retried open: $STATUS $STATUS2"
expect_json "... the second replayed" "j['replayed'] == True"
stop_server

# ---- an agent works only their own customers' tickets (docs/security.md); the VOC analyses,
# over every customer's tickets, are not theirs to read
MINE=$(sql "SELECT c.customer_id FROM customers c JOIN tickets t ON t.customer_id = c.customer_id WHERE c.staff_id IS NOT NULL ORDER BY t.ticket_id LIMIT 1")
STAFF=$(sql "SELECT staff_id FROM customers WHERE customer_id = '$MINE'")
NOTMINE=$(sql "SELECT customer_id FROM customers WHERE staff_id IS NULL OR staff_id <> '$STAFF' ORDER BY customer_id LIMIT 1")
$T open --customer "$NOTMINE" --kind inquiry --at 2026-03-11T10:00:00+09:00 > /dev/null || fail "a ticket of another agent's customer"
OWN_TID=$(sql "SELECT min(ticket_id) FROM tickets WHERE customer_id = '$MINE'")
OTHER_TID=$(sql "SELECT max(ticket_id) FROM tickets WHERE customer_id = '$NOTMINE'")
PASSWORD='agent password 1'
echo "$PASSWORD" | "$DANGOL" --quiet user add agt --role agent --staff-id "$STAFF" > /dev/null || fail "an agent user"
echo "$PASSWORD" | "$DANGOL" --quiet user add ana --role analyst > /dev/null || fail "an analyst user"
AGT=$("$DANGOL" -q token create --user agt --label tickets)
ANA=$("$DANGOL" -q token create --user ana --label tickets)
as_user() {   # as_user TOKEN METHOD PATH [BODY]: the status into STATUS, the body into last.json
  STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' ${4:+--data-binary "$4"} "$URL$3")
}
start_server --no-web || exit 0
for view in "" /breached /at-risk; do
  as_user "$AGT" GET "/api/tickets$view?as_of=2026-03-20"
  MINE_ALL=$(python3 -c "import sqlite3,sys; print(','.join(sorted(r[0] for r in sqlite3.connect(sys.argv[1]).execute(\"SELECT DISTINCT t.customer_id FROM tickets t JOIN customers c USING (customer_id) WHERE c.staff_id = ?\", (sys.argv[2],)))))" "$DANGOL_DB" "$STAFF")
  if [ "$STATUS" = 200 ] && python3 -c "import json,sys; rows=json.load(open(sys.argv[1]))['rows']; sys.exit(0 if all(r['customer_id'] in sys.argv[2].split(',') for r in rows) and (sys.argv[3] != '' or rows) else 1)" "$WORK/last.json" "$MINE_ALL" "$view"; then
    pass "an agent's /api/tickets$view lists only their own customers' tickets"
  else fail "an agent's /api/tickets$view lists only their own customers' tickets (HTTP $STATUS)" "$(head -c 400 "$WORK/last.json")"; fi
done
as_user "$ANA" GET "/api/tickets?as_of=2026-03-20"
python3 -c "import json,sys; rows=json.load(open(sys.argv[1]))['rows']; sys.exit(0 if any(r['customer_id'] == sys.argv[2] for r in rows) else 1)" "$WORK/last.json" "$NOTMINE" &&
  pass "an analyst's list has every customer's tickets" || fail "an analyst's list has every customer's tickets"
as_user "$AGT" GET "/api/tickets/$OWN_TID"; [ "$STATUS" = 200 ] && pass "an agent sees their own customer's ticket" || fail "an agent sees their own customer's ticket ($STATUS)"
as_user "$AGT" GET "/api/tickets/$OTHER_TID"; [ "$STATUS" = 403 ] && pass "... not another's (403)" || fail "an agent is refused another's ticket ($STATUS)"
as_user "$AGT" GET "/api/tickets/999999"; [ "$STATUS" = 403 ] && pass "... nor an unknown one, alike (403)" || fail "an agent asking for an unknown ticket ($STATUS)"
BEFORE=$(sql "SELECT count(*) FROM ticket_events")
as_user "$AGT" POST "/api/tickets/$OTHER_TID/comment" '{"note": "not mine"}'
[ "$STATUS" = 403 ] && [ "$(sql "SELECT count(*) FROM ticket_events")" = "$BEFORE" ] &&
  pass "an agent cannot act on another's ticket (403, nothing written)" || fail "an agent acting on another's ticket ($STATUS)"
as_user "$AGT" POST /api/tickets "{\"customer_id\": \"$NOTMINE\", \"kind\": \"inquiry\"}"
[ "$STATUS" = 403 ] && pass "an agent cannot open a ticket for another's customer (403)" || fail "an agent opening for another's customer ($STATUS)"
as_user "$AGT" POST /api/tickets "{\"customer_id\": \"$MINE\", \"kind\": \"inquiry\"}"
[ "$STATUS" = 201 ] && pass "... but for their own (201)" || fail "an agent opening for their own customer ($STATUS)" "$(cat "$WORK/last.json")"
as_user "$AGT" POST "/api/tickets/$OWN_TID/comment" '{"note": "called back"}'
[ "$STATUS" = 200 ] && pass "... and comment on their own" || fail "an agent commenting on their own ($STATUS)" "$(cat "$WORK/last.json")"
for r in stats terms "search?q=x" recovery; do
  as_user "$AGT" GET "/api/voc/$r"; [ "$STATUS" = 403 ] && pass "an agent may not read /api/voc/$r (every customer's tickets)" || fail "agent /api/voc/$r ($STATUS)"
done
as_user "$ANA" GET "/api/voc/stats"; [ "$STATUS" = 200 ] && pass "an analyst reads /api/voc/stats" || fail "analyst /api/voc/stats ($STATUS)"
stop_server
