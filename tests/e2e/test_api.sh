# The HTTP JSON API against a running `dangol serve`: every route, the error statuses (400 bad
# JSON, bad fields and unknown query arguments, 404 unknown ids and routes, 405 wrong methods,
# 409, 413 oversized bodies, 415 not JSON), per-customer views in pages, the OpenAPI document
# covering exactly the routes, concurrent writes, the static files served (the dashboard's, no
# more), loopback refusal and a clean shutdown on SIGTERM and SIGINT.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
J=application/json

# check_pages VIEW LIMIT: GET /api/VIEW?view=customers, page after page, adds up to the whole
# table of `dangol VIEW --customers`.
check_pages() {
  "$DANGOL" --format json "$1" --customers > "$WORK/$1.cli.json" 2>/dev/null
  python3 - "$URL" "$1" "$2" "$WORK/$1.cli.json" > "$WORK/$1.pages" 2>&1 <<'EOF'
import json, sys, urllib.request
url, view, limit, cli = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.load(open(sys.argv[4]))
rows, offset, pages = [], 0, 0
while offset is not None:
    page = json.load(urllib.request.urlopen(f"{url}/api/{view}?view=customers&limit={limit}&offset={offset}"))
    assert page["offset"] == offset and page["limit"] == limit, page
    assert len(page["rows"]) == limit or page["next_offset"] is None, len(page["rows"])
    assert page["columns"] == cli["columns"] and page["title"] == cli["title"]
    rows += page["rows"]
    offset, pages = page["next_offset"], pages + 1
assert rows == cli["rows"], f"{len(rows)} rows in pages, {len(cli['rows'])} from the CLI"
assert pages > 2, pages
print(f"{pages} pages, {len(rows)} rows")
EOF
  if [ $? -eq 0 ]; then pass "$1 view=customers pages add up to dangol $1 --customers ($(cat "$WORK/$1.pages"))"
  else fail "$1 view=customers pages add up to dangol $1 --customers" "$(cat "$WORK/$1.pages")"; fi
}

expect_exit "serve refuses a non-loopback address" 2 "$DANGOL" serve --bind 0.0.0.0 --port 0
expect_output "the refusal says why" "no authentication" "$DANGOL" serve --bind 192.168.1.5
expect_exit "serve without a store fails" 3 "$DANGOL" --db "$WORK/none.db" serve --port 0
expect_exit "serve rejects a bad port" 2 "$DANGOL" serve --port 70000

"$DANGOL" --quiet init
start_server --no-web --max-body 4096 --threads 2 || exit 0

# ---- meta
expect_status "version" 200 GET /api/version
expect_json "version has the schema" "j['schema'] >= 1"
expect_status "stats" 200 GET /api/stats
expect_json "stats counts customers" "any(e['entity'] == 'customers' for e in j['entities'])"
expect_json "stats says the frame snapshot's state (none on a new store)" "j['snapshot']['state'] == 'none' and j['snapshot']['bytes'] == 0"
expect_status "openapi" 200 GET /api/openapi.json
cp "$WORK/last.json" "$WORK/openapi.json"
expect_json "openapi is version 3" "j['openapi'].startswith('3.')"
# Which POST handlers read an Idempotency-Key is found by asking each: a key past 200 bytes is
# refused by name (400) before anything else is read, so the answer names the header exactly
# when the handler takes one. The document must declare the header for exactly those routes.
python3 - "$URL" "$WORK/openapi.json" > "$WORK/keyed" 2>&1 <<'EOF'
import json, re, sys, urllib.error, urllib.request
url, doc = sys.argv[1], json.load(open(sys.argv[2]))
taking, declaring = set(), set()
for path, item in doc["paths"].items():
    if "post" not in item:
        continue
    if any(p["name"] == "Idempotency-Key" and p["in"] == "header"
           for p in item["post"].get("parameters", [])):
        declaring.add(path)
    req = urllib.request.Request(url + re.sub(r"\{[^}]+\}", "999999999", path), data=b"[]",
                                 method="POST", headers={"Content-Type": "application/json",
                                                         "Idempotency-Key": "k" * 201})
    try:
        urllib.request.urlopen(req)
    except urllib.error.HTTPError as e:
        if "Idempotency-Key" in e.read().decode():
            taking.add(path)
for p in sorted(taking - declaring):
    print("takes the key, not declared:", p)
for p in sorted(declaring - taking):
    print("declared, does not take it:", p)
print(f"{len(taking)} POST routes take the key")
sys.exit(0 if taking == declaring and len(taking) >= 25 else 1)
EOF
if [ $? -eq 0 ]; then pass "the OpenAPI document declares Idempotency-Key on exactly the POST routes whose handler takes one ($(tail -1 "$WORK/keyed"))"
else fail "the OpenAPI document declares Idempotency-Key on exactly the POST routes whose handler takes one" "$(cat "$WORK/keyed")"; fi
expect_status "cube dimensions" 200 GET /api/cube/dimensions
expect_json "cube dimensions name their parents and grains" \
  "{d['name']: d['parent'] for d in j['dimensions']}['brand'] == 'category' and {d['name']: d['grain'] for d in j['dimensions']}['region'] == 'customer' and j['measures'][0] == 'revenue'"
expect_json "the OpenAPI document lists every cube dimension the catalog has" \
  "(lambda d: all(x['name'] in d for x in j['dimensions']))([p['description'] for p in json.load(open('$WORK/openapi.json'))['paths']['/api/cube']['get']['parameters'] if p['name'] == 'rows'][0])"
expect_status "vocabulary" 200 GET /api/vocabulary
expect_json "vocabulary names values in both languages" \
  "j['domains']['region']['Seoul'] == {'en': 'Seoul', 'ko': '서울'} and j['domains']['stage']['client']['ko'] == '단골'"
expect_json "vocabulary names staff roles and sites in Korean" \
  "j['domains']['staff_role']['store_manager']['ko'] == '점장' and j['domains']['site']['Seoul Gangnam']['ko'] == '강남점' and j['columns']['role'] == 'staff_role' and j['columns']['site'] == 'site'"
expect_json "vocabulary holds the dashboard's labels" "j['domains']['ui']['page_overview']['ko'] == '개요'"
expect_json "vocabulary maps columns to domains" \
  "j['columns']['acquisition_channel'] == 'acquisition' and j['columns']['payment'] == 'payment'"
expect_json "every vocabulary entry has both names" \
  "all(e['en'] and e['ko'] for d in j['domains'].values() for e in d.values())"

# ---- customers
expect_status "create a customer" 201 POST /api/customers \
  '{"customer_id":"C1","name":"김민지","phone":"010-1234-5678","birth_year":1990,"gender":"F","acquired_on":"20240105","consent_email":"예"}'
expect_json "created record is normalised" \
  "j['acquired_on'] == '2024-01-05' and j['consent_email'] is True and j['name'] == '김민지'"
