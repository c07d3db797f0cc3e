# Lookalike prospects end to end: `dangol lookalike score|report|export` on a demo store whose
# prospects' attributes carry the demo's known signal (income band follows spend, referral
# follows loyalty, docs/demo.md): the held-out lift is above 1 beyond chance (a Mann-Whitney z
# from the held-out counts); every score is the logistic of the reported coefficients (checked
# in Python from the export); the export is CSV, most alike first; seed and prospect lists, with
# file:line:1 for an unknown id; the campaign audience filter lookalike_decile; the API routes by
# role, answering what the CLI prints.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"

"$DANGOL" --quiet demo --customers 4000 --seed 27 >/dev/null 2>&1 || fail "demo store for lookalike"

for sub in score report export; do
  expect_output "lookalike $sub --help" "usage: dangol" "$DANGOL" lookalike "$sub" --help
done
expect_exit "a missing subcommand is a usage error" 2 "$DANGOL" lookalike
expect_exit "an unknown subcommand is a usage error" 2 "$DANGOL" lookalike rank
expect_exit "a bad --top is a usage error" 2 "$DANGOL" lookalike score --top 0
expect_exit "a bad --holdout is a usage error" 2 "$DANGOL" lookalike report --holdout 1.5
expect_exit "--output belongs to export" 2 "$DANGOL" lookalike score --output "$WORK/x.csv"

"$DANGOL" --format json lookalike report > "$WORK/report.json" 2>/dev/null || fail "lookalike report"
if /usr/bin/python3 - "$WORK/report.json" <<'PY'
import json, math, sys
from scipy.stats import norm
tables = json.load(open(sys.argv[1]))
summary = {r["item"]: r["value"] for r in tables[0]["rows"]}
lift = tables[1]["rows"]
auc = float(summary["held-out AUC"]); n1 = int(summary["held-out best customers"])
n0 = int(summary["held-out buyers"]) - n1
# Hanley & McNeil 1982 under H0 (AUC = 1/2): var = (n1 + n0 + 1) / (12 n1 n0)
z = (auc - 0.5) / math.sqrt((n1 + n0 + 1) / (12.0 * n1 * n0))
top = lift[0]
ok = (z > 2.33 and norm.sf(z) < 0.01 and float(summary["held-out top-decile lift"]) > 1.3
      and top["decile"] == 10 and top["lift"] > 1.3 and len(lift) == 10
      and sum(r["best"] for r in lift) == n1 and abs(lift[-1]["cumulative_best_share"] - 1) < 1e-9
      and int(summary["prospects scored"]) > 200)
print(f"AUC {auc:.4f} z {z:.2f} top-decile lift {summary['held-out top-decile lift']}")
sys.exit(0 if ok else 1)
PY
then pass "the held-out lift is above 1 beyond chance (z > 2.33) and the curve adds up"
else fail "the held-out lift is above 1 beyond chance (z > 2.33) and the curve adds up" "$(head -c 1500 "$WORK/report.json")"; fi

"$DANGOL" lookalike export > "$WORK/all.csv" 2>/dev/null || fail "lookalike export"
if python3 - "$WORK/all.csv" "$WORK/report.json" <<'PY'
import csv, json, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
coef = {(r["attribute"], r["value"]): r["coefficient"] for r in json.load(open(sys.argv[2]))[2]["rows"]}
attrs = ["region", "age_band", "gender", "income_band", "acquisition_channel", "customer_type"]
# every score = logistic(intercept + the coefficients of its values): the implied intercept is
# one number (to the printed precision) across all prospects
icpt = []
for r in rows:
    s = float(r["score"])
    assert 0 < s < 1 and not math.isnan(s)
    z = math.log(s / (1 - s)) - sum(coef.get((a, r[a]), 0.0) for a in attrs)
    icpt.append(z)
scores = [float(r["score"]) for r in rows]
ok = (len(rows) > 200 and max(icpt) - min(icpt) < 1e-2 * 4 and scores == sorted(scores, reverse=True)
      and rows[0]["decile"] == "10" and rows[-1]["decile"] == "1")
print(f"{len(rows)} prospects, implied intercept {min(icpt):.5f}..{max(icpt):.5f}")
sys.exit(0 if ok else 1)
PY
then pass "each exported score is the logistic of the reported coefficients, most alike first"
else fail "each exported score is the logistic of the reported coefficients, most alike first" "$(head -5 "$WORK/all.csv")"; fi
"$DANGOL" lookalike export --top 25 --output "$WORK/top.csv" 2>/dev/null
expect_output "export --top 25 --output writes a header and 25 rows" "^26 " wc -l "$WORK/top.csv"
expect_output "its header is send-list ready" "^customer_id,score,decile,region" head -1 "$WORK/top.csv"
head -26 "$WORK/all.csv" > "$WORK/all26.csv"
expect_same "the top 25 are the first 25 of the whole export" "$WORK/all26.csv" "$WORK/top.csv"
expect_output "score prints a table" "^customer_id +score +decile" "$DANGOL" lookalike score --top 3
expect_output "score --format json" '"customer_id"' "$DANGOL" --format json lookalike score --top 3

