# dangol on a PostgreSQL cluster (docs/postgresql.md "Cluster"): a coordinator and 3 workers,
# real PostgreSQL 15 servers on free loopback ports (tests/e2e/pg.sh), one more for a node added
# later. The same demo business is imported into SQLite, a single PostgreSQL and the coordinator,
# which `cluster init` then spreads over the workers; every report is compared byte for byte
# across the three. EXPLAIN shows the per-customer aggregates pushed into the workers' scans; a
# worker killed during a query gives an error naming it (exit 4), and the cluster answers again
# once it is back; a partition moved to a new node changes no answer. ANALYZE on a worker keeps
# no value of a column an erasure empties; an order is returned through the coordinator. The
# services' per-customer tables (tiers, consent, campaign members, MOT visits, the points ledger,
# tickets, order returns) are partitioned with the customers, written through the coordinator (at
# once, too: through two servers) and answer as on SQLite.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg.sh"
. "$(dirname "$0")/server.sh"
D="$DANGOL"

trap 'pg_stop_all; rm -rf "$WORK"' EXIT
for name in coord w1 w2 w3 w4; do
  pg_start "$name" || { fail "PostgreSQL server $name starts (make deps installs postgresql-15)"; exit 0; }
done
pass "5 PostgreSQL servers start (coordinator, 3 workers, 1 spare)"
pg_use coord
P=$(pg_newdb shop)
C=$(pg_newdb coord)
for w in w1 w2 w3 w4; do pg_use "$w"; eval "URL_$w=\$(pg_newdb part)"; done
S="$WORK/shop.db"

pg_demo_stores "$S" "$P" "$C"
# The services' per-customer tables hold rows before the layout too (cluster init copies them to
# the nodes, their ids going on after the largest copied): a tier evaluation, a consent grant, an
# MOT visit.
C2=$(sed -n 3p "$WORK/csv/customers.csv" | cut -d, -f1)
for db in "$S" "$P" "$C"; do
  out=$({ "$D" --db "$db" -q tier evaluate --as-of 2024-06-30 &&
          "$D" --db "$db" -q consent grant "$C2" --purpose marketing_sms --source web --date 2025-01-02 &&
          "$D" --db "$db" -q mot record --visit V-1 --customer "$C2" --rating waiting=3 --date 2025-01-03 --nps 8; } 2>&1) ||
    fail "the services' rows before the layout in $db" "$out"
done

# The layout: refused on SQLite and on a worker that is not empty; 4 partitions per worker.
expect_exit "cluster init on a SQLite store: exit 4" 4 "$D" --db "$S" cluster init --worker "$URL_w1"
expect_output "cluster init on a SQLite store: says why" "a cluster is made of PostgreSQL stores" \
  "$D" --db "$S" cluster init --worker "$URL_w1"
expect_output "a worker that is not empty is refused" "node1: its database has tables" \
  "$D" --db "$C" cluster init --worker "$P"
expect_ok "cluster init with 3 workers" "$D" --db "$C" -q cluster init --worker "$URL_w1" \
  --worker "$URL_w2" --worker "$URL_w3"
"$D" --db "$C" --format csv cluster show > "$WORK/show.csv"
parts=$(grep -c '^orders,' "$WORK/show.csv"); nodes=$(cut -d, -f4 "$WORK/show.csv" | sed 1d | sort -u | tr '\n' ' ')
[ "$parts" = 12 ] && [ "$nodes" = "node1 node2 node3 " ] && [ "$(sed 1d "$WORK/show.csv" | wc -l)" = 204 ] &&
  pass "17 tables of 12 partitions each on node1, node2, node3" || fail "the layout: $parts orders partitions on $nodes" "$(cat "$WORK/show.csv")"
# Every per-customer table partitioned, partition k of each on the node of customers_pk.
TABLES="campaign_members consent_events customers feedback interactions mot_visits order_returns orders partner_activities points_allocations points_lots points_movements surveys ticket_events tickets tier_history tier_state "
colocated() {   # SHOW.CSV: the partitions not on their customers' node
  awk -F, 'NR == FNR { if ($1 == "customers") node[$3] = $4; next } FNR > 1 && node[$3] != $4' "$1" "$1"
}
[ "$(cut -d, -f1 "$WORK/show.csv" | sed 1d | sort -u | tr '\n' ' ')" = "$TABLES" ] && [ -z "$(colocated "$WORK/show.csv")" ] &&
  pass "the services' per-customer tables are partitioned too, partition k of each on customers_pk's node" ||
  fail "the services' tables' layout" "$(cut -d, -f1 "$WORK/show.csv" | sort -u | tr '\n' ' '; colocated "$WORK/show.csv")"
rows=$(pg_use coord; pg_psql "SELECT (SELECT count(*) FROM tier_history) || ' ' || (SELECT count(*) FROM tier_state) || ' ' || (SELECT count(*) FROM consent_events) || ' ' || (SELECT count(*) FROM mot_visits)" coord)
want=$(pg_use coord; pg_psql "SELECT (SELECT count(*) FROM tier_history) || ' ' || (SELECT count(*) FROM tier_state) || ' ' || (SELECT count(*) FROM consent_events) || ' ' || (SELECT count(*) FROM mot_visits)" shop)
[ "$rows" = "$want" ] && [ "${rows%% *}" -gt 0 ] && pass "cluster init copies the services' rows to the nodes ($rows)" ||
  fail "the services' rows after cluster init: $rows, single PostgreSQL $want"
[ "$(grep '^orders,' "$WORK/show.csv" | awk -F, '{ s += $6 } END { print s }')" = \
  "$(pg_use coord; pg_psql 'SELECT count(*) FROM orders' shop)" ] &&
  pass "every order is in one partition" || fail "orders lost or doubled by the layout"