expect_status "create a second customer" 201 POST /api/customers \
  '{"customer_id":"C2","name":"Park Jisoo","email":"jisoo@example.com","customer_type":"careful"}'
expect_status "create a duplicate is 409" 409 POST /api/customers '{"customer_id":"C1"}'
expect_error_body "409"
expect_status "get a customer" 200 GET /api/customers/C1
expect_json "get returns the record" "j['customer_id'] == 'C1' and j['birth_year'] == 1990"
# the look-up's text is written straight (src/server/record_json.c): these are the bytes of
# jansson's compact dump, which the look-up gave before, escapes included
printf '%s' '{"customer_id":"C1","name":"김민지","phone":"010-1234-5678","email":null,"birth_year":1990,"gender":"F","household_size":null,"income_band":null,"education":null,"occupation":null,"region":null,"acquisition_channel":null,"acquired_on":"2024-01-05","staff_id":null,"customer_type":null,"credit_band":null,"consent_email":true,"consent_sms":null,"consent_phone":null}' > "$WORK/c1.expected"
expect_same "a customer's JSON text is the same byte for byte" "$WORK/c1.expected" "$WORK/response"
expect_status "a name with characters JSON escapes" 200 PATCH /api/customers/C1 \
  '{"name":"\"q\" \\ \t\u0001\u001f\b\f/é"}'
expect_status "get it back" 200 GET /api/customers/C1
expect_output "escaped as jansson escapes them (backspace, form feed and tab by letter, other control characters as u00XX in capitals, / and é as they are)" \
  '^\{"customer_id":"C1","name":"\\"q\\" \\\\ \\t\\u0001\\u001F\\b\\f/é","phone"' cat "$WORK/response"
expect_status "the name put back" 200 PATCH /api/customers/C1 '{"name":"김민지"}'
expect_status "unknown customer is 404" 404 GET /api/customers/NOPE
expect_error_body "404"
expect_status "list customers" 200 GET "/api/customers"
expect_json "list holds both" "[c['customer_id'] for c in j['items']] == ['C1', 'C2']"
expect_status "page of one" 200 GET "/api/customers?limit=1"
expect_json "page has a next offset" "len(j['items']) == 1 and j['next_offset'] == 1"
expect_json "an unfiltered page is not counted" "'total' not in j"
expect_status "second page" 200 GET "/api/customers?limit=1&offset=1"
expect_json "second page is the last" "j['items'][0]['customer_id'] == 'C2' and j['next_offset'] is None"
expect_status "search by name" 200 GET "/api/customers?q=%EB%AF%BC%EC%A7%80"
expect_json "search finds 김민지" "[c['customer_id'] for c in j['items']] == ['C1']"
expect_status "search by email" 200 GET "/api/customers?q=example.com"
expect_json "search finds by email" "[c['customer_id'] for c in j['items']] == ['C2']"
expect_status "a page of a search" 200 GET "/api/customers?q=C&limit=1&offset=1"
expect_json "a search's page counts every match" \
  "j['total'] == 2 and [c['customer_id'] for c in j['items']] == ['C2']"
expect_status "search with LIKE wildcards is literal" 200 GET "/api/customers?q=%25"
expect_json "a literal % matches nothing" "j['items'] == []"
expect_status "bad limit is 400" 400 GET "/api/customers?limit=abc"
expect_status "limit too large is 400" 400 GET "/api/customers?limit=100000"
expect_status "negative offset is 400" 400 GET "/api/customers?offset=-1"
expect_status "patch a customer" 200 PATCH /api/customers/C1 '{"region":"Seoul","gender":null}'
expect_json "patch keeps other fields" \
  "j['region'] == 'Seoul' and j['gender'] is None and j['birth_year'] == 1990"
expect_status "put replaces a customer" 200 PUT /api/customers/C2 '{"name":"Park Jisoo","region":"Busan"}'
expect_json "put empties absent fields" "j['region'] == 'Busan' and j['email'] is None"
expect_status "a region written in Korean is stored as its code" 200 PATCH /api/customers/C2 '{"region":"부산"}'
expect_json "부산 is stored as Busan" "j['region'] == 'Busan'"
expect_status "put to an unknown customer is 404" 404 PUT /api/customers/NOPE '{"name":"x"}'
expect_status "patch to an unknown customer is 404" 404 PATCH /api/customers/NOPE '{"name":"x"}'
expect_status "put with another id is 400" 400 PUT /api/customers/C2 '{"customer_id":"C9"}'
expect_status "customer card" 200 GET /api/customers/C1/card
expect_json "card has titled sections" "len(j) >= 2 and all('title' in t for t in j)"
expect_status "card of an unknown customer is 404" 404 GET /api/customers/NOPE/card

# ---- validation identical to import
expect_status "out-of-range field is 400" 400 POST /api/customers '{"customer_id":"C3","birth_year":1800}'
expect_json "range message names the field" "'birth_year' in j['error']['message']"
expect_status "bad enum is 400" 400 POST /api/customers '{"customer_id":"C3","gender":"Q"}'
expect_json "enum message lists valid values" "'F, M, X' in j['error']['message']"
expect_status "bad date is 400" 400 POST /api/customers '{"customer_id":"C3","acquired_on":"2024-13-01"}'
expect_json "date message says month 13" "'month 13' in j['error']['message']"
expect_status "unknown field is 400" 400 POST /api/customers '{"customer_id":"C3","nickname":"x"}'
expect_json "unknown field is named" "'nickname' in j['error']['message']"
expect_status "missing key is 400" 400 POST /api/customers '{"name":"nobody"}'
expect_status "wrong JSON type is 400" 400 POST /api/customers '{"customer_id":"C3","name":5}'
expect_status "unknown staff reference is 400" 400 POST /api/customers '{"customer_id":"C3","staff_id":"S1"}'
expect_status "nothing was written" 404 GET /api/customers/C3

# ---- bad bodies
expect_status "bad JSON is 400" 400 POST /api/customers '{"customer_id":'
expect_json "bad JSON says where" "j['error']['code'] == 'invalid_json' and 'line 1' in j['error']['message']"
expect_status "a JSON array body is 400" 400 POST /api/customers '[1,2]'
expect_status "an empty body is 400" 400 POST /api/customers ''
expect_status "duplicate keys are 400" 400 POST /api/customers '{"customer_id":"C3","customer_id":"C4"}'
expect_status "not JSON content type is 415" 415 POST /api/customers '{"customer_id":"C3"}' text/plain
expect_error_body "415"
big=$(head -c 5000 /dev/zero | tr '\0' ' ')
expect_status "an oversized body is 413" 413 POST /api/customers "{\"customer_id\":\"C3\",\"name\":\"$big\"}"
expect_error_body "413"

# ---- orders
expect_status "create an order" 201 POST /api/customers/C1/orders \
  '{"order_id":"O1","ordered_at":"2024-02-01T10:00:00+09:00","channel":"web","total":"₩12,000","card_used":true}'
