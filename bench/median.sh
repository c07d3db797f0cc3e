# Sourced by bench/snapshot.sh and bench/targets.sh: `median CMD...` prints "WALL_MS CPU_MS" of
# the run with the median wall time of RUNS runs of a command (each a fresh process; CPU = user +
# system, all threads: the steadier figure on a shared machine); PREP (a shell command, may be
# empty) runs before each; DIR holds the timing file.
median() {
  for _ in $(seq "$RUNS"); do
    [ -z "$PREP" ] || sh -c "$PREP"
    /usr/bin/time -f "%e %U %S" -o "$DIR/time.out" "$@" > /dev/null
    awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$DIR/time.out"
  done | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}
