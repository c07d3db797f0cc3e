/* The lifetime-value reports (include/dangol/report.h): one view of a fitted CLV report (the
 * ranking or a histogram, as /api/clv shows them), and the tables of `dangol clv fit`,
 * `validate` and `track` on a customer summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/report.h"

int dg_report_clv(dg_report *out, const dg_frame *frame, const dg_clv_report *fit,
                  dg_clv_view view, size_t top, dg_error *err)
{
    dg_table *t = NULL;
    int rc = view == DG_CLV_VIEW_TOP
                 ? dg_clv_rank_table(&t, fit, frame->customer_id, top, err)
                 : dg_clv_histogram_table(&t, fit,
                                          view == DG_CLV_VIEW_VALUE ? DG_CLV_HIST_VALUE
                                                                    : DG_CLV_HIST_P_ALIVE,
                                          err);
    return rc == 0 ? dg_report_add(out, t, err) : rc;
}

/* Adds columns names[i] of types[i] (and decimals[i]) to t; DG_ENOMEM if one fails. */
static int add_columns(dg_table *t, size_t n, const char *const *names, const dg_cell_type *types,
                       const int *decimals)
{
    for (size_t i = 0; i < n; i++)
        if (dg_table_add_column(t, names[i], types[i], decimals[i]) != 0)
            return DG_ENOMEM;
    return 0;
}

/* One row per parameter of one model, each with the fit's log-likelihood, customers,
 * convergence and evaluations, so csv and json readers get them as fields. DG_ENOMEM if a row
 * cannot be added. */
static int add_fit_rows(dg_table *t, const char *model, const char *const *names, int k,
                        const double *estimate, const double *se, int se_ok, double loglik,
                        size_t n_customers, int converged, int n_evaluations)
{
    for (int i = 0; i < k; i++) {
        if (dg_table_add_row(t) != 0 || dg_table_set_text(t, 0, model) != 0 ||
            dg_table_set_text(t, 1, names[i]) != 0)
            return DG_ENOMEM;
        dg_table_set_real(t, 2, estimate[i]);
        if (se_ok && isfinite(se[i]))   /* NAN: a parameter of a mixing pair at its limit */
            dg_table_set_real(t, 3, se[i]);
        dg_table_set_real(t, 4, loglik);
        dg_table_set_int(t, 5, (int64_t)n_customers);
        dg_table_set_int(t, 6, converged);
        dg_table_set_int(t, 7, n_evaluations);
    }
    return dg_table_failed(t);
}

/* For each mixing distribution of model at its limit (dg_fit_limit): a row with the common
 * rate or probability the limiting model has (e.g. "lambda = r/alpha"), the fit's other
 * columns as its parameters' rows, and a note saying what the limit means. */
static int add_limit_rows(dg_table *t, const char *model, const char *const *names,
                          const dg_fit_limit *limits, int n_limits, double loglik,
                          size_t n_customers, int n_evaluations)
{
    for (int k = 0; k < n_limits; k++) {
        const dg_fit_limit *l = &limits[k];
        double se = NAN;
        char note[400];
        if (add_fit_rows(t, model, &l->name, 1, &l->value, &se, 1, loglik, n_customers, 1,
                         n_evaluations) != 0)
            return DG_ENOMEM;
        snprintf(note, sizeof note, "%s: %s and %s grew together along a flat ridge of the "
                 "likelihood (both past 1,000, towards the bound 1e8): the customers show no "
                 "spread the data can see, and the fit is the limiting model with %s = %.6g for "
                 "everyone; those two parameters' standard errors are not meaningful (docs/clv.md, "
                 "\"Fits at a limit\")", model, names[l->first], names[l->second], l->name,
                 l->value);
        if (dg_table_add_coded_note(t, "at_limit", note) ||
            dg_table_note_param(t, "value", l->value))
            return DG_ENOMEM;
    }
    return 0;
}

