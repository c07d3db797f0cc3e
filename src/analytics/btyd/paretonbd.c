/* Pareto/NBD (Schmittlein, Morrison & Colombo 1987): log-likelihood in the form derived by Fader
 * & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions", P(alive)
 * and the conditional expectation. Parameters p = {r, alpha, s, beta}. The likelihood of the fit
 * and its analytic gradient (for L-BFGS and the standard errors) take one series or quadrature
 * per distinct (x, t_x) and (x, T) pair (log_k below) and one pass over the patterns. */
#include <math.h>
#include <stdlib.h>

#include "analytics/btyd/btyd_internal.h"

/* The tail integral of the likelihood's second term,
 *   K(t) = integral_t^inf (alpha+u)^-(r+x) (beta+u)^-(s+1) du
 * so that s/(r+s+x) A_0 = s (K(t_x) - K(T)) in eq. (19). The substitution y = (hi+t)/(hi+u)
 * gives the 2F1 of eqs. (20)-(21); Euler's transformation (A&S 15.3.3) of that 2F1, whose
 * c = a+1, makes it 2F1(1, p; q; zeta):
 *   K(t) = (alpha+t)^-(r+x) (beta+t)^-(s+1) (lo+t) / (r+s+x) * G,
 *   G = sum_k (p)_k / (q)_k zeta^k,  zeta = |alpha-beta| / (hi+t),  q = r+s+x+1,
 * hi, lo = max, min(alpha, beta) and p = r+x when alpha >= beta, s+1 otherwise (the exponent of
 * the hi term). Each term's ratio (p+k)/(q+k) zeta is below zeta (p < q), so the series needs no
 * rescaling and, for zeta <= SERIES_ZETA, at most a few thousand terms whatever x is. The same
 * pass gives the derivatives of log G: d/dp = sum g_k H_k(p) / G, d/dq = -sum g_k H_k(q) / G
 * (H_k(v) = sum_{j<k} 1/(v+j), the derivative of log (v)_k) and d/dzeta = sum k g_k / (zeta G),
 * hence the analytic gradient of log K in {r, alpha, s, beta}. */
#define SERIES_ZETA 0.99

/* Beyond SERIES_ZETA the series needs ~40/(1-zeta) terms and the 2F1 forms of eqs. (20)-(21)
 * (a = r+s+x in the thousands, z -> 1) cost millions; and A&S 15.3.6 on 2F1(1, p; q; zeta)
 * splits G into w^s Gamma(q) Gamma(-s) / Gamma(p) zeta^(1-q) (its second series has b = c, so
 * (1-w)^-a) plus (q-1)/s 2F1(1, p; 1-s; w), w = 1-zeta (alpha >= beta; s is r+x-1 otherwise,
 * and an integer one needs the limit form A&S 15.3.10-12), two terms of size ~e^(p w) that
 * cancel to G ~ 1/w, losing p w / ln 10 digits (7 at p = 12634, w = 0.0014). So K is integrated
 * directly: u = t + c y, c = 1 / ((r+x)/(alpha+t) + (s+1)/(beta+t)) the integrand's e-folding
 * length at t, and the exp-sinh double-exponential rule y = exp(pi/2 sinh tau) (Takahasi & Mori
 * 1974; DLMF 3.5.ii), step QUAD_STEP on |tau| <= QUAD_TAU: the integrand in y is analytic on
 * y > 0 and log-concave in log y (one peak), so the rule's error falls like exp(-C/QUAD_STEP)
 * (below 1e-12 relative against mpmath, tests/unit/test_btyd_reference.c) and the part below
 * y = exp(-pi/2 sinh QUAD_TAU) ~ 1e-19 is negligible. The weights f/K of the same nodes give
 * the gradient, d log K / d theta = E[d log f / d theta]:
 *   d/dr = -E log(alpha+u), d/ds = -E log(beta+u), d/dalpha = -(r+x) E 1/(alpha+u),
 *   d/dbeta = -(s+1) E 1/(beta+u).
 * At most 2 QUAD_TAU / QUAD_STEP + 1 = QUAD_NODES nodes, whatever r, alpha, s, beta, x, t. */
