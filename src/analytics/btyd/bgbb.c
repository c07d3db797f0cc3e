/* BG/BB (Fader, Hardie & Shang 2010) for discrete transaction opportunities: the customer
 * transacts at each opportunity with probability p ~ Beta(alpha, beta) while alive and dies
 * before each opportunity with probability theta ~ Beta(gamma, delta). x = transactions,
 * t_x = the opportunity of the last one, n = opportunities. Parameters {alpha, beta, gamma, delta}.
 * The likelihood's sum over possible death times is accumulated relative to its first term with
 * the beta recursions B(u, v+1) = B(u, v) v / (u+v): O(n - t_x) multiplications, one log; its
 * analytic gradient rides on the same recursion (digamma's psi(v+1) = psi(v) + 1/v), so L-BFGS
 * fits it and the standard errors difference the gradient. */
#include <math.h>

#include "analytics/btyd/btyd_internal.h"

/* What depends on the parameters alone: psi of the four and of the two sums (the derivatives of
 * the normalising B(al,be) B(ga,de)), and psi(ga+1). */
typedef struct bgbb_consts {
    double psi_al, psi_be, psi_ga, psi_de, psi_albe, psi_gade, psi_ga1;
} bgbb_consts;

static void bgbb_consts_init(const double *p, bgbb_consts *c)
{
    c->psi_al = dg__digamma(p[0]);
    c->psi_be = dg__digamma(p[1]);
    c->psi_ga = dg__digamma(p[2]);
    c->psi_de = dg__digamma(p[3]);
    c->psi_albe = dg__digamma(p[0] + p[1]);
    c->psi_gade = dg__digamma(p[2] + p[3]);
    c->psi_ga1 = dg__digamma(p[2] + 1);
}

/* FHS (2010) eq. (5):
 *   L = B(al+x, be+n-x)/B(al,be) B(ga, de+n)/B(ga,de)
 *     + sum_{i=0}^{n-t_x-1} B(al+x, be+t_x-x+i)/B(al,be) B(ga+1, de+t_x+i)/B(ga,de)
 * With c (not NULL), grad gets d log L / d{al, be, ga, de}: each term's derivative (d/du log B(u,
 * v) = psi(u) - psi(u+v), d/dv = psi(v) - psi(u+v)) weighted by its share of L; along the sum the
 * psi values step by psi(v+1) = psi(v) + 1/v, beside the ratios. */
static double bgbb_one(const double *p, double x, double t_x, double n, const bgbb_consts *c,
                       double *grad)
{
    double al = p[0], be = p[1], ga = p[2], de = p[3];
    double base = -dg__lbeta(al, be) - dg__lbeta(ga, de);
    double l0 = dg__lbeta(al + x, be + n - x) + dg__lbeta(ga, de + n), ll = l0;
    long m = (long)(n - t_x);
    double u = al + x, g1 = ga + 1;
    double s_al = 0, s_be = 0, s_ga = 0, s_de = 0, sum = 1.0, share0 = 1.0;
    if (m > 0) {
        /* the terms relative to the first: each ratio is below 1, so the sum stays in [1, m] */
        double v = be + t_x - x, w = de + t_x;
        double rel = 1.0;
        double psi_u = 0, psi_v = 0, psi_uv = 0, psi_w = 0, psi_gw = 0;
        if (c) {
            psi_u = dg__digamma(u);
            psi_v = dg__digamma(v);
            psi_uv = dg__digamma(u + v);
            psi_w = dg__digamma(w);
            psi_gw = dg__digamma(g1 + w);
            s_al = psi_u - psi_uv;
            s_be = psi_v - psi_uv;
            s_ga = c->psi_ga1 - psi_gw;
            s_de = psi_w - psi_gw;
        }
        for (long i = 1; i < m; i++) {
            rel *= v / (u + v) * (w / (ga + 1 + w));
            if (c) {
                psi_v += 1.0 / v;
                psi_uv += 1.0 / (u + v);
                psi_w += 1.0 / w;
                psi_gw += 1.0 / (g1 + w);
                s_al += rel * (psi_u - psi_uv);
                s_be += rel * (psi_v - psi_uv);
                s_ga += rel * (c->psi_ga1 - psi_gw);
                s_de += rel * (psi_w - psi_gw);
            }
            v += 1;
            w += 1;
            sum += rel;
        }
        double l1 = dg__lbeta(al + x, be + t_x - x) + dg__lbeta(ga + 1, de + t_x) + log(sum);
        ll = dg__logaddexp(ll, l1);
        share0 = exp(l0 - ll);
    }
    if (c) {
        double share1 = 1.0 - share0;
        double psi_n = dg__digamma(al + be + n), psi_gn = dg__digamma(ga + de + n);
        grad[0] = share0 * (dg__digamma(u) - psi_n) + share1 * s_al / sum - c->psi_al +
                  c->psi_albe;
        grad[1] = share0 * (dg__digamma(be + n - x) - psi_n) + share1 * s_be / sum - c->psi_be +
                  c->psi_albe;
        grad[2] = share0 * (c->psi_ga - psi_gn) + share1 * s_ga / sum - c->psi_ga + c->psi_gade;
        grad[3] = share0 * (dg__digamma(de + n) - psi_gn) + share1 * s_de / sum - c->psi_de +
                  c->psi_gade;
    }
    return base + ll;
}