/* The note on the customers Gamma-Gamma left out, when there are any. */
static int add_spend_note(dg_table *t, const dg_gg_fit *gg)
{
    char note[320];
    if (gg->n_not_positive == 0)
        return 0;
    snprintf(note, sizeof note, "Gamma-Gamma fitted %zu customers and left out %zu without a "
             "repeat purchase and %zu whose mean repeat purchase value is 0 or negative "
             "(refunds; the model needs positive values)", gg->n_customers, gg->n_no_repeat,
             gg->n_not_positive);
    return dg_table_add_coded_note(t, "gg_left_out", note) ||
           dg_table_note_param(t, "fitted", (double)gg->n_customers) ||
           dg_table_note_param(t, "no_repeat", (double)gg->n_no_repeat) ||
           dg_table_note_param(t, "not_positive", (double)gg->n_not_positive) ? DG_ENOMEM : 0;
}

int dg_report_clv_fit(dg_report *out, const dg_clv_summary *s, dg_btyd_model model, bool spend,
                      const dg_fit_options *fit_opt, dg_error *err)
{
    static const char *const columns[] = {"model", "parameter", "estimate", "std_error",
                                          "log_likelihood", "n_customers", "converged",
                                          "n_evaluations"};
    static const dg_cell_type types[] = {DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_REAL, DG_CELL_REAL,
                                         DG_CELL_REAL, DG_CELL_INT, DG_CELL_INT, DG_CELL_INT};
    static const int decimals[] = {0, 0, 4, 4, 2, 0, 0, 0};
    static const char *const gg_names[3] = {"p", "q", "gamma"};
    dg_btyd_fit fit;
    dg_gg_fit gg = {0};
    dg_btyd_data d = dg_clv_summary_data(s);
    dg_gg_data g = {s->n, s->frequency, s->monetary, s->weight, (const char *const *)s->id};
    int rc;
    if ((rc = dg_btyd_fit_data(&d, model, fit_opt, &fit, err)) != 0 ||
        (spend && (rc = dg_gg_fit_data(&g, fit_opt, &gg, err)) != 0))
        return rc;
    char title[256];
    snprintf(title, sizeof title, "clv fit: %s %s%s%s%s%s", dg_btyd_model_name(model),
             fit.converged ? "converged" : "NOT converged", fit.n_limits ? " (at its limit)" : "",
             spend ? "; gammagamma " : "", !spend ? "" : gg.converged ? "converged" : "NOT converged",
             spend && gg.n_limits ? " (at its limit)" : "");
    dg_table *t = dg_table_new(title);
    const double gv[3] = {gg.params.p, gg.params.q, gg.params.gamma};
    if (!t || add_columns(t, sizeof columns / sizeof columns[0], columns, types, decimals) != 0 ||
        add_fit_rows(t, dg_btyd_model_name(model), dg_btyd_param_names(model), 4,
                     fit.params.p, fit.se, fit.se_ok, fit.loglik, fit.n_customers, fit.converged,
                     fit.n_evaluations) != 0 ||
        add_limit_rows(t, dg_btyd_model_name(model), dg_btyd_param_names(model), fit.limits,
                       fit.n_limits, fit.loglik, fit.n_customers, fit.n_evaluations) != 0 ||
        (spend && (add_fit_rows(t, "gammagamma", gg_names, 3, gv, gg.se, gg.se_ok, gg.loglik,
                                gg.n_customers, gg.converged, gg.n_evaluations) != 0 ||
                   add_limit_rows(t, "gammagamma", gg_names, gg.limits, gg.n_limits, gg.loglik,
                                  gg.n_customers, gg.n_evaluations) != 0 ||
                   add_spend_note(t, &gg) != 0))) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    return dg_report_add(out, t, err);
}

