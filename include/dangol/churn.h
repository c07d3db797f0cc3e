/* Churn prediction: "no purchase in the next H days after the as-of day" (default H = 180) from
 * the customer feature table (dangol/features.h). Gradient-boosted trees through XGBoost's C API
 * (tree_method = hist, a fixed seed, at most a few threads) with a logistic-regression baseline
 * through liblinear, both on the same rows.
 * A model trained "as of D with horizon H" learns from the features at D - H and the labels of
 * (D - H, D]; it scores the customers' features at any later day S as the probability of no
 * purchase in (S, S + H]. Validation is out of time: the same recipe one horizon earlier (features
 * at D - 2H, labels of (D - 2H, D - H]) scored on the rows at D - H against their labels of
 * (D - H, D] — so the figures say how the model does on a period it never saw.
 * A model is plain data (its feature names, parameters, metrics and the model bytes: XGBoost's
 * JSON model, or the logistic weights as JSON) so the store keeps it and a score can be
 * reproduced. docs/churn.md defines every figure. */
#ifndef DANGOL_CHURN_H
#define DANGOL_CHURN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"
#include "dangol/features.h"
#include "dangol/frame.h"
#include "dangol/table.h"

DG_API_BEGIN

#define DG_CHURN_DEFAULT_HORIZON 180
#define DG_CHURN_MIN_CUSTOMERS 50   /* rows needed to train (and to validate) */
#define DG_CHURN_MIN_CLASS 5        /* churners and buyers each needed to train */
#define DG_CHURN_DECILES 10

typedef enum dg_churn_algorithm {
    DG_CHURN_XGBOOST = 0,     /* gradient-boosted trees (XGBoost, binary:logistic) */
    DG_CHURN_LOGISTIC = 1,    /* L2-regularised logistic regression (liblinear) on standardised
                               * features */
    DG_CHURN_N_ALGORITHMS = 2
} dg_churn_algorithm;

/* "xgboost" / "logistic" <-> algorithm; parse: DG_EINVAL naming the valid ones. */
int dg_churn_algorithm_parse(dg_churn_algorithm *out, const char *name, dg_error *err);
/* The algorithm's name (a static string; "?" for a value that is none). */
const char *dg_churn_algorithm_name(dg_churn_algorithm algorithm);

typedef struct dg_churn_params {
    dg_churn_algorithm algorithm;
    int trees;                /* boosting rounds (default 100) */
    int depth;                /* max_depth (default 3) */
    double eta;               /* learning rate (default 0.05) */
    double min_child_weight;  /* (default 1) */
    double subsample;         /* row subsample per tree (default 1: none) */
    int threads;              /* nthread, 1..2 (default 2) */
    uint64_t seed;            /* (default 1) */
    double cost;              /* liblinear's C, the inverse L2 strength (default 1) */
} dg_churn_params;

typedef struct dg_churn_options {
    int32_t as_of;            /* last labelled day; DG_DAY_NONE: the frame's as-of day */
    int32_t horizon_days;     /* H (default 180) */
    const char *features;     /* comma-separated feature names; NULL: every feature of the
                               * table that is not constant on the training rows */
    bool validate;            /* the out-of-time validation (default on) */
    dg_churn_params params;
    /* The programme facts (tier, points, coupon columns) of each day a feature table is built
     * for: called with that day, the table freed after; NULL: no programme columns.
     * dg_churn_train_save reads its store's (dg_features_programme_from_store). */
    dg_features_programme_fn programme;
    void *programme_ctx;
} dg_churn_options;

/* Fills opt with the defaults given beside each field. Cannot fail. */
void dg_churn_options_init(dg_churn_options *opt);

/* How a score ranks against its labels (label 1 = churned). */
typedef struct dg_churn_metrics {
    size_t n, positives;
    double base_rate;                 /* positives / n */
    double auc;                       /* Mann-Whitney, ties counted one half */
    double pr_auc;                    /* average precision, tied scores taken together */
    double lift_top_decile;           /* churn rate of the top 10 % by score / base_rate */
    size_t calib_n[DG_CHURN_DECILES]; /* deciles of the score, lowest first */
    double calib_predicted[DG_CHURN_DECILES];
    double calib_observed[DG_CHURN_DECILES];
} dg_churn_metrics;

/* AUC by the Mann-Whitney U statistic with mid-ranks for ties: U / (n1 n0), where n1 counts
 * label 1 (Mann & Whitney 1947; Hanley & McNeil 1982, eq. 2). DG_EINVAL when either class is
 * empty or a score is not finite. */
