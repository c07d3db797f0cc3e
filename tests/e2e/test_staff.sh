# dangol staff: recomputed independently (scipy, tests/e2e/helpers/staff_check.py) on a demo
# store, by staff and by site; the demo's known staff effects found again (docs/demo.md: ST007
# and ST044 serve worse, ST014 better); bad options and a store without staff or answers.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

expect_output "staff --help names the method" "empirical" "$DANGOL" staff --help
"$DANGOL" init >/dev/null
expect_output "a store without orders says no staff" "no order names a staff member" "$DANGOL" staff
expect_exit "a store without orders is not an error" 0 "$DANGOL" staff
expect_exit "--by store is a usage error" 2 "$DANGOL" staff --by store
expect_output "--by names the valid values" "not one of: staff, site" "$DANGOL" staff --by store
expect_exit "--rank speed is a usage error" 2 "$DANGOL" staff --rank speed
expect_exit "--repeat-days 0 is a usage error" 2 "$DANGOL" staff --repeat-days 0
printf 'customer_id\nC1\n' > "$WORK/c.csv"
printf 'order_id,customer_id,ordered_at,staff_id,site,total\nO1,C1,2025-01-01,,S1,100\n' > "$WORK/o.csv"
"$DANGOL" --quiet import customers "$WORK/c.csv" >/dev/null && "$DANGOL" --quiet import orders "$WORK/o.csv" >/dev/null
expect_output "orders without staff are counted in a note" "1 orders name no staff member" "$DANGOL" staff
"$DANGOL" --format json staff --by site > "$WORK/none.json" 2>/dev/null
if grep -qi 'nan\|inf' "$WORK/none.json"; then fail "no answers: no NaN" "$(cat "$WORK/none.json")"
else pass "no answers: no NaN"; fi
if $PY -c "import json,sys; r=json.load(open(sys.argv[1]))['rows']; sys.exit(0 if r[0]['csat'] is None and r[0]['orders']==1 else 1)" "$WORK/none.json"
then pass "no answers: the site's CSAT is null"; else fail "no answers: the site's CSAT is null" "$(cat "$WORK/none.json")"; fi

# the same store recomputed with scipy
export DANGOL_DB="$WORK/demo.db"
"$DANGOL" --quiet demo --customers 3000 --csv "$WORK/csv" >/dev/null 2>&1 || fail "demo store"
for args in "staff 180" "site 180" "staff 60"; do
  set -- $args
  "$DANGOL" --quiet --format json staff --by "$1" --repeat-days "$2" --as-of 2025-12-31 > "$WORK/$1.json"
  if $PY "$ROOT/tests/e2e/helpers/staff_check.py" "$WORK/csv" 2025-12-31 "$1" "$2" "$WORK/$1.json" > "$WORK/check.txt" 2>&1
  then pass "scipy recomputes dangol staff --by $1 --repeat-days $2 ($(tail -1 "$WORK/check.txt"))"
  else fail "scipy recomputes dangol staff --by $1 --repeat-days $2" "$(cat "$WORK/check.txt")"; fi
done
expect_output "site view has a row per site" "^ +[0-9]+ +Online " "$DANGOL" staff --by site

# the known effects of docs/demo.md, on the documented demo (20,000 customers, seed 1)
export DANGOL_DB="$WORK/big.db"
"$DANGOL" --quiet demo >/dev/null 2>&1 || fail "20,000-customer demo"
"$DANGOL" --quiet --format csv staff --rank rating > "$WORK/rating.csv"
last_two=$(tail -2 "$WORK/rating.csv" | cut -d, -f2 | sort | tr '\n' ' ')
if [ "$last_two" = "ST007 ST044 " ]; then pass "the two weak staff members rank last by rating"
else fail "the two weak staff members rank last by rating (got $last_two)" "$(cat "$WORK/rating.csv")"; fi
if sed -n '2,4p' "$WORK/rating.csv" | grep -q '^[0-9]*,ST014,'; then pass "the strong staff member ranks in the top three"
else fail "the strong staff member ranks in the top three" "$(head -5 "$WORK/rating.csv")"; fi
