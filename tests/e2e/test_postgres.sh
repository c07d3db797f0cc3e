# dangol on a PostgreSQL store (docs/postgresql.md), against a real PostgreSQL 15 server started
# here (tests/e2e/pg.sh: initdb into $WORK, pg_ctl on a free loopback port, as a non-root user)
# and stopped at the end. The same small demo business is imported into a SQLite store and into
# PostgreSQL, and the reports and customer cards of both are compared byte for byte; bad input
# gives the same error on both and leaves the PostgreSQL store unchanged; a refused connection and
# a wrong password are clear errors with exit codes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
. "$(dirname "$0")/server.sh"
D="$DANGOL"

# Every numbered migration has its PostgreSQL dialect (the lead writes it for a new one).
missing=""
for f in "$ROOT"/src/store/schema/[0-9]*.sql; do
  [ -f "$ROOT/src/store/schema/pg/$(basename "$f")" ] || missing="$missing $(basename "$f")"
done
[ -z "$missing" ] && pass "every migration has a PostgreSQL dialect" ||
  fail "migrations without a PostgreSQL dialect in src/store/schema/pg/:$missing"

pg_shop
pass "PostgreSQL server starts on port $PG_PORT, the demo imported into SQLite and PostgreSQL"
"$D" --db "$S" --format csv stats > "$WORK/stats.sqlite"
"$D" --db "$P" --format csv stats > "$WORK/stats.pg"
expect_same "the same counts and date ranges in both stores" "$WORK/stats.sqlite" "$WORK/stats.pg"

# same FORMAT ARGS...: the command's output and exit code are the same on both stores.
same() {
  fmt=$1; shift
  "$D" --db "$S" --format "$fmt" "$@" > "$WORK/a.out" 2>&1; ra=$?
  "$D" --db "$P" --format "$fmt" "$@" > "$WORK/b.out" 2>&1; rb=$?
  if [ "$ra" = 0 ] && [ "$rb" = 0 ] && cmp -s "$WORK/a.out" "$WORK/b.out"; then
    pass "same $* ($fmt)"
  else
    fail "$* ($fmt) differs (exit $ra / $rb)" "$(diff "$WORK/a.out" "$WORK/b.out" | head -20)"
  fi
}
C=$(sed -n 2p "$WORK/csv/customers.csv" | cut -d, -f1)
for fmt in csv json; do
  same "$fmt" rfm
  same "$fmt" stage
  same "$fmt" loyalty
  same "$fmt" cube --rows channel,region --cols quarter --measure revenue,orders,customers
  same "$fmt" cube --rows category --measure revenue --where "region=Seoul"
  same "$fmt" cohort
  same "$fmt" kpi
  same "$fmt" customer show "$C"
  same "$fmt" export orders
done
same table customer show "$C"
same csv segment
same csv features
same csv export customers --reason "e2e comparison"
DANGOL_DB="$P" "$D" --format csv rfm > "$WORK/env.out" 2>&1
"$D" --db "$S" --format csv rfm > "$WORK/a.out" 2>&1
expect_same "\$DANGOL_DB selects PostgreSQL too" "$WORK/a.out" "$WORK/env.out"

# Bad input: the same file:line:col errors and exit code, and nothing written.
"$D" --db "$P" export customers --reason before > "$WORK/before.csv"
cat > "$WORK/bad.csv" <<'CSV'
customer_id,name,gender,birth_year
NEW-1,"Kim, Minsu",F,1980
NEW-2,Lee,Q,1990
NEW-3,Park,M,3000
NEW-1,Dup,F,1980
CSV
"$D" --db "$S" import customers "$WORK/bad.csv" > "$WORK/a.out" 2>&1; ra=$?
"$D" --db "$P" import customers "$WORK/bad.csv" > "$WORK/b.out" 2>&1; rb=$?
[ "$ra" = 1 ] && [ "$rb" = 1 ] && pass "bad rows exit 1 on both" || fail "bad rows exit $ra / $rb"
expect_same "bad rows: the same messages on both" "$WORK/a.out" "$WORK/b.out"
expect_output "bad rows name file:line:col" 'bad.csv:3:3: gender "Q"' cat "$WORK/b.out"
"$D" --db "$P" export customers --reason after > "$WORK/after.csv"
expect_same "bad rows leave the PostgreSQL store unchanged" "$WORK/before.csv" "$WORK/after.csv"
printf 'order_id,customer_id,ordered_at,total\nX-1,%s,2025-01-02,1000\nX-2,NOBODY,2025-01-02,500\n' \
  "$C" > "$WORK/badref.csv"
"$D" --db "$S" import orders "$WORK/badref.csv" > "$WORK/a.out" 2>&1
"$D" --db "$P" import orders "$WORK/badref.csv" > "$WORK/b.out" 2>&1; rb=$?
[ "$rb" = 1 ] && pass "unknown customer: exit 1" || fail "unknown customer: exit $rb"
expect_same "unknown customer: the same message on both" "$WORK/a.out" "$WORK/b.out"
n=$(pg_psql "SELECT count(*) FROM orders WHERE order_id = 'X-1'" shop)
[ "$n" = 0 ] && pass "a bad row rolls back the good rows of its import" || fail "X-1 written: $n"

# Re-importing the same file changes nothing; --create-customers streams two entities at once.
expect_ok "re-import" "$D" --db "$P" -q import customers "$WORK/csv/customers.csv"
"$D" --db "$P" export customers --reason again > "$WORK/again.csv"
expect_same "re-import changes nothing" "$WORK/before.csv" "$WORK/again.csv"
printf 'order_id,customer_id,ordered_at,total\nY-1,NEW-A,2025-01-02,1000\nY-2,NEW-B,2025-01-03,500\nY-3,NEW-A,2025-01-04,700\n' \
  > "$WORK/create.csv"
for db in "$S" "$P"; do "$D" --db "$db" -q import orders "$WORK/create.csv" --create-customers; done
same csv export orders
same csv export customers --reason "created customers"

# Several writers on one database: two processes update the same customers at once, one their
# phones, the other their e-mails, five times each; every update lands, none is lost.
printf 'customer_id,phone\nNEW-A,010-1111-0000\nNEW-B,010-2222-0000\n' > "$WORK/phones.csv"
printf 'customer_id,email\nNEW-A,a@example.com\nNEW-B,b@example.com\n' > "$WORK/emails.csv"
writer() {
  for i in 1 2 3 4 5; do "$D" --db "$P" -q import customers "$WORK/$1.csv" || echo "writer $1 failed"; done
}
writer phones > "$WORK/w1.out" 2>&1 & w1=$!
writer emails > "$WORK/w2.out" 2>&1 & w2=$!
wait $w1 $w2
[ ! -s "$WORK/w1.out" ] && [ ! -s "$WORK/w2.out" ] && pass "two writers at once: every import succeeds" ||
  fail "two writers at once" "$(cat "$WORK/w1.out" "$WORK/w2.out")"
n=$(pg_psql "SELECT count(*) FROM customers WHERE customer_id IN ('NEW-A', 'NEW-B') AND phone LIKE '010-%' AND email LIKE '%@example.com'" shop)
[ "$n" = 2 ] && pass "two writers at once: no update lost" || fail "two writers: $n of 2 customers have both"
"$D" --db "$S" -q import customers "$WORK/phones.csv" && "$D" --db "$S" -q import customers "$WORK/emails.csv"
same csv export customers --reason "after two writers"

# Errors from the server: clear, naming the server, never the password; exit codes.
expect_exit "wrong password: exit 4" 4 "$D" --db "postgresql://dangol:wrong@127.0.0.1:$PG_PORT/shop" stats
expect_output "wrong password: says so" "PostgreSQL dangol@127.0.0.1:$PG_PORT/shop: cannot connect: .*password authentication failed" \
  "$D" --db "postgresql://dangol:wrong@127.0.0.1:$PG_PORT/shop" stats
out=$("$D" --db "postgresql://dangol:wrong@127.0.0.1:$PG_PORT/shop" stats 2>&1)
case $out in *wrong*) fail "the password is shown in the message" "$out" ;; *) pass "the password is never shown" ;; esac
free=$(pg_free_port)
expect_exit "connection refused: exit 4" 4 "$D" --db "postgresql://dangol@127.0.0.1:$free/shop" rfm
expect_output "connection refused: says so" "127.0.0.1:$free/shop: cannot connect: .*refused.*is the server running" \
  "$D" --db "postgresql://dangol@127.0.0.1:$free/shop" rfm
expect_output "no such database: says so" "database \"nosuch\" does not exist; create it first" \
  "$D" --db "postgresql://dangol:$PG_PASSWORD@127.0.0.1:$PG_PORT/nosuch" init
expect_output "a database of another application is refused" "has tables but is not a dangol store" \
  sh -c "'$PG_BIN/psql' -q 'postgresql://dangol:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres' -c 'CREATE TABLE other (x int)' && '$D' --db 'postgresql://dangol:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres' init 2>&1"

# The HTTP API on each store: the same customer look-up, list and report.
for db in "$S" "$P"; do
  tag=$([ "$db" = "$S" ] && echo sqlite || echo pg)
  DANGOL_DB="$db" start_server --no-web || continue
  trap 'kill "$SERVER_PID" 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
  for path in "/api/customers/$C" "/api/customers?limit=5" "/api/customers?q=NEW" \
              "/api/customers?q=new-a" "/api/rfm"; do
    api GET "$path"
    printf '%s %s\n' "$STATUS" "$BODY" >> "$WORK/api.$tag"
  done
  stop_server
done
trap 'pg_stop; rm -rf "$WORK"' EXIT
grep -q '^200 {"customer_id"' "$WORK/api.pg" && pass "API: a customer from PostgreSQL" ||
  fail "API: no customer from PostgreSQL" "$(head -c 300 "$WORK/api.pg")"
expect_same "API: the same answers from both stores" "$WORK/api.sqlite" "$WORK/api.pg"

# The database gone mid-run: `dangol serve` keeps running, answers with an error naming the lost
# server while it is down, and answers again once it is back.
DANGOL_DB="$P" start_server --no-web --threads 1 &&
  trap 'kill "$SERVER_PID" 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
expect_status "API before the database stops" 200 GET "/api/customers/$C"
pg_stop
api GET "/api/customers/$C"
case $STATUS in 5*) pass "API while the database is down: HTTP $STATUS" ;;
  *) fail "API while the database is down: HTTP $STATUS" "$BODY" ;; esac
expect_output "API while the database is down: names the lost server" \
  "PostgreSQL dangol@127.0.0.1:$PG_PORT/shop: lost the connection to the server" cat "$WORK/last.json"
expect_exit "a command while the database is down: exit 4" 4 "$D" --db "$P" rfm
expect_output "a command while the database is down: says so" "cannot connect" "$D" --db "$P" rfm
pg_ctl_start || fail "the database starts again"
expect_status "API once the database is back" 200 GET "/api/customers/$C"
stop_server
trap 'pg_stop; rm -rf "$WORK"' EXIT
# The database lost in the middle of a command: an import reads its orders from a FIFO, half of
# them written; once its COPY is streaming them to the server, the server is stopped at once (no
# clean shutdown), then the other half is written. The import fails naming the server, exit 4
# (not a crash), and once the server is back none of its rows is there.
python3 -c 'import sys
print("order_id,customer_id,ordered_at,total")
for i in range(100000): print("LOST-%06d,%s,2025-%02d-%02d,%d" % (i, sys.argv[1], i % 12 + 1, i % 28 + 1, 1000 + i))' "$C" > "$WORK/lost.csv"
mkfifo "$WORK/lost.fifo"
"$D" --db "$P" import orders "$WORK/lost.fifo" > "$WORK/lost.out" 2> "$WORK/lost.err" & IMPORT=$!
exec 3> "$WORK/lost.fifo"
head -50001 "$WORK/lost.csv" >&3
for i in $(seq 1 150); do
  copying=$(pg_psql "SELECT count(*) FROM pg_stat_activity WHERE datname = 'shop' AND state = 'active' AND query LIKE 'COPY dg_stage_orders%'")
  [ "$copying" -gt 0 ] && break; sleep 0.2
done
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop > /dev/null 2>&1
(tail -n +50002 "$WORK/lost.csv" >&3) 2> /dev/null
exec 3>&-
wait $IMPORT; rc=$?
[ "$copying" -gt 0 ] && pass "the import was streaming its rows (COPY) when the server stopped" ||
  fail "the import never streamed its rows" "$(cat "$WORK/lost.err")"
[ "$rc" = 4 ] && pass "the database lost during an import: exit 4" || fail "the database lost during an import: exit $rc" "$(cat "$WORK/lost.err")"
expect_output "the database lost during an import: names the server, nothing committed" \
  "PostgreSQL dangol@127.0.0.1:$PG_PORT/shop: lost the connection to the server .*nothing of this command was committed" cat "$WORK/lost.err"
pg_ctl_start || fail "the database starts again after the import"
n=$(pg_psql "SELECT count(*) FROM orders WHERE order_id LIKE 'LOST-%'" shop)
[ "$n" = 0 ] && pass "the database lost during an import: none of its rows once the server is back" ||
  fail "the lost import left $n rows"

# Users and tokens: the same answers and messages on both stores (times cut from the lists).
STAFF=$(pg_psql "SELECT staff_id FROM customers WHERE customer_id = '$C'" shop)
OTHER=$(pg_psql "SELECT customer_id FROM customers WHERE staff_id <> '$STAFF' ORDER BY customer_id COLLATE \"C\" LIMIT 1" shop)
users_and_tokens() {   # DB TAG
  echo 'admin password 1' | "$D" --db "$1" user add ann --role admin
  echo 'admin password 1' | "$D" --db "$1" user add ann --role admin; echo "exit $?"
  echo 'agent password 1' | "$D" --db "$1" user add ag --role agent --staff-id "$STAFF"
  "$D" --db "$1" token create --user ann --label ci > "$WORK/admin.$2"; echo "exit $?"
  "$D" --db "$1" token create --user ag --label desk > "$WORK/agent.$2"
  "$D" --db "$1" token create --user ann --label gone > "$WORK/gone.$2"
  "$D" --db "$1" token revoke 3; echo "exit $?"
  "$D" --db "$1" token create --user ag --role admin; echo "exit $?"
  "$D" --db "$1" token revoke 99; echo "exit $?"
  "$D" --db "$1" user disable nobody; echo "exit $?"
  "$D" --db "$1" --format csv user list | cut -d, -f1-5
  "$D" --db "$1" --format csv token list | awk -F, '{ print $1 "," $2 "," $3 "," $4 "," ($7 != "") }'
}
users_and_tokens "$S" sqlite > "$WORK/users.sqlite" 2>&1
users_and_tokens "$P" pg > "$WORK/users.pg" 2>&1
grep -q '^ag,agent,no,,' "$WORK/users.pg" && pass "users on PostgreSQL: added and listed" ||
  fail "users on PostgreSQL" "$(cat "$WORK/users.pg")"
expect_same "users and tokens: the same answers on both stores" "$WORK/users.sqlite" "$WORK/users.pg"

