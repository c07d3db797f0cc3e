# dangol clv on the CDNOW data: the published estimates through the CLI, every subcommand in
# every format, and usage errors.
. "$(dirname "$0")/lib.sh"
LOG="$SHARED/data/CDNOW_sample.txt"
SUM="$SHARED/data/cdnow_customers_summary.csv"
expect_output "fit from the log reproduces BG/NBD r" "^bgnbd,r,0\.242(5[5-9]|6)" \
  "$DANGOL" --format csv clv fit --transactions "$LOG" --calibration-end 1997-09-30
expect_output "fit from the log reproduces Gamma-Gamma q" "^gammagamma,q,3\.74" \
  "$DANGOL" --format csv clv fit --transactions "$LOG" --calibration-end 1997-09-30
expect_output "fit from the summary CSV reproduces the BG/NBD LL (columns LL, customers, converged, evaluations)" \
  "^bgnbd,b,[0-9.]+,[0-9.]+,-9582\.4[0-9]*,2357,1,[1-9][0-9]*$" \
  "$DANGOL" --format csv clv fit --summary "$SUM"
expect_output "fit as JSON has the fit's fields" \
  '"parameter":"q",.*"n_customers":946,"converged":1,"n_evaluations":[1-9]' \
  "$DANGOL" --format json clv fit --transactions "$LOG" --calibration-end 1997-09-30
expect_output "Pareto/NBD from the summary" "^paretonbd,s,0\.606" \
  "$DANGOL" --format csv clv fit --summary "$SUM" --model paretonbd
expect_output "predict lists the top customer by CLV" "^05420 " \
  "$DANGOL" clv predict --transactions "$LOG" --calibration-end 1997-09-30 --horizon 52 \
  --discount-rate 0.01 --top 3
expect_output "predict with Pareto/NBD has DERT" "^customer_id,.*,clv,dert$" \
  "$DANGOL" --format csv clv predict --model paretonbd --transactions "$LOG" \
  --calibration-end 1997-09-30 --discount-rate 0.01 --top 3
# one default discount rate (DG_CLV_DEFAULT_DISCOUNT_RATE, 0), stated beside the table as on the
# dashboard and the card; an explicit rate is stated too and changes the figures
expect_output "predict states the default horizon and rate" "note: CLV over the next 52 weeks, discounted at 0 % per week" \
  "$DANGOL" clv predict --transactions "$LOG" --calibration-end 1997-09-30 --top 3
expect_output "predict states an explicit rate" "note: CLV over the next 52 weeks, discounted at 1 % per week" \
  "$DANGOL" clv predict --transactions "$LOG" --calibration-end 1997-09-30 --discount-rate 0.01 --top 3
"$DANGOL" --format csv clv predict --transactions "$LOG" --calibration-end 1997-09-30 --top 5 > "$WORK/clv_default.csv" 2>/dev/null
"$DANGOL" --format csv clv predict --transactions "$LOG" --calibration-end 1997-09-30 --top 5 --discount-rate 0 > "$WORK/clv_zero.csv" 2>/dev/null
"$DANGOL" --format csv clv predict --transactions "$LOG" --calibration-end 1997-09-30 --top 5 --discount-rate 0.01 > "$WORK/clv_one.csv" 2>/dev/null
expect_same "predict's default rate is 0 (undiscounted)" "$WORK/clv_default.csv" "$WORK/clv_zero.csv"
if cmp -s "$WORK/clv_default.csv" "$WORK/clv_one.csv"; then fail "a discount rate changes CLV"; else pass "a discount rate changes CLV"; fi
out=$("$DANGOL" --format csv clv predict --transactions "$LOG" --calibration-end 1997-09-30 --top 10)
if [ "$(printf '%s\n' "$out" | wc -l)" -eq 11 ]; then pass "predict --top 10 prints 10 rows"; else fail "predict --top 10" "$out"; fi
expect_output "predict as JSON" '"p_alive":' \
  "$DANGOL" --format json clv predict --summary "$SUM" --top 2
expect_output "validate reports the holdout total" '"metric":"total_actual","value":1882' \
  "$DANGOL" --format json clv validate --transactions "$LOG" --calibration-end 1997-09-30
expect_output "track ends at week 78 with 4339 repeat purchases" "^78,1998-06-30,4339," \
  "$DANGOL" --format csv clv track --transactions "$LOG" --calibration-end 1997-09-30
expect_output "days as the unit" "^bgnbd,alpha," \
  "$DANGOL" --format csv clv fit --transactions "$LOG" --calibration-end 1997-09-30 --unit days
expect_output "BG/BB from the log in weeks (whole weeks as opportunities)" "^bgbb,delta,[0-9.]+,[0-9.]+" \
  "$DANGOL" --format csv clv fit --model bgbb --transactions "$LOG" --calibration-end 1997-09-30
expect_output "BG/BB validate counts holdout weeks with a purchase" '"metric":"holdout_length","value":39' \
  "$DANGOL" --format json clv validate --model bgbb --transactions "$LOG" --calibration-end 1997-09-30
