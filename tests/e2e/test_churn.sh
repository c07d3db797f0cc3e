# Churn models end to end: `dangol churn train|score|report` and `dangol model list|show` on a
# demo store; one stored row per training with its as-of day, horizon, features and metrics;
# scores in [0, 1], never NaN, the same from the stored model every time, and their distribution; the documented exit
# codes for bad options, unknown models and features, too few customers (nothing stored); an
# idempotency key applied once; 6 processes training at once all stored, 6 with one key stored
# once; through the API: the routes by role, a retried key, 8 parallel clients with and without
# a key (nothing lost, nothing doubled).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"

"$DANGOL" --quiet demo --customers 1500 --seed 27 >/dev/null 2>&1 || fail "demo store for churn"
models() { sqlite3 "$DANGOL_DB" "SELECT count(*) FROM models"; }

# ---- CLI
for sub in train score report; do
  expect_output "churn $sub --help" "usage: dangol" "$DANGOL" churn "$sub" --help
done
for sub in list show; do
  expect_output "model $sub --help" "usage: dangol" "$DANGOL" model "$sub" --help
done
expect_exit "score before any model exits 3" 3 "$DANGOL" churn score
expect_output "and says how to train one" "churn train" "$DANGOL" churn score
expect_output "an empty model list says so" "no model stored yet" "$DANGOL" model list
expect_ok "train a model (defaults, xgboost)" "$DANGOL" churn train --trees 30
if [ "$(models)" = 1 ]; then pass "training stores one row"; else fail "training stores one row ($(models))"; fi
row=$(sqlite3 "$DANGOL_DB" "SELECT kind, algorithm, horizon_days, date(as_of * 86400, 'unixepoch'), length(model) > 1000, json_extract(params, '\$.trees'), json_array_length(features) > 5, json_extract(metrics, '\$.validated') FROM models")
last=$(sqlite3 "$DANGOL_DB" "SELECT date(max(ordered_at), 'unixepoch') FROM orders")
if [ "$row" = "churn|xgboost|180|$last|1|30|1|1" ]; then pass "the row keeps kind, algorithm, horizon, as-of day, model, params, features, metrics"
else fail "the row keeps kind, algorithm, horizon, as-of day, model, params, features, metrics" "$row (last day $last)"; fi
expect_output "model list shows it" "^1,churn,xgboost,$last,180," "$DANGOL" --format csv model list
expect_output "model show names the features" "recency_days" "$DANGOL" model show 1
expect_output "model show has the validation of both algorithms" "^logistic,baseline," "$DANGOL" --format csv model show 1
expect_exit "model show of an unknown id exits 3" 3 "$DANGOL" model show 99
expect_exit "model show of a bad id exits 2" 2 "$DANGOL" model show abc
expect_exit "model show without an id exits 2" 2 "$DANGOL" model show
expect_output "churn report: metrics, calibration, importance" "calibration" "$DANGOL" churn report
"$DANGOL" --format csv churn score > "$WORK/score1.csv" 2>/dev/null
"$DANGOL" --format csv churn score --model 1 > "$WORK/score2.csv" 2>/dev/null
expect_same "scores from the stored model are reproducible" "$WORK/score1.csv" "$WORK/score2.csv"
if python3 - "$WORK/score1.csv" <<'EOF'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
p = [float(r["churn_probability"]) for r in rows]
ok = len(rows) > 500 and all(0 <= x <= 1 and not math.isnan(x) for x in p) \
     and all(a >= b for a, b in zip(p, p[1:])) and rows[0]["risk_decile"] == "10"
sys.exit(0 if ok else 1)
EOF
then pass "every customer scored in [0, 1], riskiest first"; else fail "every customer scored in [0, 1], riskiest first" "$(head -5 "$WORK/score1.csv")"; fi
"$DANGOL" --format csv churn score --distribution > "$WORK/dist.csv" 2>/dev/null
if python3 - "$WORK/dist.csv" "$WORK/score1.csv" <<'EOF'
import csv, sys
bands = list(csv.DictReader(open(sys.argv[1])))
scores = [float(r["churn_probability"]) for r in csv.DictReader(open(sys.argv[2]))]
want = [0] * 20
for p in scores:
    want[min(int(p * 20), 19)] += 1
