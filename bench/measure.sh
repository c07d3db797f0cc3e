# Sourced by the benchmarks that time whole dangol commands (bench/postgres.sh, bench/cluster.sh)
# with $ROOT, $WORK, $N and $C set.

# server_cpu: seconds of CPU the current PostgreSQL server's processes ($PG_DIR, tests/e2e/pg.sh)
# have used so far (the postmaster with its reaped children, i.e. the backends of the commands that
# ended, and its live children).
server_cpu() {
  pm=$(head -1 "$PG_DIR/data/postmaster.pid")
  { cat "/proc/$pm/stat"; for c in $(pgrep -P "$pm"); do cat "/proc/$c/stat" 2> /dev/null; done; } |
    awk -v pm="$pm" -v hz="$(getconf CLK_TCK)" '{ pid = $1; sub(/^.*\) /, "");
      t += $12 + $13; if (pid == pm) t += $14 + $15 } END { printf "%.2f", t / hz }'
}

# with_server: whether the step runs on a single PostgreSQL server whose CPU is to be counted
with_server() { [ "${backend:-}" = postgresql ] && [ -n "${PG_DIR:-}" ]; }

# measure NAME CMD... runs CMD under /usr/bin/time -v (its output into $WORK/out) and prints its
# wall and CPU seconds and peak RSS (and, for $backend postgresql, the server's CPU over the same
# time), or stops the benchmark when CMD fails.
measure() {
  name=$1; shift
  before=$(with_server && server_cpu || echo 0)
  /usr/bin/time -v "$@" > "$WORK/out" 2> "$WORK/time" || { echo "$name failed:"; tail -5 "$WORK/time"; exit 1; }
  if with_server; then sleep 0.2; after=$(server_cpu); else after=0; fi   # the backend's exit is reaped
  awk -F': ' -v name="$name" -v server="$(echo "$after - $before" | bc)" -v pg="$(with_server && echo 1 || echo 0)" '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
    /User time/ { user = $2 } /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%-40s wall %7.2f s   cpu %6.2f + %5.2f s   peak RSS %5.0f MB", name, wall, user, sys, rss
          if (pg) printf "   server cpu %6.2f s", server
          printf "\n" }' "$WORK/time"
}

# orders_csv: $WORK/orders-$N.csv and customers-$C.csv, $N orders over $C customers (made once, by
# bench/gen_orders.c), and a line saying so with the machine's load.
orders_csv() {
  cc -O2 -o "$WORK/gen_orders" "$ROOT/bench/gen_orders.c"
  [ -f "$WORK/orders-$N.csv" ] || "$WORK/gen_orders" "$N" "$C" "$WORK/orders-$N.csv" "$WORK/customers-$C.csv"
  echo "input: $N orders over $C customers, $(du -m "$WORK/orders-$N.csv" | cut -f1) MB; $(uptime)"
}
