/* The churn and stored-model reports (include/dangol/report.h): training and storing a model,
 * showing a stored one (its row, validation metrics, calibration, importance), listing them, and
 * scoring the customers with one (the scores, or their distribution) — as `dangol churn|model`
 * and /api/models, /api/churn show them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/report.h"
#include "dangol/text.h"

static void utc_time(int64_t seconds, char buf[32])
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        snprintf(buf, 32, "%" PRId64, seconds);
}

/* One (item, value) row. */
static int item(dg_table *t, const char *name, const char *value)
{
    int rc = dg_table_add_row(t);
    if (rc == 0)
        rc = dg_table_set_text(t, 0, name);
    if (rc == 0)
        rc = dg_table_set_text(t, 1, value);
    return rc;
}

/* The model as (item, value) rows. */
static int model_table(dg_table **out, const dg_churn_model *m, const dg_model_info *info,
                       dg_error *err)
{
    dg_table *t = dg_table_new("Churn model");
    int rc = t ? dg_table_add_column(t, "item", DG_CELL_TEXT, 0) : DG_ENOMEM;
    if (rc == 0)
        rc = dg_table_add_column(t, "value", DG_CELL_TEXT, 0);
    char v[512], day[16], day2[16];
    const dg_churn_params *p = &m->params;
#define ITEM(name, ...) \
    do { \
        if (rc == 0) { \
            snprintf(v, sizeof v, __VA_ARGS__); \
            rc = item(t, name, v); \
        } \
    } while (0)
    ITEM("model_id", "%" PRId64, info->model_id);
    ITEM("algorithm", "%s", dg_churn_algorithm_name(p->algorithm));
    ITEM("as_of", "%s", dg_date_format(m->as_of, day));
    ITEM("horizon_days", "%d", (int)m->horizon_days);
    ITEM("trained_on", "features of %s, labels of (%s, %s]",
         dg_date_format(m->as_of - m->horizon_days, day2), day2, day);
    ITEM("customers", "%zu", m->n_train);
    ITEM("churned", "%zu", m->n_train_positive);
    /* the count and the first names (the importance table lists them all) */
    size_t used = (size_t)snprintf(v, sizeof v, "%zu:", m->n_features);
    for (size_t j = 0; j < m->n_features && used < 100; j++)
        used += (size_t)snprintf(v + used, sizeof v - used, "%s%s", j ? "," : " ",
                                 m->features[j]);
    if (used >= 100 && used < sizeof v)
        snprintf(v + used, sizeof v - used, ",...");
    if (rc == 0)
        rc = item(t, "features", v);
    if (p->algorithm == DG_CHURN_XGBOOST)
        ITEM("params", "trees %d, depth %d, eta %g, min_child_weight %g, subsample %g, "
             "threads %d, seed %" PRIu64 ", tree_method hist", p->trees, p->depth, p->eta,
             p->min_child_weight, p->subsample, p->threads, p->seed);
    else
        ITEM("params", "L2-regularised logistic regression, C %g, standardised features",
             p->cost);
    if (m->validated)
        ITEM("validation_auc", "%.4f", m->validation[p->algorithm].auc);
    else
        ITEM("validation_auc", "not validated");
    char when[32];
    utc_time(info->created_at, when);
    ITEM("created_at", "%s", when);
    ITEM("created_by", "%s", info->created_by);
    ITEM("model_bytes", "%" PRId64, info->n_bytes);
#undef ITEM
    for (size_t i = 0; rc == 0 && i < dg_table_notes(m->notes); i++)
        rc = dg_table_add_note(t, dg_table_note(m->notes, i));
    if (rc == 0)
        rc = dg_table_failed(t);
    if (rc != 0) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory for the model table");
    }
    *out = t;
    return 0;
}

/* Adds the tables of m: the model row, metrics and (calibration or importance). */
static int model_tables(dg_report *out, const dg_churn_model *m, const dg_model_info *info,
                        bool calibration, dg_error *err)
{
    dg_table *t = NULL;
    int rc = 0;
    if (!calibration && (rc = model_table(&t, m, info, err)) == 0)
        rc = dg_report_add(out, t, err);
    if (rc == 0 && (rc = dg_churn_metrics_table(&t, m, err)) == 0)
        rc = dg_report_add(out, t, err);
    if (rc == 0 && calibration && (rc = dg_churn_calibration_table(&t, m, err)) == 0)
        rc = dg_report_add(out, t, err);
    if (rc == 0 && (rc = dg_churn_importance_table(&t, m, err)) == 0)
        rc = dg_report_add(out, t, err);
    return rc;
}

static int stored(dg_report *out, dg_store *store, int64_t id, bool calibration, dg_error *err)
{
    dg_churn_model *m = NULL;
    dg_model_info info;
    int rc = dg_churn_model_load(&m, &info, store, id, err);
    if (rc == 0)
        rc = model_tables(out, m, &info, calibration, err);
    dg_churn_model_free(m);
    return rc;
}

