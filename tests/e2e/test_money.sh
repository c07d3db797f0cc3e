# Money through the HTTP API is read exactly as CSV import reads it: from the JSON number's text,
# never through a double (12345678901234.57 stays ...4.57, not ...4.60), with the importer's
# rules (too many decimals, two signs and more than 99,999,999,999,999.99 refused), and printed
# exactly too: GET answers 12345678901234.57 as that number, not 15 significant digits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"

"$DANGOL" init --currency USD > /dev/null
start_server || exit 0

# expect_api NAME STATUS METHOD PATH [BODY]
expect_api() {
  name=$1 want=$2; shift 2
  api "$@"
  if [ "$STATUS" = "$want" ]; then pass "$name"; else fail "$name (got $STATUS, wanted $want)" "$BODY"; fi
}

expect_api "create a customer" 201 POST /api/customers '{"customer_id":"C1","name":"A"}'
expect_api "an order of 12345678901234.57 as a JSON number" 201 POST /api/customers/C1/orders \
  '{"order_id":"O1","ordered_at":"2024-03-05","total":12345678901234.57}'
expect_api "an order of 99999999999999.99 (the largest amount) as a JSON number" 201 \
  POST /api/customers/C1/orders '{"order_id":"O2","ordered_at":"2024-03-06","total":99999999999999.99}'
expect_api "an order of -0.10 with an escaped key" 201 POST /api/customers/C1/orders \
  '{"order_id":"O3","ordered_at":"2024-03-07","t\u006ftal" : -0.10}'
expect_api "a third decimal is refused, not rounded" 400 POST /api/customers/C1/orders \
  '{"order_id":"O4","ordered_at":"2024-03-07","total":1.005}'
expect_api "100000000000000.00 is too large, not rounded" 400 POST /api/customers/C1/orders \
  '{"order_id":"O5","ordered_at":"2024-03-07","total":100000000000000.00}'
expect_api "92233720368547758.07 (the int64 maximum) is too large" 400 POST /api/customers/C1/orders \
  '{"order_id":"O5","ordered_at":"2024-03-07","total":92233720368547758.07}'
api GET /api/customers/C1/orders
for amount in 12345678901234.57 99999999999999.99 -0.10; do
  case $BODY in
    *"\"total\":$amount,"*|*"\"total\":$amount}"*) pass "GET prints $amount exactly, as a number" ;;
    *) fail "GET prints $amount exactly, as a number" "$BODY" ;;
  esac
done
case $BODY in *'\u0000'*) fail "no money marker leaks into the JSON" "$BODY" ;;
  *) pass "no money marker leaks into the JSON" ;; esac
expect_api "a customer whose name looks like the money marker" 201 POST /api/customers \
  '{"customer_id":"C2","name":"\\u00001.5"}'
api GET /api/customers/C2
case $BODY in *'"name":"\\u00001.5"'*) pass "a name that looks like the marker stays text" ;;
  *) fail "a name that looks like the marker stays text" "$BODY" ;; esac
expect_api "a string amount in accounting parentheses with a sign is refused" 400 \
  POST /api/customers/C1/orders '{"order_id":"O6","ordered_at":"2024-03-07","total":"(-5)"}'
stop_server

"$DANGOL" export orders --output "$WORK/orders.csv" > /dev/null 2>&1
for amount in 12345678901234.57 99999999999999.99 -0.10; do
  if grep -q ",$amount\$\|,$amount," "$WORK/orders.csv"; then pass "$amount is stored exactly"
  else fail "$amount is stored exactly" "$(cat "$WORK/orders.csv")"; fi
done
