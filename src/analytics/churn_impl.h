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
/* The rows a learner scores, read in place: feature k of row r is x[r * stride + column[k]], or 0
 * when column[k] < 0 (a column the table lacks and knows to be 0). A feature table is scored
 * without copying it into a design matrix (an n x p copy: a quarter of a cold `churn score`'s
 * memory at 1 M customers); a design matrix is the case stride = p, column[k] = k. A table of
 * rows on demand (x NULL) is scored a block of rows at a time, each computed when it is read,
 * so not even the table is held. */
typedef struct dg__churn_rows {
    const double *x;           /* NULL: the rows of table, on demand */
    size_t n, p, stride;
    const int *column;         /* [p] */
    const dg_features *table;  /* the feature table the rows are of */
} dg__churn_rows;

/* Rows scored a block at a time; the buffer of a block of rows on demand. */
#define DG__CHURN_BLOCK 256

/* Feature k of a row (stride values from the table or design matrix). */
static inline double dg__churn_row_at(const dg__churn_rows *rows, const double *row, size_t k)
{
    return rows->column[k] < 0 ? 0.0 : row[rows->column[k]];
}

/* Feature k of row r, rows in place (x not NULL). */
static inline double dg__churn_rows_at(const dg__churn_rows *rows, size_t r, size_t k)
{
    return dg__churn_row_at(rows, rows->x + r * rows->stride, k);
}

/* Rows [begin, end) (at most DG__CHURN_BLOCK), stride values each, as x would hold them: in
 * place, or computed into buf (DG__CHURN_BLOCK x stride). NULL on out of memory. */
static inline const double *dg__churn_rows_block(const dg__churn_rows *rows, size_t begin,
                                                 size_t end, double *buf)
{
    if (rows->x)
        return rows->x + begin * rows->stride;
    return dg_features_rows(rows->table, begin, end, buf) == 0 ? buf : NULL;
}

int dg__churn_xgb_predict(double *out, const unsigned char *bytes, size_t n_bytes,
                          const dg__churn_rows *rows, const dg_churn_params *params,
                          dg_error *err);

int dg__churn_logistic_train(unsigned char **bytes, size_t *n_bytes, double *importance,
                             const double *x, const uint8_t *y, size_t n, size_t p,
                             const dg_churn_params *params, dg_error *err);
int dg__churn_logistic_predict(double *out, const unsigned char *bytes, size_t n_bytes,
                               const dg__churn_rows *rows, dg_error *err);

#endif
