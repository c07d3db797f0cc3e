# Who may use the server (docs/security.md): users and tokens made by the CLI (passwords from
# standard input only, a token shown once, neither kept in the store file), the role x route
# matrix generated from the route table (helpers/role_matrix.py), sessions (cookie flags, CSRF
# refused, logout, idle timeout), throttled brute force, revoked, expired and disabled
# credentials, security headers, the login page, no secret in any log or error message, and
# personal fields masked for an analyst (never a raw byte in the answers, no search by them).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
MATRIX="$(dirname "$0")/helpers/role_matrix.py"
PASSWORD='correct horse battery staple'
J=application/json

# req NAME CODE METHOD PATH [BODY] [curl options...]: like expect_status, with curl's options
# (headers, cookie jar); the answer's headers go to $WORK/headers.
req() {
  name=$1 code=$2 method=$3 path=$4 body=${5:-}
  if [ $# -ge 5 ]; then shift 5; else shift $#; fi
  if [ -n "$body" ]; then set -- "$@" -H "Content-Type: $J" --data-binary "$body"; fi
  STATUS=$(curl -s -o "$WORK/response" -D "$WORK/headers" -w '%{http_code}' -X "$method" "$@" \
    "$URL$path")
  cat "$WORK/response" > "$WORK/last.json"
  cat "$WORK/response" "$WORK/headers" >> "$WORK/answers"
  if [ "$STATUS" = "$code" ]; then pass "$name"
  else fail "$name (HTTP $STATUS, wanted $code)" "$(cat "$WORK/response")"; fi
}

"$DANGOL" --quiet demo --customers 300 > /dev/null 2>&1 || fail "demo store"

# ---- the CLI
expect_output "user --help says how the password is read" "standard input" "$DANGOL" user --help
expect_output "token --help says a token is shown once" "once" "$DANGOL" token --help
expect_exit "user add needs a role" 2 sh -c "echo '$PASSWORD' | '$DANGOL' user add ann"
expect_exit "a short password is refused" 1 sh -c "echo 'short1' | '$DANGOL' user add ann --role admin"
expect_exit "no password on stdin is refused" 2 sh -c "'$DANGOL' user add ann --role admin < /dev/null"
expect_exit "an agent needs a site or staff id" 2 sh -c "echo '$PASSWORD' | '$DANGOL' user add ag --role agent"
expect_ok "the first admin" sh -c "echo '$PASSWORD' | '$DANGOL' --quiet user add ann --role admin"
expect_exit "a taken name is refused" 1 sh -c "echo '$PASSWORD' | '$DANGOL' user add ann --role manager"
expect_ok "a manager" sh -c "echo 'manager password 1' | '$DANGOL' --quiet user add max --role manager"
expect_ok "an analyst, role in Korean" sh -c "echo 'analyst password 1' | '$DANGOL' --quiet user add amy --role 분석가"
expect_ok "an agent of Seoul Gangnam" sh -c "echo 'agent password 1' | '$DANGOL' --quiet user add ali --role agent --site 'Seoul Gangnam'"
expect_ok "a second admin to disable" sh -c "echo 'other password 1' | '$DANGOL' --quiet user add old --role admin"
expect_output "user list shows the roles" "amy +analyst" "$DANGOL" user list

: > "$WORK/tokens.txt"
for u in ann max amy ali; do
  "$DANGOL" --quiet token create --user "$u" --label "matrix" > "$WORK/token.$u" 2> "$WORK/token.err"
  cat "$WORK/token.$u" >> "$WORK/tokens.txt"
done
ADMIN=$(cat "$WORK/token.ann")
python3 - "$WORK" > "$WORK/tokens.json" <<'EOF'
import json, sys
w = sys.argv[1]
print(json.dumps({r: open(f"{w}/token.{u}").read().strip() for r, u in
                  [("admin", "ann"), ("manager", "max"), ("analyst", "amy"), ("agent", "ali")]}))
EOF
if grep -Eqx 'dgt_[0-9a-f]{64}' "$WORK/token.ann"; then pass "token create prints the token alone"
else fail "token create prints the token alone" "$(cat "$WORK/token.ann")"; fi
expect_exit "a token above its user's role is refused" 1 "$DANGOL" token create --user amy --role admin
LOW=$("$DANGOL" --quiet token create --user max --role analyst)
OLD=$("$DANGOL" --quiet token create --user old)
REVOKED=$("$DANGOL" --quiet token create --user ann --label revoked)
EXPIRED=$("$DANGOL" --quiet token create --user ann --label expired --expires-days 1)
"$DANGOL" token list --format csv > "$WORK/token.list"
echo "$LOW $OLD $REVOKED $EXPIRED" | tr ' ' '\n' >> "$WORK/tokens.txt"
if grep -qF -f "$WORK/tokens.txt" "$WORK/token.list"; then fail "token list never shows a token"
else pass "token list never shows a token"; fi
expect_ok "token revoke" "$DANGOL" token revoke "$(grep ',revoked,' "$WORK/token.list" | cut -d, -f1)"
sqlite3 "$DANGOL_DB" "UPDATE auth_tokens SET expires_at = strftime('%s','now') - 1 WHERE label = 'expired'"
# neither a password nor a token is in the store's bytes (only their hashes)
if grep -qaF -e "$PASSWORD" -e 'manager password 1' "$DANGOL_DB" ||
   grep -qaF -f "$WORK/tokens.txt" "$DANGOL_DB"; then fail "no password or token in the store file"
else pass "no password or token in the store file"; fi

# ---- agent's customers: one of Seoul Gangnam's staff, one of another site
OWN=$(sqlite3 "$DANGOL_DB" "SELECT customer_id FROM customers JOIN staff USING (staff_id) WHERE site = 'Seoul Gangnam' ORDER BY 1 LIMIT 1")
OTHER=$(sqlite3 "$DANGOL_DB" "SELECT customer_id FROM customers JOIN staff USING (staff_id) WHERE site <> 'Seoul Gangnam' ORDER BY 1 LIMIT 1")

start_server --web "$ROOT/web" --threads 2 --session-idle 600 || exit 0
expect_output "the server says sign-in is required" "sign-in required" cat "$WORK/serve.out"

# ---- the matrix
req "nobody gets no analysis" 401 GET /api/kpi
expect_json "401 says how to sign in" "'/api/login' in j['error']['message']"
if grep -qi '^WWW-Authenticate: Bearer' "$WORK/headers"; then pass "401 carries WWW-Authenticate"
else fail "401 carries WWW-Authenticate" "$(cat "$WORK/headers")"; fi
req "the admin reads the OpenAPI document" 200 GET /api/openapi.json "" -H "Authorization: Bearer $ADMIN"
cp "$WORK/response" "$WORK/openapi.json"
if python3 "$MATRIX" "$URL" "$WORK/openapi.json" "$WORK/tokens.json" "$OWN" "$OTHER" > "$WORK/matrix" 2>&1
then pass "role x route matrix: $(tail -1 "$WORK/matrix")"
else fail "role x route matrix" "$(cat "$WORK/matrix")"; fi
req "a token with a lower role than its user is held to it" 403 GET "/api/customers/$OWN/orders" "" -H "Authorization: Bearer $LOW"
req "it still reads analyses" 200 GET "/api/kpi?months=1" "" -H "Authorization: Bearer $LOW"

# ---- personal fields masked for an analyst, never the raw bytes; a manager sees them raw
AMY=$(cat "$WORK/token.amy")
MAX=$(cat "$WORK/token.max")
ROW=$(sqlite3 "$DANGOL_DB" "SELECT customer_id, name, phone FROM customers WHERE phone IS NOT NULL AND length(name) >= 3 AND customer_id IN (SELECT customer_id FROM feedback WHERE text <> '') ORDER BY 1 LIMIT 1")
CID=$(echo "$ROW" | cut -d'|' -f1) RAW_NAME=$(echo "$ROW" | cut -d'|' -f2) RAW_PHONE=$(echo "$ROW" | cut -d'|' -f3)
Q_NAME=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$RAW_NAME")
sqlite3 "$DANGOL_DB" "UPDATE customers SET email = 'hong.gildong@example.com' WHERE customer_id = '$CID'"
sqlite3 "$DANGOL_DB" "SELECT name FROM customers WHERE name IS NOT NULL UNION SELECT phone FROM customers WHERE phone IS NOT NULL UNION SELECT email FROM customers WHERE email IS NOT NULL" > "$WORK/personal.txt"
: > "$WORK/analyst_bodies"
for path in "/api/customers/$CID" "/api/customers/$CID/card" "/api/customers?limit=500" "/api/customers?q=$CID"; do
  req "an analyst reads $path" 200 GET "$path" "" -H "Authorization: Bearer $AMY"
  cat "$WORK/response" >> "$WORK/analyst_bodies"
done
if grep -qF -f "$WORK/personal.txt" "$WORK/analyst_bodies"; then
  fail "no raw name, phone or e-mail in an analyst's answers" "$(grep -oF -f "$WORK/personal.txt" "$WORK/analyst_bodies" | head -3)"
else pass "no raw name, phone or e-mail in an analyst's answers"; fi
req "an analyst reads the customer" 200 GET "/api/customers/$CID" "" -H "Authorization: Bearer $AMY"
expect_json "the e-mail is masked" "j['email'] == 'ho***@example.com'"
expect_json "the phone keeps its first and last group" "j['phone'].split('-')[0] + j['phone'].split('-')[-1] == '$(echo "$RAW_PHONE" | cut -d- -f1)$(echo "$RAW_PHONE" | cut -d- -f3)' and j['phone'].count('*') == 4"
expect_json "the name keeps its first and last character" "j['name'][0] + j['name'][-1] == '$RAW_NAME'[0] + '$RAW_NAME'[-1] and set(j['name'][1:-1]) == {'*'}"
expect_json "other fields stay" "j['customer_id'] == '$CID' and 'region' in j"
req "the card's profile is masked" 200 GET "/api/customers/$CID/card" "" -H "Authorization: Bearer $AMY"
expect_json "the card shows the masked e-mail" "{'field': 'email', 'value': 'ho***@example.com'} in j[0]['rows']"
expect_json "the card withholds feedback texts" "all(r['text'] in ('***', None) for t in j if t['title'] == 'Recent feedback' for r in t['rows'])"
req "an analyst's search by a phone finds nothing" 200 GET "/api/customers?q=$RAW_PHONE" "" -H "Authorization: Bearer $AMY"
expect_json "no match on the hidden phone" "j['total'] == 0"
req "an analyst's search by a name finds nothing" 200 GET "/api/customers?q=$Q_NAME" "" -H "Authorization: Bearer $AMY"
expect_json "no match on the hidden name" "j['total'] == 0"
req "an analyst's search by id finds the customer" 200 GET "/api/customers?q=$CID" "" -H "Authorization: Bearer $AMY"
expect_json "a match on the id" "j['total'] >= 1 and any(i['customer_id'] == '$CID' for i in j['items'])"
req "an analyst may not change a customer" 403 PATCH "/api/customers/$CID" '{"region":"x"}' -H "Authorization: Bearer $AMY"
req "a manager reads the customer" 200 GET "/api/customers/$CID" "" -H "Authorization: Bearer $MAX"
expect_json "a manager sees the raw fields" "j['name'] == '$RAW_NAME' and j['phone'] == '$RAW_PHONE' and j['email'] == 'hong.gildong@example.com'"
req "a manager's search by phone finds the customer" 200 GET "/api/customers?q=$RAW_PHONE&reason=call-back" "" -H "Authorization: Bearer $MAX"
expect_json "a manager's search matches the phone" "any(i['customer_id'] == '$CID' for i in j['items'])"
req "a manager's card is raw" 200 GET "/api/customers/$CID/card" "" -H "Authorization: Bearer $MAX"
expect_json "the card shows the raw e-mail" "{'field': 'email', 'value': 'hong.gildong@example.com'} in j[0]['rows']"
expect_json "the card shows feedback texts" "any(r['text'] not in ('***', None) for t in j if t['title'] == 'Recent feedback' for r in t['rows'])"
req "a revoked token is refused" 401 GET /api/kpi "" -H "Authorization: Bearer $REVOKED"
req "an expired token is refused" 401 GET /api/kpi "" -H "Authorization: Bearer $EXPIRED"
req "a malformed token is refused" 401 GET /api/kpi "" -H "Authorization: Bearer nonsense"
req "basic authentication is refused" 401 GET /api/kpi "" -H "Authorization: Basic YTpi"
req "version is public" 200 GET /api/version
req "the vocabulary is public (the login page's labels)" 200 GET /api/vocabulary

# ---- sessions
jar="$WORK/jar"
req "a wrong password is 401" 401 POST /api/login '{"name":"max","password":"not it at all"}'
expect_json "it does not say which part was wrong" "j['error']['message'] == 'unknown user or wrong password'"
req "an unknown name answers the same" 401 POST /api/login '{"name":"nobody","password":"not it at all"}'
expect_json "the same message" "j['error']['message'] == 'unknown user or wrong password'"
req "sign-in needs JSON" 415 POST /api/login "name=max" -H "Content-Type: application/x-www-form-urlencoded"
req "the manager signs in" 200 POST /api/login '{"name":"max","password":"manager password 1"}' -c "$jar"
CSRF=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['csrf_token'])")
if grep -i '^Set-Cookie:' "$WORK/headers" | grep -q 'HttpOnly' &&
   grep -i '^Set-Cookie:' "$WORK/headers" | grep -q 'SameSite=Strict'; then
  pass "the session cookie is HttpOnly and SameSite=Strict"