int dg_churn_auc(double *auc, const double *score, const uint8_t *label, size_t n,
                 dg_error *err);
/* Every figure of dg_churn_metrics; same refusals. */
int dg_churn_metrics_compute(dg_churn_metrics *out, const double *score, const uint8_t *label,
                             size_t n, dg_error *err);

/* Labels for the rows of features (computed at features->as_of): 1 when the customer has no
 * order in (as_of, as_of + horizon_days]. The frame must reach as_of + horizon_days
 * (DG_EINVAL otherwise). Caller frees with free. */
int dg_churn_labels(uint8_t **out, const dg_frame *frame, const dg_features *features,
                    int32_t horizon_days, dg_error *err);

typedef struct dg_churn_model {
    int32_t as_of, horizon_days;
    dg_churn_params params;
    size_t n_features;
    char **features;                  /* [n_features] the columns it reads, by name */
    double *importance;               /* [n_features] XGBoost: total gain; logistic: |coefficient|
                                       * on the standardised feature */
    size_t n_train, n_train_positive;
    bool validated;
    int32_t validation_day;           /* the rows validated on: features at this day */
    dg_churn_metrics validation[DG_CHURN_N_ALGORITHMS];   /* both algorithms, same rows */
    unsigned char *bytes;             /* XGBoost's JSON model, or the logistic weights as JSON */
    size_t n_bytes;
    dg_table *notes;                  /* features left out (constant), the features' notes */
} dg_churn_model;

/* Trains (and validates) a model on frame. DG_EINVAL: fewer than DG_CHURN_MIN_CUSTOMERS rows or
 * DG_CHURN_MIN_CLASS churners or buyers (for training or validation), an unknown or missing
 * feature, a named feature that is constant, a horizon or parameter out of range, a frame that
 * does not reach as_of. Caller frees with dg_churn_model_free. */
int dg_churn_train(dg_churn_model **out, const dg_frame *frame, const dg_churn_options *opt,
                   dg_error *err);
void dg_churn_model_free(dg_churn_model *model);   /* NULL is a no-op */

/* Churn probabilities of the rows of features (any as-of day): *out[features->n_rows], never
 * NaN. DG_EINVAL when a feature the model reads is not in the table (named), or the model bytes
 * do not load. Caller frees *out with free. */
int dg_churn_predict(double **out, const dg_churn_model *model, const dg_features *features,
                     dg_error *err);

/* The model's parameters and metrics as JSON texts (for the store) and back: params (algorithm,
 * trees, ...; and as_of, horizon), features (array of names with their importance), metrics
 * (training counts and the validation of both algorithms). Each *_json is a new string the
 * caller frees with free. from_json takes copies; DG_EPARSE for text it did not write. */
int dg_churn_model_json(const dg_churn_model *model, char **params_json, char **features_json,
                        char **metrics_json, dg_error *err);
/* The model back from the texts dg_churn_model_json wrote and its stored bytes (copied); caller
 * frees *out with dg_churn_model_free. DG_EPARSE for a text it did not write, DG_ENOMEM. */
int dg_churn_model_from_json(dg_churn_model **out, int32_t as_of, int32_t horizon_days,
                             const char *params_json, const char *features_json,
                             const char *metrics_json, const void *bytes, size_t n_bytes,
                             dg_error *err);

/* ---- tables ---- */

/* One row per algorithm: algorithm, rows, churners, base rate, AUC, PR-AUC, top-decile lift
 * (the out-of-time validation); a note when the model was not validated. */
int dg_churn_metrics_table(dg_table **out, const dg_churn_model *model, dg_error *err);
/* Deciles of the validation scores of the model's algorithm: decile, customers, mean predicted,
 * observed churn rate. */
int dg_churn_calibration_table(dg_table **out, const dg_churn_model *model, dg_error *err);
/* Features by importance, largest first: feature, importance, share. */
int dg_churn_importance_table(dg_table **out, const dg_churn_model *model, dg_error *err);
/* The distribution of the scores: DG_CHURN_BANDS bands of equal width of the probability (from,
 * to; the last one includes 1), the customers in each, their share, and their share of the
 * revenue to the features' day (what is at risk). */
#define DG_CHURN_BANDS 20
int dg_churn_distribution_table(dg_table **out, const dg_features *features, const double *prob,
                                dg_error *err);
/* Scores: customer_id, churn probability, risk decile (10 = riskiest), recency_days, frequency,
 * monetary — riskiest first, the top `top` (0 = all). */
int dg_churn_score_table(dg_table **out, const dg_frame *frame, const dg_features *features,
                         const double *probability, size_t top, dg_error *err);

DG_API_END

#endif