# `serve` with sign-in on each store: tokens, a session, an agent held to their own customers, a
# revoked token refused; the same statuses and bodies from both.
for db in "$S" "$P"; do
  tag=$([ "$db" = "$S" ] && echo sqlite || echo pg)
  DANGOL_DB="$db" start_server --no-web || continue
  trap 'kill "$SERVER_PID" 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
  for who in admin agent gone; do
    for path in "/api/customers/$C" "/api/customers/$OTHER" "/api/rfm"; do
      code=$(curl -s -o "$WORK/response" -w '%{http_code}' \
        -H "Authorization: Bearer $(cat "$WORK/$who.$tag")" "$URL$path")
      printf '%s %s %s %s\n' "$who" "$path" "$code" "$(cat "$WORK/response")" >> "$WORK/signed.$tag"
    done
  done
  api GET "/api/customers/$C"
  echo "no token $STATUS" >> "$WORK/signed.$tag"
  code=$(curl -s -o /dev/null -w '%{http_code}' -c "$WORK/jar.$tag" -H "Content-Type: application/json" \
    --data-binary '{"name":"ann","password":"admin password 1"}' "$URL/api/login")
  echo "sign-in $code" >> "$WORK/signed.$tag"
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$WORK/jar.$tag" "$URL/api/customers/$C")
  echo "session $code" >> "$WORK/signed.$tag"
  stop_server
done
trap 'pg_stop; rm -rf "$WORK"' EXIT
grep -q "^agent /api/customers/$C 200" "$WORK/signed.pg" && grep -q "^gone /api/rfm 401" "$WORK/signed.pg" &&
  grep -q '^sign-in 200' "$WORK/signed.pg" && grep -q '^session 200' "$WORK/signed.pg" &&
  pass "serve on PostgreSQL: tokens, the agent's own customer, a revoked token, a session" ||
  fail "serve on PostgreSQL with sign-in" "$(cut -c1-200 "$WORK/signed.pg")"
expect_same "serve with sign-in: the same answers from both stores" "$WORK/signed.sqlite" "$WORK/signed.pg"

# Two `serve` processes on one database: writers released at once through both lose nothing;
# of simultaneous creates of one id exactly one wins.
pg_two_servers "$P"
export HAMMER_TOKEN; HAMMER_TOKEN=$(cat "$WORK/admin.pg")
curl -s -o /dev/null -H "Authorization: Bearer $HAMMER_TOKEN" -H "Content-Type: application/json" \
  --data-binary '{"customer_id":"PATCHED"}' "$URL1/api/customers"
python3 "$ROOT/tests/e2e/helpers/hammer.py" patches "$URL1,$URL2" PATCHED 10 > "$WORK/last.json" 2>&1
expect_json "two servers, one database: none of 90 simultaneous one-field patches lost" \
  "j['updates'] == 90 and j['lost'] == 0"
python3 "$ROOT/tests/e2e/helpers/hammer.py" creates "$URL1,$URL2" 16 > "$WORK/last.json" 2>&1
expect_json "two servers: 16 simultaneous creates of one id, one 201 and fifteen 409" \
  "j['statuses'] == [201] + [409] * 15"
unset HAMMER_TOKEN
SERVER_PID=$PID1; stop_server
SERVER_PID=$PID2; stop_server
trap 'pg_stop; rm -rf "$WORK"' EXIT

# Coupons: defined, issued (an idempotent replay shows the same codes), redeemed once, voided,
# with the same answers and messages on both stores (the random codes replaced by their names).
ORDER_C=$(pg_psql "SELECT order_id FROM orders WHERE customer_id = '$C' AND total >= 1000 ORDER BY order_id LIMIT 1" shop)
ORDER_OTHER=$(pg_psql "SELECT order_id FROM orders WHERE customer_id = '$OTHER' AND total >= 1000 ORDER BY order_id LIMIT 1" shop)
coupon_steps() {   # DB TAG
  "$D" --db "$1" coupon define WELCOME --amount 1000 --per-customer 1 --total-limit 5
  "$D" --db "$1" coupon define WELCOME --amount 1000; echo "exit $?"
  "$D" --db "$1" --format csv coupon issue WELCOME --customer "$C" --customer "$OTHER" \
    --idempotency-key k1 > "$WORK/codes.$2"; echo "exit $?"
  "$D" --db "$1" --format csv coupon issue WELCOME --customer "$C" --customer "$OTHER" \
    --idempotency-key k1 | cmp -s - "$WORK/codes.$2"; echo "the replay shows the same codes: $?"
  code1=$(sed -n 2p "$WORK/codes.$2" | cut -d, -f2); code2=$(sed -n 3p "$WORK/codes.$2" | cut -d, -f2)
  "$D" --db "$1" --format csv coupon redeem "$code1" --order "$ORDER_C"; echo "exit $?"
  "$D" --db "$1" coupon redeem "$code1" --order "$ORDER_C"; echo "exit $?"
  "$D" --db "$1" coupon redeem "$code2" --order "$ORDER_C"; echo "exit $?"
  "$D" --db "$1" --format csv coupon void "$code2" --reason test; echo "exit $?"
  "$D" --db "$1" coupon redeem "$code2" --order "$ORDER_OTHER"; echo "exit $?"
  "$D" --db "$1" coupon redeem 23456789ABC --order "$ORDER_OTHER"; echo "exit $?"
}
for tag in sqlite pg; do
  db=$([ "$tag" = sqlite ] && echo "$S" || echo "$P")
  coupon_steps "$db" "$tag" > "$WORK/coupons.raw" 2>&1
  sed -e "s/$(sed -n 2p "$WORK/codes.$tag" | cut -d, -f2)/CODE1/g" \
      -e "s/$(sed -n 3p "$WORK/codes.$tag" | cut -d, -f2)/CODE2/g" "$WORK/coupons.raw" > "$WORK/coupons.$tag"
done
grep -q '^1,CODE1,WELCOME,' "$WORK/coupons.pg" && pass "a coupon redeemed on PostgreSQL" ||
  fail "coupon redemption on PostgreSQL" "$(cat "$WORK/coupons.pg")"
expect_same "coupons: the same answers on both stores" "$WORK/coupons.sqlite" "$WORK/coupons.pg"
# The coupon reports: the definitions (a percent one too), a definition's codes, one code, the
# rates by coupon and by campaign, the same on both stores (the codes replaced by their names).
coupon_reports() {   # DB TAG
  "$D" --db "$1" -q coupon define PCT --percent 12.5 --cap 3000 --name "십이 퍼센트" --until 2025-01-01
  for fmt in table csv json; do "$D" --db "$1" --format $fmt coupon list; echo "exit $?"; done
  "$D" --db "$1" --format csv coupon list --definition WELCOME; echo "exit $?"
  "$D" --db "$1" --format json coupon list --definition PCT; echo "exit $?"
  "$D" --db "$1" --format json coupon show "$(sed -n 2p "$WORK/codes.$2" | cut -d, -f2)"; echo "exit $?"
  "$D" --db "$1" --format csv coupon show "$(sed -n 3p "$WORK/codes.$2" | cut -d, -f2)"; echo "exit $?"
  for by in coupon campaign; do "$D" --db "$1" --format csv coupon rates --by $by; echo "exit $?"; done
  "$D" --db "$1" --format json coupon rates; echo "exit $?"
  "$D" --db "$1" coupon list --definition NOPE; echo "exit $?"
}
for tag in sqlite pg; do
  db=$([ "$tag" = sqlite ] && echo "$S" || echo "$P")
  coupon_reports "$db" "$tag" > "$WORK/coupons.raw" 2>&1
  sed -e "s/$(sed -n 2p "$WORK/codes.$tag" | cut -d, -f2)/CODE1/g" \
      -e "s/$(sed -n 3p "$WORK/codes.$tag" | cut -d, -f2)/CODE2/g" "$WORK/coupons.raw" > "$WORK/coupon_reports.$tag"
done
grep -q '^WELCOME,.*,active,2,1$' "$WORK/coupon_reports.pg" && pass "coupon reports on PostgreSQL" ||
  fail "coupon reports on PostgreSQL" "$(head -40 "$WORK/coupon_reports.pg")"
expect_same "coupon reports: the same answers on both stores" "$WORK/coupon_reports.sqlite" "$WORK/coupon_reports.pg"

# Campaigns: created, launched with a control group (a coupon to each of the treatment group, or
# points), launched twice (refused), shown, the send list, the results and a member's history,
# the same on both stores (the coupon codes replaced by CODE). Only customers both stores hold
# are in an audience (the two servers above created two on PostgreSQL alone), and the list is
# sorted: its order is by creation time, which may fall in one second on one store only.
campaign_steps() {   # DB
  "$D" --db "$1" -q coupon define CAMP --amount 2000
  "$D" --db "$1" campaign create SPRING --name "봄 캠페인" --audience "region=Seoul" \
    --control-share 20% --seed 7 --coupon CAMP --window-days 60; echo "exit $?"
  "$D" --db "$1" campaign create SPRING; echo "exit $?"
  "$D" --db "$1" campaign create PTS --points 300 --control-share 30% --seed 3 \
    --audience "region=Gyeonggi"; echo "exit $?"
  { "$D" --db "$1" --format csv campaign list; echo "exit $?"; } | sort
  "$D" --db "$1" --format csv campaign show SPRING; echo "exit $?"
  "$D" --db "$1" --format csv campaign launch SPRING --date 2025-03-01; echo "exit $?"
  "$D" --db "$1" campaign launch SPRING --date 2025-03-01; echo "exit $?"
  "$D" --db "$1" --format csv campaign launch PTS --date 2025-03-01; echo "exit $?"
  for fmt in table csv json; do "$D" --db "$1" --format $fmt campaign show SPRING; echo "exit $?"; done
  { "$D" --db "$1" --format csv campaign list; echo "exit $?"; } | sort
  "$D" --db "$1" --format csv campaign send-list SPRING --reason test; echo "exit $?"
  "$D" --db "$1" --format csv campaign send-list PTS --channel marketing_email --reason test; echo "exit $?"
  "$D" --db "$1" --format csv campaign results SPRING --as-of 2025-06-01; echo "exit $?"
  "$D" --db "$1" --format json campaign results PTS --as-of 2025-06-01; echo "exit $?"
  "$D" --db "$1" campaign results NOPE; echo "exit $?"
  "$D" --db "$1" --format json customer show "$C"; echo "exit $?"
}
campaign_steps "$S" 2>&1 | sed -E 's/\b[2-9A-HJKMNP-Z]{11}\b/CODE/g' > "$WORK/campaigns.sqlite"
campaign_steps "$P" 2>&1 | sed -E 's/\b[2-9A-HJKMNP-Z]{11}\b/CODE/g' > "$WORK/campaigns.pg"
grep -q '^SPRING,.*,launched,' "$WORK/campaigns.pg" && pass "campaigns launched on PostgreSQL" ||
  fail "campaigns on PostgreSQL" "$(head -30 "$WORK/campaigns.pg")"
expect_same "campaigns: the same answers on both stores" "$WORK/campaigns.sqlite" "$WORK/campaigns.pg"


# 20 processes redeem one single-use code at once: exactly one wins. Ten customers redeem their
# own codes of a coupon limited to 3 redemptions at once: exactly 3 win.
"$D" --db "$P" -q coupon define SINGLE --amount 500 > /dev/null
code=$("$D" --db "$P" --format csv coupon issue SINGLE --customer "$OTHER" | sed -n 2p | cut -d, -f2)
for i in $(seq 1 20); do
  ( "$D" --db "$P" -q coupon redeem "$code" --order "$ORDER_OTHER" > /dev/null 2> "$WORK/redeem.$i.err"
    echo $? > "$WORK/redeem.$i.rc" ) &
done
wait
won=$(cat "$WORK"/redeem.*.rc | grep -c '^0$')
rows=$(pg_psql "SELECT count(*) FROM coupon_redemptions WHERE code = '$code'" shop)
[ "$won" = 1 ] && [ "$rows" = 1 ] && pass "20 simultaneous redemptions of one code: exactly one wins" ||
  fail "20 simultaneous redemptions: $won won, $rows rows" "$(cat "$WORK"/redeem.*.err | sort | uniq -c)"
grep -q "was redeemed already" "$WORK"/redeem.*.err && pass "the others are told it was redeemed already" ||
  fail "the losers' message" "$(cat "$WORK"/redeem.*.err | sort | uniq -c)"
pg_psql "SELECT DISTINCT ON (customer_id) customer_id, order_id FROM orders WHERE total >= 500 AND customer_id NOT IN ('$C', '$OTHER') ORDER BY customer_id, order_id LIMIT 10" shop |
  tr '|' ' ' > "$WORK/pairs"
"$D" --db "$P" -q coupon define LIMITED --amount 500 --total-limit 3 > /dev/null
"$D" --db "$P" --format csv coupon issue LIMITED $(awk '{ printf "--customer %s ", $1 }' "$WORK/pairs") |
  tail -n +2 > "$WORK/limited"
i=0
while read -r customer order; do
  i=$((i + 1))
  code=$(grep "^$customer," "$WORK/limited" | cut -d, -f2)
  ( "$D" --db "$P" -q coupon redeem "$code" --order "$order" > /dev/null 2>&1; echo $? > "$WORK/limited.$i.rc" ) &
done < "$WORK/pairs"
wait
won=$(cat "$WORK"/limited.*.rc | grep -c '^0$')
rows=$(pg_psql "SELECT count(*) FROM coupon_redemptions WHERE definition_id = 'LIMITED'" shop)
[ "$won" = 3 ] && [ "$rows" = 3 ] && pass "10 simultaneous redemptions of a coupon limited to 3: exactly 3 win" ||
  fail "a total limit of 3 under 10 simultaneous redemptions: $won won, $rows rows"

# Points: earned (an idempotent replay), burned, refused beyond the balance, adjusted, and the
# balance, with the same answers on both stores.
points_steps() {   # DB
  for key in e1 e1; do
    "$D" --db "$1" --format csv points earn --customer "$C" --points 100 --source manual \
      --reason seed --date 2025-01-01 --idempotency-key "$key"; echo "exit $?"
  done
  "$D" --db "$1" --format csv points earn --customer "$C" --points 50 --source campaign --date 2025-01-05; echo "exit $?"
  "$D" --db "$1" --format csv points burn --customer "$C" --points 130 --date 2025-02-01; echo "exit $?"
  "$D" --db "$1" --format csv points burn --customer "$C" --points 300 --date 2025-02-01; echo "exit $?"
  "$D" --db "$1" --format csv points adjust --customer "$C" --points -5 --reason fix --date 2025-02-02; echo "exit $?"
  "$D" --db "$1" --format csv points balance "$C" --as-of 2025-03-01; echo "exit $?"
  "$D" --db "$1" --format json points balance "$C" --as-of 2026-01-03; echo "exit $?"
  "$D" --db "$1" points burn --customer NOPE --points 3; echo "exit $?"
}
points_steps "$S" > "$WORK/points.sqlite" 2>&1
points_steps "$P" > "$WORK/points.pg" 2>&1
grep -q '^-130,20,' "$WORK/points.pg" || grep -q ',-130,20,' "$WORK/points.pg" &&
  pass "points burned on PostgreSQL" || fail "points on PostgreSQL" "$(cat "$WORK/points.pg")"