else fail "the session cookie is HttpOnly and SameSite=Strict" "$(cat "$WORK/headers")"; fi
req "the session reads customers" 200 GET "/api/customers?limit=1&reason=review" "" -b "$jar"
req "GET /api/session names the user" 200 GET /api/session "" -b "$jar"
expect_json "with role and CSRF token" "j['user'] == 'max' and j['role'] == 'manager' and j['csrf_token'] == '$CSRF'"
req "a write by session without the CSRF token is refused" 403 POST /api/customers '{"customer_id":"CSRF1"}' -b "$jar"
expect_json "the refusal is csrf" "j['error']['code'] == 'csrf'"
req "a wrong CSRF token is refused" 403 POST /api/customers '{"customer_id":"CSRF1"}' -b "$jar" -H "X-CSRF-Token: 0000"
req "nothing was written" 404 GET /api/customers/CSRF1 "" -b "$jar"
req "with the CSRF token the write goes through" 201 POST /api/customers '{"customer_id":"CSRF1"}' -b "$jar" -H "X-CSRF-Token: $CSRF"
req "a token's write needs no CSRF token" 201 POST /api/customers '{"customer_id":"CSRF2"}' -H "Authorization: Bearer $(cat "$WORK/token.max")"
req "sign-out without the CSRF token is refused" 403 POST /api/logout "" -b "$jar"
req "sign-out" 200 POST /api/logout "" -b "$jar" -H "X-CSRF-Token: $CSRF"
if grep -i '^Set-Cookie:' "$WORK/headers" | grep -q 'Max-Age=0'; then pass "sign-out clears the cookie"
else fail "sign-out clears the cookie" "$(cat "$WORK/headers")"; fi
req "the old session is over" 401 GET "/api/customers?limit=1" "" -b "$jar"
req "an invented session is refused" 401 GET /api/kpi "" -b "dangol_session=$(printf '%064d' 0)"

