/* Churn model training and scoring (include/dangol/churn.h): the labels of a feature table, the
 * choice of columns, the design matrix by feature name, the out-of-time validation of both
 * learners and the final fit of the chosen one (the learners: churn_xgb.c, churn_logistic.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/churn_impl.h"
#include "dangol/text.h"
#include "dangol/vocab.h"

static const char *const algorithm_names[DG_CHURN_N_ALGORITHMS] = { "xgboost", "logistic" };

int dg_churn_algorithm_parse(dg_churn_algorithm *out, const char *name, dg_error *err)
{
    /* the code, or its English or Korean name in the vocabulary */
    const char *code = dg_vocab_code("churn_algorithm", name, strlen(name));
    for (int a = 0; code && a < DG_CHURN_N_ALGORITHMS; a++)
        if (strcmp(code, algorithm_names[a]) == 0) {
            *out = (dg_churn_algorithm)a;
            return 0;
        }
    return dg_error_set(err, DG_EINVAL, "algorithm \"%s\" is not one of: xgboost, logistic "
                        "(or their names: 로지스틱 회귀, ...)", name);
}

const char *dg_churn_algorithm_name(dg_churn_algorithm a)
{
    return (unsigned)a < DG_CHURN_N_ALGORITHMS ? algorithm_names[a] : "?";
}

void dg_churn_options_init(dg_churn_options *opt)
{
    *opt = (dg_churn_options){
        .as_of = DG_DAY_NONE, .horizon_days = DG_CHURN_DEFAULT_HORIZON, .validate = true,
        .params = { .algorithm = DG_CHURN_XGBOOST, .trees = 100, .depth = 3, .eta = 0.05,
                    .min_child_weight = 1.0, .subsample = 1.0, .threads = 2, .seed = 1,
                    .cost = 1.0 },
    };
}

void dg_churn_model_free(dg_churn_model *m)
{
    if (!m)
        return;
    if (m->features)
        for (size_t j = 0; j < m->n_features; j++)
            free(m->features[j]);
    free(m->features);
    free(m->importance);
    free(m->bytes);
    dg_table_free(m->notes);
    free(m);
}

int dg_churn_labels(uint8_t **out, const dg_frame *fr, const dg_features *f,
                    int32_t horizon_days, dg_error *err)
{
    int32_t end = f->as_of + horizon_days;
    if (end > fr->as_of) {
        char want[16], have[16];
        dg_date_format(end, want);
        dg_date_format(fr->as_of, have);
        return dg_error_set(err, DG_EINVAL, "the labels need data up to %s (as-of day + %d "
                            "days) but the data ends on %s", want, (int)horizon_days, have);
    }
    uint8_t *y = malloc(f->n_rows ? f->n_rows : 1);
    if (!y)
        return dg_error_set(err, DG_ENOMEM, "out of memory for %zu labels", f->n_rows);
    for (size_t r = 0; r < f->n_rows; r++) {
        size_t c = f->customer[r];
        y[r] = 1;
        for (size_t o = fr->order_offset[c]; o < fr->order_offset[c + 1]; o++)
            if (fr->order_day[o] > f->as_of && fr->order_day[o] <= end) {
                y[r] = 0;
                break;
            }
    }
    *out = y;
    return 0;
}

static bool is_onehot(const char *name)
{
    return strncmp(name, "gender_", 7) == 0 || strncmp(name, "region_", 7) == 0 ||
           strncmp(name, "income_", 7) == 0;
}

/* Whether a column the table lacks is known to be 0 for every row: a one-hot column (nobody held
 * that code on its day), or a programme column of a table computed with the programme facts. */
static bool zero_when_missing(const dg_features *f, const char *name)
{
    return is_onehot(name) || (f->programme_read && dg_feature_from_programme(name));
}

/* The rows of f as the model reads them, in place: the column of f holding each of names (p of
 * them), into *column (caller frees). A column the table lacks reads as 0 when it is known to be
 * (zero_when_missing); any other missing column is refused. */