expect_json "order is normalised" \
  "j['ordered_at'] == '2024-02-01T01:00:00Z' and j['total'] == 12000 and j['customer_id'] == 'C1'"
expect_status "create a later order" 201 POST /api/customers/C1/orders \
  '{"order_id":"O2","ordered_at":"2024-03-01","total":30000}'
expect_status "duplicate order is 409" 409 POST /api/customers/C1/orders \
  '{"order_id":"O1","ordered_at":"2024-02-01","total":1}'
expect_status "order of an unknown customer is 404" 404 POST /api/customers/NOPE/orders \
  '{"order_id":"O9","ordered_at":"2024-02-01","total":1}'
expect_status "order naming another customer is 400" 400 POST /api/customers/C1/orders \
  '{"order_id":"O9","customer_id":"C2","ordered_at":"2024-02-01","total":1}'
expect_status "order with fractional won is 400" 400 POST /api/customers/C1/orders \
  '{"order_id":"O9","ordered_at":"2024-02-01","total":12.5}'
expect_status "order without a total is 400" 400 POST /api/customers/C1/orders \
  '{"order_id":"O9","ordered_at":"2024-02-01"}'
expect_status "list orders" 200 GET /api/customers/C1/orders
expect_json "orders newest first" "[o['order_id'] for o in j['items']] == ['O2', 'O1']"
expect_status "a page of a customer's orders" 200 GET "/api/customers/C1/orders?limit=1"
expect_json "a customer's orders are counted" "j['total'] == 2 and len(j['items']) == 1"
expect_status "orders of an unknown customer is 404" 404 GET /api/customers/NOPE/orders

# ---- feedback
expect_status "create feedback" 201 POST /api/customers/C1/feedback \
  '{"feedback_id":"F1","received_at":"2024-02-03T09:30:00Z","kind":"complaint","text":"배송이 늦었어요","rating":2}'
expect_json "feedback is stored" "j['kind'] == 'complaint' and j['rating'] == 2"
expect_status "feedback with a bad kind is 400" 400 POST /api/customers/C1/feedback \
  '{"feedback_id":"F2","received_at":"2024-02-03","kind":"rant"}'
expect_status "feedback with rating 6 is 400" 400 POST /api/customers/C1/feedback \
  '{"feedback_id":"F2","received_at":"2024-02-03","kind":"opinion","rating":6}'
expect_status "list feedback" 200 GET /api/customers/C1/feedback
expect_json "feedback listed" "[f['feedback_id'] for f in j['items']] == ['F1']"
expect_status "feedback of an unknown customer is 404" 404 GET /api/customers/NOPE/feedback

# ---- analyses
expect_status "kpi" 200 GET "/api/kpi?as_of=2024-03-31&months=3"
expect_json "kpi has three months" "[r['month'] for r in j['rows']] == ['2024-01', '2024-02', '2024-03']"
expect_json "kpi counts March's order" "j['rows'][2]['orders'] == 1 and j['rows'][2]['revenue'] == 30000"
curl -s "$URL/api/kpi?as_of=2024-03-31&months=3" > "$WORK/kpi.api.json"
"$DANGOL" --format json kpi --as-of 2024-03-31 --months 3 > "$WORK/kpi.cli.json"
expect_same "dangol kpi and GET /api/kpi answer alike" "$WORK/kpi.cli.json" "$WORK/kpi.api.json"
curl -s "$URL/api/cube?rows=month&cols=channel" > "$WORK/cube.api.json"
"$DANGOL" --format json cube --rows month --cols channel > "$WORK/cube.cli.json"
expect_same "dangol cube and GET /api/cube answer alike" "$WORK/cube.cli.json" "$WORK/cube.api.json"
for q in "" "?view=bins" "?view=grid" "?view=customers" "?monetary=mean"; do
  expect_status "rfm $q" 200 GET "/api/rfm$q"
done
expect_status "rfm with a bad view is 400" 400 GET "/api/rfm?view=pie"
curl -s "$URL/api/rfm?view=grid" > "$WORK/rfm.api.json"
"$DANGOL" --format json rfm --grid > "$WORK/rfm.cli.json" 2>/dev/null
expect_same "dangol rfm --grid and GET /api/rfm?view=grid answer alike" "$WORK/rfm.cli.json" "$WORK/rfm.api.json"
expect_status "rfm grid" 200 GET "/api/rfm?view=grid"
expect_json "the grid has 25 cells" "len(j['rows']) == 25 and sum(r['customers'] for r in j['rows']) == 1"
expect_status "stages" 200 GET /api/stages
expect_status "stages at a day" 200 GET "/api/stages?at=2024-02-15"
expect_status "stages funnel" 200 GET /api/stages/funnel
curl -s "$URL/api/stages/funnel" > "$WORK/funnel.api.json"
"$DANGOL" --format json stage --funnel > "$WORK/funnel.cli.json"
expect_same "dangol stage --funnel and GET /api/stages/funnel answer alike" "$WORK/funnel.cli.json" "$WORK/funnel.api.json"
expect_status "stages migration" 200 GET "/api/stages/migration?from=2024-01-31&to=2024-03-01"
curl -s "$URL/api/stages/migration?from=2024-01-31&to=2024-03-01" > "$WORK/mig.api.json"
"$DANGOL" --format json stage --migration 2024-01-31 2024-03-01 > "$WORK/mig.cli.json"
expect_same "dangol stage --migration and the API answer alike" "$WORK/mig.cli.json" "$WORK/mig.api.json"
expect_status "stages migration backwards is 400" 400 GET "/api/stages/migration?from=2024-03-01&to=2024-01-31"
expect_status "stages history" 200 GET "/api/stages/history?from=2024-01-01"
expect_status "stages with a bad day is 400" 400 GET "/api/stages?at=yesterday"
expect_status "cohorts" 200 GET "/api/cohorts"
expect_status "cohorts by channel of revenue" 200 GET "/api/cohorts?by=channel&measure=revenue&periods=3"
expect_status "cohorts with a bad measure is 400" 400 GET "/api/cohorts?measure=happiness"
expect_status "loyalty" 200 GET "/api/loyalty"
expect_json "loyalty reports NPS" "any('NPS' in str(r) for r in j['rows'])"
expect_status "loyalty per customer" 200 GET "/api/loyalty?view=customers"
expect_status "loyalty NPS by behavioural stage" 200 GET "/api/loyalty?view=stages"
expect_json "view=stages is the behavioural stages with the note" \
  "j['title'].startswith('NPS by behavioural stage') and [r['stage'] for r in j['rows']][:3] == ['prospect', 'customer', 'client'] and 'advocates and partners count as clients' in j['notes'][0]"