# The references' statement triggers (schema/pg/0028): gone from the distributed tables and from
# those checking one (no transition tables from foreign partitions), kept between the others.
layout=$(pg_use coord; pg_psql "SELECT string_agg(DISTINCT tgrelid::regclass::text, ' ') || ' / ' || count(*) || ' / ' || (SELECT string_agg(DISTINCT tgrelid::regclass::text, ' ') FROM pg_trigger WHERE tgfoid = 'dg_referenced_check'::regproc) FROM pg_trigger WHERE tgfoid = 'dg_reference_check'::regproc" coord)
[ "$layout" = "order_lines staff_surveys / 4 / products staff" ] &&
  pass "cluster init drops the reference triggers of and to the distributed tables, keeps the others" ||
  fail "the reference triggers after cluster init" "$layout"
out=$(pg_use coord; pg_psql "INSERT INTO order_lines (order_id, line_no, product_id, amount) SELECT min(order_id), 99, 'P-none', 1 FROM orders" coord 2>&1)
case $out in *'Key (product_id)=(P-none) is not present in table "products"'*)
  pass "an order line of an unknown product is still refused on the coordinator" ;;
  *) fail "an order line of an unknown product" "$out" ;;
esac
expect_exit "cluster init twice: exit 1" 1 "$D" --db "$C" cluster init --worker "$URL_w4"
pg_use w1
n=$(pg_psql "SELECT count(*) FROM orders_p0" part)
[ "$n" -gt 0 ] && pass "the rows are on the workers ($n orders in node1's orders_p0)" || fail "orders_p0 is empty on node1"

# same3 FORMAT ARGS...: the command's output and exit code are the same on the three stores.
same3() {
  fmt=$1; shift
  "$D" --db "$S" --format "$fmt" "$@" > "$WORK/a.out" 2>&1; ra=$?
  "$D" --db "$P" --format "$fmt" "$@" > "$WORK/b.out" 2>&1; rb=$?
  "$D" --db "$C" --format "$fmt" "$@" > "$WORK/c.out" 2>&1; rc=$?
  if [ "$ra$rb$rc" = 000 ] && cmp -s "$WORK/a.out" "$WORK/b.out" && cmp -s "$WORK/a.out" "$WORK/c.out"; then
    pass "same $* ($fmt) on SQLite, PostgreSQL and the cluster"
  else
    fail "$* ($fmt) differs (exit $ra / $rb / $rc)" "$(diff "$WORK/a.out" "$WORK/c.out" | head -20)"
  fi
}
# The coordinator keeps the frame's snapshot (docs/snapshot.md): while it is current, rfm and clv
# load it as every report does; out of date, they read per-customer aggregates from the nodes.
# stale marks it out of date; same3_nodes compares a command answered from the nodes.
stale() { (pg_use coord; pg_psql "UPDATE frame_snapshot_state SET dirty = 1" coord > /dev/null); }
same3_nodes() { stale; same3 "$@"; }
reports() {   # every report compared, csv and json
  for fmt in csv json; do
    same3 "$fmt" rfm
    same3 "$fmt" rfm --customers --as-of 2024-03-31
    same3 "$fmt" stage
    same3 "$fmt" loyalty
    same3 "$fmt" cube --rows channel,region --cols quarter --measure revenue,orders,customers
    same3 "$fmt" cube --rows category --measure revenue --where "region=Seoul"
    same3 "$fmt" cohort
    same3 "$fmt" clv predict --top 20
    same3 "$fmt" kpi
    same3 "$fmt" customer show "$CUSTOMER"
    same3 "$fmt" export orders
  done
  # rfm on the cluster reads one aggregate per customer from the nodes: every view, as of the
  # last day and of earlier days (when some customers are not in the frame yet)
  same3_nodes table rfm
  same3_nodes csv rfm --customers
  same3_nodes csv rfm --bins --mean-monetary
  same3_nodes csv rfm --grid --as-of 2024-01-20
  same3_nodes csv rfm --as-of 2025-06-30
  same3 csv segment
  same3 csv features
  same3 csv stats
  same3_nodes csv clv fit
  # clv on the cluster reads each customer's purchase counts from the nodes: every model, a
  # calibration's end, a holdout, BG/BB's whole periods and a validation against the holdout
  same3_nodes csv clv fit --model bgbb
  same3_nodes csv clv fit --model paretonbd --calibration-end 2025-06-30
  same3_nodes csv clv predict --model bgbb --unit days --top 20 --holdout-end 2025-09-30
  same3_nodes csv clv predict --model mbgnbd --calibration-end 2025-03-31 --discount-rate 0.01
  same3_nodes json clv predict --model paretonbd --discount-rate 0.01 --top 20
  same3_nodes csv clv validate --calibration-end 2025-06-30
  same3_nodes csv clv validate --model bgbb --calibration-end 2025-06-30 --holdout-end 2025-10-31
  stale
  "$D" --db "$S" clv fit --calibration-end 2000-01-01 > "$WORK/a.out" 2>&1; ra=$?
  "$D" --db "$C" clv fit --calibration-end 2000-01-01 > "$WORK/c.out" 2>&1; rc=$?
  [ "$ra$rc" = 11 ] && cmp -s "$WORK/a.out" "$WORK/c.out" && grep -q "the store has no transactions" "$WORK/a.out" &&
    pass "clv with no order by the calibration's end: the same error on SQLite and the cluster" ||
    fail "clv with no order by the calibration's end (exit $ra / $rc)" "$(cat "$WORK/a.out" "$WORK/c.out")"
  same3 csv export customers --reason "e2e comparison"
}
CUSTOMER=$(sed -n 2p "$WORK/csv/customers.csv" | cut -d, -f1)
reports