expect_same "points: the same answers on both stores" "$WORK/points.sqlite" "$WORK/points.pg"

# An order's earn, its reversal (twice: refused), the expiry sweep (twice: once) and the
# ledger's reports: the statement, the liability and the ranking, the same on both stores.
points_more() {   # DB
  "$D" --db "$1" --format csv points earn --order "$ORDER_C"; echo "exit $?"
  "$D" --db "$1" points earn --order "$ORDER_C"; echo "exit $?"
  "$D" --db "$1" points earn --order NO-SUCH-ORDER; echo "exit $?"
  "$D" --db "$1" --format csv points earn --order "$ORDER_OTHER" --multiplier 1500; echo "exit $?"
  "$D" --db "$1" --format csv points reverse --order "$ORDER_C" --reason returned; echo "exit $?"
  "$D" --db "$1" points reverse --order "$ORDER_C"; echo "exit $?"
  "$D" --db "$1" points reverse --order "$O_NONE"; echo "exit $?"
  for day in 2025-06-30 2027-06-30 2027-06-30; do
    "$D" --db "$1" --format csv points expire --as-of $day; echo "exit $?"
  done
  for fmt in table csv json; do "$D" --db "$1" --format $fmt points statement "$C"; echo "exit $?"; done
  "$D" --db "$1" --format csv points statement "$OTHER"; echo "exit $?"
  "$D" --db "$1" points statement NOPE; echo "exit $?"
  for day in 2025-03-01 2027-07-01; do
    "$D" --db "$1" --format csv points liability --as-of $day; echo "exit $?"
    "$D" --db "$1" --format csv points balance --top 5 --as-of $day; echo "exit $?"
  done
  "$D" --db "$1" --format json points balance --top 0 --as-of 2025-03-01; echo "exit $?"
}
O_NONE=$(pg_psql "SELECT order_id FROM orders WHERE customer_id = '$C' ORDER BY order_id DESC LIMIT 1" shop)
points_more "$S" > "$WORK/points_more.sqlite" 2>&1
points_more "$P" > "$WORK/points_more.pg" 2>&1
grep -q ',reverse,-[0-9]*,[0-9]*,,order,.*,returned,system$' "$WORK/points_more.pg" &&
  grep -q ',expire,-[0-9]*,[0-9]*,,lot,[0-9]*,,expired,system$' "$WORK/points_more.pg" && pass "order earns, reversals, expiry and points reports on PostgreSQL" ||
  fail "points reports on PostgreSQL" "$(head -40 "$WORK/points_more.pg")"
expect_same "order earns, reversals, expiry and points reports: the same on both stores" \
  "$WORK/points_more.sqlite" "$WORK/points_more.pg"

# The earning rules' campaign bonus (config/points.conf, campaign_bonus.*): SPRING's treatment
# group earns +50 per 1000 and double points on orders from its launch on; its control group,
# and its treatment group before the launch, earn the base rate. The same points on both stores,
# and each the hand formula's: floor(total x (10 + 50) x 2000 / 10^6), or floor(total x 10 /
# 1000) without the bonus (--multiplier 1000 pins the tier's part).
printf '%s\n' 'campaign_bonus.SPRING.from = 2025-03-01' 'campaign_bonus.SPRING.until = 2030-12-31' \
  'campaign_bonus.SPRING.extra_per_mille = 50' 'campaign_bonus.SPRING.multiplier_per_mille = 2000' > "$WORK/bonus.conf"
launch=$(date -u -d 2025-03-01 +%s)
bonus_orders() {   # ARM AFTER(1/0) LIMIT: orders (id total bonus?) of SPRING's ARM members
  sqlite3 -separator ' ' "$S" "SELECT o.order_id, o.total, $2 AND '$1' = 'treatment' FROM orders o
    JOIN campaign_members m ON m.customer_id = o.customer_id AND m.campaign_id = 'SPRING' AND m.arm = '$1'
    WHERE (o.ordered_at >= $launch) = $2 AND o.total >= 1000 AND o.order_id NOT IN ('$ORDER_C', '$ORDER_OTHER', '$O_NONE')
    ORDER BY o.order_id LIMIT $3"
}
{ bonus_orders treatment 1 4; bonus_orders control 1 3; bonus_orders treatment 0 2; } > "$WORK/bonus.orders"
awk '{ print $1 "," ($3 ? int($2 * 12 / 100) : int($2 / 100)) }' "$WORK/bonus.orders" > "$WORK/bonus.want"
campaign_bonus_steps() {   # DB
  while read -r order _ _; do
    echo "$order,$("$D" --db "$1" --format csv points earn --order "$order" --multiplier 1000 \
      --rules "$WORK/bonus.conf" | sed -n 2p | cut -d, -f2)"
  done < "$WORK/bonus.orders"
}
campaign_bonus_steps "$S" > "$WORK/bonus.sqlite" 2>&1
campaign_bonus_steps "$P" > "$WORK/bonus.pg" 2>&1
[ "$(wc -l < "$WORK/bonus.orders")" = 9 ] && [ "$(awk '$3' "$WORK/bonus.orders" | wc -l)" = 4 ] &&
  pass "campaign bonus: 4 treated orders after the launch, 3 of the control group, 2 before the launch" ||
  fail "campaign bonus: the orders to earn" "$(cat "$WORK/bonus.orders")"
expect_same "campaign bonus: the treatment group's orders earn the hand formula's points on SQLite" "$WORK/bonus.want" "$WORK/bonus.sqlite"
expect_same "campaign bonus: the same points on PostgreSQL" "$WORK/bonus.sqlite" "$WORK/bonus.pg"
[ "$(pg_psql "SELECT count(*) FROM points_movements WHERE reason = 'campaign bonus: SPRING'" shop)" = 4 ] &&
  pass "campaign bonus: the 4 treated earns name SPRING in their reason on PostgreSQL" ||
  fail "campaign bonus: reasons on PostgreSQL" "$(pg_psql "SELECT source_id, reason FROM points_movements WHERE kind = 'earn'" shop)"

# Stored models: churn models trained on each store (the same features and seed, one thread),
# listed, shown, scored and reported, the same on both stores (times cut); then 4 trainings at
# once with one Idempotency-Key on PostgreSQL store one model, the others replayed. Here, before
# the bursts below write points to PostgreSQL alone (a feature's note would differ).
FEATURES=recency_days,frequency,monetary,avg_order_value,tenure_days,ipt_mean_days,channel_breadth
model_steps() {   # DB
  "$D" --db "$1" --format csv churn train --as-of 2025-06-30 --features "$FEATURES" --algorithm logistic; echo "exit $?"
  "$D" --db "$1" --format csv churn train --as-of 2025-06-30 --features "$FEATURES" --threads 1 --seed 3 --trees 20; echo "exit $?"
  "$D" --db "$1" --format csv model list; echo "exit $?"
  "$D" --db "$1" --format json model show 2; echo "exit $?"
  "$D" --db "$1" --format csv churn score --top 10; echo "exit $?"
  "$D" --db "$1" --format csv churn score --model 1 --distribution; echo "exit $?"
  "$D" --db "$1" --format csv churn report --model 2; echo "exit $?"
  "$D" --db "$1" model show 99; echo "exit $?"
}
# times, the OS user and the count of customers without orders cut (the two servers above
# created two on PostgreSQL alone)
model_cut() {
  sed -E -e 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}[T ][0-9:]{8}(Z|[+-][0-9:]{5})?/TIME/g' -e "s/\b$(id -un)\b/USER/g" \
    -e 's/[0-9]+ customers without an order/N customers without an order/g'
}
model_steps "$S" 2>&1 | model_cut > "$WORK/models.sqlite"
model_steps "$P" 2>&1 | model_cut > "$WORK/models.pg"
grep -q '^2,churn,xgboost,' "$WORK/models.pg" && ! grep -q 'not available' "$WORK/models.pg" &&
  pass "churn models trained, stored and scored on PostgreSQL" ||
  fail "stored models on PostgreSQL" "$(head -30 "$WORK/models.pg")"
expect_same "stored models: the same answers on both stores" "$WORK/models.sqlite" "$WORK/models.pg"
for i in 1 2 3 4; do
  ( "$D" --db "$P" -q churn train --as-of 2025-06-30 --features "$FEATURES" --algorithm logistic --idempotency-key train-1 \
      > /dev/null 2> "$WORK/train.$i.err"; echo $? > "$WORK/train.$i.rc" ) &
done
wait
failed=$(cat "$WORK"/train.*.rc | grep -vc '^0$')
models=$(pg_psql "SELECT count(*) FROM models" shop)
"$D" --db "$S" -q churn train --as-of 2025-06-30 --features "$FEATURES" --algorithm logistic \
  --idempotency-key train-1 > /dev/null   # the same third model on SQLite, for the cards below
[ "$failed" = 0 ] && [ "$models" = 3 ] &&
  pass "4 simultaneous trainings with one key: all succeed, one model stored" ||
  fail "4 trainings with one key: $failed failed, $models models (2 before)" "$(cat "$WORK"/train.*.err | sort | uniq -c)"

# 10 processes earn one order's points at once, then 10 reverse that earn at once: one of each
# wins, the others are told it was done already. 4 expiry sweeps at once expire each lot once.
BO=$(pg_psql "SELECT order_id FROM orders WHERE total >= 1000 AND customer_id NOT IN ('$C', '$OTHER') ORDER BY order_id DESC LIMIT 1" shop)
for step in earn reverse; do
  for i in $(seq 1 10); do
    ( "$D" --db "$P" -q points $step --order "$BO" > /dev/null 2> "$WORK/$step.$i.err"
      echo $? > "$WORK/$step.$i.rc" ) &
  done
  wait
done
won=$(cat "$WORK"/earn.*.rc | grep -c '^0$'); refused=$(grep -l "has earned its points already" "$WORK"/earn.*.err | wc -l)
[ "$won" = 1 ] && [ "$refused" = 9 ] && pass "10 simultaneous earns of one order: one earns, nine refused" ||
  fail "10 simultaneous earns of one order: $won won, $refused refused" "$(cat "$WORK"/earn.*.err | sort | uniq -c)"
won=$(cat "$WORK"/reverse.*.rc | grep -c '^0$'); refused=$(grep -l "was reversed already" "$WORK"/reverse.*.err | wc -l)
[ "$won" = 1 ] && [ "$refused" = 9 ] && pass "10 simultaneous reversals of one earn: one reverses, nine refused" ||
  fail "10 simultaneous reversals: $won won, $refused refused" "$(cat "$WORK"/reverse.*.err | sort | uniq -c)"
for c in $(pg_psql "SELECT customer_id FROM customers ORDER BY customer_id COLLATE \"C\" LIMIT 12" shop); do
  "$D" --db "$P" -q points earn --customer "$c" --points 40 --source manual --reason old --date 2019-01-01 > /dev/null
done
open=$(pg_psql "SELECT count(*) FROM points_lots WHERE remaining > 0 AND expires_on <= 20000" shop)
for i in 1 2 3 4; do
  ( "$D" --db "$P" --format csv points expire --as-of 2024-12-31 > "$WORK/sweep.$i.out" 2> "$WORK/sweep.$i.err"
    echo $? > "$WORK/sweep.$i.rc" ) &
done
wait
swept=$(cat "$WORK"/sweep.*.out | grep -E '^[0-9]+,' | cut -d, -f1 | paste -sd+ | bc)
twice=$(pg_psql "SELECT count(*) FROM (SELECT source_id FROM points_movements WHERE kind = 'expire' GROUP BY source_id HAVING count(*) > 1) t" shop)
[ "$open" -gt 0 ] && [ "$swept" = "$open" ] && [ "$twice" = 0 ] && ! grep -qv '^0$' "$WORK"/sweep.*.rc &&
  pass "4 simultaneous expiry sweeps: each of $open lots expired once" ||
  fail "4 sweeps: $swept swept of $open, $twice lots twice" "$(cat "$WORK"/sweep.*.err "$WORK"/sweep.*.out)"

# 6 processes launch one campaign at once: one launches it, five are told it was launched.
"$D" --db "$P" -q campaign create RUSH --points 10 --control-share 50% > /dev/null
for i in 1 2 3 4 5 6; do
  ( "$D" --db "$P" -q campaign launch RUSH > /dev/null 2> "$WORK/launch.$i.err"; echo $? > "$WORK/launch.$i.rc" ) &
done
wait
won=$(cat "$WORK"/launch.*.rc | grep -c '^0$'); refused=$(grep -l "launched already" "$WORK"/launch.*.err | wc -l)
members=$(pg_psql "SELECT count(*) FROM campaign_members WHERE campaign_id = 'RUSH'" shop)
customers=$(pg_psql "SELECT count(*) FROM customers" shop)
[ "$won" = 1 ] && [ "$refused" = 5 ] && [ "$members" -gt 0 ] && [ "$members" -le "$customers" ] &&
  pass "6 simultaneous launches of one campaign: one launches ($members members), five refused" ||
  fail "6 simultaneous launches: $won launched, $refused refused, $members members" "$(cat "$WORK"/launch.*.err | sort | uniq -c)"

# 20 processes burn 7 points each from one customer's 100 at once: 14 pass, 6 are refused, the
# ledger has every burn that passed and the balance never goes below 0.
"$D" --db "$P" -q points earn --customer "$OTHER" --points 100 --source manual --reason seed > /dev/null
for i in $(seq 1 20); do
  ( "$D" --db "$P" -q points burn --customer "$OTHER" --points 7 > /dev/null 2> "$WORK/burn.$i.err"
    echo $? > "$WORK/burn.$i.rc" ) &
done
wait
won=$(cat "$WORK"/burn.*.rc | grep -c '^0$'); refused=$(cat "$WORK"/burn.*.rc | grep -c '^1$')
rows=$(pg_psql "SELECT count(*) FROM points_movements WHERE customer_id = '$OTHER' AND kind = 'burn'" shop)
left=$(pg_psql "SELECT sum(points) FROM points_movements WHERE customer_id = '$OTHER'" shop)
[ "$won" = 14 ] && [ "$refused" = 6 ] && [ "$rows" = 14 ] && [ "$left" = 2 ] &&
  pass "20 simultaneous burns of 7 from 100: 14 pass, 6 refused, none lost, never overdrawn" ||
  fail "20 simultaneous burns: $won passed, $refused refused, $rows rows, $left left" \
    "$(cat "$WORK"/burn.*.err | sort | uniq -c)"

# Through two `serve` processes on one database: 20 simultaneous burns of 7 from 100 (14 pass,
# 6 are refused with 409), and 10 simultaneous retries of one burn with one Idempotency-Key
# (all answered 201, one movement written). The customer has had no points before (the
# campaigns above gave some to others).
THIRD=$(pg_psql "SELECT customer_id FROM customers WHERE customer_id NOT IN ('$C', '$OTHER') AND customer_id NOT IN (SELECT customer_id FROM points_movements) ORDER BY customer_id COLLATE \"C\" LIMIT 1" shop)
"$D" --db "$P" -q points earn --customer "$THIRD" --points 100 --source manual --reason seed > /dev/null
pg_two_servers "$P"
export HAMMER_TOKEN; HAMMER_TOKEN=$(cat "$WORK/admin.pg")
python3 "$ROOT/tests/e2e/helpers/hammer.py" posts "$URL1,$URL2" "/api/customers/$THIRD/points/burn" \
  '{"points": 7}' 20 > "$WORK/last.json" 2>&1