expect_exit "track with bgbb is a usage error" 2 "$DANGOL" clv track --model bgbb --transactions "$LOG"
expect_exit "unknown model is a usage error" 2 "$DANGOL" clv fit --summary "$SUM" --model nbd
expect_exit "no store and no file exits 3" 3 "$DANGOL" clv fit
expect_exit "validate without --calibration-end" 2 "$DANGOL" clv validate --transactions "$LOG"
expect_exit "missing file exits 3" 3 "$DANGOL" clv fit --summary "$WORK/none.csv"
printf 'ID,frequency,recency,T\n1,2,5,3\n2,0,0,4\n3,1,1,4\n4,3,2,5\n' > "$WORK/bad.csv"
expect_output "recency > T names the customer by its id" "customer \"1\" .*recency must not exceed T" \
  "$DANGOL" clv fit --summary "$WORK/bad.csv"
printf 'frequency,recency,n_periods\n2,4,6\n0,0,6\n3,9,6\n' > "$WORK/noid.csv"
expect_output "without an id column a bad row is named by file:line, not a row number" \
  'customer "noid.csv:4" .*recency must not exceed T' \
  "$DANGOL" clv fit --model bgbb --summary "$WORK/noid.csv"
printf 'frequency,recency,n_periods\n2,4,6\n0,0,6\n3,5,6\n1,2,6\n4,6,6\n' > "$WORK/noid2.csv"
expect_output "without an id column predict names rows by file:line" "^noid2.csv:6," \
  "$DANGOL" --format csv clv predict --model bgbb --summary "$WORK/noid2.csv"
# a fit no start can carry (weights past any count of customers) is exit 1, with each start's
# beginning and end in the message
printf 'frequency,recency,T,weights\n2,30,39,1e300\n0,0,39,1e300\n5,20,39,1e300\n' > "$WORK/huge.csv"
expect_exit "an unfittable summary exits 1" 1 "$DANGOL" clv fit --summary "$WORK/huge.csv"
expect_output "the message says where each start stopped" \
  "could not be maximised from any of 3 starts .*: start 1 \(0\.5, .*\) stopped at \(.*; start 3 \(" \
  "$DANGOL" clv fit --summary "$WORK/huge.csv"
printf 'ID,frequency,recency,T\n1,x,5,3\n' > "$WORK/bad2.csv"
expect_output "a bad number names file:line:column" "bad2.csv:2:2:" \
  "$DANGOL" clv fit --summary "$WORK/bad2.csv"
# One fit whatever the path the data took (issue 21): the log, its summary written exactly, and a
# store the log was imported into give the same estimates to 1e-8 (relative), for every model.
/usr/bin/python3 "$ROOT/tests/helpers/cdnow_summary.py" "$LOG" 1997-09-30 > "$WORK/cdnow_exact.csv"
/usr/bin/python3 "$ROOT/tests/helpers/cdnow_summary.py" --discrete "$LOG" 1997-09-30 > "$WORK/cdnow_bgbb.csv"
CDB="$WORK/cdnow.db"
"$DANGOL" --db "$CDB" init --currency USD >/dev/null
"$DANGOL" --db "$CDB" -q import orders "$LOG" --delimiter whitespace --no-header \
  --columns customer_id,-,ordered_at,units,total --create-customers >/dev/null
