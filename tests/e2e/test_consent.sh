# Consent per purpose end to end: `dangol consent grant|withdraw|show|list` with codes and Korean
# names, effective days, the imported flags of the customer record, the documented exit codes
# for a bad purpose, source or date and an unknown customer (nothing written), the history
# append-only in the store itself, an idempotency key applied once; 20 processes changing one
# customer's consents at once all land in the history; through the API: the routes by role
# (analyst reads, manager and the customer's own agent write, another site's agent is refused),
# 20 parallel clients lose nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
RACE="$(dirname "$0")/helpers/consent_race.py"

"$DANGOL" --quiet demo --customers 60 --seed 18 >/dev/null 2>&1 || fail "demo store for consent"
C=$(sqlite3 "$DANGOL_DB" "SELECT customer_id FROM customers WHERE consent_sms = 0 ORDER BY 1 LIMIT 1")
F=$(sqlite3 "$DANGOL_DB" "SELECT customer_id FROM customers WHERE consent_sms = 1 ORDER BY 1 LIMIT 1")
events() { sqlite3 "$DANGOL_DB" "SELECT count(*) FROM consent_events"; }

# ---- CLI
for sub in grant withdraw show list; do
  expect_output "consent $sub --help" "usage: dangol" "$DANGOL" consent "$sub" --help
done
expect_ok "grant by code" "$DANGOL" consent grant "$C" --purpose marketing_sms --source web --date 2024-03-01
expect_output "the customer now consents to SMS" "marketing_sms +grant +2024-03-01 +web" "$DANGOL" consent show "$C"
expect_ok "withdraw by Korean names" "$DANGOL" consent withdraw "$C" --purpose "문자(SMS) 마케팅 수신" --source 전화 --date 2024-05-01
expect_output "on 2024-04-01 the grant holds" "marketing_sms +grant +2024-03-01" "$DANGOL" consent show "$C" --as-of 2024-04-01
expect_output "on 2024-06-01 the withdrawal holds" "marketing_sms +withdraw +2024-05-01 +call" "$DANGOL" consent show "$C" --as-of 2024-06-01
expect_output "the history keeps the grant" "^1,marketing_sms,grant,2024-03-01,web," "$DANGOL" consent show "$C" --format csv
expect_output "and the withdrawal" "^2,marketing_sms,withdraw,2024-05-01,call," "$DANGOL" consent show "$C" --format csv
"$DANGOL" --format csv consent list --purpose marketing_sms --as-of 2024-04-01 > "$WORK/list.apr"
"$DANGOL" --format csv consent list --purpose marketing_sms --as-of 2024-06-01 > "$WORK/list.jun"
if grep -q "^$C," "$WORK/list.apr" && ! grep -q "^$C," "$WORK/list.jun"; then pass "the send list follows the effective days"
else fail "the send list follows the effective days" "$(grep "$C" "$WORK/list.apr" "$WORK/list.jun")"; fi
if grep -q "^$F,.*,import," "$WORK/list.jun"; then pass "an imported consent_sms flag counts when there is no event"
else fail "an imported consent_sms flag counts when there is no event" "$(head -5 "$WORK/list.jun")"; fi
expect_ok "the imported flag is withdrawn by an event" "$DANGOL" consent withdraw "$F" --purpose marketing_sms --source store --date 2024-05-01
"$DANGOL" --format csv consent list --purpose marketing_sms --as-of 2024-06-01 > "$WORK/list.jun2"
if grep -q "^$F," "$WORK/list.jun2"; then fail "a withdrawal overrides the imported flag"; else pass "a withdrawal overrides the imported flag"; fi
expect_output "list --format json" '"customer_id"' "$DANGOL" --format json consent list --purpose third_party_sharing

n=$(events)
expect_exit "an unknown purpose is a usage error" 2 "$DANGOL" consent grant "$C" --purpose telepathy --source web
expect_output "the message names the valid purposes" "third_party_sharing" "$DANGOL" consent grant "$C" --purpose telepathy --source web
expect_exit "an unknown source is a usage error" 2 "$DANGOL" consent grant "$C" --purpose marketing_sms --source pigeon
expect_exit "a missing source is a usage error" 2 "$DANGOL" consent grant "$C" --purpose marketing_sms
expect_exit "a bad date is a usage error" 2 "$DANGOL" consent grant "$C" --purpose marketing_sms --source web --date 2024-13-01
expect_exit "an unknown customer exits 3" 3 "$DANGOL" consent grant NO-SUCH --purpose marketing_sms --source web
expect_exit "list needs a purpose" 2 "$DANGOL" consent list
expect_exit "show of an unknown customer exits 3" 3 "$DANGOL" consent show NO-SUCH
if [ "$(events)" = "$n" ]; then pass "refused changes write nothing"; else fail "refused changes write nothing"; fi

expect_ok "a keyed grant" "$DANGOL" consent grant "$C" --purpose marketing_email --source web --idempotency-key k-1
expect_output "the same key again replays" "yes +\$|replayed|yes" "$DANGOL" consent grant "$C" --purpose marketing_email --source web --idempotency-key k-1
expect_exit "the key with another request is refused" 1 "$DANGOL" consent grant "$C" --purpose marketing_phone --source web --idempotency-key k-1
if [ "$(sqlite3 "$DANGOL_DB" "SELECT count(*) FROM consent_events WHERE customer_id = '$C' AND purpose = 'marketing_email'")" = 1 ]; then
  pass "a key applies once"; else fail "a key applies once"; fi