# ---- disabling a user ends their token and their session
req "the second admin signs in" 200 POST /api/login '{"name":"old","password":"other password 1"}' -c "$jar"
expect_ok "user disable" "$DANGOL" --quiet user disable old
req "the disabled user's session ends" 401 GET /api/kpi "" -b "$jar"
req "the disabled user's token is refused" 401 GET /api/kpi "" -H "Authorization: Bearer $OLD"
req "the disabled user cannot sign in" 401 POST /api/login '{"name":"old","password":"other password 1"}'

# ---- a token revoked by another process while the server runs, which keeps the tokens it has
# verified (per pool thread): refused from the very next request, on every thread
LIVE=$("$DANGOL" --quiet token create --user max --label live)
for i in 1 2 3 4 5 6; do
  req "a fresh token is let in ($i)" 200 GET "/api/customers/$CID" "" -H "Authorization: Bearer $LIVE"
done
expect_ok "token revoke while serving" "$DANGOL" token revoke \
  "$("$DANGOL" token list --format csv | grep ',live,' | cut -d, -f1)"
for i in 1 2 3 4 5 6; do
  req "the token revoked meanwhile is refused ($i)" 401 GET "/api/customers/$CID" "" -H "Authorization: Bearer $LIVE"
done

# ---- the sign-in page in a browser (before the brute force below throttles this address)
if [ -x /usr/bin/chromium ] && [ -d "$ROOT/web/node_modules/playwright-core" ] &&
   [ -f "$ROOT/web/node_modules/echarts/dist/echarts.min.js" ]; then
  node "$(dirname "$0")/login.js" "$URL" ann "$PASSWORD" > "$WORK/login.out" 2>&1
  record_lines "$WORK/login.out"
  grep -q '^pass ' "$WORK/login.out" || fail "login page browser test ran" "$(cat "$WORK/login.out")"
