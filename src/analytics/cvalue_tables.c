/* The customer value tables (include/dangol/cvalue.h): the survey's items, the scores per
 * response, the reliability of each component, the drivers regression, and the
 * importance-performance grid (Martilla & James 1977, "Importance-performance analysis",
 * Journal of Marketing 41(1): 77-79) overall or per group. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/cvalue.h"

static dg_table *new_table(const char *title, const char *const *names, const dg_cell_type *types,
                           const int *decimals, size_t n)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; t && i < n; i++)
        dg_table_add_column(t, names[i], types[i], decimals ? decimals[i] : 0);
    return t;
}

static int finish(dg_table **out, dg_table *t, dg_error *err)
{
    if (!t || dg_table_failed(t)) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    *out = t;
    return 0;
}

int dg_cvalue_items_table(dg_table **out, const dg_cvalue_survey *s, dg_error *err)
{
    static const char *const names[] = { "item", "component", "scale_min", "scale_max",
                                         "reverse", "text_en", "text_ko" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_TEXT };
    dg_table *t = new_table("Value survey items", names, types, NULL, 7);
    for (size_t i = 0; t && i < s->n_items; i++) {
        const dg_cvalue_item *it = &s->items[i];
        dg_table_add_row(t);
        dg_table_set_text(t, 0, it->code);
        dg_table_set_text(t, 1, dg_cvalue_component_code(it->component));
        dg_table_set_int(t, 2, it->min);
        dg_table_set_int(t, 3, it->max);
        dg_table_set_text(t, 4, it->reverse ? "yes" : "no");
        dg_table_set_text(t, 5, it->text_en);
        dg_table_set_text(t, 6, it->text_ko);
    }
    if (t && s->outcome[0]) {
        char note[128];
        snprintf(note, sizeof note, "default outcome of the drivers: %s", s->outcome);
        dg_table_add_note(t, note);
    }
    return finish(out, t, err);
}

int dg_cvalue_scores_table(dg_table **out, const dg_cvalue_answers *a, const double *score,
                           const bool *has, const double *value, const bool *value_ok,
                           dg_error *err)
{
    const char *names[DG_CVALUE_COMPONENTS + 4] = { "response_id", "customer_id", "answered_on" };
    dg_cell_type types[DG_CVALUE_COMPONENTS + 4] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_DATE };
    int decimals[DG_CVALUE_COMPONENTS + 4] = { 0 };
    for (size_t k = 0; k <= DG_CVALUE_COMPONENTS; k++) {
        names[3 + k] = k < DG_CVALUE_COMPONENTS ? dg_cvalue_component_code(k) : "value";
        types[3 + k] = DG_CELL_REAL;
        decimals[3 + k] = 2;
    }
    dg_table *t = new_table("Customer value per response", names, types, decimals,
                            DG_CVALUE_COMPONENTS + 4);
    for (size_t r = 0; t && r < a->n; r++) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, a->response_id[r]);
        dg_table_set_text(t, 1, a->customer_id[r]);
        dg_table_set_int(t, 2, a->day[r]);
        for (size_t k = 0; k < DG_CVALUE_COMPONENTS; k++)
            if (has[r * DG_CVALUE_COMPONENTS + k])
                dg_table_set_real(t, 3 + k, score[r * DG_CVALUE_COMPONENTS + k]);
        if (value_ok[r])
            dg_table_set_real(t, 3 + DG_CVALUE_COMPONENTS, value[r]);
    }
    if (t)
        dg_table_add_note(t, "value = weighted mean of the benefits - weighted mean of the costs; "
                             "empty where a component was not answered");
    return finish(out, t, err);
}

int dg_cvalue_reliability_table(dg_table **out, const dg_cvalue_survey *s,
                                const dg_cvalue_answers *a, const double *score, const bool *has,
                                dg_error *err)
{
    static const char *const names[] = { "component", "items", "responses", "alpha", "mean",
                                         "sd", "remark" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_INT, DG_CELL_INT, DG_CELL_REAL,
                                          DG_CELL_REAL, DG_CELL_REAL, DG_CELL_TEXT };
    static const int decimals[] = { 0, 0, 0, 3, 2, 2, 0 };
    dg_cvalue_alpha al[DG_CVALUE_COMPONENTS];
    dg_cvalue_reliability(s, a, al);
    dg_table *t = new_table("Reliability of the value components (Cronbach's alpha)", names,
                            types, decimals, 7);
    size_t low = 0;
    for (size_t k = 0; t && k < DG_CVALUE_COMPONENTS; k++) {
        double mean = 0, m2 = 0;
        size_t n = 0;
        for (size_t r = 0; r < a->n; r++) {
            if (!has[r * DG_CVALUE_COMPONENTS + k])
                continue;
            double x = score[r * DG_CVALUE_COMPONENTS + k], d = x - mean;
            mean += d / (double)++n;
            m2 += d * (x - mean);
        }
        dg_table_add_row(t);
        dg_table_set_text(t, 0, dg_cvalue_component_code(k));
        dg_table_set_int(t, 1, (int64_t)al[k].items);
        dg_table_set_int(t, 2, (int64_t)al[k].n);
        if (al[k].ok)
            dg_table_set_real(t, 3, al[k].alpha);
        if (n > 0)
            dg_table_set_real(t, 4, mean);
        if (n > 1)
            dg_table_set_real(t, 5, sqrt(m2 / (double)(n - 1)));
        if (!al[k].ok)
            dg_table_set_text(t, 6, al[k].reason);
        else if (al[k].alpha < DG_CVALUE_ALPHA_WARN) {
            dg_table_set_text(t, 6, "below 0.7: the items may not measure one thing");
            low++;
        }
    }
    if (t && low) {
        char note[160];
        snprintf(note, sizeof note, "%zu component(s) with alpha below 0.7: their items may not "
                 "measure one thing; reword or drop items before trusting the score", low);
        dg_table_add_coded_note(t, "value_alpha_low", note);
        dg_table_note_param(t, "count", (double)low);
    }
    return finish(out, t, err);
}

static const char *term_name(size_t term)
{
    return term == 0 ? "(intercept)" : dg_cvalue_component_code((dg_cvalue_component)(term - 1));
}

int dg_cvalue_drivers_table(dg_table **out, const dg_cvalue_fit *fit, const char *outcome,
                            dg_error *err)
{
    static const char *const names[] = { "term", "effect", "se", "t", "p", "ci_low", "ci_high",
                                         "remark" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_REAL, DG_CELL_REAL, DG_CELL_REAL,
                                          DG_CELL_REAL, DG_CELL_REAL, DG_CELL_REAL, DG_CELL_TEXT };
    static const int decimals[] = { 0, 3, 3, 2, 4, 3, 3, 0 };
    dg_table *t = new_table("Drivers of the outcome (OLS)", names, types, decimals, 8);
    for (size_t term = 0; t && term <= fit->k; term++) {
        dg_table_add_row(t);
        dg_table_set_text(t, 0, term_name(term));
        if (fit->dropped[term]) {
            dg_table_set_text(t, 7, "constant in these responses: left out of the fit");
            continue;
        }
        dg_table_set_real(t, 1, fit->coef[term]);
        dg_table_set_real(t, 2, fit->se[term]);
        dg_table_set_real(t, 3, fit->t[term]);
        dg_table_set_real(t, 4, fit->p[term]);
        dg_table_set_real(t, 5, fit->lo[term]);
        dg_table_set_real(t, 6, fit->hi[term]);
        if (term > 0 && fit->p[term] < 0.05)
            dg_table_set_text(t, 7, "significant at 5%");
    }
    if (t) {
        char note[256];
        snprintf(note, sizeof note, "outcome %s; %zu responses, %zu residual df; R^2 = %.3f, "
                 "adjusted R^2 = %.3f; effects per scale point, 95%% intervals (Student t)",
                 outcome, fit->n, fit->df, fit->r2, fit->r2_adj);
        dg_table_add_note(t, note);
    }
    return finish(out, t, err);
}

/* One group's rows: its fit and, per component, the mean score and the quadrant. */
static void grid_rows(dg_table *t, const dg_cvalue_survey *s, const dg_cvalue_answers *a,
                      const double *score, const bool *has, const double *y, const bool *y_ok,
                      const uint32_t *group, uint32_t g, const char *label)
{
    const size_t K = DG_CVALUE_COMPONENTS;
    dg_cvalue_fit fit;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cvalue_drivers(&fit, s, a, score, has, y, y_ok, group, g, &err);
    size_t c = label ? 1 : 0;
    if (rc != 0) {
        dg_table_add_row(t);
        if (label)
            dg_table_set_text(t, 0, label);
        dg_table_set_text(t, c, "(all)");
        dg_table_set_int(t, c + 1, (int64_t)fit.n);
        dg_table_set_text(t, c + 8, rc == DG_EINVAL && fit.n < K + 1 + DG_CVALUE_MIN_DF
                                        ? "group too small for a regression" : err.message);
        return;
    }
    double mean[DG_CVALUE_COMPONENTS] = { 0 }, perf[DG_CVALUE_COMPONENTS];
    size_t count[DG_CVALUE_COMPONENTS] = { 0 };
    for (size_t r = 0; r < a->n; r++) {
        if (group && group[r] != g)
            continue;
        for (size_t k = 0; k < K; k++)
            if (has[r * K + k])
                mean[k] += (score[r * K + k] - mean[k]) / (double)++count[k];
    }
    double imp_mean = 0, perf_mean = 0;
    size_t n_imp = 0;
    for (size_t k = 0; k < K; k++) {
        /* the scale of component k (every item of it shares one) */
        const dg_cvalue_item *it = NULL;
        for (size_t i = 0; i < s->n_items && !it; i++)
            if (s->items[i].component == (dg_cvalue_component)k)
                it = &s->items[i];
        double span = it ? (double)(it->max - it->min) : 1;
        double lo = it ? (double)it->min : 0;
        /* performance on 0..1 of the scale, a cost turned around: low cost = high performance */
        perf[k] = k < DG_CVALUE_BENEFITS ? (mean[k] - lo) / span : 1.0 - (mean[k] - lo) / span;
        perf_mean += perf[k] / (double)K;
        if (!fit.dropped[k + 1]) {
            imp_mean += fabs(fit.coef[k + 1]);
            n_imp++;
        }
    }
    imp_mean = n_imp ? imp_mean / (double)n_imp : 0;
    for (size_t k = 0; k < K; k++) {
        dg_table_add_row(t);
        if (label)
            dg_table_set_text(t, 0, label);
        dg_table_set_text(t, c, dg_cvalue_component_code(k));
        dg_table_set_int(t, c + 1, (int64_t)fit.n);
        if (count[k]) {
            dg_table_set_real(t, c + 5, mean[k]);
            dg_table_set_percent(t, c + 6, perf[k]);
        }
        if (fit.dropped[k + 1]) {
            dg_table_set_text(t, c + 8, "constant in this group: no effect estimated");
            continue;
        }
        double b = fit.coef[k + 1];
        dg_table_set_real(t, c + 2, b);
        dg_table_set_real(t, c + 3, fabs(b));
        dg_table_set_real(t, c + 4, fit.p[k + 1]);
        bool hi_imp = fabs(b) >= imp_mean, hi_perf = perf[k] >= perf_mean;
        dg_table_set_text(t, c + 7, hi_imp ? (hi_perf ? "keep_up" : "concentrate")
                                           : (hi_perf ? "possible_overkill" : "low_priority"));
    }
}

