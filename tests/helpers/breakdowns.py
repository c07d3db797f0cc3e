#!/usr/bin/python3
"""Rows of a breakdown add up to its total, everywhere (issue 21): checks dangol's JSON output of
the breakdown reports that have a total, the total being the report's own row or another report.

usage: breakdowns.py KIND JSON [JSON...]
  rfm SEGMENTS KNOWN          segments (with "(no orders)") add up to KNOWN customers; revenue
                              and its shares to the whole
  funnel FUNNEL               now_at_step adds up to the first step's reached, and each step's
                              reached is now_at_step of it and every later step
  migration MIGRATION STAGE   each row's cells add up to its total and its stayed/up/down to 1;
                              the columns to the stages of STAGE (`stage --at TO`)
  history HISTORY KPI         the stages at each month end add up to kpi's customers of the month
  cube CUBE                   with --rollup: each subtotal row is the sum of the detail rows it
                              totals, the grand total the sum of all of them, and a Total column
                              the sum of its row's cells (give additive measures only: revenue,
                              orders, units, share); with --top, a note says how many rows are
                              shown and the totals still cover the others
Prints one line per check: "pass NAME" or "fail NAME: detail"."""
import json
import sys

kind, paths = sys.argv[1], sys.argv[2:]
tables = [json.load(open(p)) for p in paths if not p.isdigit()]


def check(name, ok, detail=""):
    print(f"pass {kind}: {name}" if ok else f"fail {kind}: {name}: {detail}")


def same(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


if kind == "rfm":
    t, known = tables[0], int(paths[1])
    rows = t["rows"]
    check("segments (with (no orders)) add up to the known customers",
          sum(r["customers"] for r in rows) == known, f"{sum(r['customers'] for r in rows)} != {known}")
    check("a (no orders) row", any(r["segment"] == "(no orders)" for r in rows))
    for col in ("customer_share", "revenue_share"):
        check(f"{col} adds up to 1", same(sum(r[col] or 0 for r in rows), 1.0),
              str(sum(r[col] or 0 for r in rows)))
elif kind == "funnel":
    rows = tables[0]["rows"]
    check("now_at_step adds up to the first step's reached",
          sum(r["now_at_step"] for r in rows) == rows[0]["reached"], str(rows))
    for i, r in enumerate(rows):
        later = sum(x["now_at_step"] for x in rows[i:])
        check(f"{r['step']}: reached = now at it or a later step", r["reached"] == later,
              f"{r['reached']} != {later}")
elif kind == "migration":
    t, stage = tables
    label = t["columns"][0]
    stages = t["columns"][1:t["columns"].index("total")]
    for r in t["rows"]:
        check(f"row {r[label]}: cells add up to total", sum(r[s] for s in stages) == r["total"],
              str(r))
        if r["total"] and r.get("stayed") is not None:
            check(f"row {r[label]}: stayed + up + down = 1",
                  same(r["stayed"] + r["up"] + r["down"], 1.0), str(r))
    at_to = {r["stage"]: r["customers"] for r in stage["rows"]}
    for s in stages:
        check(f"column {s} adds up to the stage's customers on TO",
              sum(r[s] for r in t["rows"]) == at_to.get(s, 0),
              f"{sum(r[s] for r in t['rows'])} != {at_to.get(s, 0)}")
elif kind == "history":
    t, kpi = tables
    customers = {r["month"]: r["customers"] for r in kpi["rows"]}
    stages = ("prospect", "customer", "client", "advocate", "partner")
    matched = 0
    for r in t["rows"]:
        month = r["date"][:7]
        if month in customers:
            matched += 1
            total = sum(r[s] or 0 for s in stages)
            check(f"{r['date']}: the stages add up to kpi's customers of {month}",
                  total == customers[month], f"{total} != {customers[month]}")
    check("history and kpi share months", matched > 0, str(list(customers)))
elif kind == "cube":
    t = tables[0]
    cols = t["columns"]
    dims = [c for c in cols if isinstance(t["rows"][0][c], str)]   # the row labels
    values = [c for c in cols if c not in dims]   # measures, or column keys (one measure)
    if "Total" in cols:                      # rows x cols: the Total column of each row
        cells = [c for c in values if c != "Total"]
        for r in t["rows"]:
            check(f"{r[dims[0]]}: cells add up to the Total column",
                  same(sum(r[c] or 0 for c in cells), r["Total"]), str(r))
        values = ["Total"] + cells
    detail = [r for r in t["rows"] if "Total" not in (r[d] for d in dims)]
    top = [n for n in t.get("notes", []) if n.startswith("--top")]
    if top:   # --top leaves rows out: the note says so, and the totals still cover them
        check("--top: the note says how many rows of how many are shown",
              f"shows {len(detail)} of " in top[0] and "Total rows cover all" in top[0], top[0])
        for v in values:
            total = [r for r in t["rows"] if all(r[d] == "Total" for d in dims)][0]
            check(f"--top: the shown rows' {v} is less than the Total's",
                  sum(x[v] or 0 for x in detail) < total[v], str(total))
        sys.exit(0)
    for r in t["rows"]:
        rolled = [i for i, d in enumerate(dims) if r[d] == "Total"]
        if not rolled:
            continue
        # the detail rows this subtotal covers: the same values before the first rolled dim
        k = rolled[0]
        covered = [x for x in detail if all(x[d] == r[d] for d in dims[:k])]
        for v in values:
            want = sum(x[v] or 0 for x in covered)
            check(f"{'/'.join(str(r[d]) for d in dims)} {v}: the sum of its {len(covered)} rows",
                  same(r[v] or 0, want), f"{r[v]} != {want}")
else:
    sys.exit(f"unknown kind {kind}")