# same_fit NAME MODEL FILE1 FILE2: every estimate of MODEL in the two fit CSVs agrees to 1e-8
same_fit() {
  if diff=$(awk -F, -v m="$2" '$1 == m && FNR == NR { want[$2] = $3; next }
      $1 == m { n++; d = $3 - want[$2]; if (d < 0) d = -d
                if (!($2 in want) || d > 1e-8 * (want[$2] < 0 ? -want[$2] : want[$2])) {
                  print $2, want[$2], $3; bad = 1 } }
      END { if (n != (m == "gammagamma" ? 3 : 4)) { print "rows", n; bad = 1 }; exit bad }' "$3" "$4")
  then pass "$1"; else fail "$1" "$diff"; fi
}
for model in bgnbd mbgnbd paretonbd bgbb; do
  "$DANGOL" --format csv clv fit --model $model --transactions "$LOG" --calibration-end 1997-09-30 > "$WORK/fit_log.csv"
  summary="$WORK/cdnow_exact.csv"; [ $model = bgbb ] && summary="$WORK/cdnow_bgbb.csv"
  "$DANGOL" --format csv clv fit --model $model --summary "$summary" > "$WORK/fit_summary.csv"
  "$DANGOL" --db "$CDB" --format csv clv fit --model $model --calibration-end 1997-09-30 > "$WORK/fit_store.csv"
  same_fit "$model: the log and the exact summary give one fit" $model "$WORK/fit_log.csv" "$WORK/fit_summary.csv"
  same_fit "$model: the log and the store give one fit" $model "$WORK/fit_log.csv" "$WORK/fit_store.csv"
done
same_fit "gammagamma: the log and the store give one fit" gammagamma "$WORK/fit_log.csv" "$WORK/fit_store.csv"
# Threads (issue 20): CDNOW fifty times over, each copy's T moved by a millionth of a week per
# copy (117,850 customers in ~50,000 patterns: a pilot fit, sums over 13 chunks) prints the same
# bits on 1 and 2 threads; --threads takes whole numbers from 1 to 64.
awk -F, 'NR == 1 { print; next } { line[++n] = $0 }
  END { for (k = 0; k < 50; k++) for (i = 1; i <= n; i++) { split(line[i], f, ",")
          printf "%s-%d,%s,%s,%.17g\n", f[1], k, f[2], f[3], f[4] + k * 1e-6 } }' \
  "$WORK/cdnow_exact.csv" > "$WORK/cdnow50.csv"
"$DANGOL" --format csv clv fit --threads 1 --summary "$WORK/cdnow50.csv" > "$WORK/fit_t1.csv"
"$DANGOL" --format csv clv fit --threads 2 --summary "$WORK/cdnow50.csv" > "$WORK/fit_t2.csv"
if [ -s "$WORK/fit_t1.csv" ] && cmp -s "$WORK/fit_t1.csv" "$WORK/fit_t2.csv" &&
   grep -q '^bgnbd,r,0\.24' "$WORK/fit_t1.csv"; then
  pass "clv fit --threads 1 and 2 print the same fit"
else
  fail "clv fit --threads 1 and 2 print the same fit" "$(cat "$WORK/fit_t1.csv" "$WORK/fit_t2.csv")"
fi
expect_exit "--threads 0 is refused" 2 "$DANGOL" clv fit --threads 0 --summary "$WORK/cdnow50.csv"
expect_exit "--threads 2.5 is refused" 2 "$DANGOL" clv fit --threads 2.5 --summary "$WORK/cdnow50.csv"
# the store: orders through the frame
"$DANGOL" --quiet demo --customers 600 --seed 3 >/dev/null 2>&1
expect_output "fit from the store" "^bgnbd,r,[0-9.]+,[0-9.]*,-[0-9.]+,[0-9]+,[01]," \
  "$DANGOL" --format csv clv fit
expect_output "BG/BB from the store" "^bgbb,alpha," "$DANGOL" --format csv clv fit --model bgbb
expect_output "predict from the store names customers" "^C[0-9]+," \
  "$DANGOL" --format csv clv predict --top 3 --discount-rate 0.01
expect_output "validate from the store" '"metric":"correlation"' \
  "$DANGOL" --format json clv validate --calibration-end 2025-06-30
expect_output "track from the store" "^period,period_end,actual_cumulative" \
  "$DANGOL" --format csv clv track --period-days 30
# refunds are valid data: two orders of -5,000,000 leave one customer out of the spend model
# (a note on stderr and in JSON, no spend or CLV for them), and the others still get theirs
refunder=$("$DANGOL" --format csv clv predict --top 1 | sed -n '2s/,.*//p')
printf 'order_id,customer_id,ordered_at,total\nREFUND-1,%s,2025-03-03,-5000000\nREFUND-2,%s,2025-04-04,-5000000\n' \
  "$refunder" "$refunder" > "$WORK/refunds.csv"
"$DANGOL" --quiet import orders "$WORK/refunds.csv"
expect_output "refunds: predict still ranks the others" "^C[0-9]+," \
  "$DANGOL" --format csv clv predict --top 3
expect_output "refunds: predict notes on stderr how many the spend model left out" \
  "note: the Gamma-Gamma spend model left out 1 customer whose mean repeat purchase value is 0 or negative" \
  "$DANGOL" --format csv clv predict --top 3
expect_output "refunds: the JSON carries the note and a null CLV for that customer" \
  "\{\"customer_id\":\"$refunder\",.*\"expected_spend\":null,\"clv\":null\}.*\"notes\":\[\"the Gamma-Gamma" \
  sh -c "'$DANGOL' --format json clv predict | tr -d '\n'"
expect_output "refunds: fit reports the customers left out" \
  "note: Gamma-Gamma fitted [0-9]+ customers and left out [0-9]+ without a repeat purchase and 1 whose mean" \
  "$DANGOL" --format csv clv fit
expect_output "refunds: the card shows a dash for that customer's CLV" \
  "CLV, next 52 weeks.*- \(mean repeat purchase value is 0 or negative" \
  "$DANGOL" customer show "$refunder"
# a summary with the weights column (the donations data, as the Python CLV library ships it)
expect_output "weighted donations summary gives the published BG/BB alpha and delta" \
  "^bgbb,alpha,1\.20[0-9]*,.*,-33225\.5[0-9]*,11104,1,.*" \
  "$DANGOL" --format csv clv fit --model bgbb --summary "$SHARED/data/donations.csv"
printf 'ID,frequency,recency,T,weigths\n1,2,5,8,3\n' > "$WORK/typo.csv"
expect_output "an unknown summary column is refused with file:line:column" \
  "typo.csv:1:5: unknown column \"weigths\"" "$DANGOL" clv fit --summary "$WORK/typo.csv"
