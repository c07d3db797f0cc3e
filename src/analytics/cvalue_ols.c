/* Ordinary least squares for the value drivers (include/dangol/cvalue.h) through GSL: the design
 * is streamed in blocks into GSL's TSQR least-squares solver (gsl_multilarge_linear_tsqr: a QR
 * factorisation, as stable as QR of the whole matrix, in O(n p^2) and O(block p) memory); the
 * covariance s^2 (X'X)^-1 comes from its triangular factor R (gsl_linalg_tri_invert,
 * gsl_linalg_tri_LTL), the t distribution for p-values and intervals from gsl_cdf_tdist_*.
 * gsl_multifit_linear (an SVD of the whole n x p matrix) took 3 s on a million responses, this
 * a fraction of it (BENCHMARKS.md). Nothing here is hand-written linear algebra. Regressors that never vary are left out (they
 * would make X'X singular) and reported as dropped; too few observations is an error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multilarge.h>

#include "dangol/cvalue.h"

#define BLOCK 512    /* rows per block folded into R: a block stays in the cache */

int dg_cvalue_ols(dg_cvalue_fit *out, const double *x, const double *y, size_t n, size_t k,
                  dg_error *err)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->k = k;
    if (k > DG_CVALUE_MAX_TERMS)
        return dg_error_set(err, DG_EINVAL, "more than %d regressors", DG_CVALUE_MAX_TERMS);
    /* which regressors vary (a constant one is collinear with the intercept) */
    size_t keep[DG_CVALUE_MAX_TERMS], p = 1;
    for (size_t j = 0; j < k; j++) {
        bool varies = false;
        for (size_t i = 1; i < n && !varies; i++)
            varies = x[i * k + j] != x[j];
        out->dropped[j + 1] = !varies;
        if (varies)
            keep[p++ - 1] = j;
    }
    if (n < p || n - p < DG_CVALUE_MIN_DF)
        return dg_error_set(err, DG_EINVAL, "too few answers for a regression: %zu complete "
                            "responses for %zu coefficients; at least %zu are needed (%d residual "
                            "degrees of freedom)", n, p, p + DG_CVALUE_MIN_DF, DG_CVALUE_MIN_DF);
    double ymean = 0;
    for (size_t i = 0; i < n; i++)
        ymean += (y[i] - ymean) / (double)(i + 1);
    double tss = 0;
    for (size_t i = 0; i < n; i++)
        tss += (y[i] - ymean) * (y[i] - ymean);
    if (!(tss > 0))
        return dg_error_set(err, DG_EINVAL, "the outcome is the same in all %zu responses: "
                            "there is nothing to explain", n);
    /* the design in blocks of BLOCK rows, folded into R by GSL's streaming TSQR */
    const size_t block = n < BLOCK ? n : BLOCK;
    gsl_matrix *X = gsl_matrix_alloc(block, p), *cov = gsl_matrix_alloc(p, p);
    gsl_vector *Y = gsl_vector_alloc(block), *c = gsl_vector_alloc(p);
    gsl_multilarge_linear_workspace *w = gsl_multilarge_linear_alloc(gsl_multilarge_linear_tsqr,
                                                                      p);
    int rc = 0;
    if (!X || !cov || !Y || !c || !w) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for a regression on %zu responses", n);
        goto cleanup;
    }
    int status = GSL_SUCCESS;
    for (size_t first = 0; first < n && status == GSL_SUCCESS; first += block) {
        size_t rows = n - first < block ? n - first : block;
        gsl_matrix_view Xv = gsl_matrix_submatrix(X, 0, 0, rows, p);
        gsl_vector_view Yv = gsl_vector_subvector(Y, 0, rows);
        for (size_t i = 0; i < rows; i++) {
            double *row = gsl_matrix_ptr(&Xv.matrix, i, 0);
            const double *xi = x + (first + i) * k;
            row[0] = 1.0;
            for (size_t j = 1; j < p; j++)
                row[j] = xi[keep[j - 1]];
            gsl_vector_set(&Yv.vector, i, y[first + i]);
        }
        status = gsl_multilarge_linear_accumulate(&Xv.matrix, &Yv.vector, w);
    }
    double rnorm = 0, snorm = 0;
    if (status == GSL_SUCCESS)
        status = gsl_multilarge_linear_solve(0.0, c, &rnorm, &snorm, w);
    /* (X'X)^-1 = R^-1 R^-T from the triangular factor R: GSL inverts R, then forms L^T L with
     * L = (R^-1)^T */
    bool singular = false;
    if (status == GSL_SUCCESS) {
        const gsl_matrix *R = gsl_multilarge_linear_matrix_ptr(w);
        double top = 0;   /* a diagonal of R tiny beside the largest: collinear regressors */
        for (size_t j = 0; j < p; j++)
            top = fmax(top, fabs(gsl_matrix_get(R, j, j)));
        for (size_t j = 0; j < p; j++)
            singular = singular || !(fabs(gsl_matrix_get(R, j, j)) > 1e-10 * top);
        gsl_matrix_transpose_memcpy(cov, R);            /* lower: R^T */
        if (!singular)   /* (R^T)^-1 = (R^-1)^T */
            status = gsl_linalg_tri_invert(CblasLower, CblasNonUnit, cov);
        if (status == GSL_SUCCESS && !singular)
            status = gsl_linalg_tri_LTL(cov);           /* lower: R^-1 R^-T */
    }
    double chisq = rnorm * rnorm;
    if (singular) {
        rc = dg_error_set(err, DG_EINVAL, "the components are collinear in these responses (one "
                          "is a combination of the others): their effects cannot be told apart");
        goto cleanup;
    }
    if (status != GSL_SUCCESS || !isfinite(chisq)) {
        rc = dg_error_set(err, DG_ECONVERGE, "the regression failed: %s; the components may be "
                          "collinear in these responses", gsl_strerror(status));
        goto cleanup;
    }
    out->df = n - p;
    out->sigma = sqrt(chisq / (double)out->df);
    out->r2 = 1.0 - chisq / tss;
    out->r2_adj = 1.0 - (1.0 - out->r2) * (double)(n - 1) / (double)out->df;
    double tcrit = gsl_cdf_tdist_Qinv(0.025, (double)out->df);
    for (size_t j = 0; j < p; j++) {
        size_t term = j == 0 ? 0 : keep[j - 1] + 1;
        double b = gsl_vector_get(c, j), v = gsl_matrix_get(cov, j, j) * chisq / (double)out->df;
        double se = v > 0 ? sqrt(v) : 0;
        out->coef[term] = b;
        out->se[term] = se;
        out->t[term] = se > 0 ? b / se : 0;
        out->p[term] = se > 0 ? 2.0 * gsl_cdf_tdist_Q(fabs(b / se), (double)out->df) : 1.0;
        out->lo[term] = b - tcrit * se;
        out->hi[term] = b + tcrit * se;
        if (!isfinite(b) || !isfinite(se)) {
            rc = dg_error_set(err, DG_ECONVERGE, "the regression gave no finite estimate: the "
                              "components are collinear in these responses");
            goto cleanup;
        }
    }
