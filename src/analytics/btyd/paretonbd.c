/* Pareto/NBD (Schmittlein, Morrison & Colombo 1987): log-likelihood in the form derived by Fader
 * & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions", P(alive)
 * and the conditional expectation. Parameters p = {r, alpha, s, beta}. The likelihood needs two
 * 2F1 values per customer; no analytic gradient (the optimiser is derivative-free). */
#include <math.h>
#include <stdlib.h>

#include "analytics/btyd/btyd_internal.h"

/* log A_0, Fader & Hardie (2005) note, eqs. (20)-(21) (A_0 >= 0):
 *   alpha >= beta: A_0 = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+t_x)) / (alpha+t_x)^(r+s+x)
 *                      - 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+T))   / (alpha+T)^(r+s+x)
 *   alpha <  beta: the same with 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+.)), beta+. bases.
 * Equivalently s/(r+s+x) A_0 = s * integral_{t_x}^{T} (alpha+u)^-(r+x) (beta+u)^-(s+1) du. */
static double log_a0(double r, double alpha, double s, double beta, double x, double t_x, double T)
{
    double a1 = r + s + x, c1 = r + s + x + 1, b1, base, diff;
    int sign;
    if (alpha >= beta) {
        b1 = s + 1;
        base = alpha;
        diff = alpha - beta;
    } else {
        b1 = r + x;
        base = beta;
        diff = beta - alpha;
    }
    double l_tx = dg__hyp2f1_log(a1, b1, c1, diff / (base + t_x), &sign) - a1 * log(base + t_x);
    double l_T = dg__hyp2f1_log(a1, b1, c1, diff / (base + T), &sign) - a1 * log(base + T);
    return dg__logsubexp(l_tx, l_T);
}

/* Fader & Hardie (2005) note, eq. (19):
 *   L = G(r+x) alpha^r beta^s / G(r) * { 1/((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A_0 } */
double dg__paretonbd_loglik_one(const double *p, double x, double t_x, double T)
{
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    double head = dg_lgamma(r + x) - dg_lgamma(r) + r * log(alpha) + s * log(beta);
    double u1 = -(r + x) * log(alpha + T) - s * log(beta + T);
    double u2 = log(s) - log(r + s + x) + log_a0(r, alpha, s, beta, x, t_x, T);
    return head + dg__logaddexp(u1, u2);
}

typedef struct pnbd_terms {
    const dg__btyd_pack *pk;
    double r, alpha, s, beta;
    const double *head, *lratio, *lbt, *zt, *lbT, *zT, *u1T;
} pnbd_terms;

/* acc[0] = the log-likelihood of patterns [begin, end), eq. (19) as log(e^u1 + e^u2). */
static void pnbd_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const pnbd_terms *m = ctx;
    const dg__btyd_pack *pk = m->pk;
    double r = m->r, s = m->s, ll = 0;
    for (size_t i = begin; i < end; i++) {
        uint32_t jx = pk->ix[i], jt = pk->it[i], jT = pk->iT[i];
        double x = pk->x[i], a1 = r + s + x, b1 = m->alpha >= m->beta ? s + 1 : r + x;
        int sign;
        double u1 = -(r + x) * m->u1T[jT] - s * log(m->beta + pk->T[i]);
        double l_tx = dg__hyp2f1_log(a1, b1, a1 + 1, m->zt[jt], &sign) - a1 * m->lbt[jt];
        double l_T = dg__hyp2f1_log(a1, b1, a1 + 1, m->zT[jT], &sign) - a1 * m->lbT[jT];
        double u2 = m->lratio[jx] + dg__logsubexp(l_tx, l_T);
        ll += pk->w[i] * (m->head[jx] + dg__logaddexp(u1, u2));
    }
    acc[0] += ll;
}

/* The same sum over compressed patterns, with everything that depends on x alone or on t_x or T
 * alone computed once per distinct value, the patterns on the pack's threads. */
