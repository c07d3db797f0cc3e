/* The published CDNOW estimates (39-week calibration, weeks): BG/NBD and Pareto/NBD from the
 * summary CSV and from the transaction log, Gamma-Gamma from the log's 946 repeat customers;
 * parameters to 3 significant digits, log-likelihood to 0.1. MBG/NBD and BG/BB, which have no
 * published CDNOW estimates, against an independent scipy fit (tests/helpers/btyd_reference.py
 * fits) to the same precision. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/clv.h"
#include "dangol/clv_io.h"
#include "dangol/text.h"

#define DATA "../shared/data/"

/* got and want agree to 3 significant digits (of want) */
static int sig3(double got, double want)
{
    double unit = pow(10.0, floor(log10(fabs(want))) - 2);
    return fabs(got - want) <= 0.5 * unit + 1e-12;
}

static void expect_params(const dg_btyd_fit *fit, const double want[4], double ll)
{
    const char *const *names = dg_btyd_param_names(fit->params.model);
    for (int i = 0; i < 4; i++)
        cr_expect(sig3(fit->params.p[i], want[i]), "%s %s = %.5f, published %.5g",
                  dg_btyd_model_name(fit->params.model), names[i], fit->params.p[i], want[i]);
    cr_expect(fabs(fit->loglik - ll) <= 0.1, "%s LL = %.3f, published %.1f",
              dg_btyd_model_name(fit->params.model), fit->loglik, ll);
    cr_expect(fit->converged);
    cr_expect(fit->se_ok);
}

static const double bgnbd_pub[4] = {0.2426, 4.4136, 0.7929, 2.4259};
static const double pnbd_pub[4] = {0.5533, 10.578, 0.6062, 11.669};

static dg_clv_summary *cdnow_from_log(dg_clv_log **log_out)
{
    dg_error err = {0};
    dg_clv_log *log = NULL;
    dg_clv_summary *s = NULL;
    cr_assert_eq(dg_clv_log_read(&log, DATA "CDNOW_sample.txt", &err), 0, "%s", err.message);
    dg_clv_period per = {dg_days_from_civil(1997, 9, 30), dg_days_from_civil(1998, 6, 30), 7.0, 0};
    cr_assert_eq(dg_clv_summary_build(&s, &log->tx, &per, &err), 0, "%s", err.message);
    if (log_out)
        *log_out = log;
    else
        dg_clv_log_free(log);
    return s;
}

Test(btyd_cdnow, summary_of_the_log_matches_the_papers)
{
    dg_clv_summary *s = cdnow_from_log(NULL);
    size_t repeaters = 0;
    double total_x = 0, max_T = 0;
    for (size_t i = 0; i < s->n; i++) {
        repeaters += s->frequency[i] > 0;
        total_x += s->frequency[i];
        max_T = fmax(max_T, s->T[i]);
    }
    cr_expect_eq(s->n, 2357);
    cr_expect_eq(repeaters, 946);
    cr_expect_eq(total_x, 2457);   /* FHL (2005): 2,457 repeat transactions in weeks 1-39 */
    cr_expect_float_eq(max_T, 272.0 / 7, 1e-12);
    cr_expect_float_eq(s->holdout_length, 39.0, 1e-12);
    dg_clv_summary_free(s);
}

Test(btyd_cdnow, bgnbd_and_paretonbd_from_the_summary_csv, .timeout = 60)
{
    dg_error err = {0};
    dg_clv_summary *s = NULL;
    char **ids = NULL;
    dg_btyd_fit fit;
    cr_assert_eq(dg_clv_summary_read(&s, &ids, DATA "cdnow_customers_summary.csv", &err), 0,
                 "%s", err.message);
    cr_assert_eq(s->n, 2357);
    cr_expect_str_eq(ids[0], "1");
    dg_btyd_data d = dg_clv_summary_data(s);
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGNBD, NULL, &fit, &err), 0, "%s", err.message);
    expect_params(&fit, bgnbd_pub, -9582.4);
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_PARETONBD, NULL, &fit, &err), 0, "%s", err.message);
    expect_params(&fit, pnbd_pub, -9595.0);
    dg_clv_ids_free(ids, s->n);
    dg_clv_summary_free(s);
}

