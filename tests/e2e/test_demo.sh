# dangol demo: a store and CSV files from one command, determinism across runs, the files import
# back into a fresh store with the same counts, and option errors.
. "$(dirname "$0")/lib.sh"
db1="$WORK/d1.db"; db2="$WORK/d2.db"; db3="$WORK/d3.db"

expect_ok "demo builds a store and CSV files" \
  "$DANGOL" --db "$db1" demo --customers 400 --seed 9 --csv "$WORK/a"
expect_output "demo reports its rows" "orders +[0-9,]+" \
  "$DANGOL" --db "$db2" demo --customers 400 --seed 9 --csv "$WORK/b"
for f in "$WORK"/a/*.csv; do
  expect_same "same seed, same $(basename "$f")" "$f" "$WORK/b/$(basename "$f")"
done
same=1
for e in staff customers products orders order_lines feedback surveys interactions referrals \
         partner_activities marketing_spend; do
  "$DANGOL" --db "$db1" export "$e" --reason test > "$WORK/e1.csv" || same=0
  "$DANGOL" --db "$db2" export "$e" --reason test > "$WORK/e2.csv" || same=0
  cmp -s "$WORK/e1.csv" "$WORK/e2.csv" || same=0
done
if [ $same = 1 ]; then pass "same seed, same store contents"; else fail "same seed, same store contents"; fi
"$DANGOL" --quiet demo --no-store --customers 400 --seed 10 --csv "$WORK/c"
if cmp -s "$WORK/a/orders.csv" "$WORK/c/orders.csv"; then
  fail "another seed gives other orders"
else
  pass "another seed gives other orders"
fi
expect_output "csv header in catalog order" "^order_id,customer_id,ordered_at,channel," head -1 "$WORK/a/orders.csv"
expect_output "Korean names" "^C00000001,[^,a-zA-Z0-9]+,010-" sed -n 2p "$WORK/a/customers.csv"

# Import every file, in catalog order, into a fresh store: counts equal the demo store's.
"$DANGOL" --db "$db3" --quiet init
ok=1
for e in staff customers products orders order_lines feedback surveys interactions referrals \
         partner_activities marketing_spend; do
  "$DANGOL" --db "$db3" --quiet import "$e" "$WORK/a/$e.csv" >/dev/null 2>"$WORK/err" || { ok=0; cat "$WORK/err" >&2; }
done
if [ $ok = 1 ]; then pass "every demo CSV imports"; else fail "every demo CSV imports"; fi
"$DANGOL" --db "$db1" --format csv stats > "$WORK/s1"
"$DANGOL" --db "$db3" --format csv stats > "$WORK/s3"
expect_same "imported store has the demo store's counts" "$WORK/s1" "$WORK/s3"
"$DANGOL" --db "$db1" export orders > "$WORK/orders.exported.csv"
expect_same "export of the demo store equals the demo CSV" "$WORK/a/orders.csv" "$WORK/orders.exported.csv"

expect_exit   "a second demo into the same store is refused" 1 "$DANGOL" --db "$db1" demo --customers 10
expect_output "... saying why" "empty store" "$DANGOL" --db "$db1" demo --customers 10
expect_exit   "bad --customers" 2 "$DANGOL" --db "$WORK/x.db" demo --customers many
expect_exit   "bad --as-of" 2 "$DANGOL" --db "$WORK/x.db" demo --as-of 2025-13-01
expect_exit   "--no-store needs --csv" 2 "$DANGOL" demo --no-store
expect_output "--help" "usage: dangol .*demo" "$DANGOL" demo --help
expect_ok     "--as-of moves the history" "$DANGOL" --db "$WORK/y.db" --quiet demo --customers 50 --as-of 2024-06-30
expect_output "... and no order is later" "^orders,[0-9]+,20[0-9-]+,2024-0[1-6]-[0-9]+$" "$DANGOL" --db "$WORK/y.db" --format csv stats

# `make demo` itself (scripts/demo.sh) on a small store in the scratch directory; CI=1 and no
# terminal, so it prints the serve command instead of serving.
if CI=1 DEMO_CUSTOMERS=500 DEMO_DB="$WORK/demo.db" DANGOL="$DANGOL" sh "$ROOT/scripts/demo.sh" \
     < /dev/null > "$WORK/demo.out" 2>&1; then
  pass "scripts/demo.sh runs to the end"
else
  fail "scripts/demo.sh runs to the end" "$(cat "$WORK/demo.out")"
fi
while IFS='|' read -r what pattern; do
  if grep -Eq -- "$pattern" "$WORK/demo.out"; then
    pass "scripts/demo.sh prints $what"
  else
    fail "scripts/demo.sh prints $what: no match for /$pattern/" "$(cat "$WORK/demo.out")"
  fi
done <<'SECTIONS'
its size from DEMO_CUSTOMERS|^customers +500 +20
the ladder funnel|^Relationship funnel on 2025-12-31$
the funnel's last step|^partner +[0-9,]+ +[0-9.]+% +[0-9.]+% +[0-9,]+$
the RFM segment table|^RFM segments$
the Champions segment|^Champions +[0-9,]+ +[0-9.]+% +[0-9,]+ +[0-9.]+%
NPS with its answers|^NPS +-?[0-9.]+ +[0-9,]+ +-?[0-9.]+ +-?[0-9.]+ +% promoters
NPS by behavioural stage|^NPS by behavioural stage \(orders alone, before advocacy\)$
the CLV parameters|^bgnbd +alpha +[0-9.]+
the Gamma-Gamma parameters|^gammagamma +gamma +[0-9,.]+
the cube|^revenue by quarter × channel$
the cohorts|^cohort retention by month since acquisition$
the serve command instead of serving|^dashboard: run `.* serve --port [0-9]+`
SECTIONS

# The purchase process recovers its documented true parameters when fitted independently
# (scipy maximum likelihood, tests/e2e/helpers/fit_demo.py) on 20,000 customers, seed 1.
"$DANGOL" --quiet demo --no-store --no-lines --customers 20000 --seed 1 --csv "$WORK/fit"
if /usr/bin/python3 "$ROOT/tests/e2e/helpers/fit_demo.py" "$WORK/fit/orders.csv" 2025-12-31 > "$WORK/fit.txt" 2>&1; then
  # name, true value (DG_DEMO_TRUE_*, docs/demo.md), allowed relative error: about 2.5 standard
  # errors at this size (a and b, the dropout, are the least precise: ~13% and ~16%)
  while read -r name truth tol; do
    got=$(awk -v n="$name" '$1 == n { print $2 }' "$WORK/fit.txt")
    if awk -v g="$got" -v t="$truth" -v e="$tol" 'BEGIN { d = (g - t) / t; exit !(g != "" && d < e && d > -e) }'; then
      pass "BG/NBD/Gamma-Gamma fit recovers $name = $truth (got $got)"
    else
      fail "BG/NBD/Gamma-Gamma fit recovers $name = $truth (got $got)" "$(cat "$WORK/fit.txt")"
    fi
  done <<'TRUE'
r 0.6 0.10
alpha 16.0 0.12
a 1.0 0.30
b 4.0 0.40
gg_p 6.0 0.20
gg_q 3.8 0.15
gg_gamma 14000 0.20
TRUE
else
  fail "fit_demo.py runs" "$(cat "$WORK/fit.txt")"
fi

# dangol's own fit (day-level, same-day purchases merged, Gamma-Gamma on repeat purchases) on the
# same file recovers them too: the demo never puts two orders of a customer on one day.
"$DANGOL" --format csv clv fit --transactions "$WORK/fit/orders.csv" --calibration-end 2025-12-31 \
  > "$WORK/clv.csv" 2>&1
while read -r model name truth tol; do
  got=$(awk -F, -v m="$model" -v n="$name" '$1 == m && $2 == n { print $3 }' "$WORK/clv.csv")
  if awk -v g="$got" -v t="$truth" -v e="$tol" 'BEGIN { d = (g - t) / t; exit !(g != "" && d < e && d > -e) }'; then
    pass "dangol clv fit recovers $model $name = $truth (got $got)"
  else
    fail "dangol clv fit recovers $model $name = $truth (got $got)" "$(cat "$WORK/clv.csv")"
  fi
done <<'TRUE'
bgnbd r 0.6 0.10
bgnbd alpha 16.0 0.12
bgnbd a 1.0 0.30
bgnbd b 4.0 0.40
gammagamma p 6.0 0.20
gammagamma q 3.8 0.15
gammagamma gamma 14000 0.20
TRUE

# ---- --loyalty: tiers and a points history written through the services, deterministic
dbl="$WORK/loyalty.db"
"$DANGOL" --db "$dbl" --format csv demo --customers 600 --seed 5 --loyalty > "$WORK/loyalty.csv" 2>&1 \
  || fail "demo --loyalty" "$(cat "$WORK/loyalty.csv")"
"$DANGOL" --db "$WORK/loyalty2.db" --format csv demo --customers 600 --seed 5 --loyalty > "$WORK/loyalty2.csv" 2>&1
expect_same "--loyalty: the same seed gives the same counts" "$WORK/loyalty.csv" "$WORK/loyalty2.csv"
lsql() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$dbl" "$1"; }
check_l() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got \"$3\", wanted \"$2\""; fi; }
check_l "--loyalty: every order that earns earned once" 0 \
  "$(lsql "SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM points_movements p WHERE p.source_id = o.order_id AND p.kind = 'earn') > 1")"
check_l "--loyalty: earns, burns and expiries all present" 3 \
  "$(lsql "SELECT count(DISTINCT kind) FROM points_movements WHERE kind IN ('earn', 'burn', 'expire')")"
check_l "--loyalty: the balance invariant (ledger sum = lots' remaining, never below 0)" 0 \
  "$(lsql "SELECT count(*) FROM (SELECT customer_id, sum(points) AS s FROM points_movements GROUP BY customer_id) m LEFT JOIN (SELECT customer_id, sum(remaining) AS r FROM points_lots GROUP BY customer_id) l USING (customer_id) WHERE m.s <> coalesce(l.r, 0) OR m.s < 0")"
check_l "--loyalty: tiers evaluated quarterly up to the last day, with upgrades and downgrades" "1|2" \
  "$(lsql "SELECT ((SELECT count(*) FROM tier_runs) >= 8 AND (SELECT max(as_of) FROM tier_runs) = (SELECT max(ordered_at) / 86400 FROM orders)) || '|' || (SELECT count(DISTINCT reason <> 'upgrade') FROM tier_history)")"
check_l "--loyalty: earns of customers in a higher tier on the order's day are above the base rate" 1 \
  "$(lsql "SELECT count(*) > 0 FROM points_movements p JOIN orders o ON o.order_id = p.source_id WHERE p.kind = 'earn' AND p.points > o.total / 100 AND (SELECT to_tier FROM tier_history h WHERE h.customer_id = o.customer_id AND h.changed_on <= o.ordered_at / 86400 ORDER BY changed_on DESC, history_id DESC LIMIT 1) IN ('silver', 'gold', 'vip')")"
expect_output "--loyalty: the counts are printed" "^points_earns,points_burns,lots_expired,tier_upgrades,tier_downgrades" \
  cat "$WORK/loyalty.csv"
expect_exit "--loyalty needs the store" 2 "$DANGOL" demo --no-store --csv "$WORK/x" --loyalty