expect_status "loyalty NPS by RFM segment" 200 GET "/api/loyalty?view=segments"
expect_json "view=segments is per RFM segment" "j['title'] == 'NPS by RFM segment'"
expect_status "loyalty with a bad view is 400" 400 GET "/api/loyalty?view=pie"
expect_status "staff" 200 GET "/api/staff"
expect_json "staff is ranked with the shrinkage noted" "j['title'] == 'Staff' and 'empirical Bayes' in j['notes'][0]"
expect_status "staff by site ranked by CSAT" 200 GET "/api/staff?by=site&rank=csat&repeat_days=90"
expect_json "sites have a site column" "'site' in j['columns'] and 'staff' not in j['columns']"
expect_status "staff with a bad by is 400" 400 GET "/api/staff?by=store"
expect_status "staff with a bad repeat window is 400" 400 GET "/api/staff?repeat_days=9999"
expect_status "a staff survey response is recorded" 201 POST /api/staff/surveys \
  '{"response_id":"SR1","site":"Seoul Gangnam","answered_on":"2024-01-02","scale_min":1,"scale_max":5,"answers":{"pride":4,"tools":5}}'
expect_json "the answer counts its answers" "j['response_id'] == 'SR1' and j['answers'] == 2"
expect_status "the same response again is 409" 409 POST /api/staff/surveys \
  '{"response_id":"SR1","site":"Seoul Gangnam","answered_on":"2024-01-02","scale_min":1,"scale_max":5,"answers":{"pride":4}}'
expect_status "a score off the scale is 400" 400 POST /api/staff/surveys \
  '{"response_id":"SR2","site":"Seoul Gangnam","answered_on":"2024-01-02","scale_min":1,"scale_max":5,"answers":{"pride":6}}'
expect_status "an unknown field is 400" 400 POST /api/staff/surveys \
  '{"response_id":"SR2","site":"Seoul Gangnam","answered_on":"2024-01-02","scale_min":1,"scale_max":5,"answers":{"pride":3},"mood":1}'
expect_status "the service-profit chain" 200 GET "/api/staff/chain?min_responses=1&repeat_days=90"
expect_json "the chain is two tables, never NaN" "len(j) == 2 and j[1]['columns'][:3] == ['measure', 'sites', 'r']"
expect_status "the chain with a bad min_responses is 400" 400 GET "/api/staff/chain?min_responses=0"
expect_status "types" 200 GET "/api/types"
expect_json "types end with everyone" "j['rows'][-1]['type'] == '(all)' and 'conversion_low' in j['columns']"
expect_status "type suggestions" 200 GET "/api/types?view=suggestions"
expect_json "suggestions name their rule" "j['rows'][0]['rule'].startswith('demanding =')"
expect_status "types with a bad view is 400" 400 GET "/api/types?view=pie"
expect_status "clv without repeat buyers is 400" 400 GET "/api/clv"
expect_json "clv says why" "'repeat purchases' in j['error']['message']"
expect_status "clv with a bad model is 400" 400 GET "/api/clv?model=magic"
expect_status "clv with a bad horizon is 400" 400 GET "/api/clv?horizon=-1"
expect_status "kpi with a bad as_of is 400" 400 GET "/api/kpi?as_of=2024-02-30"
expect_status "kpi with 0 months is 400" 400 GET "/api/kpi?months=0"
expect_status "cube" 200 GET "/api/cube?rows=month&measure=revenue,orders"
expect_json "cube pivots by month" "[r['month'] for r in j['rows']] == ['2024-02', '2024-03']"
expect_status "cube with top" 200 GET "/api/cube?rows=month&measure=revenue&top=1"
expect_json "cube with top notes the rows left out, coded (docs/api.md)" \
  "j['note_codes'][0]['code'].startswith('cube_top') and j['note_codes'][0]['params'] == {'top': 1, 'shown': 1, 'rows': 2} and j['notes'][0].startswith('--top 1 shows 1 of 2 rows')"
cube_note=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['note_codes'][0]['code'])")
expect_status "vocabulary" 200 GET /api/vocabulary
expect_json "the vocabulary names the note code in English and Korean" \
  "all(j['domains']['note']['$cube_note'].get(l) for l in ('en', 'ko'))"
api GET "/api/cube?rows=region&measure=orders&where=region=Seoul"
cp "$WORK/last.json" "$WORK/cube.seoul.json"
korean_where=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("지역=서울"))')
expect_status "cube filtered in Korean (지역=서울)" 200 GET "/api/cube?rows=region&measure=orders&where=$korean_where"
expect_json "지역=서울 answers as region=Seoul" \
  "j['rows'] == json.load(open('$WORK/cube.seoul.json'))['rows'] and len(j['rows']) > 0"
expect_status "cube with an unknown dimension is 400" 400 GET "/api/cube?rows=chanel"
expect_json "cube error lists valid dimensions" "'valid:' in j['error']['message']"
expect_json "the OpenAPI document names every valid dimension" \
  "(lambda d: all(n in d for n in j['error']['message'].split('valid: ')[1].split(', ')))([p['description'] for p in json.load(open('$WORK/openapi.json'))['paths']['/api/cube']['get']['parameters'] if p['name'] == 'rows'][0])"

# ---- query arguments: only those of the route's table, each once
expect_status "an unknown query argument is 400" 400 GET "/api/cube?rows=month&foo=bar"
expect_json "the error names it and lists the valid ones" \
  "'\"foo\"' in j['error']['message'] and 'valid: rows, cols, measure, where, totals, top, sort, as_of' in j['error']['message']"
expect_status "rollup=1 is not the totals argument: 400" 400 GET "/api/cube?rows=month&rollup=1"
expect_json "the error points to totals" "'totals' in j['error']['message']"
expect_status "a misspelled argument is 400" 400 GET "/api/customers?limt=5"
expect_status "an argument to a route that takes none is 400" 400 GET "/api/version?verbose=1"
expect_json "the error says the route takes none" "'takes no query arguments' in j['error']['message']"
expect_status "an argument given twice is 400" 400 GET "/api/cube?rows=month&rows=channel"
expect_json "the error names the repeated argument" "'\"rows\"' in j['error']['message']"
python3 - "$WORK/openapi.json" > "$WORK/documented" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for path, item in doc["paths"].items():
    for p in item.get("get", {}).get("parameters", []):
        if p["in"] == "query":
            print(path.replace("{customer_id}", "C1") + "?" + p["name"] + "=x")
EOF
refused=""
while read -r q; do
  curl -s "$URL$q" | grep -q "unknown query argument" && refused="$refused $q"
done < "$WORK/documented"
if [ -z "$refused" ] && [ -s "$WORK/documented" ]; then pass "every documented query argument is accepted"
else fail "every documented query argument is accepted" "refused:$refused"; fi

# the shared analysis snapshot follows writes
expect_status "kpi before a new order" 200 GET "/api/kpi?months=1"
before=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['rows'][0]['orders'])")
expect_status "a new order" 201 POST /api/customers/C2/orders '{"order_id":"O3","ordered_at":"2024-03-05","total":1000}'
expect_status "kpi after the new order" 200 GET "/api/kpi?months=1"
expect_json "kpi sees the new order at once" "j['rows'][0]['orders'] == $before + 1"

