# Moments of truth end to end: the demo clinic (`dangol demo --business clinic`) rates the
# moments of the built-in cycle with one moment weakened by the generator (DG_DEMO_CLINIC_WEAK_
# MOMENT, "waiting"); `dangol mot` must find it from the data alone as the weakest moment and the
# strongest driver of NPS, and show the multiplication rule's score below the mean, in every
# format; bad cycle files are refused at file:line:column; an import with a bad row writes
# nothing (CP949 accepted); `mot record` and the API write a visit once (a second writer of one
# visit is refused, a retried key replayed); parallel API clients released together lose and
# double nothing. The clinic's service desk (tickets, recovery, follow-ups) is checked against the
# weak moment and run through `voc stats`, `voc recovery`, `ticket breached` and `followup list`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
BURST="$(dirname "$0")/helpers/mot_burst.py"
M="$DANGOL --quiet mot"
WEAK=waiting   # the moment the clinic generator weakens (include/dangol/demo.h, docs/demo.md)

sql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$DANGOL_DB" "$1"; }

expect_ok "the demo clinic" "$DANGOL" --quiet demo --business clinic --customers 1500 --seed 3
expect_exit "an unknown business exits 2" 2 "$DANGOL" --db "$WORK/x.db" demo --business bakery
[ "$(sql "SELECT count(*) FROM mot_ratings")" -gt 10000 ] && pass "the clinic has ratings" \
  || fail "the clinic has ratings"

# ---- the clinic's service desk (docs/demo.md): VOC tickets, recovery and follow-ups, coherent
# with the weak moment (대기, the category as the clinic writes it), and the VOC analytics and follow-up lists run on them
[ "$(sql "SELECT count(DISTINCT kind) || '/' || count(DISTINCT channel) FROM tickets")" = 4/5 ] &&
  pass "the clinic's tickets are of every kind and channel" || fail "the clinic's tickets are of every kind and channel"
[ "$(sql "SELECT category FROM tickets WHERE kind = 'complaint' AND category <> 'service_recovery'
          GROUP BY category ORDER BY count(*) DESC LIMIT 1")" = 대기 ] &&
  [ "$(sql "SELECT 2 * sum(category = '대기') > count(*) FROM tickets WHERE kind = 'complaint'
            AND category <> 'service_recovery'")" = 1 ] &&
  pass "most complaints are about the weak moment" || fail "most complaints are about the weak moment"
[ "$(sql "SELECT count(*) FROM tickets WHERE subject GLOB '*[가-힣]*'")" = "$(sql "SELECT count(*) FROM tickets")" ] &&
  pass "every ticket's subject is in Korean" || fail "every ticket's subject is in Korean"
[ "$(sql "SELECT count(*) FROM tickets WHERE source_kind = 'survey'")" = \
  "$(sql "SELECT count(*) FROM surveys WHERE nps <= 6")" ] && [ "$(sql "SELECT count(*) FROM surveys WHERE nps <= 6")" -gt 0 ] &&
  pass "every detractor has a recovery ticket" || fail "every detractor has a recovery ticket"
[ "$(sql "SELECT count(*) FROM tickets WHERE reopened > 0")" -gt 0 ] && [ "$(sql "SELECT count(*) FROM tickets WHERE escalated_at IS NOT NULL")" -gt 0 ] &&
  pass "some tickets were reopened, some escalated" || fail "some tickets were reopened, some escalated"
expect_output "voc stats counts the clinic's tickets, with a reopen rate" \
  "^$(sql "SELECT count(*) FROM tickets"),[0-9]+,[1-9][0-9]*,0\.[0-9]+," $DANGOL --quiet --format csv voc stats --as-of 2025-12-31
expect_output "voc stats finds breaches" "^first_response,[0-9]+,[0-9.]+,[0-9.]+,[0-9]+,[0-9]+,[1-9][0-9]*," \
  $DANGOL --quiet --format csv voc stats --as-of 2025-12-31
expect_output "voc recovery has its four groups" "^4$" \
  sh -c "$DANGOL --quiet --format csv voc recovery --as-of 2025-12-31 | grep -cE '^(within_sla|late|unresolved|no_complaint),[1-9]'"
expect_output "ticket breached lists the clinic's breaches" "^[0-9]+,K[0-9]+,complaint," \
  sh -c "$DANGOL --quiet --format csv ticket breached --as-of 2025-12-31 | sed -n 2p"
