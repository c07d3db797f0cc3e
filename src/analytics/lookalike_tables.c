/* The tables of a lookalike model (include/dangol/lookalike.h): its summary, the lift curve of
 * the held-out buyers, the attribute coefficients and the scored prospects. Each carries the
 * model's notes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/lookalike.h"

/* Finishes t; m's notes go on it when m is not NULL. */
static int finish(dg_table **out, dg_table *t, const dg_lookalike *m, int rc, dg_error *err)
{
    for (size_t i = 0; rc == 0 && m && i < dg_table_notes(m->notes); i++)
        rc = dg_table_add_note(t, dg_table_note(m->notes, i));
    if (rc == 0 && t)
        rc = dg_table_failed(t);
    if (rc != 0 || !t) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory for the lookalike table");
    }
    *out = t;
    return 0;
}

int dg_lookalike_summary_table(dg_table **out, const dg_lookalike *m, dg_error *err)
{
    static const char *const names[] = { "item", "value" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT };
    static const int decimals[] = { 0, 0 };
    dg_table *t = dg_table_new("Lookalike model");
    int rc = dg_table_add_columns(t, names, types, decimals, 2);
    const dg_churn_metrics *v = &m->validation;
    char value[64];
    struct {
        const char *item;
        double x;
        int decimals;
    } rows[] = {
        { "buyers learned from", (double)m->n_learn, 0 },
        { "best customers", (double)m->n_best, 0 },
        { "attribute values", (double)m->n_attributes, 0 },
        { "held-out buyers", (double)v->n, 0 },
        { "held-out best customers", (double)v->positives, 0 },
        { "held-out AUC", v->auc, 4 },
        { "held-out top-decile lift", v->lift_top_decile, 3 },
        { "prospects scored", (double)m->n_scored, 0 },
    };
    for (size_t i = 0; rc == 0 && i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(value, sizeof value, "%.*f", rows[i].decimals, rows[i].x);
        if ((rc = dg_table_add_row(t)) == 0 && (rc = dg_table_set_text(t, 0, rows[i].item)) == 0)
            rc = dg_table_set_text(t, 1, value);
    }
    return finish(out, t, m, rc, err);
}

int dg_lookalike_lift_table(dg_table **out, const dg_lookalike *m, dg_error *err)
{
    static const char *const names[] = { "decile", "customers", "best", "best_rate", "lift",
                                         "cumulative_best_share", "cumulative_lift" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_INT, DG_CELL_INT, DG_CELL_PERCENT,
                                          DG_CELL_REAL, DG_CELL_PERCENT, DG_CELL_REAL };
    static const int decimals[] = { 0, 0, 0, 1, 2, 1, 2 };
    dg_table *t = dg_table_new("Lift of the held-out buyers (decile 10 = the most alike tenth)");
    int rc = dg_table_add_columns(t, names, types, decimals, 7);
    const dg_churn_metrics *v = &m->validation;
    size_t seen = 0;
    double found = 0.0;
    for (int d = DG_CHURN_DECILES - 1; rc == 0 && d >= 0; d--) {
        double best = v->calib_observed[d] * (double)v->calib_n[d];
        seen += v->calib_n[d];
        found += best;
        if ((rc = dg_table_add_row(t)) != 0)
            break;
        dg_table_set_int(t, 0, d + 1);
        dg_table_set_int(t, 1, (int64_t)v->calib_n[d]);
        dg_table_set_int(t, 2, (int64_t)llround(best));
        dg_table_set_percent(t, 3, v->calib_observed[d]);
        dg_table_set_real(t, 4, v->base_rate > 0 ? v->calib_observed[d] / v->base_rate : 0.0);
        double share = v->positives ? found / (double)v->positives : 0.0;
        dg_table_set_percent(t, 5, share);
        dg_table_set_real(t, 6, seen ? share / ((double)seen / (double)v->n) : 0.0);
    }
    return finish(out, t, NULL, rc, err);
}

