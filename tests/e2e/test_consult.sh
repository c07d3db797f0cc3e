# Consultation types as data (config/consult_types.conf): the card's guidance in the user's
# language, staff setting a type from the CLI and the API (audited, 409 on a concurrent change),
# bad types files refused at file:line:column, the role check of the route.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
"$DANGOL" init >/dev/null
printf 'customer_id,customer_type\nC1,\nC2,careful\nC3,demanding\n' > "$WORK/c.csv"
printf 'order_id,customer_id,ordered_at,total\nO1,C2,2025-01-10,1000\nO2,C3,2025-02-11,500\n' > "$WORK/o.csv"
for e in customers:c orders:o; do
  "$DANGOL" --quiet import "${e%%:*}" "$WORK/${e#*:}.csv" >/dev/null || fail "import ${e%%:*}"
done

# ---- the card, in the user's language
expect_output "the card gives the type's guidance in English" '^guidance,"Careful: Give complete' "$DANGOL" --format csv customer show --lang en C2
expect_output "... in Korean with --lang ko" '^guidance,"꼼꼼한 고객: 정확한 정보와' "$DANGOL" --format csv customer show --lang ko C2
expect_output "... in Korean when LANG is Korean" '^guidance,요구가 많은 고객: ' env LANG=ko_KR.UTF-8 "$DANGOL" --format csv customer show C3
expect_output "... in both with --lang both" '^guidance,.*Careful: .*\(꼼꼼한 고객: ' "$DANGOL" --format csv customer show --lang both C2
expect_exit "an unknown language is a usage error" 2 "$DANGOL" customer show --lang fr C2
expect_output "the usage error lists the languages" 'valid: en, ko, both' "$DANGOL" customer show --lang fr C2
cp "$ROOT/config/consult_types.conf" "$WORK/types.conf"
sed -i 's/^careful.guidance_en = .*/careful.guidance_en = Be thorough./' "$WORK/types.conf"
expect_output "the card reads the types file given" '^guidance,Careful: Be thorough.' "$DANGOL" --format csv customer show --lang en --types "$WORK/types.conf" C2
grep -v '^demanding' "$ROOT/config/consult_types.conf" > "$WORK/six.conf"
if "$DANGOL" --format csv customer show --types "$WORK/six.conf" C3 | grep -q '^guidance'; then
  fail "a type the file does not list shows no guidance"
else pass "a type the file does not list shows no guidance"; fi

# ---- bad types files
printf 'careful.name_en = Careful\nHasty!.name_en = Hasty\n' > "$WORK/bad1.conf"
expect_output "a malformed type code is refused at its position" 'bad1.conf:2:18: customer type code "Hasty!": 1 to 31 lowercase letters' "$DANGOL" customer show --types "$WORK/bad1.conf" C2
printf '# types\ncareful.name_en = Careful\ncareful.name_ko = 꼼꼼\ncareful.guidance_en = x\n' > "$WORK/bad2.conf"
expect_output "a type without Korean guidance is refused at its first line" 'bad2.conf:2:1: type "careful" has no guidance_ko' "$DANGOL" customer show --types "$WORK/bad2.conf" C2
printf 'careful.colour = red\n' > "$WORK/bad3.conf"
expect_output "an unknown key is refused" 'bad3.conf:1:18: unknown key "careful.colour"' "$DANGOL" customer show --types "$WORK/bad3.conf" C2
printf 'careful name_en Careful\n' > "$WORK/bad4.conf"
expect_output "a line without = is refused" 'bad4.conf:1:1: expected "key = value"' "$DANGOL" customer show --types "$WORK/bad4.conf" C2
expect_exit "a bad types file exits 1" 1 "$DANGOL" customer show --types "$WORK/bad4.conf" C2
expect_exit "a missing types file exits 3" 3 "$DANGOL" customer show --types "$WORK/none.conf" C2

