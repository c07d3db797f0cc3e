/* BG/BB (Fader, Hardie & Shang 2010) for discrete transaction opportunities: the customer
 * transacts at each opportunity with probability p ~ Beta(alpha, beta) while alive and dies
 * before each opportunity with probability theta ~ Beta(gamma, delta). x = transactions,
 * t_x = the opportunity of the last one, n = opportunities. Parameters {alpha, beta, gamma, delta}.
 * The likelihood's sum over possible death times is accumulated relative to its first term with
 * the beta recursions B(u, v+1) = B(u, v) v / (u+v): O(n - t_x) multiplications, one log. */
#include <math.h>

#include "analytics/btyd/btyd_internal.h"

/* FHS (2010) eq. (5):
 *   L = B(al+x, be+n-x)/B(al,be) B(ga, de+n)/B(ga,de)
 *     + sum_{i=0}^{n-t_x-1} B(al+x, be+t_x-x+i)/B(al,be) B(ga+1, de+t_x+i)/B(ga,de) */
double dg__bgbb_loglik_one(const double *p, double x, double t_x, double n)
{
    double al = p[0], be = p[1], ga = p[2], de = p[3];
    double base = -dg__lbeta(al, be) - dg__lbeta(ga, de);
    double ll = dg__lbeta(al + x, be + n - x) + dg__lbeta(ga, de + n);
    long m = (long)(n - t_x);
    if (m > 0) {
        /* the terms relative to the first: each ratio is below 1, so the sum stays in [1, m] */
        double u = al + x, v = be + t_x - x, w = de + t_x;
        double rel = 1.0, sum = 1.0;
        for (long i = 1; i < m; i++) {
            rel *= v / (u + v) * (w / (ga + 1 + w));
            v += 1;
            w += 1;
            sum += rel;
        }
        ll = dg__logaddexp(ll, dg__lbeta(al + x, be + t_x - x) + dg__lbeta(ga + 1, de + t_x) +
                                   log(sum));
    }
    return base + ll;
}

typedef struct bgbb_terms {
    const dg__btyd_pack *pk;
    const double *p;
} bgbb_terms;

/* acc[0] = the log-likelihood, eq. (5) above, of patterns [begin, end). */
static void bgbb_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const bgbb_terms *m = ctx;
    double ll = 0;
    for (size_t i = begin; i < end; i++)
        ll += m->pk->w[i] * dg__bgbb_loglik_one(m->p, m->pk->x[i], m->pk->t_x[i], m->pk->T[i]);
    acc[0] += ll;
}

/* The sum over compressed patterns, on the pack's threads. */
double dg__bgbb_loglik_pack(const double *p, double *grad, void *pack)
{
    const dg__btyd_pack *pk = pack;
    bgbb_terms terms = {pk, p};
    double ll;
    (void)grad;
    return dg__parallel_sum(pk->n, 1, bgbb_rows, &terms, pk->threads, &ll) == 0 ? ll : NAN;
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
