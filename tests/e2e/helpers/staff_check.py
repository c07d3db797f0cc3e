#!/usr/bin/python3
"""Test helper (never used at run time): recomputes `dangol staff` from a demo's orders.csv and
surveys.csv with scipy, independently of dangol's code, and compares it with dangol's JSON.
usage: staff_check.py DIR AS_OF(YYYY-MM-DD) BY(staff|site) REPEAT_DAYS dangol.json
Prints one line per disagreement and, last, "checked N units"; exits 1 on any disagreement.

Model (docs/staff.md): answers go to the unit of the customer's latest order on or before the
answer day; the prior of a unit is Beta/Dirichlet(m_g * pi_g), pi_g = (count + 1/2) / (n + K/2)
over the group (a staff member's modal site; for sites the store), M by maximum likelihood of the
beta-binomial / Dirichlet-multinomial over log M in [log 0.01, log 1e6], m_g = min(M, n_g)."""
import csv
import datetime as dt
import json
import math
import sys
from collections import defaultdict

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import gammaln
from scipy.stats import beta as beta_dist

folder, as_of_text, by, repeat_days, result = sys.argv[1:6]
as_of = (dt.date.fromisoformat(as_of_text) - dt.date(1970, 1, 1)).days
repeat_days = int(repeat_days)
key = "staff_id" if by == "staff" else "site"


def day_of_ts(text):
    t = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    return (t.date() - dt.date(1970, 1, 1)).days, t


orders = defaultdict(list)
with open(f"{folder}/orders.csv", newline="", encoding="utf-8") as f:
    for i, row in enumerate(csv.DictReader(f)):
        day, ts = day_of_ts(row["ordered_at"])
        if day <= as_of:
            orders[row["customer_id"]].append((ts, i, day, row[key], row["site"], int(row["total"])))
answers = defaultdict(list)
with open(f"{folder}/surveys.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        day = (dt.date.fromisoformat(row["answered_on"]) - dt.date(1970, 1, 1)).days
        if day <= as_of:
            answers[row["customer_id"]].append((day, row["csat"], row["nps"]))

ratings = defaultdict(list)
with open(f"{folder}/interactions.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        day, _ = day_of_ts(row["occurred_at"])
        if day <= as_of and row["rating"]:
            ratings[row["customer_id"]].append((day, row["staff_id"], int(row["rating"])))

units = defaultdict(lambda: {"customers": set(), "orders": 0, "revenue": 0, "repeat": [0, 0],
                             "csat": [0, 0], "nps": [0, 0, 0], "rating": [0, 0],
                             "sites": defaultdict(int)})
for c, os_ in orders.items():
    os_.sort()
    for ts, i, day, unit, site, total in os_:
        if unit:
            u = units[unit]
            u["customers"].add(c)
            u["orders"] += 1
            u["revenue"] += total
            u["sites"][site] += 1
    ts0, _, day0, unit0, _, _ = os_[0]
    if unit0 and day0 + repeat_days <= as_of:
        again = any(day0 < d <= day0 + repeat_days for _, _, d, _, _, _ in os_[1:])
        units[unit0]["repeat"][0 if again else 1] += 1
for c, answers_ in answers.items():
    for day, csat, nps in answers_:
        before = [o for o in orders.get(c, []) if o[2] <= day]
        if not before or not before[-1][3]:
            continue
        u = units[before[-1][3]]
        if csat:
            u["csat"][0 if int(csat) >= 4 else 1] += 1
        if nps:
            n = int(nps)
            u["nps"][0 if n >= 9 else 1 if n >= 7 else 2] += 1

for c, rated in ratings.items():
    for day, staff, rating in rated:
        if by == "staff":
            unit = staff
        else:
            before = [o for o in orders.get(c, []) if o[2] <= day]
            unit = before[-1][3] if before else ""
        if unit and unit in units:
            units[unit]["rating"][0 if rating >= 4 else 1] += 1

with open(result, encoding="utf-8") as f:
    table = json.load(f)
rows = {r["staff" if by == "staff" else "site"]: r for r in table["rows"]}
bad = []


def check(what, got, want, tol=0.0):
    if got is None or want is None:
        if got is not want:
            bad.append(f"{what}: dangol {got}, scipy {want}")
    elif abs(got - want) > tol * max(1.0, abs(want)):
        bad.append(f"{what}: dangol {got}, scipy {want}")


if set(rows) != set(units):
    bad.append(f"units differ: dangol {sorted(rows)}, scipy {sorted(units)}")
names = sorted(units)
group = {}
for name in names:
    if by == "staff":
        s = units[name]["sites"]
        top = max(s.values())
        modal = sorted(k for k, v in s.items() if v == top)
        group[name] = rows[name]["site"] if rows.get(name, {}).get("site") in modal else modal[0]
    else:
        group[name] = ""


def fit(counts):
    """pi_g per group and M by maximum likelihood (scipy), as the docstring says."""
    k = len(counts[names[0]])
    totals = defaultdict(lambda: np.zeros(k))
    for n in names:
        totals[group[n]] += counts[n]
    pi = {g: (t + 0.5) / (t.sum() + k / 2) for g, t in totals.items()}
    ng = {g: t.sum() for g, t in totals.items()}

    def nll(log_m):
        m, ll = math.exp(log_m), 0.0
        for n in names:
            x = np.asarray(counts[n], float)
            if x.sum() == 0:
                continue
            a = m * pi[group[n]]
            ll += gammaln(m) - gammaln(m + x.sum()) + np.sum(gammaln(a + x) - gammaln(a))
        return -ll
    lo, hi = math.log(0.01), math.log(1e6)
    r = minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-9})
    best = min([(r.fun, r.x), (nll(lo), lo), (nll(hi), hi)])
    return pi, ng, math.exp(best[1]), best[0]