# ---- staff set the type from the command line
expect_output "set-type --help" "set-type ID TYPE" "$DANGOL" customer --help
expect_output "set-type sets the type" '^C1,impatient,,Impatient,' "$DANGOL" --format csv customer set-type --lang en C1 impatient
expect_output "the card shows it" '^customer_type,impatient' "$DANGOL" --format csv customer show C1
expect_output "the change is audited" 'customer.update,"\[""C1""\]",,"\{""after"":\{""customer_type"":""impatient""\},""before"":\{""customer_type"":null\},""via"":""set-type""\}"' "$DANGOL" --format csv audit list
expect_exit "set-type with a stale --expect exits 1" 1 "$DANGOL" customer set-type C1 careful --expect none
expect_output "and says what changed" 'has type "impatient", not "\(none\)"' "$DANGOL" customer set-type C1 careful --expect none
expect_output "the type was not changed" '^customer_type,impatient' "$DANGOL" --format csv customer show C1
expect_output "set-type with the type read succeeds" '^C1,careful,impatient,' "$DANGOL" --format csv customer set-type C1 careful --expect impatient
expect_exit "an unknown type exits 1" 1 "$DANGOL" customer set-type C1 hasty
expect_output "an unknown type lists the valid ones" 'unknown consultation type "hasty"; valid: careful, impatient' "$DANGOL" customer set-type C1 hasty
expect_exit "a type the types file does not list is refused" 1 "$DANGOL" customer set-type --types "$WORK/six.conf" C1 demanding
expect_exit "an unknown customer exits 3" 3 "$DANGOL" customer set-type C9 careful
expect_output "none clears the type" '^C2,,careful,' "$DANGOL" --format csv customer set-type C2 none
expect_exit "set-type needs a type" 2 "$DANGOL" customer set-type C2

# ---- the API
start_server --no-web || exit 0
expect_status "the types" 200 GET /api/consult-types
expect_json "seven types with both languages" "len(j['types']) == 7 and j['types'][0]['name_ko'] == '꼼꼼한 고객'"
expect_status "set a type" 200 POST /api/customers/C2/type '{"type": "skeptical", "expected_type": null}'
expect_json "the answer gives the type, the previous one and the guidance" "j['customer_type'] == 'skeptical' and j['previous'] is None and j['name_ko'] == '의심 많은 고객'"
expect_status "a stale expected_type is 409" 409 POST /api/customers/C2/type '{"type": "careful", "expected_type": "demanding"}'
expect_json "409 says what the type is" "'has type \"skeptical\"' in j['error']['message']"
expect_status "an unknown type is 400" 400 POST /api/customers/C2/type '{"type": "hasty"}'
expect_status "type is required" 400 POST /api/customers/C2/type '{"expected_type": "skeptical"}'
expect_status "an unknown field is 400" 400 POST /api/customers/C2/type '{"type": "careful", "colour": 1}'
expect_status "an unknown customer is 404" 404 POST /api/customers/C9/type '{"type": "careful"}'
expect_status "the card in Korean" 200 GET "/api/customers/C2/card?lang=ko"
expect_json "the guidance is Korean" "any(r.get('value', '').startswith('의심 많은 고객: ') for r in j[0]['rows'])"
expect_status "the card in both languages by default" 200 GET /api/customers/C2/card
expect_json "the guidance is English (Korean)" "any(r.get('value', '').startswith('Skeptical: ') and '(의심 많은 고객: ' in r['value'] for r in j[0]['rows'])"
expect_status "a bad lang is 400" 400 GET "/api/customers/C2/card?lang=fr"
expect_status "null clears the type" 200 POST /api/customers/C2/type '{"type": null, "expected_type": "skeptical"}'
expect_json "cleared" "j['customer_type'] is None and j['previous'] == 'skeptical'"
# two staff members set the type from the same reading at once: exactly one wins
"$DANGOL" --quiet customer set-type C1 careful >/dev/null
for t in impatient talkative reticent skeptical; do
  curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
    --data "{\"type\": \"$t\", \"expected_type\": \"careful\"}" "$URL/api/customers/C1/type" >> "$WORK/race" &
  pids="${pids:-} $!"
done
for p in $pids; do wait "$p"; done   # not the server's
if [ "$(grep -c '^200$' "$WORK/race")" = 1 ] && [ "$(grep -c '^409$' "$WORK/race")" = 3 ]; then
  pass "of four concurrent sets from one reading exactly one wins, three get 409"
else fail "of four concurrent sets from one reading exactly one wins" "$(cat "$WORK/race")"; fi
stop_server
start_server --no-web --consult-types "$WORK/six.conf" || exit 0
expect_status "the server's types file" 200 GET /api/consult-types
expect_json "six types" "len(j['types']) == 6"
expect_status "a type the server's file does not list is 400" 400 POST /api/customers/C1/type '{"type": "demanding"}'
stop_server
expect_exit "serve refuses a bad types file" 1 "$DANGOL" serve --port 0 --consult-types "$WORK/bad2.conf"
