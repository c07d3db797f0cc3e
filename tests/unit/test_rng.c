/* The random generator and its samplers: the exact xoshiro256** sequence (checked against an
 * independent Python implementation), determinism, and the first two moments of every sampler
 * within a few standard errors. */
#include <criterion/criterion.h>
#include <math.h>

#include "dangol/rng.h"

#define N_DRAWS 200000

Test(rng, sequence_matches_the_reference_implementation)
{
    /* splitmix64-seeded xoshiro256**, seed 42, computed in Python from the published algorithms. */
    dg_rng rng;
    dg_rng_seed(&rng, 42);
    cr_assert_eq(dg_rng_next(&rng), 0x15780b2e0c2ec716u);
    cr_assert_eq(dg_rng_next(&rng), 0x6104d9866d113a7eu);
    cr_assert_eq(dg_rng_next(&rng), 0xae17533239e499a1u);
    dg_rng_seed_stream(&rng, 42, 7);
    cr_assert_eq(dg_rng_next(&rng), 0x24bfb39aeb008c15u);
    cr_assert_eq(dg_rng_next(&rng), 0xd858489e7fc02496u);
}

Test(rng, same_seed_same_draws_other_seed_other_draws)
{
    dg_rng a, b, c;
    dg_rng_seed(&a, 7);
    dg_rng_seed(&b, 7);
    dg_rng_seed(&c, 8);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        double x = dg_rng_gamma(&a, 0.75, 0.9), y = dg_rng_gamma(&b, 0.75, 0.9);
        cr_assert_eq(x, y);
        differ += x != dg_rng_gamma(&c, 0.75, 0.9);
    }
    cr_assert_gt(differ, 990);
    dg_rng_seed_stream(&a, 7, 1);
    dg_rng_seed_stream(&b, 7, 2);
    cr_assert_neq(dg_rng_next(&a), dg_rng_next(&b));
}

/* Sample mean and variance of n draws of f. */
typedef double (*draw_fn)(dg_rng *rng, const double *params);
static void moments(draw_fn f, const double *params, double *mean, double *var)
{
    dg_rng rng;
    dg_rng_seed(&rng, 12345);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double x = f(&rng, params);
        sum += x;
        sum2 += x * x;
    }
    *mean = sum / N_DRAWS;
    *var = sum2 / N_DRAWS - *mean * *mean;
}

/* |got - want| within k standard errors, given the sampler's true sd of a single draw. */
static void near(double got, double want, double se, const char *what)
{
    cr_expect_leq(fabs(got - want), 5.0 * se, "%s: got %g, want %g (se %g)", what, got, want, se);
}

static double d_uniform(dg_rng *r, const double *p) { (void)p; return dg_rng_uniform(r); }
static double d_normal(dg_rng *r, const double *p) { (void)p; return dg_rng_normal(r); }
static double d_exp(dg_rng *r, const double *p) { return dg_rng_exponential(r, p[0]); }
static double d_gamma(dg_rng *r, const double *p) { return dg_rng_gamma(r, p[0], p[1]); }
static double d_beta(dg_rng *r, const double *p) { return dg_rng_beta(r, p[0], p[1]); }
static double d_poisson(dg_rng *r, const double *p) { return (double)dg_rng_poisson(r, p[0]); }

Test(rng, uniform_normal_exponential_moments)
{
    double m, v;
    moments(d_uniform, NULL, &m, &v);
    near(m, 0.5, sqrt(1.0 / 12 / N_DRAWS), "uniform mean");
    near(v, 1.0 / 12, 0.003, "uniform variance");
    moments(d_normal, NULL, &m, &v);
    near(m, 0.0, sqrt(1.0 / N_DRAWS), "normal mean");
    near(v, 1.0, sqrt(2.0 / N_DRAWS), "normal variance");
    double rate = 2.5;
    moments(d_exp, &rate, &m, &v);
    near(m, 0.4, 0.4 / sqrt(N_DRAWS), "exponential mean");
    near(v, 0.16, 0.16 * sqrt(8.0 / N_DRAWS), "exponential variance");
}