# The services' per-customer tables written through the coordinator and read back: tiers (their
# history's ids go on after those cluster init copied), consent, a campaign's members, MOT
# visits; the same answers as on SQLite and the single PostgreSQL (the random codes named).
services_read() {   # DB
  for f in csv json; do "$D" --db "$1" --format $f tier distribution; echo "exit $?"; done
  "$D" --db "$1" --format csv tier migration --from 2024-06-30 --to 2025-12-31; echo "exit $?"
  "$D" --db "$1" --format csv tier show "$C2"; echo "exit $?"
  "$D" --db "$1" --format csv consent show "$C2"; echo "exit $?"
  "$D" --db "$1" --format csv consent list --purpose marketing_email; echo "exit $?"
  "$D" --db "$1" --format csv campaign results SPRING --as-of 2025-06-01; echo "exit $?"
  "$D" --db "$1" --format csv mot visits --top 5; echo "exit $?"
  "$D" --db "$1" --format csv customer show "$C2" --programme; echo "exit $?"
}
services() {   # DB
  for day in 2025-12-31 2025-12-31; do "$D" --db "$1" --format csv tier evaluate --as-of $day; echo "exit $?"; done
  "$D" --db "$1" --format csv consent withdraw "$C2" --purpose marketing_sms --source web --date 2025-02-01; echo "exit $?"
  "$D" --db "$1" --format csv consent grant "$C2" --purpose marketing_email --source shop --date 2025-02-02; echo "exit $?"
  "$D" --db "$1" -q coupon define CAMP --amount 2000
  "$D" --db "$1" campaign create SPRING --audience "region=Seoul" --control-share 20% --seed 7 \
    --coupon CAMP --window-days 60; echo "exit $?"
  "$D" --db "$1" --format csv campaign launch SPRING --date 2025-03-01; echo "exit $?"
  "$D" --db "$1" --format csv mot record --visit V-2 --customer "$C2" --rating waiting=1 --date 2025-03-04 --nps 3; echo "exit $?"
  "$D" --db "$1" mot record --visit V-2 --customer "$C2" --rating waiting=1; echo "exit $?"
  services_read "$1"
  "$D" --db "$1" customer export-subject "$C2"; echo "exit $?"
}
for db in "$S" "$P" "$C"; do
  services "$db" 2>&1 | pg_codes_named | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/TIME/g' > "$WORK/services.$(basename "$db")"
done
grep -q '^exit 1$' "$WORK/services.coord" && [ "$(grep -c '^exit 0$' "$WORK/services.coord")" -ge 14 ] &&
  pass "the services' per-customer tables written and read through the coordinator" ||
  fail "the services on the cluster" "$(cat "$WORK/services.coord")"
expect_same "the services' answers: the same on SQLite and the cluster" "$WORK/services.shop.db" "$WORK/services.coord"
expect_same "the services' answers: the same on PostgreSQL and the cluster" "$WORK/services.shop" "$WORK/services.coord"
# Their references to customers are no foreign keys on the cluster: the services look the
# customer up themselves.
expect_output "a consent for an unknown customer is refused on the cluster" 'no customer "NOBODY"' \
  "$D" --db "$C" consent grant NOBODY --purpose marketing_sms --source web
expect_exit "an MOT visit of an unknown customer on the cluster: exit 3" 3 \
  "$D" --db "$C" mot record --visit V-9 --customer NOBODY --rating waiting=1
ids=$(pg_use coord; pg_psql "SELECT count(*) || ' ' || count(DISTINCT history_id) FROM tier_history" coord)
[ "${ids% *}" = "${ids#* }" ] && pass "tier_history's ids stay unique over the nodes ($ids)" || fail "tier_history's ids: $ids"

# Concurrent writes into the distributed tables through the coordinator: 10 simultaneous grants
# of one purpose to one customer, all kept and exactly one changing the consent (each write
# reads the consent after the one before it committed, as on a single store); 6 evaluations of
# one day at once, one evaluates and five are told it was done, one tier_state row per customer.
before=$(pg_use coord; pg_psql "SELECT count(*) FROM consent_events WHERE customer_id = '$C2'" coord)
pids=
for i in 0 1 2 3 4 5 6 7 8 9; do
  "$D" --db "$C" --format csv consent grant "$C2" --purpose marketing_phone --source web --date 2025-04-01 > "$WORK/grant.$i" 2>&1 &
  pids="$pids $!"
done
bad=0; for p in $pids; do wait "$p" || bad=$((bad + 1)); done
after=$(pg_use coord; pg_psql "SELECT count(*) FROM consent_events WHERE customer_id = '$C2'" coord)
changed=$(cat "$WORK"/grant.? | grep -c ',yes,no$'); unchanged=$(cat "$WORK"/grant.? | grep -c ',no,no$')
[ "$bad $changed $unchanged" = "0 1 9" ] && [ "$after" = $((before + 10)) ] &&
  pass "10 simultaneous grants of one consent on the cluster: all kept, one changes it" ||
  fail "10 simultaneous grants: $bad failed, $changed changed, $unchanged unchanged, $before then $after events" "$(cat "$WORK"/grant.?)"
for i in 1 2 3 4 5 6; do "$D" --db "$C" --format csv tier evaluate --as-of 2026-03-31 > "$WORK/tier.$i" 2>&1 & done
wait
done_=$(grep -l '^2026-03-31,.*,no$' "$WORK"/tier.[1-6] | wc -l); told=$(grep -l 'evaluated already' "$WORK"/tier.[1-6] | wc -l)
dups=$(pg_use coord; pg_psql "SELECT count(*) - count(DISTINCT customer_id) FROM tier_state" coord)
[ "$done_ $told $dups" = "1 5 0" ] && pass "6 simultaneous tier evaluations on the cluster: one evaluates, five are told, no customer twice" ||
  fail "6 simultaneous tier evaluations: $done_ evaluated, $told told, $dups doubled" "$(cat "$WORK"/tier.[1-6])"