double dg__paretonbd_loglik_pack(const double *p, double *grad, void *pack)
{
    const dg__btyd_pack *pk = pack;
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    double base = alpha >= beta ? alpha : beta, diff = fabs(alpha - beta);
    size_t nx = pk->nx, nt = pk->nt, nT = pk->nT;
    double *buf = malloc((2 * nx + 2 * nt + 3 * nT) * sizeof *buf);
    (void)grad;
    if (!buf)
        return NAN;
    double *head = buf, *lratio = head + nx, *lbt = lratio + nx, *zt = lbt + nt;
    double *lbT = zt + nt, *zT = lbT + nT, *u1T = zT + nT;
    double lgr = dg_lgamma(r), c0 = r * log(alpha) + s * log(beta), ls = log(s);
    for (size_t j = 0; j < nx; j++) {
        double x = pk->ux[j];
        head[j] = dg_lgamma(r + x) - lgr + c0;
        lratio[j] = ls - log(r + s + x);
    }
    for (size_t j = 0; j < nt; j++) {
        lbt[j] = log(base + pk->ut[j]);
        zt[j] = diff / (base + pk->ut[j]);
    }
    for (size_t j = 0; j < nT; j++) {
        lbT[j] = log(base + pk->uT[j]);
        zT[j] = diff / (base + pk->uT[j]);
        u1T[j] = log(alpha + pk->uT[j]);   /* times -(r+x) below */
    }
    pnbd_terms terms = {pk, r, alpha, s, beta, head, lratio, lbt, zt, lbT, zT, u1T};
    double ll;
    int rc = dg__parallel_sum(pk->n, 1, pnbd_rows, &terms, pk->threads, &ll);
    free(buf);
    return rc == 0 ? ll : NAN;
}

/* P(alive), Fader & Hardie (2005) note, eq. (24):
 *   1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A_0) */
double dg__paretonbd_p_alive(const double *p, double x, double t_x, double T)
{
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    double l = log(s) - log(r + s + x) + (r + x) * log(alpha + T) + s * log(beta + T) +
               log_a0(r, alpha, s, beta, x, t_x, T);
    if (l == -INFINITY)
        return 1.0;
    return l > 0 ? exp(-l) / (1.0 + exp(-l)) : 1.0 / (1.0 + exp(l));
}

/* E[Y(t) | x, T, alive at T], which does not depend on t_x: Schmittlein et al. (1987) eq. (22),
 * Fader & Hardie (2005) note eq. (27), without its P(alive) factor:
 *   (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
 * with the bracket / (s-1) -> log((beta+T+t)/(beta+T)) as s -> 1. */
double dg__paretonbd_expected_alive(const double *p, double x, double T, double t)
{
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    if (t <= 0)
        return 0.0;
    double u = log1p(t / (beta + T));    /* log((beta+T+t)/(beta+T)) > 0 */
    double k = (s - 1) * u, factor;
    if (fabs(k) < 1e-8)
        factor = u * (1.0 - k / 2);
    else
        factor = -expm1(-k) / (s - 1);
    return (r + x) * (beta + T) / (alpha + T) * factor;
}

/* E[Y(t) | x, t_x, T] = E[Y(t) | x, T, alive] P(alive): Schmittlein et al. (1987) eq. (22);
 * Fader & Hardie (2005) note eq. (27). */
double dg__paretonbd_expected(const double *p, double x, double t_x, double T, double t)
{
    return dg__paretonbd_expected_alive(p, x, T, t) * dg__paretonbd_p_alive(p, x, t_x, T);
}

/* DERT, discounted expected residual transactions with continuous discount rate delta per unit,
 * Fader, Hardie & Lee (2005), "RFM and CLV", eq. (2):
 *   DERT = alpha^r beta^s delta^(s-1) G(r+x+1) Psi(s, s; delta (beta+T))
 *          / (G(r) (alpha+T)^(r+x+1) L(r, alpha, s, beta | x, t_x, T))
 * with Psi(s, s; z) = e^z Gamma(1-s, z) (DLMF 13.6.6 with 8.5.3: Tricomi's U and the upper
 * incomplete gamma function). */
double dg__paretonbd_dert(const double *p, double x, double t_x, double T, double delta)
{
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    double z = delta * (beta + T);
    double l = r * log(alpha) + s * log(beta) + (s - 1) * log(delta) + dg_lgamma(r + x + 1) -
               dg_lgamma(r) - (r + x + 1) * log(alpha + T) + z + dg__upper_gamma_log(1 - s, z) -
               dg__paretonbd_loglik_one(p, x, t_x, T);
    return exp(l);
}
