/* Campaign experiments (include/dangol/uplift.h): the stratified random control group and the
 * uplift of the treatment over it with Newcombe's and Welch's intervals. The formulas and their
 * sources are in the header and in docs/campaigns.md; tests/unit/test_uplift.c checks them
 * against scipy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "dangol/rng.h"
#include "dangol/uplift.h"

uint64_t dg_uplift_stratum_stream(const char *label)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a, 64 bit */
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

int dg_uplift_assign(uint8_t *control, const uint32_t *stratum, size_t n,
                     const char *const *labels, size_t n_strata, uint64_t seed, double share,
                     dg_error *err)
{
    if (!(share > 0.0 && share < 1.0))
        return dg_error_set(err, DG_ERANGE, "control share %g: expected a number between 0 and 1 "
                            "(exclusive), e.g. 0.1", share);
    size_t *count = calloc(n_strata + 1, sizeof *count);
    size_t *pos = malloc((n ? n : 1) * sizeof *pos);
    if (!count || !pos) {
        free(count);
        free(pos);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    /* members grouped by stratum, each group in the order given (a counting sort) */
    for (size_t i = 0; i < n; i++)
        count[stratum[i] + 1]++;
    for (size_t s = 0; s < n_strata; s++)
        count[s + 1] += count[s];
    size_t *next = malloc((n_strata ? n_strata : 1) * sizeof *next);
    if (!next) {
        free(count);
        free(pos);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    memcpy(next, count, n_strata * sizeof *next);
    for (size_t i = 0; i < n; i++)
        pos[next[stratum[i]]++] = i;
    memset(control, 0, n);
    for (size_t s = 0; s < n_strata; s++) {
        size_t *group = pos + count[s], n_s = count[s + 1] - count[s];
        size_t k = (size_t)floor((double)n_s * share + 0.5);
        dg_rng rng;
        dg_rng_seed_stream(&rng, seed, dg_uplift_stratum_stream(labels[s]));
        for (size_t i = 0; i < k; i++) {   /* a partial Fisher-Yates shuffle */
            size_t j = i + (size_t)dg_rng_below(&rng, n_s - i), t = group[i];
            group[i] = group[j];
            group[j] = t;
            control[group[i]] = 1;
        }
    }
    free(next);
    free(count);
    free(pos);
    return 0;
}

static double z_of(double level)
{
    return gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);
}

dg_uplift_interval dg_uplift_wilson(int64_t x, int64_t n, double level)
{
    dg_uplift_interval r = { 0 };
    if (n <= 0)
        return r;
    /* Wilson 1927: (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n) */
    double z = z_of(level), nn = (double)n, p = (double)x / nn, z2 = z * z;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    r.estimate = p;
    r.low = fmax(0.0, centre - half);
    r.high = fmin(1.0, centre + half);
    r.valid = 1;
    return r;
}

/* Mean and sample variance of an arm's revenue per member. */
static void moments(const dg_uplift_arm *a, double *mean, double *var)
{
    double n = (double)a->customers;
    *mean = n > 0 ? a->revenue_sum / n : 0.0;
    *var = n > 1 ? fmax(0.0, (a->revenue_sumsq - n * *mean * *mean) / (n - 1)) : 0.0;
}

static dg_uplift_interval mean_interval(const dg_uplift_arm *a, double level)
{
    dg_uplift_interval r = { 0 };
    double mean, var;
    moments(a, &mean, &var);
    r.estimate = r.low = r.high = mean;
    if (a->customers < 2)
        return r;
    double half = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(a->customers - 1)) *
                  sqrt(var / (double)a->customers);
    r.low = mean - half;
    r.high = mean + half;
    r.valid = 1;
    return r;
}

int dg_uplift_compute(dg_uplift *out, const dg_uplift_arm *t, const dg_uplift_arm *c,
                      double level, dg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(level >= 0.5 && level <= 0.999))
        return dg_error_set(err, DG_ERANGE, "confidence level %g: expected 0.5 to 0.999", level);
    if (t->customers < 0 || c->customers < 0 || t->responders < 0 || c->responders < 0 ||
        t->responders > t->customers || c->responders > c->customers)
        return dg_error_set(err, DG_EINVAL, "responders must be between 0 and the customers");
    out->rate_treatment = dg_uplift_wilson(t->responders, t->customers, level);
    out->rate_control = dg_uplift_wilson(c->responders, c->customers, level);
    const dg_uplift_interval *rt = &out->rate_treatment, *rc = &out->rate_control;
    out->rate_diff.estimate = rt->estimate - rc->estimate;
    if (rt->valid && rc->valid) {
        /* Newcombe 1998, method 10: d - sqrt((p1-l1)^2 + (u2-p2)^2),
         *                           d + sqrt((u1-p1)^2 + (p2-l2)^2) */
        double d = out->rate_diff.estimate;
        out->rate_diff.low = d - sqrt(pow(rt->estimate - rt->low, 2) +
                                      pow(rc->high - rc->estimate, 2));
        out->rate_diff.high = d + sqrt(pow(rt->high - rt->estimate, 2) +
                                       pow(rc->estimate - rc->low, 2));
        out->rate_diff.valid = 1;
    } else {
        out->rate_diff.low = out->rate_diff.high = out->rate_diff.estimate;
    }
    out->rpc_treatment = mean_interval(t, level);
    out->rpc_control = mean_interval(c, level);
    double mt, vt, mc, vc;
    moments(t, &mt, &vt);
    moments(c, &mc, &vc);
    dg_uplift_interval *dd = &out->rpc_diff;
    dd->estimate = dd->low = dd->high = mt - mc;
    if (t->customers >= 2 && c->customers >= 2) {
        double at = vt / (double)t->customers, ac = vc / (double)c->customers;
        double se = sqrt(at + ac);
        /* Welch-Satterthwaite degrees of freedom; with both variances 0 the interval is a
         * point (any df gives a zero half-width) */
        double den = at * at / (double)(t->customers - 1) + ac * ac / (double)(c->customers - 1);
        out->welch_df = den > 0 ? (at + ac) * (at + ac) / den
                                : (double)(t->customers + c->customers - 2);
        double half = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, out->welch_df) * se;
        dd->low = dd->estimate - half;
        dd->high = dd->estimate + half;
        dd->valid = 1;
    }
    return 0;
}