# Push-down: the per-customer aggregates behind RFM (count, spend, last order), the BTYD
# summaries (first and last order, repeat count) and the cube's group-bys (per customer and
# dimension, joined to the customer) run inside each partition's foreign scan, whose remote
# SQL holds the GROUP BY; the coordinator only appends (and merges the cube's). Each plan must
# have 12 such scans and no foreign scan without its aggregate; the answers equal PostgreSQL's.
pushed() {   # NAME SQL
  pg_use coord
  pg_psql "EXPLAIN (VERBOSE, COSTS OFF) $2" coord > "$WORK/plan"
  grouped=$(grep -c 'Remote SQL: SELECT .* GROUP BY' "$WORK/plan")
  scans=$(grep -c 'Remote SQL:' "$WORK/plan")
  async=$(grep -c 'Async Foreign Scan' "$WORK/plan")
  pg_psql "$2" shop | LC_ALL=C sort > "$WORK/single"
  pg_psql "$2" coord | LC_ALL=C sort > "$WORK/cluster"
  if [ "$grouped" = 12 ] && [ "$scans" = 12 ] && [ "$async" = 12 ] && cmp -s "$WORK/single" "$WORK/cluster"; then
    pass "pushed down: $1 (12 async foreign scans, each aggregating on its node; the same answer)"
  else
    fail "$1 is not pushed down: $grouped of $scans remote scans aggregate, $async async" "$(cat "$WORK/plan")"
  fi
}
# RFM's is the statement `dangol rfm` sends (src/store/cluster_totals.c), its day bound given.
c_sql() {   # NAME: the C string constant NAME of src/store/cluster_totals.c, joined
  sed -n "/^const char $1\[\] =/,/;\$/p" "$(dirname "$0")/../../src/store/cluster_totals.c" |
    sed 1d | sed 's/^ *"//; s/"; *$//; s/" *$//' | tr -d '\n'
}
RFM_SQL=$(c_sql dg_cluster_order_totals_sql | sed 's/\$1/1767225600/')
case "$RFM_SQL" in
  "SELECT customer_id, count(*), sum(total), max(ordered_at) FROM orders WHERE ordered_at < "*" GROUP BY customer_id")
    pass "the statement of rfm's aggregate is read from the source" ;;
  *) fail "the statement of rfm's aggregate could not be read from the source" "$RFM_SQL" ;;
esac
pushed "RFM's per-customer orders, spend and last order (the statement dangol rfm sends)" "$RFM_SQL"
# clv's are the two statements `dangol clv` sends (src/store/cluster_clv.c), their parameters
# given: a calibration's end (2025-06-30), weeks, a holdout.
CLV_SQL=$(cluster_clv_sql dg_cluster_clv_customers_sql 1751328000 20269 7 20370)
SLOTS_SQL=$(cluster_clv_sql dg_cluster_clv_shared_slots_sql 1751328000 20269 7 20370)
case "$CLV_SQL$SLOTS_SQL" in
  "SELECT customer_id, min("*"count(*) FILTER"*"GROUP BY customer_id HAVING"*"SELECT customer_id, "*"GROUP BY customer_id, "*"HAVING count(*) > 1")
    pass "the statements of clv's counts are read from the source" ;;
  *) fail "the statements of clv's counts could not be read from the source" "$CLV_SQL / $SLOTS_SQL" ;;
esac
pushed "the BTYD summary's counts per customer (purchase periods, first and last, spend)" "$CLV_SQL"
pushed "the BTYD summary's periods of more than one order" "$SLOTS_SQL"
pushed "the cube's group-by per customer, region and channel (a join on the node)" \
  "SELECT c.customer_id, c.region, o.channel, sum(o.total), count(*) FROM customers c JOIN orders o ON o.customer_id = c.customer_id GROUP BY c.customer_id, c.region, o.channel"
pg_psql "EXPLAIN (VERBOSE, COSTS OFF) SELECT region, channel, sum(t) FROM (SELECT c.customer_id, c.region, o.channel, sum(o.total) AS t FROM customers c JOIN orders o ON o.customer_id = c.customer_id GROUP BY c.customer_id, c.region, o.channel) x GROUP BY region, channel" coord > "$WORK/plan"
[ "$(grep -c 'Remote SQL: SELECT .* GROUP BY' "$WORK/plan")" = 12 ] && grep -q '^ *->  Append\|^Append\|HashAggregate\|GroupAggregate' "$WORK/plan" &&
  pass "the cube's totals: 12 per-node aggregates merged by the coordinator" || fail "the cube's merge" "$(cat "$WORK/plan")"

# The cube on the cluster (its snapshot out of date) computes its cells on the nodes: one
# GROUP BY per grouping set and partition over orders_pK (joined to customers_pK for a customer
# dimension or filter, which the node applies), summed by the coordinator
# (src/store/cluster_cube.c). auto_explain logs
# the plan of the statement dangol sends: every foreign scan must aggregate on its node (its
# remote SQL holds count(*)), 12 per grouping set, all asynchronous. A product or ladder
# dimension (segment, stage, activity) reads the frame instead and sends no such statement.
pg_use coord
for set in "session_preload_libraries = 'auto_explain'" "auto_explain.log_min_duration = 0" \
           "auto_explain.log_verbose = on"; do
  pg_psql "ALTER DATABASE coord SET $set" coord > /dev/null