# ---- wrong methods and unknown routes
expect_status "DELETE a customer is 405" 405 DELETE /api/customers/C1
expect_error_body "405"
allow=$(curl -s -o /dev/null -D - -X DELETE "$URL/api/customers/C1" | tr -d '\r' | sed -n 's/^Allow: //Ip')
if [ "$allow" = "GET, HEAD, PUT, PATCH" ]; then pass "405 names the allowed methods"
else fail "405 names the allowed methods (Allow: $allow)"; fi
expect_status "POST to a read-only route is 405" 405 POST /api/stats '{}'
expect_status "PUT on the collection is 405" 405 PUT /api/customers '{}'
expect_status "unknown API route is 404" 404 GET /api/frobnicate
expect_status "HEAD works on GET routes" 200 HEAD /api/version
expect_status "no dashboard with --no-web" 404 GET /index.html

# ---- concurrent writes from several connections land once each
seq 1 40 | xargs -P 8 -I{} curl -s -o /dev/null -X POST -H "Content-Type: $J" \
  --data-binary '{"customer_id":"P{}","name":"parallel {}"}' "$URL/api/customers"
expect_status "list after parallel writes" 200 GET "/api/customers?q=parallel&limit=1000"
expect_json "all 40 parallel creates landed" "len(j['items']) == 40"
expect_status "a customer whose id holds JSON punctuation" 201 POST /api/customers \
  '{"customer_id":"Q\"{[,]}\\","name":"}{ ]["}'
for v in rfm loyalty; do check_pages "$v" 3; done

# ---- the points routes (their concurrency is in test_points.sh)
expect_status "points: grant" 201 POST /api/customers/C1/points/earn \
  '{"points": 40, "source": "coupon", "source_id": "WELCOME", "date": "2024-01-02"}'
expect_status "points: burn" 201 POST /api/customers/C1/points/burn '{"points": 15, "date": "2024-01-03"}'
expect_json "the burn answers the balance after it" "j['points'] == -15 and j['balance'] == 25"
expect_status "points: too many is 409" 409 POST /api/customers/C1/points/burn '{"points": 26, "date": "2024-01-03"}'
expect_status "points: a fractional amount is 400" 400 POST /api/customers/C1/points/burn '{"points": 2.5}'
# bad amounts and an unknown customer: 400 / 404, nothing written (the statement below lists five movements)
for bad in '-3' '0' '9223372036854775808' '"12"' 'null'; do
  expect_status "points: a burn of $bad is 400" 400 POST /api/customers/C1/points/burn "{\"points\": $bad}"
  expect_status "points: an earn of $bad is 400" 400 POST /api/customers/C1/points/earn "{\"points\": $bad, \"source\": \"manual\"}"
done
expect_status "points: a burn for an unknown customer is 404" 404 POST /api/customers/NOBODY/points/burn '{"points": 1}'
expect_status "points: adjust" 201 POST /api/customers/C1/points/adjust '{"points": -5, "reason": "typo", "date": "2024-01-03"}'
"$DANGOL" --quiet points earn --order O1 --date 2024-01-03 > /dev/null 2>&1 || fail "points: C1's order O1 earns"
expect_status "points: reverse an order's earn" 201 POST /api/customers/C1/points/reverse \
  '{"order_id": "O1", "reason": "returned", "date": "2024-01-03"}'
expect_json "the reversal takes the order's points back" "j['points'] < 0 and j['absorbed'] == 0 and j['balance'] == 20"
expect_status "points: reversing it again is 409" 409 POST /api/customers/C1/points/reverse '{"order_id": "O1"}'
expect_status "points: balance" 200 GET "/api/customers/C1/points?as_of=2024-01-03"
expect_json "the balance is 20" "j['rows'][0]['available'] == 20 and j['rows'][0]['ledger'] == 20"
expect_status "points: an unknown customer's balance is 404" 404 GET /api/customers/NOBODY/points
expect_status "points: statement" 200 GET /api/customers/C1/points/statement
expect_json "the statement lists the five movements" "[r['movement_kind'] for r in j[0]['rows']] == ['earn', 'burn', 'adjust', 'earn', 'reverse']"
expect_status "points: ranking" 200 GET "/api/points/ranking?as_of=2024-01-03&top=5"
expect_json "C1 leads the ranking" "j['rows'][0] == {'customer_id': 'C1', 'available': 20}"
expect_status "points: liability" 200 GET "/api/points/liability?as_of=2024-01-03"
expect_json "the liability is 20 points outstanding" "j[0]['rows'][0]['points'] == 20"
# the audit trail (docs/security.md; tests/e2e/test_audit.sh): this test's look-ups and writes
expect_status "audit: the trail" 200 GET "/api/audit?customer=C1"
expect_json   "... holds the look-ups and writes of C1" "len(j['rows']) > 0 and all('C1' in r['customers'] for r in j['rows'])"

# ---- the tier routes (roles and concurrency are in test_tiers.sh)
expect_status "tiers: evaluate" 201 POST "/api/tiers/evaluate?as_of=2024-01-03"
expect_json "the evaluation answers its day" "j['as_of'] == '2024-01-03' and j['already'] is False"
expect_status "tiers: evaluating the day again writes nothing" 200 POST "/api/tiers/evaluate?as_of=2024-01-03"
expect_json "... and says so" "j['already'] is True and j['customers'] == 0"
expect_status "tiers: a customer's tier" 200 GET /api/customers/C1/tier
expect_json "the tier has its Korean name" "j[0]['rows'][0]['name_ko'] != ''"
expect_status "tiers: distribution" 200 GET "/api/tiers/distribution?as_of=2024-01-03"
expect_status "tiers: migration" 200 GET "/api/tiers/migration?from=2024-01-01&to=2024-01-03"
expect_status "tiers: crosstab" 200 GET "/api/tiers/crosstab?by=segment"
expect_status "tiers: crosstab by something else is 400" 400 GET "/api/tiers/crosstab?by=colour"

# ---- the ticket routes (their concurrency and rules are in test_tickets.sh)
expect_status "tickets: open" 201 POST /api/tickets \
  '{"customer_id": "C1", "kind": "불만", "channel": "web", "priority": "high", "at": "2025-03-04T10:00:00+09:00"}'
