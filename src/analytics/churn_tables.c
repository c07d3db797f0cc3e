/* The churn model's tables (include/dangol/churn.h): its validation metrics beside the baseline's,
 * the calibration by deciles, the feature importance, the scores of the customers and their
 * distribution. */
#include <stdlib.h>
#include <string.h>

#include "dangol/churn.h"
#include "dangol/text.h"

static int finish(dg_table **out, dg_table *t, int rc, dg_error *err)
{
    if (rc == 0 && t)
        rc = dg_table_failed(t);
    if (rc != 0 || !t) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory for the churn table");
    }
    *out = t;
    return 0;
}

static int not_validated_note(dg_table *t, const dg_churn_model *m)
{
    return m->validated ? 0 : dg_table_add_note(t, "not validated (trained with --no-validate)");
}

int dg_churn_metrics_table(dg_table **out, const dg_churn_model *m, dg_error *err)
{
    static const char *const names[] = { "algorithm", "model", "customers", "churned",
                                         "churn_rate", "auc", "pr_auc", "lift_top_decile" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_PERCENT, DG_CELL_REAL, DG_CELL_REAL,
                                          DG_CELL_REAL };
    static const int decimals[] = { 0, 0, 0, 0, 1, 4, 4, 2 };
    dg_table *t = dg_table_new("Churn model validation (out of time)");
    int rc = dg_table_add_columns(t, names, types, decimals, 8);
    for (int a = 0; rc == 0 && m->validated && a < DG_CHURN_N_ALGORITHMS; a++) {
        const dg_churn_metrics *v = &m->validation[a];
        if ((rc = dg_table_add_row(t)) != 0 ||
            (rc = dg_table_set_text(t, 0, dg_churn_algorithm_name((dg_churn_algorithm)a))) != 0 ||
            (rc = dg_table_set_text(t, 1, (dg_churn_algorithm)a == m->params.algorithm
                                                ? "kept" : "baseline")) != 0)
            break;
        dg_table_set_int(t, 2, (int64_t)v->n);
        dg_table_set_int(t, 3, (int64_t)v->positives);
        dg_table_set_real(t, 4, v->base_rate);
        dg_table_set_real(t, 5, v->auc);
        dg_table_set_real(t, 6, v->pr_auc);
        dg_table_set_real(t, 7, v->lift_top_decile);
    }
    if (rc == 0 && t)
        rc = not_validated_note(t, m);
    if (rc == 0 && t && m->validated) {
        char a[16], b[16], text[200];
        dg_date_format(m->validation_day - m->horizon_days, a);
        dg_date_format(m->validation_day, b);
        snprintf(text, sizeof text, "fitted on the features of %s with the labels of the next "
                 "%d days, scored on the customers of %s", a, (int)m->horizon_days, b);
        rc = dg_table_add_note(t, text);
    }
    return finish(out, t, rc, err);
}

int dg_churn_calibration_table(dg_table **out, const dg_churn_model *m, dg_error *err)
{
    static const char *const names[] = { "decile", "customers", "mean_predicted",
                                         "observed_churn" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_INT, DG_CELL_PERCENT,
                                          DG_CELL_PERCENT };
    static const int decimals[] = { 0, 0, 1, 1 };
    dg_table *t = dg_table_new("Churn model calibration (deciles of the score, validation)");
    int rc = dg_table_add_columns(t, names, types, decimals, 4);
    const dg_churn_metrics *v = &m->validation[m->params.algorithm];
    for (int d = 0; rc == 0 && m->validated && d < DG_CHURN_DECILES; d++) {
        if ((rc = dg_table_add_row(t)) != 0)
            break;
        dg_table_set_int(t, 0, d + 1);
        dg_table_set_int(t, 1, (int64_t)v->calib_n[d]);
        dg_table_set_real(t, 2, v->calib_predicted[d]);
        dg_table_set_real(t, 3, v->calib_observed[d]);
    }
    if (rc == 0 && t)
        rc = not_validated_note(t, m);
    return finish(out, t, rc, err);
}

typedef struct imp_ctx {
    const double *importance;
} imp_ctx;

static int by_importance(const void *a, const void *b, void *ctx)
{
    const double *v = ((const imp_ctx *)ctx)->importance;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    return v[i] > v[j] ? -1 : v[i] < v[j] ? 1 : (i > j) - (i < j);
}

int dg_churn_importance_table(dg_table **out, const dg_churn_model *m, dg_error *err)
{
    static const char *const names[] = { "feature", "importance", "share" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_REAL, DG_CELL_PERCENT };
    static const int decimals[] = { 0, 3, 1 };
    dg_table *t = dg_table_new(m->params.algorithm == DG_CHURN_XGBOOST
                                   ? "Feature importance (total gain)"
                                   : "Feature importance (|coefficient| on standardised features)");
    size_t *order = malloc((m->n_features ? m->n_features : 1) * sizeof *order);
    int rc = dg_table_add_columns(t, names, types, decimals, 3);
    if (!order)
        rc = DG_ENOMEM;
    double total = 0.0;
    for (size_t j = 0; rc == 0 && j < m->n_features; j++) {
        order[j] = j;
        total += m->importance[j];
    }
    if (rc == 0) {
        imp_ctx ctx = { m->importance };
        qsort_r(order, m->n_features, sizeof *order, by_importance, &ctx);
    }
    for (size_t k = 0; rc == 0 && k < m->n_features; k++) {
        size_t j = order[k];
        if ((rc = dg_table_add_row(t)) != 0 || (rc = dg_table_set_text(t, 0, m->features[j])) != 0)
            break;
        dg_table_set_real(t, 1, m->importance[j]);
        dg_table_set_real(t, 2, total > 0.0 ? m->importance[j] / total : 0.0);
    }
    free(order);
    return finish(out, t, rc, err);
}

