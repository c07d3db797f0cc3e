/* Fitting on simulated data recovers the parameters within a few standard errors (100,000
 * customers per model, fixed seeds), and the likelihood, P(alive) and expectations stay finite at
 * the extremes that make other implementations return NaN. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/btyd.h"

#define N_SIM 100000

static void recover(dg_btyd_model model, const double truth[4], double T_min, double T_max,
                    uint64_t seed)
{
    dg_error err = {0};
    double *x = malloc(N_SIM * sizeof *x), *t = malloc(N_SIM * sizeof *t),
           *T = malloc(N_SIM * sizeof *T);
    dg_btyd_params p = {model, {truth[0], truth[1], truth[2], truth[3]}};
    cr_assert_eq(dg_btyd_simulate(&p, NULL, N_SIM, T_min, T_max, seed, x, t, T, NULL, &err), 0);
    /* times to whole days, as a store records them (weeks as the unit) */
    if (model != DG_BTYD_BGBB)
        for (size_t i = 0; i < N_SIM; i++) {
            T[i] = round(T[i] * 7) / 7;
            t[i] = fmin(round(t[i] * 7) / 7, T[i]);
        }
    dg_btyd_data d = {N_SIM, x, t, T, NULL, NULL};
    dg_btyd_fit fit;
    /* one start: recovery is the point here, multi-start is exercised on CDNOW */
    dg_fit_options opt = {.n_starts = 1};
    cr_assert_eq(dg_btyd_fit_data(&d, model, &opt, &fit, &err), 0, "%s", err.message);
    cr_expect(fit.converged && fit.se_ok);
    const char *const *names = dg_btyd_param_names(model);
    for (int i = 0; i < 4; i++) {
        double z = (fit.params.p[i] - truth[i]) / fit.se[i];
        cr_expect(fabs(z) < 3.0, "%s %s = %.4f +- %.4f, truth %.4f (z = %.2f)",
                  dg_btyd_model_name(model), names[i], fit.params.p[i], fit.se[i], truth[i], z);
    }
    free(x);
    free(t);
    free(T);
}

Test(btyd_fit, recovers_bgnbd, .timeout = 60)
{
    const double truth[4] = {0.25, 4.0, 0.8, 2.5};
    recover(DG_BTYD_BGNBD, truth, 26.0, 52.0, 42);
}

Test(btyd_fit, recovers_mbgnbd, .timeout = 60)
{
    const double truth[4] = {0.5, 6.0, 0.9, 1.6};
    recover(DG_BTYD_MBGNBD, truth, 26.0, 52.0, 7);
}

Test(btyd_fit, recovers_paretonbd, .timeout = 120)
{
    const double truth[4] = {0.55, 10.0, 0.6, 12.0};
    recover(DG_BTYD_PARETONBD, truth, 26.0, 52.0, 11);
}

Test(btyd_fit, recovers_bgbb, .timeout = 60)
{
    const double truth[4] = {1.2, 0.75, 0.66, 2.78};
    recover(DG_BTYD_BGBB, truth, 6.0, 6.0, 3);
}

Test(btyd_fit, recovers_gamma_gamma, .timeout = 60)
{
    dg_error err = {0};
    double *x = malloc(N_SIM * sizeof *x), *t = malloc(N_SIM * sizeof *t),
           *T = malloc(N_SIM * sizeof *T), *m = malloc(N_SIM * sizeof *m);
    dg_btyd_params p = {DG_BTYD_BGNBD, {0.5, 4.0, 0.8, 2.5}};
    dg_gg_params truth = {6.25, 3.74, 15.44};
    cr_assert_eq(dg_btyd_simulate(&p, &truth, N_SIM, 26, 52, 5, x, t, T, m, &err), 0);
    dg_gg_fit fit;
    dg_gg_data g = {N_SIM, x, m, NULL, NULL};
    cr_assert_eq(dg_gg_fit_data(&g, NULL, &fit, &err), 0, "%s", err.message);
    double got[3] = {fit.params.p, fit.params.q, fit.params.gamma};
    double want[3] = {truth.p, truth.q, truth.gamma};
    for (int i = 0; i < 3; i++)
        cr_expect(fabs(got[i] - want[i]) < 3 * fit.se[i], "param %d: %.4f +- %.4f, truth %.4f", i,
                  got[i], fit.se[i], want[i]);
    free(x);
    free(t);
    free(T);
    free(m);
}