Test(btyd_cdnow, fits_from_the_transaction_log, .timeout = 60)
{
    dg_error err = {0};
    dg_clv_summary *s = cdnow_from_log(NULL);
    dg_btyd_fit fit;
    dg_gg_fit gg;
    dg_btyd_data d = dg_clv_summary_data(s);
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGNBD, NULL, &fit, &err), 0, "%s", err.message);
    expect_params(&fit, bgnbd_pub, -9582.4);
    /* standard errors as reported for this fit in the literature (r 0.0126, alpha 0.378) */
    cr_expect(fabs(fit.se[0] - 0.0126) < 0.0005 && fabs(fit.se[1] - 0.378) < 0.005,
              "se %g %g", fit.se[0], fit.se[1]);
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_PARETONBD, NULL, &fit, &err), 0, "%s", err.message);
    expect_params(&fit, pnbd_pub, -9595.0);
    dg_gg_data g = {s->n, s->frequency, s->monetary, NULL, NULL};
    cr_assert_eq(dg_gg_fit_data(&g, NULL, &gg, &err), 0, "%s", err.message);
    cr_expect_eq(gg.n_customers, 946);
    cr_expect(sig3(gg.params.p, 6.25) && sig3(gg.params.q, 3.74) && sig3(gg.params.gamma, 15.44),
              "Gamma-Gamma p %.4f q %.4f gamma %.4f; published 6.25 3.74 15.44", gg.params.p,
              gg.params.q, gg.params.gamma);
    cr_expect(gg.converged && gg.se_ok);
    dg_clv_summary_free(s);
}

Test(btyd_cdnow, tracking_and_holdout_validation, .timeout = 60)
{
    dg_error err = {0};
    dg_clv_log *log = NULL;
    dg_clv_summary *s = cdnow_from_log(&log);
    dg_btyd_params p = {DG_BTYD_BGNBD, {0.2426, 4.4136, 0.7929, 2.4259}};
    double actual[78], expected[78];
    cr_assert_eq(dg_clv_tracking(&log->tx, &p, dg_days_from_civil(1997, 1, 1), 7, 78, 7.0, actual,
                                 expected, &err), 0, "%s", err.message);
    cr_expect_eq(actual[38], 2457);    /* calibration repeat transactions */
    cr_expect_eq(actual[77], 4339);    /* by the end of June 1998 */
    /* FHL (2005) fig. 2: the BG/NBD tracks the cumulative curve within a few percent */
    cr_expect(fabs(expected[38] / actual[38] - 1) < 0.03, "week 39: %g vs %g", expected[38],
              actual[38]);
    cr_expect(fabs(expected[77] / actual[77] - 1) < 0.06, "week 78: %g vs %g", expected[77],
              actual[77]);
    dg_clv_validation v;
    cr_assert_eq(dg_clv_validate(&v, s, &p, &err), 0, "%s", err.message);
    cr_expect_eq(v.total_actual, 1882);
    cr_expect(v.correlation > 0.5 && v.mae > 0 && v.rmse >= v.mae, "corr %g mae %g rmse %g",
              v.correlation, v.mae, v.rmse);
    cr_expect(fabs(v.total_predicted / v.total_actual - 1) < 0.15);
    dg_clv_summary_free(s);
    dg_clv_log_free(log);
}

Test(btyd_cdnow, clv_run_gives_finite_values_for_everyone, .timeout = 60)
{
    dg_error err = {0};
    dg_clv_summary *s = cdnow_from_log(NULL);
    dg_clv_report *r = NULL;
    dg_clv_options o = {DG_BTYD_BGNBD, 1, 52, 0.01, {0}};
    cr_assert_eq(dg_clv_run(&r, s, &o, &err), 0, "%s", err.message);
    for (size_t i = 0; i < r->summary->n; i++) {
        cr_assert(r->p_alive[i] > 0 && r->p_alive[i] <= 1);
        cr_assert(isfinite(r->expected_purchases[i]) && r->expected_purchases[i] >= 0);
        cr_assert(isfinite(r->clv[i]) && r->clv[i] >= 0);
        cr_assert(r->expected_spend[i] > 0);
    }
    dg_clv_report_free(r);
}

/* MBG/NBD on the summary CSV and BG/BB on the weekly discrete summary of the log reach the
 * optimum that scipy.optimize finds from likelihoods written independently in Python. */