# ---- seed and prospect lists
sqlite3 "$DANGOL_DB" "SELECT customer_id FROM customers WHERE income_band = '100M+' AND customer_id IN (SELECT customer_id FROM orders) LIMIT 150" > "$WORK/seed.txt"
printf 'customer_id\n%s\n' "$(sed -n 2,4p "$WORK/all.csv" | cut -d, -f1)" > "$WORK/prospects.csv"
expect_output "a seed list replaces the top tenth by CLV" "best customers +150" "$DANGOL" lookalike report --seed "$WORK/seed.txt"
expect_output "a prospect list is what is scored" "^3$" sh -c "\"$DANGOL\" lookalike export --seed \"$WORK/seed.txt\" --prospects \"$WORK/prospects.csv\" 2>/dev/null | tail -n +2 | wc -l"
printf 'C00000001\nNOPE-1\n' > "$WORK/bad.txt"
expect_exit "an unknown id in the seed exits 1" 1 "$DANGOL" lookalike report --seed "$WORK/bad.txt"
expect_output "naming file:line:1" "bad.txt:2:1: customer \"NOPE-1\" is not in the store" "$DANGOL" lookalike report --seed "$WORK/bad.txt"
printf 'C00000001\nC00000002\n' > "$WORK/small.txt"
expect_output "two seeds are too few, said plainly" "best customers among the .* needs at least 5" "$DANGOL" lookalike report --seed "$WORK/small.txt"
expect_exit "a missing seed file exits 3" 3 "$DANGOL" lookalike report --seed "$WORK/none.txt"

# ---- the campaign audience filter
N10=$(awk -F, 'NR > 1 && $3 == 10' "$WORK/all.csv" | wc -l)
expect_output "lookalike_decile=10 is the most alike tenth of the prospects" "^Total +$N10 " "$DANGOL" campaign audience --audience "lookalike_decile=10"
expect_exit "an unknown decile is refused" 2 "$DANGOL" campaign audience --audience "lookalike_decile=11"

# ---- the API, by role
echo 'analyst password 1' | "$DANGOL" --quiet user add amy --role analyst
echo 'agent password 1' | "$DANGOL" --quiet user add ali --role agent --site 'Seoul Gangnam'
ANA=$("$DANGOL" --quiet token create --user amy) AGT=$("$DANGOL" --quiet token create --user ali)
start_server --no-web --threads 2 || exit 0
as() { tok=$1 code=$2 name=$3 path=$4
  STATUS=$(curl -s -o "$WORK/last.json" -w '%{http_code}' -H "Authorization: Bearer $tok" "$URL$path")
  if [ "$STATUS" = "$code" ]; then pass "$name"; else fail "$name (HTTP $STATUS, wanted $code)" "$(cat "$WORK/last.json")"; fi
}
as "$ANA" 200 "an analyst reads the lookalike report" /api/lookalike/report
if python3 -c "
import json, sys; a = json.load(open('$WORK/last.json')); b = json.load(open('$WORK/report.json'))
sys.exit(0 if a[0]['rows'] == b[0]['rows'] and a[1]['rows'] == b[1]['rows'] else 1)"
then pass "the API's report is the CLI's"; else fail "the API's report is the CLI's" "$(head -c 600 "$WORK/last.json")"; fi
as "$ANA" 200 "an analyst reads a page of scores" "/api/lookalike/scores?limit=10"
if python3 -c "
import csv, json, sys; a = json.load(open('$WORK/last.json'))['rows']
b = list(csv.DictReader(open('$WORK/all.csv')))[:10]
sys.exit(0 if [r['customer_id'] for r in a] == [r['customer_id'] for r in b] else 1)"
then pass "the API's scores are the CLI's"; else fail "the API's scores are the CLI's" "$(head -c 600 "$WORK/last.json")"; fi
as "$AGT" 403 "an agent reads no lookalike scores (a list of customers)" /api/lookalike/scores
as "$AGT" 403 "nor the lookalike report" /api/lookalike/report
as "$ANA" 400 "a bad limit is a 400" "/api/lookalike/scores?limit=0"
stop_server
