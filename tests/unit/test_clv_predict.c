/* dg_btyd_predict and dg_clv_predict (one pass over distinct histories, on threads) against the
 * per-customer, per-period path they replaced, kept here as the reference: P(alive), E[Y(H)],
 * the discounted CLV and DERT agree to 1e-9 relative for every CDNOW customer under the four
 * models, whole and fractional horizons, with and without discounting, and for a
 * sample of a million simulated customers; the results are the same bits for any number of
 * threads. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/btyd/btyd_internal.h"
#include "dangol/clv.h"
#include "dangol/clv_io.h"
#include "dangol/text.h"

#define DATA "../shared/data/"

/* ---- the reference: the code of dg_clv_predict before dg_btyd_predict ---- */

/* BG/BB's E[X(n, n+n*)] as FHS (2010) eq. (13) in one log-space expression (the library now
 * multiplies E[. | alive] by P(alive)). */
static double ref_bgbb_expected(const double *p, double x, double t_x, double n, double n_star)
{
    double al = p[0], be = p[1], ga = p[2], de = p[3];
    if (n_star <= 0)
        return 0.0;
    if (fabs(ga - 1.0) < 1e-9)
        ga = 1.0 + 1e-9;
    double g1 = dg_lgamma(1 + de + n) - dg_lgamma(ga + de + n);
    double g2 = dg_lgamma(1 + de + n + n_star) - dg_lgamma(ga + de + n + n_star);
    double ld = ga > 1 ? dg__logsubexp(g1, g2) - log(ga - 1) : dg__logsubexp(g2, g1) - log(1 - ga);
    double q[4] = {al, be, ga, de};
    double l = -dg__bgbb_loglik_one(q, x, t_x, n) + dg__lbeta(al + x + 1, be + n - x) -
               dg__lbeta(al, be) + log(de) + dg_lgamma(ga + de) - dg_lgamma(1 + de) + ld;
    return exp(l);
}

static double ref_expected(const dg_btyd_params *pr, double x, double t_x, double T, double t)
{
    return pr->model == DG_BTYD_BGBB ? ref_bgbb_expected(pr->p, x, t_x, T, t)
                                     : dg_btyd_expected(pr, x, t_x, T, t);
}

/* one expectation per customer per period */
static double ref_value(const dg_btyd_params *pr, double x, double t_x, double T, double spend,
                        double horizon, double rate)
{
    double total = 0, prev = 0;
    if (!(horizon > 0) || !(spend > 0))
        return 0.0;
    double log_disc = log1p(rate);
    for (double k = 1; k < horizon + 1; k += 1) {
        double t = k < horizon ? k : horizon;
        double cum = ref_expected(pr, x, t_x, T, t);
        total += (cum - prev) * exp(-t * log_disc);
        prev = cum;
        if (t >= horizon)
            break;
    }
    return total * spend;
}

/* ---- comparison ---- */

static int close9(double got, double want)
{
    if (isnan(got) || isnan(want))
        return isnan(got) && isnan(want);
    return got == want || fabs(got - want) <= 1e-9 * fmax(fabs(got), fabs(want));
}

/* Checks rows `rows` (every row when NULL) of dg_clv_predict's report on s against the
 * reference; returns the rows checked. */