Test(rng, gamma_moments_small_and_large_shapes)
{
    /* Mean shape/rate, variance shape/rate^2; the se of the sample variance uses the fourth
     * central moment of the gamma, 3k(k+2)/rate^4. */
    const double cases[][2] = { { 0.3, 1.0 }, { 0.75, 0.9 }, { 1.0, 2.0 }, { 3.8, 14000.0 },
                                { 6.0, 0.5 }, { 50.0, 3.0 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double k = cases[i][0], rate = cases[i][1], m, v;
        moments(d_gamma, cases[i], &m, &v);
        double mean = k / rate, var = k / (rate * rate);
        double m4 = 3.0 * k * (k + 2.0) / pow(rate, 4);
        near(m, mean, sqrt(var / N_DRAWS), "gamma mean");
        near(v, var, sqrt((m4 - var * var) / N_DRAWS), "gamma variance");
    }
}

Test(rng, beta_moments)
{
    const double cases[][2] = { { 1.1, 8.0 }, { 0.5, 0.5 }, { 0.8, 2.5 }, { 5.0, 1.0 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double a = cases[i][0], b = cases[i][1], m, v;
        moments(d_beta, cases[i], &m, &v);
        double mean = a / (a + b), var = a * b / ((a + b) * (a + b) * (a + b + 1));
        near(m, mean, sqrt(var / N_DRAWS), "beta mean");
        near(v, var, 3.0 * var / sqrt(N_DRAWS), "beta variance");
        cr_assert(m > 0 && m < 1);
    }
}

Test(rng, poisson_moments_both_algorithms)
{
    /* Below 10 the inversion method, from 10 on PTRS: both sides of the switch are tested. */
    const double means[] = { 0.2, 3.0, 9.99, 10.0, 47.5, 1000.0 };
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
        double mu = means[i], m, v;
        moments(d_poisson, &means[i], &m, &v);
        near(m, mu, sqrt(mu / N_DRAWS), "poisson mean");
        near(v, mu, sqrt((mu + 2 * mu * mu) / N_DRAWS), "poisson variance");
    }
    dg_rng rng;
    dg_rng_seed(&rng, 1);
    cr_assert_eq(dg_rng_poisson(&rng, 0.0), 0);
}

Test(rng, poisson_probability_of_small_counts)
{
    /* P(X = k) for mean 12 (PTRS), against the exact pmf. */
    dg_rng rng;
    dg_rng_seed(&rng, 99);
    int counts[64] = { 0 };
    for (int i = 0; i < N_DRAWS; i++) {
        int64_t k = dg_rng_poisson(&rng, 12.0);
        cr_assert_geq(k, 0);
        if (k < 64)
            counts[k]++;
    }
    for (int k = 5; k <= 20; k++) {
        double p = exp(-12.0 + k * log(12.0) - lgamma(k + 1.0));
        near((double)counts[k] / N_DRAWS, p, sqrt(p * (1 - p) / N_DRAWS), "poisson pmf");
    }
}

Test(rng, below_and_choose_are_fair)
{
    dg_rng rng;
    dg_rng_seed(&rng, 3);
    int counts[7] = { 0 };
    for (int i = 0; i < 70000; i++) {
        uint64_t k = dg_rng_below(&rng, 7);
        cr_assert_lt(k, 7u);
        counts[k]++;
    }
    for (int k = 0; k < 7; k++)
        near(counts[k], 10000, sqrt(70000 * (1.0 / 7) * (6.0 / 7)), "below");
    const double w[] = { 1, 0, 3, 6 };
    int picks[4] = { 0 };
    for (int i = 0; i < 100000; i++)
        picks[dg_rng_choose(&rng, w, 4)]++;
    cr_assert_eq(picks[1], 0);
    near(picks[0], 10000, sqrt(100000 * 0.1 * 0.9), "choose 0");
    near(picks[2], 30000, sqrt(100000 * 0.3 * 0.7), "choose 2");
    near(picks[3], 60000, sqrt(100000 * 0.6 * 0.4), "choose 3");
}
