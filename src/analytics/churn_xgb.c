/* The gradient-boosted trees of the churn model through XGBoost's C API (src/analytics/churn_impl.h):
 * binary:logistic with tree_method = hist, a fixed seed and at most two threads, so the same rows
 * give the same model. The model leaves as XGBoost's own JSON (XGBoosterSaveModelToBuffer), which
 * churn_forest.c reads to score (with XGBoost's results, several times faster than its
 * predictor); importance is the total gain of each column's splits (XGBoosterFeatureScore,
 * "total_gain"; columns named f0, f1, ...). Every handle is freed on every path; XGBoost's
 * messages go into the dg_error. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xgboost/c_api.h>

#include "analytics/churn_impl.h"

/* Threads XGBoost may use. Under ThreadSanitizer (the tsan build) one: libgomp, which runs
 * XGBoost's OpenMP loops, is not instrumented, so TSan cannot see its barriers and reports the
 * workers of one parallel loop as racing (seen in XGBoost's quantile sketch, MakeCuts). */
#if defined(__SANITIZE_THREAD__)
#define XGB_THREADS(n) ((void)(n), 1)
#else
#define XGB_THREADS(n) (n)
#endif

static int xgb_error(dg_error *err, const char *what)
{
    return dg_error_set(err, DG_EINVAL, "XGBoost could not %s: %s", what, XGBGetLastError());
}

/* The rows as a DMatrix (XGBoost reads floats). */
static int make_matrix(DMatrixHandle *out, const double *x, size_t n, size_t p, int threads,
                       dg_error *err)
{
    float *xf = malloc((n * p > 0 ? n * p : 1) * sizeof *xf);
    if (!xf)
        return dg_error_set(err, DG_ENOMEM, "out of memory for %zu x %zu features", n, p);
    for (size_t i = 0; i < n * p; i++)
        xf[i] = (float)x[i];
    int rc = 0;
    if (XGDMatrixCreateFromMat_omp(xf, (bst_ulong)n, (bst_ulong)p, -1e30f, out,
                                   XGB_THREADS(threads)) != 0)
        rc = xgb_error(err, "take the feature matrix");
    free(xf);
    return rc;
}

static int set_params(BoosterHandle b, const dg_churn_params *prm, dg_error *err)
{
    char depth[32], eta[32], mcw[32], sub[32], threads[32], seed[32];
    snprintf(depth, sizeof depth, "%d", prm->depth);
    snprintf(eta, sizeof eta, "%.17g", prm->eta);
    snprintf(mcw, sizeof mcw, "%.17g", prm->min_child_weight);
    snprintf(sub, sizeof sub, "%.17g", prm->subsample);
    snprintf(threads, sizeof threads, "%d", XGB_THREADS(prm->threads));
    snprintf(seed, sizeof seed, "%" PRIu64, prm->seed % 2147483647u);
    const char *const kv[][2] = {
        { "objective", "binary:logistic" }, { "tree_method", "hist" }, { "max_depth", depth },
        { "eta", eta }, { "min_child_weight", mcw }, { "subsample", sub },
        { "nthread", threads }, { "seed", seed }, { "verbosity", "0" },
        { "eval_metric", "auc" },
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (XGBoosterSetParam(b, kv[i][0], kv[i][1]) != 0)
            return xgb_error(err, "take its parameters");
    return 0;
}

/* Total gain per column from the booster's "fN" names. */
static int gain_of(BoosterHandle b, double *importance, size_t p, dg_error *err)
{
    bst_ulong n_named = 0, dim = 0;
    const char **names = NULL;
    const bst_ulong *shape = NULL;
    const float *scores = NULL;
    memset(importance, 0, p * sizeof *importance);
    if (XGBoosterFeatureScore(b, "{\"importance_type\": \"total_gain\"}", &n_named, &names, &dim,
                              &shape, &scores) != 0)
        return xgb_error(err, "report feature importance");
    for (bst_ulong i = 0; i < n_named; i++) {
        unsigned long j;
        if (names[i][0] == 'f' && sscanf(names[i] + 1, "%lu", &j) == 1 && j < p)
            importance[j] = scores[i];
    }
    return 0;
}

int dg__churn_xgb_train(unsigned char **bytes, size_t *n_bytes, double *importance,
                        const double *x, const uint8_t *y, size_t n, size_t p,
                        const dg_churn_params *prm, dg_error *err)
{
    DMatrixHandle dtrain = NULL;
    BoosterHandle booster = NULL;
    float *label = malloc(n * sizeof *label);
    int rc = label ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory for %zu labels", n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        label[i] = y[i] ? 1.0f : 0.0f;
    if (rc == 0)
        rc = make_matrix(&dtrain, x, n, p, prm->threads, err);
    if (rc == 0 && XGDMatrixSetFloatInfo(dtrain, "label", label, (bst_ulong)n) != 0)
        rc = xgb_error(err, "take the labels");
    if (rc == 0 && XGBoosterCreate(&dtrain, 1, &booster) != 0)
        rc = xgb_error(err, "create a booster");
    if (rc == 0)
        rc = set_params(booster, prm, err);
    for (int it = 0; rc == 0 && it < prm->trees; it++)
        if (XGBoosterUpdateOneIter(booster, it, dtrain) != 0)
            rc = xgb_error(err, "grow a tree");
    if (rc == 0)
        rc = gain_of(booster, importance, p, err);
    bst_ulong len = 0;
    const char *buf = NULL;
    if (rc == 0 && XGBoosterSaveModelToBuffer(booster, "{\"format\": \"json\"}", &len, &buf) != 0)
        rc = xgb_error(err, "save the model");
    if (rc == 0) {
        if (!(*bytes = malloc(len ? len : 1)))
            rc = dg_error_set(err, DG_ENOMEM, "out of memory for the model (%zu bytes)",
                              (size_t)len);
        else {
            memcpy(*bytes, buf, len);
            *n_bytes = len;
        }
    }
    if (booster)
        XGBoosterFree(booster);
    if (dtrain)
        XGDMatrixFree(dtrain);
    free(label);
    return rc;
}