static size_t check_report(const dg_clv_summary *s, const dg_btyd_params *pr,
                           const dg_gg_params *gg, double horizon, double rate, size_t step)
{
    dg_error err = {0};
    dg_clv_summary *copy = NULL;
    dg_clv_report *r = NULL;
    cr_assert_eq(dg_clv_summary_alloc(&copy, s->n, &err), 0);
    memcpy(copy->frequency, s->frequency, s->n * sizeof *s->frequency);
    memcpy(copy->recency, s->recency, s->n * sizeof *s->recency);
    memcpy(copy->T, s->T, s->n * sizeof *s->T);
    memcpy(copy->monetary, s->monetary, s->n * sizeof *s->monetary);
    cr_assert_eq(dg_clv_predict(&r, copy, pr, gg, horizon, rate, 0, &err), 0, "%s", err.message);
    const char *model = dg_btyd_model_name(pr->model);
    size_t checked = 0;
    for (size_t i = 0; i < s->n; i += step) {
        double x = s->frequency[i], t = s->recency[i], T = s->T[i];
        double pa = dg_btyd_p_alive(pr, x, t, T), e = ref_expected(pr, x, t, T, horizon);
        double m = gg ? dg_gg_expected_spend(gg, x, s->monetary[i]) : 0.0;
        double v = isnan(m) ? NAN : ref_value(pr, x, t, T, m, horizon, rate);
        cr_assert(close9(r->p_alive[i], pa), "%s row %zu (%g, %g, %g): P(alive) %.17g, was %.17g",
                  model, i, x, t, T, r->p_alive[i], pa);
        cr_assert(close9(r->expected_purchases[i], e), "%s row %zu (%g, %g, %g) H %g: E %.17g, "
                  "was %.17g", model, i, x, t, T, horizon, r->expected_purchases[i], e);
        if (gg)
            cr_assert(close9(r->clv[i], v), "%s row %zu (%g, %g, %g) H %g rate %g: CLV %.17g, "
                      "was %.17g", model, i, x, t, T, horizon, rate, r->clv[i], v);
        if (r->dert) {
            double d;
            cr_assert_eq(dg_btyd_dert(pr, x, t, T, log1p(rate), &d), 0);
            cr_assert(close9(r->dert[i], d), "row %zu: DERT %.17g, was %.17g", i, r->dert[i], d);
        }
        checked++;
    }
    dg_clv_report_free(r);
    return checked;
}

static dg_clv_summary *cdnow(int discrete)
{
    dg_error err = {0};
    dg_clv_log *log = NULL;
    dg_clv_summary *s = NULL;
    cr_assert_eq(dg_clv_log_read(&log, DATA "CDNOW_sample.txt", &err), 0, "%s", err.message);
    dg_clv_period per = {dg_days_from_civil(1997, 9, 30), 0, 7.0, discrete};
    cr_assert_eq(dg_clv_summary_build(&s, &log->tx, &per, &err), 0, "%s", err.message);
    dg_clv_log_free(log);
    return s;
}

/* FHL (2005) and Fader & Hardie's Pareto/NBD estimates on CDNOW; MBG/NBD and BG/BB near their
 * CDNOW fits (tests/unit/test_btyd_cdnow.c); Gamma-Gamma of FHL (2005) "RFM and CLV". */
static const dg_btyd_params cdnow_params[] = {
    {DG_BTYD_BGNBD, {0.2426, 4.4136, 0.7929, 2.4259}},
    {DG_BTYD_MBGNBD, {0.5250, 6.1830, 0.8910, 1.6140}},
    {DG_BTYD_PARETONBD, {0.5533, 10.578, 0.6062, 11.669}},
};
static const dg_gg_params cdnow_gg = {6.25, 3.74, 15.44};

Test(clv_predict, cdnow_continuous_models_match_the_per_period_path)
{
    dg_clv_summary *s = cdnow(0);
    const double horizons[] = {52, 10.5, 1, 0.25};
    const double rates[] = {0, 0.01, 0.15};
    for (size_t m = 0; m < sizeof cdnow_params / sizeof *cdnow_params; m++)
        for (size_t h = 0; h < 4; h++)
            for (size_t k = 0; k < 3; k++)
                cr_expect_eq(check_report(s, &cdnow_params[m], &cdnow_gg, horizons[h], rates[k], 1),
                             s->n);
    dg_clv_summary_free(s);
}

Test(clv_predict, cdnow_bgbb_matches_the_per_period_path)
{
    dg_clv_summary *s = cdnow(1);
    const dg_btyd_params bb[] = {{DG_BTYD_BGBB, {1.204, 0.750, 0.657, 2.783}},
                                 {DG_BTYD_BGBB, {0.48, 0.9, 1.8, 3.1}}};
    for (int m = 0; m < 2; m++) {
        cr_expect_eq(check_report(s, &bb[m], &cdnow_gg, 52, 0, 1), s->n);
        cr_expect_eq(check_report(s, &bb[m], &cdnow_gg, 10, 0.02, 1), s->n);
        cr_expect_eq(check_report(s, &bb[m], NULL, 5, 0, 1), s->n);
    }
    dg_clv_summary_free(s);
}

