# Sourced by the benchmarks that time a running server (bench/as_of.sh, http.sh, points.sh,
# snapshot.sh): starting `dangol serve` ($D, scratch in $DIR) and reading its CPU time.

# serve_start DB [OPTIONS...]: `dangol serve` on DB (2 threads, a free port, no web pages, then
# OPTIONS), its output in $DIR/serve.out; sets $pid and $url once it listens, waiting up to
# SERVE_WAIT tenths of a second (default 100: a loaded machine starts it slowly; a store whose
# frame loads first needs more); killed when the script exits.
serve_start() {
  db=$1
  shift
  "$D" --db "$db" serve --port 0 --threads 2 --no-web "$@" > "$DIR/serve.out" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null' EXIT
  url=""
  for _ in $(seq 1 "${SERVE_WAIT:-100}"); do
    url=$(grep -Eo 'https?://[^ ]*' "$DIR/serve.out" 2>/dev/null | sed 's#/$##') && [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$DIR/serve.out"; exit 1; }
}

# serve_stop: stops it (SIGTERM: it answers what it holds first) and waits for it.
serve_stop() {
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  trap - EXIT
}

# server_ticks: its CPU time so far (user + system, all threads, from /proc), in clock ticks.
server_ticks() {
  awk '{ print $14 + $15 }' "/proc/$pid/stat"
}
