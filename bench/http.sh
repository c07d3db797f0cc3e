#!/bin/sh
# HTTP benchmark (BENCHMARKS.md, "HTTP"): builds a demo store (default 100,000 customers), serves it
# with `dangol serve --threads 2`, and runs wrk (2 threads, 32 connections, keep-alive) against
# random customer look-ups and against one cube query, then the look-ups again on a copy of the
# store that has a user, so that each request authenticates with a Bearer token (docs/security.md),
# over plain HTTP and then over the server's own TLS (a self-signed certificate made here with
# openssl; wrk keeps its connections alive, so the handshakes are a small share).
# Prints requests/s and latency percentiles, and the server's CPU time per request (user + system of
# the `dangol serve` process over the run, from /proc, divided by the requests wrk counted): on a
# shared machine the rates are the machine's, the CPU per request is the server's.
# wrk runs on the same machine, so on 2 cores it competes with the server for the CPU: the figures
# are a floor. usage: bench/http.sh [N_CUSTOMERS] [SECONDS]     (BENCH_DIR=... for the scratch)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
SECS=${2:-10}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/dangol-bench-http}
D="$ROOT/build/dangol"
. "$ROOT/bench/lib.sh"
export DANGOL_CUSTOMERS=$N   # bench/lookup.lua draws the ids from C00000001 .. C<N>
mkdir -p "$DIR"
if [ ! -f "$DIR/demo-$N.db" ]; then
  "$D" --db "$DIR/demo-$N.db" --quiet demo --customers "$N" --seed 1
fi
"$D" --db "$DIR/demo-$N.db" stats | sed -n '1p;4,6p'

# wrk_run ARGS...: wrk against the server $pid with ARGS, its summary lines and the server's CPU
# time per request over the run (utime + stime of /proc/PID/stat, in clock ticks), and each pool
# thread's share (libmicrohttpd hands a connection to the thread that accepts it: one thread
# holding every connection halves the rate).
wrk_run() {
  pool_ticks() {
    for t in /proc/$pid/task/*; do
      case $(cat "$t/comm") in MHD-*) awk '{ printf "%d ", $14 + $15 }' "$t/stat" ;; esac
    done
  }
  before=$(server_ticks) pool_before=$(pool_ticks)
  wrk "$@" > "$DIR/wrk.out"
  after=$(server_ticks) pool_after=$(pool_ticks)
  grep -E 'Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx|Socket errors' "$DIR/wrk.out"
  awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ {
        printf "  server CPU per request: %.1f us (%.2f s over %d requests)\n", \
               t / hz * 1e6 / $1, t / hz, $1 }' "$DIR/wrk.out"
  echo "$pool_before" "$pool_after" | awk -v hz="$(getconf CLK_TCK)" '{
        n = NF / 2; printf "  pool threads CPU:"
        for (i = 1; i <= n; i++) printf " %.2f s", ($(i + n) - $i) / hz
        print "" }'
}

serve_start "$DIR/demo-$N.db"
curl -sf "$url/api/customers/C00000001" > /dev/null

echo
echo "== customer look-ups: GET /api/customers/{random id}, ${SECS}s, 2 wrk threads, 32 connections"
wrk_run -t2 -c32 -d"${SECS}s" --latency -s "$ROOT/bench/lookup.lua" "$url"

cube="/api/cube?rows=month&cols=channel&where=region=Seoul"
echo
echo "== one cube query: GET $cube"
echo "   (single request, cold: $(curl -s -o /dev/null -w '%{time_total}' "$url$cube")s)"
wrk_run -t2 -c4 -d"${SECS}s" --latency "$url$cube"
serve_stop

# token_lookups: wrk's random look-ups with $token against $url, then the server stopped.
token_lookups() {
  wrk_run -t2 -c32 -d"${SECS}s" --latency -H "Authorization: Bearer $token" \
    -s "$ROOT/bench/lookup.lua" "$url"
  serve_stop
}

# ---- the same look-ups with authentication on: a copy of the store with a manager and a token
cp "$DIR/demo-$N.db" "$DIR/demo-$N-auth.db"
echo "bench password 1" | "$D" --db "$DIR/demo-$N-auth.db" --quiet user add bench --role manager
token=$("$D" --db "$DIR/demo-$N-auth.db" --quiet token create --user bench --label bench)
serve_start "$DIR/demo-$N-auth.db"
curl -sf -H "Authorization: Bearer $token" "$url/api/customers/C00000001" > /dev/null
echo
echo "== customer look-ups with a Bearer token (authentication on), ${SECS}s, 2 wrk threads, 32 connections"
token_lookups

# ---- the same over the server's own TLS
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 2 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" > /dev/null 2>&1
serve_start "$DIR/demo-$N-auth.db" --tls-cert "$DIR/cert.pem" --tls-key "$DIR/key.pem"
curl -sf --cacert "$DIR/cert.pem" -H "Authorization: Bearer $token" "$url/api/customers/C00000001" > /dev/null
echo
echo "== the same over HTTPS (the server's own TLS), ${SECS}s, 2 wrk threads, 32 connections"
token_lookups