#define QUAD_STEP (1.0 / 16)
#define QUAD_TAU 4.0
#define QUAD_NODES 129

static double log_k_quad(const double *p, double x, double t, double *d, long *terms)
{
    double m = p[0] + x, e = p[2] + 1, A = p[1] + t, B = p[3] + t;
    double c = 1.0 / (m / A + e / B), ca = c / A, cb = c / B;
    double sum = 0, sla = 0, slb = 0, sia = 0, sib = 0, prev = 0;
    *terms = 0;
    for (int i = 0; i < QUAD_NODES; i++) {
        ++*terms;
        double tau = -QUAD_TAU + i * QUAD_STEP, sh = M_PI_2 * sinh(tau);
        double y = exp(sh), la = log1p(ca * y), lb = log1p(cb * y);
        double g = exp(sh - m * la - e * lb) * M_PI_2 * cosh(tau);
        sum += g;
        sla += g * la;
        slb += g * lb;
        sia += g / (1 + ca * y);
        sib += g / (1 + cb * y);
        /* past the (single) peak and negligible: the rest is smaller still */
        if (g < prev && g < 1e-18 * sum)
            break;
        prev = g;
    }
    double lat = log(A), lbt = log(B);
    d[0] = -lat - sla / sum;
    d[1] = -m / A * sia / sum;
    d[2] = -lbt - slb / sum;
    d[3] = -e / B * sib / sum;
    return -m * lat - e * lbt + log(c) + log(QUAD_STEP * sum);
}

/* log K(t) at {r, alpha, s, beta} = p and d log K / dp in d[4]; *terms: the work done. */
static double log_k(const double *p, double x, double t, double *d, long *terms)
{
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    int case1 = alpha >= beta;   /* alpha is hi */
    double hi = case1 ? alpha : beta, lo = case1 ? beta : alpha;
    double zeta = (hi - lo) / (hi + t);
    if (zeta > SERIES_ZETA)
        return log_k_quad(p, x, t, d, terms);
    double m = r + x, a = r + s + x, q = a + 1, pp = case1 ? m : s + 1;
    /* gz = g_k / zeta, so that the zeta = 0 limit needs no division */
    double gz = pp / q, G = 1.0, sgp = 0, sgq = 0, skz = 0, hp = 0, hq = 0;
    double first = gz;
    long k;
    for (k = 0; k < 100000; k++) {
        hp += 1.0 / (pp + k);
        hq += 1.0 / (q + k);
        double g = gz * zeta;   /* g_{k+1} */
        G += g;
        sgp += g * hp;
        sgq += g * hq;
        skz += (k + 1) * gz;
        gz *= (pp + k + 1) / (q + k + 1) * zeta;
        /* the rest of each sum is below gz (k + 2) (1 + hp + hq + 1/(1-zeta)) / (1-zeta)^2 */
        double w = 1.0 - zeta;
        if (gz * (k + 2) * (1 + hp + hq + 1 / w) <= 1e-17 * first * w * w)
            break;
    }
    *terms = k + 1;
    double ia = 1.0 / a, lat = log(alpha + t), lbt = log(beta + t);
    double dp = sgp / G, dq = -sgq / G, dz = skz / G;
    double dz_hi = (lo + t) / ((hi + t) * (hi + t)), dz_lo = -1.0 / (hi + t);
    d[0] = -lat - ia + (case1 ? dp : 0.0) + dq;
    d[2] = -lbt - ia + (case1 ? 0.0 : dp) + dq;
    d[1] = -m / (alpha + t) + (case1 ? dz * dz_hi : 1.0 / (lo + t) + dz * dz_lo);
    d[3] = -(s + 1) / (beta + t) + (case1 ? 1.0 / (lo + t) + dz * dz_lo : dz * dz_hi);
    return -m * lat - (s + 1) * lbt + log(lo + t) - log(a) + log(G);
}

