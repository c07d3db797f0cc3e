/* The logistic-regression baseline of the churn model through liblinear
 * (src/analytics/churn_impl.h): L2-regularised logistic regression (solver L2R_LR, cost C, a bias
 * term) on features standardised by their training mean and standard deviation. The model kept is
 * liblinear's weights with the standardisation, as JSON
 *   {"mean": [...], "sd": [...], "weights": [...], "bias": b}
 * and a probability is 1 / (1 + exp(-(b + sum_j w_j (x_j - mean_j) / sd_j))), the same formula
 * liblinear's predict_probability uses. liblinear prints its progress through a hook; it is
 * pointed at a function that prints nothing (the library never prints). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <linear.h>

#include "analytics/churn_impl.h"

static void quiet(const char *text)
{
    (void)text;
}

/* Mean and standard deviation of each column (sd 1 for a constant column). */
static void standardise(double *mean, double *sd, const double *x, size_t n, size_t p)
{
    for (size_t j = 0; j < p; j++) {
        double m = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            m += x[i * p + j];
        m /= (double)n;
        for (size_t i = 0; i < n; i++)
            ss += (x[i * p + j] - m) * (x[i * p + j] - m);
        double s = sqrt(ss / (double)n);
        mean[j] = m;
        sd[j] = s > 0.0 && isfinite(s) ? s : 1.0;
    }
}

static json_t *array_of(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t j = 0; a && j < n; j++)
        if (json_array_append_new(a, json_real(v[j])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static int to_bytes(unsigned char **bytes, size_t *n_bytes, const double *mean, const double *sd,
                    const double *w, double bias, size_t p, dg_error *err)
{
    json_t *o = json_pack("{s:o?,s:o?,s:o?,s:f}", "mean", array_of(mean, p), "sd",
                          array_of(sd, p), "weights", array_of(w, p), "bias", bias);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(o);
    if (!text)
        return dg_error_set(err, DG_ENOMEM, "out of memory for the logistic model");
    *n_bytes = strlen(text);
    *bytes = (unsigned char *)text;
    return 0;
}

int dg__churn_logistic_train(unsigned char **bytes, size_t *n_bytes, double *importance,
                             const double *x, const uint8_t *y, size_t n, size_t p,
                             const dg_churn_params *prm, dg_error *err)
{
    int rc = 0;
    double *mean = malloc(p * sizeof *mean), *sd = malloc(p * sizeof *sd);
    double *w = calloc(p ? p : 1, sizeof *w), *target = malloc(n * sizeof *target);
    struct feature_node *nodes = malloc(n * (p + 2) * sizeof *nodes);
    struct feature_node **rows = malloc(n * sizeof *rows);
    struct model *m = NULL;
    if (!mean || !sd || !w || !target || !nodes || !rows) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the logistic regression (%zu rows)",
                          n);
        goto cleanup;
    }
    standardise(mean, sd, x, n, p);
    for (size_t i = 0; i < n; i++) {
        struct feature_node *row = nodes + i * (p + 2);
        size_t k = 0;
        for (size_t j = 0; j < p; j++) {
            double v = (x[i * p + j] - mean[j]) / sd[j];
            if (v != 0.0)
                row[k++] = (struct feature_node){ (int)j + 1, v };
        }
        row[k++] = (struct feature_node){ (int)p + 1, 1.0 };   /* the bias column */
        row[k] = (struct feature_node){ -1, 0.0 };
        rows[i] = row;
        target[i] = y[i] ? 1.0 : -1.0;
    }
    struct problem prob = { .l = (int)n, .n = (int)p + 1, .y = target, .x = rows, .bias = 1.0 };
    struct parameter param = { .solver_type = L2R_LR, .eps = 0.01, .C = prm->cost };
    set_print_string_function(quiet);
    const char *bad = check_parameter(&prob, &param);
    if (bad) {
        rc = dg_error_set(err, DG_EINVAL, "liblinear refused the problem: %s", bad);
        goto cleanup;
    }
    if (!(m = train(&prob, &param))) {
        rc = dg_error_set(err, DG_ENOMEM, "liblinear could not train the logistic regression");
        goto cleanup;
    }
    /* w's sign follows the class liblinear met first: make it the churn class */
    double sign = m->label[0] == 1 ? 1.0 : -1.0;
    for (size_t j = 0; j < p; j++) {
        w[j] = sign * m->w[j];
        importance[j] = fabs(w[j]);
    }
    rc = to_bytes(bytes, n_bytes, mean, sd, w, sign * m->w[p], p, err);
cleanup:
    if (m)
        free_and_destroy_model(&m);
    free(rows);
    free(nodes);
    free(target);
    free(w);
    free(sd);
    free(mean);
    return rc;
}

/* Reads k numbers of the array called name into v. */
static bool read_array(const json_t *o, const char *name, double *v, size_t k)
{
    const json_t *a = json_object_get(o, name);
    if (!json_is_array(a) || json_array_size(a) != k)
        return false;
    for (size_t j = 0; j < k; j++) {
        const json_t *e = json_array_get(a, j);
        if (!json_is_number(e) || !isfinite(json_number_value(e)))
            return false;
        v[j] = json_number_value(e);
    }
    return true;
}

int dg__churn_logistic_predict(double *out, const unsigned char *bytes, size_t n_bytes,
                               const dg__churn_rows *rows, dg_error *err)
{
    size_t n = rows->n, p = rows->p;
    json_error_t jerr;
    json_t *o = json_loadb((const char *)bytes, n_bytes, 0, &jerr);
    double *v = malloc(3 * (p ? p : 1) * sizeof *v);
    double *buf = malloc(DG__CHURN_BLOCK * (rows->stride ? rows->stride : 1) * sizeof *buf);
    int rc = 0;
    const json_t *bias = o ? json_object_get(o, "bias") : NULL;
    if (!v || !buf)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for the logistic model");
    else if (!o || !json_is_number(bias) || !read_array(o, "mean", v, p) ||
             !read_array(o, "sd", v + p, p) || !read_array(o, "weights", v + 2 * p, p))
        rc = dg_error_set(err, DG_EPARSE, "the stored logistic model is not one dangol wrote "
                          "for %zu features", p);
    for (size_t b0 = 0; rc == 0 && b0 < n; b0 += DG__CHURN_BLOCK) {
        size_t nb = n - b0 < DG__CHURN_BLOCK ? n - b0 : DG__CHURN_BLOCK;
        const double *x = dg__churn_rows_block(rows, b0, b0 + nb, buf);
        if (!x) {
            rc = dg_error_set(err, DG_ENOMEM, "out of memory to score %zu customers", n);
            break;
        }
        for (size_t k = 0; k < nb; k++) {
            double z = json_number_value(bias);
            for (size_t j = 0; j < p; j++)
                z += v[2 * p + j] * (dg__churn_row_at(rows, x + k * rows->stride, j) - v[j]) /
                     v[p + j];
            double *prob = &out[b0 + k];
            *prob = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
            if (!isfinite(*prob))
                *prob = z > 0 ? 1.0 : 0.0;
        }
    }
    free(v);
    free(buf);
    json_decref(o);
    return rc;
}
