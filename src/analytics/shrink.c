/* Empirical-Bayes shrinkage of rates (include/dangol/shrink.h states the model and cites it):
 * the Dirichlet-multinomial marginal likelihood in the one free parameter, the concentration M,
 * maximised by golden-section search on log M, and the posterior summaries of a unit. The beta
 * CDF is the continued fraction of DLMF 8.17.22 evaluated by the modified Lentz algorithm (as in
 * Numerical Recipes, 3rd ed., section 6.4); its inverse is found by bisection, which cannot fail
 * to converge on a monotone function. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/lgamma.h"
#include "dangol/shrink.h"

#define Z95 1.959963984540054   /* the 0.975 quantile of the standard normal */

double dg_shrink_log_likelihood(const uint32_t *counts, size_t k, const uint32_t *group,
                                size_t n_units, const double *mean, double m)
{
    double ll = 0.0;
    for (size_t u = 0; u < n_units; u++) {
        const uint32_t *x = counts + u * k;
        const double *pi = mean + (size_t)group[u] * k;
        uint64_t n = 0;
        for (size_t j = 0; j < k; j++)
            n += x[j];
        if (n == 0)
            continue;
        ll += dg_lgamma(m) - dg_lgamma(m + (double)n);
        for (size_t j = 0; j < k; j++)
            if (x[j] > 0)
                ll += dg_lgamma(m * pi[j] + x[j]) - dg_lgamma(m * pi[j]);
    }
    return ll;
}

int dg_shrink_fit(dg_shrink_prior *out, const uint32_t *counts, size_t k, const uint32_t *group,
                  size_t n_units, size_t n_groups, dg_error *err)
{
    memset(out, 0, sizeof *out);
    if (k < 2 || k > DG_SHRINK_MAX_K)
        return dg_error_set(err, DG_EINVAL, "shrinkage: %zu categories; expected 2 or 3", k);
    for (size_t u = 0; u < n_units; u++)
        if (group[u] >= n_groups)
            return dg_error_set(err, DG_EINVAL, "shrinkage: unit %zu is in group %u of %zu", u,
                                group[u], n_groups);
    double *totals = calloc(n_groups ? n_groups * (k + 1) : 1, sizeof *totals);
    out->mean = malloc((n_groups ? n_groups * k : 1) * sizeof *out->mean);
    out->answers = calloc(n_groups ? n_groups : 1, sizeof *out->answers);
    if (!totals || !out->mean || !out->answers) {
        free(totals);
        dg_shrink_prior_clear(out);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    out->k = k;
    out->n_groups = n_groups;
    for (size_t u = 0; u < n_units; u++) {
        double *t = totals + (size_t)group[u] * (k + 1);
        uint64_t n = 0;
        for (size_t j = 0; j < k; j++) {
            t[j] += counts[u * k + j];
            n += counts[u * k + j];
        }
        t[k] += (double)n;
        out->n_units += n > 0;
    }
    for (size_t g = 0; g < n_groups; g++)
        out->answers[g] = totals[g * (k + 1) + k];
    for (size_t g = 0; g < n_groups; g++)   /* (count + 1/2) / (n + K/2): never 0 or 1 */
        for (size_t j = 0; j < k; j++)
            out->mean[g * k + j] = (totals[g * (k + 1) + j] + 0.5) /
                                   (totals[g * (k + 1) + k] + 0.5 * (double)k);
    free(totals);

    /* golden-section search for the maximum of log L over log M */
    const double phi = 0.6180339887498949;
    double lo = log(DG_SHRINK_M_MIN), hi = log(DG_SHRINK_M_MAX);
    double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
    double fa = dg_shrink_log_likelihood(counts, k, group, n_units, out->mean, exp(a));
    double fb = dg_shrink_log_likelihood(counts, k, group, n_units, out->mean, exp(b));
    while (hi - lo > 1e-7) {
        if (fa >= fb) {
            hi = b;
            b = a;
            fb = fa;
            a = hi - phi * (hi - lo);
            fa = dg_shrink_log_likelihood(counts, k, group, n_units, out->mean, exp(a));
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + phi * (hi - lo);
            fb = dg_shrink_log_likelihood(counts, k, group, n_units, out->mean, exp(b));
        }
    }
    double best = 0.5 * (lo + hi);
    /* the ends of the range are candidates too: the likelihood may be monotone */
    double candidates[3] = { best, log(DG_SHRINK_M_MIN), log(DG_SHRINK_M_MAX) };
    out->concentration = exp(candidates[0]);
    double best_ll = dg_shrink_log_likelihood(counts, k, group, n_units, out->mean,
                                              out->concentration);
    for (int i = 1; i < 3; i++) {
        double ll = dg_shrink_log_likelihood(counts, k, group, n_units, out->mean,
                                             exp(candidates[i]));
        if (ll > best_ll + 1e-9) {
            best_ll = ll;
            out->concentration = exp(candidates[i]);
        }
    }
    out->log_likelihood = best_ll;
    return 0;
}

void dg_shrink_prior_clear(dg_shrink_prior *prior)
{
    if (!prior)
        return;
    free(prior->mean);
    free(prior->answers);
    memset(prior, 0, sizeof *prior);
}

double dg_shrink_strength(const dg_shrink_prior *prior, size_t group)
{
    if (group >= prior->n_groups)
        return 0.0;
    return fmin(prior->concentration, prior->answers[group]);
}

/* The continued fraction of I_x(a, b) (DLMF 8.17.22), modified Lentz; valid where
 * x < (a + 1) / (a + b + 2). */
static double beta_fraction(double x, double a, double b)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 100000; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + num * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1.0 + num / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + num * d;
        d = fabs(d) < tiny ? tiny : d;
        c = 1.0 + num / c;
        c = fabs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        double step = d * c;
        h *= step;
        if (fabs(step - 1.0) < 1e-15)
            break;
    }
    return h;
}

