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
    double head = lgamma(r + x) - lgamma(r) + r * log(alpha) + s * log(beta);
    double u1 = -(r + x) * log(alpha + T) - s * log(beta + T);
    double u2 = log(s) - log(r + s + x) + log_a0(r, alpha, s, beta, x, t_x, T);
    return head + dg__logaddexp(u1, u2);
}

double dg__paretonbd_loglik_pack(const double *p, double *grad, void *pack)
{
    const dg__btyd_pack *pk = pack;
    double ll = 0;
    (void)grad;
    for (size_t i = 0; i < pk->n; i++)
        ll += pk->w[i] * dg__paretonbd_loglik_one(p, pk->x[i], pk->t_x[i], pk->T[i]);
    return ll;
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

/* E[Y(t) | x, t_x, T], Schmittlein et al. (1987) eq. (22); Fader & Hardie (2005) note eq. (27):
 *   (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive)
 * with the bracket / (s-1) -> log((beta+T+t)/(beta+T)) as s -> 1. */
double dg__paretonbd_expected(const double *p, double x, double t_x, double T, double t)
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
    return (r + x) * (beta + T) / (alpha + T) * factor * dg__paretonbd_p_alive(p, x, t_x, T);
}