Test(btyd_fit, rejects_bad_input_with_the_row)
{
    double x[3] = {1, 2, 0}, t[3] = {5, 40, 0}, T[3] = {10, 30, 10};
    dg_btyd_data d = {3, x, t, T, NULL, NULL};
    dg_error err = {0};
    dg_btyd_fit fit;
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGNBD, NULL, &fit, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "row 2 ") != NULL, "%s", err.message);
    /* with ids, the message names the customer, never the row */
    const char *const ids[3] = {"A-1", "B-2", "C-3"};
    d.id = ids;
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGNBD, NULL, &fit, &err), DG_EINVAL);
    cr_expect(strncmp(err.message, "customer \"B-2\" (", 16) == 0, "%s", err.message);
    t[1] = NAN;
    cr_assert_eq(dg_btyd_data_check(&d, DG_BTYD_BGNBD, &err), DG_EINVAL);
    double xb[1] = {1.5}, tb[1] = {2}, Tb[1] = {3};
    dg_btyd_data db = {1, xb, tb, Tb, NULL, NULL};
    cr_expect_eq(dg_btyd_data_check(&db, DG_BTYD_BGBB, &err), DG_EINVAL);
}

/* BG/BB's cost is per opportunity: a customer with more than DG_BGBB_MAX_OPPORTUNITIES (a store
 * whose calibration ends in 2100, counted in days) is refused at once, not fitted for minutes. */
Test(btyd_fit, bgbb_bounds_the_opportunities, .timeout = 5)
{
    double x[5] = {1, 2, 0, 3, 1}, t[5] = {1, 4, 0, 5, 2};
    double T[5] = {10, 30, 10, 20, DG_BGBB_MAX_OPPORTUNITIES};
    dg_btyd_data d = {5, x, t, T, NULL, NULL};
    dg_error err = {0};
    cr_assert_eq(dg_btyd_data_check(&d, DG_BTYD_BGBB, &err), 0, "%s", err.message);
    T[4] = 60000;   /* 1936 to 2100 in days */
    dg_btyd_fit fit;
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGBB, NULL, &fit, &err), DG_EINVAL);
    cr_expect(strstr(err.message, "more than 2000 (T); count weeks rather than days") != NULL,
              "%s", err.message);
}

/* Every quantity is finite (and probabilities in [0, 1]) at extreme inputs, DERT included. */
Test(btyd_fit, no_nan_or_inf_at_extremes)
{
    const double xs[] = {0, 1, 50, 1e3, 1e5, 1e6};
    const double Ts[] = {0, 1e-9, 0.5, 39, 1e4, 1e6, 1e8};
    const double fr[] = {0, 1e-12, 0.5, 1 - 1e-12, 1};
    const double ts[] = {1e-9, 1, 52, 1e6};
    const dg_btyd_params ps[] = {
        {DG_BTYD_BGNBD, {0.2426, 4.4136, 0.7929, 2.4259}},
        {DG_BTYD_BGNBD, {50, 1e-3, 1e-3, 1e3}},
        {DG_BTYD_BGNBD, {1e-3, 1e3, 1e3, 1e-3}},
        {DG_BTYD_MBGNBD, {0.52, 6.18, 0.89, 1.61}},
        {DG_BTYD_PARETONBD, {0.5533, 10.578, 0.6062, 11.669}},
        {DG_BTYD_PARETONBD, {0.5, 30, 1.0, 0.5}},
        {DG_BTYD_PARETONBD, {3, 0.01, 5, 1e4}},
    };
    int checked = 0;
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
            for (size_t j = 0; j < sizeof Ts / sizeof Ts[0]; j++)
                for (size_t f = 0; f < sizeof fr / sizeof fr[0]; f++) {
                    double x = xs[i], T = Ts[j], tx = x > 0 ? fr[f] * T : 0;
                    if (x == 0 && f > 0)
                        continue;
                    double ll = dg_btyd_loglik_one(&ps[k], x, tx, T);
                    double pa = dg_btyd_p_alive(&ps[k], x, tx, T);
                    cr_assert(isfinite(ll), "%s ll(%g, %g, %g) = %g", dg_btyd_model_name(ps[k].model),
                              x, tx, T, ll);
                    cr_assert(pa >= 0 && pa <= 1, "%s P(alive)(%g, %g, %g) = %g",
                              dg_btyd_model_name(ps[k].model), x, tx, T, pa);
                    for (size_t h = 0; h < sizeof ts / sizeof ts[0]; h++) {
                        double e = dg_btyd_expected(&ps[k], x, tx, T, ts[h]);
                        cr_assert(isfinite(e) && e >= 0, "%s E(%g, %g, %g, t=%g) = %g",
                                  dg_btyd_model_name(ps[k].model), x, tx, T, ts[h], e);
                    }
                    for (size_t h = 0; ps[k].model == DG_BTYD_PARETONBD && h < 4; h++) {
                        const double deltas[4] = {1e-6, log1p(0.01), 0.5, 20};
                        double dert = NAN;
                        cr_assert_eq(dg_btyd_dert(&ps[k], x, tx, T, deltas[h], &dert), 0);
                        cr_assert(isfinite(dert) && dert >= 0, "DERT(%g, %g, %g, delta=%g) = %g",
                                  x, tx, T, deltas[h], dert);
                    }
                    checked++;
                }
    /* BG/BB: counts of opportunities */
    dg_btyd_params bb = {DG_BTYD_BGBB, {1.2, 0.75, 0.66, 2.78}};
    const double ns[] = {0, 1, 6, 1000, 100000};
    for (size_t j = 0; j < 5; j++)
        for (double q = 0; q <= 1.0; q += 0.5) {
            double n = ns[j], x = floor(q * n), tx = x > 0 ? n : 0;
            double ll = dg_btyd_loglik_one(&bb, x, tx, n), pa = dg_btyd_p_alive(&bb, x, tx, n);
            double e = dg_btyd_expected(&bb, x, tx, n, 1e5);
            cr_assert(isfinite(ll) && pa >= 0 && pa <= 1 && isfinite(e) && e >= 0,
                      "bgbb (%g, %g, %g): ll %g pa %g e %g", x, tx, n, ll, pa, e);
        }
    dg_gg_params gg = {6.25, 3.74, 15.44};
    for (size_t i = 1; i < 6; i++) {
        cr_assert(isfinite(dg_gg_loglik_one(&gg, xs[i], 1e-6)));
        cr_assert(isfinite(dg_gg_loglik_one(&gg, xs[i], 1e9)));
        cr_assert(isfinite(dg_gg_expected_spend(&gg, xs[i], 1e9)));
    }
    cr_assert_gt(checked, 500);
}

