/* Gamma-Gamma model of the value of repeat transactions (Fader, Hardie & Lee 2005, "RFM and CLV:
 * Using Iso-Value Curves for Customer Base Analysis", JMR 42(4); Fader & Hardie 2013, "The
 * Gamma-Gamma Model of Monetary Value"). Transaction values z ~ Gamma(p, nu), nu ~ Gamma(q, gamma);
 * the fit uses each customer's mean repeat-transaction value m over x transactions. Analytic
 * gradient and Hessian; one lgamma/digamma (trigamma) per distinct x per evaluation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/btyd/btyd_internal.h"

/* Density of the mean m of x transactions, FHL (2005) "RFM and CLV" eq. (3) / Fader & Hardie
 * (2013) eq. (3):
 *   f(m | p, q, gamma, x) = G(px+q) / (G(px) G(q)) gamma^q m^(px-1) x^(px) / (gamma + m x)^(px+q) */
double dg_gg_loglik_one(const dg_gg_params *params, double x, double m)
{
    double p = params->p, q = params->q, g = params->gamma, px = p * x;
    return dg_lgamma(px + q) - dg_lgamma(px) - dg_lgamma(q) + q * log(g) + (px - 1) * log(m) +
           px * log(x) - (px + q) * log(g + m * x);
}

/* E(M | p, q, gamma, m, x), FHL (2005) "RFM and CLV" eq. (5):
 *   (q-1)/(px+q-1) * gamma p/(q-1) + px/(px+q-1) * m  =  p (gamma + m x) / (px + q - 1) */
double dg_gg_expected_spend(const dg_gg_params *params, double x, double m)
{
    double p = params->p, q = params->q, g = params->gamma;
    if (x <= 0)
        return q > 1 ? p * g / (q - 1) : 0.0;
    if (!(m > 0))
        return NAN;   /* a mean repeat value <= 0 (refunds) is outside the model */
    double den = p * x + q - 1;
    return den > 0 ? p * (g + m * x) / den : m;
}

typedef struct gg_terms {
    const dg__gg_pack *c;
    double p, q, g;
    int want;                       /* 1: the gradient too; 2: and the Hessian */
    const double *head, *dp, *dq;   /* per distinct x */
    const double *hpp, *hpq, *hqq;  /* per distinct x: second derivatives of head */
} gg_terms;

#define GG_SUMS 10   /* LL, 3 first derivatives, 6 second (upper triangle by rows) */

/* acc = {LL, d/dp, d/dq, d/dgamma, then the Hessian's upper triangle by rows} over rows
 * [begin, end) of eq. (3) above. The terms in log(gamma + m x) give the (., gamma) entries:
 * d2/dp dgamma = -x/(gamma+mx), d2/dq dgamma = 1/gamma - 1/(gamma+mx),
 * d2/dgamma2 = -q/gamma^2 + (px+q)/(gamma+mx)^2. */
static void gg_rows(size_t begin, size_t end, double *acc, const void *ctx)
{
    const gg_terms *t = ctx;
    const dg__gg_pack *c = t->c;
    double p = t->p, q = t->q, g = t->g;
    double ll = 0, gp = 0, gq = 0, gg = 0;
    for (size_t i = begin; i < end; i++) {
        uint32_t j = c->ix[i];
        double x = c->x[i], px = p * x, den = g + c->m[i] * x, lden = log(den);
        double w = c->w[i];
        ll += w * (t->head[j] + (px - 1) * c->logm[i] + px * c->logx[i] - (px + q) * lden);
        if (t->want) {
            gp += w * (t->dp[j] + x * (c->logm[i] + c->logx[i] - lden));
            gq += w * (t->dq[j] - lden);
            gg += w * (q / g - (px + q) / den);
        }
        if (t->want > 1) {
            double iden = 1.0 / den;
            acc[4] += w * t->hpp[j];
            acc[5] += w * t->hpq[j];
            acc[6] += w * -x * iden;
            acc[7] += w * t->hqq[j];
            acc[8] += w * (1.0 / g - iden);
            acc[9] += w * (-q / (g * g) + (px + q) * iden * iden);
        }
    }
    acc[0] += ll;
    acc[1] += gp;
    acc[2] += gq;
    acc[3] += gg;
}

/* The log-likelihood, eq. (3) above summed over rows, with its gradient in grad and Hessian in
 * hess when not NULL (hess needs grad): lgamma, digamma and trigamma once per distinct x, then
 * one pass over the rows on the pack's threads. */