Test(btyd_cdnow, mbgnbd_and_bgbb_match_an_independent_scipy_fit, .timeout = 120)
{
    dg_error err = {0};
    dg_btyd_fit fit;
    FILE *p = popen("/usr/bin/python3 tests/helpers/btyd_reference.py fits " DATA, "r");
    cr_assert_not_null(p);
    char line[512], model[16];
    double ref[2][6];
    int seen[2] = {0, 0};
    while (fgets(line, sizeof line, p)) {
        double v[6];
        if (sscanf(line, "fit %15s %lf %lf %lf %lf %lf %lf", model, &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5]) != 7)
            continue;
        int k = strcmp(model, "mbgnbd") == 0 ? 0 : strcmp(model, "bgbb") == 0 ? 1 : -1;
        cr_assert_geq(k, 0, "unexpected line %s", line);
        memcpy(ref[k], v, sizeof v);
        seen[k] = 1;
    }
    cr_assert_eq(pclose(p), 0, "the reference helper failed");
    cr_assert(seen[0] && seen[1], "the helper printed no fit");

    dg_clv_summary *s = NULL;
    char **ids = NULL;
    cr_assert_eq(dg_clv_summary_read(&s, &ids, DATA "cdnow_customers_summary.csv", &err), 0,
                 "%s", err.message);
    dg_btyd_data d = dg_clv_summary_data(s);
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_MBGNBD, NULL, &fit, &err), 0, "%s", err.message);
    cr_expect_eq((double)fit.n_customers, ref[0][5]);
    expect_params(&fit, ref[0], ref[0][4]);
    dg_clv_ids_free(ids, s->n);
    dg_clv_summary_free(s);

    dg_clv_log *log = NULL;
    cr_assert_eq(dg_clv_log_read(&log, DATA "CDNOW_sample.txt", &err), 0, "%s", err.message);
    dg_clv_period per = {dg_days_from_civil(1997, 9, 30), 0, 7.0, 1};
    cr_assert_eq(dg_clv_summary_build(&s, &log->tx, &per, &err), 0, "%s", err.message);
    d = dg_clv_summary_data(s);
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGBB, NULL, &fit, &err), 0, "%s", err.message);
    cr_expect_eq((double)fit.n_customers, ref[1][5]);
    expect_params(&fit, ref[1], ref[1][4]);
    dg_clv_summary_free(s);
    dg_clv_log_free(log);
}

/* A Pareto/NBD report with a discount rate carries each customer's DERT (and the rank table a
 * dert column); other models and a zero rate do not. */
Test(btyd_cdnow, paretonbd_report_has_dert, .timeout = 60)
{
    dg_error err = {0};
    dg_clv_report *r = NULL;
    dg_clv_options o = {DG_BTYD_PARETONBD, 1, 52, 0.01, {0}};
    cr_assert_eq(dg_clv_run(&r, cdnow_from_log(NULL), &o, &err), 0, "%s", err.message);
    cr_assert_not_null(r->dert);
    /* one assertion for all customers: thousands of them would flood Criterion's runner */
    size_t bad = 0, first_bad = 0;
    for (size_t i = 0; i < r->summary->n; i++) {
        double want = NAN;
        bool ok = dg_btyd_dert(&r->fit.params, r->summary->frequency[i], r->summary->recency[i],
                               r->summary->T[i], log1p(0.01), &want) == 0 &&
                  r->dert[i] == want &&
                  /* discounted forever at 1% a week: more than next year's purchases */
                  isfinite(r->dert[i]) && r->dert[i] > 0.5 * r->expected_purchases[i];
        if (!ok && bad++ == 0)
            first_bad = i;
    }
    cr_assert_eq(bad, 0, "%zu customers' DERT is wrong, the first is customer %zu (%g)", bad,
                 first_bad, r->dert[first_bad]);
    static char id[] = "c";
    char **names = calloc(r->summary->n, sizeof *names);
    for (size_t i = 0; i < r->summary->n; i++)
        names[i] = id;
    dg_table *t = NULL;
    cr_assert_eq(dg_clv_rank_table(&t, r, names, 5, &err), 0, "%s", err.message);
    cr_expect_eq(dg_table_columns(t), 10);
    dg_table_free(t);
    dg_clv_report_free(r);
    o.discount_rate = 0;
    cr_assert_eq(dg_clv_run(&r, cdnow_from_log(NULL), &o, &err), 0, "%s", err.message);
    cr_expect_null(r->dert);
    dg_clv_report_free(r);
    o.model = DG_BTYD_BGNBD;
    o.discount_rate = 0.01;
    cr_assert_eq(dg_clv_run(&r, cdnow_from_log(NULL), &o, &err), 0, "%s", err.message);
    cr_expect_null(r->dert);
    dg_clv_report_free(r);
    free(names);
}

