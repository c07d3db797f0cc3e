/* Empirical-Bayes shrinkage of rates, so that a ranking does not crown a unit (a staff member, a
 * site) with three answers. Each unit u of group g has answers in K categories (K = 2: hit or
 * miss, e.g. CSAT 4-5 or not; K = 3: NPS promoter, passive, detractor). The prior of a unit's
 * shares is Dirichlet(M * pi_g), the beta distribution when K = 2: pi_g is the pooled share of
 * its group (the unit's site, or the whole store for the sites), smoothed as
 * (count + 1/2) / (n + K/2) so that it is never 0 or 1, and the concentration M, common to all
 * groups, is fitted by maximum likelihood of the Dirichlet-multinomial (beta-binomial when K = 2)
 * marginal, Griffiths (1973, "Maximum likelihood estimation for the beta-binomial distribution
 * and an application to the household distribution of the total number of cases of a disease",
 * Biometrics 29(4)) with the group means plugged in, as in the empirical Bayes of Efron &
 * Morris (1975, JASA 70(350)):
 *
 *   log L(M) = sum_u [ lgamma(M) - lgamma(M + n_u)
 *                      + sum_k lgamma(M pi_gk + x_uk) - lgamma(M pi_gk) ]
 *
 * maximised over log M in [log 0.01, log 1e6] by golden-section search. A group's prior is
 * never worth more answers than the group gave: it uses m_g = min(M, n_g), since pi_g is only
 * known from n_g answers (with M at its upper end, when the units look alike, the plug-in
 * posterior would otherwise claim the group's share to a fraction of a percent). The posterior
 * of a unit is Dirichlet(m_g pi_g + x_u): its mean is the shrunk share,
 * (m_g pi_gk + x_uk) / (m_g + n_u), so a
 * unit with few answers sits near its group and one with many near its own share. Intervals are
 * 95% equal-tailed posterior intervals: exact beta quantiles for a share; for NPS (promoters -
 * detractors) the normal approximation with the Dirichlet's mean and variance, clipped to
 * [-100, 100]. */
#ifndef DANGOL_SHRINK_H
#define DANGOL_SHRINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

#define DG_SHRINK_MAX_K 3
#define DG_SHRINK_M_MIN 0.01
#define DG_SHRINK_M_MAX 1e6

/* The fitted prior: a concentration and each group's smoothed pooled shares. */
typedef struct dg_shrink_prior {
    size_t k;                 /* categories, 2 or 3 */
    size_t n_groups;
    double *mean;             /* [n_groups * k]: pi_gk */
    double *answers;          /* [n_groups]: n_g, the group's answers */
    double concentration;     /* M */
    double log_likelihood;    /* at M */
    size_t n_units;           /* units with at least one answer (the others do not inform M) */
} dg_shrink_prior;

/* Fits the prior on n_units units: counts[u * k + j] answers of unit u in category j, group[u] <
 * n_groups. DG_EINVAL when k is not 2 or 3 or a group is out of range; a fit without any answer
 * leaves M = DG_SHRINK_M_MIN and pi_g = 1/k (callers show no rates then). Caller frees with
 * dg_shrink_prior_clear. */
int dg_shrink_fit(dg_shrink_prior *out, const uint32_t *counts, size_t k, const uint32_t *group,
                  size_t n_units, size_t n_groups, dg_error *err);
void dg_shrink_prior_clear(dg_shrink_prior *prior);   /* NULL is a no-op */

/* m_g = min(M, n_g), the prior strength of group g (0 when the group has no answer). */
double dg_shrink_strength(const dg_shrink_prior *prior, size_t group);

/* The log marginal likelihood at concentration m (the function dg_shrink_fit maximises). */
double dg_shrink_log_likelihood(const uint32_t *counts, size_t k, const uint32_t *group,
                                size_t n_units, const double *mean, double m);

/* A share (category 0 of a K = 2 prior, e.g. CSAT 4-5) of one unit: its own share (raw, 0 when
 * n = 0), the posterior mean and the 95% equal-tailed posterior interval. */
typedef struct dg_shrunk {
    bool estimated;           /* false: neither the unit nor its group has an answer */
    size_t n;
    double raw, shrunk, ci_low, ci_high;
} dg_shrunk;

/* The posterior of hits of n answers under Beta(m * prior_mean, m * (1 - prior_mean)); not
 * estimated when m and n are both 0. */
void dg_shrink_share(dg_shrunk *out, uint32_t hits, uint32_t n, double prior_mean, double m);
/* NPS (-100..100) of promoters, passives, detractors under Dirichlet(m * prior[0..2]). */
void dg_shrink_nps(dg_shrunk *out, const uint32_t counts[3], const double prior[3], double m);

/* The regularised incomplete beta function I_x(a, b) and its inverse in x (a, b > 0). */
double dg_shrink_beta_cdf(double x, double a, double b);
/* The x with I_x(a, b) = p, for p in [0, 1]. */
double dg_shrink_beta_quantile(double p, double a, double b);

DG_API_END

#endif