static double gg_loglik(const double *par, double *grad, double (*hess)[4], const dg__gg_pack *c)
{
    double p = par[0], q = par[1], g = par[2];
    size_t nx = c->nx ? c->nx : 1;
    double *buf = malloc(6 * nx * sizeof *buf);
    if (!buf)
        return NAN;
    double *head = buf, *dp = buf + nx, *dq = dp + nx, *hpp = dq + nx, *hpq = hpp + nx,
           *hqq = hpq + nx;
    double lgq = dg_lgamma(q), psiq = dg__digamma(q), lg = log(g);
    double tgq = hess ? dg__trigamma(q) : 0.0;
    for (size_t j = 0; j < c->nx; j++) {
        double x = c->ux[j], px = p * x;
        head[j] = dg_lgamma(px + q) - dg_lgamma(px) - lgq + q * lg;
        if (grad) {
            double psi = dg__digamma(px + q);
            dp[j] = x * (psi - dg__digamma(px));
            dq[j] = psi - psiq + lg;
        }
        if (hess) {
            double tg = dg__trigamma(px + q);
            hpp[j] = x * x * (tg - dg__trigamma(px));
            hpq[j] = x * tg;
            hqq[j] = tg - tgq;
        }
    }
    gg_terms terms = {c, p, q, g, hess ? 2 : grad != NULL, head, dp, dq, hpp, hpq, hqq};
    double acc[GG_SUMS];
    int rc = dg__parallel_sum(c->n, hess ? GG_SUMS : 4, gg_rows, &terms, c->threads, acc);
    free(buf);
    if (rc != 0)
        return NAN;
    if (grad)
        for (int k = 0; k < 3; k++)
            grad[k] = acc[k + 1];
    if (hess)
        for (int u = 0, n = 4; u < 3; u++)
            for (int v = u; v < 3; v++, n++)
                hess[u][v] = hess[v][u] = acc[n];
    return acc[0];
}

double dg__gg_loglik_pack(const double *par, double *grad, void *data)
{
    return gg_loglik(par, grad, NULL, data);
}

double dg__gg_hessian_pack(const double *par, double *grad, double hess[4][4], void *data)
{
    return gg_loglik(par, grad, hess, data);
}

/* The per-row arrays of c for cap rows; DG_ENOMEM (dg__gg_pack_free frees what was allocated)
 * or 0. */
static int gg_rows_alloc(dg__gg_pack *c, size_t cap)
{
    c->x = malloc(cap * sizeof *c->x);
    c->m = malloc(cap * sizeof *c->m);
    c->w = malloc(cap * sizeof *c->w);
    c->logm = malloc(cap * sizeof *c->logm);
    c->logx = malloc(cap * sizeof *c->logx);
    c->ix = malloc(cap * sizeof *c->ix);
    return c->x && c->m && c->w && c->logm && c->logx && c->ix ? 0 : DG_ENOMEM;
}

/* A thinning of c's customers to about `fraction` (dg__thin_weight, keyed on (x, m)); sub shares
 * c's distinct x and must be freed before it. */
static int gg_pack_thin(const dg__gg_pack *c, double fraction, dg__gg_pack *sub)
{
    size_t cap = c->n ? c->n : 1, k = 0;
    double used = 0, sum_m = 0;
    memset(sub, 0, sizeof *sub);
    sub->shared = 1;
    if (gg_rows_alloc(sub, cap) != 0) {
        dg__gg_pack_free(sub);
        return DG_ENOMEM;
    }
    for (size_t i = 0; i < c->n; i++) {
        double w = dg__thin_weight(c->w[i], fraction, dg__hash3(c->x[i], c->m[i], 0.0));
        if (w <= 0)
            continue;
        sub->x[k] = c->x[i];
        sub->m[k] = c->m[i];
        sub->w[k] = w;
        sub->logm[k] = c->logm[i];
        sub->logx[k] = c->logx[i];
        sub->ix[k] = c->ix[i];
        used += w;
        sum_m += w * c->m[i];
        k++;
    }
    sub->n = k;
    sub->nx = c->nx;
    sub->ux = c->ux;
    sub->n_customers = (size_t)used;
    sub->mean_m = used > 0 ? sum_m / used : c->mean_m;
    sub->threads = c->threads;
    return 0;
}

void dg__gg_pack_free(dg__gg_pack *c)
{
    free(c->x);
    free(c->m);
    free(c->logm);
    free(c->logx);
    free(c->w);
    if (!c->shared)
        free(c->ux);
    free(c->ix);
    memset(c, 0, sizeof *c);
}