expect_output "voc terms leave the recovery tickets' own words out" "^0$" \
  sh -c "$DANGOL --quiet --format csv voc terms | grep -c '^service_recovery,'"
expect_output "followup list has the outcomes of the calls" "^[0-9]+,thank_you,K[0-9]+,KO[0-9]+,,call,[0-9-]+,done,reached," \
  sh -c "$DANGOL --quiet --format csv followup list --state done | grep -m1 ',reached,'"
expect_output "... and the calls still to make" "^[0-9]+,thank_you,K" \
  sh -c "$DANGOL --quiet --format csv followup list --state open --as-of 2025-12-31 | sed -n 2p"

# ---- the analysis finds the weakened moment
expect_output "cycle lists the moments in order with elements" "^4,$WEAK,Waiting,대기,software,1-5," \
  $M --format csv cycle
expect_output "weakest puts it first" "^1,$WEAK," $M --format csv weakest
expect_output "... and says so" "weakest moment overall \(lowest mean score\): $WEAK" $DANGOL mot weakest
expect_output "drivers rank it first for NPS" "^1,$WEAK," $M --format csv drivers
python3 - "$WORK" <<'PY' > "$WORK/drivers.check" 2>&1
import csv, io, subprocess, sys, os
out = subprocess.run(os.environ["DANGOL"].split() + ["--quiet", "mot", "--format", "csv", "drivers"],
                     capture_output=True, text=True, env=os.environ).stdout
rows = list(csv.DictReader(io.StringIO(out)))
weak = [r for r in rows if r["moment"] == "waiting"][0]
others = [float(r["nps_high"]) for r in rows if r["moment"] != "waiting"]
# its interval lies above every other moment's interval
print("pass its NPS interval lies above the others'" if float(weak["nps_low"]) > max(others)
      else f"fail its NPS interval lies above the others' ({weak['nps_low']} vs {max(others)})")
print("pass it is linked to repurchase (interval above 0)" if float(weak["repurchase_low"]) > 0
      else f"fail it is linked to repurchase ({weak['repurchase_low']})")
PY
record_lines "$WORK/drivers.check"
python3 - <<'PY' > "$WORK/score.check" 2>&1
import json, subprocess, os
out = subprocess.run(os.environ["DANGOL"].split() + ["--quiet", "mot", "--format", "json", "score"],
                     capture_output=True, text=True, env=os.environ).stdout
tables = json.loads(out)
rules = {r["rule"]: r for r in tables[0]["rows"]}
print("pass the product lies below the mean" if rules["product"]["mean"] < rules["mean"]["mean"]
      else "fail the product lies below the mean")
print("pass some cycles are zero" if rules["product"]["zero_cycles"] > 0 else "fail some cycles are zero")
zero = {r["cycle"]: r for r in tables[1]["rows"]}
print("pass zero cycles have the lower NPS" if zero["zero"]["nps"] < zero["above_zero"]["nps"]
      else "fail zero cycles have the lower NPS")
print("pass three elements" if [r["element"] for r in tables[2]["rows"]] == ["hardware", "software", "humanware"]
      else "fail three elements")
PY
record_lines "$WORK/score.check"
expect_output "score table format shows both rules" "^product +[0-9,]+ +0\.[0-9]{3}" $M score
expect_output "visits lists the worst first" "^[^,]+,K[0-9]+,[0-9-]+,[0-9]*,0," \
  sh -c "$M --format csv visits --top 3 | sed -n 2p"
expect_output "visits --top 0 lists them all" "^$(sql "SELECT count(DISTINCT visit_id) FROM mot_ratings")\$" \
  sh -c "$M --format csv visits --top 0 | tail -n +2 | wc -l"
expect_output "as-of keeps later visits out" "^0$" \
  sh -c "$M --format csv visits --top 0 --as-of 2000-01-01 | tail -n +2 | wc -l"
for sub in cycle score weakest visits drivers record; do
  expect_output "mot $sub --help" "usage: dangol" $DANGOL mot $sub --help
done
expect_exit "an unknown subcommand exits 2" 2 $M bogus
expect_exit "a bad --as-of exits 2" 2 $M score --as-of 2025-13-01
expect_exit "a bad --top exits 2" 2 $M visits --top -1