static int rows_of(dg__churn_rows *rows, int **column, const dg_features *f, char *const *names,
                   size_t p, dg_error *err)
{
    int *from = malloc((p ? p : 1) * sizeof *from);
    if (!from)
        return dg_error_set(err, DG_ENOMEM, "out of memory for %zu features", p);
    for (size_t k = 0; k < p; k++) {
        from[k] = dg_features_find(f, names[k]);
        if (from[k] < 0 && !zero_when_missing(f, names[k])) {
            char day[16];
            dg_date_format(f->as_of, day);
            free(from);
            return dg_error_set(err, DG_EINVAL, "feature \"%s\" is not in the data as of %s "
                                "(the model reads it)", names[k], day);
        }
    }
    *rows = (dg__churn_rows){ f->values, f->n_rows, p, f->n_features, from, f };
    *column = from;
    return 0;
}

/* x[n_rows x p], the dense design matrix the learners train on (row by row: both matrices are
 * row-major), with rows describing it. Refusals as rows_of. */
static int design(double **out, dg__churn_rows *rows, int **identity, const dg_features *f,
                  char *const *names, size_t p, dg_error *err)
{
    dg__churn_rows in_place;
    int *from = NULL;
    int rc = rows_of(&in_place, &from, f, names, p, err);
    if (rc != 0)
        return rc;
    double *x = malloc(f->n_rows * p > 0 ? f->n_rows * p * sizeof *x : sizeof *x);
    if (!x) {
        free(from);
        return dg_error_set(err, DG_ENOMEM, "out of memory for %zu x %zu features", f->n_rows, p);
    }
    for (size_t r = 0; r < f->n_rows; r++)
        for (size_t k = 0; k < p; k++)
            x[r * p + k] = dg__churn_rows_at(&in_place, r, k);
    for (size_t k = 0; k < p; k++)
        from[k] = (int)k;
    *rows = (dg__churn_rows){ x, f->n_rows, p, p, from, f };
    *identity = from;
    *out = x;
    return 0;
}

static bool constant_column(const dg_features *f, size_t j)
{
    for (size_t r = 1; r < f->n_rows; r++)
        if (f->values[r * f->n_features + j] != f->values[j])
            return false;
    return true;
}

