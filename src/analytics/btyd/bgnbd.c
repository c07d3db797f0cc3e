/* BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam, Denizel & Filiztekin 2007):
 * log-likelihood with its analytic gradient on compressed data, and the per-customer
 * expressions. Parameters p = {r, alpha, a, b}. The two models differ only in where the
 * "drop out" coin is tossed: BG/NBD after each repeat purchase, MBG/NBD also at time zero, which
 * shifts b by one in the beta functions (`shift` below) and keeps the second term for x = 0. */
#include <math.h>
#include <stdlib.h>

#include "analytics/btyd/btyd_internal.h"

/* Log-likelihood of one customer.
 * BG/NBD, FHL (2005) eq. (6):
 *   L = B(a,b+x)/B(a,b) * G(r+x) a^r / (G(r) (alpha+T)^(r+x))
 *     + [x>0] B(a+1,b+x-1)/B(a,b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
 * MBG/NBD, Batislam et al. (2007) eq. (4): b+x -> b+x+1 in both betas, second term for all x. */
double dg__bgnbd_loglik_one(const double *p, double x, double t_x, double T, int modified)
{
    double r = p[0], alpha = p[1], a = p[2], b = p[3], e = modified ? 1.0 : 0.0;
    double common = dg_lgamma(r + x) - dg_lgamma(r) + r * log(alpha) - dg__lbeta(a, b);
    double u1 = dg__lbeta(a, b + x + e) - (r + x) * log(alpha + T);
    double u2 = -INFINITY;
    if (modified || x > 0)
        u2 = dg__lbeta(a + 1, b + x - 1 + e) - (r + x) * log(alpha + t_x);
    return common + dg__logaddexp(u1, u2);
}

/* What the per-pattern sum reads: the pack, the parameters and the per-distinct-value tables. */
typedef struct bgnbd_terms {
    const dg__btyd_pack *pk;
    double r, alpha;
    int want;                                  /* 1: the gradient too; 2: and the Hessian */
    const double *A, *c1, *c2, *dAr, *d1a, *d1b, *d2a, *d2b, *has2;   /* per distinct x */
    const double *hAr, *k1, *h1b, *h2a, *h2b;  /* per distinct x: second derivatives */
    const double *lt, *it, *lT, *iT;           /* per distinct t_x, T: log(alpha+.), 1/(alpha+.) */
} bgnbd_terms;

#define BGNBD_SUMS 15   /* LL, 4 first derivatives, 10 second (upper triangle by rows) */

/* Adds one pattern's second derivatives (weight w) to h, the upper triangle of the Hessian in
 * (r, alpha, a, b) by rows. The pattern's log-likelihood is A + log(e^u1 + e^u2) (FHL 2005
 * eq. 6), so its Hessian is H(A) + w1 H(u1) + w2 H(u2) + w1 w2 (g1 - g2)(g1 - g2)' with
 * w1, w2 = the terms' shares (w1 = 1 - w2 errs by an ulp of 1 at most, in absolute terms, as
 * in the gradient) and g1, g2 = the gradients of u1, u2. With u = c(x; a, b) - (r+x) log(alpha+t):
 *   d2u/dr dalpha = -1/(alpha+t), d2u/dalpha2 = (r+x)/(alpha+t)^2, d2u/dr2 = 0, and the (a, b)
 *   block is the trigamma combinations k1, h1b, h2a, h2b of loglik_pack. */
