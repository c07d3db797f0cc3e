/* Private to the churn model (src/analytics/churn*.c): the two learners behind one shape. Each
 * trains on a dense row-major design matrix x[n x p] with labels y (1 = churned) and returns the
 * model as bytes (XGBoost's JSON model; the logistic weights as JSON) with an importance per
 * column; predicting loads those bytes again, so a stored model scores exactly as the trained one
 * (the trees are scored by churn_forest.c from XGBoost's JSON, the same numbers as its predictor). */
#ifndef DANGOL_CHURN_IMPL_H
#define DANGOL_CHURN_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/churn.h"

int dg__churn_xgb_train(unsigned char **bytes, size_t *n_bytes, double *importance,
                        const double *x, const uint8_t *y, size_t n, size_t p,
                        const dg_churn_params *params, dg_error *err);
int dg__churn_xgb_predict(double *out, const unsigned char *bytes, size_t n_bytes,
                          const double *x, size_t n, size_t p, const dg_churn_params *params,
                          dg_error *err);

int dg__churn_logistic_train(unsigned char **bytes, size_t *n_bytes, double *importance,
                             const double *x, const uint8_t *y, size_t n, size_t p,
                             const dg_churn_params *params, dg_error *err);
int dg__churn_logistic_predict(double *out, const unsigned char *bytes, size_t n_bytes,
                               const double *x, size_t n, size_t p, dg_error *err);

#endif