expect_json "two servers: 20 simultaneous API burns of 7 from 100, 14 pass (201) and 6 refused (409)" \
  "j['statuses'] == [201] * 14 + [409] * 6"
"$D" --db "$P" -q points earn --customer "$THIRD" --points 50 --source manual --reason more > /dev/null
python3 "$ROOT/tests/e2e/helpers/hammer.py" posts "$URL1,$URL2" "/api/customers/$THIRD/points/burn" \
  '{"points": 5}' 10 RETRY-1 > "$WORK/last.json" 2>&1
expect_json "two servers: 10 simultaneous retries of one key, all 201" "j['statuses'] == [201] * 10"
n=$(pg_psql "SELECT count(*) FROM points_movements WHERE customer_id = '$THIRD' AND points = -5" shop)
[ "$n" = 1 ] && pass "... and the burn applied once" || fail "the retried burn applied $n times"
# 20 simultaneous redemptions of one single-use code split over the two servers: one 201,
# nineteen 409, one redemption row.
"$D" --db "$P" -q coupon define DUO --amount 500 > /dev/null
DUO_ORDER=$(pg_psql "SELECT order_id FROM orders WHERE total >= 1000 AND order_id NOT IN (SELECT order_id FROM coupon_redemptions) ORDER BY order_id LIMIT 1" shop)
DUO_CODE=$("$D" --db "$P" --format csv coupon issue DUO \
  --customer "$(pg_psql "SELECT customer_id FROM orders WHERE order_id = '$DUO_ORDER'" shop)" | sed -n 2p | cut -d, -f2)
python3 "$ROOT/tests/e2e/helpers/hammer.py" posts "$URL1,$URL2" "/api/coupon-codes/$DUO_CODE/redeem" \
  "{\"order_id\": \"$DUO_ORDER\"}" 20 > "$WORK/last.json" 2>&1
expect_json "two servers: 20 simultaneous API redemptions of one code, one 201 and nineteen 409" \
  "j['statuses'] == [201] + [409] * 19"
n=$(pg_psql "SELECT count(*) FROM coupon_redemptions WHERE code = '$DUO_CODE'" shop)
[ "$n" = 1 ] && pass "... and one redemption row" || fail "the code redeemed through two servers has $n rows"
unset HAMMER_TOKEN
SERVER_PID=$PID1; stop_server
SERVER_PID=$PID2; stop_server
trap 'pg_stop; rm -rf "$WORK"' EXIT

# VOC tickets: opened (Korean names), refused transitions, times and versions, worked through
# their states, an idempotent open, the SLA lists, escalation and service recovery (each once),
# the lists, a ticket's events and the VOC analyses, with the same answers on both stores.
O_C=$(pg_psql "SELECT order_id FROM orders WHERE customer_id = '$C' ORDER BY order_id LIMIT 1" shop)
ticket_steps() {   # DB
  T="$D --db $1 ticket"
  $T --format csv open --customer "$C" --kind 불만 --channel 콜센터 --priority 높음 --order "$O_C" \
    --subject "late delivery 배송이 늦음" --at 2026-03-06T17:00:00+09:00; echo "exit $?"
  $T start 1 --at 2026-03-06T17:10:00+09:00; echo "exit $?"
  $T assign 1 --to kim --at 2026-03-06T16:00:00+09:00; echo "exit $?"
  $T assign 999 --to kim; echo "exit $?"
  $T open --customer NOBODY --kind complaint; echo "exit $?"
  $T open --customer "$C" --kind complaint --order "$ORDER_OTHER"; echo "exit $?"
  $T --format csv assign 1 --to kim --version 1 --at 2026-03-06T17:20:00+09:00; echo "exit $?"
  $T assign 1 --to lee --version 1 --at 2026-03-06T17:25:00+09:00; echo "exit $?"
  $T --format csv start 1 --at 2026-03-09T09:30:00+09:00; echo "exit $?"
  $T --format csv comment 1 --note "고객에게 연락함, refund" --actor kim --at 2026-03-09T09:40:00+09:00
  echo "exit $?"
  for step in resolve close; do $T --format csv $step 1 --at 2026-03-09T11:00:00+09:00; echo "exit $?"; done
  $T --format csv reopen 1 --note "not fixed" --at 2026-03-10T10:00:00+09:00; echo "exit $?"
  for kind in inquiry inquiry complaint; do
    $T --format csv open --customer "$C" --kind $kind --at 2026-03-11T10:00:00+09:00 --idempotency-key q1
    echo "exit $?"
  done
  $T --format csv breached --as-of 2026-03-10T18:00:00+09:00; echo "exit $?"
  $T --format csv at-risk --within 1 --as-of 2026-03-11T17:30:00+09:00; echo "exit $?"
  for run in 1 2; do $T --format csv escalate --as-of 2026-03-12T18:00:00+09:00; echo "exit $?"; done
  for run in 1 2; do $T --format csv recover --as-of 2026-01-01; echo "exit $?"; done
  for f in table csv json; do $T --format $f list --as-of 2026-03-20; echo "exit $?"; done
  $T --format csv list --state 접수 --as-of 2026-03-20; echo "exit $?"
  for f in csv json; do $T --format $f show 1 --as-of 2026-03-12T00:00:00Z; echo "exit $?"; done
  for f in csv json; do "$D" --db "$1" --format $f voc stats --as-of 2026-06-01; echo "exit $?"; done
  for what in terms recovery; do "$D" --db "$1" --format csv voc $what --as-of 2026-06-01; echo "exit $?"; done
  for q in 배송 refund NPS "rating 1" "it's" 'a"b'; do "$D" --db "$1" --format csv voc search "$q"; echo "exit $?"; done
}
ticket_steps "$S" > "$WORK/tickets.sqlite" 2>&1
ticket_steps "$P" > "$WORK/tickets.pg" 2>&1
grep -q '^1,in_progress,4,4,no' "$WORK/tickets.pg" && grep -q '^recovery_tickets_opened' "$WORK/tickets.pg" &&
  pass "tickets on PostgreSQL: worked through their states, escalated, recovered" ||
  fail "tickets on PostgreSQL" "$(head -40 "$WORK/tickets.pg")"
grep -q "at version 2, not 1: it changed since it was read" "$WORK/tickets.pg" &&
  pass "a stale ticket version on PostgreSQL is refused, naming the current one" ||
  fail "a stale ticket version on PostgreSQL" "$(grep -A1 version "$WORK/tickets.pg" | head)"
expect_same "tickets and the VOC analyses: the same answers on both stores" "$WORK/tickets.sqlite" "$WORK/tickets.pg"
for db in "$S" "$P"; do   # an agent sees only their own customers' tickets, on both stores
  tag=$([ "$db" = "$S" ] && echo sqlite || echo pg)
  DANGOL_DB="$db" start_server --no-web || continue
  trap 'kill "$SERVER_PID" 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
  for who in admin agent; do
    for path in "/api/tickets?as_of=2026-03-20" /api/tickets/1 /api/tickets/3 \
                "/api/voc/search?q=refund"; do
      code=$(curl -s -o "$WORK/response" -w '%{http_code}' \
        -H "Authorization: Bearer $(cat "$WORK/$who.$tag")" "$URL$path")
      printf '%s %s %s %s\n' "$who" "$path" "$code" "$(cat "$WORK/response")" >> "$WORK/tickets_api.$tag"
    done
  done
  stop_server
done
trap 'pg_stop; rm -rf "$WORK"' EXIT
grep -q '^agent /api/tickets/1 200' "$WORK/tickets_api.pg" && grep -q '^agent /api/tickets/3 403' "$WORK/tickets_api.pg" &&
  pass "serve on PostgreSQL: an agent sees their own customer's ticket, not another's" ||
  fail "an agent's tickets on PostgreSQL" "$(cut -c1-200 "$WORK/tickets_api.pg")"
expect_same "tickets through the API: the same answers from both stores" "$WORK/tickets_api.sqlite" "$WORK/tickets_api.pg"

# 10 processes assign one ticket with the version they read: one wins, nine are refused (exit 1),
# one assign event. 6 recovery runs at once on a fresh database open each incident's ticket once.
V=$(pg_psql "SELECT version FROM tickets WHERE ticket_id = 2" shop)
for i in $(seq 1 10); do
  ( "$D" --db "$P" -q ticket assign 2 --to "agent$i" --version "$V" > /dev/null 2> "$WORK/assign.$i.err"
    echo $? > "$WORK/assign.$i.rc" ) &
done
wait
won=$(cat "$WORK"/assign.*.rc | grep -c '^0$'); refused=$(cat "$WORK"/assign.*.rc | grep -c '^1$')
after=$(pg_psql "SELECT version FROM tickets WHERE ticket_id = 2" shop)
assigns=$(pg_psql "SELECT count(*) FROM ticket_events WHERE ticket_id = 2 AND action = 'assign'" shop)
[ "$won" = 1 ] && [ "$refused" = 9 ] && [ "$after" = $((V + 1)) ] && [ "$assigns" = 1 ] &&
  pass "10 processes assign one ticket with one version: one wins, 9 refused, nothing lost" ||
  fail "10 simultaneous assigns: $won won, $refused refused, version $V -> $after, $assigns assigns" \
    "$(cat "$WORK"/assign.*.err | sort | uniq -c)"
R=$(pg_newdb recovery)
"$D" --db "$R" -q init --currency KRW
for e in staff customers products orders feedback surveys; do "$D" --db "$R" -q import "$e" "$WORK/csv/$e.csv" > /dev/null; done
incidents=$(pg_psql "SELECT (SELECT count(*) FROM feedback WHERE kind = 'complaint' OR rating IN (1, 2)) + (SELECT count(*) FROM surveys WHERE nps BETWEEN 0 AND 6 OR csat IN (1, 2))" recovery)
for i in $(seq 1 6); do
  ( "$D" --db "$R" --format csv ticket recover --as-of 2100-01-01 > "$WORK/recover.$i.out" 2> "$WORK/recover.$i.err"
    echo $? > "$WORK/recover.$i.rc" ) &
done
wait
opened=$(cat "$WORK"/recover.*.out | grep -E '^[0-9]+$' | paste -sd+ | bc)
failed=$(cat "$WORK"/recover.*.rc | grep -vc '^0$')
stored=$(pg_psql "SELECT count(DISTINCT source_kind || ':' || source_id) || '/' || count(*) FROM tickets" recovery)
[ "$incidents" -gt 0 ] && [ "$opened" = "$incidents" ] && [ "$stored" = "$incidents/$incidents" ] && [ "$failed" = 0 ] &&
  pass "6 simultaneous recovery runs on PostgreSQL: one ticket per incident ($incidents)" ||
  fail "6 recovery runs: $opened opened, $stored stored, $incidents incidents, $failed failed" \
    "$(cat "$WORK"/recover.*.err | sort | uniq -c)"

# Through two `serve` processes on one database: 12 agents assign one ticket with one version
# (one 200, eleven 409), 16 comments at once (all kept, versions consecutive), 8 recovery jobs
# at once (nothing opened twice), a retried open replayed; an agent lists only their customers'
# tickets, the same as on SQLite.
pg_two_servers "$P"
export HAMMER_TOKEN; HAMMER_TOKEN=$(cat "$WORK/admin.pg")
BURST="$ROOT/tests/e2e/helpers/tickets_burst.py"
python3 "$BURST" stale "$URL1,$URL2" 2 12 > "$WORK/last.json" 2>&1
expect_json "two servers: 12 agents assign one ticket with one version, one 200 and eleven 409" \
  "j['statuses'] == {'200': 1, '409': 11} and j['after'] == j['before'] + 1 and j['assign_events'] == $((assigns + 1))"
python3 "$BURST" comment "$URL1,$URL2" 2 16 > "$WORK/last.json" 2>&1
expect_json "two servers: 16 simultaneous comments, all kept, versions consecutive" \
  "j['statuses'] == {'200': 16} and j['new_events'] == 16 and j['versions'] == list(range(j['before'] + 1, j['after'] + 1))"
before=$(pg_psql "SELECT count(*) FROM tickets" shop)
python3 "$BURST" recover "$URL1,$URL2" 8 2100-01-01 > "$WORK/last.json" 2>&1
expected=$(pg_psql "SELECT (SELECT count(*) FROM feedback WHERE (kind = 'complaint' OR rating IN (1, 2)) AND feedback_id NOT IN (SELECT source_id FROM tickets WHERE source_kind = 'feedback')) + (SELECT count(*) FROM surveys WHERE (nps BETWEEN 0 AND 6 OR csat IN (1, 2)) AND response_id NOT IN (SELECT source_id FROM tickets WHERE source_kind = 'survey'))" shop)
expect_json "two servers: 8 simultaneous recovery jobs open each incident once ($expected)" \
  "j['statuses'] == {'200': 8} and j['opened'] == $expected"
n=$(pg_psql "SELECT count(*) - count(DISTINCT source_kind || source_id) FROM tickets WHERE source_kind IS NOT NULL" shop)
[ "$n" = 0 ] && pass "... no incident has two tickets" || fail "recovery through two servers: $n doubles"
for i in 1 2; do
  curl -s -o "$WORK/open.$i" -w '%{http_code}\n' -H "Authorization: Bearer $HAMMER_TOKEN" \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: OPEN-1' \
    -d "{\"customer_id\": \"$C\", \"kind\": \"inquiry\"}" "$([ $i = 1 ] && echo "$URL1" || echo "$URL2")/api/tickets"
done > "$WORK/open.statuses"
[ "$(paste -sd, "$WORK/open.statuses")" = 201,201 ] && grep -q '"replayed": *true' "$WORK/open.2" &&
  pass "two servers: a retried ticket open answers 201 twice, the second replayed" ||
  fail "a retried open through two servers" "$(cat "$WORK/open.statuses" "$WORK/open.2")"
unset HAMMER_TOKEN
SERVER_PID=$PID1; stop_server
SERVER_PID=$PID2; stop_server
trap 'pg_stop; rm -rf "$WORK"' EXIT

# Tiers: evaluated (a day again writes nothing), their distribution, migration, a customer's
# tier and history, the cross-tabs and rules, the same on both stores; then by points earned
# (the points ledger's measure), a customer's tier the same on both.
tier_steps() {   # DB
  T="$D --db $1 tier"
  for day in 2024-06-30 2024-06-30 2025-12-31; do $T --format csv evaluate --as-of $day; echo "exit $?"; done
  for f in csv json; do $T --format $f distribution; echo "exit $?"; done
  $T --format csv distribution --as-of 2025-01-01; echo "exit $?"
  $T --format csv migration --from 2024-06-30 --to 2025-12-31; echo "exit $?"
  for f in table csv json; do $T --format $f show "$C"; echo "exit $?"; done
  $T show NOBODY; echo "exit $?"
  for by in stage segment; do $T --format csv crosstab --by $by; echo "exit $?"; done
  $T --format csv rules; echo "exit $?"
  $T evaluate --rules "$WORK/bad_tiers.conf"; echo "exit $?"
  $T -q evaluate --as-of 2026-01-31 --rules "$WORK/points_tiers.conf" > /dev/null; echo "exit $?"
  $T --format csv show "$C"; echo "exit $?"
}
printf 'measure = nonsense\n' > "$WORK/bad_tiers.conf"
sed -e 's/^measure = spend/measure = points/' -e 's/^tier.silver.threshold = .*/tier.silver.threshold = 20/' \
  -e 's/^tier.gold.threshold = .*/tier.gold.threshold = 100/' -e 's/^tier.vip.threshold = .*/tier.vip.threshold = 1000/' \
  "$ROOT/config/tiers.conf" > "$WORK/points_tiers.conf"