ok = len(bands) == 20 and [int(b["customers"]) for b in bands] == want \
     and abs(sum(float(b["revenue_share"]) for b in bands) - 1) < 1e-3
sys.exit(0 if ok else 1)
EOF
then pass "score --distribution counts every scored customer in its band of 5 points"
else fail "score --distribution counts every scored customer in its band of 5 points" "$(cat "$WORK/dist.csv")"; fi
expect_exit "--top with --distribution is a usage error" 2 "$DANGOL" churn score --top 5 --distribution
expect_output "score --top 5 gives five rows" "^5$" sh -c "\"$DANGOL\" --format csv churn score --top 5 2>/dev/null | tail -n +2 | wc -l"
expect_ok "a logistic model" "$DANGOL" churn train --algorithm logistic --horizon 120
expect_output "its scores" "churn_probability" "$DANGOL" churn score --model 2 --top 3
expect_output "an algorithm by its Korean name" "^algorithm +logistic" "$DANGOL" churn train --algorithm "로지스틱 회귀" --no-validate

n=$(models)
expect_exit "a bad horizon is a usage error" 2 "$DANGOL" churn train --horizon 0
expect_exit "an unknown algorithm is a usage error" 2 "$DANGOL" churn train --algorithm forest
expect_output "the message names the valid ones" "xgboost, logistic" "$DANGOL" churn train --algorithm forest
expect_exit "three threads are refused" 2 "$DANGOL" churn train --threads 3
expect_exit "an unknown feature exits 1" 1 "$DANGOL" churn train --features recency_days,shoe_size
expect_output "naming it" 'unknown feature "shoe_size"' "$DANGOL" churn train --features recency_days,shoe_size
expect_exit "an as-of day the data cannot label exits 1" 1 "$DANGOL" churn train --as-of 2099-01-01
expect_exit "an unknown model exits 3" 3 "$DANGOL" churn score --model 42
if [ "$(models)" = "$n" ]; then pass "refused trainings store nothing"; else fail "refused trainings store nothing"; fi
"$DANGOL" --db "$WORK/tiny.db" --quiet demo --customers 20 --seed 3 >/dev/null 2>&1
expect_exit "too few customers exits 1" 1 "$DANGOL" --db "$WORK/tiny.db" churn train
expect_output "and says so" "too few customers to train" "$DANGOL" --db "$WORK/tiny.db" churn train

expect_ok "a keyed training" "$DANGOL" churn train --trees 5 --no-validate --idempotency-key k-1
expect_output "the same key again replays" "used before" "$DANGOL" churn train --trees 5 --no-validate --idempotency-key k-1
expect_exit "the key with another request is refused" 1 "$DANGOL" churn train --trees 6 --no-validate --idempotency-key k-1
if [ "$(sqlite3 "$DANGOL_DB" "SELECT count(*) FROM model_requests WHERE idempotency_key = 'k-1'")" = 1 ] &&
   [ "$(models)" = "$((n + 1))" ]; then pass "a key stores once"; else fail "a key stores once ($(models))"; fi
if sqlite3 "$DANGOL_DB" "UPDATE models SET horizon_days = 1" 2>/dev/null; then fail "a stored model is never changed"
else pass "a stored model is never changed"; fi

# ---- 6 processes train at once; 6 more share one key
n=$(models)
mkdir "$WORK/gate"
for i in 1 2 3 4 5 6; do
  ( while [ ! -e "$WORK/gate/go" ]; do sleep 0.01; done
    "$DANGOL" --quiet churn train --trees 3 --no-validate --seed "$i" > /dev/null 2>> "$WORK/race.err" ) &
