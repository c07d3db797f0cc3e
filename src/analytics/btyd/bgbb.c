/* BG/BB (Fader, Hardie & Shang 2010) for discrete transaction opportunities: the customer
 * transacts at each opportunity with probability p ~ Beta(alpha, beta) while alive and dies
 * before each opportunity with probability theta ~ Beta(gamma, delta). x = transactions,
 * t_x = the opportunity of the last one, n = opportunities. Parameters {alpha, beta, gamma, delta}.
 * The likelihood's sum over possible death times is accumulated relative to its first term with
 * the beta recursions B(u, v+1) = B(u, v) v / (u+v): O(n - t_x) multiplications, one log; its
 * analytic gradient rides on the same recursion (digamma's psi(v+1) = psi(v) + 1/v), so L-BFGS
 * fits it and the standard errors difference the gradient. */
#include <math.h>
#include <stdlib.h>

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

/* What eq. (5) below takes for one history (x, t_x, n) from the parameters: the log-betas of its
 * two terms and, for the gradient, the digammas its recursion starts from. Per customer they are
 * computed (bgbb_parts_of); over a pack once per distinct x, t_x, n or (x, time) pair and looked
 * up (bgbb_rows): the same expressions, so the same bits. */
typedef struct bgbb_parts {
    double base;            /* -log B(al,be) - log B(ga,de) */
    double lb_n, lb_gn;     /* log B(al+x, be+n-x), log B(ga, de+n) */
    double lb_t, lb_gt;     /* log B(al+x, be+t_x-x), log B(ga+1, de+t_x) */
    double psi_u;           /* psi(al+x) */
    double psi_n, psi_gn, psi_bn, psi_dn;   /* psi(al+be+n), psi(ga+de+n), psi(be+n-x), psi(de+n) */
    double psi_v, psi_uv;   /* psi(be+t_x-x), psi(al+x + be+t_x-x) */
    double psi_w, psi_gw;   /* psi(de+t_x), psi(ga+1 + de+t_x) */
} bgbb_parts;

/* The parts of one history, computed (the digammas only with the gradient). */
static void bgbb_parts_of(const double *p, double x, double t_x, double n, int gradient,
                          bgbb_parts *q)
{
    double al = p[0], be = p[1], ga = p[2], de = p[3], u = al + x, v = be + t_x - x;
    double w = de + t_x;
    q->base = -dg__lbeta(al, be) - dg__lbeta(ga, de);
    q->lb_n = dg__lbeta(u, be + n - x);
    q->lb_gn = dg__lbeta(ga, de + n);
    q->lb_t = dg__lbeta(u, v);
    q->lb_gt = dg__lbeta(ga + 1, w);
    if (!gradient)
        return;
    q->psi_u = dg__digamma(u);
    q->psi_n = dg__digamma(al + be + n);
    q->psi_gn = dg__digamma(ga + de + n);
    q->psi_bn = dg__digamma(be + n - x);
    q->psi_dn = dg__digamma(de + n);
    q->psi_v = dg__digamma(v);
    q->psi_uv = dg__digamma(u + v);
    q->psi_w = dg__digamma(w);
    q->psi_gw = dg__digamma(ga + 1 + w);
}

/* FHS (2010) eq. (5):
 *   L = B(al+x, be+n-x)/B(al,be) B(ga, de+n)/B(ga,de)
 *     + sum_{i=0}^{n-t_x-1} B(al+x, be+t_x-x+i)/B(al,be) B(ga+1, de+t_x+i)/B(ga,de)
 * With c (not NULL), grad gets d log L / d{al, be, ga, de}: each term's derivative (d/du log B(u,
 * v) = psi(u) - psi(u+v), d/dv = psi(v) - psi(u+v)) weighted by its share of L; along the sum the
 * psi values step by psi(v+1) = psi(v) + 1/v, beside the ratios. */