"$D" --db "$P" --format csv export customers --reason "the same customers in both" > "$WORK/customers.pg.csv"
"$D" --db "$S" -q import customers "$WORK/customers.pg.csv" > /dev/null   # the API's creates
tier_steps "$S" > "$WORK/tiers.sqlite" 2>&1
tier_steps "$P" > "$WORK/tiers.pg" 2>&1
grep -q '^2025-12-31,2024-06-30,[1-9]' "$WORK/tiers.pg" && grep -q 'evaluated already' "$WORK/tiers.pg" &&
  pass "tiers on PostgreSQL: evaluated, and a day again writes nothing" ||
  fail "tiers on PostgreSQL" "$(head -20 "$WORK/tiers.pg")"
expect_same "tiers: the same answers on both stores" "$WORK/tiers.sqlite" "$WORK/tiers.pg"

# 6 processes evaluate the same new day at once: one evaluates it, five find it done; one run.
runs=$(pg_psql "SELECT count(*) FROM tier_runs" shop)
for i in $(seq 1 6); do
  ( "$D" --db "$P" --format csv tier evaluate --as-of 2026-06-30 --rules "$ROOT/config/tiers.conf" \
      > "$WORK/evaluate.$i.out" 2> "$WORK/evaluate.$i.err"; echo $? > "$WORK/evaluate.$i.rc" ) &
done
wait
done_now=$(cat "$WORK"/evaluate.*.out | grep -c ',no$'); already=$(cat "$WORK"/evaluate.*.out | grep -c ',yes$')
after=$(pg_psql "SELECT count(*) FROM tier_runs" shop)
doubles=$(pg_psql "SELECT count(*) FROM (SELECT customer_id, changed_on, to_tier FROM tier_history GROUP BY 1, 2, 3 HAVING count(*) > 1) d" shop)
[ "$done_now" = 1 ] && [ "$already" = 5 ] && [ "$after" = $((runs + 1)) ] && [ "$doubles" = 0 ] &&
  pass "6 simultaneous evaluations of one day: one evaluates it, five find it done, nothing twice" ||
  fail "6 simultaneous evaluations: $done_now evaluated, $already already, runs $runs -> $after, $doubles doubles" \
    "$(cat "$WORK"/evaluate.*.err | sort | uniq -c)"

# Consent: granted and withdrawn (an idempotent replay, a reused key, Korean purpose names), a
# customer's consent and history, the send lists, the same on both stores (times recorded cut).
consent_steps() {   # DB
  K="$D --db $1 consent"
  for source in web web store; do
    $K --format csv grant "$C" --purpose marketing_sms --source $source --date 2025-01-01 --idempotency-key c1
    echo "exit $?"
  done
  $K --format csv grant "$C" --purpose marketing_sms --source web --date 2025-01-02; echo "exit $?"
  $K --format csv withdraw "$C" --purpose "문자(SMS) 마케팅 수신" --source call --date 2025-02-01; echo "exit $?"
  $K --format csv grant "$C" --purpose third_party_sharing --source api --date 2025-02-01 --actor kim; echo "exit $?"
  $K grant NOBODY --purpose marketing_sms --source web; echo "exit $?"
  $K grant "$C" --purpose nonsense --source web; echo "exit $?"
  for f in table csv json; do $K --format $f show "$C" --as-of 2025-03-01; echo "exit $?"; done
  $K --format csv show "$C" --as-of 2025-01-15; echo "exit $?"
  for p in marketing_sms marketing_email third_party_sharing; do
    $K --format csv list --purpose $p --as-of 2025-03-01; echo "exit $?"
  done
  $K --format json list --purpose marketing_phone --as-of 2025-03-01; echo "exit $?"
}
consent_steps "$S" 2>&1 | sed -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/TIME/g' > "$WORK/consent.sqlite"
consent_steps "$P" 2>&1 | sed -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/TIME/g' > "$WORK/consent.pg"
grep -q '^3,yes,no' "$WORK/consent.pg" && pass "consent on PostgreSQL: granted and withdrawn" ||
  fail "consent on PostgreSQL" "$(head -20 "$WORK/consent.pg")"
expect_same "consent: the same answers on both stores" "$WORK/consent.sqlite" "$WORK/consent.pg"

# 10 processes grant one customer a consent they had not given, at once: one changes it, the
# nine others find it granted already (each event kept: the history is append-only).
NOCONSENT=$(pg_psql "SELECT customer_id FROM customers WHERE coalesce(consent_phone, 0) = 0 AND customer_id NOT IN (SELECT customer_id FROM consent_events) ORDER BY customer_id COLLATE \"C\" LIMIT 1" shop)
for i in $(seq 1 10); do
  ( "$D" --db "$P" --format csv consent grant "$NOCONSENT" --purpose marketing_phone --source web \
      --date 2025-05-01 > "$WORK/grant.$i.out" 2> "$WORK/grant.$i.err"; echo $? > "$WORK/grant.$i.rc" ) &
done
wait
changed=$(cat "$WORK"/grant.*.out | grep -c ',yes,no$'); unchanged=$(cat "$WORK"/grant.*.out | grep -c ',no,no$')
events=$(pg_psql "SELECT count(*) FROM consent_events WHERE customer_id = '$NOCONSENT'" shop)
[ "$changed" = 1 ] && [ "$unchanged" = 9 ] && [ "$events" = 10 ] &&
  pass "10 simultaneous grants of one consent: one changes it, nine find it granted, 10 events" ||
  fail "10 simultaneous grants: $changed changed, $unchanged unchanged, $events events" \
    "$(cat "$WORK"/grant.*.err | sort | uniq -c)"

# Follow-ups: scheduled from the shipped rules (a month later: the same task numbers as SQLite;
# again: nothing twice), listed, closed at a
# version (an idempotent replay, a stale version, Korean outcome names), the outboxes, the same
# on both stores.
followup_steps() {   # DB
  F="$D --db $1 followup"
  # a month earlier first: the later run selects those orders again (no task id may be spent on them)
  for day in 2025-11-30 2025-12-31 2025-12-31; do
    $F --format csv schedule --as-of $day --rules "$ROOT/config/followups.conf"; echo "exit $?"
  done
  for f in csv json; do $F --format $f list --as-of 2026-01-31; echo "exit $?"; done
  $F --format csv list --customer "$C"; echo "exit $?"
  for run in 1 2; do
    $F --format csv done 1 --outcome reached --note "called back" --version 1 --at 2026-01-05T10:00:00Z \
      --idempotency-key f1; echo "exit $?"
  done
  $F --format csv done 1 --outcome declined --version 1; echo "exit $?"
  $F --format csv done 2 --outcome "통화 완료" --version 7; echo "exit $?"
  $F done 99999 --outcome reached; echo "exit $?"
  $F --format csv list --state done; echo "exit $?"
  for ch in sms email call; do $F --format csv outbox --channel $ch --reason test --as-of 2026-01-31; echo "exit $?"; done
}
followup_steps "$S" > "$WORK/followups.sqlite" 2>&1
followup_steps "$P" > "$WORK/followups.pg" 2>&1
grep -q '^tasks_created' "$WORK/followups.pg" && grep -q ',done,reached,' "$WORK/followups.pg" &&
  pass "follow-ups on PostgreSQL: scheduled and closed" || fail "follow-ups on PostgreSQL" "$(head -20 "$WORK/followups.pg")"
expect_same "follow-ups: the same answers on both stores" "$WORK/followups.sqlite" "$WORK/followups.pg"

# 10 processes close one task at the version they read: one wins, nine are refused (exit 1).
# 4 schedulers at once on a fresh database: each task created once.
for i in $(seq 1 10); do
  ( "$D" --db "$P" -q followup done 3 --outcome reached --version 1 > /dev/null 2> "$WORK/done.$i.err"
    echo $? > "$WORK/done.$i.rc" ) &
done
wait
won=$(cat "$WORK"/done.*.rc | grep -c '^0$'); refused=$(cat "$WORK"/done.*.rc | grep -c '^1$')
[ "$won" = 1 ] && [ "$refused" = 9 ] && grep -q "is at version 2, not 1" "$WORK"/done.*.err &&
  pass "10 simultaneous closes of one task at one version: one wins, nine refused" ||
  fail "10 simultaneous closes: $won won, $refused refused" "$(cat "$WORK"/done.*.err | sort | uniq -c)"
for i in 1 2 3 4; do
  ( "$D" --db "$R" --format csv followup schedule --as-of 2025-12-31 --rules "$ROOT/config/followups.conf" \
      > "$WORK/schedule.$i.out" 2> "$WORK/schedule.$i.err"; echo $? > "$WORK/schedule.$i.rc" ) &
done
wait
created=$(cat "$WORK"/schedule.*.out | grep -E '^[0-9]+$' | paste -sd+ | bc)
tasks=$(pg_psql "SELECT count(*) FROM followup_tasks" recovery)
again=$("$D" --db "$R" --format csv followup schedule --as-of 2025-12-31 --rules "$ROOT/config/followups.conf" | tail -1)
[ "$tasks" -gt 0 ] && [ "$created" = "$tasks" ] && [ "$again" = 0 ] && ! grep -qv '^0$' "$WORK"/schedule.*.rc &&
  pass "4 simultaneous schedulers: each of $tasks tasks created once, none failed" ||
  fail "4 schedulers: $created created, $tasks stored, $again on a fifth run" "$(cat "$WORK"/schedule.*.err)"

# Moments of truth: visits imported (drawn here, seeded: 400 visits rating the 8 moments of the
# default cycle on 1-5), the reports, a visit recorded (again: refused; its key again: replayed)
# and the reports after it, the same on both stores.
python3 - "$WORK/csv/customers.csv" "$WORK/mot" <<'PY'
import csv, random, sys
customers = [r["customer_id"] for r in csv.DictReader(open(sys.argv[1]))]
moments = ["booking_call", "parking", "reception", "waiting", "consultation", "treatment",
           "payment", "follow_up_call"]
rng = random.Random(14)
with open(sys.argv[2] + "_visits.csv", "w", newline="") as v, \
     open(sys.argv[2] + "_ratings.csv", "w", newline="") as r:
    vw, rw = csv.writer(v), csv.writer(r)
    vw.writerow(["visit_id", "customer_id", "visited_on", "nps", "staff_id"])
    rw.writerow(["visit_id", "moment", "score"])
    for n in range(400):
        vid, mood = f"MV{n:04d}", rng.random()
        vw.writerow([vid, rng.choice(customers), f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}",
                     "" if n % 9 == 0 else min(10, int(mood * 11 + rng.random())), ""])
        for m in moments:
            if rng.random() < 0.8:
                rw.writerow([vid, m, min(5, 1 + int(mood * 4 + rng.random() * 1.5))])
PY
for db in "$S" "$P"; do
  "$D" --db "$db" -q import mot_visits "$WORK/mot_visits.csv" && "$D" --db "$db" -q import mot_ratings "$WORK/mot_ratings.csv" ||
    fail "the MOT visits import into $db"
done
mot_steps() {   # DB
  for r in cycle score weakest drivers; do "$D" --db "$1" --format csv mot $r; echo "exit $?"; done
  "$D" --db "$1" --format csv mot visits --top 20; echo "exit $?"
  "$D" --db "$1" --format json mot score --as-of 2025-06-30; echo "exit $?"
  "$D" --db "$1" --format csv mot record --visit V-E2E --customer "$C" --rating waiting=3 \
    --rating 상담=5 --date 2025-12-20 --nps 9 --idempotency-key mot-1; echo "exit $?"
  "$D" --db "$1" --format csv mot record --visit V-E2E --customer "$C" --rating waiting=3 \
    --rating 상담=5 --date 2025-12-20 --nps 9 --idempotency-key mot-1; echo "exit $?"
  "$D" --db "$1" mot record --visit V-E2E --customer "$C" --rating waiting=1; echo "exit $?"
  "$D" --db "$1" mot record --visit V-E2E-2 --customer NOBODY --rating waiting=1; echo "exit $?"
  for r in score weakest drivers; do "$D" --db "$1" --format csv mot $r; echo "exit $?"; done
  "$D" --db "$1" --format json mot visits --top 5; echo "exit $?"
}
mot_steps "$S" > "$WORK/mot.sqlite" 2>&1
mot_steps "$P" > "$WORK/mot.pg" 2>&1
grep -q '^V-E2E,' "$WORK/mot.pg" && ! grep -q 'not available' "$WORK/mot.pg" &&
  pass "moments of truth on PostgreSQL: reports and a visit recorded" ||
  fail "moments of truth on PostgreSQL" "$(head -30 "$WORK/mot.pg")"
expect_same "moments of truth: the same answers on both stores" "$WORK/mot.sqlite" "$WORK/mot.pg"

# 10 processes record one new visit at once: one records it, nine are told it is recorded
# already, and it has its two ratings once.
for i in $(seq 1 10); do
  ( "$D" --db "$P" -q mot record --visit V-RACE --customer "$C" --rating waiting=4 --rating 상담=2 \
      > /dev/null 2> "$WORK/mot.$i.err"; echo $? > "$WORK/mot.$i.rc" ) &
done
wait
won=$(cat "$WORK"/mot.*.rc | grep -c '^0$'); refused=$(grep -l "is recorded already" "$WORK"/mot.*.err | wc -l)
ratings=$(pg_psql "SELECT count(*) FROM mot_ratings WHERE visit_id = 'V-RACE'" shop)
[ "$won" = 1 ] && [ "$refused" = 9 ] && [ "$ratings" = 2 ] &&
  pass "10 simultaneous records of one visit: one records it, nine refused, 2 ratings" ||
  fail "10 simultaneous records of one visit: $won won, $refused refused, $ratings ratings" \
    "$(cat "$WORK"/mot.*.err | sort | uniq -c)"