else
  fail "the sign-in page's browser test needs chromium and web/node_modules (run \`make deps web\`)"
fi

# ---- brute force
for i in 1 2 3 4 5; do
  req "wrong password $i of 5" 401 POST /api/login '{"name":"amy","password":"guess number '$i'"}'
done
req "then even the right password is throttled" 429 POST /api/login '{"name":"amy","password":"analyst password 1"}'
if grep -qi '^Retry-After: [1-9]' "$WORK/headers"; then pass "429 says when to retry"
else fail "429 says when to retry" "$(cat "$WORK/headers")"; fi
req "another account is not locked by it" 200 POST /api/login '{"name":"ann","password":"'"$PASSWORD"'"}'
req "amy's token still works (the throttle is on sign-in)" 200 GET /api/kpi?months=1 "" -H "Authorization: Bearer $(cat "$WORK/token.amy")"
for i in $(seq 1 14); do
  curl -s -o /dev/null -H "Content-Type: $J" --data-binary '{"name":"n'"$i"'","password":"guess guess"}' "$URL/api/login"
done
req "after 20 failures from one address, every account is throttled there" 429 POST /api/login '{"name":"ann","password":"'"$PASSWORD"'"}'

# ---- headers and the login page
req "the dashboard's page is public" 200 GET /login.html
if grep -qi "^Content-Security-Policy:.*script-src 'self';.*frame-ancestors 'none'" "$WORK/headers" &&
   ! grep -i "^Content-Security-Policy:" "$WORK/headers" | grep -q "script-src[^;]*unsafe"; then
  pass "CSP: scripts from the server only, no framing"
