# Helpers for tests that talk to a running `dangol serve` (sourced after lib.sh): start_server
# starts one on a free loopback port chosen by the kernel and sets $URL; stop_server stops it with
# SIGTERM (or the signal given) and checks it exits cleanly; api sends a request, sets $STATUS
# and $BODY, and logs "STATUS METHOD PATH" to $WORK/requests for the route-coverage check.

# start_server [serve options...]
start_server() {
  # Remove the last server's output first: the background shell may truncate the file only after
  # the loop below has read the old (dead) server's URL from it.
  rm -f "$WORK/serve.out" "$WORK/serve.err"
  "$DANGOL" serve --port 0 "$@" > "$WORK/serve.out" 2> "$WORK/serve.err" &
  SERVER_PID=$!
  URL=""
  for _ in $(seq 1 100); do
    URL=$(grep -o 'http://[^ ]*' "$WORK/serve.out" 2>/dev/null | sed 's#/$##')
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$URL" ]; then
    fail "server starts" "$(cat "$WORK/serve.err")"
    return 1
  fi
  pass "server starts"
  trap 'kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
}

# stop_server [SIGNAL]: TERM (default) or INT (Ctrl-C). A server that ignores the signal fails
# the test (and is killed) instead of hanging it.
stop_server() {
  sig=${1:-TERM}
  kill -"$sig" "$SERVER_PID"
  for _ in $(seq 1 300); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID"
    wait "$SERVER_PID"
    fail "SIG$sig stops the server (still running 30 s later)" "$(cat "$WORK/serve.err")"
    return
  fi
  wait "$SERVER_PID"; rc=$?
  if [ "$rc" -eq 0 ]; then pass "SIG$sig stops the server cleanly"
  else fail "SIG$sig stops the server cleanly (exit $rc)" "$(cat "$WORK/serve.err")"; fi
}

# api METHOD PATH [BODY [CONTENT-TYPE]]
api() {
  method=$1 path=$2
  if [ $# -ge 3 ]; then
    printf '%s' "$3" > "$WORK/body"
    STATUS=$(curl -s --path-as-is -o "$WORK/response" -w '%{http_code}' -X "$method" \
      -H "Content-Type: ${4:-application/json}" --data-binary @"$WORK/body" "$URL$path")
  elif [ "$method" = HEAD ]; then  # -X HEAD would wait for the body a HEAD answer never sends
    STATUS=$(curl -s --path-as-is -o "$WORK/response" -w '%{http_code}' --head "$URL$path")
  else
    STATUS=$(curl -s --path-as-is -o "$WORK/response" -w '%{http_code}' -X "$method" "$URL$path")
  fi
  BODY=$(cat "$WORK/response")
  echo "$STATUS $method $path" >> "$WORK/requests"
  printf '%s\n' "$BODY" > "$WORK/last.json"
}

# expect_status NAME CODE METHOD PATH [BODY [CONTENT-TYPE]]
expect_status() {
  name=$1 code=$2; shift 2
  api "$@"
  if [ "$STATUS" = "$code" ]; then pass "$name"
  else fail "$name (HTTP $STATUS, wanted $code)" "$BODY"; fi
}

# expect_json NAME PYTHON-EXPRESSION: the expression over `j` (the last body) is true.
expect_json() {
  if python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
       "$WORK/last.json" 2>"$WORK/py.err"; then pass "$1"
  else fail "$1: not ($2)" "$(head -c 600 "$WORK/last.json"; cat "$WORK/py.err")"; fi
}

# An error body has the documented shape: {"error": {"code": "...", "message": "..."}}.
expect_error_body() {
  expect_json "$1 has an error body" \
    "isinstance(j['error']['code'], str) and len(j['error']['message']) > 0"
}
