# Sourced by the benchmarks that time whole dangol commands (bench/postgres.sh, bench/cluster.sh)
# with $ROOT, $WORK, $N and $C set:
# measure NAME CMD... runs CMD under /usr/bin/time -v (its output into $WORK/out) and prints its
# wall and CPU seconds and peak RSS, or stops the benchmark when CMD fails.
measure() {
  name=$1; shift
  /usr/bin/time -v "$@" > "$WORK/out" 2> "$WORK/time" || { echo "$name failed:"; tail -5 "$WORK/time"; exit 1; }
  awk -F': ' -v name="$name" '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
    /User time/ { user = $2 } /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%-40s wall %7.2f s   cpu %6.2f + %5.2f s   peak RSS %5.0f MB\n", name, wall, user, sys, rss }' "$WORK/time"
}

# orders_csv: $WORK/orders-$N.csv and customers-$C.csv, $N orders over $C customers (made once, by
# bench/gen_orders.c), and a line saying so with the machine's load.
orders_csv() {
  cc -O2 -o "$WORK/gen_orders" "$ROOT/bench/gen_orders.c"
  [ -f "$WORK/orders-$N.csv" ] || "$WORK/gen_orders" "$N" "$C" "$WORK/orders-$N.csv" "$WORK/customers-$C.csv"
  echo "input: $N orders over $C customers, $(du -m "$WORK/orders-$N.csv" | cut -f1) MB; $(uptime)"
}
