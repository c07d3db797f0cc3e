# Loyalty commands on a small store (tests/data/loyalty): rfm, stage, loyalty, their options,
# formats and errors. Stages and scores are worked out in the unit tests; here the wiring.
. "$(dirname "$0")/lib.sh"
DATA="$ROOT/tests/data/loyalty"
"$DANGOL" init >/dev/null
for e in customers orders surveys referrals partner_activities feedback; do
  "$DANGOL" --quiet import "$e" "$DATA/$e.csv" >/dev/null || fail "import $e"
done
expect_output "rfm lists the segments" "^Champions +0" "$DANGOL" rfm
expect_output "rfm counts customers without orders" "\(no orders\) +2" "$DANGOL" rfm
expect_output "rfm notes empty bins" "note: some score bins are empty" "$DANGOL" rfm
expect_output "rfm --bins marks the empty bin" "F \(orders\) +4 +0 .*empty" "$DANGOL" rfm --bins
expect_output "rfm --customers as csv" "^C01,13,4,330000,2,5,4,254,Can't Lose" "$DANGOL" rfm --customers --format csv
expect_output "rfm as json" '"segment":"Lost"' "$DANGOL" rfm --format json
expect_output "rfm --as-of ignores later orders" "^C01,,0|^C03,0,1,15000" "$DANGOL" rfm --as-of 2023-03-01 --customers --format csv
printf 'segment,r,f,m\nEveryone,1-5,1-5,1-5\n' > "$WORK/one.csv"
expect_output "rfm --segments replaces the map" "^Everyone +6" "$DANGOL" rfm --segments "$WORK/one.csv"
printf 'segment,r,f,m\nMost,1-5,1-5,1-4\n' > "$WORK/gap.csv"
expect_exit "a map with a gap is refused" 1 "$DANGOL" rfm --segments "$WORK/gap.csv"
expect_output "the gap is named" "no segment holds \(R 1, F 1, M 5\)" "$DANGOL" rfm --segments "$WORK/gap.csv"
expect_exit "a missing map file exits 3" 3 "$DANGOL" rfm --segments "$WORK/none.csv"
expect_exit "a bad --as-of is a usage error" 2 "$DANGOL" rfm --as-of 2024-13-01

expect_output "stage counts" "^partner +2 +25.0%" "$DANGOL" stage
expect_output "stage funnel" "^advocate +3 +37.5% +100.0%" "$DANGOL" stage --funnel
expect_output "stage per customer" "^C04,advocate,active,3,2024-06-01" "$DANGOL" stage --customers --format csv
expect_output "stage at an earlier date" "^C02,client,lapsed,2,2023-03-11" "$DANGOL" stage --at 2024-01-31 --customers --format csv
expect_output "migration matrix" "^client +0 +1 +0 +0 +1 +2" "$DANGOL" stage --migration 2023-12-31 2024-06-02
expect_output "history at month ends" "^2024-03-31 +1 +3 +2 +0 +0 +0 +3" "$DANGOL" stage --history --from 2024-01-01
expect_exit "--migration needs two dates" 2 "$DANGOL" stage --migration 2024-01-01
expect_exit "a date after the data is refused" 1 "$DANGOL" stage --at 2030-01-01
printf 'client_min_orders = 5\n' > "$WORK/rules.conf"
expect_output "stage --rules overrides a default" "^client +0|^customer +6" "$DANGOL" stage --rules "$WORK/rules.conf"
printf 'client_min_orders = lots\n' > "$WORK/bad.conf"
expect_output "a bad rules file names the position" "bad.conf:1:21" "$DANGOL" stage --rules "$WORK/bad.conf"

expect_output "loyalty NPS with n and interval (one decimal, as in the breakdowns)" "^NPS +25.0 +4 +-44.2 +72.7 " "$DANGOL" loyalty
# by behavioural stage: C01, C04, C06 are clients by orders (partner, advocate, partner on the
# ladder) with NPS 10, 8, 9; C02, C03, C05 customers with one answer in the window (C05: 6)
expect_output "loyalty NPS by behavioural stage: clients" "^client +3 +3 +66.7 .* 3 +100.0%" "$DANGOL" loyalty
expect_output "loyalty NPS by behavioural stage: customers" "^customer +3 +1 +-100.0 .* 1 +0.0%" "$DANGOL" loyalty
expect_output "loyalty says the stage is before advocacy" "advocates and partners count as clients" "$DANGOL" loyalty
expect_output "loyalty flags behavioural-only customers" "4 without survey answers" "$DANGOL" loyalty
expect_output "loyalty per customer" "^C02,478,29,0,0,1,,,,,0.239[0-9]*,,23.94[0-9]*,yes" "$DANGOL" loyalty --customers --format csv
expect_output "loyalty as json: CSAT is a fraction" '"measure":"CSAT","value":0\.[0-9]+,' "$DANGOL" loyalty --format json
printf 'attitudinal_weight = 0\n' > "$WORK/loyalty.conf"
expect_output "loyalty --config" "^C01,.*,65.23[0-9]*,yes" "$DANGOL" loyalty --customers --format csv --config "$WORK/loyalty.conf"
# --view: one table each, the same as in the three-table report (a CSV without '#' sections)
"$DANGOL" --format csv loyalty > "$WORK/all.csv" 2>/dev/null
for v in summary:measure segments:segment stages:stage; do
  first=${v#*:} v=${v%:*}
  "$DANGOL" --format csv loyalty --view $v > "$WORK/$v.csv" 2>/dev/null
  if ! grep -q '^#' "$WORK/$v.csv" && [ "$(grep -c '' "$WORK/$v.csv")" -gt 1 ] &&
     [ "$(head -1 "$WORK/$v.csv" | cut -d, -f1)" = "$first" ] &&
     ! grep -vxF -f "$WORK/all.csv" "$WORK/$v.csv" > /dev/null; then
    pass "loyalty --view $v is one table of the full report"
  else
    fail "loyalty --view $v" "$(cat "$WORK/$v.csv")"
  fi
done
expect_exit "loyalty --view with a bad name is a usage error" 2 "$DANGOL" loyalty --view pie
expect_exit "loyalty --view with --customers is a usage error" 2 "$DANGOL" loyalty --view summary --customers