# Customer value: survey answers imported (again: nothing changes; a bad file: nothing written),
# the scores, reliability, drivers and grid, the same on both stores. The answers are drawn
# here, seeded, for every item of the built-in survey.
"$D" --db "$S" --format csv value items > "$WORK/value_items.csv"
python3 - "$WORK/value_items.csv" "$WORK/csv/customers.csv" "$WORK/value.csv" <<'PY'
import csv, random, sys
items = list(csv.DictReader(open(sys.argv[1])))
customers = [r["customer_id"] for r in csv.DictReader(open(sys.argv[2]))]
rng = random.Random(19)
with open(sys.argv[3], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["response_id", "customer_id", "answered_on"] + [i["item"] for i in items])
    for n, c in enumerate(customers[:240]):
        lean = rng.random()
        w.writerow([f"V{n:04d}", c, f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"] +
                   [min(int(i["scale_max"]), int(i["scale_min"]) + int(lean * (int(i["scale_max"]) - int(i["scale_min"]) + 1) * rng.random() + rng.random()))
                    for i in items])
PY
head -2 "$WORK/value.csv" > "$WORK/value_bad.csv"
echo "V9999,NOBODY,2025-06-01$(head -2 "$WORK/value.csv" | tail -1 | cut -d, -f4- | sed 's/^/,/')" >> "$WORK/value_bad.csv"
value_steps() {   # DB
  "$D" --db "$1" value import "$WORK/value_bad.csv"; echo "exit $?"
  "$D" --db "$1" value import "$WORK/value.csv"; echo "exit $?"
  "$D" --db "$1" -q value import "$WORK/value.csv"; echo "exit $?"
  for r in scores reliability drivers grid; do "$D" --db "$1" --format csv value $r; echo "exit $?"; done
  "$D" --db "$1" --format json value drivers --outcome nps; echo "exit $?"
  "$D" --db "$1" --format csv value grid --by segment; echo "exit $?"
  "$D" --db "$1" --format csv value scores --customer "$C"; echo "exit $?"
  "$D" --db "$1" value scores --customer NOBODY; echo "exit $?"
}
value_steps "$S" > "$WORK/value.sqlite" 2>&1
value_steps "$P" > "$WORK/value.pg" 2>&1
grep -q '^emotional,' "$WORK/value.pg" && ! grep -q 'not available' "$WORK/value.pg" &&
  pass "customer value on PostgreSQL: imported and analysed" ||
  fail "customer value on PostgreSQL" "$(head -30 "$WORK/value.pg")"
expect_same "customer value: the same answers on both stores" "$WORK/value.sqlite" "$WORK/value.pg"

# 6 processes import (replace) the same 20 responses at once: every import succeeds and each
# response has its answers once.
head -21 "$WORK/value.csv" > "$WORK/value20.csv"
for i in 1 2 3 4 5 6; do
  ( "$D" --db "$P" -q value import "$WORK/value20.csv" > /dev/null 2> "$WORK/vimp.$i.err"
    echo $? > "$WORK/vimp.$i.rc" ) &
done
wait
failed=$(cat "$WORK"/vimp.*.rc | grep -vc '^0$')
answers=$(pg_psql "SELECT count(*) FROM value_answers WHERE response_id < 'V0020'" shop)
expected=$(( 20 * ($(head -1 "$WORK/value.csv" | tr , '\n' | wc -l) - 3) ))
[ "$failed" = 0 ] && [ "$answers" = "$expected" ] &&
  pass "6 simultaneous imports of 20 responses: all succeed, $answers answers once" ||
  fail "6 simultaneous imports: $failed failed, $answers answers of $expected" "$(cat "$WORK"/vimp.*.err | sort | uniq -c)"

# The service-profit chain: staff surveys imported (drawn here, seeded: 6 responses of 5 items
# per site of the orders), `staff chain` the same on both stores; then 12 simultaneous API
# writes of one new response through two servers: one 201, eleven 409, its answers once.
python3 - "$WORK/csv/orders.csv" "$WORK/staff_surveys.csv" <<'PY'
import csv, random, sys
sites = sorted({r["site"] for r in csv.DictReader(open(sys.argv[1])) if r["site"]})
rng = random.Random(21)
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["response_id", "item", "site", "staff_id", "answered_on", "score", "scale_min", "scale_max"])
    for s, site in enumerate(sites):
        mood = rng.random()
        for n in range(6):
            for item in ["pride", "tools", "training", "recognition", "workload"]:
                w.writerow([f"S{s:02d}-{n}", item, site, "", f"2025-{1 + n:02d}-15",
                            min(5, 1 + int(mood * 4 + rng.random() * 1.5)), 1, 5])
PY
for db in "$S" "$P"; do
  "$D" --db "$db" -q import staff_surveys "$WORK/staff_surveys.csv" || fail "the staff surveys import into $db"
done
staff_steps() {   # DB
  for fmt in table csv json; do "$D" --db "$1" --format $fmt staff chain; echo "exit $?"; done
  "$D" --db "$1" --format csv staff chain --as-of 2025-03-31 --min-responses 2; echo "exit $?"
}
staff_steps "$S" > "$WORK/staff.sqlite" 2>&1
staff_steps "$P" > "$WORK/staff.pg" 2>&1
grep -q 'Seoul' "$WORK/staff.pg" && ! grep -q 'not available' "$WORK/staff.pg" &&
  pass "the service-profit chain on PostgreSQL" || fail "staff chain on PostgreSQL" "$(head -30 "$WORK/staff.pg")"
expect_same "the service-profit chain: the same answers on both stores" "$WORK/staff.sqlite" "$WORK/staff.pg"
pg_two_servers "$P"
export HAMMER_TOKEN; HAMMER_TOKEN=$(cat "$WORK/admin.pg")
python3 "$ROOT/tests/e2e/helpers/hammer.py" posts "$URL1,$URL2" "/api/staff/surveys" \
  '{"response_id": "S-RACE", "site": "Online", "answered_on": "2025-06-01", "scale_min": 1, "scale_max": 5, "answers": {"pride": 4, "tools": 2}}' \
  12 > "$WORK/last.json" 2>&1
answers=$(pg_psql "SELECT count(*) FROM staff_surveys WHERE response_id = 'S-RACE'" shop)
expect_json "two servers: 12 simultaneous writes of one staff survey response, one 201 and eleven 409" \
  "j['statuses'] == [201] + [409] * 11 and $answers == 2"
unset HAMMER_TOKEN
SERVER_PID=$PID1; stop_server
SERVER_PID=$PID2; stop_server
trap 'pg_stop; rm -rf "$WORK"' EXIT

# The audit trail: written by the commands, listed, verified and pruned, the same on both stores
# (fresh ones, so both hold the same entries; times and hashes, which hold the times, cut). The
# prune runs with its clock 800 days ahead (helpers/clock_ahead.c), so it cuts what the default
# 730 days do not keep.
cc -shared -fPIC -o "$WORK/clock_ahead.so" "$ROOT/tests/e2e/helpers/clock_ahead.c" ||
  fail "the clock helper builds"
# (under AddressSanitizer the preloaded helper comes before ASan's runtime: allowed for this)
AHEAD="env LD_PRELOAD=$WORK/clock_ahead.so DANGOL_TEST_CLOCK_AHEAD=69120000 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
SA="$WORK/audit.db"
PA=$(pg_newdb audit)
audit_steps() {   # DB
  "$D" --db "$1" -q init --currency KRW
  for e in staff customers; do "$D" --db "$1" -q import $e "$WORK/csv/$e.csv"; done
  "$D" --db "$1" audit verify; echo "exit $?"
  "$D" --db "$1" export customers --reason "year-end mailing" --output /dev/null; echo "exit $?"
  "$D" --db "$1" -q points earn --customer "$C" --points 30 --source manual --reason welcome; echo "exit $?"
  "$D" --db "$1" -q points earn --customer "$OTHER" --points 20 --source manual --reason welcome; echo "exit $?"
  for fmt in csv json; do "$D" --db "$1" --format $fmt audit list; echo "exit $?"; done
  "$D" --db "$1" --format csv audit list --customer "$C"; echo "exit $?"
  "$D" --db "$1" --format csv audit list --customer NOBODY; echo "exit $?"
  "$D" --db "$1" --format csv audit list --since 2099-01-01; echo "exit $?"
  "$D" --db "$1" --format csv audit list --limit 1; echo "exit $?"
  "$D" --db "$1" --format csv audit list --user "$(id -un)" --since 2020-01-01; echo "exit $?"
  "$D" --db "$1" audit verify; echo "exit $?"
  "$D" --db "$1" audit prune; echo "exit $?"
  $AHEAD "$D" --db "$1" audit prune; echo "exit $?"
  "$D" --db "$1" -q points earn --customer "$C" --points 5 --source manual --reason after; echo "exit $?"
  "$D" --db "$1" --format csv audit list; echo "exit $?"
  "$D" --db "$1" --format json audit verify; echo "exit $?"
}
# the times (at, 10 digits or a date-time), the hashes (64 hex digits) and the OS user cut
audit_cut() {
  sed -E -e 's/[0-9a-f]{64}/HASH/g' -e 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}[T ][0-9:]{8}(Z|[+-][0-9:]{5})?/TIME/g' \
    -e 's/\b1[0-9]{9}\b/TIME/g' -e "s/\b$(id -un)\b/USER/g"
}
audit_steps "$SA" 2>&1 | audit_cut > "$WORK/audit.sqlite"
audit_steps "$PA" 2>&1 | audit_cut > "$WORK/audit.pg"
grep -q 'audit.prune' "$WORK/audit.pg" && ! grep -q 'not available' "$WORK/audit.pg" &&
  pass "the audit trail listed, verified and pruned on PostgreSQL" ||
  fail "the audit trail on PostgreSQL" "$(head -40 "$WORK/audit.pg")"
expect_same "the audit trail: the same answers on both stores" "$WORK/audit.sqlite" "$WORK/audit.pg"
# 4 prunes (their clocks ahead) and 10 audited writes at once on PostgreSQL: every prune and
# write succeeds, the chain verifies, and the anchors' entries plus those left are every id given.
"$D" --db "$PA" -q audit prune > /dev/null
for c in $(pg_psql "SELECT customer_id FROM customers ORDER BY customer_id COLLATE \"C\" LIMIT 10" audit); do
  ( "$D" --db "$PA" -q points earn --customer "$c" --points 1 --source manual --reason race \
      > /dev/null 2> "$WORK/race.$c.err"; echo $? > "$WORK/race.$c.rc" ) &
done
for i in 1 2 3 4; do
  ( $AHEAD "$D" --db "$PA" -q audit prune > /dev/null 2> "$WORK/prune.$i.err"; echo $? > "$WORK/prune.$i.rc" ) &
done
wait
failed=$(cat "$WORK"/race.*.rc "$WORK"/prune.*.rc | grep -vc '^0$')
given=$(pg_psql "SELECT value FROM settings WHERE key = 'audit_last_id'" audit)
held=$(pg_psql "SELECT (SELECT coalesce(sum(entries), 0) FROM auth_audit_anchor) + (SELECT count(*) FROM auth_audit)" audit)
"$D" --db "$PA" audit verify > "$WORK/verify.out" 2>&1; verified=$?
[ "$failed" = 0 ] && [ "$verified" = 0 ] && [ "$given" = "$held" ] &&
  pass "4 prunes and 10 audited writes at once: all succeed, the chain verifies, $given entries given, none lost" ||
  fail "4 prunes and 10 writes: $failed failed, verify exit $verified, $given given, $held held (lost $((given - held)))" \
    "$(cat "$WORK"/race.*.err "$WORK"/prune.*.err "$WORK/verify.out")"
expect_output "an entry removed from the end on PostgreSQL is named by verify" "entry [0-9]+ is missing: it was removed from the end" \
  sh -c "'$PG_BIN/psql' -q '$PA' -c 'ALTER TABLE auth_audit DISABLE TRIGGER USER' -c 'DELETE FROM auth_audit WHERE entry_id = (SELECT max(entry_id) FROM auth_audit)' -c 'ALTER TABLE auth_audit ENABLE TRIGGER USER' && '$D' --db '$PA' audit verify 2>&1"

# Order returns (`order return`, POST /api/orders/{id}/return) on fresh stores: the points
# reversal (a lot partly spent, absorbed or recovered; an earn reversed before), the coupon
# restored as a new code or forfeited, a second return, an unknown order, a replayed and a reused
# Idempotency-Key, the ledger, the codes and the audit trail after them, and the same through
# the API: the same on both stores (the random codes named in order of appearance). Then on
# PostgreSQL: a failure at the last write leaves nothing, 20 returns of one order at once (one
# wins, 19 told it was returned; one reversal, one new code, one audit entry), and the same
# through two `serve` processes (one 201, 19 409; 10 retries of one key all 201, one return).
SR="$WORK/returns.db"
PR=$(pg_newdb returns)
pg_demo_stores "$SR" "$PR"
awk -F, 'NR > 1 && $10 >= 20000 && !seen[$2]++ { print $1, $2, substr($3, 1, 10) }' "$WORK/csv/orders.csv" |
  head -13 > "$WORK/return_orders"
ro() { sed -n "$1p" "$WORK/return_orders" | cut -d' ' -f"${2:-1}"; }   # LINE [FIELD]: 1 order, 2 customer, 3 day
printf 'reverse_spent = recover\n' > "$WORK/recover.conf"
printf 'return_coupon = forfeit\n' > "$WORK/forfeit.conf"
return_steps() {   # DB
  "$D" --db "$1" -q coupon define RET --amount 1000 --name "반품 쿠폰"; echo "exit $?"
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
    code=$("$D" --db "$1" --format csv coupon issue RET --customer "$(ro $i 2)" | sed -n 2p | cut -d, -f2)
    [ "$i" = 4 ] || [ "$i" = 6 ] || { "$D" --db "$1" --format csv coupon redeem "$code" --order "$(ro $i)"; echo "exit $?"; }
    [ "$i" = 3 ] || [ "$i" = 6 ] || { "$D" --db "$1" --format csv points earn --order "$(ro $i)"; echo "exit $?"; }
  done
  "$D" --db "$1" --format csv order return "$(ro 1)" --reason "wrong size" --date "$(ro 1 3)"; echo "exit $?"
  "$D" --db "$1" order return "$(ro 1)"; echo "exit $?"
  "$D" --db "$1" order return NO-SUCH-ORDER; echo "exit $?"
  "$D" --db "$1" --format csv order return "$(ro 2)" --cancelled --idempotency-key R1; echo "exit $?"
  "$D" --db "$1" --format csv order return "$(ro 2)" --cancelled --idempotency-key R1; echo "exit $?"
  "$D" --db "$1" order return "$(ro 2)" --idempotency-key R1; echo "exit $?"
  "$D" --db "$1" --format csv order return "$(ro 3)" --rules "$WORK/forfeit.conf"; echo "exit $?"
  # the earns of orders 4 and 5 spent on their day, with another lot beside each: the spent
  # part absorbed (the default), then recovered from the other lot
  for i in 4 5; do
    "$D" --db "$1" --format csv points earn --customer "$(ro $i 2)" --points 500 --source manual --reason other --date "$(ro $i 3)"; echo "exit $?"
    "$D" --db "$1" --format csv points burn --customer "$(ro $i 2)" --points 300 --date "$(ro $i 3)"; echo "exit $?"
  done
  "$D" --db "$1" --format json order return "$(ro 4)" --date "$(ro 4 3)"; echo "exit $?"
  "$D" --db "$1" --format csv points reverse --order "$(ro 7)"; echo "exit $?"
  "$D" --db "$1" --format csv order return "$(ro 5)" --rules "$WORK/recover.conf" --date "$(ro 5 3)"; echo "exit $?"
  "$D" --db "$1" --format json order return "$(ro 6)" --cancelled --reason "nothing earned"; echo "exit $?"
  "$D" --db "$1" --format table order return "$(ro 7)"; echo "exit $?"
  for i in 1 2 3 4 5 6 7; do
    "$D" --db "$1" --format csv points statement "$(ro $i 2)"; echo "exit $?"
  done
  "$D" --db "$1" --format csv coupon list --definition RET; echo "exit $?"
  "$D" --db "$1" --format json coupon rates; echo "exit $?"
  "$D" --db "$1" --format csv points liability; echo "exit $?"
  "$D" --db "$1" --format csv audit list; echo "exit $?"
  "$D" --db "$1" audit verify; echo "exit $?"
}
return_steps "$SR" 2>&1 | audit_cut | pg_codes_named > "$WORK/returns.sqlite"
return_steps "$PR" 2>&1 | audit_cut | pg_codes_named > "$WORK/returns.pg"
grep -Eq "^$(ro 1),$(ro 1 2),[0-9]+,-[0-9]+,0,CODE1,1000,restore,CODE[0-9]+,no$" "$WORK/returns.pg" &&
  grep -q 'returned or cancelled already' "$WORK/returns.pg" && ! grep -q 'not available' "$WORK/returns.pg" &&
  pass "order returns on PostgreSQL: points and coupon reversed, a new code" ||
  fail "order returns on PostgreSQL" "$(grep -v '^[A-Za-z0-9_,.-]*$' "$WORK/returns.pg" | head -20)"