done
touch "$WORK/gate/go"; wait
if [ "$(models)" = "$((n + 6))" ] && [ ! -s "$WORK/race.err" ]; then pass "6 simultaneous trainings all stored"
else fail "6 simultaneous trainings all stored ($(($(models) - n)) of 6)" "$(cat "$WORK/race.err")"; fi
n=$(models)
rm -rf "$WORK/gate"; mkdir "$WORK/gate"; : > "$WORK/race.err"
for i in 1 2 3 4 5 6; do
  ( while [ ! -e "$WORK/gate/go" ]; do sleep 0.01; done
    "$DANGOL" --quiet churn train --trees 3 --no-validate --idempotency-key race-1 > /dev/null 2>> "$WORK/race.err" ) &
done
touch "$WORK/gate/go"; wait
if [ "$(models)" = "$((n + 1))" ] && [ ! -s "$WORK/race.err" ]; then pass "6 simultaneous trainings with one key store one model"
else fail "6 simultaneous trainings with one key store one model ($(($(models) - n)))" "$(cat "$WORK/race.err")"; fi

# ---- the API, by role
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
json() { if python3 -c "import json,sys; j=json.load(open('$WORK/last.json')); sys.exit(0 if ($2) else 1)" 2>/dev/null
  then pass "$1"; else fail "$1" "$(head -c 600 "$WORK/last.json")"; fi; }
as "$ANA" 200 "an analyst lists the models" GET /api/models
json "the list holds every stored model" "len(j['rows']) == $(models)"
as "$ANA" 200 "an analyst reads a model" GET /api/models/1
json "three tables: model, validation, importance" "len(j) == 3 and j[1]['rows'][1]['algorithm'] == 'logistic'"
as "$ANA" 200 "an analyst reads the churn report" GET "/api/churn/report?model=1"
json "with ten calibration deciles" "len(j[1]['rows']) == 10"
as "$ANA" 200 "an analyst reads scores" GET "/api/churn/scores?model=1&limit=10"
json "a page of ten, riskiest first" "len(j['rows']) == 10 and j['rows'][0]['churn_probability'] >= j['rows'][9]['churn_probability']"
"$DANGOL" --format json churn score --model 1 --top 10 > "$WORK/cli10.json" 2>/dev/null
if python3 -c "
import json; a = json.load(open('$WORK/cli10.json')); b = json.load(open('$WORK/last.json'))
import sys; sys.exit(0 if [r['customer_id'] for r in a['rows']] == [r['customer_id'] for r in b['rows']] else 1)"
then pass "the API's scores are the CLI's"; else fail "the API's scores are the CLI's"; fi
as "$AGT" 403 "an agent reads no scores (a list of customers)" GET /api/churn/scores
as "$ANA" 200 "an analyst reads the score distribution" GET "/api/churn/distribution?model=1"
"$DANGOL" --format json churn score --model 1 --distribution > "$WORK/dist.json" 2>/dev/null
if python3 -c "
import json, sys; a = json.load(open('$WORK/dist.json')); b = json.load(open('$WORK/last.json'))
sys.exit(0 if a['rows'] == b['rows'] and len(b['rows']) == 20 else 1)"
then pass "the API's distribution is the CLI's"; else fail "the API's distribution is the CLI's" "$(head -c 400 "$WORK/last.json")"; fi
as "$AGT" 403 "an agent reads no score distribution" GET /api/churn/distribution
as "$ANA" 403 "an analyst cannot train" POST /api/churn/train '{"trees": 3}'
as "$MGR" 201 "a manager trains" POST /api/churn/train '{"trees": 5, "horizon_days": 150, "algorithm": "logistic"}'
json "the answer names the model with its validation AUC" "j['model_id'] > 0 and j['replayed'] is False and 0 < j['validation_auc'] <= 1"
mid=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['model_id'])")
if [ "$(sqlite3 "$DANGOL_DB" "SELECT created_by || '/' || algorithm || '/' || horizon_days FROM models WHERE model_id = $mid")" = "max/logistic/150" ]; then
  pass "the creator is the signed-in user"; else fail "the creator is the signed-in user"; fi
