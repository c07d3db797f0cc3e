/* Large fits (docs/clv.md, "Fitting"): the likelihood's sums give the same bits on any number of
 * threads, and a fit searched on a pilot sample and polished on the whole data reaches the
 * estimates of the search from every start on the whole data to 1e-8, whatever the order of the
 * customers. 150,000 simulated customers with times in whole days (~60,000 distinct patterns):
 * large enough for the pilot; 450,000 for Gamma-Gamma, which fits those with repeat purchases. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/btyd.h"

#define N_SIM 150000

typedef struct sample {
    size_t n;
    double *x, *t, *T, *m;
} sample;

static sample simulate_spend(dg_btyd_model model, const double truth[4],
                             const dg_gg_params *spend, size_t n, uint64_t seed)
{
    dg_error err = {0};
    sample s = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    cr_assert(s.x && s.t && s.T && s.m);
    dg_btyd_params p = {model, {truth[0], truth[1], truth[2], truth[3]}};
    cr_assert_eq(dg_btyd_simulate(&p, spend, n, 0.0, 52.0, seed, s.x, s.t, s.T, s.m, &err),
                 0, "%s", err.message);
    for (size_t i = 0; i < n; i++) {   /* whole days, weeks as the unit; cents */
        s.T[i] = round(s.T[i] * 7) / 7;
        s.t[i] = fmin(round(s.t[i] * 7) / 7, s.T[i]);
        s.m[i] = round(s.m[i] * 100) / 100;
    }
    return s;
}

static sample simulate(dg_btyd_model model, const double truth[4], size_t n, uint64_t seed)
{
    const dg_gg_params spend = {6.25, 3.74, 15.44};
    return simulate_spend(model, truth, &spend, n, seed);
}

static void sample_free(sample *s)
{
    free(s->x);
    free(s->t);
    free(s->T);
    free(s->m);
}

/* The customers in reverse order (another path to the same data). */
static void reverse(sample *s)
{
    double *cols[4] = {s->x, s->t, s->T, s->m};
    for (int c = 0; c < 4; c++)
        for (size_t i = 0, j = s->n - 1; i < j; i++, j--) {
            double v = cols[c][i];
            cols[c][i] = cols[c][j];
            cols[c][j] = v;
        }
}

static void expect_close(const double *a, const double *b, int k, double tol, const char *what)
{
    for (int i = 0; i < k; i++)
        cr_expect(fabs(a[i] - b[i]) <= tol * fabs(b[i]), "%s: parameter %d %.12g against %.12g "
                  "(relative %.2g)", what, i, a[i], b[i], fabs(a[i] - b[i]) / fabs(b[i]));
}

static dg_btyd_fit fit_btyd(const sample *s, dg_btyd_model model, int threads, bool no_pilot)
{
    dg_error err = {0};
    dg_btyd_data d = {s->n, s->x, s->t, s->T, NULL, NULL};
    dg_fit_options opt = {.threads = threads, .no_pilot = no_pilot};
    dg_btyd_fit fit;
    cr_assert_eq(dg_btyd_fit_data(&d, model, &opt, &fit, &err), 0, "%s", err.message);
    cr_expect(fit.converged && fit.se_ok);
    return fit;
}

static dg_gg_fit fit_gg(const sample *s, int threads, bool no_pilot)
{
    dg_error err = {0};
    dg_gg_data g = {s->n, s->x, s->m, NULL, NULL};
    dg_fit_options opt = {.threads = threads, .no_pilot = no_pilot};
    dg_gg_fit fit;
    cr_assert_eq(dg_gg_fit_data(&g, &opt, &fit, &err), 0, "%s", err.message);
    cr_expect(fit.converged && fit.se_ok);
    return fit;
}

static void pilot_agrees(dg_btyd_model model, const double truth[4], uint64_t seed)
{
    sample s = simulate(model, truth, N_SIM, seed);
    dg_btyd_fit one = fit_btyd(&s, model, 1, false), three = fit_btyd(&s, model, 3, false);
    cr_expect(one.n_patterns > 40000, "%zu patterns: too few for a pilot", one.n_patterns);
    cr_expect(memcmp(one.params.p, three.params.p, sizeof one.params.p) == 0 &&
              memcmp(one.se, three.se, sizeof one.se) == 0 && one.loglik == three.loglik,
              "%s: 1 and 3 threads differ", dg_btyd_model_name(model));
    dg_btyd_fit whole = fit_btyd(&s, model, 0, true);
    expect_close(one.params.p, whole.params.p, 4, 1e-8, "pilot against every start");
    expect_close(one.se, whole.se, 4, 1e-5, "standard errors, pilot against every start");
    cr_expect(fabs(one.loglik - whole.loglik) <= 1e-12 * fabs(whole.loglik));
    cr_expect(one.n_pilot_evaluations > 0 && whole.n_pilot_evaluations == 0);
    cr_expect(one.n_evaluations < whole.n_evaluations / 3, "%d evaluations of the whole data "
              "with a pilot, %d without", one.n_evaluations, whole.n_evaluations);
    reverse(&s);
    dg_btyd_fit reversed = fit_btyd(&s, model, 2, false);
    expect_close(reversed.params.p, one.params.p, 4, 1e-8, "the customers reversed");
    sample_free(&s);
}

Test(btyd_pilot, bgnbd_threads_and_pilot_give_one_fit, .timeout = 120)
{
    const double truth[4] = {0.25, 4.0, 0.8, 2.5};
    pilot_agrees(DG_BTYD_BGNBD, truth, 2024);
}

