# As-of answers from the one snapshot (docs/snapshot.md, "As of an earlier day"): for each
# ?as_of day the server takes a window of its frame of the store's last day (dg_frame_window, no
# copy, for every route), the CLI cuts the store's snapshot for --as-of (dg_frame_cut); both must
# answer exactly what the other does, for days before the first order, through the history, the
# last day and after it (a rebuild), over rfm (summary, grid, customers), stage (counts, funnel,
# history), loyalty (summary, customers), cohorts, kpi, clv and two cubes (one on the order
# lines' categories); and at four days over economics (4 views), segments, tiers by stage and
# segment, the value grid by segment, a campaign's results, churn scores, staff and sites, the
# staff chain and types. (Byte equality of the frames with a
# rebuild from the rows, and of every report on a window with the frame cut to its day:
# tests/unit/test_snapshot_as_of.c, test_frame_window.c.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
D="$DANGOL"
"$D" -q demo --customers 1500 --seed 7 --loyalty --campaigns --staff-surveys --value-survey 300
"$D" -q churn train > /dev/null

start_server --no-web --threads 2 || exit 0
# the report as the API gives it and as the CLI gives it, put in one shape: the API pages the
# customers (the CLI's first 1000 are compared), loyalty's first table is the API's, and a
# report of several tables is a list of them on both sides
same() {   # same NAME API_PATH CLI_ARGS...
  name=$1 path=$2; shift 2
  curl -s "$URL/api/$path" > "$WORK/api.json"
  "$D" --format json "$@" > "$WORK/cli.json" 2> /dev/null
  if python3 - "$WORK/api.json" "$WORK/cli.json" <<'EOF'
import json, os, sys
api, cli = (json.load(open(p)) for p in sys.argv[1:3])
if isinstance(cli, list) and not isinstance(api, list):
    cli = cli[0]
for key in ("offset", "limit", "next_offset"):
    if isinstance(api, dict):
        api.pop(key, None)
if os.environ.get("ROWS_ONLY"):   # the notes may differ: the CLI's frame has no order lines
    api, cli = ({k: t.get(k) for k in ("title", "columns", "rows")} for t in (api, cli))
if "title" in api and api.get("title") == cli.get("title") and len(api.get("rows", [])) == 1000:
    cli["rows"] = cli["rows"][:1000]
sys.exit(0 if api == cli and "error" not in api else 1)
EOF
  then pass "$name"
  else fail "$name: /api/$path and dangol $* differ" "$(head -c 300 "$WORK/api.json")"; fi
}
same_rows() {   # as same, comparing the tables' titles, columns and rows (not their notes)
  ROWS_ONLY=1
  export ROWS_ONLY
  same "$@"
  unset ROWS_ONLY
}

last=$("$D" --format csv stats | awk -F, '$1 == "orders" { print $4 }')
for day in 2023-12-01 2024-06-30 2025-03-31 2025-09-15 2025-12-30 "$last" 2026-03-01; do
  same "rfm as of $day" "rfm?as_of=$day" rfm --as-of "$day"
  same "rfm grid as of $day" "rfm?view=grid&as_of=$day" rfm --grid --as-of "$day"
  same "rfm customers as of $day" "rfm?view=customers&limit=1000&as_of=$day" rfm --customers --as-of "$day"
  same "stage funnel as of $day" "stages/funnel?as_of=$day" stage --funnel --as-of "$day"
  same "loyalty as of $day" "loyalty?as_of=$day" loyalty --as-of "$day"
  same "cohorts as of $day" "cohorts?as_of=$day" cohort --as-of "$day"
  same "kpi as of $day" "kpi?as_of=$day" kpi --as-of "$day"
  same "cube month x channel as of $day" "cube?rows=month&cols=channel&as_of=$day" \
    cube --rows month --cols channel --as-of "$day"
  same "cube category x region as of $day" "cube?rows=category&cols=region&as_of=$day" \
    cube --rows category --cols region --as-of "$day"
  same "stage counts as of $day" "stages?as_of=$day" stage --as-of "$day"
  same "stage history as of $day" "stages/history?as_of=$day" stage --history --as-of "$day"
  same "loyalty customers as of $day" "loyalty?view=customers&limit=1000&as_of=$day" \
    loyalty --customers --as-of "$day"
  [ "$day" = 2023-12-01 ] ||   # before the first order: no fit
    same "clv as of $day" "clv?as_of=$day" clv predict --top 20 --calibration-end "$day" \
      --holdout-end "$day"
done

for day in 2024-06-30 2025-03-31 2025-09-15 "$last"; do
  for view in cac clv-cac profit retention; do
    same "economics $view as of $day" "economics/$view?as_of=$day" economics "$view" --as-of "$day"
  done
  same "segments as of $day" "segments?as_of=$day" segment --as-of "$day"
  for by in stage segment; do
    same "tiers by $by as of $day" "tiers/crosstab?by=$by&as_of=$day" tier crosstab --by "$by" \
      --as-of "$day"
  done
  same "value grid by segment as of $day" "value/grid?by=segment&as_of=$day" value grid \
    --by segment --as-of "$day"
  same "campaign results as of $day" "campaigns/DEMO-WINBACK/results?as_of=$day" campaign results \
    DEMO-WINBACK --as-of "$day"
  same_rows "churn distribution as of $day" "churn/distribution?as_of=$day" churn score --distribution \
    --as-of "$day"
  same "staff as of $day" "staff?as_of=$day" staff --as-of "$day"
  same "sites as of $day" "staff?by=site&as_of=$day" staff --by site --as-of "$day"
  same "staff chain as of $day" "staff/chain?as_of=$day" staff chain --as-of "$day"
  same "types as of $day" "types?as_of=$day" types --as-of "$day"
done

# a write dated before a kept day is seen there (the kept cut is of the frame before the write)
cust=$("$D" --format csv rfm --customers | sed -n 2p | cut -d, -f1)
expect_status "an order dated 2025-03-01 through the API" 201 POST "/api/customers/$cust/orders" \
  '{"order_id":"ASOF-CUT-1","ordered_at":"2025-03-01T09:00:00Z","channel":"cutchannel","total":7000}'
same "the cube as of 2025-03-31 after the write" "cube?rows=month&cols=channel&as_of=2025-03-31" \
  cube --rows month --cols channel --as-of 2025-03-31
grep -q cutchannel "$WORK/api.json" && pass "... and it holds the new order's channel" \
  || fail "the cube as of 2025-03-31 holds the new order's channel" "$(head -c 300 "$WORK/api.json")"
stop_server
