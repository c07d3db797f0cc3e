/* How well a score ranks churners (include/dangol/churn.h): the AUC by the Mann-Whitney rank-sum
 * with mid-ranks for ties, average precision with tied scores taken as one step, the lift of the
 * top decile and a calibration table by deciles of the score. One sort of the rows by score
 * (qsort_r with the scores as context, ties broken by row so the order is deterministic) serves
 * them all. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/churn.h"

typedef struct sort_ctx {
    const double *score;
} sort_ctx;

static int by_score_desc(const void *a, const void *b, void *ctx)
{
    const double *score = ((const sort_ctx *)ctx)->score;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (score[i] > score[j])
        return -1;
    if (score[i] < score[j])
        return 1;
    return (i > j) - (i < j);
}

/* Rows in descending score order, after checking the input. */
static int sorted_rows(size_t **out, size_t *positives, const double *score,
                       const uint8_t *label, size_t n, dg_error *err)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(score[i]))
            return dg_error_set(err, DG_EINVAL, "score of row %zu is not a finite number", i + 1);
        pos += label[i] != 0;
    }
    if (pos == 0 || pos == n)
        return dg_error_set(err, DG_EINVAL, "the %zu rows are all of one class (%zu churned); "
                            "a ranking needs both churners and buyers", n, pos);
    size_t *order = malloc(n * sizeof *order);
    if (!order)
        return dg_error_set(err, DG_ENOMEM, "out of memory ranking %zu scores", n);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_ctx ctx = { score };
    qsort_r(order, n, sizeof *order, by_score_desc, &ctx);
    *out = order;
    *positives = pos;
    return 0;
}

/* Mann & Whitney (1947): U = R1 - n1 (n1 + 1) / 2 with R1 the rank sum of the positives
 * (ascending ranks, a tied group shares its mid-rank); AUC = U / (n1 n0) (Hanley & McNeil 1982,
 * eq. 2). order is descending, so the ascending rank of position k is n - k. */
static double auc_of(const size_t *order, const double *score, const uint8_t *label, size_t n,
                     size_t n1)
{
    double rank_sum = 0.0;
    for (size_t k = 0; k < n;) {
        size_t e = k;
        size_t pos = 0;
        while (e < n && score[order[e]] == score[order[k]])
            pos += label[order[e++]] != 0;
        /* positions k..e-1 hold ascending ranks n-e+1 .. n-k: mean (2n - e - k + 1) / 2 */
        rank_sum += (double)pos * ((double)(2 * n - e - k) + 1.0) / 2.0;
        k = e;
    }
    double n0 = (double)(n - n1), n1d = (double)n1;
    return (rank_sum - n1d * (n1d + 1.0) / 2.0) / (n1d * n0);
}

/* Average precision: sum over thresholds of (recall step) x precision, a tied group of scores
 * being one threshold (as scikit-learn's average_precision_score). */
static double average_precision(const size_t *order, const double *score, const uint8_t *label,
                                size_t n, size_t n1)
{
    double ap = 0.0;
    size_t tp = 0;
    for (size_t k = 0; k < n;) {
        size_t e = k, pos = 0;
        while (e < n && score[order[e]] == score[order[k]])
            pos += label[order[e++]] != 0;
        tp += pos;
        ap += (double)pos / (double)n1 * (double)tp / (double)e;
        k = e;
    }
    return ap;
}

int dg_churn_auc(double *auc, const double *score, const uint8_t *label, size_t n,
                 dg_error *err)
{
    size_t *order = NULL, n1 = 0;
    int rc = sorted_rows(&order, &n1, score, label, n, err);
    if (rc != 0)
        return rc;
    *auc = auc_of(order, score, label, n, n1);
    free(order);
    return 0;
}

int dg_churn_metrics_compute(dg_churn_metrics *m, const double *score, const uint8_t *label,
                             size_t n, dg_error *err)
{
    memset(m, 0, sizeof *m);
    size_t *order = NULL, n1 = 0;
    int rc = sorted_rows(&order, &n1, score, label, n, err);
    if (rc != 0)
        return rc;
    m->n = n;
    m->positives = n1;
    m->base_rate = (double)n1 / (double)n;
    m->auc = auc_of(order, score, label, n, n1);
    m->pr_auc = average_precision(order, score, label, n, n1);
    /* the top decile: the first ceil(n / 10) rows of the descending order */
    size_t top = (n + DG_CHURN_DECILES - 1) / DG_CHURN_DECILES, top_pos = 0;
    for (size_t k = 0; k < top; k++)
        top_pos += label[order[k]] != 0;
    m->lift_top_decile = ((double)top_pos / (double)top) / m->base_rate;
    /* deciles lowest score first: decile d holds ascending positions [d n / 10, (d+1) n / 10) */
    for (int d = 0; d < DG_CHURN_DECILES; d++) {
        size_t lo = (size_t)d * n / DG_CHURN_DECILES, hi = (size_t)(d + 1) * n / DG_CHURN_DECILES;
        double sum = 0.0, obs = 0.0;
        for (size_t a = lo; a < hi; a++) {
            size_t row = order[n - 1 - a];
            sum += score[row];
            obs += label[row] != 0;
        }
        m->calib_n[d] = hi - lo;
        m->calib_predicted[d] = hi > lo ? sum / (double)(hi - lo) : 0.0;
        m->calib_observed[d] = hi > lo ? obs / (double)(hi - lo) : 0.0;
    }
    free(order);
    return 0;
}