cleanup:
    gsl_multilarge_linear_free(w);
    gsl_vector_free(c);
    gsl_vector_free(Y);
    gsl_matrix_free(cov);
    gsl_matrix_free(X);
    return rc;
}

int dg_cvalue_drivers(dg_cvalue_fit *out, const dg_cvalue_survey *s, const dg_cvalue_answers *a,
                      const double *score, const bool *has, const double *y, const bool *y_ok,
                      const uint32_t *group, uint32_t which, dg_error *err)
{
    (void)s;
    const size_t K = DG_CVALUE_COMPONENTS;
    size_t n = 0, r = 0;
    /* every response in: the scores are the design as they are, no copy */
    while (!group && r < a->n && y_ok[r] && memchr(has + r * K, 0, K) == NULL)
        r++;
    if (!group && r == a->n)
        return dg_cvalue_ols(out, score, y, a->n, K, err);
    double *x = malloc((a->n ? a->n : 1) * K * sizeof *x);
    double *yy = malloc((a->n ? a->n : 1) * sizeof *yy);
    if (!x || !yy) {
        free(x);
        free(yy);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    for (r = 0; r < a->n; r++) {
        if (!y_ok[r] || (group && group[r] != which))
            continue;
        size_t k = 0;
        while (k < K && has[r * K + k])
            k++;
        if (k < K)
            continue;
        memcpy(x + n * K, score + r * K, K * sizeof *x);
        yy[n++] = y[r];
    }
    int rc = dg_cvalue_ols(out, x, yy, n, K, err);
    free(x);
    free(yy);
    return rc;
}