static void bgnbd_hessian_row(const bgnbd_terms *m, size_t i, double w, double w1, double w2,
                              double *h)
{
    const dg__btyd_pack *pk = m->pk;
    uint32_t jx = pk->ix[i], jt = pk->it[i], jT = pk->iT[i];
    double r = m->r, alpha = m->alpha, rx = r + pk->x[i];
    double iT = m->iT[jT], it = m->it[jt], w12 = w1 * w2;
    /* g1 - g2 */
    double d[4] = {m->lt[jt] - m->lT[jT], rx * (it - iT), m->d1a[jx] - m->d2a[jx],
                   m->d1b[jx] - m->d2b[jx]};
    double own[10] = {
        m->hAr[jx],                                         /* r r */
        1.0 / alpha - w1 * iT - w2 * it,                    /* r alpha */
        0.0, 0.0,                                           /* r a, r b */
        -r / (alpha * alpha) + rx * (w1 * iT * iT + w2 * it * it),   /* alpha alpha */
        0.0, 0.0,                                           /* alpha a, alpha b */
        w1 * m->k1[jx] + w2 * m->h2a[jx],                   /* a a */
        m->k1[jx],                                          /* a b: the same in u1 and u2 */
        w1 * m->h1b[jx] + w2 * m->h2b[jx],                  /* b b */
    };
    for (int u = 0, n = 0; u < 4; u++)
        for (int v = u; v < 4; v++, n++)
            h[n] += w * (own[n] + w12 * d[u] * d[v]);
}

/* acc = {LL, d/dr, d/dalpha, d/da, d/db, then the Hessian (bgnbd_hessian_row)} summed over
 * patterns [begin, end): eq. (6) of FHL (2005) as log(e^u1 + e^u2); the derivatives weight each
 * term's by its share of the sum. */
static void bgnbd_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const bgnbd_terms *m = ctx;
    const dg__btyd_pack *pk = m->pk;
    double r = m->r, alpha = m->alpha;
    double ll = 0, gr = 0, gal = 0, ga = 0, gb = 0;
    for (size_t i = begin; i < end; i++) {
        uint32_t jx = pk->ix[i], jt = pk->it[i], jT = pk->iT[i];
        double rx = r + pk->x[i], w = pk->w[i];
        double u1 = m->c1[jx] - rx * m->lT[jT];
        double li, w2;
        if (m->has2[jx]) {
            double u2 = m->c2[jx] - rx * m->lt[jt], d = u2 - u1;
            /* log(e^u1 + e^u2) and the share of the second term, both stable in d. With e in
             * [0, 1], log(1 + e) errs by at most an ulp of 1 (2.2e-16) in absolute terms, as
             * little as log1p's in a customer's log-likelihood, and costs half as much. */
            if (d > 0) {
                double e1 = exp(-d), s1 = 1.0 + e1;
                li = u2 + log(s1);
                w2 = 1.0 / s1;
            } else {
                double e2 = exp(d), s2 = 1.0 + e2;
                li = u1 + log(s2);
                w2 = e2 / s2;
            }
        } else {
            li = u1;
            w2 = 0.0;
        }
        ll += w * (m->A[jx] + li);
        if (m->want) {
            double w1 = 1.0 - w2;
            gr += w * (m->dAr[jx] - w1 * m->lT[jT] - w2 * m->lt[jt]);
            gal += w * (r / alpha - rx * (w1 * m->iT[jT] + w2 * m->it[jt]));
            ga += w * (w1 * m->d1a[jx] + w2 * m->d2a[jx]);
            gb += w * (w1 * m->d1b[jx] + w2 * m->d2b[jx]);
            if (m->want > 1)
                bgnbd_hessian_row(m, i, w, w1, w2, acc + 5);
        }
    }
    acc[0] += ll;
    acc[1] += gr;
    acc[2] += gal;
    acc[3] += ga;
    acc[4] += gb;
}

/* Sum over the compressed patterns, with d LL / d{r, alpha, a, b} in grad and the Hessian in
 * hess when not NULL (hess needs grad): the terms that depend on x alone (lgamma, digamma,
 * trigamma, log-beta) once per distinct x, the logs of alpha + t_x and alpha + T once per
 * distinct value, then one pass over the patterns on the pack's threads. */