expect_json "a new ticket is open at version 1" "j['state'] == 'open' and j['version'] == 1"
TID=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['ticket_id'])")
expect_status "tickets: assign" 200 POST "/api/tickets/$TID/assign" '{"assignee": "agent1", "version": 1, "at": "2025-03-04T10:05:00+09:00"}'
expect_status "tickets: a stale version is 409" 409 POST "/api/tickets/$TID/assign" '{"assignee": "agent2", "version": 1}'
expect_status "tickets: start" 200 POST "/api/tickets/$TID/start" '{"at": "2025-03-04T10:10:00+09:00"}'
expect_status "tickets: comment" 200 POST "/api/tickets/$TID/comment" '{"note": "called back", "at": "2025-03-04T10:20:00+09:00"}'
expect_status "tickets: resolve" 200 POST "/api/tickets/$TID/resolve" '{"at": "2025-03-04T11:00:00+09:00"}'
expect_status "tickets: close" 200 POST "/api/tickets/$TID/close" '{"at": "2025-03-04T11:00:00+09:00"}'
expect_status "tickets: reopen" 200 POST "/api/tickets/$TID/reopen" '{"note": "still broken", "at": "2025-03-05T09:00:00+09:00"}'
expect_json "the reopened ticket is open at version 7" "j['state'] == 'open' and j['version'] == 7"
expect_status "tickets: show" 200 GET "/api/tickets/$TID?as_of=2025-03-05T10:00:00%2B09:00"
expect_json "show lists the seven events" "[r['ticket_action'] for r in j[1]['rows']] == ['open', 'assign', 'start', 'comment', 'resolve', 'close', 'reopen']"
expect_status "tickets: list" 200 GET "/api/tickets?customer_id=C1"
expect_status "tickets: breached" 200 GET "/api/tickets/breached?as_of=2025-03-31"
expect_json "the reopened ticket is in breach by the end of March" "any(r['ticket'] == $TID for r in j['rows'])"
expect_status "tickets: at-risk" 200 GET "/api/tickets/at-risk?as_of=2025-03-05T09:00:00%2B09:00&within=100"
expect_status "tickets: escalate" 200 POST /api/tickets/escalate '{"as_of": "2025-03-31"}'
expect_json "one ticket escalated" "j['tickets_escalated'] == 1"
expect_status "tickets: recover" 200 POST /api/tickets/recover '{"as_of": "2025-03-31"}'
expect_status "tickets: an unknown ticket is 404" 404 GET /api/tickets/99999
# ---- consent, subject access, erasure (test_consent.sh and test_erasure.sh test them in depth)
expect_status "consent: grant" 201 POST /api/customers/C1/consent/grant '{"purpose": "marketing_sms", "source": "web", "date": "2024-01-01"}'
expect_status "consent: withdraw" 201 POST /api/customers/C1/consent/withdraw '{"purpose": "이메일 마케팅 수신", "date": "2024-01-02"}'
expect_status "consent: a customer's" 200 GET "/api/customers/C1/consent?as_of=2024-01-03"
expect_json "consent: SMS granted, e-mail withdrawn" "[r['action'] for r in j[0]['rows'][:2]] == ['withdraw', 'grant']"
expect_status "consent: the send list" 200 GET "/api/consent?purpose=marketing_sms&as_of=2024-01-03"
expect_json "consent: C1 is on it" "'C1' in [r['customer_id'] for r in j['rows']]"
expect_status "subject access" 200 GET /api/customers/C1/subject
expect_json "subject access: the profile and the consent history" "j['profile']['customer_id'] == 'C1' and len(j['consent_events']) == 2"
expect_status "erasure" 201 POST /api/customers/C1/erase '{"reason": "test_api"}'
expect_json "erasure: erased" "j['erased'] is True"
# ---- the coupon routes (their concurrency and bad input are in test_coupons.sh)
expect_status "coupons: define" 201 POST /api/coupons \
  '{"definition_id": "API10", "percent": 10, "cap": 1000, "min_spend": 5000, "campaign_id": "SPRING"}'
expect_status "coupons: define twice is 409" 409 POST /api/coupons '{"definition_id": "API10", "amount": 5}'
expect_status "coupons: percent over 100 is 400" 400 POST /api/coupons '{"definition_id": "BAD", "percent": 101}'
expect_status "coupons: issue" 201 POST /api/coupons/API10/issue '{"customers": ["C1", "C2"]}'
CODE1=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['codes'][0]['code'])")
CODE2=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['codes'][1]['code'])")
expect_status "coupons: a code" 200 GET "/api/coupon-codes/$CODE1"
expect_json "the code is C1's, issued" "j[0]['rows'][0]['customer_id'] == 'C1' and j[0]['rows'][0]['coupon_state'] == 'issued'"
expect_status "coupons: redeem on C1's order" 201 POST "/api/coupon-codes/$CODE1/redeem" '{"order_id": "O1"}'
expect_json "10% of 12,000 is 1,200, capped at 1,000" "j['discount'] == 1000 and j['order_total'] == 12000"
expect_status "coupons: a second redemption is 409" 409 POST "/api/coupon-codes/$CODE1/redeem" '{"order_id": "O1"}'
expect_status "coupons: void a code" 201 POST "/api/coupon-codes/$CODE2/void" '{"reason": "test"}'
expect_status "coupons: codes of a definition" 200 GET /api/coupons/API10/codes
expect_json "two codes: redeemed and voided" "sorted(r['coupon_state'] for r in j['rows']) == ['redeemed', 'voided']"
expect_status "coupons: list" 200 GET /api/coupons
expect_status "coupons: rates" 200 GET "/api/coupons/rates?by=campaign"
expect_json "one of two codes redeemed, with its Wilson interval" "j['rows'][0]['redeemed'] == 1 and j['rows'][0]['issued'] == 2 and j['rows'][0]['ci_low'] < 0.5 < j['rows'][0]['ci_high']"
expect_status "coupons: void the definition" 201 POST /api/coupons/API10/void '{}'
# ---- the economics routes (their figures are checked in test_economics.sh)
expect_status "economics: cac" 200 GET "/api/economics/cac"
expect_status "economics: clv-cac" 200 GET "/api/economics/clv-cac"
expect_status "economics: profit" 200 GET "/api/economics/profit?top=5"
expect_json "profit: totals, then customers with C1's coupon discount" \
  "j[0]['rows'][0]['coupon_discounts'] > 0 and any(r['customer_id'] == 'C1' and r['coupon_discounts'] > 0 for r in j[1]['rows'])"
expect_status "economics: retention" 200 GET "/api/economics/retention"
expect_json "retention: an acquisition, a retention and a beyond-control row" "[r['side'] for r in j['rows']] == ['acquisition', 'retention', 'retention_beyond_control']"
expect_status "economics: a bad top is 400" 400 GET "/api/economics/profit?top=-1"

# ---- the MOT routes (test_mot.sh tests them in depth)
expect_status "mot: record a visit" 201 POST /api/mot/visits \
  '{"visit_id": "MV1", "customer_id": "C1", "visited_on": "2024-01-03", "nps": 3, "ratings": {"대기": 1, "consultation": 5}}'
expect_status "mot: the same visit again is 409" 409 POST /api/mot/visits \
  '{"visit_id": "MV1", "customer_id": "C1", "ratings": {"waiting": 2}}'