if sqlite3 "$DANGOL_DB" "UPDATE consent_events SET action = 'grant'" 2>/dev/null ||
   sqlite3 "$DANGOL_DB" "DELETE FROM consent_events" 2>/dev/null; then fail "the history is append-only"
else pass "the history is append-only"; fi

# ---- 20 processes change one customer's consents at once
n=$(events)
mkdir "$WORK/gate"
for i in $(seq 1 20); do
  case $((i % 4)) in 0) p=marketing_email ;; 1) p=marketing_sms ;; 2) p=marketing_phone ;; *) p=third_party_sharing ;; esac
  a=grant; [ $((i % 2)) -eq 0 ] && a=withdraw
  ( while [ ! -e "$WORK/gate/go" ]; do :; done
    "$DANGOL" --quiet consent "$a" "$C" --purpose "$p" --source api > /dev/null 2>> "$WORK/race.err" ) &
done
touch "$WORK/gate/go"; wait
after=$(events)
if [ "$((after - n))" = 20 ] && [ ! -s "$WORK/race.err" ]; then pass "20 simultaneous changes all land in the history"
else fail "20 simultaneous changes all land in the history ($((after - n)) of 20)" "$(cat "$WORK/race.err")"; fi

# ---- the API, by role
OWN=$(sqlite3 "$DANGOL_DB" "SELECT customer_id FROM customers JOIN staff USING (staff_id) WHERE site = 'Seoul Gangnam' ORDER BY 1 LIMIT 1")
OTHER=$(sqlite3 "$DANGOL_DB" "SELECT customer_id FROM customers JOIN staff USING (staff_id) WHERE site <> 'Seoul Gangnam' ORDER BY 1 LIMIT 1")
echo 'manager password 1' | "$DANGOL" --quiet user add max --role manager
echo 'analyst password 1' | "$DANGOL" --quiet user add amy --role analyst
echo 'agent password 1' | "$DANGOL" --quiet user add ali --role agent --site 'Seoul Gangnam'
MGR=$("$DANGOL" --quiet token create --user max) ANA=$("$DANGOL" --quiet token create --user amy)
AGT=$("$DANGOL" --quiet token create --user ali)
start_server --no-web --threads 4 || exit 0
as() { tok=$1; shift; code=$1; name=$2; method=$3; path=$4; body=${5:-}
  if [ -n "$body" ]; then
    STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $tok" \
      -H 'Content-Type: application/json' --data-binary "$body" "$URL$path")
  else
    STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $tok" "$URL$path")
  fi
  if [ "$STATUS" = "$code" ]; then pass "$name"; else fail "$name (HTTP $STATUS, wanted $code)" "$(cat "$WORK/last.json")"; fi
}
G='{"purpose": "marketing_email", "source": "call"}'
as "$ANA" 200 "an analyst reads a customer's consent" GET "/api/customers/$C/consent"
expect_json "two tables: per purpose and history" "len(j) == 2 and j[1]['title'] == 'Consent history'"
as "$ANA" 200 "an analyst reads a send list" GET "/api/consent?purpose=marketing_sms&as_of=2024-04-01"
expect_json "the send list holds the customer" "any(r['customer_id'] == '$C' for r in j['rows'])"
as "$ANA" 403 "an analyst cannot grant" POST "/api/customers/$C/consent/grant" "$G"
as "$MGR" 201 "a manager grants" POST "/api/customers/$C/consent/grant" "$G"
expect_json "the answer names the event" "j['event_id'] > 0 and j['replayed'] is False"
ev=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['event_id'])")
if [ "$(sqlite3 "$DANGOL_DB" "SELECT actor || '/' || source FROM consent_events WHERE event_id = $ev")" = "max/call" ]; then
  pass "the actor is the signed-in user"; else fail "the actor is the signed-in user"; fi
as "$AGT" 201 "an agent records consent for their own customer" POST "/api/customers/$OWN/consent/withdraw" "$G"
as "$AGT" 403 "an agent cannot for another site's customer" POST "/api/customers/$OTHER/consent/grant" "$G"
as "$AGT" 403 "an agent reads no send list" GET "/api/consent?purpose=marketing_sms"
as "$MGR" 400 "an unknown purpose is 400" POST "/api/customers/$C/consent/grant" '{"purpose": "x"}'
as "$MGR" 400 "an unknown field is 400" POST "/api/customers/$C/consent/grant" '{"purpose": "marketing_sms", "why": 1}'
as "$MGR" 404 "an unknown customer is 404" POST "/api/customers/NO-SUCH/consent/grant" "$G"
as "$MGR" 400 "a send list needs a purpose" GET "/api/consent"
curl -s -o /dev/null -X POST -H "Authorization: Bearer $MGR" -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: api-1' --data-binary "$G" "$URL/api/customers/$F/consent/grant"
STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $MGR" -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: api-1' --data-binary "$G" "$URL/api/customers/$F/consent/grant")
expect_json "a retried key answers the first event" "j['replayed'] is True"
python3 "$RACE" grants "$URL" "$C" 20 "$MGR" > "$WORK/race.json" 2>&1
expect_json_file() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$3" 2>/dev/null; }
if expect_json_file x "j['statuses'] == {'201': 20} and j['lost'] == 0" "$WORK/race.json"; then
  pass "20 parallel API clients: every change acknowledged and kept"
else fail "20 parallel API clients: every change acknowledged and kept" "$(cat "$WORK/race.json")"; fi
stop_server
