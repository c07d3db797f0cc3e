# The dashboard in a real browser: Debian's chromium, driven by playwright-core (web/node_modules,
# installed by `make web`), loads every page against a running `dangol serve` on a small store:
# no console errors, every chart holds data, screenshots kept in tests/artifacts/ (see browser.js);
# the store gets tiers, points and coupons for the loyalty-programme pages, and worked VOC tickets
# for the ticket queue, VOC trends and recovery pages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"

if [ ! -x /usr/bin/chromium ] || [ ! -d "$ROOT/web/node_modules/playwright-core" ] ||
   [ ! -f "$ROOT/web/node_modules/echarts/dist/echarts.min.js" ]; then
  fail "browser test needs chromium and web/node_modules (run \`make deps web\`)"
  exit 0
fi

python3 "$(dirname "$0")/dashboard_data.py" "$WORK"
"$DANGOL" --quiet init
for e in customers orders surveys feedback staff_surveys; do
  expect_ok "import $e for the dashboard" "$DANGOL" --quiet import "$e" "$WORK/$e.csv"
done
# the loyalty programme (tiers, points, coupons) for the tiers, points and coupons pages and the card
expect_ok "tiers evaluated for the dashboard" "$DANGOL" --quiet tier evaluate --as-of 2025-06-30
expect_ok "... and again half a year on" "$DANGOL" --quiet tier evaluate --as-of 2025-12-31
# a few visits rating the moments of truth, for the MOT page's ring (docs/mot.md)
for i in 1 2 3 4 5 6; do
  expect_ok "record MOT visit $i for the dashboard" "$DANGOL" --quiet mot record --visit "DV$i" \
    --customer "C0000000$i" --date "2024-06-0$i" --nps $((i + 4)) --rating "waiting=$((i % 5 + 1))" \
    --rating consultation=5 --rating "parking=$((5 - i % 3))" --rating 수납=4
done
# a stored churn model for the churn page and the card's churn risk (docs/churn.md)
expect_ok "a churn model for the dashboard" "$DANGOL" --quiet churn train --trees 20 --horizon 90
start_server --web "$ROOT/web" || exit 0
expect_ok "points earned and spent, coupons issued and redeemed for the dashboard" \
  python3 "$(dirname "$0")/helpers/dashboard_loyalty.py" "$URL" "$WORK"
expect_ok "points expired for the dashboard" "$DANGOL" --quiet points expire --as-of 2025-12-31
expect_ok "tickets opened and worked for the ticket, VOC and recovery pages" \
  python3 "$(dirname "$0")/helpers/dashboard_tickets.py" "$URL" "$WORK" 2025-12-31

expect_status "dashboard index is served" 200 GET /
expect_status "echarts is served" 200 GET /node_modules/echarts/dist/echarts.min.js
expect_status "path traversal is refused" 404 GET /../Makefile
expect_status "encoded traversal is refused" 404 GET /%2e%2e/Makefile
expect_status "unknown file is 404" 404 GET /nope.html
expect_status "static files refuse POST" 405 POST /index.html '{}'

mkdir -p "$ROOT/tests/artifacts"
node "$(dirname "$0")/browser.js" "$URL" "$ROOT/tests/artifacts" > "$WORK/browser.out" 2>&1
record_lines "$WORK/browser.out"
grep -q '^pass ' "$WORK/browser.out" || fail "browser test ran" "$(cat "$WORK/browser.out")"
# the agent's own customers: three with breached tickets, given to a staff member of the agent's site
printf 'staff_id,name,role,site\nST1,김상담,counselor,Seoul Gangnam\n' > "$WORK/staff.csv"
expect_ok "a staff member at the agent's site" "$DANGOL" --quiet import staff "$WORK/staff.csv"
OWN=$("$DANGOL" --format csv ticket breached --as-of 2025-12-31 | awk -F, 'NR > 1 && !seen[$2]++ { print $2 }' | head -3)
for c in $OWN; do
  expect_status "customer $c given to the agent's site" 200 PATCH "/api/customers/$c" '{"staff_id": "ST1"}'
done
stop_server

# once the store has users: an agent and an analyst see the refusal in their language; the agent
# works the ticket queue of their own customers' tickets
PASSWORD='dashboard password 1'
expect_ok "an agent for the dashboard" sh -c "echo '$PASSWORD' | '$DANGOL' --quiet user add ali --role agent --site 'Seoul Gangnam'"
expect_ok "an analyst for the dashboard" sh -c "echo '$PASSWORD' | '$DANGOL' --quiet user add amy --role analyst"
start_server --web "$ROOT/web" || exit 0
node "$(dirname "$0")/dashboard_roles.js" "$URL" "$ROOT/tests/artifacts" ali amy "$PASSWORD" C00000001 \
  "$(echo $OWN | tr ' ' ,)" > "$WORK/roles.out" 2>&1
record_lines "$WORK/roles.out"
grep -q '^pass ' "$WORK/roles.out" || fail "roles browser test ran" "$(cat "$WORK/roles.out")"
stop_server