for v in cycle score weakest drivers visits; do expect_status "mot: $v" 200 GET "/api/mot/$v"; done
expect_json "mot: the visit's cycle is zero, its mean is not" \
  "j['rows'][0]['visit_id'] == 'MV1' and j['rows'][0]['cycle_product'] == 0 and j['rows'][0]['cycle_mean'] == 0.5"
# ---- the campaign routes (their concurrency and bad input are in test_campaigns.sh)
expect_status "campaigns: create" 201 POST /api/campaigns \
  '{"campaign_id": "API-C", "control_share": 0.5, "points": 10, "window_days": 30}'
expect_status "campaigns: a filter on an unknown column is 400" 400 POST /api/campaigns '{"campaign_id": "BAD", "audience": "colour=red"}'
expect_json "the error names the column" "'colour' in j['error']['message']"
expect_status "campaigns: list" 200 GET /api/campaigns
expect_status "campaigns: launch" 201 POST /api/campaigns/API-C/launch '{"date": "2025-01-01"}'
expect_json "the launch answers its groups" "j['members'] == j['treatment'] + j['control'] and j['members'] > 0"
expect_status "campaigns: launching again is 409" 409 POST /api/campaigns/API-C/launch '{"date": "2025-01-01"}'
expect_status "campaigns: show" 200 GET /api/campaigns/API-C
expect_status "campaigns: results" 200 GET /api/campaigns/API-C/results
expect_status "campaigns: send list" 200 GET "/api/campaigns/API-C/send-list?reason=test"
# a customer's codes (the dashboard's card)
expect_status "coupons: a customer's codes" 200 GET /api/customers/C1/coupons
expect_json "C1 holds its one code, whole, redeemed on O1, the definition voided since" "len(j['rows']) == 1 and j['rows'][0]['code'] == '$CODE1' and j['rows'][0]['coupon_state'] == 'redeemed' and j['rows'][0]['order_id'] == 'O1'"
expect_status "coupons: an unknown customer's codes are 404" 404 GET /api/customers/NOBODY/coupons
# a customer's campaigns (the card) and a returned order (docs/points.md; test_order_return.sh)
expect_status "campaigns: a customer's campaign history" 200 GET /api/customers/C1/campaigns
# C1 was erased above: its return takes no free-text reason (schema 20), and nothing is written
expect_status "orders: an erased customer's return with a reason is 409" 409 POST /api/orders/O1/return '{"reason": "api test"}'
expect_status "orders: return O1 (its points reversed before, its coupon now)" 201 POST /api/orders/O1/return '{}'
expect_json "the coupon is reversed and restored as a new code" "j['points_reversed_before'] and j['coupon_code'] == '$CODE1' and j['coupon_policy'] == 'restore'"
expect_status "orders: a second return is 409" 409 POST /api/orders/O1/return '{}'

# ---- the follow-up and VOC routes (their concurrency and rules are in test_followups.sh)
expect_status "followups: schedule" 200 POST /api/followups/schedule '{"as_of": "2024-02-10"}'
expect_json "followups: C1's thank-you call and more" "j['tasks_created'] >= 1"
expect_status "followups: list" 200 GET "/api/followups?customer_id=C1&state=open"
FID=$(python3 -c "import json; print(json.load(open('$WORK/last.json'))['rows'][0]['task'])")
expect_status "followups: a bad state is 400" 400 GET "/api/followups?state=maybe"
expect_status "followups: done" 200 POST "/api/followups/$FID/done" '{"outcome": "통화 완료", "version": 1}'
expect_json "followups: the task is at version 2" "j['version'] == 2 and j['replayed'] is False"
expect_status "followups: done twice is 409" 409 POST "/api/followups/$FID/done" '{"outcome": "reached"}'
expect_status "followups: an unknown outcome is 400" 400 POST "/api/followups/$FID/done" '{"outcome": "maybe"}'
expect_status "followups: outbox" 200 GET "/api/followups/outbox?channel=sms&as_of=2024-03-31&reason=test_api"
expect_status "followups: outbox without a reason is 400" 400 GET "/api/followups/outbox?channel=sms"
expect_status "voc: stats" 200 GET "/api/voc/stats?as_of=2025-12-31"
expect_json "voc: the summary counts the tickets" "j[0]['rows'][0]['tickets'] >= 1"
expect_status "voc: terms" 200 GET "/api/voc/terms?as_of=2025-12-31&bigrams=true"
expect_status "voc: search" 200 GET "/api/voc/search?q=service"
expect_status "voc: search without words is 400" 400 GET "/api/voc/search?q=%20"
expect_status "voc: recovery" 200 GET "/api/voc/recovery?as_of=2025-12-31&window=90"
expect_json "voc: four groups" "[r['recovery_group'] for r in j['rows']] == ['within_sla', 'late', 'unresolved', 'no_complaint']"

stop_server
# ... an analyst sees each code's first 3 symbols only (a copy of the store, with users)
cp "$DANGOL_DB" "$WORK/users.db"
echo 'analyst-password-1' | DANGOL_DB="$WORK/users.db" "$DANGOL" -q user add ana --role analyst >/dev/null 2>&1
ANA=$(DANGOL_DB="$WORK/users.db" "$DANGOL" -q token create --user ana --label api)
STORE=$DANGOL_DB; DANGOL_DB="$WORK/users.db"
start_server --no-web || exit 0
CODES=$(curl -s -H "Authorization: Bearer $ANA" "$URL/api/customers/C1/coupons")
echo "200 GET /api/customers/C1/coupons" >> "$WORK/requests"
if printf '%s' "$CODES" | python3 -c "import json,sys; r = json.load(sys.stdin)['rows'][0]; sys.exit(not (r['code'] == '${CODE1%????????}********' and r['coupon_state'] == 'reversed'))"
then pass "an analyst sees a customer's codes masked (O1's returned: its code reads reversed)"; else fail "an analyst sees a customer's codes masked" "$CODES"; fi
stop_server
DANGOL_DB=$STORE
expect_output "shutdown is logged" "SIGTERM received" cat "$WORK/serve.err"

# ---- read-only
start_server --no-web --read-only || exit 0
expect_status "read-only serves reads" 200 GET /api/customers/C1
expect_status "read-only refuses writes with 405" 405 POST /api/customers '{"customer_id":"C5"}'
stop_server INT
expect_output "SIGINT shutdown is logged" "SIGINT received" cat "$WORK/serve.err"

# ---- static files: the dashboard's own files and the chart library, nothing else of web/
start_server --web "$ROOT/web" || exit 0
for f in / /index.html /app.js /i18n.js /style.css /node_modules/echarts/dist/echarts.min.js; do
  expect_status "the dashboard serves $f" 200 GET "$f"
done
for f in /package.json /package-lock.json /node_modules/playwright-core/package.json \
         /node_modules/playwright-core/index.js \
         /node_modules/echarts/package.json /node_modules/echarts/dist/echarts.js \
         /node_modules/.installed /node_modules/ /nothing.js /../Makefile; do
  expect_status "the dashboard does not serve $f" 404 GET "$f"
