# The dashboard in a real browser: Debian's chromium, driven by playwright-core (web/node_modules,
# installed by `make web`), loads every page against a running `dangol serve` on a small store:
# no console errors, every chart holds data, screenshots kept in tests/artifacts/ (see browser.js).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"

if [ ! -x /usr/bin/chromium ] || [ ! -d "$ROOT/web/node_modules/playwright-core" ] ||
   [ ! -f "$ROOT/web/node_modules/echarts/dist/echarts.min.js" ]; then
  fail "browser test needs chromium and web/node_modules (run \`make deps web\`)"
  exit 0
fi

python3 "$(dirname "$0")/dashboard_data.py" "$WORK"
"$DANGOL" --quiet init
for e in customers orders surveys feedback; do
  expect_ok "import $e for the dashboard" "$DANGOL" --quiet import "$e" "$WORK/$e.csv"
done
# a few visits rating the moments of truth, for the MOT page's ring (docs/mot.md)
for i in 1 2 3 4 5 6; do
  expect_ok "record MOT visit $i for the dashboard" "$DANGOL" --quiet mot record --visit "DV$i" \
    --customer "C0000000$i" --date "2024-06-0$i" --nps $((i + 4)) --rating "waiting=$((i % 5 + 1))" \
    --rating consultation=5 --rating "parking=$((5 - i % 3))" --rating 수납=4
done
start_server --web "$ROOT/web" || exit 0

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
stop_server
