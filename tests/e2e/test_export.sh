# CSV export against formula injection (OWASP): text a spreadsheet would run (=1+2, @SUM(A1),
# +82..., -x) is written with a leading quote, numbers are not (a refund stays -5.00), and
# `import` drops the quote again, so export -> import is unchanged. And --map mistakes are usage
# errors (exit 2).
. "$(dirname "$0")/lib.sh"
D="$DANGOL"
cd "$WORK" || exit 1
"$D" -q init --currency USD
cat > c.csv <<'CSV'
customer_id,name,phone,email
=1+2,@SUM(A1),+82-10-1234-5678,-x@example.com
C-2,''=twice,'',plain
'C-3,"=HYPERLINK(""http://x"",""y"")",'x,"	tab"
CSV
printf 'order_id,customer_id,ordered_at,total\nO1,C-2,2024-01-01,-5.00\n' > o.csv
expect_ok "formula-like text imports" "$D" -q import customers c.csv
expect_ok "a refund imports" "$D" -q import orders o.csv
"$D" export customers --reason test --output out.csv
"$D" export orders --output orders.csv
expect_output "=1+2 is exported with a quote" "^'=1\\+2,'@SUM\\(A1\\),'\\+82-10-1234-5678,'-x@example.com" cat out.csv
expect_output "a stored quote before = gets another, a lone quote none" "^C-2,''=twice,',plain" cat out.csv
expect_output "a quoted formula stays quoted" "^'C-3,\"'=HYPERLINK" cat out.csv
expect_output "a tab is escaped" "'	tab" cat out.csv
expect_output "money stays a number" "^O1,C-2,.*,-5.00" cat orders.csv
"$D" -q --db copy.db init --currency USD
expect_ok "the export imports into a new store" "$D" -q --db copy.db import customers out.csv
"$D" --db copy.db export customers --reason test --output out2.csv
expect_same "export -> import -> export is unchanged" out.csv out2.csv
expect_output "the stored value has no quote" '"customer_id": "=1\+2", "name": "@SUM\(A1\)"' \
  "$D" --db copy.db --format json export customers --reason test
expect_output "the stored quotes" "\"customer_id\": \"C-2\", \"name\": \"'=twice\", \"phone\": \"'\"" \
  "$D" --db copy.db --format json export customers --reason test
expect_output "a quote before other text is kept" '"customer_id": "'"'"'C-3"' \
  "$D" --db copy.db --format json export customers --reason test

# every CSV writer escapes text alike: a report's CSV and the quarantine file too
printf "order_id,customer_id,ordered_at,total\nO2,'=1+2,2024-01-02,3.00\n" > o2.csv
expect_ok "an order of the customer =1+2 imports" "$D" -q import orders o2.csv
expect_output "a report's CSV escapes a formula-like id" "^'=1\\+2,[0-9]" \
  "$D" --format csv rfm --customers
printf 'customer_id,name,birth_year\nQ1,=HYPERLINK("http://x"),abc\nQ2,ok,1980\n' > bad.csv
"$D" -q import customers bad.csv --skip-invalid --quarantine bad.quarantine.csv > /dev/null 2>&1
expect_output "the quarantine file escapes a formula-like field" "^Q1,\"'=HYPERLINK" cat bad.quarantine.csv
expect_output "numbers in the quarantine file stay as read" "^Q1,.*,abc," cat bad.quarantine.csv
printf 'customer_id,name,birth_year\nQ1,=HYPERLINK("http://x"),1970\n' > fixed.csv
"$D" -q import customers fixed.csv
sed 's/,abc,.*$/,1970/' bad.quarantine.csv | sed '1s/,reason$//' > requeued.csv
"$D" -q --db q1.db init --currency USD
"$D" -q --db q1.db import customers requeued.csv
"$D" --db q1.db --format json export customers --reason test > q1.json
expect_output "a fixed quarantine row re-imports as the original would" \
  '"name": "=HYPERLINK\(\\"http://x\\"\)"' cat q1.json

expect_exit   "--map without = is a usage error" 2 "$D" import customers c.csv --map "name"
expect_exit   "--map to an unknown column is a usage error" 2 "$D" import customers c.csv --map "name=nmae"
expect_output "--map names the mistake" '--map: "nmae" is not a column of customers' \
  "$D" import customers c.csv --map "name=nmae"
