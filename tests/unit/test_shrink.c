/* Empirical-Bayes shrinkage (dangol/shrink.h) with answers worked out by hand: the beta CDF and
 * quantiles where they have closed forms, the posterior of a unit with 3 answers (pulled to its
 * group) and with 300 (barely moved), the NPS posterior of a Dirichlet, the marginal likelihood
 * of beta-binomial cases small enough to count, and the fit at its limits and at a maximum. */
#include <criterion/criterion.h>
#include <math.h>

#include "dangol/shrink.h"

static dg_error err;

Test(shrink, beta_cdf_and_quantile_closed_forms)
{
    /* Beta(2, 1): F(x) = x^2; Beta(1, 3): F(x) = 1 - (1 - x)^3; Beta(1, 1) is uniform */
    cr_assert_float_eq(dg_shrink_beta_cdf(0.3, 2, 1), 0.09, 1e-12);
    cr_assert_float_eq(dg_shrink_beta_cdf(0.3, 1, 3), 1 - 0.7 * 0.7 * 0.7, 1e-12);
    cr_assert_float_eq(dg_shrink_beta_quantile(0.975, 2, 1), sqrt(0.975), 1e-9);
    cr_assert_float_eq(dg_shrink_beta_quantile(0.025, 2, 1), sqrt(0.025), 1e-9);
    cr_assert_float_eq(dg_shrink_beta_quantile(0.4, 1, 1), 0.4, 1e-9);
    cr_assert_float_eq(dg_shrink_beta_quantile(0.5, 1, 3), 1 - cbrt(0.5), 1e-9);
    /* symmetric: the median of Beta(a, a) is 1/2, also for large a */
    cr_assert_float_eq(dg_shrink_beta_quantile(0.5, 5000, 5000), 0.5, 1e-9);
}

Test(shrink, three_answers_are_pulled_three_hundred_barely_move)
{
    dg_shrunk few, many;
    /* prior Beta(10, 10) (mean 0.5, m = 20); 3 of 3: Beta(13, 10), mean 13/23 */
    dg_shrink_share(&few, 3, 3, 0.5, 20);
    cr_assert(few.estimated);
    cr_assert_float_eq(few.raw, 1.0, 1e-12);
    cr_assert_float_eq(few.shrunk, 13.0 / 23.0, 1e-12);
    cr_assert(few.ci_low < 0.5 && few.ci_high < 0.8, "[%g, %g]", few.ci_low, few.ci_high);
    /* 300 of 300: Beta(310, 10), mean 310/320 */
    dg_shrink_share(&many, 300, 300, 0.5, 20);
    cr_assert_float_eq(many.shrunk, 310.0 / 320.0, 1e-12);
    cr_assert(many.ci_low > 0.94 && many.ci_high < 0.99, "[%g, %g]", many.ci_low, many.ci_high);
    /* Beta(13, 10)'s interval holds its mean and is the 2.5% and 97.5% points */
    cr_assert(few.ci_low < few.shrunk && few.shrunk < few.ci_high);
    cr_assert_float_eq(dg_shrink_beta_cdf(few.ci_low, 13, 10), 0.025, 1e-9);
    cr_assert_float_eq(dg_shrink_beta_cdf(few.ci_high, 13, 10), 0.975, 1e-9);
}

Test(shrink, no_answers_and_no_prior_is_not_estimated)
{
    dg_shrunk s;
    dg_shrink_share(&s, 0, 0, 0.5, 0);
    cr_assert(!s.estimated);
    cr_assert_eq(s.raw, 0.0);
    uint32_t none[3] = { 0, 0, 0 };
    double prior[3] = { 0.3, 0.4, 0.3 };
    dg_shrink_nps(&s, none, prior, 0);
    cr_assert(!s.estimated);
    /* a unit without answers in a group with some sits at the group's share */
    dg_shrink_share(&s, 0, 0, 0.25, 8);
    cr_assert(s.estimated);
    cr_assert_float_eq(s.shrunk, 0.25, 1e-12);
}