double dg__bgbb_loglik_one(const double *p, double x, double t_x, double n)
{
    return bgbb_one(p, x, t_x, n, NULL, NULL);
}

typedef struct bgbb_terms {
    const dg__btyd_pack *pk;
    const double *p;
    const bgbb_consts *c;          /* NULL: no gradient */
} bgbb_terms;

/* acc = {LL, d/dal, d/dbe, d/dga, d/dde} of patterns [begin, end), eq. (5) above. */
static void bgbb_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const bgbb_terms *m = ctx;
    const dg__btyd_pack *pk = m->pk;
    double ll = 0, g[4] = {0, 0, 0, 0}, gi[4];
    for (size_t i = begin; i < end; i++) {
        double w = pk->w[i];
        ll += w * bgbb_one(m->p, pk->x[i], pk->t_x[i], pk->T[i], m->c, gi);
        if (m->c)
            for (int k = 0; k < 4; k++)
                g[k] += w * gi[k];
    }
    acc[0] += ll;
    for (int k = 0; k < 4; k++)
        acc[k + 1] += g[k];
}

/* The sum over compressed patterns with its gradient when grad is not NULL, in one pass on the
 * pack's threads. */
double dg__bgbb_loglik_pack(const double *p, double *grad, void *pack)
{
    const dg__btyd_pack *pk = pack;
    bgbb_consts c;
    if (grad)
        bgbb_consts_init(p, &c);
    bgbb_terms terms = {pk, p, grad ? &c : NULL};
    double acc[5];
    if (dg__parallel_sum(pk->n, 5, bgbb_rows, &terms, pk->threads, acc) != 0)
        return NAN;
    if (grad)
        for (int k = 0; k < 4; k++)
            grad[k] = acc[k + 1];
    return acc[0];
}

/* FHS (2010) eq. (11): P(alive at n+1) = B(al+x, be+n-x)/B(al,be) B(ga, de+n+1)/B(ga,de) / L,
 * not capped at 1 (rounding can put it a hair above). */
double dg__bgbb_p_alive_raw(const double *p, double x, double t_x, double n)
{
    double al = p[0], be = p[1], ga = p[2], de = p[3];
    double l = dg__lbeta(al + x, be + n - x) - dg__lbeta(al, be) + dg__lbeta(ga, de + n + 1) -
               dg__lbeta(ga, de) - dg__bgbb_loglik_one(p, x, t_x, n);
    return exp(l);
}

double dg__bgbb_p_alive(const double *p, double x, double t_x, double n)
{
    double v = dg__bgbb_p_alive_raw(p, x, t_x, n);
    return v > 1.0 ? 1.0 : v;
}

/* E[X(n, n+n*) | x, n, alive at n+1], which does not depend on t_x: FHS (2010) eq. (13)
 * divided by eq. (11). The likelihood and the beta functions of the two cancel to
 *   (al+x)/(al+be+n) G(ga+de+n+1)/G(1+de+n) / (ga-1)
 *   [G(1+de+n)/G(ga+de+n) - G(1+de+n+n*)/G(ga+de+n+n*)]
 * (the posterior mean of p times the expected opportunities alive; n* = 1 gives
 * (al+x)/(al+be+n)). */
double dg__bgbb_expected_alive(const double *p, double x, double n, double n_star)
{
    double al = p[0], be = p[1], ga = p[2], de = p[3];
    if (n_star <= 0)
        return 0.0;
    if (fabs(ga - 1.0) < 1e-9)
        ga = 1.0 + 1e-9;   /* removable singularity at gamma = 1 */
    double g1 = dg_lgamma(1 + de + n) - dg_lgamma(ga + de + n);
    double g2 = dg_lgamma(1 + de + n + n_star) - dg_lgamma(ga + de + n + n_star);
    double ld = ga > 1 ? dg__logsubexp(g1, g2) - log(ga - 1) : dg__logsubexp(g2, g1) - log(1 - ga);
    double l = log(al + x) - log(al + be + n) + dg_lgamma(ga + de + n + 1) - dg_lgamma(1 + de + n) +
               ld;
    return exp(l);
}

/* FHS (2010) eq. (13): E[X(n, n+n*) | x, t_x, n] = E[X(n, n+n*) | x, n, alive] P(alive) */
double dg__bgbb_expected(const double *p, double x, double t_x, double n, double n_star)
{
    return dg__bgbb_expected_alive(p, x, n, n_star) * dg__bgbb_p_alive_raw(p, x, t_x, n);
}