done
cube_plan() {   # ARGS...: cube on the cluster; the plan of its cells' statement into $WORK/plan
  stale
  from=$(($(wc -l < "$PG_DIR/server.log") + 1))
  "$D" --db "$C" -q cube "$@" > /dev/null
  tail -n +"$from" "$PG_DIR/server.log" | awk 'p && /^[^ \t]/ { exit } p { print }
    /Query Text: SELECT 0::int AS set/ { p = 1; print }' > "$WORK/plan"
}
cube_pushed() {   # NAME SETS GROUPED ARGS...: SETS grouping sets, GROUPED of them with a GROUP BY
  name=$1 sets=$2 grouped_sets=$3; shift 3
  cube_plan "$@"
  aggregated=$(grep -c 'Remote SQL: SELECT .*count(\*), .*FROM ' "$WORK/plan")
  grouped=$(grep -c 'Remote SQL: SELECT .*count(\*).* GROUP BY ' "$WORK/plan")
  joined=$(grep -c 'Remote SQL: SELECT .*JOIN ' "$WORK/plan")
  scans=$(grep -c 'Remote SQL:' "$WORK/plan")
  async=$(grep -c 'Async Foreign Scan' "$WORK/plan")
  [ "$scans" = $((12 * sets)) ] && [ "$aggregated" = "$scans" ] && [ "$async" = "$scans" ] &&
    [ "$grouped" = $((12 * grouped_sets)) ] &&
    pass "pushed down: the cube's $name ($scans async foreign scans, each aggregating its partition on its node${joined:+, $joined joined to its customers})" ||
    fail "the cube's $name is not pushed down: $aggregated of $scans scans aggregate, $grouped group, $async async" "$(cat "$WORK/plan")"
}
cube_pushed "months by channel in Seoul" 1 1 --rows month --cols channel --where region=Seoul
cube_pushed "quarters by payment, rolled up" 4 3 --rows quarter --cols payment --rollup
cube_pushed "weeks" 1 1 --rows week --measure customers
cube_pushed "regions by age band" 1 1 --rows region,age --measure customers
cube_pushed "the grand total" 1 0 --measure revenue,orders,customers,units
[ "$(grep -c 'Remote SQL: SELECT .*JOIN .*customers_p' "$WORK/plan")" = 0 ] &&
  pass "the cube's grand total reads the orders alone (no join)" || fail "the grand total joins" "$(cat "$WORK/plan")"
cube_plan --rows segment --cols channel
[ ! -s "$WORK/plan" ] && pass "the cube by segment reads the frame (no cells' statement)" ||
  fail "the cube by segment sent the cells' statement" "$(cat "$WORK/plan")"
cube_plan --rows category
[ ! -s "$WORK/plan" ] && pass "the cube by category reads the frame (no cells' statement)" ||
  fail "the cube by category sent the cells' statement" "$(cat "$WORK/plan")"
for set in session_preload_libraries auto_explain.log_min_duration auto_explain.log_verbose; do
  pg_psql "ALTER DATABASE coord RESET $set" coord > /dev/null
done
# every shape of the cube, byte for byte across the three stores, answered by the nodes
for fmt in table csv json; do
  same3_nodes "$fmt" cube --rows month --cols channel --where region=Seoul
  same3_nodes "$fmt" cube --rows year --cols payment --rollup --measure orders,customers,aov,revenue_per_customer,share
done
same3_nodes csv cube --rows region --cols site --cube --measure customers,units,revenue
same3_nodes csv cube --rows week --measure customers,orders --top 5 --sort customers:desc
same3_nodes csv cube --rows staff --totals "staff|" --where "month=2024-01..2024-06"
same3_nodes csv cube --rows gender,age --measure revenue_per_customer,customers --as-of 2024-06-30
same3_nodes csv cube --rows day --measure orders,customers --where "channel!=online" --as-of 2024-01-31
same3_nodes csv cube --rows acquisition,customer_type --cols income --measure customers,aov
same3_nodes csv cube --rows quarter --cols region --measure customers --where "day=2024-02-01..2024-05-15;payment=credit_card"
same3_nodes csv cube --rows year,quarter,month --cols channel --rollup --measure customers,orders,share
same3_nodes csv cube --rows channel,region --cols quarter --measure revenue,orders,customers
same3_nodes csv cube --rows 지역 --cols 채널 --where "지역=서울;age=30-39" --measure customers,revenue
same3_nodes csv cube --rows month --where "region!=Seoul;year=2024" --measure customers,orders --cube
same3_nodes csv cube --rows channel --where "age=30-39,(none);gender!=F" --measure customers,orders
same3_nodes csv cube --rows income --cols customer_type --where "acquisition=store" --measure customers,units --sort customers:desc --top 2
same3_nodes csv cube --rows segment --cols channel --measure customers,orders
same3_nodes csv cube --measure revenue,orders,customers,units
same3_nodes json cube --rows site --cols week --measure units --where "week=2024-W01..2024-W10"
# a channel only feedback names is a label of the frame's (no order has it): not an unknown value
same3_nodes csv cube --rows channel --where "channel=email,store" --measure orders,customers

# The frame's read (a COPY of the columns it needs, in key order) scans the 12 partitions on
# their nodes at once: an Append of 12 Async Foreign Scans under the coordinator's sort.
pg_psql "EXPLAIN (VERBOSE, COSTS OFF) SELECT order_id, customer_id, ordered_at, total FROM orders ORDER BY order_id COLLATE \"C\"" coord > "$WORK/plan"
[ "$(grep -c 'Async Foreign Scan' "$WORK/plan")" = 12 ] && pass "the frame's read: 12 async foreign scans" ||
  fail "the frame's read is not asynchronous" "$(cat "$WORK/plan")"