static double bgbb_one(const double *p, double x, double t_x, double n, const bgbb_consts *c,
                       const bgbb_parts *q, double *grad)
{
    double al = p[0], be = p[1], ga = p[2], de = p[3];
    double l0 = q->lb_n + q->lb_gn, ll = l0;
    long m = (long)(n - t_x);
    double u = al + x, g1 = ga + 1;
    double s_al = 0, s_be = 0, s_ga = 0, s_de = 0, sum = 1.0, share0 = 1.0;
    if (m > 0) {
        /* the terms relative to the first: each ratio is below 1, so the sum stays in [1, m] */
        double v = be + t_x - x, w = de + t_x;
        double rel = 1.0;
        double psi_u = 0, psi_v = 0, psi_uv = 0, psi_w = 0, psi_gw = 0;
        if (c) {
            psi_u = q->psi_u;
            psi_v = q->psi_v;
            psi_uv = q->psi_uv;
            psi_w = q->psi_w;
            psi_gw = q->psi_gw;
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
        double l1 = q->lb_t + q->lb_gt + log(sum);
        ll = dg__logaddexp(ll, l1);
        share0 = exp(l0 - ll);
    }
    if (c) {
        double share1 = 1.0 - share0;
        double psi_n = q->psi_n, psi_gn = q->psi_gn;
        grad[0] = share0 * (q->psi_u - psi_n) + share1 * s_al / sum - c->psi_al + c->psi_albe;
        grad[1] = share0 * (q->psi_bn - psi_n) + share1 * s_be / sum - c->psi_be + c->psi_albe;
        grad[2] = share0 * (c->psi_ga - psi_gn) + share1 * s_ga / sum - c->psi_ga + c->psi_gade;
        grad[3] = share0 * (q->psi_dn - psi_gn) + share1 * s_de / sum - c->psi_de + c->psi_gade;
    }
    return q->base + ll;
}

double dg__bgbb_loglik_one(const double *p, double x, double t_x, double n)
{
    bgbb_parts q;
    bgbb_parts_of(p, x, t_x, n, 0, &q);
    return bgbb_one(p, x, t_x, n, NULL, &q, NULL);
}

/* The parts of a pass over a pack: per (x, time) pair (pk->kx, pk->kt) log B(al+x, be+k-x),
 * psi(be+k-x) and psi(al+x + be+k-x); per distinct t_x and per distinct n the rest. */
typedef struct bgbb_tables {
    double base;
    double *lb_pair, *psi_pair_v, *psi_pair_uv;     /* per (x, time) pair */
    double *psi_u;                                  /* per distinct x */
    double *lb_gt, *psi_w, *psi_gw;                 /* per distinct t_x */
    double *lb_gn, *psi_n, *psi_gn, *psi_dn;        /* per distinct n */
} bgbb_tables;

typedef struct bgbb_terms {
    const dg__btyd_pack *pk;
    const double *p;
    const bgbb_consts *c;          /* NULL: no gradient */
    const bgbb_tables *tab;
} bgbb_terms;

/* acc = {LL, d/dal, d/dbe, d/dga, d/dde} of patterns [begin, end), eq. (5) above. */
static void bgbb_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const bgbb_terms *m = ctx;
    const dg__btyd_pack *pk = m->pk;
    const bgbb_tables *tab = m->tab;
    double ll = 0, g[4] = {0, 0, 0, 0}, gi[4];
    for (size_t i = begin; i < end; i++) {
        double w = pk->w[i];
        uint32_t kn = pk->ikT[i], kt = pk->ikt[i], jt = pk->it[i], jn = pk->iT[i];
        bgbb_parts q;
        q.base = tab->base;
        q.lb_n = tab->lb_pair[kn];
        q.lb_gn = tab->lb_gn[jn];
        q.lb_t = tab->lb_pair[kt];
        q.lb_gt = tab->lb_gt[jt];
        if (m->c) {
            q.psi_u = tab->psi_u[pk->ix[i]];
            q.psi_n = tab->psi_n[jn];
            q.psi_gn = tab->psi_gn[jn];
            q.psi_bn = tab->psi_pair_v[kn];
            q.psi_dn = tab->psi_dn[jn];
            q.psi_v = tab->psi_pair_v[kt];
            q.psi_uv = tab->psi_pair_uv[kt];
            q.psi_w = tab->psi_w[jt];
            q.psi_gw = tab->psi_gw[jt];
        }
        ll += w * bgbb_one(m->p, pk->x[i], pk->t_x[i], pk->T[i], m->c, &q, gi);
        if (m->c)
            for (int k = 0; k < 4; k++)
                g[k] += w * gi[k];
    }
    acc[0] += ll;
    for (int k = 0; k < 4; k++)
        acc[k + 1] += g[k];
}