static int add_name(dg_churn_model *m, const char *name, dg_error *err)
{
    if (!(m->features[m->n_features] = strdup(name)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the feature names");
    m->n_features++;
    return 0;
}

/* The columns of the model: the named ones (each present and not constant) or every
 * non-constant column of the training table, with a note for each one left out. */
static int choose_columns(dg_churn_model *m, const dg_features *f, const char *list,
                          dg_error *err)
{
    if (!(m->features = calloc(f->n_features + 1, sizeof *m->features)))
        return dg_error_set(err, DG_ENOMEM, "out of memory for the feature names");
    if (!list) {
        for (size_t j = 0; j < f->n_features; j++) {
            if (constant_column(f, j)) {
                char text[200];
                snprintf(text, sizeof text, "%s: the same for every customer; left out",
                         f->names[j]);
                if (dg_table_add_note(m->notes, text) != 0)
                    return dg_error_set(err, DG_ENOMEM, "out of memory");
                continue;
            }
            int rc = add_name(m, f->names[j], err);
            if (rc != 0)
                return rc;
        }
    } else {
        for (const char *p = list; *p;) {
            size_t len = strcspn(p, ",");
            char name[160];
            if (len == 0 || len >= sizeof name)
                return dg_error_set(err, DG_EINVAL, "features \"%s\": expected names separated "
                                    "by commas", list);
            memcpy(name, p, len);
            name[len] = '\0';
            p += len + (p[len] == ',');
            int j = dg_features_find(f, name);
            if (j < 0)
                return dg_error_set(err, DG_EINVAL, dg_feature_name_known(name)
                                    ? "feature \"%s\" is not in the data (its input is missing)"
                                    : "unknown feature \"%s\"; `dangol features` lists them",
                                    name);
            if (constant_column(f, (size_t)j))
                return dg_error_set(err, DG_EINVAL, "feature \"%s\" is the same for every "
                                    "customer on the training rows; it cannot rank them", name);
            for (size_t k = 0; k < m->n_features; k++)
                if (strcmp(m->features[k], name) == 0)
                    return dg_error_set(err, DG_EINVAL, "feature \"%s\" is named twice", name);
            int rc = add_name(m, name, err);
            if (rc != 0)
                return rc;
        }
    }
    if (m->n_features == 0)
        return dg_error_set(err, DG_EINVAL, "every feature is the same for every customer; "
                            "nothing to learn from");
    return 0;
}

/* The feature table at day (with the programme facts of that day when o has a source) with its
 * labels, checked for enough rows of both classes. */
static int labelled(dg_features **f, uint8_t **y, const dg_frame *fr, const dg_churn_options *o,
                    int32_t day, const char *what, dg_error *err)
{
    int32_t horizon = o->horizon_days;
    dg_features_options fo;
    dg_features_options_init(&fo);
    fo.as_of = day;
    dg_features_programme *pg = NULL;
    int rc = o->programme ? o->programme(o->programme_ctx, day, &pg, err) : 0;
    fo.programme = pg;
    if (rc == 0)
        rc = dg_features_compute(f, fr, &fo, err);
    dg_features_programme_free(pg);
    if (rc == 0)
        rc = dg_churn_labels(y, fr, *f, horizon, err);
    if (rc != 0)
        return rc;
    size_t churned = 0;
    for (size_t r = 0; r < (*f)->n_rows; r++)
        churned += (*y)[r];
    size_t bought = (*f)->n_rows - churned;
    if ((*f)->n_rows < DG_CHURN_MIN_CUSTOMERS || churned < DG_CHURN_MIN_CLASS ||
        bought < DG_CHURN_MIN_CLASS) {
        char d[16];
        dg_date_format(day, d);
        return dg_error_set(err, DG_EINVAL, "too few customers to %s: %zu with an order by %s, "
                            "%zu of them churned and %zu bought again within %d days (need at "
                            "least %d customers and %d of each)", what, (*f)->n_rows, d, churned,
                            bought, (int)horizon, DG_CHURN_MIN_CUSTOMERS, DG_CHURN_MIN_CLASS);
    }
    return 0;
}

static int fit(unsigned char **bytes, size_t *n_bytes, double *importance, dg_churn_algorithm a,
               const double *x, const uint8_t *y, size_t n, size_t p,
               const dg_churn_params *prm, dg_error *err)
{
    return a == DG_CHURN_LOGISTIC
        ? dg__churn_logistic_train(bytes, n_bytes, importance, x, y, n, p, prm, err)
        : dg__churn_xgb_train(bytes, n_bytes, importance, x, y, n, p, prm, err);
}

static int predict_with(double *out, dg_churn_algorithm a, const unsigned char *bytes,
                        size_t n_bytes, const dg__churn_rows *rows, const dg_churn_params *prm,
                        dg_error *err)
{
    int rc = a == DG_CHURN_LOGISTIC
        ? dg__churn_logistic_predict(out, bytes, n_bytes, rows, err)
        : dg__churn_xgb_predict(out, bytes, n_bytes, rows, prm, err);
    for (size_t i = 0; rc == 0 && i < rows->n; i++)
        if (!isfinite(out[i]))
            rc = dg_error_set(err, DG_EINVAL, "the model gave a score that is not a number");
    return rc;
}

/* Both learners fitted one horizon earlier and scored on the training rows (rows, y). */
static int validate(dg_churn_model *m, const dg_frame *fr, const dg_churn_options *o,
                    int32_t cut, const dg__churn_rows *rows, const uint8_t *y, dg_error *err)
{
    const dg_churn_params *prm = &m->params;
    size_t n = rows->n;
    dg_features *fv = NULL;
    uint8_t *yv = NULL;
    dg__churn_rows rows_v;
    int *identity = NULL;
    double *xv = NULL, *score = malloc(n * sizeof *score);
    double *imp = malloc(m->n_features * sizeof *imp);
    int rc = score && imp ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory for validation");
    if (rc == 0)
        rc = labelled(&fv, &yv, fr, o, cut - o->horizon_days,
                      "validate out of time (--no-validate skips it)", err);
    if (rc == 0)
        rc = design(&xv, &rows_v, &identity, fv, m->features, m->n_features, err);
    for (int a = 0; rc == 0 && a < DG_CHURN_N_ALGORITHMS; a++) {
        unsigned char *bytes = NULL;
        size_t n_bytes = 0;
        rc = fit(&bytes, &n_bytes, imp, (dg_churn_algorithm)a, xv, yv, fv->n_rows,
                 m->n_features, prm, err);
        if (rc == 0)
            rc = predict_with(score, (dg_churn_algorithm)a, bytes, n_bytes, rows, prm, err);
        if (rc == 0)
            rc = dg_churn_metrics_compute(&m->validation[a], score, y, n, err);
        free(bytes);
    }
    if (rc == 0) {
        m->validated = true;
        m->validation_day = cut;
    }
    free(imp);
    free(score);
    free(xv);
    free(identity);
    free(yv);
    dg_features_free(fv);
    return rc;
}

static int check_options(const dg_churn_options *o, dg_error *err)
{
    const dg_churn_params *p = &o->params;
    if (o->horizon_days < 1 || o->horizon_days > 3660)
        return dg_error_set(err, DG_EINVAL, "horizon %d days: expected 1 to 3660",
                            (int)o->horizon_days);
    if (p->trees < 1 || p->trees > 5000 || p->depth < 1 || p->depth > 16 || !(p->eta > 0.0) ||
        p->eta > 1.0 || !(p->min_child_weight >= 0.0) || !(p->subsample > 0.0) ||
        p->subsample > 1.0 || p->threads < 1 || p->threads > 2 || !(p->cost > 0.0) ||
        !isfinite(p->cost) || (unsigned)p->algorithm >= DG_CHURN_N_ALGORITHMS)
        return dg_error_set(err, DG_EINVAL, "model parameters out of range: trees 1-5000, depth "
                            "1-16, eta in (0, 1], subsample in (0, 1], threads 1-2, cost > 0");
    return 0;
}

int dg_churn_train(dg_churn_model **out, const dg_frame *fr, const dg_churn_options *opt,
                   dg_error *err)
{
    dg_churn_options defaults;
    dg_churn_options_init(&defaults);
    if (!opt)
        opt = &defaults;
    *out = NULL;
    int rc = check_options(opt, err);
    if (rc != 0)
        return rc;
    int32_t as_of = opt->as_of == DG_DAY_NONE ? fr->as_of : opt->as_of;
    int32_t cut = as_of - opt->horizon_days;
    dg_churn_model *m = calloc(1, sizeof *m);
    dg_features *f = NULL;
    uint8_t *y = NULL;
    double *x = NULL;
    dg__churn_rows rows;
    int *identity = NULL;
    if (!m || !(m->notes = dg_table_new(NULL))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the churn model");
        goto cleanup;
    }
    m->as_of = as_of;
    m->horizon_days = opt->horizon_days;
    m->params = opt->params;
    if ((rc = labelled(&f, &y, fr, opt, cut, "train", err)) != 0 ||
        (rc = choose_columns(m, f, opt->features, err)) != 0 ||
        (rc = dg_features_copy_notes(f, m->notes)) != 0 ||
        (rc = design(&x, &rows, &identity, f, m->features, m->n_features, err)) != 0)
        goto cleanup;
    m->n_train = f->n_rows;
    for (size_t r = 0; r < f->n_rows; r++)
        m->n_train_positive += y[r];
    if (!(m->importance = calloc(m->n_features, sizeof *m->importance))) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the churn model");
        goto cleanup;
    }
    if (opt->validate &&
        (rc = validate(m, fr, opt, cut, &rows, y, err)) != 0)
        goto cleanup;
    rc = fit(&m->bytes, &m->n_bytes, m->importance, m->params.algorithm, x, y, f->n_rows,
             m->n_features, &m->params, err);
cleanup:
    free(x);
    free(identity);
    free(y);
    dg_features_free(f);
    if (rc != 0)
        dg_churn_model_free(m);
    else
        *out = m;
    return rc;
}

int dg_churn_predict(double **out, const dg_churn_model *m, const dg_features *f, dg_error *err)
{
    dg__churn_rows rows;
    int *column = NULL;
    double *p = malloc((f->n_rows ? f->n_rows : 1) * sizeof *p);
    int rc = p ? rows_of(&rows, &column, f, m->features, m->n_features, err)
               : dg_error_set(err, DG_ENOMEM, "out of memory for %zu scores", f->n_rows);
    if (rc == 0 && f->n_rows > 0)
        rc = predict_with(p, m->params.algorithm, m->bytes, m->n_bytes, &rows, &m->params, err);
    free(column);
    if (rc != 0) {
        free(p);
        return rc;
    }
    *out = p;
    return 0;
}
