#!/usr/bin/python3
"""Test helper (never used at run time): fits BG/NBD and Gamma-Gamma by maximum likelihood to a
demo orders.csv with scipy, independently of dangol's own models, and prints the estimates as
`name value` lines. usage: fit_demo.py orders.csv AS_OF(YYYY-MM-DD)

Time unit = weeks; x = orders - 1, t_x and T from the first order's timestamp, the history ending
at the close of the as-of day (docs/demo.md). Gamma-Gamma uses every order's total (the demo
draws the first order's value from the same distribution)."""
import csv
import datetime as dt
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln

path, as_of = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
end = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.timezone.utc).timestamp() + 86400
first, last, n, spend = {}, {}, {}, {}
with open(path, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        c = row["customer_id"]
        ts = dt.datetime.strptime(row["ordered_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=dt.timezone.utc).timestamp()
        first[c] = min(first.get(c, ts), ts)
        last[c] = max(last.get(c, ts), ts)
        n[c] = n.get(c, 0) + 1
        spend[c] = spend.get(c, 0) + int(row["total"])
ids = list(n)
x = np.array([n[c] - 1 for c in ids], float)
tx = np.array([(last[c] - first[c]) / 604800 for c in ids])
T = np.array([(end - first[c]) / 604800 for c in ids])


def bgnbd_nll(logp):
    # Fader, Hardie & Lee (2005), "Counting your customers the easy way", eq. (6), in logs.
    r, alpha, a, b = np.exp(logp)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                      - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(a1 + a2 + np.logaddexp(a3, a4))


fit = minimize(bgnbd_nll, np.log([1.0, 1.0, 1.0, 1.0]), method="Nelder-Mead",
               options={"maxiter": 20000, "xatol": 1e-7, "fatol": 1e-7})
for name, v in zip(("r", "alpha", "a", "b"), np.exp(fit.x)):
    print(name, f"{v:.4f}")

k = np.array([n[c] for c in ids], float)
m = np.array([spend[c] / n[c] for c in ids])


def gg_nll(logp):
    # Gamma-Gamma spend (Fader, Hardie & Lee 2005, "RFM and CLV", eq. (3)) on mean order values.
    p, q, g = np.exp(logp)
    ll = (gammaln(p * k + q) - gammaln(p * k) - gammaln(q) + q * np.log(g)
          + (p * k - 1) * np.log(m) + p * k * np.log(k) - (p * k + q) * np.log(k * m + g))
    return -np.sum(ll)


fit = minimize(gg_nll, np.log([1.0, 1.0, float(np.mean(m))]), method="Nelder-Mead",
               options={"maxiter": 20000, "xatol": 1e-8, "fatol": 1e-8})
for name, v in zip(("gg_p", "gg_q", "gg_gamma"), np.exp(fit.x)):
    print(name, f"{v:.4f}")
print("buyers", len(ids))