/* Fills tab for parameters p from pk's distinct values and pairs (the digammas only with the
 * gradient): the expressions of bgbb_parts_of. */
static void bgbb_tables_fill(const double *p, const dg__btyd_pack *pk, int gradient,
                             bgbb_tables *tab)
{
    double al = p[0], be = p[1], ga = p[2], de = p[3];
    tab->base = -dg__lbeta(al, be) - dg__lbeta(ga, de);
    for (size_t j = 0; j < pk->nk; j++) {
        double x = pk->kx[j], k = pk->kt[j], u = al + x, v = be + k - x;
        tab->lb_pair[j] = dg__lbeta(u, v);
        if (gradient) {
            tab->psi_pair_v[j] = dg__digamma(v);
            tab->psi_pair_uv[j] = dg__digamma(u + v);
        }
    }
    for (size_t j = 0; j < pk->nt; j++) {
        double w = de + pk->ut[j];
        tab->lb_gt[j] = dg__lbeta(ga + 1, w);
        if (gradient) {
            tab->psi_w[j] = dg__digamma(w);
            tab->psi_gw[j] = dg__digamma(ga + 1 + w);
        }
    }
    for (size_t j = 0; j < pk->nT; j++) {
        double n = pk->uT[j];
        tab->lb_gn[j] = dg__lbeta(ga, de + n);
        if (gradient) {
            tab->psi_n[j] = dg__digamma(al + be + n);
            tab->psi_gn[j] = dg__digamma(ga + de + n);
            tab->psi_dn[j] = dg__digamma(de + n);
        }
    }
    for (size_t j = 0; gradient && j < pk->nx; j++)
        tab->psi_u[j] = dg__digamma(al + pk->ux[j]);
}

/* The sum over compressed patterns with its gradient when grad is not NULL, in one pass on the
 * pack's threads (with its (x, time) pairs: dg__btyd_pack_pairs). */
double dg__bgbb_loglik_pack(const double *p, double *grad, void *pack)
{
    dg__btyd_pack *pk = pack;
    if (!pk->ikt)
        return dg__btyd_pack_with_pairs(pk, dg__bgbb_loglik_pack, p, grad);
    size_t nk = pk->nk, nx = pk->nx, nt = pk->nt, nT = pk->nT;
    double *buf = malloc((3 * nk + nx + 3 * nt + 4 * nT + 1) * sizeof *buf);
    if (!buf)
        return NAN;
    bgbb_tables tab;
    tab.lb_pair = buf;
    tab.psi_pair_v = tab.lb_pair + nk;
    tab.psi_pair_uv = tab.psi_pair_v + nk;
    tab.psi_u = tab.psi_pair_uv + nk;
    tab.lb_gt = tab.psi_u + nx;
    tab.psi_w = tab.lb_gt + nt;
    tab.psi_gw = tab.psi_w + nt;
    tab.lb_gn = tab.psi_gw + nt;
    tab.psi_n = tab.lb_gn + nT;
    tab.psi_gn = tab.psi_n + nT;
    tab.psi_dn = tab.psi_gn + nT;
    bgbb_tables_fill(p, pk, grad != NULL, &tab);
    bgbb_consts c;
    if (grad)
        bgbb_consts_init(p, &c);
    bgbb_terms terms = {pk, p, grad ? &c : NULL, &tab};
    double acc[5];
    int rc = dg__parallel_sum(pk->n, 5, bgbb_rows, &terms, pk->threads, acc);
    free(buf);
    if (rc != 0)
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
