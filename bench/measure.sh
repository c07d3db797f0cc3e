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

# servers: the PostgreSQL servers (tests/e2e/pg.sh names) whose work the current step counts:
# the coordinator for $backend postgresql, the coordinator and its workers ($CLUSTER_SERVERS) for
# $backend cluster when that is set.
servers() {
  case "${backend:-}" in
    postgresql) echo coord ;;
    cluster) echo "${CLUSTER_SERVERS:-}" ;;
  esac
}

# with_server: whether the step runs on PostgreSQL servers whose CPU and memory are counted
with_server() { [ -n "$(servers)" ] && [ -n "${PG_DIR:-}" ]; }

# servers_cpu: "NAME SECONDS" per server, server_cpu of each of servers
servers_cpu() {
  for s in $(servers); do echo "$s $(pg_use "$s"; server_cpu)"; done
}

# servers_children: how many processes the servers' postmasters have (the backends among them)
servers_children() {
  for s in $(servers); do pgrep -P "$(head -1 "$WORK/$s/data/postmaster.pid")"; done | wc -l
}

# servers_settle N: waits (at most 10 s) until the servers have no more than N processes: the
# backends of the step have ended and been reaped, so their CPU is in the postmasters' children's
# times (a fixed 0.2 s was too short on a loaded machine: a step's server CPU read as ~0.2 s).
servers_settle() {
  i=0
  while [ "$(servers_children)" -gt "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# servers_rss_watch FILE: until killed, the peak of the servers' processes' summed resident set
# (MB, sampled every 0.2 s) into FILE.
servers_rss_watch() {
  pms=""
  for s in $(servers); do pms="$pms $(head -1 "$WORK/$s/data/postmaster.pid")"; done
  peak=0
  while :; do
    kb=0
    for pm in $pms; do
      for p in $pm $(pgrep -P "$pm"); do
        v=$(awk '/^VmRSS/ { print $2 }' "/proc/$p/status" 2> /dev/null || :)
        kb=$((kb + ${v:-0}))
      done
    done
    [ "$kb" -gt "$peak" ] && peak=$kb && echo $((peak / 1024)) > "$1"
    sleep 0.2
  done
}

# measure NAME CMD... runs CMD under /usr/bin/time -v (its output into $WORK/out) and prints its
# wall and CPU seconds and peak RSS (and, with servers, their CPU over the same time, each
# server's beside the sum when there are several, and the peak of their summed RSS, shared memory
# counted once per process), or stops the benchmark when CMD fails. It also appends the step to
# $WORK/steps: "NAME|wall|dangol CPU|server CPU|server CPU...", each server's as "NAME SECONDS".
measure() {
  name=$1; shift
  with_server && servers_cpu > "$WORK/cpu_before" || : > "$WORK/cpu_before"
  children=$(with_server && servers_children || echo 0)
  echo 0 > "$WORK/server_rss"
  if with_server; then servers_rss_watch "$WORK/server_rss" & watch=$!; else watch=""; fi
  /usr/bin/time -v "$@" > "$WORK/out" 2> "$WORK/time" || { [ -n "$watch" ] && kill "$watch" 2> /dev/null; echo "$name failed:"; tail -5 "$WORK/time"; exit 1; }
  [ -n "$watch" ] && { kill "$watch" 2> /dev/null || :; wait "$watch" 2> /dev/null || :; }
  if with_server; then servers_settle "$children"; servers_cpu > "$WORK/cpu_after"; else : > "$WORK/cpu_after"; fi
  awk -F': ' -v name="$name" -v pg="$(with_server && echo 1 || echo 0)" -v srss="$(cat "$WORK/server_rss")" -v steps="$WORK/steps" '
    FILENAME != ARGV[3] { split($0, f, " "); cpu[f[1]] += (FILENAME == ARGV[2] ? f[2] : -f[2])
                          if (FILENAME == ARGV[2]) order[++n_servers] = f[1]; next }
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
    /User time/ { user = $2 } /System time/ { sys = $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%-40s wall %7.2f s   cpu %6.2f + %5.2f s   peak RSS %5.0f MB", name, wall, user, sys, rss
          record = sprintf("%s|%.2f|%.2f", name, wall, user + sys)
          for (i = 1; i <= n_servers; i++) { total += cpu[order[i]]; split_ = split_ sprintf("%s%s %.2f", i > 1 ? ", " : "", order[i], cpu[order[i]])
                                             record = record sprintf("|%s %.2f", order[i], cpu[order[i]]) }
          if (pg) printf "   servers cpu %6.2f s%s, RSS %5d MB", total, (n_servers > 1 ? " (" split_ ")" : ""), srss
          printf "\n"; print record >> steps }' "$WORK/cpu_before" "$WORK/cpu_after" "$WORK/time"
}

# orders_csv: $WORK/orders-$N.csv and customers-$C.csv, $N orders over $C customers (made once, by
# bench/gen_orders.c), and a line saying so with the machine's load.
orders_csv() {
  cc -O2 -o "$WORK/gen_orders" "$ROOT/bench/gen_orders.c"
  [ -f "$WORK/orders-$N.csv" ] || "$WORK/gen_orders" "$N" "$C" "$WORK/orders-$N.csv" "$WORK/customers-$C.csv"
  echo "input: $N orders over $C customers, $(du -m "$WORK/orders-$N.csv" | cut -f1) MB; $(uptime)"
}
