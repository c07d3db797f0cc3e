# The audit trail (docs/security.md, "The audit trail"): the CLI (export needs a reason and is
# logged with the customers it holds, points/user/token writes logged, never a password or a
# token, prune's floor), the API (a look-up logged once with the client's address and the
# token's role, a masked answer not logged, a list needs a reason and is one entry for its page,
# a write's before and after with personal fields masked, GET /api/audit for admins only), 20 API
# clients and 20 processes released together keep one chain with nothing lost, and tampering
# with the store file behind the triggers' back (sqlite3) is named by `dangol audit verify`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
BURST="$(dirname "$0")/helpers/audit_burst.py"
PASSWORD='correct horse battery staple'
D="$DANGOL"
C=C00000001

"$D" -q demo --customers 60 > /dev/null 2>&1 || fail "demo store"

# entries N: the number of entries `audit list` shows (with the given filters)
entries() {
  "$D" --format json audit list "$@" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['rows']))"
}
# last_entry: the newest entry as JSON, for expect_json
last_entry() {
  "$D" --format json audit list | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)['rows'][-1]))" > "$WORK/last.json"
}

# ---- the command line
expect_output "audit --help names verify, list and prune" "verify.*list.*prune|prune" "$D" audit --help
expect_exit   "audit without a subcommand exits 2" 2 "$D" audit
expect_exit   "an unknown subcommand exits 2" 2 "$D" audit frobnicate
expect_ok     "an empty trail verifies" "$D" audit verify
expect_exit   "export of customers without --reason exits 2" 2 "$D" export customers
expect_output "... and says a reason is needed" "needs --reason" "$D" export customers
expect_exit   "export of feedback (free text) without --reason exits 2" 2 "$D" export feedback
expect_ok     "export of orders needs no reason" "$D" export orders --output "$WORK/o.csv"
[ "$(entries)" = 0 ] && pass "refused exports and records without personal data log nothing" \
  || fail "refused exports logged" "$("$D" audit list)"
expect_ok     "export with a reason" "$D" export customers --reason "year-end mailing" --output "$WORK/c.csv"
last_entry
expect_json   "the export is logged: cli, the OS user, the reason" \
  "j['action'] == 'export' and j['actor_kind'] == 'cli' and j['origin'] == 'cli' and j['actor'] != '' and j['reason'] == 'year-end mailing'"
expect_json   "... with every customer it holds" "len(json.loads(j['customers'])) == 60 and '$C' in json.loads(j['customers'])"
expect_json   "... and what was written" "json.loads(j['detail'])['records'] == 60 and json.loads(j['detail'])['entity'] == 'customers'"
[ "$(entries --customer $C)" = 1 ] && pass "audit list --customer finds the export" || fail "audit list --customer" "$("$D" audit list --customer $C)"
[ "$(entries --customer NOBODY)" = 0 ] && pass "audit list --customer of another finds nothing" || fail "audit list --customer NOBODY"
expect_exit   "audit list --since with a bad date exits 2" 2 "$D" audit list --since 2024-13-01
[ "$(entries --since 2099-01-01)" = 0 ] && pass "audit list --since the future finds nothing" || fail "audit list --since"
expect_ok     "a points write" "$D" -q points earn --customer $C --points 30 --source manual --reason "welcome"
last_entry
expect_json   "the points write is logged with before and after" \
  "j['action'] == 'points.earn' and json.loads(j['customers']) == ['$C'] and json.loads(j['detail'])['before']['balance'] == 0 and json.loads(j['detail'])['after']['balance'] == 30"
expect_exit   "prune --keep-days 364 is refused (exit 2)" 2 "$D" audit prune --keep-days 364
expect_output "... naming the floor" "at least 365 days" "$D" audit prune --keep-days 100
expect_ok     "prune by the default keeps what is younger than 730 days" "$D" -q audit prune
[ "$(entries)" = 2 ] && pass "... and removed nothing" || fail "prune removed entries" "$("$D" audit list)"

# ---- the server of a store without users: logged as anonymous, with the address
if start_server --no-web; then
  expect_status "a look-up without users" 200 GET /api/customers/$C
  last_entry
  expect_json "it is logged: anonymous, from 127.0.0.1, the route" \
    "j['action'] == 'customer.view' and j['actor_kind'] == 'anonymous' and j['origin'] == '127.0.0.1' and json.loads(j['customers']) == ['$C'] and 'GET /api/customers/{customer_id}' in j['detail']"
  expect_status "a list without users needs no reason" 200 GET "/api/customers?limit=3"
  last_entry
  expect_json "... and is one entry for the page's customers" "j['action'] == 'customer.list' and len(json.loads(j['customers'])) == 3"
  stop_server
