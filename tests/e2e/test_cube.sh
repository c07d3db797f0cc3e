# dangol cube: pivots, rollup, line-grain product dimensions, filters, formats and bad input.
. "$(dirname "$0")/lib.sh"
DATA="$ROOT/tests/data/cube"
"$DANGOL" init --currency KRW > /dev/null
for e in customers products orders order_lines; do "$DANGOL" import "$e" "$DATA/$e.csv" > /dev/null; done

"$DANGOL" --format csv cube --rows month --cols channel --rollup > "$WORK/pivot.csv"
printf 'month,store,web,Total\n2024-01,,150,150\n2024-02,270,,270\n2024-03,30,,30\nTotal,300,150,450\n' > "$WORK/want.csv"
expect_same   "month x channel with rollup" "$WORK/pivot.csv" "$WORK/want.csv"
expect_output "category counts lines, orders once" "^Total +450 +5 +3" \
              "$DANGOL" cube --rows category --measure revenue,orders,customers --rollup
expect_output "filters on customer attributes" '"age":"30-39","gender":"F","revenue":400' \
              "$DANGOL" --format json cube --rows age,gender --where "region=Seoul"
expect_output "top-N by revenue" "^Beta,270" "$DANGOL" --format csv cube --rows brand --top 1
expect_output "as-of ignores later orders" "^Total,420" \
              "$DANGOL" --format csv cube --rows quarter --rollup --as-of 2024-02-28
expect_exit   "unknown dimension exits 2" 2 "$DANGOL" cube --rows month --cols chanel
expect_output "unknown dimension lists valid ones" 'unknown dimension "chanel"; valid: year, quarter, month' \
              "$DANGOL" cube --cols chanel
expect_output "a misspelled product level lists the product levels too" \
              'valid: year, .*, segment, stage, activity, category, brand, product$' \
              "$DANGOL" cube --rows categry
expect_exit   "a reversed month range exits 2" 2 "$DANGOL" cube --where "month=2025-06..2025-01"
expect_output "a reversed range says so" 'range month=2025-06..2025-01 is reversed' \
              "$DANGOL" cube --where "month=2025-06..2025-01"
expect_output "month 13 is not a month" 'bad month "2025-13"' \
              "$DANGOL" cube --where "month=2025-13..2024"
expect_output "unknown measure lists valid ones" 'valid: revenue, orders, customers' \
              "$DANGOL" cube --measure profit
expect_output "unknown value lists valid ones" 'unknown value "Seol" for region; valid: Busan, Seoul' \
              "$DANGOL" cube --where "region=Seol"
expect_output "bad filter syntax says what is expected" 'expected DIM=VALUE' \
              "$DANGOL" cube --where "region"

# cohorts: C1 (Jan) buys in Jan and Feb, C2 (Jan) in Jan, C3 (Feb) in Feb and Mar; as of 2024-03-25
"$DANGOL" --format csv cohort > "$WORK/cohort.csv"
printf 'cohort,customers,M0,M1,M2\n2024-01,2,1,0.5,0\n2024-02,1,1,1,\n' > "$WORK/want.csv"
expect_same   "cohort retention by acquisition month" "$WORK/cohort.csv" "$WORK/want.csv"
expect_output "cohort revenue by channel" "^web,2,170,230,0" \
              "$DANGOL" --format csv cohort --by channel --measure revenue
expect_output "cohort by first category" "^Skin,3,3,2,0" \
              "$DANGOL" --format csv cohort --by category --measure active
expect_exit   "unknown cohort exits 2" 2 "$DANGOL" cohort --by chan
expect_output "unknown cohort lists valid ones" "valid: month, channel, category" \
              "$DANGOL" cohort --by chan

# Korean names of sites (the vocabulary's site domain) filter as their codes do
SITES="$WORK/sites.db"
"$DANGOL" -q --db "$SITES" demo --customers 300 --seed 4 --no-lines
"$DANGOL" --db "$SITES" --format csv cube --rows month --where "site=Seoul Gangnam" > "$WORK/site_code.csv"
"$DANGOL" --db "$SITES" --format csv cube --rows month --where "매장=강남점" > "$WORK/site_ko.csv"
expect_output "the demo has orders at Seoul Gangnam" "^20[0-9][0-9]-[0-9][0-9],[1-9]" cat "$WORK/site_code.csv"
expect_same   "매장=강남점 answers as site=Seoul Gangnam" "$WORK/site_ko.csv" "$WORK/site_code.csv"
