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
expect_output "recency > T names the customer" "customer 1 .*recency must not exceed T" \
  "$DANGOL" clv fit --summary "$WORK/bad.csv"
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