expect_same "order returns: the same answers, ledgers, codes and audit trail on both stores" \
  "$WORK/returns.sqlite" "$WORK/returns.pg"

# through the API on each store: the same statuses and bodies (codes named)
for db in "$SR" "$PR"; do
  tag=$([ "$db" = "$SR" ] && echo sqlite || echo pg)
  DANGOL_DB="$db" start_server --no-web || continue
  trap 'kill "$SERVER_PID" 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
  for req in "$(ro 9)|{\"kind\": \"cancelled\", \"reason\": \"api\"}" "$(ro 9)|{}" "NOPE|{}" \
             "$(ro 10)|{\"kind\": \"lost\"}" "$(ro 10)|{\"points\": 1}"; do
    api POST "/api/orders/${req%%|*}/return" "${req#*|}"
    printf '%s %s\n' "$STATUS" "$BODY" >> "$WORK/return_api.$tag"
  done
  for i in 1 2; do
    curl -s -w ' %{http_code}\n' -X POST -H 'Idempotency-Key: RK' -H 'Content-Type: application/json' -d '{}' \
      "$URL/api/orders/$(ro 10)/return" >> "$WORK/return_api.$tag"
  done
  stop_server
done
trap 'pg_stop; rm -rf "$WORK"' EXIT
pg_codes_named < "$WORK/return_api.sqlite" > "$WORK/return_api.sqlite.named"
pg_codes_named < "$WORK/return_api.pg" > "$WORK/return_api.pg.named"
grep -q '^201 {"order_id"' "$WORK/return_api.pg" && grep -q '^409 ' "$WORK/return_api.pg" &&
  grep -Eq '"replayed": ?true.* 201$' "$WORK/return_api.pg" &&
  pass "POST /api/orders/{id}/return on PostgreSQL: 201, then 409, a key replayed" ||
  fail "the return route on PostgreSQL" "$(cut -c1-300 "$WORK/return_api.pg")"
expect_same "the return route: the same statuses and bodies from both stores" \
  "$WORK/return_api.sqlite.named" "$WORK/return_api.pg.named"

# all or nothing: a failure at the last write (the return's row) leaves the points and codes
COUNTS="SELECT (SELECT count(*) FROM points_movements) || '/' || (SELECT count(*) FROM coupon_codes) || '/' || (SELECT count(*) FROM order_returns) || '/' || (SELECT count(*) FROM auth_audit WHERE action = 'order.return')"
pg_psql "CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'injected failure'; END \$\$; CREATE TRIGGER test_fail BEFORE INSERT ON order_returns FOR EACH ROW EXECUTE FUNCTION test_fail()" returns
before=$(pg_psql "$COUNTS" returns)
"$D" --db "$PR" order return "$(ro 13)" > "$WORK/failed.out" 2>&1 && fail "a failure inside a return on PostgreSQL exits 0" ||
  pass "a failure inside a return on PostgreSQL exits non-zero"
check_after=$(pg_psql "$COUNTS" returns)
[ "$before" = "$check_after" ] && pass "... and writes neither the points reversal, nor the code, nor the audit entry" ||
  fail "a failed return wrote: $before before, $check_after after"
pg_psql "DROP TRIGGER test_fail ON order_returns; DROP FUNCTION test_fail()" returns

# 20 processes return one order at once
RO=$(ro 8); RC=$(ro 8 2)
codes=$(pg_psql "SELECT count(*) FROM coupon_codes WHERE customer_id = '$RC'" returns)
for i in $(seq 1 20); do
  ( "$D" --db "$PR" -q order return "$RO" > /dev/null 2> "$WORK/return.$i.err"; echo $? > "$WORK/return.$i.rc" ) &
done
wait
won=$(cat "$WORK"/return.*.rc | grep -c '^0$'); refused=$(grep -l "order \"$RO\" was returned or cancelled already" "$WORK"/return.*.err | wc -l)
state=$(pg_psql "SELECT (SELECT count(*) FROM order_returns WHERE order_id = '$RO') || '/' || (SELECT count(*) FROM points_movements r JOIN points_movements e ON r.reverses = e.movement_id WHERE e.source_id = '$RO') || '/' || (SELECT sum(points) FROM points_movements WHERE source_id = '$RO' OR reverses IN (SELECT movement_id FROM points_movements WHERE source_id = '$RO')) || '/' || (SELECT count(*) FROM coupon_codes WHERE customer_id = '$RC') || '/' || (SELECT count(*) FROM auth_audit WHERE action = 'order.return' AND detail LIKE '%\"$RO\"%')" returns)
[ "$won" = 1 ] && [ "$refused" = 19 ] && [ "$state" = "1/1/0/$((codes + 1))/1" ] &&
  pass "20 simultaneous returns of one order: one returns it, 19 told it was returned; one reversal, one new code, one audit entry" ||
  fail "20 simultaneous returns: $won won, $refused refused, returns/reversals/points/codes/entries $state" \
    "$(cat "$WORK"/return.*.err | sort | uniq -c)"
expect_ok "the audit chain verifies after the race" "$D" --db "$PR" -q audit verify

# two servers on one database: 20 returns of one order at once, 10 retries of one key at once
pg_two_servers "$PR"
python3 "$ROOT/tests/e2e/helpers/hammer.py" posts "$URL1,$URL2" "/api/orders/$(ro 11)/return" '{}' 20 > "$WORK/last.json" 2>&1
expect_json "two servers: 20 simultaneous API returns of one order, one 201 and 19 409" \
  "j['statuses'] == [201] + [409] * 19"
python3 "$ROOT/tests/e2e/helpers/hammer.py" posts "$URL1,$URL2" "/api/orders/$(ro 12)/return" '{}' 10 RETURN-1 > "$WORK/last.json" 2>&1
expect_json "two servers: 10 simultaneous retries of one return's key, all 201" "j['statuses'] == [201] * 10"
n=$(pg_psql "SELECT (SELECT count(*) FROM order_returns WHERE order_id IN ('$(ro 11)', '$(ro 12)')) || '/' || (SELECT count(*) FROM points_movements r JOIN points_movements e ON r.reverses = e.movement_id WHERE e.source_id IN ('$(ro 11)', '$(ro 12)'))" returns)
[ "$n" = 2/2 ] && pass "... each order returned once, its points reversed once" || fail "returns/reversals after the API races: $n"
SERVER_PID=$PID1; stop_server
SERVER_PID=$PID2; stop_server
trap 'pg_stop; rm -rf "$WORK"' EXIT

# `demo --loyalty --campaigns` into PostgreSQL (its reads are written in both dialects): the same
# counts and true effects as into SQLite, then the same points, tiers, coupons and campaign
# results.
SD="$WORK/demo.db"
PD=$(pg_newdb demo)
for db in "$SD" "$PD"; do
  tag=$([ "$db" = "$SD" ] && echo sqlite || echo pg)
  {
    "$D" --db "$db" --format csv demo --customers 200 --seed 5 --loyalty --campaigns; echo "exit $?"
    for report in "points liability --as-of 2025-12-01" "points balance --top 5 --as-of 2025-12-01" \
                  "tier distribution" "coupon rates" "campaign results DEMO-WINBACK" "campaign results DEMO-BONUS"; do
      "$D" --db "$db" --format csv $report; echo "exit $?"
    done
  } > "$WORK/demo.$tag" 2>&1
done
[ "$(grep -c '^exit 0$' "$WORK/demo.pg")" = 7 ] && grep -q '^DEMO-WINBACK,' "$WORK/demo.pg" &&
  pass "demo --loyalty --campaigns into PostgreSQL" || fail "demo --loyalty --campaigns into PostgreSQL" "$(head -20 "$WORK/demo.pg")"
expect_same "demo --loyalty --campaigns: the same programme and campaigns on both stores" "$WORK/demo.sqlite" "$WORK/demo.pg"

# ---- Erasure on PostgreSQL (docs/security.md "Erasure on PostgreSQL"): the same fields emptied
# as on SQLite in one transaction, orders and aggregates kept, then VACUUM (FULL) of the tables
# that held them: their files no longer hold the erased name or phone.
SE="$WORK/privacy.db"
PE=$(pg_newdb privacy)
for db in "$SE" "$PE"; do
  "$D" --db "$db" -q init --currency KRW
  for e in staff customers products orders order_lines feedback surveys interactions partner_activities; do
    "$D" --db "$db" -q import "$e" "$WORK/csv/$e.csv" > /dev/null 2>&1 || fail "import $e into $db"
  done
done
# customers whose name is theirs alone, with feedback (a free text erased)
unique_customers() {
  pg_psql "SELECT c.customer_id FROM customers c WHERE (SELECT count(*) FROM customers o WHERE o.name = c.name) = 1 AND c.phone IS NOT NULL AND EXISTS (SELECT 1 FROM feedback f WHERE f.customer_id = c.customer_id) ORDER BY c.customer_id COLLATE \"C\"" privacy
}
set -- $(unique_customers)
E1=$1 E2=$2 E3=$3
NAME1=$(pg_psql "SELECT name FROM customers WHERE customer_id = '$E1'" privacy)
PHONE1=$(pg_psql "SELECT phone FROM customers WHERE customer_id = '$E1'" privacy)
NAME2=$(pg_psql "SELECT name FROM customers WHERE customer_id = '$E2'" privacy)
PHONE2=$(pg_psql "SELECT phone FROM customers WHERE customer_id = '$E2'" privacy)
for db in "$SE" "$PE"; do
  tag=$([ "$db" = "$SE" ] && echo sqlite || echo pg)
  "$D" --db "$db" --format csv rfm > "$WORK/erase_rfm_before.$tag"
  "$D" --db "$db" --format csv customer erase "$E1" --reason "e2e request" --actor dpo > "$WORK/erase.$tag" 2>&1; echo "exit $?" >> "$WORK/erase.$tag"
  "$D" --db "$db" --format csv customer erase "$E1" --reason "again" >> "$WORK/erase.$tag" 2>&1; echo "exit $?" >> "$WORK/erase.$tag"
  for fmt in csv json; do
    "$D" --db "$db" --format $fmt customer show "$E1" >> "$WORK/erase_after.$tag" 2>&1
    "$D" --db "$db" --format $fmt rfm >> "$WORK/erase_after.$tag" 2>&1
    "$D" --db "$db" --format $fmt kpi >> "$WORK/erase_after.$tag" 2>&1
  done
  "$D" --db "$db" --format csv export customers --reason e2e >> "$WORK/erase_after.$tag" 2>&1
  "$D" --db "$db" --format csv export feedback --reason e2e >> "$WORK/erase_after.$tag" 2>&1
  "$D" --db "$db" --format csv rfm > "$WORK/erase_rfm_after.$tag"
  # the erasure's time and the purge's name are the store's own
  sed -i -e 's/,[0-9-]*T[0-9:]*Z,/,WHEN,/' -e 's/^customer_id,erased,erased_at,texts,\(wal_truncated\|vacuumed\)$/customer_id,erased,erased_at,texts,PURGED/' "$WORK/erase.$tag"
done
grep -q '^customer_id,erased,erased_at,texts,PURGED$' "$WORK/erase.pg" && grep -q "^$E1,yes,WHEN,[1-9][0-9]*,yes$" "$WORK/erase.pg" &&
  grep -q "^$E1,no,WHEN,0,yes$" "$WORK/erase.pg" && ! grep -q 'exit [1-9]' "$WORK/erase.pg" &&
  pass "customer erase on PostgreSQL: erased, texts emptied, vacuumed; again: nothing written" ||
  fail "customer erase on PostgreSQL" "$(cat "$WORK/erase.pg")"
expect_same "the same erasure answers on both stores (time and purge name aside)" "$WORK/erase.sqlite" "$WORK/erase.pg"
expect_same "after the erasure: the same card, rfm, kpi and exports on both stores" "$WORK/erase_after.sqlite" "$WORK/erase_after.pg"
expect_same "the erasure keeps every aggregate (rfm before and after, PostgreSQL)" "$WORK/erase_rfm_before.pg" "$WORK/erase_rfm_after.pg"
"$D" --db "$PE" customer erase "$E1" --reason x 2>&1 | grep -q 'vacuumed' &&
  pass "the table answer names the purge: vacuumed" || fail "the table answer names the purge: vacuumed"

# table_hits DB WORDS...: how many of the erasure's tables' files hold one of WORDS, after a
# checkpoint has written every page to them
table_hits() {
  db=$1; shift
  pg_psql "CHECKPOINT" "$db" > /dev/null
  hits=0
  for t in customers feedback interactions partner_activities tickets ticket_events order_returns followup_tasks; do
    f="$PG_DIR/data/$(pg_psql "SELECT pg_relation_filepath('$t')" "$db")"
    for word in "$@"; do
      n=$(pg_as cat "$f"* | grep -caF -e "$word")
      hits=$((hits + n))
    done
  done
  echo "$hits"
}
hits=$(table_hits privacy "$NAME1" "$PHONE1")
[ "$hits" = 0 ] && pass "after an erasure on PostgreSQL the table files hold neither the name nor the phone" ||
  fail "after an erasure the table files still hold the name or the phone ($hits hits)"
# A user that may write but does not own the tables: VACUUM skips them, the answer says so,
# and the old row versions (the name, the phone) are still in the files.
pg_psql "DROP ROLE IF EXISTS clerk; CREATE ROLE clerk LOGIN PASSWORD 'clerk pw'; GRANT ALL ON ALL TABLES IN SCHEMA public TO clerk; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO clerk" privacy > /dev/null
PC="postgresql://clerk:clerk%20pw@127.0.0.1:$PG_PORT/privacy"
"$D" --db "$PC" --format csv customer erase "$E2" --reason "not the owner" > "$WORK/clerk.out" 2>&1
hits=$(table_hits privacy "$NAME2" "$PHONE2")
grep -q "^$E2,yes,.*,no$" "$WORK/clerk.out" && grep -q 'does not own its tables' "$WORK/clerk.out" &&
  [ "$hits" -gt 0 ] &&
  pass "without the VACUUM (a user that does not own the tables) the files keep the name or phone ($hits hits), and the answer says vacuumed: no" ||
  fail "an erasure by a user that does not own the tables" "$hits hits; $(cat "$WORK/clerk.out")"