static double loglik_pack(const double *p, double *grad, double (*hess)[4],
                          const dg__btyd_pack *pk, int modified)
{
    double r = p[0], alpha = p[1], a = p[2], b = p[3], e = modified ? 1.0 : 0.0;
    size_t nx = pk->nx, nt = pk->nt, nT = pk->nT;
    /* per distinct x: A, u1 and u2 constants and their first and second derivatives */
    double *buf = malloc((14 * nx + 2 * nt + 2 * nT) * sizeof *buf);
    if (!buf)
        return NAN;
    double *A = buf, *c1 = A + nx, *c2 = c1 + nx, *dAr = c2 + nx, *d1a = dAr + nx, *d1b = d1a + nx,
           *d2a = d1b + nx, *d2b = d2a + nx, *has2 = d2b + nx;
    double *hAr = has2 + nx, *k1 = hAr + nx, *h1b = k1 + nx, *h2a = h1b + nx, *h2b = h2a + nx;
    double *lt = h2b + nx, *it = lt + nt, *lT = it + nt, *iT = lT + nT;
    double lbab = dg__lbeta(a, b), la = log(alpha);
    double lgr = dg_lgamma(r), psir = dg__digamma(r), psia = dg__digamma(a), psib = dg__digamma(b);
    double psiab = dg__digamma(a + b), psia1 = dg__digamma(a + 1);
    int want = hess ? 2 : grad != NULL;
    double tgr = 0, tga = 0, tgb = 0, tgab = 0, tga1 = 0;
    if (want > 1) {
        tgr = dg__trigamma(r);
        tga = dg__trigamma(a);
        tgb = dg__trigamma(b);
        tgab = dg__trigamma(a + b);
        tga1 = dg__trigamma(a + 1);
    }
    for (size_t j = 0; j < nx; j++) {
        double x = pk->ux[j];
        A[j] = dg_lgamma(r + x) - lgr + r * la;
        c1[j] = dg__lbeta(a, b + x + e) - lbab;
        has2[j] = modified || x > 0;
        c2[j] = has2[j] ? dg__lbeta(a + 1, b + x - 1 + e) - lbab : -INFINITY;
        if (want) {
            double psi_abx = dg__digamma(a + b + x + e);
            dAr[j] = dg__digamma(r + x) - psir + la;
            /* d/da lbeta(a, b+x+e) - lbeta(a,b) = psi(a+b) - psi(a+b+x+e), and so on */
            d1a[j] = psiab - psi_abx;
            d1b[j] = dg__digamma(b + x + e) - psi_abx - psib + psiab;
            if (has2[j]) {
                d2a[j] = psia1 - psi_abx - psia + psiab;
                d2b[j] = dg__digamma(b + x - 1 + e) - psi_abx - psib + psiab;
            } else {
                d2a[j] = d2b[j] = 0.0;
            }
        }
        if (want > 1) {
            /* the derivatives of the above: psi -> psi'; d1a depends on a + b alone, and
             * d2/da db is k1 in both terms */
            double tg_abx = dg__trigamma(a + b + x + e);
            hAr[j] = dg__trigamma(r + x) - tgr;
            k1[j] = tgab - tg_abx;
            h1b[j] = dg__trigamma(b + x + e) - tg_abx - tgb + tgab;
            h2a[j] = has2[j] ? tga1 - tg_abx - tga + tgab : 0.0;
            h2b[j] = has2[j] ? dg__trigamma(b + x - 1 + e) - tg_abx - tgb + tgab : 0.0;
        }
    }
    for (size_t j = 0; j < nt; j++) {
        lt[j] = log(alpha + pk->ut[j]);
        it[j] = 1.0 / (alpha + pk->ut[j]);
    }
    for (size_t j = 0; j < nT; j++) {
        lT[j] = log(alpha + pk->uT[j]);
        iT[j] = 1.0 / (alpha + pk->uT[j]);
    }
    bgnbd_terms terms = {pk, r, alpha, want, A, c1, c2, dAr, d1a, d1b, d2a, d2b, has2,
                         hAr, k1, h1b, h2a, h2b, lt, it, lT, iT};
    double acc[BGNBD_SUMS];
    int rc = dg__parallel_sum(pk->n, want > 1 ? BGNBD_SUMS : 5, bgnbd_rows, &terms, pk->threads,
                              acc);
    free(buf);
    if (rc != 0)
        return NAN;
    if (want)
        for (int k = 0; k < 4; k++)
            grad[k] = acc[k + 1];
    if (want > 1)
        for (int u = 0, n = 5; u < 4; u++)
            for (int v = u; v < 4; v++, n++)
                hess[u][v] = hess[v][u] = acc[n];
    return acc[0];
}