/* A fit that no start can carry (weights so large the log-likelihood's gradient overflows) is
 * DG_ECONVERGE, and the message says where each start began and stopped. */
Test(btyd_fit, unfittable_data_say_where_each_start_stopped)
{
    static const double x[] = { 2, 0, 5, 1 }, t_x[] = { 30, 0, 20, 10 }, T[] = { 39, 39, 39, 39 };
    static const double w[] = { 1e300, 1e300, 1e300, 1e300 };
    dg_btyd_data d = { .n_customers = 4, .frequency = x, .recency = t_x, .age = T, .weight = w };
    dg_btyd_fit fit;
    dg_error err = {0};
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGNBD, NULL, &fit, &err), DG_ECONVERGE, "%s",
                 err.message);
    cr_expect(strstr(err.message, "could not be maximised from any of 3 starts"), "%s",
              err.message);
    cr_expect(strstr(err.message, "start 1 (0.5, "), "%s", err.message);
    cr_expect(strstr(err.message, "; start 3 ("), "%s", err.message);
    cr_expect(strstr(err.message, ") stopped at ("), "%s", err.message);
}

/* Customers without heterogeneity (Poisson purchases at one rate, exponential lifetimes at one
 * rate: gammas of shape 1e7 simulate them): the Pareto/NBD fit runs out along its ridges
 * towards the bound, and reports the limiting model, converged, with lambda = r/alpha and
 * mu = s/beta near the truth and no standard errors for the four ridge parameters. */
Test(btyd_fit, a_fit_at_its_limit_reports_the_limiting_model, .timeout = 120)
{
    enum { N = 3000 };
    double x[N], t[N], T[N];
    dg_error err = {0};
    dg_btyd_params truth = {DG_BTYD_PARETONBD, {1e7, 2e7, 1e7, 5e8}};   /* lambda 0.5, mu 0.02 */
    cr_assert_eq(dg_btyd_simulate(&truth, NULL, N, 26.0, 52.0, 5, x, t, T, NULL, &err), 0);
    dg_btyd_data d = {N, x, t, T, NULL, NULL};
    dg_btyd_fit fit;
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_PARETONBD, NULL, &fit, &err), 0, "%s",
                 err.message);
    cr_expect(fit.converged);
    cr_assert_geq(fit.n_limits, 1, "r %g alpha %g s %g beta %g", fit.params.p[0],
                  fit.params.p[1], fit.params.p[2], fit.params.p[3]);
    cr_expect_str_eq(fit.limits[0].name, "lambda = r/alpha");
    cr_expect(fabs(fit.limits[0].value - 0.5) < 0.05, "lambda %g", fit.limits[0].value);
    cr_expect(isnan(fit.se[0]) && isnan(fit.se[1]));
    if (fit.n_limits == 2) {
        cr_expect_str_eq(fit.limits[1].name, "mu = s/beta");
        cr_expect(fabs(fit.limits[1].value - 0.02) < 0.01, "mu %g", fit.limits[1].value);
    }
    /* a base with heterogeneity converges inside: no limit */
    dg_btyd_params mixed = {DG_BTYD_PARETONBD, {0.55, 10.0, 0.6, 12.0}};
    cr_assert_eq(dg_btyd_simulate(&mixed, NULL, N, 26.0, 52.0, 5, x, t, T, NULL, &err), 0);
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_PARETONBD, NULL, &fit, &err), 0, "%s",
                 err.message);
    cr_expect(fit.converged && fit.n_limits == 0);
}