# With the coordinator's snapshot current (a report saves it), rfm and clv answer from it alone,
# as of the last day or an earlier one (the snapshot cut): node2 stopped, the same answers as
# SQLite's.
"$D" --db "$C" -q stage > /dev/null
pg_use w2
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1
pg_use coord
same3 csv rfm --customers
same3 csv rfm --customers --as-of 2024-03-31
same3 csv clv fit
same3 csv clv fit --calibration-end 2025-03-31 --holdout-end 2025-06-30
pg_use w2
pg_ctl_start || fail "node2 starts again"
pg_use coord
# As of a day after the snapshot's, the frame would be rebuilt from the rows: the nodes answer
# instead, which the coordinator's statement log shows (their per-customer GROUP BY), the snapshot
# still current; as of an earlier day no such statement is sent.
node_totals() { pg_as cat "$PG_DIR/server.log" | grep -cF 'FROM orders WHERE ordered_at < $1 GROUP BY customer_id'; }
pg_psql "ALTER DATABASE coord SET log_statement = 'all'" > /dev/null
before=$(node_totals)
same3 csv rfm --customers --as-of 2025-06-30
same3 csv clv fit --calibration-end 2025-06-30 --holdout-end 2025-09-30
[ "$(node_totals)" = "$before" ] && pass "as of the snapshot's day or earlier the frame answers, not the nodes" ||
  fail "as of an earlier day the nodes were asked"
same3 csv rfm --customers --as-of 2026-03-31
same3 csv clv fit --holdout-end 2026-03-31
after=$(node_totals)
[ "$after" -ge $((before + 2)) ] && pass "as of a day after the snapshot's the nodes answer (rfm, clv)" ||
  fail "as of a later day the nodes were not asked ($before, then $after statements)"
pg_psql "ALTER DATABASE coord RESET log_statement" > /dev/null

# A worker killed during a query: node2 holds a lock on its orders partition, so the report
# waits there; node2 is then stopped at once (immediate: no clean shutdown). The report fails
# naming node2, exit 4, with no rows printed; while node2 is down every report says so; once it
# is back the answers are the same as SQLite's again. The coordinator keeps the frame's snapshot
# (docs/snapshot.md), which answers without the workers: each report here is made to read the
# rows, by marking the snapshot out of date first.
stale
pg_use w2
W2_PORT=$PG_PORT
PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U dangol -d part \
  -c "BEGIN; LOCK TABLE orders_p1 IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60)" > /dev/null 2>&1 &
