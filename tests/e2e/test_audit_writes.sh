# The service writes in the audit trail: coupons (define, issue, redeem, void), tickets (open,
# a change, escalation, recovery), the tier evaluation, a churn model's training and each import append their entry in the write's
# own transaction, by the CLI and by the API; a refused write and a replayed idempotency key
# append nothing; no ticket subject or note enters the trail; the chain verifies afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
D=$DANGOL
"$D" --quiet demo --customers 300 --seed 27 > /dev/null 2>&1 || fail "demo store for the write trail"
sql() { sqlite3 "$DANGOL_DB" "$1"; }
# n ACTION: the entries of that action
n() { sql "SELECT count(*) FROM auth_audit WHERE action = '$1'"; }
check() {  # name expected actual
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (wanted $2, got $3)"; fi
}
A=$(sql "SELECT customer_id FROM orders ORDER BY order_id LIMIT 1")
OA=$(sql "SELECT order_id FROM orders WHERE customer_id = '$A' ORDER BY ordered_at DESC LIMIT 1")

# ---- coupons
"$D" --quiet coupon define AUD --amount 1000 > /dev/null || fail "define a coupon"
check "coupon.define is logged" 1 "$(n coupon.define)"
"$D" --quiet coupon define AUD --amount 1000 > /dev/null 2>&1
check "a refused define (id exists) logs nothing" 1 "$(n coupon.define)"
CODE=$("$D" --quiet --format csv coupon issue AUD --customer "$A" | sed -n 2p | cut -d, -f2)
check "coupon.issue names the customer" "[\"$A\"]" "$(sql "SELECT customers FROM auth_audit WHERE action = 'coupon.issue'")"
"$D" --quiet coupon redeem "$CODE" --order "$OA" --idempotency-key red-1 > /dev/null || fail "redeem"
"$D" --quiet coupon redeem "$CODE" --order "$OA" --idempotency-key red-1 > /dev/null || fail "redeem replayed"
check "coupon.redeem logged once for a replayed key" 1 "$(n coupon.redeem)"
check "its detail names the code and the order" "$CODE|$OA" "$(sql "SELECT json_extract(detail, '\$.code') || '|' || json_extract(detail, '\$.order') FROM auth_audit WHERE action = 'coupon.redeem'")"
"$D" --quiet coupon void --definition AUD --reason "campaign over" > /dev/null || fail "void"
check "coupon.void keeps the reason" "campaign over" "$(sql "SELECT json_extract(detail, '\$.reason') FROM auth_audit WHERE action = 'coupon.void'")"

# ---- tickets: the subject and the note never enter the trail
SUBJ="감사기록제목노출금지" NOTE="감사기록메모노출금지"
TID=$("$D" --quiet --format csv ticket open --customer "$A" --kind complaint --subject "$SUBJ" --at 2024-03-04T10:00 | sed -n 2p | cut -d, -f1)
"$D" --quiet ticket assign "$TID" --to kim --at 2024-03-04T10:05 > /dev/null
"$D" --quiet ticket comment "$TID" --note "$NOTE" --at 2024-03-04T10:06 > /dev/null
"$D" --quiet ticket close "$TID" --at 2024-03-04T10:07 > /dev/null 2>&1   # refused: not resolved
check "ticket.open names the customer" "[\"$A\"]" "$(sql "SELECT customers FROM auth_audit WHERE action = 'ticket.open'")"
check "each accepted change is logged, the refused one not" "assign:open>assigned comment:assigned>assigned" \
  "$(sql "SELECT group_concat(json_extract(detail, '\$.action') || ':' || json_extract(detail, '\$.from') || '>' || json_extract(detail, '\$.to'), ' ') FROM auth_audit WHERE action = 'ticket.change'")"