# ---- cycle files
printf 'name_en = Cafe\nmoment.door.name_en = Door\nmoment.door.name_ko = 문\nmoment.door.element = woodware\n' > "$WORK/bad.conf"
expect_exit "a bad cycle file exits 1" 1 $M cycle --cycle "$WORK/bad.conf"
expect_output "... naming file:line:column" "bad.conf:4:23: unknown element \"woodware\"" $M cycle --cycle "$WORK/bad.conf"
printf 'moment.door.name_en = Door\nmoment.door.name_ko = 출입문\nmoment.door.element = 하드웨어\nmoment.waiting.name_en = Wait\nmoment.waiting.name_ko = 대기\nmoment.waiting.element = 소프트웨어\n' > "$WORK/own.conf"
expect_output "a cycle of one's own (Korean elements)" "^1,door,Door,출입문,hardware,1-5,0," \
  $M --format csv cycle --cycle "$WORK/own.conf"
expect_output "... notes the ratings of moments it lacks" "not in the cycle" $DANGOL mot cycle --cycle "$WORK/own.conf"

# ---- import: one transaction, file:line:column, CP949
V0=$(sql "SELECT count(*) FROM mot_visits"); R0=$(sql "SELECT count(*) FROM mot_ratings")
printf 'visit_id,customer_id,visited_on,nps\nIMP-1,K00000001,2025-12-20,9\nIMP-2,K00000002,2025-12-21,11\n' > "$WORK/v_bad.csv"
expect_exit "an import with a bad row exits 1" 1 "$DANGOL" import mot_visits "$WORK/v_bad.csv"
expect_output "... naming file:line:column" "v_bad.csv:3:4:" "$DANGOL" import mot_visits "$WORK/v_bad.csv"
[ "$(sql "SELECT count(*) FROM mot_visits")" = "$V0" ] && pass "... and writes nothing" || fail "... and writes nothing"
printf 'visit_id,customer_id,visited_on,nps\nIMP-1,K00000001,2025-12-20,9\n' > "$WORK/v.csv"
expect_ok "a good visits file imports" "$DANGOL" import mot_visits "$WORK/v.csv"
printf 'visit_id,moment,score\nIMP-1,대기,2\nIMP-1,상담,5\nIMP-9,waiting,3\n' | iconv -f utf-8 -t cp949 > "$WORK/r_bad.csv"
expect_exit "ratings of an unknown visit exit 1" 1 "$DANGOL" import mot_ratings --encoding cp949 "$WORK/r_bad.csv"
expect_output "... naming the row" "r_bad.csv:4:1:" "$DANGOL" import mot_ratings --encoding cp949 "$WORK/r_bad.csv"
[ "$(sql "SELECT count(*) FROM mot_ratings")" = "$R0" ] && pass "... and write nothing" || fail "... and write nothing"
printf 'visit_id,moment,score\nIMP-1,대기,2\nIMP-1,상담,5\n' | iconv -f utf-8 -t cp949 > "$WORK/r.csv"
expect_ok "CP949 ratings with Korean moment names import" "$DANGOL" import mot_ratings --encoding cp949 "$WORK/r.csv"
[ "$(sql "SELECT group_concat(moment) FROM (SELECT moment FROM mot_ratings WHERE visit_id = 'IMP-1' ORDER BY moment)")" = "consultation,waiting" ] \
  && pass "... stored by their codes" || fail "... stored by their codes"

# ---- mot record
V1=$(sql "SELECT count(*) FROM mot_visits")
expect_output "record writes a visit" "^REC-1,2,no" $M --format csv record --visit REC-1 \
  --customer K00000003 --date 2025-12-28 --nps 3 --rating 대기=1 --rating consultation=5
expect_output "the same key again is replayed" "^REC-2,1,yes" sh -c \
  "$M --format csv record --visit REC-2 --customer K00000003 --rating waiting=4 --idempotency-key RK >/dev/null && $M --format csv record --visit REC-2 --customer K00000003 --rating waiting=4 --idempotency-key RK"
expect_exit "a visit recorded twice exits 1" 1 $M record --visit REC-1 --customer K00000003 --rating waiting=2
expect_exit "an unknown moment exits 2" 2 $M record --visit REC-3 --customer K00000003 --rating wating=2
expect_exit "a score outside the scale exits 2" 2 $M record --visit REC-3 --customer K00000003 --rating waiting=6
expect_exit "a malformed rating exits 2" 2 $M record --visit REC-3 --customer K00000003 --rating waiting
expect_exit "an unknown customer exits 3" 3 $M record --visit REC-3 --customer NOBODY --rating waiting=2
[ "$(sql "SELECT count(*) FROM mot_visits")" = "$((V1 + 2))" ] && pass "refused records wrote nothing" \
  || fail "refused records wrote nothing"