int dg_cvalue_grid_table(dg_table **out, const dg_cvalue_survey *s, const dg_cvalue_answers *a,
                         const double *score, const bool *has, const double *y,
                         const bool *y_ok, const uint32_t *group, const char *const *labels,
                         size_t n_groups, const char *by, dg_error *err)
{
    static const char *const names[] = { "group", "component", "responses", "effect",
                                         "importance", "p", "mean", "performance", "quadrant",
                                         "remark" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT, DG_CELL_REAL,
                                          DG_CELL_REAL, DG_CELL_REAL, DG_CELL_REAL,
                                          DG_CELL_PERCENT, DG_CELL_TEXT, DG_CELL_TEXT };
    static const int decimals[] = { 0, 0, 0, 3, 3, 4, 2, 1, 0, 0 };
    bool grouped = group != NULL;
    dg_table *t = new_table("Importance-performance grid", grouped ? names : names + 1,
                            grouped ? types : types + 1, grouped ? decimals : decimals + 1,
                            grouped ? 10 : 9);
    if (!grouped)
        grid_rows(t, s, a, score, has, y, y_ok, NULL, 0, NULL);
    for (size_t g = 0; grouped && t && g < n_groups; g++)
        grid_rows(t, s, a, score, has, y, y_ok, group, (uint32_t)g, labels[g]);
    if (t && grouped) {
        char note[96];
        snprintf(note, sizeof note, "one regression per %s", by ? by : "group");
        dg_table_add_note(t, note);
    }
    if (t)
        dg_table_add_note(t, "importance = |effect| in the drivers regression of the group; "
                             "performance = mean score as a share of the scale, a cost turned "
                             "around (low cost = high performance); quadrants split at the "
                             "group's mean importance and mean performance: keep_up (important, performing), "
                             "concentrate (important, underperforming), possible_overkill, "
                             "low_priority");
    return finish(out, t, err);
}