check "no subject or note in the trail" 0 "$(sql "SELECT count(*) FROM auth_audit WHERE detail LIKE '%$SUBJ%' OR detail LIKE '%$NOTE%' OR reason LIKE '%$NOTE%'")"
"$D" --quiet ticket escalate --as-of 2024-04-01 > /dev/null
check "ticket.escalate lists the escalated ticket" "[$TID]" "$(sql "SELECT json_extract(detail, '\$.tickets') FROM auth_audit WHERE action = 'ticket.escalate'")"
"$D" --quiet ticket escalate --as-of 2024-04-01 > /dev/null
check "an escalation that changes nothing logs nothing" 1 "$(n ticket.escalate)"
OPENED=$("$D" --quiet --format csv ticket recover --as-of 2030-01-01 | sed -n 2p)
check "ticket.recover names as many tickets as it opened" "$OPENED" "$(sql "SELECT json_array_length(detail, '\$.tickets') FROM auth_audit WHERE action = 'ticket.recover'")"

# ---- tiers
EVALUATED=$("$D" --quiet --format csv tier evaluate --as-of 2025-06-30 | sed -n 2p | cut -d, -f3)
"$D" --quiet tier evaluate --as-of 2025-06-30 > /dev/null
check "tier.evaluate logged once (the second run writes nothing)" 1 "$(n tier.evaluate)"
check "with its counts" "$EVALUATED" "$(sql "SELECT json_extract(detail, '\$.customers') FROM auth_audit WHERE action = 'tier.evaluate'")"

# ---- imports: one entry per import that wrote, none for a refused one
printf 'customer_id,name,region\nC90000001,감사 고객,Seoul\nC90000002,감사 고객2,Busan\n' > "$WORK/c.csv"
"$D" --quiet import customers "$WORK/c.csv" > /dev/null || fail "import customers"
check "an import is one entry with its counts" "customers|2|$WORK/c.csv" "$(sql "SELECT json_extract(detail, '\$.entity') || '|' || json_extract(detail, '\$.imported') || '|' || json_extract(detail, '\$.files[0]') FROM auth_audit WHERE action = 'import'")"
printf 'customer_id,birth_year\nC90000003,12345\n' > "$WORK/bad.csv"
"$D" --quiet import customers "$WORK/bad.csv" > /dev/null 2>&1
check "a refused import writes no entry" 1 "$(n import)"

# ---- a churn model trained and stored (docs/churn.md)
"$D" --quiet churn train --trees 5 --horizon 90 --idempotency-key m-1 > /dev/null 2>&1 || fail "churn train"
"$D" --quiet churn train --trees 5 --horizon 90 --idempotency-key m-1 > /dev/null 2>&1 || fail "churn train replayed"
check "model.train logged once for a replayed key" 1 "$(n model.train)"
check "its detail names the stored model" "$(sql "SELECT max(model_id) FROM models")|churn|90" \
  "$(sql "SELECT json_extract(detail, '\$.model_id') || '|' || json_extract(detail, '\$.kind') || '|' || json_extract(detail, '\$.horizon_days') FROM auth_audit WHERE action = 'model.train'")"
"$D" --quiet churn train --features no_such_feature > /dev/null 2>&1
check "a refused training logs nothing" 1 "$(n model.train)"

# ---- the API: the token's user in the entry
echo 'agent password 1' | "$D" --quiet user add ali --role manager
TOK=$("$D" --quiet token create --user ali)
start_server --no-web --threads 4 || exit 0
STATUS=$(curl -s -o "$WORK/t.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" \
  -H 'Content-Type: application/json' --data-binary "{\"customer_id\":\"$A\",\"kind\":\"inquiry\"}" "$URL/api/tickets")
check "a ticket opened through the API" 201 "$STATUS"
check "... is logged with the token's user" "token|ali|manager" "$(sql "SELECT actor_kind || '|' || actor || '|' || role FROM auth_audit WHERE action = 'ticket.open' ORDER BY entry_id DESC LIMIT 1")"
STATUS=$(curl -s -o "$WORK/m.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" \
  -H 'Content-Type: application/json' --data-binary '{"trees": 5, "horizon_days": 90, "validate": false}' "$URL/api/churn/train")
check "a churn model trained through the API" 201 "$STATUS"
check "... is logged with the token's user" "2|token|ali" "$(sql "SELECT count(*) || '|' || (SELECT actor_kind || '|' || actor FROM auth_audit WHERE action = 'model.train' ORDER BY entry_id DESC LIMIT 1) FROM auth_audit WHERE action = 'model.train'")"
stop_server
expect_ok "the chain verifies after all of it" "$D" audit verify