int dg__gg_pack_build(dg__gg_pack *c, const dg_gg_data *data, size_t *n_no_repeat,
                      size_t *n_not_positive, dg_error *err)
{
    int rc = DG_ENOMEM;
    size_t n = data->n_customers, k = 0, cap = n ? n : 1;
    double sum_m = 0, used = 0, no_repeat = 0, not_positive = 0;
    char name[DG__ROW_NAME_MAX];
    memset(c, 0, sizeof *c);
    if (gg_rows_alloc(c, cap) != 0) {
        dg_error_set(err, rc, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        double x = data->frequency[i], m = data->mean_value[i];
        double w = data->weight ? data->weight[i] : 1.0;
        if (!isfinite(x) || !isfinite(m) || !isfinite(w) || x < 0 || w < 0) {
            rc = dg_error_set(err, DG_EINVAL, "%s: frequency %g, mean value %g and weight %g "
                              "must be finite, frequency and weight not negative",
                              dg__btyd_row_name(data->id, i, name), x, m, w);
            goto fail;
        }
        if (x == 0) {
            no_repeat += w;
        } else if (!(m > 0)) {
            not_positive += w;   /* refunds: outside the model, left out */
        } else if (w > 0) {
            c->x[k] = x;
            c->m[k] = m;
            c->w[k] = w;
            sum_m += w * m;
            used += w;
            k++;
        }
    }
    *n_no_repeat = (size_t)no_repeat;
    *n_not_positive = (size_t)not_positive;
    if (used < 3) {
        rc = dg_error_set(err, DG_EINVAL, "Gamma-Gamma needs at least 3 customers with repeat "
                          "transactions and a positive mean value (found %g; left out: %g "
                          "without a repeat transaction, %g with a mean repeat value <= 0)",
                          used, no_repeat, not_positive);
        goto fail;
    }
    /* customers with the same (x, m) become one weighted row (values are often in cents) */
    dg__btyd_pack pk;
    dg_btyd_data d = {k, c->x, c->m, c->m, c->w, NULL};
    if ((rc = dg__btyd_pack_build(&pk, &d, err)) != 0)
        goto fail;
    for (size_t i = 0; i < pk.n; i++) {
        c->x[i] = pk.x[i];
        c->m[i] = pk.t_x[i];
        c->logm[i] = log(c->m[i]);
        c->logx[i] = log(c->x[i]);
    }
    c->n = pk.n;
    free(c->w);
    c->w = pk.w;
    pk.w = NULL;
    dg__btyd_pack_free(&pk);
    if (!(c->ux = dg__distinct(c->x, c->n, c->ix, &c->nx))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto fail;
    }
    c->n_customers = (size_t)used;
    c->mean_m = sum_m / used;
    return 0;
fail:
    dg__gg_pack_free(c);
    return rc;
}

int dg_gg_fit_data(const dg_gg_data *data, const dg_fit_options *opt, dg_gg_fit *fit,
                   dg_error *err)
{
    dg__gg_pack c;
    int rc;
    memset(fit, 0, sizeof *fit);
    if ((rc = dg__gg_pack_build(&c, data, &fit->n_no_repeat, &fit->n_not_positive, err)) != 0)
        return rc;
    c.threads = opt ? opt->threads : 0;
    double mm = c.mean_m;
    /* starts: mean value p*gamma/(q-1) near the sample mean, heavy and light tails */
    const double starts[4][4] = {
        {1.0, 2.0, mm, 0}, {5.0, 3.0, 0.4 * mm, 0}, {0.5, 5.0, 8.0 * mm, 0}, {1.0, 1.0, 1.0, 0},
    };
    /* the spend rates' gamma at its limit: nu = q/gamma the same for everyone, reported as
     * its inverse, the transaction values' scale (their mean is p/nu) */
    static const dg__mixing_pair rates = {1, 2, DG__MIX_GAMMA_SCALE, "1/nu = gamma/q"};
    dg__mle_problem prob = {3, dg__gg_loglik_pack, &c, 4, starts, NULL, 0, 0,
                            dg__gg_hessian_pack, &rates, 1};
    /* on large data, a pilot on a thinning of the customers (dg__mle_problem.pilot) */
    dg__gg_pack thin = {0};
    dg__mle_problem pilot = prob;
    double fraction = opt && opt->no_pilot ? 0.0 : dg__pilot_fraction((double)c.n_customers, c.n);
    if (fraction > 0 && gg_pack_thin(&c, fraction, &thin) == 0 && thin.n_customers >= 3) {
        pilot.ctx = &thin;
        pilot.skip_se = 1;
        prob.pilot = &pilot;
        prob.pilot_scale = (double)c.n_customers / (double)thin.n_customers;
    }
    dg__mle_result res;
    rc = dg__mle_fit(&prob, opt, &res, err);
    dg__gg_pack_free(&thin);
    if (rc != 0)
        goto cleanup;
    fit->n_limits = dg__mixing_limits(&res, &rates, 1, fit->limits);
    fit->params.p = res.p[0];
    fit->params.q = res.p[1];
    fit->params.gamma = res.p[2];
    for (int j = 0; j < 3; j++)
        fit->se[j] = res.se[j];
    fit->se_ok = res.se_ok;
    fit->loglik = res.loglik;
    fit->converged = res.converged;
    fit->n_evaluations = res.n_evaluations;
    fit->n_pilot_evaluations = res.n_pilot_evaluations;
    fit->n_customers = c.n_customers;
cleanup:
    dg__gg_pack_free(&c);
    return rc;
}