/* The donations data of Fader, Hardie & Shang (2010) as the common Python CLV library ships it:
 * 22 (frequency, recency, periods) patterns with a `weights` column counting the donors. Fitted
 * weighted, BG/BB gives the published estimates (FHS 2010, table 2: alpha 1.204, beta 0.750,
 * gamma 0.657, delta 2.783, LL -33,225.6), and the same as the 11,104 donors one row each. */
Test(btyd_cdnow, donations_weighted_summary_gives_the_published_bgbb_fit)
{
    static const double published[4] = {1.204, 0.750, 0.657, 2.783};
    dg_error err = {0};
    dg_clv_summary *s = NULL;
    char **ids = NULL;
    dg_btyd_fit fit, expanded_fit;
    cr_assert_eq(dg_clv_summary_read(&s, &ids, DATA "donations.csv", &err), 0, "%s",
                 err.message);
    cr_assert_eq(s->n, 22);
    cr_assert_not_null(s->weight);
    dg_btyd_data d = dg_clv_summary_data(s);
    cr_assert_eq(dg_btyd_fit_data(&d, DG_BTYD_BGBB, NULL, &fit, &err), 0, "%s", err.message);
    cr_expect_eq(fit.n_customers, 11104);
    expect_params(&fit, published, -33225.6);

    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += (size_t)s->weight[i];
    double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), *T = malloc(n * sizeof *T);
    cr_assert(x && t && T);
    for (size_t i = 0, k = 0; i < s->n; i++)
        for (double w = 0; w < s->weight[i]; w += 1, k++) {
            x[k] = s->frequency[i];
            t[k] = s->recency[i];
            T[k] = s->T[i];
        }
    dg_btyd_data expanded = {n, x, t, T, NULL, NULL};
    cr_assert_eq(dg_btyd_fit_data(&expanded, DG_BTYD_BGBB, NULL, &expanded_fit, &err), 0, "%s",
                 err.message);
    for (int j = 0; j < 4; j++)
        cr_expect(fabs(expanded_fit.params.p[j] - fit.params.p[j]) < 1e-4 * fit.params.p[j],
                  "parameter %d: expanded %.6f, weighted %.6f", j, expanded_fit.params.p[j],
                  fit.params.p[j]);
    cr_expect(fabs(expanded_fit.loglik - fit.loglik) < 1e-6 * fabs(fit.loglik));
    free(x);
    free(t);
    free(T);
    dg_clv_ids_free(ids, s->n);
    dg_clv_summary_free(s);
}

/* A summary column the reader does not use is refused with its position, as the importer does
 * (a `weights` column used to be dropped silently); a negative weight names file:line:col. */
Test(btyd_cdnow, summary_refuses_unknown_columns_and_bad_weights)
{
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"frequency,recency,T,weigths\n1,2,3,4\n",
         "summary.csv:1:4: unknown column \"weigths\"; valid: id"},
        {"frequency,recency,periods,T\n1,2,3,3\n",
         "summary.csv:1:4: column \"T\" repeats column 3 (\"periods\")"},
        {"frequency,recency,n_periods,weights\n1,2,6,-4\n",
         "summary.csv:2:4: weights \"-4\" must be a finite number >= 0"},
    };
    char dir[] = "/tmp/dangol-summary-XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(cases[i].text, f);
        cr_assert_eq(fclose(f), 0);
        dg_error err = {0};
        dg_clv_summary *s = NULL;
        char **ids = NULL;
        cr_expect_eq(dg_clv_summary_read(&s, &ids, path, &err), DG_EPARSE);
        const char *msg = strstr(err.message, "summary.csv:");
        cr_expect(msg && strncmp(msg, cases[i].message, strlen(cases[i].message)) == 0,
                  "case %zu: %s", i, err.message);
    }
    remove(path);
    rmdir(dir);
}