for measure, k in (("repeat", 2), ("csat", 2), ("nps", 3), ("rating", 2)):
    counts = {n: np.array(units[n][measure], float) for n in names}
    pi, ng, m_fit, _ = fit(counts)
    print(f"{measure}: M = {m_fit:.6g}", file=sys.stderr)
    for n in names:
        row, x = rows.get(n), counts[n]
        if row is None:
            continue
        m = min(m_fit, ng[group[n]])
        check(f"{n} {measure}_n", row[f"{measure}_n"], int(x.sum()))
        if m == 0 and x.sum() == 0:
            check(f"{n} {measure}", row[measure], None)
            continue
        a = m * pi[group[n]] + x
        if k == 2:
            mean, low, high = a[0] / a.sum(), beta_dist.ppf(0.025, a[0], a[1]), beta_dist.ppf(0.975, a[0], a[1])
        else:
            a0 = a.sum()
            mean = (a[0] - a[2]) / a0
            var = (a[0] * (a0 - a[0]) + a[2] * (a0 - a[2]) + 2 * a[0] * a[2]) / (a0 * a0 * (a0 + 1))
            half = 1.959963984540054 * math.sqrt(var)
            mean, low, high = 100 * mean, 100 * max(-1, mean - half), 100 * min(1, mean + half)
        # M is found by two different searches: the shrunk figures agree to 1e-3
        check(f"{n} {measure}", row[measure], mean, 1e-3)
        check(f"{n} {measure}_low", row[f"{measure}_low"], low, 1e-3)
        check(f"{n} {measure}_high", row[f"{measure}_high"], high, 1e-3)
for n in names:
    row = rows.get(n)
    if row:
        check(f"{n} customers", row["customers"], len(units[n]["customers"]))
        check(f"{n} orders", row["orders"], units[n]["orders"])
        check(f"{n} revenue", row["revenue"], units[n]["revenue"])
for line in bad[:30]:
    print(line)
print(f"checked {len(names)} units")
sys.exit(1 if bad else 0)