/* The bench's simulated base (bench/btyd_bench.c): a million BG/NBD customers over a year, times
 * in whole days in weeks; a sample of 1 in 997 checked against the reference. */
Test(clv_predict, a_million_customers_sample_matches_the_per_period_path)
{
    enum { N = 1000000 };
    dg_error err = {0};
    dg_clv_summary *s = NULL;
    cr_assert_eq(dg_clv_summary_alloc(&s, N, &err), 0);
    dg_btyd_params truth = {DG_BTYD_BGNBD, {0.25, 4.0, 0.8, 2.5}};
    cr_assert_eq(dg_btyd_simulate(&truth, &cdnow_gg, N, 0.0, 52.0, 2024, s->frequency, s->recency,
                                  s->T, s->monetary, &err), 0, "%s", err.message);
    for (size_t i = 0; i < N; i++) {
        s->T[i] = round(s->T[i] * 7) / 7;
        s->recency[i] = fmin(round(s->recency[i] * 7) / 7, s->T[i]);
    }
    cr_expect_gt(check_report(s, &truth, &cdnow_gg, 52, 0, 997), 1000);
    cr_expect_gt(check_report(s, &truth, &cdnow_gg, 52, 0.01, 997), 1000);
    dg_btyd_params pnbd = {DG_BTYD_PARETONBD, {0.55, 10.6, 0.61, 11.7}};
    cr_expect_gt(check_report(s, &pnbd, &cdnow_gg, 26.5, 0.01, 997), 1000);
    /* a base this large is grouped in one share per thread: the same bits for 1, 2 and 3 */
    dg_btyd_data d = dg_clv_summary_data(s);
    double *out = malloc(3 * (size_t)N * sizeof *out);
    cr_assert_not_null(out);
    for (int threads = 1; threads <= 3; threads++) {
        double *o = out + (size_t)(threads - 1) * N;
        dg_btyd_predictions p = {o, NULL, NULL, NULL};
        cr_assert_eq(dg_btyd_predict(&p, &truth, &d, 52, 0, threads, &err), 0);
    }
    cr_expect(memcmp(out, out + N, N * sizeof *out) == 0, "1 and 2 threads differ");
    cr_expect(memcmp(out, out + 2 * N, N * sizeof *out) == 0, "1 and 3 threads differ");
    free(out);
    dg_clv_summary_free(s);
}

/* One to five threads, and the one-customer functions: the same bits. */
Test(clv_predict, the_same_bits_on_any_number_of_threads)
{
    dg_clv_summary *s = cdnow(0);
    dg_btyd_data d = dg_clv_summary_data(s);
    dg_error err = {0};
    size_t n = s->n;
    double *ref = malloc(4 * n * sizeof *ref), *got = malloc(4 * n * sizeof *got);
    cr_assert(ref && got);
    const dg_btyd_params *pr = &cdnow_params[2];   /* Pareto/NBD: DERT too */
    dg_btyd_predictions one = {ref, ref + n, ref + 2 * n, ref + 3 * n};
    cr_assert_eq(dg_btyd_predict(&one, pr, &d, 52, 0.01, 1, &err), 0, "%s", err.message);
    for (int threads = 2; threads <= 5; threads++) {
        dg_btyd_predictions many = {got, got + n, got + 2 * n, got + 3 * n};
        memset(got, 0, 4 * n * sizeof *got);
        cr_assert_eq(dg_btyd_predict(&many, pr, &d, 52, 0.01, threads, &err), 0);
        cr_expect(memcmp(ref, got, 4 * n * sizeof *got) == 0, "%d threads differ", threads);
    }
    for (size_t i = 0; i < n; i += 7)
        cr_expect_eq(ref[2 * n + i], dg_btyd_discounted_expected(pr, s->frequency[i],
                                                                s->recency[i], s->T[i], 52, 0.01));
    free(ref);
    free(got);
    dg_clv_summary_free(s);
}

