/* Controlled experiments for campaigns: the stratified random control group and the uplift of a
 * treatment over it, with 95% intervals. Pure functions (no store, no I/O).
 *
 * Assignment: within each stratum (the RFM segment) the members, in the order given (the
 * campaign passes them by customer id), are shuffled by a generator seeded from the seed and the
 * stratum's label (dg_rng_seed_stream), and the first round(n_s x share) of them, halves rounded
 * up, form the control group. So a seed gives the same groups on every run, each stratum holds
 * its share to within half a customer, and a stratum's draw does not depend on the others.
 *
 * Uplift of the response rate (customers with >= 1 order in the window over the customers of the
 * arm): the difference of proportions with Newcombe's hybrid score interval (Newcombe 1998,
 * Statistics in Medicine 17:873-890, method 10), built from each arm's Wilson score interval
 * (Wilson 1927, JASA 22:209-212). Uplift of revenue per customer (every member counts, buyers or
 * not): the difference of means with Welch's interval (Welch 1947, Biometrika 34:28-35): standard
 * error sqrt(s_t^2/n_t + s_c^2/n_c) and the Welch-Satterthwaite degrees of freedom
 * (s_t^2/n_t + s_c^2/n_c)^2 / ((s_t^2/n_t)^2/(n_t-1) + (s_c^2/n_c)^2/(n_c-1)), Student's t
 * quantile from GSL. */
#ifndef DANGOL_UPLIFT_H
#define DANGOL_UPLIFT_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

/* Marks control[i] = 1 for the members drawn into the control group, 0 for the treatment.
 * stratum[i] < n_strata is member i's stratum, labels[s] the stratum's name (its generator's
 * stream). share in (0, 1), else DG_ERANGE. */
int dg_uplift_assign(uint8_t *control, const uint32_t *stratum, size_t n,
                     const char *const *labels, size_t n_strata, uint64_t seed, double share,
                     dg_error *err);

/* The stream of a stratum: FNV-1a of its label, so adding a stratum leaves the others' draws. */
uint64_t dg_uplift_stratum_stream(const char *label);

/* What one arm did in the window. Revenue in minor units per member: its sum and sum of squares. */
typedef struct dg_uplift_arm {
    int64_t customers;
    int64_t responders;
    double revenue_sum;
    double revenue_sumsq;
} dg_uplift_arm;

typedef struct dg_uplift_interval {
    double estimate, low, high;   /* low = high = estimate when undefined (n < 2): see valid */
    int valid;
} dg_uplift_interval;

typedef struct dg_uplift {
    dg_uplift_interval rate_treatment, rate_control;  /* Wilson */
    dg_uplift_interval rate_diff;                     /* Newcombe hybrid score */
    dg_uplift_interval rpc_treatment, rpc_control;    /* mean revenue per member, t interval */
    dg_uplift_interval rpc_diff;                      /* Welch */
    double welch_df;
} dg_uplift;

/* Wilson score interval of x successes in n at confidence level (e.g. 0.95); valid when n > 0. */
dg_uplift_interval dg_uplift_wilson(int64_t x, int64_t n, double level);

/* The uplift of treatment over control at confidence level (0.5..0.999, else DG_ERANGE). An
 * interval is invalid (valid 0) when an arm has too few members (n = 0 for rates, n < 2 for
 * means). */
int dg_uplift_compute(dg_uplift *out, const dg_uplift_arm *treatment,
                      const dg_uplift_arm *control, double level, dg_error *err);

DG_API_END

#endif
