"""Independent reference for tests/unit/test_uplift.c: reads two arms of per-customer revenues
(one number per line, a blank line between treatment and control) and responders counted as
revenue > 0, and prints the 95% Newcombe (method 10, from Wilson intervals computed with
scipy's normal quantile) and Welch (scipy's t quantile on the raw values, numpy variances)
intervals: "rate_low rate_high rpc_low rpc_high df". Run only by the unit test."""
import sys

import numpy as np
from scipy import stats


def wilson(x, n, z):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return p, centre - half, centre + half


def main():
    text = open(sys.argv[1]).read().split("\n\n")
    t = np.array([float(v) for v in text[0].split()])
    c = np.array([float(v) for v in text[1].split()])
    z = stats.norm.ppf(0.975)
    p1, l1, u1 = wilson((t > 0).sum(), len(t), z)
    p2, l2, u2 = wilson((c > 0).sum(), len(c), z)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    vt, vc = t.var(ddof=1) / len(t), c.var(ddof=1) / len(c)
    df = (vt + vc) ** 2 / (vt ** 2 / (len(t) - 1) + vc ** 2 / (len(c) - 1))
    half = stats.t.ppf(0.975, df) * np.sqrt(vt + vc)
    m = t.mean() - c.mean()
    print(f"{low:.12g} {high:.12g} {m - half:.12g} {m + half:.12g} {df:.12g}")


main()