Test(btyd_pilot, mbgnbd_threads_and_pilot_give_one_fit, .timeout = 120)
{
    const double truth[4] = {0.5, 6.0, 0.9, 1.6};
    pilot_agrees(DG_BTYD_MBGNBD, truth, 7);
}

Test(btyd_pilot, gamma_gamma_threads_and_pilot_give_one_fit, .timeout = 120)
{
    const double truth[4] = {0.5, 4.0, 0.8, 2.5};
    sample s = simulate(DG_BTYD_BGNBD, truth, 3 * N_SIM, 5);   /* ~150,000 with repeats */
    dg_gg_fit one = fit_gg(&s, 1, false), three = fit_gg(&s, 3, false);
    double a[3] = {one.params.p, one.params.q, one.params.gamma};
    double b[3] = {three.params.p, three.params.q, three.params.gamma};
    cr_expect(memcmp(a, b, sizeof a) == 0 && one.loglik == three.loglik, "1 and 3 threads differ");
    dg_gg_fit whole = fit_gg(&s, 0, true);
    double c[3] = {whole.params.p, whole.params.q, whole.params.gamma};
    expect_close(a, c, 3, 1e-8, "pilot against every start");
    cr_expect(one.n_pilot_evaluations > 0 && whole.n_pilot_evaluations == 0);
    cr_expect(one.n_evaluations < whole.n_evaluations / 3, "%d evaluations of the whole data "
              "with a pilot, %d without", one.n_evaluations, whole.n_evaluations);
    sample_free(&s);
}

/* Customers without heterogeneity in their purchase rates or their spend (gammas of shape 1e7):
 * both fits run along a ridge to the limiting model (docs/clv.md, "Fits at a limit"), the
 * pilot's too. The full data is then searched from the pilot's optimum alone, and reaches the
 * search from every start on the full data in a fraction of its passes: the log-likelihood to
 * 1e-9, the rate, the scale and Gamma-Gamma's p to 1e-4 (where a search stops along a ridge
 * moves them by ~1e-5: the customers in reverse order do as much to the search from every
 * start); the same bits on 1 and 3 threads. */
Test(btyd_pilot, a_pilot_at_a_limit_is_followed_along_its_ridge, .timeout = 120)
{
    const double truth[4] = {1e7, 1e8, 0.8, 2.5};            /* lambda = 0.1 for everyone */
    const dg_gg_params flat = {4.0, 1e7, 2e8};               /* 1/nu = 20 for everyone */
    sample s = simulate_spend(DG_BTYD_BGNBD, truth, &flat, N_SIM, 11);
    dg_error err = {0};
    dg_btyd_data d = {s.n, s.x, s.t, s.T, NULL, NULL};
    dg_btyd_fit fits[3];
    for (int i = 0; i < 3; i++) {
        dg_fit_options opt = {.threads = i == 1 ? 3 : 1, .no_pilot = i == 2};
        cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGNBD, &opt, &fits[i], &err), 0, "%s",
                     err.message);
        cr_expect(fits[i].converged);
        cr_assert_geq(fits[i].n_limits, 1, "r %g alpha %g", fits[i].params.p[0],
                      fits[i].params.p[1]);
        cr_expect_str_eq(fits[i].limits[0].name, "lambda = r/alpha");
    }
    dg_btyd_fit one = fits[0], whole = fits[2];
    cr_expect(memcmp(one.params.p, fits[1].params.p, sizeof one.params.p) == 0 &&
              one.loglik == fits[1].loglik, "1 and 3 threads differ");
    cr_expect(fabs(one.limits[0].value - whole.limits[0].value) <= 1e-4 * whole.limits[0].value,
              "lambda %.12g with a pilot, %.12g without", one.limits[0].value,
              whole.limits[0].value);
    cr_expect(fabs(one.loglik - whole.loglik) <= 1e-9 * fabs(whole.loglik),
              "log-likelihood %.12g with a pilot, %.12g without", one.loglik, whole.loglik);
    cr_expect(one.n_pilot_evaluations > 0 && whole.n_pilot_evaluations == 0);
    cr_expect(one.n_evaluations < whole.n_evaluations / 2, "%d evaluations of the whole data "
              "with a pilot, %d without", one.n_evaluations, whole.n_evaluations);

    dg_gg_fit gg[3];
    dg_gg_data g = {s.n, s.x, s.m, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        dg_fit_options opt = {.threads = i == 1 ? 3 : 1, .no_pilot = i == 2};
        cr_assert_eq(dg_gg_fit_data(&g, &opt, &gg[i], &err), 0, "%s", err.message);
        cr_expect(gg[i].converged);
        cr_assert_eq(gg[i].n_limits, 1, "q %g gamma %g", gg[i].params.q, gg[i].params.gamma);
    }
    cr_expect(gg[0].params.p == gg[1].params.p && gg[0].params.q == gg[1].params.q &&
              gg[0].loglik == gg[1].loglik, "1 and 3 threads differ");
    cr_expect(fabs(gg[0].params.p - gg[2].params.p) <= 1e-4 * gg[2].params.p, "p %.12g, %.12g",
              gg[0].params.p, gg[2].params.p);
    cr_expect(fabs(gg[0].limits[0].value - gg[2].limits[0].value) <= 1e-4 * gg[2].limits[0].value,
              "1/nu %.12g with a pilot, %.12g without", gg[0].limits[0].value,
              gg[2].limits[0].value);
    cr_expect(fabs(gg[0].loglik - gg[2].loglik) <= 1e-9 * fabs(gg[2].loglik));
    cr_expect(gg[0].n_evaluations < gg[2].n_evaluations / 2, "%d evaluations of the whole data "
              "with a pilot, %d without", gg[0].n_evaluations, gg[2].n_evaluations);
    sample_free(&s);
}