int dg_report_clv_validate(dg_report *out, const dg_clv_summary *summary, dg_btyd_model model,
                           dg_error *err)
{
    static const char *const columns[] = {"metric", "value"};
    static const dg_cell_type types[] = {DG_CELL_TEXT, DG_CELL_REAL};
    static const int decimals[] = {0, 4};
    dg_btyd_fit fit;
    dg_clv_validation v;
    int rc;
    dg_btyd_data d = dg_clv_summary_data(summary);
    if (!(summary->holdout_length > 0))
        return dg_error_set(err, DG_EINVAL, "no holdout period: the transactions end on or "
                            "before --calibration-end; give an earlier --calibration-end");
    if ((rc = dg_btyd_fit_data(&d, model, NULL, &fit, err)) != 0 ||
        (rc = dg_clv_validate(&v, summary, &fit.params, err)) != 0)
        return rc;
    const char *names[] = {"customers", "holdout_length", "total_actual", "total_predicted",
                           "mae", "rmse", "correlation", "log_likelihood"};
    double vals[] = {(double)v.n, v.holdout_length, v.total_actual, v.total_predicted,
                     v.mae, v.rmse, v.correlation, fit.loglik};
    /* as `clv fit` and `predict` show them: counts whole, times and the log-likelihood with 2
     * decimals, expected counts and errors with 4 */
    static const int shown[] = {0, 2, 0, 4, 4, 4, 4, 2};
    dg_table *t = dg_table_new("clv validate");
    rc = !t || add_columns(t, 2, columns, types, decimals) != 0;
    for (size_t i = 0; !rc && i < sizeof vals / sizeof vals[0]; i++) {
        rc = dg_table_add_row(t) != 0 || dg_table_set_text(t, 0, names[i]) != 0;
        if (!rc) {
            dg_table_set_real(t, 1, vals[i]);
            dg_table_set_decimals(t, 1, shown[i]);
        }
    }
    if (rc) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    return dg_report_add(out, t, err);
}

int dg_report_clv_track(dg_report *out, const dg_clv_summary *summary,
                        const dg_clv_transactions *tx, dg_btyd_model model, int period_days,
                        double days_per_unit, dg_error *err)
{
    static const char *const columns[] = {"period", "period_end", "actual_cumulative",
                                          "expected_cumulative"};
    static const dg_cell_type types[] = {DG_CELL_INT, DG_CELL_DATE, DG_CELL_INT, DG_CELL_REAL};
    static const int decimals[] = {0, 0, 0, 4};   /* an expected count, as in validate */
    dg_btyd_fit fit;
    dg_table *t = NULL;
    double *act = NULL, *expected = NULL;
    int rc;
    dg_btyd_data d = dg_clv_summary_data(summary);
    if ((rc = dg_btyd_fit_data(&d, model, NULL, &fit, err)) != 0)
        return rc;
    int32_t first = INT32_MAX, last = INT32_MIN;
    for (size_t i = 0; i < tx->n; i++) {
        first = tx->day[i] < first ? tx->day[i] : first;
        last = tx->day[i] > last ? tx->day[i] : last;
    }
    size_t n_periods = (size_t)((last - first) / period_days + 1);
    act = malloc(n_periods * sizeof *act);
    expected = malloc(n_periods * sizeof *expected);
    if (!act || !expected) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = dg_clv_tracking(tx, &fit.params, first, period_days, n_periods, days_per_unit,
                              act, expected, err)) != 0)
        goto cleanup;
    t = dg_table_new("clv track");
    rc = !t || add_columns(t, 4, columns, types, decimals) != 0;
    for (size_t p = 0; !rc && p < n_periods; p++) {
        if ((rc = dg_table_add_row(t) != 0))
            break;
        dg_table_set_int(t, 0, (int64_t)p + 1);
        dg_table_set_int(t, 1, first + (int32_t)((p + 1) * (size_t)period_days) - 1);
        dg_table_set_int(t, 2, (int64_t)act[p]);
        dg_table_set_real(t, 3, expected[p]);
    }
    if (rc) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
        goto cleanup;
    }
    rc = dg_report_add(out, t, err);
    t = NULL;
cleanup:
    dg_table_free(t);
    free(act);
    free(expected);
    return rc;
}