Test(clv_predict, bad_arguments_are_refused_and_an_empty_base_is_fine)
{
    dg_error err = {0};
    double x[2] = {1, 0}, t[2] = {2, 0}, T[2] = {3, 1}, out[2] = {-1, -1}, dert[2];
    dg_btyd_data d = {2, x, t, T, NULL, NULL};
    dg_btyd_predictions p = {NULL, NULL, out, NULL};
    cr_expect_eq(dg_btyd_predict(&p, &cdnow_params[0], &d, -1, 0, 0, &err), DG_EINVAL);
    cr_expect_eq(dg_btyd_predict(&p, &cdnow_params[0], &d, INFINITY, 0, 0, &err), DG_EINVAL);
    cr_expect_eq(dg_btyd_predict(&p, &cdnow_params[0], &d, 52, NAN, 0, &err), DG_EINVAL);
    p.dert = dert;
    cr_expect_eq(dg_btyd_predict(&p, &cdnow_params[0], &d, 52, 0.1, 0, &err), DG_EINVAL);
    cr_expect_eq(dg_btyd_predict(&p, &cdnow_params[2], &d, 52, 0, 0, &err), DG_EINVAL);
    p.dert = NULL;
    cr_expect_eq(dg_btyd_predict(&p, &cdnow_params[0], &d, 0, 0.1, 0, &err), 0);
    cr_expect(out[0] == 0 && out[1] == 0);
    /* a horizon lost in the rounding of 1 + H is one step (the per-period loop skipped it) */
    double e[2];
    p = (dg_btyd_predictions){NULL, e, out, NULL};
    cr_expect_eq(dg_btyd_predict(&p, &cdnow_params[0], &d, 1e-17, 0.1, 0, &err), 0);
    cr_expect(e[0] > 0 && close9(out[0], e[0]) && close9(out[1], e[1]), "%g %g, %g %g", out[0],
              e[0], out[1], e[1]);
    d.n_customers = 0;
    cr_expect_eq(dg_btyd_predict(&p, &cdnow_params[0], &d, 52, 0.1, 0, &err), 0);
}

/* dg_clv_run predicts from the grouping of the customers its fit made (btyd_grouped.h) instead
 * of grouping them again: the same bits as the fit and dg_btyd_predict called apart, under each
 * model, and with a customer of weight 0 (who has no pattern: the customers are grouped again). */
Test(clv_predict, the_fit_s_grouping_gives_the_same_bits)
{
    for (int model = DG_BTYD_BGNBD; model <= DG_BTYD_PARETONBD; model++) {
        for (int zero_weight = 0; zero_weight <= 1; zero_weight++) {
            dg_error err = {0};
            dg_clv_summary *s = cdnow(0);
            size_t n = s->n;
            if (zero_weight) {
                cr_assert_not_null(s->weight = malloc(n * sizeof *s->weight));
                for (size_t i = 0; i < n; i++)
                    s->weight[i] = i == 5 ? 0.0 : 1.0;
            }
            dg_btyd_data d = dg_clv_summary_data(s);
            dg_btyd_fit fit;
            cr_assert_eq(dg_btyd_fit_data(&d, (dg_btyd_model)model, NULL, &fit, &err), 0, "%s",
                         err.message);
            double *ref = malloc(2 * n * sizeof *ref);
            cr_assert_not_null(ref);
            dg_btyd_predictions apart = {ref, ref + n, NULL, NULL};
            cr_assert_eq(dg_btyd_predict(&apart, &fit.params, &d, 52, 0.01, 0, &err), 0);
            dg_clv_options opt = {.model = (dg_btyd_model)model, .horizon = 52,
                                  .discount_rate = 0.01};
            dg_clv_report *r = NULL;
            cr_assert_eq(dg_clv_run(&r, s, &opt, &err), 0, "%s", err.message);
            cr_expect(memcmp(r->fit.params.p, fit.params.p, sizeof fit.params.p) == 0);
            cr_expect(memcmp(r->p_alive, ref, n * sizeof *ref) == 0, "model %d: P(alive) "
                      "differs (zero weight %d)", model, zero_weight);
            cr_expect(memcmp(r->expected_purchases, ref + n, n * sizeof *ref) == 0, "model %d: "
                      "expected purchases differ (zero weight %d)", model, zero_weight);
            dg_clv_report_free(r);
            free(ref);
        }
    }
}