as "$MGR" 400 "an unknown field is 400" POST /api/churn/train '{"trees": 5, "why": 1}'
as "$MGR" 400 "a bad algorithm is 400" POST /api/churn/train '{"algorithm": "forest"}'
as "$MGR" 400 "too many trees is 400" POST /api/churn/train '{"trees": 100000}'
as "$MGR" 400 "an unknown feature is 400" POST /api/churn/train '{"features": "shoe_size"}'
as "$ANA" 404 "an unknown model is 404" GET /api/models/999
as "$ANA" 400 "a bad model id is 400" GET /api/models/abc
n=$(models)
for i in 1 2; do
  STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $MGR" -H 'Content-Type: application/json' \
    -H 'Idempotency-Key: api-1' --data-binary '{"trees": 4, "validate": false}' "$URL/api/churn/train")
done
json "a retried key answers the first model" "j['replayed'] is True"
if [ "$(models)" = "$((n + 1))" ]; then pass "and stores it once"; else fail "and stores it once"; fi
# 8 parallel clients with one key, then 8 without
n=$(models); pids=""
for i in 1 2 3 4 5 6 7 8; do
  curl -s -o "$WORK/k$i.json" -w '%{http_code}\n' -X POST -H "Authorization: Bearer $MGR" -H 'Content-Type: application/json' \
    -H 'Idempotency-Key: api-race' --data-binary '{"trees": 3, "validate": false}' "$URL/api/churn/train" >> "$WORK/k.status" &
  pids="$pids $!"
done
wait $pids   # (not the server)
ids=$(cat "$WORK"/k?.json | python3 -c "import sys, json, re; print(len({json.loads(l)['model_id'] for l in sys.stdin.read().replace('}{', '}\n{').splitlines()}))")
if [ "$(models)" = "$((n + 1))" ] && [ "$(sort -u "$WORK/k.status")" = 201 ] && [ "$ids" = 1 ]; then
  pass "8 parallel clients with one key: one model, every client answered with it"
else fail "8 parallel clients with one key: one model ($(($(models) - n)))" "$(sort "$WORK/k.status" | uniq -c)"; fi
n=$(models); : > "$WORK/k.status"; pids=""
for i in 1 2 3 4 5 6 7 8; do
  curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $MGR" -H 'Content-Type: application/json' \
    --data-binary "{\"trees\": 3, \"validate\": false, \"seed\": $i}" "$URL/api/churn/train" >> "$WORK/k.status" &
  pids="$pids $!"
done
wait $pids
if [ "$(models)" = "$((n + 8))" ] && [ "$(sort -u "$WORK/k.status")" = 201 ]; then pass "8 parallel clients without a key: 8 models, none lost"
else fail "8 parallel clients without a key: 8 models ($(($(models) - n)))" "$(sort "$WORK/k.status" | uniq -c)"; fi
stop_server

# ---- the loyalty programme's columns reach the model: tiers and points history
L="$WORK/loyalty.db"
"$DANGOL" --db "$L" --quiet demo --customers 1500 --loyalty --campaigns > /dev/null 2>&1 || fail "loyalty demo store"
expect_ok "train on the loyalty store" env OMP_WAIT_POLICY=passive "$DANGOL" --db "$L" --quiet churn train --trees 20
"$DANGOL" --db "$L" --format csv churn report > "$WORK/loyalty-report.csv" 2>/dev/null
for col in tier_rank points_balance points_earned points_burned; do
  grep -q "^$col," "$WORK/loyalty-report.csv" && pass "feature importance lists $col" \
    || fail "feature importance lists $col" "$(cat "$WORK/loyalty-report.csv")"
done
"$DANGOL" --db "$L" --format csv churn score > "$WORK/loyalty-scores.csv" 2>/dev/null
[ "$(($(wc -l < "$WORK/loyalty-scores.csv") - 1))" -gt 1000 ] && ! grep -qiw 'nan' "$WORK/loyalty-scores.csv" \
  && pass "the model scores the loyalty store (programme columns read as of the day)" \
  || fail "loyalty scores" "$(head -3 "$WORK/loyalty-scores.csv")"
C=$(sed -n 2p "$WORK/loyalty-scores.csv" | cut -d, -f1)
P=$(sed -n 2p "$WORK/loyalty-scores.csv" | cut -d, -f2)
expect_output "the customer card scores with the programme columns too" \
  "churn probability +$(printf '%.3f' "$P")" "$DANGOL" --db "$L" customer show "$C"
