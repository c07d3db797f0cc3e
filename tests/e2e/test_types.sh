# dangol types and the suggested type on the card: a small store where the rules of
# config/customer_types.conf suggest "careful" to a customer without a type; bad rules files
# refused at file:line:column; the demo's complaint factors by type found again (docs/demo.md:
# demanding 1.8, reticent 0.8).
. "$(dirname "$0")/lib.sh"
"$DANGOL" init >/dev/null
printf 'customer_id,customer_type\nC1,\nC2,careful\nC3,\n' > "$WORK/c.csv"
printf 'order_id,customer_id,ordered_at,total\nO1,C2,2025-01-10,1000\nO2,C2,2025-02-10,3000\nO3,C3,2025-02-11,500\n' > "$WORK/o.csv"
printf 'feedback_id,customer_id,received_at,kind\nF1,C1,2025-01-01,question\nF2,C1,2025-01-02,question\nF3,C2,2025-01-03,question\n' > "$WORK/f.csv"
for e in customers:c orders:o feedback:f; do
  "$DANGOL" --quiet import "${e%%:*}" "$WORK/${e#*:}.csv" >/dev/null || fail "import ${e%%:*}"
done
expect_output "types --help" "conversion from prospect" "$DANGOL" types --help
expect_output "the card suggests a type to a customer without one" "^suggested customer_type,careful" "$DANGOL" --format csv customer show C1
expect_output "the card says which rule" "^because,careful = questions_before_first_order >= 2 \(rule of line 10\)" "$DANGOL" --format csv customer show C1
expect_output "the card gives the suggested type's guidance" "^guidance,\"?Careful: Give complete" "$DANGOL" --format csv customer show --lang en C1
if "$DANGOL" --format csv customer show C2 | grep -q "Suggested type"; then fail "a type set by staff is not overridden"
else pass "a type set by staff is not overridden"; fi
expect_output "types: careful converts 1 of 1" "^careful,1,1,1," "$DANGOL" --format csv types
expect_output "types: customers without a type" "^\(none\),2,1,0.5," "$DANGOL" --format csv types
expect_output "suggestions per rule" "^10,careful = questions_before_first_order >= 2,careful,1,1,0,0," "$DANGOL" --format csv types --suggestions
printf 'careful = questions >= 2\nhasty = orders >= 1\n' > "$WORK/bad.conf"
expect_output "an unknown type is refused at its position" "bad.conf:2:1: unknown customer type \"hasty\"" "$DANGOL" types --suggestions --rules "$WORK/bad.conf"
expect_exit "a bad rules file exits 1" 1 "$DANGOL" types --suggestions --rules "$WORK/bad.conf"
printf 'careful = questionz >= 2\n' > "$WORK/bad2.conf"
expect_output "an unknown measure is refused at its column" "bad2.conf:1:11: unknown measure \"questionz\"" "$DANGOL" types --suggestions --rules "$WORK/bad2.conf"
expect_exit "a missing rules file exits 3" 3 "$DANGOL" types --suggestions --rules "$WORK/none.conf"
expect_exit "--rules without --suggestions is a usage error" 2 "$DANGOL" types --rules "$ROOT/config/customer_types.conf"
expect_output "the shipped rules file is the default" "^15,reticent" "$DANGOL" --format csv types --suggestions --rules "$ROOT/config/customer_types.conf"

# a team adds its own consultation type to the types file (docs/types.md): set-type, the card,
# the analytics by type and the import all take it
{ cat "$ROOT/config/consult_types.conf"; printf 'vip.name_en = Regular VIP\nvip.name_ko = 단골 VIP\nvip.guidance_en = Greet them by name.\nvip.guidance_ko = 이름으로 맞이합니다.\n'; } > "$WORK/team.conf"
expect_exit "the default types do not have the team's code" 1 "$DANGOL" customer set-type C3 vip
expect_exit "the team's types file lets staff set it" 0 "$DANGOL" customer set-type --types "$WORK/team.conf" C3 vip
expect_output "the card shows the team's guidance in English" "^guidance,\"?Regular VIP: Greet them by name" "$DANGOL" --format csv customer show --types "$WORK/team.conf" --lang en C3
expect_output "and in Korean" "^guidance,\"?단골 VIP: 이름으로 맞이합니다" "$DANGOL" --format csv customer show --types "$WORK/team.conf" --lang ko C3
expect_output "types counts the team's type" "^vip,1,1,1," "$DANGOL" --format csv types
printf 'customer_id,customer_type\nC4,vip\nC5,꼼꼼한 고객\n' > "$WORK/c2.csv"
expect_exit "customers import with the team's code" 0 "$DANGOL" --quiet import customers "$WORK/c2.csv"
expect_output "a seed type by its Korean name is still its code" "^careful,2," "$DANGOL" --format csv types
expect_output "an exported store keeps the team's code" "^C4,.*,vip," "$DANGOL" export customers --reason "team types test"

export DANGOL_DB="$WORK/demo.db"
"$DANGOL" --quiet demo --customers 20000 >/dev/null 2>&1 || fail "demo store"
"$DANGOL" --quiet --format json types > "$WORK/types.json"
if /usr/bin/python3 - "$WORK/types.json" <<'PY'
import json, sys
rows = {r["type"]: r for r in json.load(open(sys.argv[1]))["rows"]}
d, r = rows["demanding"], rows["reticent"]
# demanding customers complain more than reticent ones, beyond both intervals
sys.exit(0 if d["complaint_low"] > r["complaint_high"] else 1)
PY
then pass "demo: demanding customers complain more than reticent ones (intervals apart)"
else fail "demo: demanding customers complain more than reticent ones" "$(cat "$WORK/types.json")"; fi