# ---- the API
start_server --no-web --threads 4 || exit 0
for view in cycle score weakest drivers visits; do
  api GET "/api/mot/$view"
  [ "$STATUS" = 200 ] && pass "GET /api/mot/$view" || fail "GET /api/mot/$view ($STATUS)" "$BODY"
done
api GET "/api/mot/drivers"
printf '%s' "$BODY" | grep -q "\"rank\":1,\"moment\":\"$WEAK\"" && pass "the API's drivers find it too" \
  || fail "the API's drivers find it too" "$BODY"
api GET "/api/mot/score?as_of=nope"
[ "$STATUS" = 400 ] && pass "a bad as_of answers 400" || fail "a bad as_of answers 400 ($STATUS)"
api POST /api/mot/visits '{"visit_id":"API-1","customer_id":"K00000004","visited_on":"2025-12-29","nps":2,"ratings":{"대기":1,"payment":5}}'
[ "$STATUS" = 201 ] && pass "POST a visit" || fail "POST a visit ($STATUS)" "$BODY"
api POST /api/mot/visits '{"visit_id":"API-1","customer_id":"K00000004","ratings":{"waiting":1}}'
[ "$STATUS" = 409 ] && pass "the same visit again answers 409" || fail "the same visit again answers 409 ($STATUS)"
api POST /api/mot/visits '{"visit_id":"API-2","customer_id":"K00000004","ratings":{"waiting":9}}'
[ "$STATUS" = 400 ] && pass "a score outside the scale answers 400" || fail "a score outside the scale answers 400 ($STATUS)"
api POST /api/mot/visits '{"visit_id":"API-2","customer_id":"NOBODY","ratings":{"waiting":2}}'
[ "$STATUS" = 404 ] && pass "an unknown customer answers 404" || fail "an unknown customer answers 404 ($STATUS)"
api POST /api/mot/visits '{"visit_id":"API-2","customer_id":"K00000004","ratings":{}}'
[ "$STATUS" = 400 ] && pass "no rating answers 400" || fail "no rating answers 400 ($STATUS)"
api POST /api/mot/visits '{"visit_id":"API-2","customer_id":"K00000004","ratings":{"waiting":2},"extra":1}'
[ "$STATUS" = 400 ] && pass "an unknown field answers 400" || fail "an unknown field answers 400 ($STATUS)"
[ "$(sql "SELECT count(*) FROM mot_visits WHERE visit_id LIKE 'API-%'")" = 1 ] \
  && pass "refused posts wrote nothing" || fail "refused posts wrote nothing"
api GET /api/openapi.json
printf '%s' "$BODY" | grep -q '"/api/mot/visits"' && printf '%s' "$BODY" | grep -q '"MotVisitWrite"' \
  && pass "the OpenAPI document has the MOT routes" || fail "the OpenAPI document has the MOT routes"

python3 "$BURST" "$URL" "$DANGOL_DB" K00000005 16 > "$WORK/burst.json" 2>&1
python3 - "$WORK/burst.json" <<'PY' > "$WORK/burst.check" 2>&1
import json, sys
try:
    b = json.loads(open(sys.argv[1]).read())
except Exception as e:
    print(f"fail the burst ran ({e})"); sys.exit()
n = 16
print("pass one visit posted at once by 16: one 201, 15 409" if b["same"] == [201] + [409] * (n - 1)
      else f"fail one visit posted at once by 16 ({b['same']})")
print("pass 16 distinct visits at once: all 201" if b["distinct"] == [201] * n
      else f"fail 16 distinct visits at once ({b['distinct']})")
print("pass 16 retries of one key: all 201, 15 replayed" if b["retried"] == [201] * n and b["replayed"] == n - 1
      else f"fail 16 retries of one key ({b['retried']}, replayed {b['replayed']})")
print("pass none lost, none doubled" if b["visits"] == n + 2 and b["ratings"] == 3 * (n + 2) and b["keys"] == 1
      else f"fail none lost, none doubled ({b})")
PY
record_lines "$WORK/burst.check"
stop_server
