#!/usr/bin/python3
"""Independent reference values for the BTYD unit tests, computed with mpmath at 40 digits from
the formulas in their original published form (no Euler/Pfaff transformations; the Pareto/NBD
likelihood and P(alive) from the integral over the death time, not from 2F1).

Prints one line per value: TAG followed by numbers; tests/unit/test_btyd_reference.c reads them.
  hyp2f1 a b c z log|F| sign
  ll|palive|expected MODEL p0 p1 p2 p3 x t_x T t value
  gg_ll|gg_spend p q gamma x m value
  clv MODEL p0 p1 p2 p3 x t_x T spend horizon discount value
  uppergamma a z log(Gamma(a, z))
  dert MODEL p0 p1 p2 p3 x t_x T delta value

With the argument `hessian` it prints instead the log-likelihood of one customer, its gradient
and its Hessian (upper triangle by rows), differentiated symbolically by sympy from the papers'
form (BG/NBD: FHL 2005 eq. 6; MBG/NBD: Batislam et al. 2007 eq. 4; Gamma-Gamma: FHL 2005 "RFM
and CLV" eq. 3, with Beta and Gamma functions, no digamma written by hand), evaluated at 30 digits:
  hess MODEL p0 p1 p2 p3 x t_x T ll g0..g3 h00 h01 h02 h03 h11 h12 h13 h22 h23 h33
  gg_hess p q gamma x m ll g0 g1 g2 h00 h01 h02 h11 h12 h22

With the arguments `fits DATA_DIR` it prints instead the maximum-likelihood fits on the CDNOW
data (39-week calibration ending 1997-09-30), found with scipy.optimize from likelihoods written
here in the papers' own form:
  fit MODEL p0 p1 p2 p3 loglik n_customers
  mbgnbd: on cdnow_customers_summary.csv (Batislam, Denizel & Filiztekin 2007, eq. 4)
  bgbb:   on the weekly discrete summary of CDNOW_sample.txt, built here (Fader, Hardie & Shang
          2010, eqs. 5-6; the summary as defined in docs/clv.md)
"""
import csv
import datetime
import sys

import mpmath as mp
import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, logsumexp

mp.mp.dps = 40


def lbeta(a, b):
    return mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)


# ---- BG/NBD (FHL 2005 eqs. 6, 10) and MBG/NBD (Batislam et al. 2007) ----
def bg_ll(p, x, tx, T, mod):
    r, al, a, b = map(mp.mpf, p)
    e = 1 if mod else 0
    head = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) - lbeta(a, b)
    t1 = mp.exp(lbeta(a, b + x + e) - (r + x) * mp.log(al + T))
    t2 = 0
    if mod or x > 0:
        t2 = mp.exp(lbeta(a + 1, b + x - 1 + e) - (r + x) * mp.log(al + tx))
    return head + mp.log(t1 + t2)


def bg_palive(p, x, tx, T, mod):
    r, al, a, b = map(mp.mpf, p)
    if not mod and x == 0:
        return mp.mpf(1)
    d = (b + x) if mod else (b + x - 1)
    return 1 / (1 + a / d * ((al + T) / (al + tx)) ** (r + x))


def bg_expected(p, x, tx, T, t, mod):
    r, al, a, b = map(mp.mpf, p)
    if mod:
        c = a + b + x
        f = mp.hyp2f1(r + x, b + x + 1, c, t / (al + T + t))
    else:
        c = a + b + x - 1
        f = mp.hyp2f1(r + x, b + x, c, t / (al + T + t))
    br = 1 - ((al + T) / (al + T + t)) ** (r + x) * f
    return c / (a - 1) * br * bg_palive(p, x, tx, T, mod)