else fail "CSP: scripts from the server only, no framing" "$(cat "$WORK/headers")"; fi
if grep -qi '^X-Content-Type-Options: nosniff' "$WORK/headers"; then pass "nosniff on files"
else fail "nosniff on files"; fi
if grep -Eiq '<script>|<script [^>]*>[^<]|on(click|load|submit)=' "$ROOT"/web/*.html; then
  fail "no inline script in the dashboard's pages" "$(grep -Ein '<script>|on(click|load|submit)=' "$ROOT"/web/*.html)"
else pass "no inline script in the dashboard's pages"; fi
req "API answers carry the CSP too" 401 GET /api/stats
if grep -qi "^Content-Security-Policy:" "$WORK/headers"; then pass "CSP on API answers"
else fail "CSP on API answers"; fi
stop_server

# ---- idle sessions end
start_server --no-web --session-idle 1 || exit 0
req "sign in to a server with 1 s sessions" 200 POST /api/login '{"name":"ann","password":"'"$PASSWORD"'"}' -c "$jar"
req "the session works at once" 200 GET /api/session "" -b "$jar"
sleep 2.5
req "after 2.5 s idle it is over" 401 GET /api/session "" -b "$jar"
stop_server

# ---- no secret in any log or error message
if grep -qaF -e "$PASSWORD" -e 'manager password 1' -e 'guess number' "$WORK/answers" "$WORK/serve.out" "$WORK/serve.err" "$WORK/token.err" ||
   grep -qaF -f "$WORK/tokens.txt" "$WORK/answers" "$WORK/serve.out" "$WORK/serve.err" "$WORK/token.err"; then
  fail "no password or token in an answer, a log or an error message"
else pass "no password or token in an answer, a log or an error message ($(grep -c . "$WORK/answers") lines)"; fi
out=$(echo 'short1' | "$DANGOL" user add zed --role admin 2>&1)
case $out in *short1*) fail "the refusal of a password does not repeat it" "$out" ;;
  *) pass "the refusal of a password does not repeat it" ;; esac

# ---- listening beyond loopback needs users (this store has them) and TLS (test_tls.sh)
expect_exit "with users but without TLS, serve refuses 0.0.0.0" 2 "$DANGOL" serve --bind 0.0.0.0 --port 0 --no-web
expect_output "... saying why" "without TLS" "$DANGOL" serve --bind 0.0.0.0 --port 0 --no-web
