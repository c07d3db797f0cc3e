#!/usr/bin/python3
"""The same BG/NBD + Gamma-Gamma maximum-likelihood fits with scipy.optimize, the way the common
Python CLV libraries do them: a vectorised numpy log-likelihood over all customers and
scipy.optimize.minimize on log-parameters, with Nelder-Mead (no gradient) or L-BFGS-B (its
finite-difference gradient). usage: btyd_scipy.py FILE.csv [RUNS] [METHOD]"""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln


def bgnbd_nll(logp, x, tx, T):
    r, alpha, a, b = np.exp(logp)
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        A4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                      - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(A1 + A2 + np.logaddexp(A3, A4))


def gg_nll(logp, x, m):
    p, q, g = np.exp(logp)
    px = p * x
    return -np.sum(gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
                   + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + m * x))


def main():
    d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
    x, tx, T, m = d[:, 0], d[:, 1], d[:, 2], d[:, 3]
    rep = x > 0
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    method = sys.argv[3] if len(sys.argv) > 3 else "Nelder-Mead"
    options = ({"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-8} if method == "Nelder-Mead"
               else {"maxiter": 4000})
    times, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        bg = minimize(bgnbd_nll, np.zeros(4), args=(x, tx, T), method=method, options=options)
        gg = minimize(gg_nll, np.zeros(3), args=(x[rep], m[rep]), method=method,
                      options=options)
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    sec = sorted(times)[len(times) // 2]
    cpu = sorted(cpus)[len(cpus) // 2]
    print("scipy %s %s: %d customers, BG/NBD + Gamma-Gamma cpu %.2f ms, wall %.2f ms"
          % (method, sys.argv[1], len(x), cpu * 1e3, sec * 1e3))
    print("  bgnbd r=%.4f alpha=%.4f a=%.4f b=%.4f LL=%.2f evals=%d"
          % (*np.exp(bg.x), -bg.fun, bg.nfev))
    print("  gammagamma p=%.4f q=%.4f gamma=%.4f LL=%.2f evals=%d" % (*np.exp(gg.x), -gg.fun, gg.nfev))
    print("SECONDS %.6f %.6f" % (cpu, sec))


main()
