/* A churn model as the store keeps it (include/dangol/churn.h): three JSON texts beside the model
 * bytes — params {"algorithm", "trees", "depth", "eta", "min_child_weight", "subsample",
 * "threads", "seed", "cost"}, features [{"name", "importance"}, ...] in the model's column order,
 * metrics {"n_train", "n_train_positive", "validated", "validation_day", "validation":
 * {"xgboost": {...}, "logistic": {...}}, "notes": [...]} — and back, so a stored model scores
 * exactly as it did when trained. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dangol/churn.h"

static json_t *metrics_json(const dg_churn_metrics *m)
{
    json_t *cal = json_array();
    for (int d = 0; cal && d < DG_CHURN_DECILES; d++)
        json_array_append_new(cal, json_pack("{s:I,s:f,s:f}", "n", (json_int_t)m->calib_n[d],
                                             "predicted", m->calib_predicted[d], "observed",
                                             m->calib_observed[d]));
    return json_pack("{s:I,s:I,s:f,s:f,s:f,s:f,s:o?}", "n", (json_int_t)m->n, "positives",
                     (json_int_t)m->positives, "base_rate", m->base_rate, "auc", m->auc,
                     "pr_auc", m->pr_auc, "lift_top_decile", m->lift_top_decile,
                     "calibration", cal);
}

static char *dump(json_t *o)
{
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(o);
    return text;
}

int dg_churn_model_json(const dg_churn_model *m, char **params_json, char **features_json,
                        char **metrics_json_out, dg_error *err)
{
    const dg_churn_params *p = &m->params;
    *params_json = dump(json_pack("{s:s,s:i,s:i,s:f,s:f,s:f,s:i,s:I,s:f}", "algorithm",
                                  dg_churn_algorithm_name(p->algorithm), "trees", p->trees,
                                  "depth", p->depth, "eta", p->eta, "min_child_weight",
                                  p->min_child_weight, "subsample", p->subsample, "threads",
                                  p->threads, "seed", (json_int_t)p->seed, "cost", p->cost));
    json_t *features = json_array();
    for (size_t j = 0; features && j < m->n_features; j++)
        json_array_append_new(features, json_pack("{s:s,s:f}", "name", m->features[j],
                                                  "importance", m->importance[j]));
    *features_json = dump(features);
    json_t *notes = json_array();
    for (size_t i = 0; notes && i < dg_table_notes(m->notes); i++)
        json_array_append_new(notes, json_string(dg_table_note(m->notes, i)));
    json_t *validation = json_object();
    for (int a = 0; m->validated && validation && a < DG_CHURN_N_ALGORITHMS; a++)
        json_object_set_new(validation, dg_churn_algorithm_name((dg_churn_algorithm)a),
                            metrics_json(&m->validation[a]));
    *metrics_json_out = dump(json_pack("{s:I,s:I,s:b,s:i,s:o?,s:o?}", "n_train",
                                       (json_int_t)m->n_train, "n_train_positive",
                                       (json_int_t)m->n_train_positive, "validated",
                                       m->validated, "validation_day",
                                       m->validated ? (int)m->validation_day : 0, "validation",
                                       validation, "notes", notes));
    if (!*params_json || !*features_json || !*metrics_json_out) {
        free(*params_json);
        free(*features_json);
        free(*metrics_json_out);
        *params_json = *features_json = *metrics_json_out = NULL;
        return dg_error_set(err, DG_ENOMEM, "out of memory for the model's description");
    }
    return 0;
}

static bool number(const json_t *o, const char *key, double *v)
{
    const json_t *e = json_object_get(o, key);
    if (!json_is_number(e) || !isfinite(json_number_value(e)))
        return false;
    *v = json_number_value(e);
    return true;
}

static bool read_metrics(dg_churn_metrics *m, const json_t *o)
{
    double n, pos;
    const json_t *cal = json_object_get(o, "calibration");
    if (!json_is_object(o) || !number(o, "n", &n) || !number(o, "positives", &pos) ||
        !number(o, "base_rate", &m->base_rate) || !number(o, "auc", &m->auc) ||
        !number(o, "pr_auc", &m->pr_auc) || !number(o, "lift_top_decile", &m->lift_top_decile) ||
        !json_is_array(cal) || json_array_size(cal) != DG_CHURN_DECILES)
        return false;
    m->n = (size_t)n;
    m->positives = (size_t)pos;
    for (size_t d = 0; d < DG_CHURN_DECILES; d++) {
        const json_t *e = json_array_get(cal, d);
        double cn;
        if (!number(e, "n", &cn) || !number(e, "predicted", &m->calib_predicted[d]) ||
            !number(e, "observed", &m->calib_observed[d]))
            return false;
        m->calib_n[d] = (size_t)cn;
    }
    return true;
}

static bool read_params(dg_churn_params *p, const json_t *o, dg_error *err)
{
    double trees, depth, threads, seed;
    const json_t *alg = json_object_get(o, "algorithm");
    return json_is_string(alg) &&
           dg_churn_algorithm_parse(&p->algorithm, json_string_value(alg), err) == 0 &&
           number(o, "trees", &trees) && number(o, "depth", &depth) && number(o, "eta", &p->eta) &&
           number(o, "min_child_weight", &p->min_child_weight) &&
           number(o, "subsample", &p->subsample) && number(o, "threads", &threads) &&
           number(o, "seed", &seed) && number(o, "cost", &p->cost) &&
           (p->trees = (int)trees, p->depth = (int)depth, p->threads = (int)threads,
            p->seed = (uint64_t)seed, true);
}

static bool read_features(dg_churn_model *m, const json_t *a)
{
    if (!json_is_array(a) || json_array_size(a) == 0)
        return false;
    size_t n = json_array_size(a);
    if (!(m->features = calloc(n, sizeof *m->features)) ||
        !(m->importance = calloc(n, sizeof *m->importance)))
        return false;
    for (size_t j = 0; j < n; j++) {
        const json_t *e = json_array_get(a, j), *name = json_object_get(e, "name");
        if (!json_is_string(name) || !number(e, "importance", &m->importance[j]) ||
            !(m->features[j] = strdup(json_string_value(name))))
            return false;
        m->n_features = j + 1;
    }
    return true;
}

static bool read_all_metrics(dg_churn_model *m, const json_t *o)
{
    double n, pos, day;
    const json_t *notes = json_object_get(o, "notes"), *val = json_object_get(o, "validation");
    if (!number(o, "n_train", &n) || !number(o, "n_train_positive", &pos) ||
        !number(o, "validation_day", &day) || !json_is_boolean(json_object_get(o, "validated")))
        return false;
    m->n_train = (size_t)n;
    m->n_train_positive = (size_t)pos;
    m->validated = json_is_true(json_object_get(o, "validated"));
    m->validation_day = (int32_t)day;
    for (int a = 0; m->validated && a < DG_CHURN_N_ALGORITHMS; a++)
        if (!read_metrics(&m->validation[a],
                          json_object_get(val, dg_churn_algorithm_name((dg_churn_algorithm)a))))
            return false;
    for (size_t i = 0; i < json_array_size(notes); i++) {
        const json_t *e = json_array_get(notes, i);
        if (json_is_string(e) && dg_table_add_note(m->notes, json_string_value(e)) != 0)
            return false;
    }
    return true;
}

int dg_churn_model_from_json(dg_churn_model **out, int32_t as_of, int32_t horizon_days,
                             const char *params_json, const char *features_json,
                             const char *metrics_json, const void *bytes, size_t n_bytes,
                             dg_error *err)
{
    json_error_t jerr;
    json_t *params = json_loads(params_json, 0, &jerr);
    json_t *features = json_loads(features_json, 0, &jerr);
    json_t *metrics = json_loads(metrics_json, 0, &jerr);
    dg_churn_model *m = calloc(1, sizeof *m);
    int rc = 0;
    dg_error ignored;
    if (!m || !(m->notes = dg_table_new(NULL)) || !(m->bytes = malloc(n_bytes ? n_bytes : 1)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the stored model");
    else if (!read_params(&m->params, params, &ignored) || !read_features(m, features) ||
             !read_all_metrics(m, metrics))
        rc = dg_error_set(err, DG_EPARSE, "the stored model's description is not one this "
                          "dangol wrote");
    if (rc == 0) {
        memcpy(m->bytes, bytes, n_bytes);
        m->n_bytes = n_bytes;
        m->as_of = as_of;
        m->horizon_days = horizon_days;
        *out = m;
    } else {
        dg_churn_model_free(m);
    }
    json_decref(params);
    json_decref(features);
    json_decref(metrics);
    return rc;
}