LOCKER=$!
for i in $(seq 1 50); do [ "$(pg_psql "SELECT count(*) FROM pg_locks WHERE relation = 'orders_p1'::regclass AND granted" part)" -gt 0 ] && break; sleep 0.2; done
"$D" --db "$C" --format csv rfm > "$WORK/killed.out" 2> "$WORK/killed.err" & RFM=$!
for i in $(seq 1 100); do [ "$(pg_psql "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'" part)" -gt 0 ] && break; sleep 0.2; done
waiting=$(pg_psql "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'" part)
pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop > /dev/null 2>&1
wait $RFM; killed=$?
wait $LOCKER 2> /dev/null
[ "$waiting" -gt 0 ] && pass "the report was waiting on node2 when it was killed" || fail "the report was not waiting on node2"
[ "$killed" = 4 ] && pass "a worker killed during a query: exit 4" || fail "a worker killed during a query: exit $killed" "$(cat "$WORK/killed.err")"
grep -Eq "cluster node node2 \(127.0.0.1:$W2_PORT\) does not answer" "$WORK/killed.err" &&
  pass "a worker killed during a query: the error names it" || fail "the error does not name node2" "$(cat "$WORK/killed.err")"
[ ! -s "$WORK/killed.out" ] && pass "a worker killed during a query: no rows printed" || fail "rows printed" "$(head "$WORK/killed.out")"
stale
expect_exit "a report while node2 is down: exit 4" 4 "$D" --db "$C" cube --rows region --measure revenue
stale
expect_output "the cube while node2 is down: names it" "cluster node node2 \(127.0.0.1:$W2_PORT\) does not answer" \
  "$D" --db "$C" cube --rows month --cols channel --where region=Seoul
stale
expect_output "a report while node2 is down: names it" "cluster node node2 \(127.0.0.1:$W2_PORT\) does not answer" \
  "$D" --db "$C" kpi
pg_ctl_start || fail "node2 starts again"
stale
same3 csv rfm
same3 json cube --rows channel,region --cols quarter --measure revenue,orders,customers

# A node added by moving one partition: node4 joins, partition 5 (on node3) moves to it with
# its rows, and every answer is the same as before.
# (each report from the nodes: the snapshot marked out of date before each, the move does not
# mark it)
for r in rfm cube kpi; do stale; "$D" --db "$C" --format csv $r > "$WORK/before.$r" 2>&1; done
services_read "$C" > "$WORK/before.services" 2>&1
"$D" --db "$C" --format csv cluster show > "$WORK/show.csv"
expect_output "add-node names the new node" "^node4$" "$D" --db "$C" cluster add-node "$URL_w4"
expect_exit "a partition that does not exist: exit 3" 3 "$D" --db "$C" cluster move 12 node4
expect_ok "partition 5 moves to node4" "$D" --db "$C" -q cluster move 5 node4
"$D" --db "$C" --format csv cluster show > "$WORK/moved.csv"
grep '^[a-z_]*,[a-z_]*_p5,' "$WORK/moved.csv" | cut -d, -f1,2,6 > "$WORK/moved5"
grep '^[a-z_]*,[a-z_]*_p5,' "$WORK/show.csv" | cut -d, -f1,2,6 > "$WORK/was5"
[ "$(grep ',node4,' "$WORK/moved.csv" | wc -l)" = 17 ] && [ "$(grep -c '_p5,5,node4,' "$WORK/moved.csv")" = 17 ] &&
  [ -z "$(colocated "$WORK/moved.csv")" ] &&
  pass "partition 5 of each of the 17 tables is on node4" || fail "after the move" "$(cat "$WORK/moved.csv")"
expect_same "partition 5 kept its rows" "$WORK/was5" "$WORK/moved5"
pg_use w3
n=$(pg_psql "SELECT count(*) FROM pg_tables WHERE tablename LIKE '%\_p5'" part)
[ "$n" = 0 ] && pass "node3 no longer holds partition 5" || fail "node3 still has $n tables of partition 5"
for r in rfm cube kpi; do
  stale
  "$D" --db "$C" --format csv $r > "$WORK/after.$r" 2>&1
  expect_same "$r: the same answer before and after the move" "$WORK/before.$r" "$WORK/after.$r"
done
services_read "$C" > "$WORK/after.services" 2>&1
expect_same "the services' answers: the same before and after the move" "$WORK/before.services" "$WORK/after.services"

# Writes into the cluster: an import of new and changed customers (twice: nothing changes the
# second time), orders that create their customers, a bad file that writes nothing; the same
# rows and reports as on SQLite and the single PostgreSQL.
printf 'customer_id,name,gender,birth_year\nNEW-1,"Kim, Minsu",F,1980\nNEW-2,Lee,M,1990\n%s,Renamed,F,1985\n' \
  "$CUSTOMER" > "$WORK/customers_new.csv"
printf 'order_id,customer_id,ordered_at,total\nY-1,NEW-A,2025-01-02,1000\nY-2,NEW-B,2025-01-03,500\nY-3,NEW-A,2025-01-04,700\nY-4,NEW-1,2025-02-01,900\n' \
  > "$WORK/orders_new.csv"
printf 'order_id,customer_id,ordered_at,total\nZ-1,NEW-1,2025-03-02,1000\nZ-2,NOBODY,2025-03-02,500\n' > "$WORK/orders_bad.csv"
"$D" --db "$C" export orders > "$WORK/orders.before"
for db in "$S" "$P" "$C"; do
  for f in customers_new customers_new; do
    out=$("$D" --db "$db" -q import customers "$WORK/$f.csv" 2>&1) || fail "import customers into $db" "$out"
  done
  out=$("$D" --db "$db" -q import orders "$WORK/orders_new.csv" --create-customers 2>&1) ||
    fail "import orders --create-customers into $db" "$out"
done
expect_exit "a bad row in the cluster: exit 1" 1 "$D" --db "$C" import orders "$WORK/orders_bad.csv"
n=$(pg_use coord; pg_psql "SELECT count(*) FROM orders WHERE order_id = 'Z-1'" coord)
[ "$n" = 0 ] && pass "a bad row rolls back the good rows of its import in the cluster" || fail "Z-1 written: $n"
same3 csv export customers --reason "after the imports"
same3 csv export orders
same3 csv customer show NEW-2
same3 csv rfm
same3 csv cube --rows channel,region --cols quarter --measure revenue,orders,customers

# An order returned through the coordinator (the order, its points and its return on the
# customer's node, the coupons on the coordinator; the coordinator's lock of the order taken before
# a node is read): its coupon redeemed and its points earned first; the same answers, ledger and codes as on SQLite and the single PostgreSQL (the
# random codes named).
RO=$(awk -F, 'NR > 1 && $10 >= 20000 { print $1; exit }' "$WORK/csv/orders.csv")
RC=$(grep "^$RO," "$WORK/csv/orders.csv" | cut -d, -f2)
cluster_return() {   # DB
  "$D" --db "$1" -q coupon define RET --amount 1000
  code=$("$D" --db "$1" --format csv coupon issue RET --customer "$RC" | sed -n 2p | cut -d, -f2)
  "$D" --db "$1" --format csv coupon redeem "$code" --order "$RO"; echo "exit $?"
  "$D" --db "$1" --format csv points earn --order "$RO"; echo "exit $?"
  "$D" --db "$1" --format csv order return "$RO" --reason "wrong size"; echo "exit $?"
  "$D" --db "$1" order return "$RO"; echo "exit $?"
  "$D" --db "$1" --format csv points statement "$RC"; echo "exit $?"
  "$D" --db "$1" --format csv coupon list --definition RET; echo "exit $?"
}
for db in "$S" "$P" "$C"; do cluster_return "$db" 2>&1 | pg_codes_named > "$WORK/return.$(basename "$db")"; done
grep -Eq "^$RO,$RC,[0-9]+,-[0-9]+,0,CODE1,1000,restore,CODE2,no$" "$WORK/return.coord" &&
  grep -q 'returned or cancelled already' "$WORK/return.coord" &&
  pass "an order returned on the cluster: points and coupon reversed, a new code, once" ||
  fail "an order return on the cluster" "$(cat "$WORK/return.coord")"
expect_same "the return: the same on SQLite and the cluster" "$WORK/return.shop.db" "$WORK/return.coord"
expect_same "the return: the same on PostgreSQL and the cluster" "$WORK/return.shop" "$WORK/return.coord"

# Schema 26's statistics targets (0 for the columns an erasure empties) on every copy of the
# distributed tables: ANALYZE on a worker, on the node a partition moved to, and on the
# coordinator (whose foreign tables sample the nodes' rows) gathers the other columns' values
# and none of theirs. Last: a worker's fresh statistics change the plans EXPLAINed above.
PERSONAL="(tablename LIKE 'customers%' AND attname IN ('name', 'phone', 'email', 'birth_year')) OR (tablename LIKE 'feedback%' AND attname = 'text') OR (tablename ~ '^(interactions|partner_activities)' AND attname = 'note')"
no_personal_statistics() {   # SERVER DATABASE WHAT
  pg_use "$1"
  personal=$(pg_psql "ANALYZE; SELECT count(*) FROM pg_stats WHERE $PERSONAL" "$2")
  others=$(pg_psql "SELECT count(*) FROM pg_stats WHERE tablename LIKE 'customers%' AND attname IN ('customer_id', 'gender', 'region')" "$2")
  [ "$personal" = 0 ] && [ "$others" -gt 0 ] &&
    pass "ANALYZE on $3 keeps no value of a column an erasure empties ($others statistics of the others)" ||
    fail "ANALYZE on $3: $personal statistics of erased columns, $others of the others"
}
no_personal_statistics w1 part "a worker"
no_personal_statistics coord coord "the coordinator"
no_personal_statistics w4 part "the node a partition moved to"

# Last (their rows are the cluster's alone): the points ledger is on the customer's node, the
# coupons on the coordinator (docs/postgresql.md "What stays on the coordinator"): 20 processes
# burn 7 of one customer's 100 at once (14 pass, 6 refused, none lost, never overdrawn), 20
# redeem one code (one wins).
C3=$(sed -n 4p "$WORK/csv/customers.csv" | cut -d, -f1)
O3=$(awk -F, -v c="$C3" '$2 == c { print $1; exit }' "$WORK/csv/orders.csv")
"$D" --db "$C" -q points earn --customer "$C3" --points 100 --source manual --reason seed > /dev/null
for i in $(seq 1 20); do
  ( "$D" --db "$C" -q points burn --customer "$C3" --points 7 > /dev/null 2> "$WORK/burn.$i.err"; echo $? > "$WORK/burn.$i.rc" ) &
done
wait
won=$(cat "$WORK"/burn.*.rc | grep -c '^0$'); refused=$(cat "$WORK"/burn.*.rc | grep -c '^1$')
left=$(pg_use coord; pg_psql "SELECT count(*) FILTER (WHERE kind = 'burn') || ' ' || sum(points) FROM points_movements WHERE customer_id = '$C3'" coord)
[ "$won $refused $left" = "14 6 14 2" ] &&
  pass "20 simultaneous burns of 7 from 100 on the cluster: 14 pass, 6 refused, none lost, never overdrawn" ||
  fail "20 simultaneous burns on the cluster: $won passed, $refused refused, burns and balance $left" "$(cat "$WORK"/burn.*.err | sort | uniq -c)"
"$D" --db "$C" -q coupon define SINGLE --amount 500 > /dev/null
code=$("$D" --db "$C" --format csv coupon issue SINGLE --customer "$C3" | sed -n 2p | cut -d, -f2)
for i in $(seq 1 20); do
  ( "$D" --db "$C" -q coupon redeem "$code" --order "$O3" > /dev/null 2> "$WORK/redeem.$i.err"; echo $? > "$WORK/redeem.$i.rc" ) &
done
wait
won=$(cat "$WORK"/redeem.*.rc | grep -c '^0$')
rows=$(pg_use coord; pg_psql "SELECT count(*) FROM coupon_redemptions WHERE code = '$code'" coord)
[ "$won $rows" = "1 1" ] && pass "20 simultaneous redemptions of one code on the cluster: exactly one wins" ||
  fail "20 simultaneous redemptions on the cluster: $won won, $rows rows" "$(cat "$WORK"/redeem.*.err | sort | uniq -c)"

# Through two `serve` processes on the coordinator (the ledger and the tickets on the nodes, each
# write taking the coordinator's lock of its customer, order or ticket before it reads a node):
# 20 simultaneous API burns of 7 from another customer's 100 (14 201s, 6 409s; the ledger, the
# allocations and the lot agree: none lost, never overdrawn), 12 agents assigning one ticket
# with the version they read (one 200, eleven 409, one assign event).
C4=$(sed -n 5p "$WORK/csv/customers.csv" | cut -d, -f1)
"$D" --db "$C" -q points earn --customer "$C4" --points 100 --source manual --reason seed > /dev/null
TID=$("$D" --db "$C" --format csv ticket open --customer "$C4" --kind complaint --subject "late" | sed -n 2p | cut -d, -f1)
echo 'admin password 1' | "$D" --db "$C" -q user add ann --role admin > /dev/null
"$D" --db "$C" token create --user ann --label ci > "$WORK/admin.coord"
pg_two_servers "$C"
export HAMMER_TOKEN; HAMMER_TOKEN=$(cat "$WORK/admin.coord")
python3 "$ROOT/tests/e2e/helpers/hammer.py" posts "$URL1,$URL2" "/api/customers/$C4/points/burn" \
  '{"points": 7}' 20 > "$WORK/last.json" 2>&1
expect_json "two servers on the cluster: 20 simultaneous API burns of 7 from 100, 14 pass (201) and 6 refused (409)" \
  "j['statuses'] == [201] * 14 + [409] * 6"
ledger=$(pg_use coord; pg_psql "SELECT (SELECT count(*) FILTER (WHERE kind = 'burn') || ' ' || sum(points) FROM points_movements WHERE customer_id = '$C4') || ' ' || (SELECT sum(points) FROM points_allocations WHERE customer_id = '$C4') || ' ' || (SELECT sum(remaining) FROM points_lots WHERE customer_id = '$C4')" coord)
[ "$ledger" = "14 2 98 2" ] &&
  pass "... 14 burns written, 98 allocated from the lot, 2 left: none lost, never overdrawn" ||
  fail "the ledger after 20 API burns on the cluster (burns, balance, allocated, left): $ledger"
python3 "$ROOT/tests/e2e/helpers/tickets_burst.py" stale "$URL1,$URL2" "$TID" 12 > "$WORK/last.json" 2>&1
expect_json "two servers on the cluster: 12 agents assign one ticket with one version, one 200 and eleven 409" \
  "j['statuses'] == {'200': 1, '409': 11} and j['after'] == j['before'] + 1 and j['assign_events'] == 1"
unset HAMMER_TOKEN
SERVER_PID=$PID1; stop_server
SERVER_PID=$PID2; stop_server
