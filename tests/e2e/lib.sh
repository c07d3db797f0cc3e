# Shared helpers for end-to-end tests: each test script sources this, runs checks against the real
# dangol binary ($DANGOL) in a scratch directory ($WORK), and appends one line per check to
# $RESULTS ("pass name" / "fail name"), which run.sh counts.
set -u
: "${DANGOL:?set DANGOL to the dangol binary}"
: "${RESULTS:?run through tests/e2e/run.sh}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED="$ROOT/../shared"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dangol-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export DANGOL_DB="$WORK/test.db"
SCRIPT=$(basename "$0" .sh)

pass() { echo "pass $SCRIPT: $1" >> "$RESULTS"; }
fail() { echo "fail $SCRIPT: $1" >> "$RESULTS"; echo "FAIL $SCRIPT: $1" >&2; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20 >&2; return 0; }

# record_lines FILE: the "pass NAME" / "fail NAME" lines a helper program printed, as results.
record_lines() {
  while IFS= read -r line; do
    case $line in
      "pass "*) pass "${line#pass }" ;;
      "fail "*) fail "${line#fail }" ;;
    esac
  done < "$1"
}

# expect_ok NAME CMD...: CMD exits 0.
expect_ok() {
  name=$1; shift
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name (exit $?)" "$out"; fi
}

# expect_exit NAME CODE CMD...: CMD exits with CODE.
expect_exit() {
  name=$1; code=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$code" ]; then pass "$name"; else fail "$name (exit $rc, wanted $code)" "$out"; fi
}

# expect_output NAME PATTERN CMD...: CMD's stdout+stderr matches the grep -E PATTERN.
expect_output() {
  name=$1; pattern=$2; shift 2
  out=$("$@" 2>&1)
  if printf '%s\n' "$out" | grep -Eq -- "$pattern"; then pass "$name"; else fail "$name: no match for /$pattern/" "$out"; fi
}

# expect_same NAME FILE1 FILE2: the files are identical.
expect_same() {
  if cmp -s "$2" "$3"; then pass "$1"; else fail "$1: $2 and $3 differ" "$(diff "$2" "$3" | head -20)"; fi
}

# Sets RUN to a command that runs dangol as a user who cannot write the store's files: dangol
# itself for a non-root user, a setpriv wrapper (user nobody) for root, or "" when root cannot drop
# its rights here (the caller then skips, and a pass says so).
run_as_unprivileged() {
  RUN="$DANGOL"
  [ "$(id -u)" = 0 ] || return 0
  if command -v setpriv > /dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    printf '#!/bin/sh\nexec setpriv --reuid=nobody --regid=nogroup --clear-groups "%s" "$@"\n' "$DANGOL" > "$WORK/as-nobody"
    chmod 755 "$WORK/as-nobody"
    chmod 711 "$WORK"
    RUN="$WORK/as-nobody"
  else
    RUN=""
    pass "read-only store: skipped (root without setpriv cannot be refused a write)"
  fi
}