/* log(K(t_x) - K(T)) = log(A_0 / (r+s+x)), A_0 of Fader & Hardie (2005) note, eqs. (20)-(21)
 * (-inf when t_x = T): the same K as the fit's, per customer. */
static double log_dead(const double *p, double x, double t_x, double T)
{
    double d[4];
    long terms;
    return dg__logsubexp(log_k(p, x, t_x, d, &terms), log_k(p, x, T, d, &terms));
}

/* Fader & Hardie (2005) note, eq. (19):
 *   L = G(r+x) alpha^r beta^s / G(r) * { 1/((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A_0 } */
double dg__paretonbd_loglik_one(const double *p, double x, double t_x, double T)
{
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    double head = dg_lgamma(r + x) - dg_lgamma(r) + r * log(alpha) + s * log(beta);
    double u1 = -(r + x) * log(alpha + T) - s * log(beta + T);
    double u2 = log(s) + log_dead(p, x, t_x, T);
    return head + dg__logaddexp(u1, u2);
}

typedef struct pnbd_pairs {
    const dg__btyd_pack *pk;
    const double *p;
    double *lk, *dk;   /* per pair: log K, d log K (4 each) */
} pnbd_pairs;

static void pairs_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const pnbd_pairs *m = ctx;
    long terms;
    for (size_t j = begin; j < end; j++) {
        m->lk[j] = log_k(m->p, m->pk->kx[j], m->pk->kt[j], m->dk + 4 * j, &terms);
        acc[0] += (double)terms;
    }
}

typedef struct pnbd_terms {
    const dg__btyd_pack *pk;
    double r, alpha, s, beta, ls;
    double r_alpha, log_beta, s_beta;   /* r/alpha, log(beta), s/beta */
    int want;
    const double *head, *dhr;           /* per distinct x */
    const double *laT, *lbT, *iaT, *ibT; /* per distinct T */
    const double *lk, *dk;              /* per (x, time) pair */
} pnbd_terms;

/* acc = {LL, d/dr, d/dalpha, d/ds, d/dbeta} of patterns [begin, end): eq. (19) as
 * log(e^u1 + e^u2), u1 = -(r+x) log(alpha+T) - s log(beta+T), u2 = log s + log(K(t_x) - K(T));
 * each term's derivatives weighted by its share. */
static void pnbd_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const pnbd_terms *m = ctx;
    const dg__btyd_pack *pk = m->pk;
    double r = m->r, s = m->s, ll = 0, g[4] = {0, 0, 0, 0};
    for (size_t i = begin; i < end; i++) {
        uint32_t jx = pk->ix[i], jT = pk->iT[i], kt = pk->ikt[i], kT = pk->ikT[i];
        double rx = r + pk->x[i], w = pk->w[i];
        double u1 = -rx * m->laT[jT] - s * m->lbT[jT], li = u1, w2 = 0.0, rho = 0.0;
        double lr = m->lk[kT] - m->lk[kt];   /* log K(T)/K(t_x) < 0 when t_x < T */
        if (kt != kT && lr < 0) {
            /* e^(u2-u1) = s K(t_x) (1 - rho) e^-u1: three transcendental calls, not six */
            double one_m_rho = -expm1(lr), a = m->ls + m->lk[kt] - u1;
            rho = 1.0 - one_m_rho;
            if (a < 600) {
                double e = exp(a) * one_m_rho;
                li = u1 + log1p(e);
                w2 = e / (1.0 + e);
            } else {
                double u2 = m->ls + m->lk[kt] + log(one_m_rho);
                li = dg__logaddexp(u1, u2);
                w2 = exp(u2 - li);
            }
        }
        ll += w * (m->head[jx] + li);
        if (!m->want)
            continue;
        double w1 = 1.0 - w2, dI[4] = {0, 0, 0, 0};
        if (w2 > 0) {
            /* d log(K(t_x) - K(T)) = (dlog K(t_x) - rho dlog K(T)) / (1 - rho) */
            const double *a = m->dk + 4 * (size_t)kt, *b = m->dk + 4 * (size_t)kT;
            double inv = 1.0 / (1.0 - rho);
            for (int k = 0; k < 4; k++)
                dI[k] = (a[k] - rho * b[k]) * inv;
        }
        g[0] += w * (m->dhr[jx] - w1 * m->laT[jT] + w2 * dI[0]);
        g[1] += w * (m->r_alpha - w1 * rx * m->iaT[jT] + w2 * dI[1]);
        g[2] += w * (m->log_beta - w1 * m->lbT[jT] + w2 * (1.0 / s + dI[2]));
        g[3] += w * (m->s_beta - w1 * s * m->ibT[jT] + w2 * dI[3]);
    }
    acc[0] += ll;
    for (int k = 0; k < 4; k++)
        acc[k + 1] += g[k];
}