# ---- Pareto/NBD: L = E[lambda^x e^{-(lambda+mu)T}] + E[lambda^x mu int_{t_x}^T e^{-(lambda+mu)u} du]
def pnbd_parts(p, x, tx, T):
    r, al, s, be = map(mp.mpf, p)
    head = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + s * mp.log(be)
    alive = (al + T) ** (-(r + x)) * (be + T) ** (-s)
    if tx < T:
        # the integrand falls by e per (alpha+t_x)/(r+x) near t_x: a geometric grid of
        # subintervals from there keeps tanh-sinh accurate for any x and T
        h = min(al, be) + tx
        h = h / (r + x + s + 1)
        pts, j = [mp.mpf(tx)], 1
        while tx + h * (2 ** j - 1) < T:
            pts.append(tx + h * (2 ** j - 1))
            j += 1
        pts.append(mp.mpf(T))
        dead = s * mp.quad(lambda u: (al + u) ** (-(r + x)) * (be + u) ** (-(s + 1)), pts)
    else:
        dead = mp.mpf(0)
    return head, alive, dead


def pnbd_ll(p, x, tx, T):
    head, alive, dead = pnbd_parts(p, x, tx, T)
    return head + mp.log(alive + dead)


def pnbd_palive(p, x, tx, T):
    head, alive, dead = pnbd_parts(p, x, tx, T)
    return alive / (alive + dead)


def pnbd_expected(p, x, tx, T, t):
    r, al, s, be = map(mp.mpf, p)
    return ((r + x) * (be + T) / ((al + T) * (s - 1)) *
            (1 - ((be + T) / (be + T + t)) ** (s - 1)) * pnbd_palive(p, x, tx, T))


# ---- BG/BB (FHS 2010 eqs. 5, 11, 13), n = T ----
def bgbb_L(p, x, tx, n):
    al, be, ga, de = map(mp.mpf, p)
    v = mp.exp(lbeta(al + x, be + n - x) - lbeta(al, be) + lbeta(ga, de + n) - lbeta(ga, de))
    for i in range(int(n - tx)):
        v += mp.exp(lbeta(al + x, be + tx - x + i) - lbeta(al, be) + lbeta(ga + 1, de + tx + i)
                    - lbeta(ga, de))
    return v


def bgbb_palive(p, x, tx, n):
    al, be, ga, de = map(mp.mpf, p)
    return mp.exp(lbeta(al + x, be + n - x) - lbeta(al, be) + lbeta(ga, de + n + 1)
                  - lbeta(ga, de)) / bgbb_L(p, x, tx, n)


def bgbb_expected(p, x, tx, n, ns):
    al, be, ga, de = map(mp.mpf, p)
    g = mp.gamma
    return (1 / bgbb_L(p, x, tx, n) * mp.exp(lbeta(al + x + 1, be + n - x) - lbeta(al, be))
            * de / (ga - 1) * g(ga + de) / g(1 + de)
            * (mp.exp(mp.loggamma(1 + de + n) - mp.loggamma(ga + de + n))
               - mp.exp(mp.loggamma(1 + de + n + ns) - mp.loggamma(ga + de + n + ns))))


def quantity(q, model, p, x, tx, T, t):
    if model in ("bgnbd", "mbgnbd"):
        mod = model == "mbgnbd"
        return {"ll": lambda: bg_ll(p, x, tx, T, mod), "palive": lambda: bg_palive(p, x, tx, T, mod),
                "expected": lambda: bg_expected(p, x, tx, T, t, mod)}[q]()
    if model == "paretonbd":
        return {"ll": lambda: pnbd_ll(p, x, tx, T), "palive": lambda: pnbd_palive(p, x, tx, T),
                "expected": lambda: pnbd_expected(p, x, tx, T, t)}[q]()
    return {"ll": lambda: mp.log(bgbb_L(p, x, tx, T)), "palive": lambda: bgbb_palive(p, x, tx, T),
            "expected": lambda: bgbb_expected(p, x, tx, T, t)}[q]()


def fmt(*v):
    return " ".join(mp.nstr(mp.mpf(u), 20) if not isinstance(u, str) else u for u in v)