fi
if start_server --no-web --read-only; then
  n=$(entries)
  expect_status "a read-only server answers a look-up" 200 GET /api/customers/$C
  expect_json "... with the personal fields masked (it cannot log them)" "'*' in j['name']"
  [ "$(entries)" = "$n" ] && pass "... and logs nothing" || fail "a read-only server logged"
  stop_server
fi

# ---- users, tokens: written to the trail, never their secrets
printf '%s\n' "$PASSWORD" | "$D" -q user add ann --role admin || fail "admin"
echo 'manager password 1' | "$D" -q user add max --role manager || fail "manager"
echo 'analyst password 1' | "$D" -q user add amy --role analyst || fail "analyst"
ANN=$("$D" -q token create --user ann --label audit)
MAX=$("$D" -q token create --user max --label audit)
AMY=$("$D" -q token create --user amy --label audit)
OLD=$("$D" -q token create --user max --label old)
"$D" -q token revoke 4 || fail "revoke"
last_entry
expect_json "token revoke is logged" "j['action'] == 'token.revoke' and json.loads(j['detail'])['after']['revoked']"
[ "$(entries)" -ge 9 ] && pass "user add and token create are logged" || fail "user/token entries" "$("$D" audit list)"

# aq NAME CODE METHOD PATH TOKEN [BODY]: a request with a bearer token
aq() {
  name=$1 code=$2 method=$3 path=$4 token=$5 body=${6:-}
  if [ -n "$body" ]; then set -- -H "Content-Type: application/json" --data-binary "$body"; else set --; fi
  STATUS=$(curl -s -o "$WORK/response" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token" "$@" "$URL$path")
  cat "$WORK/response" > "$WORK/last.json"
  cat "$WORK/response" >> "$WORK/answers"
  if [ "$STATUS" = "$code" ]; then pass "$name"; else fail "$name (HTTP $STATUS, wanted $code)" "$(cat "$WORK/response")"; fi
}

if start_server --no-web; then
  n=$(entries)
  aq "a manager's look-up" 200 GET /api/customers/$C "$MAX"
  last_entry
  expect_json "is logged once: the token, its role, the address" \
    "j['action'] == 'customer.view' and j['actor_kind'] == 'token' and j['actor'] == 'max' and j['role'] == 'manager' and j['origin'] == '127.0.0.1'"
  [ "$(entries)" = $((n + 1)) ] && pass "... one entry for one look-up" || fail "look-up entries"
  aq "a manager's card" 200 GET /api/customers/$C/card "$MAX"
  [ "$(entries)" = $((n + 2)) ] && pass "the card is logged" || fail "card not logged"
  aq "an analyst's look-up (masked)" 200 GET /api/customers/$C "$AMY"
  aq "an analyst's list (masked) needs no reason" 200 GET "/api/customers?limit=5" "$AMY"
  [ "$(entries)" = $((n + 2)) ] && pass "masked answers show no personal data and are not logged" || fail "masked answers logged"
  aq "a manager's list without a reason is refused" 400 GET "/api/customers?limit=5" "$MAX"
  expect_json "... with code reason_required" "j['error']['code'] == 'reason_required'"
  aq "a manager's list with a reason" 200 GET "/api/customers?limit=5&reason=call%20list" "$MAX"
  last_entry
  expect_json "is one entry with the page's five customers and the reason" \
    "j['action'] == 'customer.list' and len(json.loads(j['customers'])) == 5 and j['reason'] == 'call list'"
  aq "a manager changes a phone" 200 PATCH "/api/customers/$C" "$MAX" '{"phone":"010-9999-1234"}'
  aq "a manager changes the region and the phone" 200 PATCH "/api/customers/$C" "$MAX" '{"region":"Busan","phone":"010-5555-7777"}'
  last_entry
  expect_json "the update names what changed, before and after" \
    "j['action'] == 'customer.update' and json.loads(j['detail'])['after']['region'] == 'Busan' and 'region' in json.loads(j['detail'])['before']"
  expect_json "... its phone masked both ways" \
    "json.loads(j['detail'])['after']['phone'] == '010-****-7777' and json.loads(j['detail'])['before']['phone'] == '010-****-1234'"
  "$D" --format json audit list > "$WORK/trail.json"
  grep -q "5555" "$WORK/trail.json" && fail "a raw phone is in the trail" || pass "no raw phone of a change is in the trail"
  aq "a manager creates a customer" 201 POST /api/customers "$MAX" '{"customer_id":"AUD-1","name":"홍길동"}'
  last_entry
  expect_json "the create is logged, the name masked" \
    "j['action'] == 'customer.create' and json.loads(j['customers']) == ['AUD-1'] and json.loads(j['detail'])['after']['name'] == '홍*동' and json.loads(j['detail'])['before'] is None"
  aq "a create that conflicts" 409 POST /api/customers "$MAX" '{"customer_id":"AUD-1"}'
  last_entry
  expect_json "... logs nothing" "j['action'] == 'customer.create' and json.loads(j['customers']) == ['AUD-1']"
  aq "an order" 201 POST /api/customers/AUD-1/orders "$MAX" '{"order_id":"AUD-O1","ordered_at":"2024-05-01T10:00:00Z","total":1000}'
  last_entry
  expect_json "the order is logged" "j['action'] == 'order.create' and json.loads(j['customers']) == ['AUD-1']"
  aq "a burn" 201 POST /api/customers/$C/points/burn "$MAX" '{"points":5}'
  last_entry
  expect_json "the burn is logged with the token" "j['action'] == 'points.burn' and j['actor_kind'] == 'token' and json.loads(j['detail'])['after']['balance'] == 25"
  aq "GET /api/audit as admin" 200 GET "/api/audit?customer=$C" "$ANN"
  expect_json "... lists the entries concerning the customer" "len(j['rows']) >= 5 and all('$C' in r['customers'] for r in j['rows'])"
  aq "GET /api/audit with a bad day" 400 GET "/api/audit?since=yesterday" "$ANN"
  aq "GET /api/audit as manager is refused" 403 GET /api/audit "$MAX"
  aq "GET /api/audit as analyst is refused" 403 GET /api/audit "$AMY"
  aq "GET /api/audit as admin, a page" 200 GET "/api/audit?limit=2" "$ANN"
  expect_json "... of two entries" "len(j['rows']) == 2"

  # 20 API clients and 20 processes, released together
  before=$(entries)
  python3 "$BURST" "$URL" "$MAX" $C 20 "$D" "$DANGOL_DB" 20 > "$WORK/burst.json" 2> "$WORK/burst.err"
  cp "$WORK/burst.json" "$WORK/last.json"
  expect_json "20 look-ups and 20 writing processes at once all succeed" \
    "j['statuses'] == [200] * 20 and j['exits'] == [0] * 20"
  after=$(entries)
  [ "$after" = $((before + 40)) ] && pass "exactly 40 entries were added (none lost)" \
    || fail "entries: $before + 40 != $after" "$(cat "$WORK/burst.err")"
  expect_ok "the chain is whole after the burst" "$D" audit verify
  stop_server
fi

# no password or token anywhere in the trail, the API's answers or the server's output
"$D" --format json audit list > "$WORK/trail.json"
for secret in "$PASSWORD" "$ANN" "$MAX" "$AMY" "$OLD"; do
  if grep -qF -- "$secret" "$WORK/trail.json" "$WORK/answers" "$WORK/serve.out" "$WORK/serve.err"; then
    fail "a secret is in the trail or a log"
  else
    pass "a password or token is in neither the trail nor the logs"
  fi
done

# ---- tampering behind the triggers' back
if command -v sqlite3 > /dev/null; then
  cp "$DANGOL_DB" "$WORK/t1.db"
  sqlite3 "$WORK/t1.db" "DROP TRIGGER auth_audit_no_update; UPDATE auth_audit SET reason = 'nothing to see' WHERE entry_id = 1"
  expect_exit   "a changed entry: verify exits 1" 1 "$D" --db "$WORK/t1.db" audit verify
  expect_output "... and names it" "entry 1 was changed" "$D" --db "$WORK/t1.db" audit verify
  cp "$DANGOL_DB" "$WORK/t2.db"
  sqlite3 "$WORK/t2.db" "DROP TRIGGER auth_audit_no_delete; DELETE FROM auth_audit WHERE entry_id = 3"
  expect_exit   "a removed entry: verify exits 1" 1 "$D" --db "$WORK/t2.db" audit verify
  expect_output "... and names it" "entry 3 is missing" "$D" --db "$WORK/t2.db" audit verify
  expect_ok     "without dropping the trigger the store refuses a delete" \
    sh -c "! sqlite3 '$DANGOL_DB' 'DELETE FROM auth_audit WHERE entry_id = 3' 2> /dev/null"
  expect_ok     "the untouched store verifies" "$D" audit verify
else
  fail "tampering tests need the sqlite3 command"
fi
