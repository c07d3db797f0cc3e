# Every figure agrees with its documentation and with the other commands (issue 21): an
# independent recomputation (tests/helpers/figures.py: SQL on the store, scipy's normal quantile)
# of `loyalty`, `kpi` and `stage` on a demo store at three as-of dates, compared with dangol's
# JSON to 1e-9: NPS and CSAT from each customer's latest answer in the period with their
# intervals, rates as fractions, the trend's base, the behavioural means, every kpi column, and
# breakdowns whose rows add up to (all); then tests/helpers/breakdowns.py checks that the rows of
# rfm, the stage funnel, migration matrix and month-end history (against kpi's customers) and cube
# rollups add up to their totals.
. "$(dirname "$0")/lib.sh"
"$DANGOL" --quiet demo --customers 1500 --seed 11 >/dev/null 2>&1 || fail "demo store"
# the demo's last day (its default as-of), mid-month and a month's end
for as_of in 2025-12-31 2025-06-15 2025-03-31; do
  "$DANGOL" --format json loyalty --as-of "$as_of" > "$WORK/loyalty.json" &&
  "$DANGOL" --format json kpi --as-of "$as_of" --months 6 > "$WORK/kpi.json" &&
  "$DANGOL" --format json stage --as-of "$as_of" > "$WORK/stage.json" ||
    fail "dangol loyalty, kpi and stage as of $as_of"
  /usr/bin/python3 "$ROOT/tests/helpers/figures.py" "$DANGOL_DB" "$as_of" "$WORK/loyalty.json" \
    "$WORK/kpi.json" "$WORK/stage.json" 6 > "$WORK/figures.txt" 2>&1
  [ -s "$WORK/figures.txt" ] || fail "figures.py as of $as_of ran" "$(cat "$WORK/figures.txt")"
  while IFS= read -r line; do
    case $line in
      "pass "*) pass "as of $as_of: ${line#pass }" ;;
      "fail "*) fail "as of $as_of: ${line#fail }" ;;
      *) fail "figures.py as of $as_of: $line" ;;
    esac
  done < "$WORK/figures.txt"
done
# every other breakdown with a total adds up to it (tests/helpers/breakdowns.py)
breakdowns() {
  /usr/bin/python3 "$ROOT/tests/helpers/breakdowns.py" "$@" > "$WORK/breakdowns.txt" 2>&1
  [ -s "$WORK/breakdowns.txt" ] || fail "breakdowns.py $1 ran"
  while IFS= read -r line; do
    case $line in
      "pass "*) pass "${line#pass }" ;;
      "fail "*) fail "${line#fail }" ;;
      *) fail "breakdowns.py $1: $line" ;;
    esac
  done < "$WORK/breakdowns.txt"
}
"$DANGOL" --format json loyalty > "$WORK/loyalty.json" 2>/dev/null
known=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["rows"][0]["n"])' "$WORK/loyalty.json")
"$DANGOL" --format json rfm > "$WORK/rfm.json" 2>/dev/null && breakdowns rfm "$WORK/rfm.json" "$known"
"$DANGOL" --format json stage --funnel > "$WORK/funnel.json" && breakdowns funnel "$WORK/funnel.json"
"$DANGOL" --format json stage --migration 2025-03-31 2025-12-31 > "$WORK/migration.json" &&
  "$DANGOL" --format json stage --at 2025-12-31 > "$WORK/stage_to.json" &&
  breakdowns migration "$WORK/migration.json" "$WORK/stage_to.json"
"$DANGOL" --format json stage --history > "$WORK/history.json" &&
  "$DANGOL" --format json kpi --months 12 > "$WORK/kpi12.json" &&
  breakdowns history "$WORK/history.json" "$WORK/kpi12.json"
"$DANGOL" --format json cube --rows channel,quarter --measure revenue,orders,units,share --rollup \
  > "$WORK/cube1.json" && breakdowns cube "$WORK/cube1.json"
"$DANGOL" --format json cube --rows category --cols quarter --where "year=2025" --rollup \
  > "$WORK/cube2.json" && breakdowns cube "$WORK/cube2.json"
"$DANGOL" --format json cube --rows segment --cols stage --measure orders --rollup \
  > "$WORK/cube3.json" && breakdowns cube "$WORK/cube3.json"
"$DANGOL" --format json cube --rows channel --measure revenue,orders --top 2 --rollup \
  > "$WORK/cube4.json" 2>/dev/null && breakdowns cube "$WORK/cube4.json"
# rfm --customers names the segment of a customer without orders as the segment table does
"$DANGOL" --format csv rfm --customers > "$WORK/rfm.csv"
none=$(awk -F, '$3 == 0 && $9 != "(no orders)"' "$WORK/rfm.csv" | head -3)
n=$(awk -F, '$9 == "(no orders)"' "$WORK/rfm.csv" | wc -l)
table=$("$DANGOL" --format csv rfm | awk -F, '$1 == "(no orders)" { print $2 }')
if [ -z "$none" ] && [ "$n" -gt 0 ] && [ "$n" = "$table" ]; then
  pass "rfm --customers: $n customers without orders are (no orders), as in the segment table"
else
  fail "rfm --customers (no orders): $n rows, table $table" "$none"
fi