double dg_shrink_beta_cdf(double x, double a, double b)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double log_front = dg_lgamma(a + b) - dg_lgamma(a) - dg_lgamma(b) + a * log(x) +
                       b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(log_front) * beta_fraction(x, a, b) / a;
    return 1.0 - exp(log_front) * beta_fraction(1.0 - x, b, a) / b;
}

double dg_shrink_beta_quantile(double p, double a, double b)
{
    double lo = 0.0, hi = 1.0;
    if (p <= 0.0)
        return 0.0;
    if (p >= 1.0)
        return 1.0;
    for (int i = 0; i < 100 && hi - lo > 1e-15; i++) {
        double mid = 0.5 * (lo + hi);
        if (dg_shrink_beta_cdf(mid, a, b) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void dg_shrink_share(dg_shrunk *out, uint32_t hits, uint32_t n, double prior_mean, double m)
{
    double a = m * prior_mean + hits, b = m * (1.0 - prior_mean) + (n - hits);
    memset(out, 0, sizeof *out);
    out->n = n;
    if (!(a > 0.0 && b > 0.0) && n == 0)
        return;
    out->estimated = true;
    out->raw = n ? (double)hits / n : 0.0;
    out->shrunk = a / (a + b);
    out->ci_low = dg_shrink_beta_quantile(0.025, a, b);
    out->ci_high = dg_shrink_beta_quantile(0.975, a, b);
}

void dg_shrink_nps(dg_shrunk *out, const uint32_t counts[3], const double prior[3], double m)
{
    double a1 = m * prior[0] + counts[0], a3 = m * prior[2] + counts[2];
    double a0 = a1 + m * prior[1] + counts[1] + a3;
    uint32_t n = counts[0] + counts[1] + counts[2];
    memset(out, 0, sizeof *out);
    out->n = n;
    if (!(a0 > 0.0))
        return;
    out->estimated = true;
    /* Var(p1 - p3) of a Dirichlet: (a1 (a0 - a1) + a3 (a0 - a3) + 2 a1 a3) / (a0^2 (a0 + 1)) */
    double var = (a1 * (a0 - a1) + a3 * (a0 - a3) + 2.0 * a1 * a3) / (a0 * a0 * (a0 + 1.0));
    double mean = (a1 - a3) / a0, half = Z95 * sqrt(var);
    out->raw = n ? 100.0 * ((double)counts[0] - (double)counts[2]) / n : 0.0;
    out->shrunk = 100.0 * mean;
    out->ci_low = 100.0 * fmax(-1.0, mean - half);
    out->ci_high = 100.0 * fmin(1.0, mean + half);
}
