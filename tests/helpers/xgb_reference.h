/* XGBoost's own predictor on a churn model's rows, as the reference the forest walk
 * (src/analytics/churn_forest.c) must equal: tests/unit/test_churn.c checks it bit for bit and
 * bench/churn_bench.c times it beside dangol's. Header-only, shared by the two. */
#ifndef DANGOL_XGB_REFERENCE_H
#define DANGOL_XGB_REFERENCE_H

#include <stdio.h>
#include <stdlib.h>

#include <xgboost/c_api.h>

#include "dangol/churn.h"

/* The probabilities XGBoost gives for f's rows under model m (its columns in the model's order, a
 * one-hot column the table lacks all zero, as dg_churn_predict fills it; a value equal to
 * `missing` is missing), on `threads` threads; a malloc'd array, or NULL (XGBGetLastError says
 * why, or memory ran out). */
static inline double *xgb_reference_predict(const dg_churn_model *m, const dg_features *f,
                                            float missing, int threads)
{
    size_t n = f->n_rows, p = m->n_features;
    float *x = calloc(n * p > 0 ? n * p : 1, sizeof *x);
    double *out = malloc((n ? n : 1) * sizeof *out);
    for (size_t k = 0; x && k < p; k++) {
        int j = dg_features_find(f, m->features[k]);
        for (size_t r = 0; j >= 0 && r < n; r++)
            x[r * p + k] = (float)f->values[r * f->n_features + (size_t)j];
    }
    DMatrixHandle d = NULL;
    BoosterHandle b = NULL;
    bst_ulong len = 0;
    const float *pred = NULL;
    char nthread[16];
    snprintf(nthread, sizeof nthread, "%d", threads);
    int ok = x && out && XGDMatrixCreateFromMat_omp(x, n, p, missing, &d, threads) == 0 &&
             XGBoosterCreate(NULL, 0, &b) == 0 &&
             XGBoosterLoadModelFromBuffer(b, m->bytes, m->n_bytes) == 0 &&
             XGBoosterSetParam(b, "nthread", nthread) == 0 &&
             XGBoosterPredict(b, d, 0, 0, 0, &len, &pred) == 0 && len == n;
    for (size_t r = 0; ok && r < n; r++)
        out[r] = pred[r];
    if (b)
        XGBoosterFree(b);
    if (d)
        XGDMatrixFree(d);
    free(x);
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

#endif