Test(shrink, nps_posterior_of_a_dirichlet)
{
    /* prior (0.3, 0.4, 0.3) * 10 + (3, 0, 0) promoters = Dirichlet(6, 4, 3), a0 = 13:
     * mean (6 - 3) / 13; var = (6*7 + 3*10 + 2*6*3) / (13^2 * 14) = 108 / 2366 */
    uint32_t counts[3] = { 3, 0, 0 };
    double prior[3] = { 0.3, 0.4, 0.3 };
    dg_shrunk s;
    dg_shrink_nps(&s, counts, prior, 10);
    double mean = 3.0 / 13.0, half = 1.959963984540054 * sqrt(108.0 / 2366.0);
    cr_assert_float_eq(s.raw, 100.0, 1e-12);
    cr_assert_float_eq(s.shrunk, 100 * mean, 1e-9);
    cr_assert_float_eq(s.ci_low, 100 * (mean - half), 1e-9);
    cr_assert_float_eq(s.ci_high, 100 * (mean + half), 1e-9);
}

Test(shrink, beta_binomial_likelihood_by_hand)
{
    /* M = 2, pi = 1/2: Beta(1, 1); P(1 of 1) = 1/2, P(2 of 2) = 1/3 */
    uint32_t one[2] = { 1, 0 }, two[2] = { 2, 0 }, group[1] = { 0 };
    double mean[2] = { 0.5, 0.5 };
    cr_assert_float_eq(dg_shrink_log_likelihood(one, 2, group, 1, mean, 2), log(0.5), 1e-12);
    cr_assert_float_eq(dg_shrink_log_likelihood(two, 2, group, 1, mean, 2), log(1.0 / 3), 1e-12);
}

Test(shrink, fit_group_means_and_limits)
{
    /* alike units (5 of 10 each): no extra variation, M at its upper end */
    uint32_t alike[8] = { 5, 5, 5, 5, 5, 5, 5, 5 }, group[4] = { 0, 0, 1, 1 };
    dg_shrink_prior p;
    cr_assert_eq(dg_shrink_fit(&p, alike, 2, group, 4, 2, &err), 0);
    cr_assert_float_eq(p.concentration, DG_SHRINK_M_MAX, 1.0);
    cr_assert_float_eq(p.mean[0], 10.5 / 21.0, 1e-12);   /* (10 + 1/2) / (20 + 1) */
    cr_assert_float_eq(p.answers[1], 20.0, 1e-12);
    cr_assert_float_eq(dg_shrink_strength(&p, 0), 20.0, 1e-12);   /* min(M, n_g) */
    dg_shrink_prior_clear(&p);
    /* all-or-nothing units: as dispersed as can be, M at its lower end */
    uint32_t apart[8] = { 10, 0, 0, 10, 10, 0, 0, 10 };
    cr_assert_eq(dg_shrink_fit(&p, apart, 2, group, 4, 2, &err), 0);
    cr_assert_float_eq(p.concentration, DG_SHRINK_M_MIN, 1e-6);
    dg_shrink_prior_clear(&p);
    /* a group out of range is refused */
    uint32_t bad_group[4] = { 0, 0, 2, 1 };
    cr_assert_eq(dg_shrink_fit(&p, alike, 2, bad_group, 4, 2, &err), DG_EINVAL);
}

Test(shrink, fit_is_a_maximum)
{
    uint32_t counts[12] = { 8, 2, 5, 5, 3, 7, 9, 1, 6, 4, 2, 8 }, group[6] = { 0 };
    dg_shrink_prior p;
    cr_assert_eq(dg_shrink_fit(&p, counts, 2, group, 6, 1, &err), 0);
    double m = p.concentration, ll = p.log_likelihood;
    cr_assert(m > 0.1 && m < 1000, "M = %g", m);
    cr_assert(ll >= dg_shrink_log_likelihood(counts, 2, group, 6, p.mean, m * 1.05));
    cr_assert(ll >= dg_shrink_log_likelihood(counts, 2, group, 6, p.mean, m / 1.05));
    dg_shrink_prior_clear(&p);
}