typedef struct coef_ctx {
    const double *w;
} coef_ctx;

static int by_magnitude(const void *x, const void *y, void *ctx)
{
    const double *w = ((const coef_ctx *)ctx)->w;
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    double a = fabs(w[i]), b = fabs(w[j]);
    if (a != b)
        return a > b ? -1 : 1;
    return (i > j) - (i < j);
}

int dg_lookalike_attribute_table(dg_table **out, const dg_lookalike *m, dg_error *err)
{
    static const char *const names[] = { "attribute", "value", "coefficient", "odds_ratio" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_REAL, DG_CELL_REAL };
    static const int decimals[] = { 0, 0, 3, 2 };
    dg_table *t = dg_table_new("What the best customers look like (log odds of best per value)");
    int rc = dg_table_add_columns(t, names, types, decimals, 4);
    size_t *order = malloc((m->n_attributes ? m->n_attributes : 1) * sizeof *order);
    if (!order)
        rc = DG_ENOMEM;
    for (size_t j = 0; rc == 0 && j < m->n_attributes; j++)
        order[j] = j;
    coef_ctx ctx = { m->coefficient };
    if (rc == 0)
        qsort_r(order, m->n_attributes, sizeof *order, by_magnitude, &ctx);
    for (size_t r = 0; rc == 0 && r < m->n_attributes; r++) {
        size_t j = order[r];
        const char *name = m->attributes[j], *eq = strchr(name, '=');
        char attr[64];
        snprintf(attr, sizeof attr, "%.*s", eq ? (int)(eq - name) : (int)strlen(name), name);
        if ((rc = dg_table_add_row(t)) == 0 && (rc = dg_table_set_text(t, 0, attr)) == 0)
            rc = dg_table_set_text(t, 1, eq ? eq + 1 : "");
        dg_table_set_real(t, 2, m->coefficient[j]);
        dg_table_set_real(t, 3, exp(m->coefficient[j]));
    }
    free(order);
    return finish(out, t, NULL, rc, err);
}

int dg_lookalike_score_table(dg_table **out, const dg_lookalike *m, const dg_frame *f,
                             size_t top, dg_error *err)
{
    static const char *const names[] = { "customer_id", "score", "decile", "region", "age_band",
                                         "gender", "income_band", "acquisition_channel",
                                         "customer_type" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_REAL, DG_CELL_INT, DG_CELL_TEXT,
                                          DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_TEXT,
                                          DG_CELL_TEXT };
    static const int decimals[] = { 0, 4, 0, 0, 0, 0, 0, 0, 0 };
    dg_table *t = dg_table_new("Prospects by likeness to the best customers");
    int rc = dg_table_add_columns(t, names, types, decimals, 9);
    int year, month, day;
    dg_civil_from_days(f->as_of, &year, &month, &day);
    size_t n = top && top < m->n_scored ? top : m->n_scored;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        uint32_t c = m->customer[i];
        if ((rc = dg_table_add_row(t)) != 0)
            break;
        rc = dg_table_set_text(t, 0, f->customer_id[c]);
        dg_table_set_real(t, 1, m->score[i]);
        dg_table_set_int(t, 2, m->decile[i]);
        const char *text[6] = { dg_dict_value(&f->regions, f->region[c]),
                                dg_lookalike_age_band(f->birth_year[c], year),
                                dg_dict_value(&f->genders, f->gender[c]),
                                dg_dict_value(&f->income_bands, f->income_band[c]),
                                dg_dict_value(&f->channels, f->acquisition_channel[c]),
                                dg_dict_value(&f->customer_types, f->customer_type[c]) };
        for (size_t k = 0; rc == 0 && k < 6; k++)
            if (*text[k])
                rc = dg_table_set_text(t, 3 + k, text[k]);
    }
    if (rc == 0 && m->n_scored == 0)
        rc = dg_table_add_note(t, "no prospect to score: every customer has an order");
    return finish(out, t, m, rc, err);
}
