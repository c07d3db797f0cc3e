# Files a command writes may not be the store, SQLite's files beside it or an input, whatever
# name reaches them (hard link, symlink, relative path): every such command line is a usage
# error (exit 2) that touches nothing. And export --output writes a FIFO in place.
. "$(dirname "$0")/lib.sh"
D="$DANGOL"
cd "$WORK" || exit 1
export DANGOL_DB="$WORK/s.db"
"$D" -q init
printf 'customer_id,name,gender\nC-1,Kim,F\nC-2,Lee,Q\n' > in.csv
"$D" -q import customers in.csv --skip-invalid --quarantine first.rejected.csv
ln s.db hard.db
ln -s s.db sym.db
ln in.csv hard.csv
ln -s in.csv sym.csv
mkdir sub
ln -s ../s.db-wal sub/wal-link   # dangling: writing it would create the store's -wal

sums() { md5sum s.db in.csv; ls; }
before=$(sums)

# refused OPTION_DESCRIPTION PATTERN CMD...: exit 2, the message matches, nothing changed.
refused() {
  name=$1; pattern=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq 2 ] && printf '%s\n' "$out" | grep -Eq -- "$pattern" && [ "$(sums)" = "$before" ]; then
    pass "$name"
  else
    fail "$name (exit $rc)" "$out
$(sums)"
  fi
}

refused "--quarantine the store" "--quarantine s.db is the store .*s.db; .*choose another file" \
  "$D" import customers in.csv --skip-invalid --quarantine s.db
refused "--quarantine a hard link to the store" "--quarantine hard.db is the store" \
  "$D" import customers in.csv --skip-invalid --quarantine hard.db
refused "--quarantine a symlink to the store" "--quarantine sym.db is the store" \
  "$D" import customers in.csv --skip-invalid --quarantine sym.db
refused "--quarantine the store's -wal (not there yet)" "is the store's write-ahead log" \
  "$D" import customers in.csv --skip-invalid --quarantine s.db-wal
refused "--quarantine a dangling symlink to the store's -wal" "is the store's write-ahead log" \
  "$D" import customers in.csv --skip-invalid --quarantine sub/wal-link
refused "--quarantine the store's -journal by another path" "is the store's journal" \
  "$D" import customers in.csv --skip-invalid --quarantine sub/../s.db-journal
refused "--quarantine the input" "--quarantine ./in.csv is the input in.csv" \
  "$D" import customers in.csv --skip-invalid --quarantine ./in.csv
refused "--quarantine a hard link to the input" "is the input in.csv" \
  "$D" import customers in.csv --skip-invalid --quarantine hard.csv
refused "--quarantine a symlink to the input" "is the input in.csv" \
  "$D" import customers in.csv --skip-invalid --quarantine sym.csv
refused "--quarantine a later input" "is the input first.rejected.csv" \
  "$D" import customers in.csv first.rejected.csv --skip-invalid --quarantine "$WORK/first.rejected.csv"
cp first.rejected.csv in.csv.rejected.csv
before=$(sums)
refused "the default quarantine is another input" \
  "the default quarantine file in.csv.rejected.csv is the input in.csv.rejected.csv" \
  "$D" import customers in.csv in.csv.rejected.csv --skip-invalid
refused "the store as an input" "the input hard.db is the store" "$D" import customers hard.db
refused "export --output the store" "--output s.db is the store" "$D" export customers --reason test --output s.db
refused "export --output a hard link to the store" "--output hard.db is the store" \
  "$D" export customers --reason test --output hard.db
refused "export --output a symlink to the store" "--output sym.db is the store" \
  "$D" export customers --reason test --output sym.db
refused "export --output the store's -shm" "is the store's shared-memory index" \
  "$D" export customers --reason test --output "$WORK/sub/../s.db-shm"
refused "export --output the store through a symlinked --db" "is the store's write-ahead log" \
  "$D" --db sym.db export customers --reason test --output s.db-wal
mkdir demo
before=$(sums)
refused "demo --csv over the store" "--csv demo/orders.csv is the store" \
  "$D" --db demo/orders.csv demo --customers 10 --csv demo
[ ! -e demo/orders.csv ] && pass "the refused demo created no store" || fail "demo created demo/orders.csv"
expect_output "the store still reads" "^customers,1," "$D" --format csv stats

# What is allowed still works: a new file, a symlink to a regular file (kept), a FIFO (in place).
expect_ok "export to a new file" "$D" export customers --reason test --output out.csv
expect_output "the new file has the customer" "^C-1,Kim" cat out.csv
: > target.csv
ln -s target.csv link.csv
expect_ok "export through a symlink" "$D" export customers --reason test --output link.csv
[ -L link.csv ] && grep -q '^C-1,Kim' target.csv && pass "the symlink stays and its file is written" \
  || fail "export through a symlink" "$(ls -l link.csv target.csv; cat target.csv)"
mkfifo fifo
timeout 20 cat fifo > from-fifo.csv & reader=$!
expect_ok "export to a FIFO" "$D" export customers --reason test --output fifo
wait "$reader"
[ -p fifo ] && grep -q '^C-1,Kim' from-fifo.csv && pass "the FIFO is written in place and stays a FIFO" \
  || fail "export to a FIFO" "$(ls -l fifo; cat from-fifo.csv)"
expect_ok "--quarantine elsewhere still works" "$D" -q import customers in.csv --skip-invalid --quarantine sub/q.csv
grep -q '^C-2,Lee,Q' sub/q.csv && pass "the quarantine has the bad row" || fail "quarantine" "$(cat sub/q.csv)"
