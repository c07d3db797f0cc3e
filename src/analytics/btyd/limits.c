/* Fits at a limit. Each BTYD model mixes its customers' rates or probabilities with a gamma
 * (shape r, scale alpha: mean r/alpha, coefficient of variation 1/sqrt(r)) or a beta (a, b: mean
 * a/(a+b), variance shrinking as 1/(a+b)). When the data show no heterogeneity the likelihood
 * keeps rising along the ridge where the mean stays put and both parameters grow, towards the
 * model without mixing: as the gamma's variance r/alpha^2 -> 0 the NBD tends to the Poisson at
 * one rate lambda = r/alpha (the gamma-Poisson mixture of Greenwood & Yule 1920, Ehrenberg
 * 1959), the Pareto of the second kind of Schmittlein, Morrison & Colombo (1987) to exponential
 * lifetimes at one rate mu = s/beta, the beta to one probability. The optimiser then stops at
 * its bound (1e8), converged or not. That limit is a proper model and the mean is well
 * determined, so the fit reports it: the mean as the pair's value, the pair's own standard
 * errors as not meaningful (NAN), the fit as converged (docs/clv.md, "Fits at a limit"). */
#include <math.h>

#include "analytics/btyd/btyd_internal.h"

/* Both parameters this large: the mixing distribution's coefficient of variation is at most
 * ~3 % (gamma: 1/sqrt(shape)), indistinguishable from none on any customer base we fit. */
#define LIMIT_SIZE 1e3
/* A parameter this large has run out towards the optimiser's bound (1e8): the fit followed a
 * ridge (an interior optimum this far out would be the limit to 1e-7 anyway). */
#define RAN_OUT 1e7

static int at_limit(const double *p, const dg__mixing_pair *pair)
{
    return p[pair->first] >= LIMIT_SIZE && p[pair->second] >= LIMIT_SIZE;
}

int dg__heading_to_limit(const double *p, const dg__mixing_pair *pairs, int n_pairs)
{
    for (int k = 0; k < n_pairs; k++)
        if (at_limit(p, &pairs[k]))
            return 1;
    return 0;
}

int dg__mixing_limits(dg__mle_result *res, const dg__mixing_pair *pairs, int n_pairs,
                      dg_fit_limit *limits)
{
    int n = 0, ran_out = 0;
    for (int k = 0; k < n_pairs; k++)
        ran_out |= res->p[pairs[k].first] >= RAN_OUT || res->p[pairs[k].second] >= RAN_OUT;
    if (!ran_out)
        return 0;
    for (int k = 0; k < n_pairs; k++) {
        if (!at_limit(res->p, &pairs[k]))
            continue;
        double u = res->p[pairs[k].first], v = res->p[pairs[k].second];
        double value = pairs[k].kind == DG__MIX_BETA ? u / (u + v)
                     : pairs[k].kind == DG__MIX_GAMMA ? u / v : v / u;
        limits[n++] = (dg_fit_limit){pairs[k].first, pairs[k].second, pairs[k].name, value};
        res->se[pairs[k].first] = res->se[pairs[k].second] = NAN;
    }
    if (n > 0)
        res->converged = 1;
    return n;
}
