"""Reads `dangol` table-format output on stdin and prints "pass"/"fail" lines: a column that names
rather than counts (a year, a ticket, movement, lot, event or task number, a version, an audit
entry id) must never show thousands separators ("2,025" is not a year). Tables are found by
their dashed rule line, which gives each column's span."""
import re
import sys

LABEL = re.compile(r"(year|^movement$|^lot$|^reverses$|^event$|^ticket$|^task$|^version$|^id$"
                   r"|_id$|^first_id$|^last_id$|^pruned_through$|^bad_id$)")

def tables(lines):
    for i in range(1, len(lines)):
        rule = lines[i]
        if not re.fullmatch(r"-+( +-+)*", rule.rstrip()):
            continue
        spans = [m.span() for m in re.finditer(r"-+", rule)]
        header = lines[i - 1]
        names = [header[a:b + 2].strip() if k + 1 == len(spans) else header[a:spans[k + 1][0]].strip()
                 for k, (a, b) in enumerate(spans)]
        rows = []
        for line in lines[i + 1:]:
            if not line.strip():
                break
            rows.append([line[a:(spans[k + 1][0] if k + 1 < len(spans) else len(line))].strip()
                         for k, (a, b) in enumerate(spans)])
        yield names, rows

name = sys.argv[1]
checked = bad = 0
for names, rows in tables(sys.stdin.read().split("\n")):
    for c, col in enumerate(names):
        if not LABEL.search(col):
            continue
        cells = [row[c] for row in rows if c < len(row) and row[c]]
        grouped = [cell for cell in cells if re.search(r"\d,\d", cell)]
        checked += len(cells)
        if grouped:   # one line a column
            bad += len(grouped)
            print(f"fail {name}: {col} shown as {grouped[0]!r} ({len(grouped)} cells)")
if checked == 0:
    print(f"fail {name}: no label cell found to check")
elif bad == 0:
    print(f"pass {name}: {checked} label cells without thousands separators")
