# The server's transport: HTTPS with --tls-cert/--tls-key (a self-signed certificate made here
# with openssl), the rule for non-loopback addresses (users and TLS, never a proxy's address),
# the Secure cookie over TLS and behind a TLS proxy, and the clear refusals of bad TLS options.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
D=$DANGOL
"$D" --quiet demo --customers 50 --seed 5 > /dev/null 2>&1 || fail "demo store for TLS"
CERT=$WORK/cert.pem KEY=$WORK/key.pem
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$KEY" -out "$CERT" -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" > /dev/null 2>&1 || fail "openssl makes a test certificate"

# ---- bad options, all refused before listening
expect_exit "--tls-cert without --tls-key is a usage error" 2 "$D" serve --port 0 --tls-cert "$CERT"
expect_output "... saying they go together" "go together" "$D" serve --port 0 --tls-cert "$CERT"
expect_exit "a missing certificate file exits 2" 2 "$D" serve --port 0 --tls-cert "$WORK/none.pem" --tls-key "$KEY"
expect_output "... naming it" "none.pem" "$D" serve --port 0 --tls-cert "$WORK/none.pem" --tls-key "$KEY"
printf 'not a certificate\n' > "$WORK/bad.pem"
expect_exit "a file that is no certificate fails to start (exit 1)" 1 "$D" serve --port 0 --no-web --tls-cert "$WORK/bad.pem" --tls-key "$KEY"
expect_output "... naming the file" "bad.pem: not a PEM certificate" "$D" serve --port 0 --no-web --tls-cert "$WORK/bad.pem" --tls-key "$KEY"
expect_output "a certificate given as the key is named too" "cert.pem: not a PEM private key" "$D" serve --port 0 --no-web --tls-cert "$CERT" --tls-key "$CERT"
expect_exit "TLS and a TLS proxy at once is a usage error" 2 "$D" serve --port 0 --tls-cert "$CERT" --tls-key "$KEY" --behind-tls-proxy

# ---- non-loopback: users and TLS
expect_output "without users, 0.0.0.0 is refused even with TLS" "no users" "$D" serve --bind 0.0.0.0 --port 0 --tls-cert "$CERT" --tls-key "$KEY"
echo 'admin password 1' | "$D" --quiet user add ann --role admin
expect_exit "with users but without TLS, 0.0.0.0 is refused" 2 "$D" serve --bind 0.0.0.0 --port 0 --no-web
expect_output "... saying why and what to do" "without TLS.*--tls-cert" "$D" serve --bind 0.0.0.0 --port 0 --no-web
expect_exit "behind a TLS proxy, 0.0.0.0 is refused" 2 "$D" serve --bind 0.0.0.0 --port 0 --no-web --behind-tls-proxy
expect_output "... the proxy faces the network" "proxy faces the network" "$D" serve --bind 0.0.0.0 --port 0 --no-web --behind-tls-proxy

# start_tls [options...]: a TLS server on 0.0.0.0; sets $URL (https://127.0.0.1:PORT) and $PORT
start_tls() {
  rm -f "$WORK/serve.out" "$WORK/serve.err"
  "$D" serve --bind 0.0.0.0 --port 0 --no-web --threads 2 --tls-cert "$CERT" --tls-key "$KEY" "$@" \
    > "$WORK/serve.out" 2> "$WORK/serve.err" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's#.*https://0\.0\.0\.0:\([0-9]*\)/.*#\1#p' "$WORK/serve.out" 2>/dev/null)
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$PORT" ] || { fail "the TLS server starts on 0.0.0.0" "$(cat "$WORK/serve.err")"; return 1; }
  pass "the TLS server starts on 0.0.0.0 and says https"
  URL="https://127.0.0.1:$PORT"
  trap 'kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
}
start_tls || exit 0
STATUS=$(curl -s -o "$WORK/v.json" -w '%{http_code}' --cacert "$CERT" "$URL/api/version")
[ "$STATUS" = 200 ] && grep -q '"version"' "$WORK/v.json" && pass "GET /api/version over HTTPS, the certificate verified" \
  || fail "GET /api/version over HTTPS (HTTP $STATUS)" "$(cat "$WORK/v.json")"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/version")
[ "$STATUS" = 000 ] && pass "plain HTTP to the TLS port gets no answer" || fail "plain HTTP to the TLS port (HTTP $STATUS)"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CERT" "$URL/api/customers")
[ "$STATUS" = 401 ] && pass "over TLS, the API still asks for a credential" || fail "401 over TLS (HTTP $STATUS)"
curl -s -D "$WORK/h.txt" -o /dev/null --cacert "$CERT" -H 'Content-Type: application/json' \
  --data-binary '{"name":"ann","password":"admin password 1"}' "$URL/api/login"
grep -qi '^set-cookie: dangol_session=.*; Secure' "$WORK/h.txt" && pass "the session cookie is Secure over TLS" \
  || fail "the session cookie is Secure over TLS" "$(cat "$WORK/h.txt")"
TOK=$("$D" --quiet token create --user ann)
STATUS=$(curl -s -o "$WORK/c.json" -w '%{http_code}' --cacert "$CERT" -H "Authorization: Bearer $TOK" "$URL/api/customers/C00000001")
[ "$STATUS" = 200 ] && pass "a token reads a customer over TLS" || fail "a token over TLS (HTTP $STATUS)" "$(cat "$WORK/c.json")"
stop_server

# ---- behind a TLS proxy (loopback): the cookie is Secure; plain loopback: it is not
cookie_flags() {
  curl -s -D "$WORK/h.txt" -o /dev/null -H 'Content-Type: application/json' \
    --data-binary '{"name":"ann","password":"admin password 1"}' "$URL/api/login"
  grep -i '^set-cookie: dangol_session=' "$WORK/h.txt"
}
start_server --no-web --behind-tls-proxy || exit 0
case $(cookie_flags) in *"; Secure"*) pass "behind a TLS proxy the cookie is Secure" ;;
  *) fail "behind a TLS proxy the cookie is Secure" "$(cat "$WORK/h.txt")" ;; esac
stop_server
start_server --no-web || exit 0
case $(cookie_flags) in *"; Secure"*) fail "plain loopback HTTP sets no Secure cookie (a browser would drop it)" ;;
  *HttpOnly*) pass "plain loopback HTTP sets no Secure cookie (a browser would drop it)" ;;
  *) fail "plain loopback HTTP cookie" "$(cat "$WORK/h.txt")" ;; esac
stop_server