typedef struct score_ctx {
    const double *p;
} score_ctx;

static int by_risk(const void *a, const void *b, void *ctx)
{
    const double *v = ((const score_ctx *)ctx)->p;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    return v[i] > v[j] ? -1 : v[i] < v[j] ? 1 : (i > j) - (i < j);
}

int dg_churn_score_table(dg_table **out, const dg_frame *frame, const dg_features *f,
                         const double *prob, size_t top, dg_error *err)
{
    static const char *const names[] = { "customer_id", "churn_probability", "risk_decile",
                                         "recency_days", "frequency", "monetary" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_REAL, DG_CELL_INT, DG_CELL_REAL,
                                          DG_CELL_REAL, DG_CELL_REAL };
    static const int decimals[] = { 0, 4, 0, 0, 0, 2 };
    dg_table *t = dg_table_new("Churn risk");
    size_t n = f->n_rows;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    double *row = malloc((f->n_features ? f->n_features : 1) * sizeof *row);
    int rc = dg_table_add_columns(t, names, types, decimals, 6);
    if (!order || !row)
        rc = DG_ENOMEM;
    int cols[3] = { dg_features_find(f, "recency_days"), dg_features_find(f, "frequency"),
                    dg_features_find(f, "monetary") };
    for (size_t r = 0; rc == 0 && r < n; r++)
        order[r] = r;
    if (rc == 0) {
        score_ctx ctx = { prob };
        qsort_r(order, n, sizeof *order, by_risk, &ctx);
    }
    size_t shown = top && top < n ? top : n;
    for (size_t k = 0; rc == 0 && k < shown; k++) {
        size_t r = order[k];
        if ((rc = dg_table_add_row(t)) != 0 ||
            (rc = dg_table_set_text(t, 0, frame->customer_id[f->customer[r]])) != 0 ||
            (rc = dg_features_rows(f, r, r + 1, row)) != 0)   /* a table of rows on demand */
            break;
        dg_table_set_real(t, 1, prob[r]);
        dg_table_set_int(t, 2, DG_CHURN_DECILES - (int64_t)(k * DG_CHURN_DECILES / n));
        for (int c = 0; c < 3; c++)
            dg_table_set_real(t, 3 + (size_t)c, cols[c] >= 0 ? row[cols[c]] : 0);
    }
    free(order);
    free(row);
    if (rc == 0 && t)
        rc = dg_features_copy_notes(f, t);
    return finish(out, t, rc, err);
}

int dg_churn_distribution_table(dg_table **out, const dg_features *f, const double *prob,
                                dg_error *err)
{
    static const char *const names[] = { "from", "to", "customers", "share", "revenue_share" };
    static const dg_cell_type types[] = { DG_CELL_PERCENT, DG_CELL_PERCENT, DG_CELL_INT,
                                          DG_CELL_PERCENT, DG_CELL_PERCENT };
    static const int decimals[] = { 0, 0, 0, 1, 1 };
    size_t count[DG_CHURN_BANDS] = { 0 };
    double revenue[DG_CHURN_BANDS] = { 0 }, total = 0;
    for (size_t r = 0; r < f->n_rows; r++) {
        int b = (int)(prob[r] * DG_CHURN_BANDS);
        b = b < 0 ? 0 : b >= DG_CHURN_BANDS ? DG_CHURN_BANDS - 1 : b;
        count[b]++;
        revenue[b] += (double)f->revenue_minor[r];
        total += (double)f->revenue_minor[r];
    }
    dg_table *t = dg_table_new("Churn risk distribution");
    int rc = dg_table_add_columns(t, names, types, decimals, 5);
    for (int b = 0; rc == 0 && b < DG_CHURN_BANDS; b++) {
        if ((rc = dg_table_add_row(t)) != 0)
            break;
        dg_table_set_real(t, 0, (double)b / DG_CHURN_BANDS);
        dg_table_set_real(t, 1, (double)(b + 1) / DG_CHURN_BANDS);
        dg_table_set_int(t, 2, (int64_t)count[b]);
        dg_table_set_real(t, 3, f->n_rows ? (double)count[b] / (double)f->n_rows : 0);
        dg_table_set_real(t, 4, total > 0 ? revenue[b] / total : 0);
    }
    if (rc == 0 && t)
        rc = dg_features_copy_notes(f, t);
    return finish(out, t, rc, err);
}