int dg_report_churn_train(dg_report *out, dg_churn_saved *saved, dg_store *store,
                          const dg_frame *frame, const dg_churn_options *opt, const char *actor,
                          const struct dg_audit_actor *audit, const char *key, dg_error *err)
{
    int rc = dg_churn_train_save(saved, NULL, store, frame, opt, actor, audit, key, err);
    return rc == 0 ? stored(out, store, saved->model_id, false, err) : rc;
}

int dg_report_model_show(dg_report *out, dg_store *store, int64_t id, dg_error *err)
{
    return stored(out, store, id, false, err);
}

int dg_report_churn(dg_report *out, dg_store *store, int64_t id, dg_error *err)
{
    return stored(out, store, id, true, err);
}

typedef struct list_ctx {
    dg_table *t;
} list_ctx;

static int list_row(void *ctx, const dg_model_info *info)
{
    dg_table *t = ((list_ctx *)ctx)->t;
    char when[32];
    int rc = dg_table_add_row(t);
    if (rc != 0)
        return rc;
    dg_table_set_int(t, 0, info->model_id);
    dg_table_set_text(t, 1, info->kind);
    dg_table_set_text(t, 2, info->algorithm);
    dg_table_set_int(t, 3, info->as_of);
    dg_table_set_int(t, 4, info->horizon_days);
    dg_table_set_int(t, 5, info->n_customers);
    if (info->validated)
        dg_table_set_real(t, 6, info->auc);
    utc_time(info->created_at, when);
    dg_table_set_text(t, 7, when);
    return dg_table_set_text(t, 8, info->created_by);
}

int dg_report_model_list(dg_report *out, dg_store *store, dg_error *err)
{
    static const char *const names[] = { "model_id", "kind", "algorithm", "as_of",
                                         "horizon_days", "customers", "validation_auc",
                                         "created_at", "created_by" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_DATE,
                                          DG_CELL_INT, DG_CELL_INT, DG_CELL_REAL, DG_CELL_TEXT,
                                          DG_CELL_TEXT };
    dg_table *t = dg_table_new("Stored models");
    int rc = t ? 0 : DG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < 9; i++)
        rc = dg_table_add_column(t, names[i], types[i], i == 6 ? 4 : 0);
    if (rc != 0) {
        dg_table_free(t);
        return dg_error_set(err, DG_ENOMEM, "out of memory for the model list");
    }
    list_ctx ctx = { t };
    rc = dg_model_list(store, list_row, &ctx, err);
    if (rc == 0 && dg_table_rows(t) == 0)
        rc = dg_table_add_note(t, "no model stored yet; `dangol churn train` trains one");
    if (rc == DG_ENOMEM || (rc == 0 && dg_table_failed(t)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the model list");
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}

/* The customers of frame scored by model id on their features of as_of, as one table: the scores
 * (the top `top`) or, when distribution, their distribution; with a note naming the model. */
static int scored(dg_report *out, dg_store *store, const dg_frame *frame, int64_t id,
                  int32_t as_of, size_t top, bool distribution, dg_error *err)
{
    dg_churn_model *m = NULL;
    dg_model_info info;
    dg_features_programme *facts = NULL;
    dg_features *f = NULL;
    double *p = NULL;
    dg_table *t = NULL;
    dg_features_options fo;
    dg_features_options_init(&fo);
    fo.as_of = as_of;
    /* each row is computed as the trees read it: the n x p table is never held */
    fo.rows_on_demand = true;
    int rc = dg_churn_model_load(&m, &info, store, id, err);
    if (rc == 0 && (rc = dg_features_programme_read(&facts, store, frame, as_of, err)) == 0) {
        fo.programme = facts;
        rc = dg_features_compute(&f, frame, &fo, err);
    }
    if (rc == 0)
        rc = dg_churn_predict(&p, m, f, err);
    if (rc == 0)
        rc = distribution ? dg_churn_distribution_table(&t, f, p, err)
                          : dg_churn_score_table(&t, frame, f, p, top, err);
    if (rc == 0) {
        char text[200], day[16];
        snprintf(text, sizeof text, "model %" PRId64 " (%s, horizon %d days): probability of no "
                 "purchase in the %d days after %s", info.model_id,
                 dg_churn_algorithm_name(m->params.algorithm), (int)m->horizon_days,
                 (int)m->horizon_days, dg_date_format(f->as_of, day));
        if (dg_table_add_note(t, text) != 0) {
            dg_table_free(t);
            rc = dg_error_set(err, DG_ENOMEM, "out of memory for the scores");
        } else {
            rc = dg_report_add(out, t, err);
        }
    }
    free(p);
    dg_features_free(f);
    dg_features_programme_free(facts);
    dg_churn_model_free(m);
    return rc;
}

int dg_report_churn_score(dg_report *out, dg_store *store, const dg_frame *frame, int64_t id,
                          int32_t as_of, size_t top, dg_error *err)
{
    return scored(out, store, frame, id, as_of, top, false, err);
}

int dg_report_churn_distribution(dg_report *out, dg_store *store, const dg_frame *frame,
                                 int64_t id, int32_t as_of, dg_error *err)
{
    return scored(out, store, frame, id, as_of, 0, true, err);
}