double dg__bgnbd_loglik_pack(const double *p, double *grad, void *pack)
{
    return loglik_pack(p, grad, NULL, pack, 0);
}

double dg__mbgnbd_loglik_pack(const double *p, double *grad, void *pack)
{
    return loglik_pack(p, grad, NULL, pack, 1);
}

double dg__bgnbd_hessian_pack(const double *p, double *grad, double hess[4][4], void *pack)
{
    return loglik_pack(p, grad, hess, pack, 0);
}

double dg__mbgnbd_hessian_pack(const double *p, double *grad, double hess[4][4], void *pack)
{
    return loglik_pack(p, grad, hess, pack, 1);
}

/* P(alive | x, t_x, T). BG/NBD: Fader, Hardie & Lee (2008), "Computing P(alive) Using the BG/NBD
 * Model", eq. (5):  1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
 * MBG/NBD: Batislam et al. (2007) eq. (8):  1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)). */
double dg__bgnbd_p_alive(const double *p, double x, double t_x, double T, int modified)
{
    double r = p[0], alpha = p[1], a = p[2], b = p[3];
    if (!modified && x <= 0)
        return 1.0;
    double l = log(a) - log(b + x - (modified ? 0.0 : 1.0)) +
               (r + x) * (log(alpha + T) - log(alpha + t_x));
    /* 1/(1+e^l) without overflow */
    return l > 0 ? exp(-l) / (1.0 + exp(-l)) : 1.0 / (1.0 + exp(l));
}

/* E[Y(t) | x, T, alive at T]: expected transactions in (T, T+t] of a customer still alive, which
 * does not depend on t_x. BG/NBD, FHL (2005) eq. (10) without its P(alive) factor (the second
 * line there is P(alive), FHL 2008 eq. (5)):
 *   (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
 * MBG/NBD, Batislam et al. (2007) eq. (9): a+b+x-1 -> a+b+x and b+x -> b+x+1.
 * With Euler's transformation the bracket is 1 - G, G = (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z)
 * (BG/NBD; a+b-r for MBG/NBD), whose series does not grow with x; 1 - G = -expm1(log G). */
double dg__bgnbd_expected_alive(const double *p, double x, double T, double t, int modified)
{
    double r = p[0], alpha = p[1], a = p[2], b = p[3], e = modified ? 1.0 : 0.0;
    if (t <= 0)
        return 0.0;
    if (fabs(a - 1.0) < 1e-9)
        a = 1.0 + 1e-9;   /* removable singularity at a = 1 */
    double c = a + b + x - 1 + e;
    double z = t / (alpha + T + t);
    int sign;
    double lf = dg__hyp2f1_log(a + b - 1 + e - r, a - 1, c, z, &sign);
    double log_g = (a - 1) * log1p(-z) + lf;
    double one_minus_g = sign > 0 ? -expm1(log_g) : 1.0;
    return c / (a - 1) * one_minus_g;
}

/* E[Y(t) | x, t_x, T] = E[Y(t) | x, T, alive] P(alive | x, t_x, T): FHL (2005) eq. (10),
 * Batislam et al. (2007) eq. (9). */
double dg__bgnbd_expected(const double *p, double x, double t_x, double T, double t, int modified)
{
    return dg__bgnbd_expected_alive(p, x, T, t, modified) *
           dg__bgnbd_p_alive(p, x, t_x, T, modified);
}