/* The sum over compressed patterns, with its gradient when grad is not NULL: what depends on x
 * alone once per distinct x, on T alone once per distinct T, K and its derivatives once per
 * distinct (x, t_x) and (x, T) pair (on the pack's threads), then one pass over the patterns. */
double dg__paretonbd_loglik_pack(const double *p, double *grad, void *pack)
{
    dg__btyd_pack *pk = pack;
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    if (!pk->ikt)
        return dg__btyd_pack_with_pairs(pk, dg__paretonbd_loglik_pack, p, grad);
    size_t nx = pk->nx, nT = pk->nT, nk = pk->nk;
    double *buf = malloc((2 * nx + 4 * nT + 5 * nk) * sizeof *buf);
    if (!buf)
        return NAN;
    double *head = buf, *dhr = head + nx, *laT = dhr + nx, *lbT = laT + nT, *iaT = lbT + nT;
    double *ibT = iaT + nT, *lk = ibT + nT, *dk = lk + nk;
    double lgr = dg_lgamma(r), psir = dg__digamma(r), la = log(alpha);
    double c0 = r * la + s * log(beta);
    for (size_t j = 0; j < nx; j++) {
        double x = pk->ux[j];
        head[j] = dg_lgamma(r + x) - lgr + c0;
        dhr[j] = grad ? dg__digamma(r + x) - psir + la : 0.0;
    }
    for (size_t j = 0; j < nT; j++) {
        laT[j] = log(alpha + pk->uT[j]);
        lbT[j] = log(beta + pk->uT[j]);
        iaT[j] = 1.0 / (alpha + pk->uT[j]);
        ibT[j] = 1.0 / (beta + pk->uT[j]);
    }
    pnbd_pairs pairs = {pk, p, lk, dk};
    double ll;
    int rc = dg__parallel_sum(nk, 1, pairs_rows, &pairs, pk->threads, &pk->k_terms);
    pnbd_terms terms = {pk, r, alpha, s, beta, log(s), r / alpha, log(beta), s / beta,
                        grad != NULL, head, dhr, laT, lbT, iaT, ibT, lk, dk};
    double acc[5];
    if (rc == 0)
        rc = dg__parallel_sum(pk->n, 5, pnbd_rows, &terms, pk->threads, acc);
    free(buf);
    if (rc != 0)
        return NAN;
    ll = acc[0];
    if (grad)
        for (int k = 0; k < 4; k++)
            grad[k] = acc[k + 1];
    return ll;
}

/* P(alive), Fader & Hardie (2005) note, eq. (24):
 *   1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A_0) */
double dg__paretonbd_p_alive(const double *p, double x, double t_x, double T)
{
    double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    double l = log(s) + (r + x) * log(alpha + T) + s * log(beta + T) + log_dead(p, x, t_x, T);
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