def main():
    out = []
    # 2F1 on both sides of the transformations, with large parameters and z near 0, 1 and < 0
    for a, b, c, z in [(0.5, 1.5, 2.5, 0.3), (1.2, 3.4, 5.6, 0.9), (1.2, 3.4, 5.6, 0.999),
                       (10.5, 20.25, 31.7, 0.5), (1000.24, 1002.4, 1002.2, 0.7),
                       (1000.24, 1002.4, 1002.2, 0.99), (0.79, 2.4, 3.2, -5.0),
                       (2.5, 1.5, 3.5, -0.5), (30.0, 25.0, 31.0, 0.2), (5001.2, 5.6, 5002.2, 0.95),
                       (0.2426 + 2, 2.4259 + 2, 0.7929 + 2.4259 + 1, 52 / (4.41 + 38.86 + 52)),
                       (1.5, -0.2, 2.2, 0.8), (0.3, 0.4, 0.2, 0.6), (100.5, 0.6, 101.5, 0.999999),
                       # near z = 1: the 1-z transformation, also with c-a-b an integer
                       (0.5, 0.7, 1.3, 1 - 1e-6), (0.3, 0.5, 1.8, 1 - 1e-7),
                       (2.2, 1.3, 2.5, 1 - 1e-6), (0.25, 0.75, 2.0, 1 - 1e-7),
                       (3.0, 5.0, 9.0, 1 - 1e-8), (0.2426, 0.7929 - 1, 0.7929 + 2.4259 - 1, 1 - 1e-7)]:
        f = mp.hyp2f1(a, b, c, z)
        out.append(fmt("hyp2f1", a, b, c, z, mp.log(abs(f)), mp.sign(f)))
    params = {
        "bgnbd": [(0.2426, 4.4136, 0.7929, 2.4259), (1.5, 20.0, 2.5, 8.0)],
        "mbgnbd": [(0.5248, 6.1830, 0.8914, 1.6140), (1.5, 20.0, 2.5, 8.0)],
        "paretonbd": [(0.5533, 10.578, 0.6062, 11.669), (0.8, 25.0, 1.7, 4.0)],
    }
    grid = []
    for T in (0.5, 38.86, 1000.0, 1e5):
        for x in (0, 1, 2, 10, 100, 1000):
            for frac in ((0.0,) if x == 0 else (0.0, 0.5, 1.0)):
                for t in (1.0, 52.0, 1e4):
                    grid.append((x, frac * T, T, t))
    for model, plist in params.items():
        for p in plist:
            for (x, tx, T, t) in grid:
                if model == "paretonbd" and (x >= 1000 or T >= 1e5) and t != 52.0:
                    continue   # keep the quadrature count modest
                for q in ("ll", "palive", "expected"):
                    out.append(fmt(q, model, *p, x, tx, T, t, quantity(q, model, p, x, tx, T, t)))
    for p in [(1.2, 0.75, 0.66, 2.78), (0.5, 3.0, 2.5, 0.7)]:
        for n in (1, 6, 20, 200):
            for x in sorted({0, 1, n // 2, n}):
                for tx in sorted({x, (x + n) // 2, n}) if x > 0 else (0,):
                    if tx < x or (x > 0 and tx < 1):
                        continue
                    for ns in (1, 5, 50):
                        for q in ("ll", "palive", "expected"):
                            out.append(fmt(q, "bgbb", *p, x, tx, n, ns,
                                           quantity(q, "bgbb", p, x, tx, n, ns)))
    for (pp, qq, gg) in [(6.25, 3.74, 15.44), (0.8, 1.5, 200.0)]:
        for x in (1, 2, 10, 1000):
            for m in (0.01, 15.0, 35.7, 1e5):
                pp_, qq_, gg_ = map(mp.mpf, (pp, qq, gg))
                ll = (mp.loggamma(pp_ * x + qq_) - mp.loggamma(pp_ * x) - mp.loggamma(qq_)
                      + qq_ * mp.log(gg_) + (pp_ * x - 1) * mp.log(m) + pp_ * x * mp.log(x)
                      - (pp_ * x + qq_) * mp.log(gg_ + m * x))
                out.append(fmt("gg_ll", pp, qq, gg, x, m, ll))
                out.append(fmt("gg_spend", pp, qq, gg, x, m,
                               pp_ * (gg_ + m * x) / (pp_ * x + qq_ - 1)))
    for a, z in [(-0.5, 0.1), (-0.5, 3.0), (0.4, 0.2), (-1.7, 0.05), (-2.0 + 1e-4, 2.0),
                 (0.39, 40.0), (-0.3938, 0.01), (-0.3938, 1.5), (1 - 1.7, 0.7)]:
        out.append(fmt("uppergamma", a, z, mp.log(mp.gammainc(a, z))))
    # DERT checked against its definition, delta * integral_0^inf e^(-delta t) E[Y(t)] dt
    # (integration by parts of the discounted purchase rate), not against the closed form
    for p in [(0.5533, 10.578, 0.6062, 11.669), (0.8, 25.0, 1.7, 4.0)]:
        for (x, tx, T) in [(0, 0, 38.86), (2, 30.43, 38.86), (10, 20.0, 38.86), (1, 0.5, 5.0)]:
            for delta in (0.0029, 0.05):
                r, al, s_, be = map(mp.mpf, p)
                pa = pnbd_palive(p, x, tx, T)   # E[Y(t)] below is eq. for pnbd_expected
                ey = lambda t: ((r + x) * (be + T) / ((al + T) * (s_ - 1))
                                * (1 - ((be + T) / (be + T + t)) ** (s_ - 1)) * pa)
                dert = delta * mp.quad(lambda t: mp.exp(-delta * t) * ey(t),
                                       [0, 10, 100, 1000, mp.inf])
                out.append(fmt("dert", "paretonbd", *p, x, tx, T, delta, dert))
    p = (0.2426, 4.4136, 0.7929, 2.4259)
    for (x, tx, T) in [(0, 0, 38.86), (2, 30.43, 38.86), (10, 38.0, 38.86), (100, 10.0, 38.86)]:
        for (H, d) in [(52, 0.01), (10.5, 0.0), (104, 0.05)]:
            total, prev, k = mp.mpf(0), mp.mpf(0), 1
            while True:
                tt = min(k, H)
                cum = bg_expected(p, x, tx, T, tt, False)
                total += (cum - prev) / mp.power(1 + mp.mpf(d), tt)
                prev = cum
                if tt >= H:
                    break
                k += 1
            out.append(fmt("clv", "bgnbd", *p, x, tx, T, 25.0, H, d, total * 25))
    print("\n".join(out))


# ---- maximum-likelihood fits with scipy (numpy, double precision) ----
def mbgnbd_loglik(par, x, tx, T, w):
    """Batislam, Denizel & Filiztekin (2007) eq. (4), in their factored form:
    L = G(r+x) a^r / G(r) * G(a+b) G(b+x+1) / (G(b) G(a+b+x+1))
        * [ (alpha+T)^-(r+x) + a/(b+x) (alpha+t_x)^-(r+x) ]"""
    r, al, a, b = par
    head = (gammaln(r + x) - gammaln(r) + r * np.log(al) + gammaln(a + b) + gammaln(b + x + 1)
            - gammaln(b) - gammaln(a + b + x + 1))
    tail = np.logaddexp(-(r + x) * np.log(al + T),
                        np.log(a) - np.log(b + x) - (r + x) * np.log(al + tx))
    return float(np.sum(w * (head + tail)))


def bgbb_loglik(par, x, tx, n, w):
    """Fader, Hardie & Shang (2010) eq. (5) per (x, t_x, n) pattern, summed with the pattern
    counts as in eq. (6)."""
    al, be, ga, de = par
    base = -betaln(al, be) - betaln(ga, de)
    terms = [betaln(al + x, be + n - x) + betaln(ga, de + n)]
    for i in range(int(np.max(n - tx))):
        terms.append(np.where(i < n - tx, betaln(al + x, be + tx - x + i)
                              + betaln(ga + 1, de + tx + i), -np.inf))
    return float(np.sum(w * (base + logsumexp(np.array(terms), axis=0))))


def ml_fit(loglik, data, starts):
    """Best of several L-BFGS-B runs on log-parameters, polished by Nelder-Mead."""
    def nll(lp):
        v = -loglik(np.exp(lp), *data)
        return v if np.isfinite(v) else 1e300
    best = None
    for s0 in starts:
        res = minimize(nll, np.log(s0), method="L-BFGS-B", bounds=[(-15, 15)] * len(s0),
                       options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-9})
        if best is None or res.fun < best.fun:
            best = res
    res = minimize(nll, best.x, method="Nelder-Mead",
                   options={"maxiter": 20000, "maxfev": 20000, "xatol": 1e-10, "fatol": 1e-10})
    if res.fun > best.fun:
        res = best
    return np.exp(res.x), -res.fun


def patterns(rows):
    """Distinct rows and their counts, as arrays."""
    counts = {}
    for r in rows:
        counts[r] = counts.get(r, 0) + 1
    keys = sorted(counts)
    cols = [np.array([k[j] for k in keys], dtype=float) for j in range(len(keys[0]))]
    return cols + [np.array([counts[k] for k in keys], dtype=float)]


def cdnow_weekly_discrete(path, cal):
    """Per customer: n = whole weeks after the week of the first purchase, on a grid of weeks
    ending on cal; x = weeks 1..n with a purchase; t_x = the last of them."""
    days = {}
    with open(path) as f:
        for line in f:
            cols = line.split()
            if not cols:
                continue
            d = datetime.date(int(cols[2][:4]), int(cols[2][4:6]), int(cols[2][6:8]))
            days.setdefault(cols[0], []).append((cal - d).days)   # days before cal
    rows = []
    for before in days.values():
        first = max(before)
        if first < 0:
            continue
        n = first // 7
        weeks = {n - b // 7 for b in before if b >= 0} - {0}
        rows.append((len(weeks), max(weeks) if weeks else 0, n))
    return rows


def fits(data_dir):
    with open(data_dir + "/cdnow_customers_summary.csv") as f:
        rows = [(float(r["frequency"]), float(r["recency"]), float(r["T"]))
                for r in csv.DictReader(f)]
    x, tx, T, w = patterns(rows)
    mean_T = float(sum(w * T) / sum(w))
    p, ll = ml_fit(mbgnbd_loglik, (x, tx, T, w),
                   [(0.5, 0.15 * mean_T, 1, 2), (1, mean_T, 1, 1), (0.2, 0.05 * mean_T, 0.5, 5)])
    out = [fmt("fit", "mbgnbd", *p, ll, len(rows))]
    rows = cdnow_weekly_discrete(data_dir + "/CDNOW_sample.txt", datetime.date(1997, 9, 30))
    x, tx, n, w = patterns(rows)
    p, ll = ml_fit(bgbb_loglik, (x, tx, n, w), [(1, 1, 1, 1), (0.5, 10, 0.5, 10), (2, 5, 1, 3)])
    out.append(fmt("fit", "bgbb", *p, ll, len(rows)))
    print("\n".join(out))


# ---- Pareto/NBD far along the r/alpha ridge (r, alpha in the thousands, zeta -> 1): the
# log-likelihood and its gradient, each term's derivative under the same quadrature as
# pnbd_parts (d/dtheta of s * int f and of the closed-form parts, Fader & Hardie 2005 eq. 19).
def pnbd_far():
    for p in [(12634.0, 93301.0, 1.02, 128.4), (2000.0, 3.0e6, 3.5, 9.0), (0.9, 0.8, 1.3, 700.0)]:
        r, al, s, be = map(mp.mpf, p)
        for (x, tx, T) in [(0, 0, 38.86), (0, 0, 0.5), (1, 0.5, 5), (2, 30.43, 38.86),
                           (10, 38.86, 38.86), (100, 10, 38.86), (3, 1e-3, 1e4)]:
            head, alive, dead = pnbd_parts(p, x, tx, T)
            m = r + x
            la, lb = mp.log(al + T), mp.log(be + T)
            g_alive = [-la * alive, -m / (al + T) * alive, -lb * alive, -s / (be + T) * alive]
            g_dead = [mp.mpf(0)] * 4
            if tx < T:
                h = (min(al, be) + tx) / (m + s + 1)
                pts, j = [mp.mpf(tx)], 1
                while tx + h * (2 ** j - 1) < T:
                    pts.append(tx + h * (2 ** j - 1))
                    j += 1
                pts.append(mp.mpf(T))
                f = lambda u: (al + u) ** (-m) * (be + u) ** (-(s + 1))
                g_dead = [s * mp.quad(lambda u: -mp.log(al + u) * f(u), pts),
                          s * mp.quad(lambda u: -m / (al + u) * f(u), pts),
                          mp.quad(lambda u: (1 - s * mp.log(be + u)) * f(u), pts),
                          s * mp.quad(lambda u: -(s + 1) / (be + u) * f(u), pts)]
            g_head = [mp.digamma(m) - mp.digamma(r) + mp.log(al), r / al, mp.log(be), s / be]
            tot = alive + dead
            grad = [g_head[k] + (g_alive[k] + g_dead[k]) / tot for k in range(4)]
            print(fmt("pnbd_far", *p, x, tx, T, head + mp.log(tot), *grad))


# ---- second derivatives (what Newton's steps and the standard errors use), by sympy ----
def hessians():
    import sympy as sp
    mp.mp.dps = 30
    r, al, a, b, x, tx, T = sp.symbols("r alpha a b x t_x T", positive=True)

    def beta(u, v):
        return sp.gamma(u) * sp.gamma(v) / sp.gamma(u + v)

    def derived(ll, theta, args):
        g = [sp.diff(ll, v) for v in theta]
        h = [sp.diff(g[i], theta[j]) for i in range(len(theta)) for j in range(i, len(theta))]
        return sp.lambdify(theta + args, [ll] + g + h, modules="mpmath")

    def bg_form(second, e):
        head = sp.gamma(r + x) * al ** r / (sp.gamma(r) * beta(a, b))
        like = beta(a, b + x + e) / (al + T) ** (r + x)
        if second:
            like += beta(a + 1, b + x - 1 + e) / (al + tx) ** (r + x)
        return derived(sp.log(head * like), [r, al, a, b], [x, tx, T])

    forms = {("bgnbd", False): bg_form(False, 0), ("bgnbd", True): bg_form(True, 0),
             ("mbgnbd", True): bg_form(True, 1)}
    for model in ("bgnbd", "mbgnbd"):
        for p in [(0.2426, 4.4136, 0.7929, 2.4259), (1.5, 20.0, 2.5, 8.0), (0.05, 0.5, 0.3, 0.2)]:
            for (cx, ctx, cT) in [(0, 0, 38.86), (0, 0, 0.5), (1, 0.5, 5), (2, 30.43, 38.86),
                                  (10, 38.86, 38.86), (100, 10, 38.86), (1000, 500, 1000),
                                  (3, 1e-3, 1e4)]:
                f = forms[(model, model == "mbgnbd" or cx > 0)]
                v = f(*map(mp.mpf, p + (cx, ctx, cT)))
                print(fmt("hess", model, *p, cx, ctx, cT, *v))
    q, g, m = sp.symbols("q g m", positive=True)
    pp = sp.Symbol("p", positive=True)
    gg = derived(sp.log(sp.gamma(pp * x + q) / (sp.gamma(pp * x) * sp.gamma(q)) * g ** q
                        * m ** (pp * x - 1) * x ** (pp * x) / (g + m * x) ** (pp * x + q)),
                 [pp, q, g], [x, m])
    for p in [(6.25, 3.74, 15.44), (0.8, 1.5, 200.0), (0.1, 30.0, 0.5)]:
        for cx in (1, 2, 10, 1000):
            for cm in (0.01, 35.7, 1e5):
                print(fmt("gg_hess", *p, cx, cm, *gg(*map(mp.mpf, p + (cx, cm)))))


if len(sys.argv) > 1 and sys.argv[1] == "hessian":
    hessians()
elif len(sys.argv) > 1 and sys.argv[1] == "pnbd_far":
    pnbd_far()
elif len(sys.argv) > 2 and sys.argv[1] == "fits":
    fits(sys.argv[2])
else:
    main()