done
stop_server

# ---- CLV needs a business with repeat buyers: a second store with the dashboard's data
export DANGOL_DB="$WORK/clv.db"
python3 "$(dirname "$0")/dashboard_data.py" "$WORK"
"$DANGOL" --quiet init
"$DANGOL" --quiet import customers "$WORK/customers.csv"
"$DANGOL" --quiet import orders "$WORK/orders.csv"
start_server --no-web || exit 0
expect_status "clv" 200 GET "/api/clv?top=5"
expect_json "clv ranks five customers by value" \
  "len(j['rows']) == 5 and all(a['clv'] >= b['clv'] for a, b in zip(j['rows'], j['rows'][1:]))"
expect_json "clv states the default horizon and rate (52 weeks, 0 %, as the CLI and the card)" \
  "'CLV over the next 52 weeks, discounted at 0 % per week' in j.get('notes', [])"
expect_status "clv at a stated rate" 200 GET "/api/clv?top=5&discount_rate=0.01"
expect_json "clv states the rate asked for" "'CLV over the next 52 weeks, discounted at 1 % per week' in j.get('notes', [])"
expect_status "clv value histogram" 200 GET "/api/clv?view=value"
expect_json "the value histogram counts every buyer" "len(j['rows']) == 20 and sum(r['customers'] for r in j['rows']) > 100"
expect_status "clv p_alive histogram" 200 GET "/api/clv?view=p_alive&model=paretonbd&horizon=26"
expect_json "P(alive) has ten bins" "len(j['rows']) == 10"
expect_status "churn train (docs/churn.md)" 201 POST /api/churn/train '{"horizon_days": 90, "trees": 5}'
expect_json "the answer names the stored model" "j['model_id'] == 1 and j['replayed'] is False"
expect_status "the stored models" 200 GET /api/models
expect_status "one stored model" 200 GET /api/models/1
expect_status "the churn report" 200 GET /api/churn/report
expect_status "churn scores" 200 GET "/api/churn/scores?limit=5"
expect_json "five customers, riskiest first" "len(j['rows']) == 5 and j['rows'][0]['risk_decile'] == 10"
expect_status "the churn score distribution" 200 GET /api/churn/distribution
expect_json "twenty bands of 5 points" "len(j['rows']) == 20 and j['rows'][19]['to'] == 1"
expect_status "the lookalike report (docs/lookalike.md)" 200 GET /api/lookalike/report
expect_json "summary, lift curve of ten deciles, attributes" "len(j) == 3 and len(j[1]['rows']) == 10"
expect_status "lookalike scores" 200 GET "/api/lookalike/scores?limit=5"
expect_json "no prospect in this store, said in a note" "len(j['rows']) == 0 and 'no prospect to score' in j['notes'][0]"
curl -s "$URL/api/customers/C00000001/card" > "$WORK/card.api.json"
"$DANGOL" --format json customer show --lang both C00000001 --segment > "$WORK/card.cli.json"
expect_same "the card of the API and of dangol customer show --segment are the same" "$WORK/card.cli.json" "$WORK/card.api.json"
expect_output "the card has the analytics sections" "Lifetime value" cat "$WORK/card.api.json"
# ---- consultation types (their checks are in test_consult.sh)
expect_status "the consultation types" 200 GET /api/consult-types
expect_status "staff set a customer's consultation type" 200 POST /api/customers/C00000001/type '{"type": "careful"}'
expect_status "the card in Korean" 200 GET "/api/customers/C00000001/card?lang=ko"
for v in rfm loyalty; do check_pages "$v" 70; done
expect_status "a customers view has a default page" 200 GET "/api/loyalty?view=customers"
expect_json "the default page is 50 rows" "len(j['rows']) == 50 and j['limit'] == 50 and j['next_offset'] == 50"
expect_status "a customers page over 1000 is 400" 400 GET "/api/rfm?view=customers&limit=1001"
expect_status "a page of another view is 400" 400 GET "/api/rfm?view=segments&offset=10"
expect_json "the error says paging is for view=customers" "'view=customers' in j['error']['message']"
expect_status "segments (k-means, docs/segment.md)" 200 GET "/api/segments?k=3"
expect_json "three segments with suggested names" "len(j['rows']) == 3 and all(r['name_ko'] for r in j['rows'])"
expect_status "segments with a bad view is 400" 400 GET "/api/segments?view=pie"
# ---- the customer value survey routes (their checks are in test_value.sh)
for i in $(seq 1 24); do
  body=$(python3 -c "import json,random,sys; i=int(sys.argv[1]); \
items=['func1','func2','func3','emo1','emo2','emo3','soc1','soc2','soc3','money1','money2','money3','time1','time2','time3','effort1','effort2','effort3','psy1','psy2','psy3','repurchase_intent']; \
print(json.dumps({'response_id': f'VAPI-{i}', 'customer_id': 'C%08d' % i, 'answered_on': '2024-03-01', \
'answers': {k: random.Random(i * 100 + j).randint(1, 5) for j, k in enumerate(items)}}))" "$i")
  api POST /api/value/responses "$body"
  [ "$STATUS" = 201 ] || fail "value: record response $i (HTTP $STATUS)" "$BODY"
done
for r in items scores reliability drivers grid "grid?by=stage"; do
  expect_status "value $r" 200 GET "/api/value/$r"
done
stop_server

# ---- the OpenAPI document and the routes are the same set
python3 - "$WORK/openapi.json" "$WORK/requests" > "$WORK/coverage" 2>&1 <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
routes = []
for path, item in doc["paths"].items():
    rx = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", re.escape(path).replace(r"\{", "{").replace(r"\}", "}")) + "$")
    for method in item:
        routes.append((method.upper(), path, rx))
seen = set()
bad = []
for line in open(sys.argv[2]):
    status, method, path = line.split(" ", 2)
    path = path.strip().split("?")[0]
    if not path.startswith("/api"):
        continue
    matched = [r for r in routes if r[2].match(path)]
    if not matched and status != "404":
        bad.append(f"{method} {path} answered {status} but is not in the OpenAPI document")
    for m, p, _ in matched:
        if m == method or (method == "HEAD" and m == "GET"):
            if status.startswith("2"):
                seen.add((m, p))
# the auth routes need users in the store: test_auth.sh exercises them
missing = [f"{m} {p}" for m, p, _ in routes if (m, p) not in seen and
           "auth" not in doc["paths"][p][m.lower()]["tags"]]
for b in bad:
    print(b)
for m in missing:
    print("route never answered 2xx in this test:", m)
sys.exit(1 if bad or missing else 0)
EOF
if [ $? -eq 0 ]; then pass "every OpenAPI route was exercised and every answered route is documented"
else fail "OpenAPI and routes disagree" "$(cat "$WORK/coverage")"; fi