"$D" --db "$PE" -q customer erase "$E2" --reason "the owner retries" > /dev/null 2>&1
hits=$(table_hits privacy "$NAME2" "$PHONE2")
[ "$hits" = 0 ] && pass "the owner's retry vacuums them away" || fail "the owner's retry: $hits hits"
# The planner's statistics hold no value of a column an erasure empties (schema 26: their
# statistics target is 0): ANALYZE gathers the other columns' values, none of theirs.
pg_psql "ANALYZE" privacy > /dev/null
personal=$(pg_psql "SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND ((tablename = 'customers' AND attname IN ('name', 'phone', 'email', 'birth_year')) OR (tablename = 'feedback' AND attname = 'text') OR (tablename IN ('interactions', 'partner_activities', 'followup_tasks') AND attname = 'note') OR (tablename = 'tickets' AND attname = 'subject') OR (tablename = 'ticket_events' AND attname = 'detail') OR (tablename = 'order_returns' AND attname = 'reason') OR tablename IN ('ticket_search', 'ticket_event_search'))" privacy)
others=$(pg_psql "SELECT count(*) FROM pg_stats WHERE schemaname = 'public' AND tablename = 'customers' AND attname IN ('region', 'gender')" privacy)
[ "$personal" = 0 ] && [ "$others" = 2 ] &&
  pass "ANALYZE keeps no statistics of the personal columns (and keeps the others')" ||
  fail "planner statistics of personal columns" "$personal personal, $others others"

# Races on PostgreSQL (each checked to fail with the customer's lock removed).
# Six erasures of one customer at once: one erases, five find it erased, none fails.
for i in 1 2 3 4 5 6; do
  ( "$D" --db "$PE" --format csv customer erase "$E3" --reason "race $i" > "$WORK/erase_race.$i.out" 2>&1
    echo $? > "$WORK/erase_race.$i.rc" ) &
done
wait
won=$(grep -l "^$E3,yes," "$WORK"/erase_race.*.out | wc -l)
again=$(grep -l "^$E3,no," "$WORK"/erase_race.*.out | wc -l)
failed=$(cat "$WORK"/erase_race.*.rc | grep -vc '^0$')
rows=$(pg_psql "SELECT count(*) FROM customer_erasures WHERE customer_id = '$E3'" privacy)
audits=$(pg_psql "SELECT count(*) FROM auth_audit WHERE action = 'customer.erase' AND customers LIKE '%$E3%'" privacy)
[ "$won" = 1 ] && [ "$again" = 5 ] && [ "$failed" = 0 ] && [ "$rows" = 1 ] && [ "$audits" = 1 ] &&
  pass "6 erasures of one customer at once on PostgreSQL: 1 erases, 5 find it erased, 1 record, 1 audit entry" ||
  fail "6 erasures at once: $won erased, $again again, $failed failed, $rows records, $audits audited" "$(cat "$WORK"/erase_race.*.out)"

# An erasure among 20 API writers (orders, name and phone rewrites) through the server.
echo 'admin password 1' | "$D" --db "$PE" -q user add ann --role admin > /dev/null 2>&1
"$D" --db "$PE" token create --user ann --label race > "$WORK/privacy.token"
R=$4
RNAME=$(pg_psql "SELECT name FROM customers WHERE customer_id = '$R'" privacy)
if DANGOL_DB="$PE" start_server --no-web --threads 4; then
  trap 'kill "$SERVER_PID" 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
  python3 "$ROOT/tests/e2e/helpers/consent_race.py" erase "$URL" "$R" 21 "$(cat "$WORK/privacy.token")" "경합이름" > "$WORK/race.json" 2>&1
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); s=j['statuses']; sys.exit(0 if s.get('erase 201') == 1 and s.get('order 201') == 10 and j['lost'] == 0 and j['name'] is None and j['phone'] is None and set(s) <= {'erase 201', 'order 201', 'patch 200', 'patch 409'} else 1)" "$WORK/race.json" 2>/dev/null &&
    pass "an erasure among 20 API writers on PostgreSQL: every order kept, every name write before it erased or after it refused" ||
    fail "an erasure among 20 API writers on PostgreSQL" "$(cat "$WORK/race.json")"
  api_erase=$(curl -s -H "Authorization: Bearer $(cat "$WORK/privacy.token")" -H "Content-Type: application/json" --data-binary '{"reason": "again"}' "$URL/api/customers/$R/erase")
  case $api_erase in *'"vacuumed":true'*) pass "the API's erasure answer says vacuumed" ;; *) fail "the API's erasure answer says vacuumed" "$api_erase" ;; esac
  stop_server
  trap 'pg_stop; rm -rf "$WORK"' EXIT
fi
hits=$(table_hits privacy "경합이름" "010-7777-" "$RNAME")
[ "$hits" = 0 ] && pass "no raced name, phone or the old name in the table files" ||
  fail "raced names or phones in the table files ($hits hits)"

# The retention job: the same customers erased on both stores; three jobs and an erasure at
# once on PostgreSQL erase each inactive customer once, and nothing fails.
# the race's orders, acknowledged on PostgreSQL, written to SQLite too: the stores stay alike
"$D" --db "$PE" --format csv export orders --reason e2e | grep -E '^(order_id|RACE-)' > "$WORK/race_orders.csv"
"$D" --db "$SE" -q import orders "$WORK/race_orders.csv" > /dev/null || fail "the race's orders imported into SQLite"
for c in "$E2" "$E3" "$R"; do "$D" --db "$SE" -q customer erase "$c" --reason "as on PostgreSQL" > /dev/null; done
"$D" --db "$SE" --format csv customer retain --as-of 2026-12-01 --inactive-days 680 > "$WORK/retain.sqlite" 2>&1
FIRST=$(sed -n 2p "$WORK/retain.sqlite" | cut -d, -f1)
for i in 1 2 3; do
  ( "$D" --db "$PE" -q customer retain --as-of 2026-12-01 --inactive-days 680 > /dev/null 2> "$WORK/retain_race.$i.err"
    echo $? > "$WORK/retain_race.$i.rc" ) &
done
( "$D" --db "$PE" -q customer erase "$FIRST" --reason "asked meanwhile" > /dev/null 2> "$WORK/retain_race.4.err"
  echo $? > "$WORK/retain_race.4.rc" ) &
wait
failed=$(cat "$WORK"/retain_race.*.rc | grep -vc '^0$')
for db in "$SE" "$PE"; do
  tag=$([ "$db" = "$SE" ] && echo sqlite || echo pg)
  "$D" --db "$db" --format csv export customers --reason e2e > "$WORK/retained.$tag"
done
pg_psql "SELECT customer_id FROM customer_erasures ORDER BY customer_id COLLATE \"C\"" privacy > "$WORK/erased.pg"
sqlite3 "$SE" "SELECT customer_id FROM customer_erasures ORDER BY customer_id" > "$WORK/erased.sqlite"
listed=$(($(wc -l < "$WORK/retain.sqlite") - 1))
[ "$failed" = 0 ] && [ "$listed" -gt 10 ] && [ "$(sort -u "$WORK/erased.pg" | wc -l)" = "$(wc -l < "$WORK/erased.pg")" ] &&
  pass "3 retention jobs and an erasure at once on PostgreSQL: none fails, $listed inactive customers erased once each" ||
  fail "3 retention jobs and an erasure at once: $failed failed" "$(cat "$WORK"/retain_race.*.err)"
expect_same "the retention job erases the same customers on both stores" "$WORK/erased.sqlite" "$WORK/erased.pg"
expect_same "and leaves the same customer records" "$WORK/retained.sqlite" "$WORK/retained.pg"
hits=$(table_hits privacy $(grep "^$FIRST," "$WORK/csv/customers.csv" | cut -d, -f3) $(grep "^$(sed -n 3p "$WORK/retain.sqlite" | cut -d, -f1)," "$WORK/csv/customers.csv" | cut -d, -f3))
[ "$hits" = 0 ] && pass "after the retention job the table files hold none of the erased phones" ||
  fail "after the retention job the table files still hold erased phones ($hits hits)"

# ---- Subject access on PostgreSQL: the same document as SQLite's (its time cut), with the
# points ledger, consent history, a ticket and its events among the customer's tables.
SJ=$(pg_psql "SELECT customer_id FROM customers WHERE customer_id NOT IN (SELECT customer_id FROM customer_erasures) AND EXISTS (SELECT 1 FROM feedback f WHERE f.customer_id = customers.customer_id) ORDER BY customer_id COLLATE \"C\" LIMIT 1" privacy)
for db in "$SE" "$PE"; do
  tag=$([ "$db" = "$SE" ] && echo sqlite || echo pg)
  {
    "$D" --db "$db" -q points earn --customer "$SJ" --points 500 --source manual
    "$D" --db "$db" -q points adjust --customer "$SJ" --points -20 --reason "e2e"
    "$D" --db "$db" -q consent grant "$SJ" --purpose marketing_sms --source web
    "$D" --db "$db" -q ticket open --customer "$SJ" --kind complaint --subject "배송 지연" --at 2025-01-02T10:00
    "$D" --db "$db" -q ticket comment 1 --note "전화 드림" --at 2025-01-02T11:00
  } > /dev/null 2>&1
  for c in "$SJ" "$E1"; do
    "$D" --db "$db" customer export-subject "$c" > "$WORK/subject.$tag.raw" 2>&1; echo "exit $?" >> "$WORK/subject.$tag.raw"
    sed -E 's/"(generated_at|recorded_at|created_at|updated_at|erased_at)": "[^"]*"/"\1": "T"/g' "$WORK/subject.$tag.raw" >> "$WORK/subject.$tag"
  done
done
grep -q '"points_movements": \[$' "$WORK/subject.pg" && grep -q '"consent_events": \[$' "$WORK/subject.pg" &&
  grep -q '"ticket_events": \[$' "$WORK/subject.pg" && grep -q '"customer_erasures": \[$' "$WORK/subject.pg" &&
  grep -q '^exit 0$' "$WORK/subject.pg" && ! grep -q 'exit [1-9]' "$WORK/subject.pg" &&
  pass "customer export-subject on PostgreSQL: the profile, orders, ledger, consent, tickets, erasure" ||
  fail "customer export-subject on PostgreSQL" "$(head -c 2000 "$WORK/subject.pg")"
expect_same "the same subject documents on both stores (their times cut)" "$WORK/subject.sqlite" "$WORK/subject.pg"

# ---- Economics on PostgreSQL: the four views (csv, json) the same as SQLite's, with the marketing
# spend, unit costs, tier discounts (tiers evaluated), coupons, points burns and tickets.
for db in "$SE" "$PE"; do
  tag=$([ "$db" = "$SE" ] && echo sqlite || echo pg)
  "$D" --db "$db" -q import marketing_spend "$WORK/csv/marketing_spend.csv" > /dev/null 2>&1 || fail "import spend into $tag"
  "$D" --db "$db" -q tier evaluate --as-of 2025-06-30 --rules "$ROOT/config/tiers.conf" > /dev/null 2>&1 || fail "tier evaluate on $tag"
  "$D" --db "$db" -q points burn --customer "$SJ" --points 100 > /dev/null 2>&1 || fail "points burn on $tag"
  for fmt in csv json; do
    for view in cac clv-cac profit retention; do
      "$D" --db "$db" --format $fmt economics $view --config "$ROOT/config/economics.conf" >> "$WORK/econ.$tag" 2>&1
      echo "exit $?" >> "$WORK/econ.$tag"
    done
    "$D" --db "$db" --format $fmt economics profit --as-of 2025-03-31 --top 5 >> "$WORK/econ.$tag" 2>&1
    "$D" --db "$db" --format $fmt economics cac --as-of 2024-12-31 >> "$WORK/econ.$tag" 2>&1
  done
done
! grep -q 'exit [1-9]' "$WORK/econ.pg" && grep -q '^acquisition_channel,month,marketing_spend' "$WORK/econ.pg" &&
  pass "economics cac, clv-cac, profit, retention on PostgreSQL" ||
  fail "economics on PostgreSQL" "$(grep -v '^[A-Za-z0-9_,.-]*$' "$WORK/econ.pg" | head -5)"
expect_same "the same economics views on both stores (csv, json)" "$WORK/econ.sqlite" "$WORK/econ.pg"
# and the routes, which call the same functions (the PostgreSQL store has a user: its token)
for db in "$SE" "$PE"; do
  tag=$([ "$db" = "$SE" ] && echo sqlite || echo pg)
  auth=$([ "$db" = "$PE" ] && echo "Authorization: Bearer $(cat "$WORK/privacy.token")" || echo "X-None: 1")
  DANGOL_DB="$db" start_server --no-web --economics-config "$ROOT/config/economics.conf" || continue
  trap 'kill "$SERVER_PID" 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
  for path in "/api/economics/cac?as_of=2025-06-30" "/api/economics/clv-cac" "/api/economics/profit?top=3" \
              "/api/economics/retention"; do
    printf '%s ' "$path" >> "$WORK/econ_api.$tag"
    curl -s -H "$auth" -w ' %{http_code}\n' "$URL$path" >> "$WORK/econ_api.$tag"
  done
  stop_server
  trap 'pg_stop; rm -rf "$WORK"' EXIT
done
[ "$(grep -c ' 200$' "$WORK/econ_api.pg")" = 4 ] && grep -q '"tier_discounts"' "$WORK/econ_api.pg" &&
  pass "the economics routes on PostgreSQL answer 200" || fail "the economics routes on PostgreSQL" "$(cut -c1-300 "$WORK/econ_api.pg")"
expect_same "the same economics routes' answers on both stores" "$WORK/econ_api.sqlite" "$WORK/econ_api.pg"
[ "$(grep -c 'tier_discounts' "$WORK/econ.pg")" -gt 0 ] && ! grep -q '"tier_discounts": 0,' "$WORK/econ.pg" &&
  pass "with tier discounts (tiers evaluated, jsonb lookup)" || fail "with tier discounts" "$(grep tier_discounts "$WORK/econ.pg" | head -3)"

# stats --snapshot on PostgreSQL (the snapshot is kept there too: test_postgres_snapshot.sh): after
# a report, each format lists the orders snapshot as current, exit 0.
"$D" --db "$PE" -q rfm > /dev/null 2>&1
for fmt in table csv json; do
  "$D" --db "$PE" --format $fmt stats --snapshot > "$WORK/snap.$fmt" 2>&1 || fail "stats --snapshot ($fmt) on PostgreSQL exits 0" "$(cat "$WORK/snap.$fmt")"
done
grep -q '^orders,current,' "$WORK/snap.csv" && grep -q 'frame snapshots (store generation' "$WORK/snap.table" &&
  grep -q '"current"' "$WORK/snap.json" &&
  pass "stats --snapshot on PostgreSQL: the orders snapshot current, in each format" ||
  fail "stats --snapshot on PostgreSQL" "$(cat "$WORK"/snap.*)"
