/* Ordinary least squares for the value drivers (include/dangol/cvalue.h) through GSL: the fit is
 * gsl_multifit_linear (SVD of the design matrix), which also gives the covariance
 * s^2 (X'X)^-1; the t distribution for p-values and intervals is GSL's too (gsl_cdf_tdist_*).
 * Nothing here is hand-written linear algebra. Regressors that never vary are left out (they
 * would make X'X singular) and reported as dropped; too few observations is an error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

#include "dangol/cvalue.h"

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
    gsl_matrix *X = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
    gsl_vector *Y = gsl_vector_alloc(n), *c = gsl_vector_alloc(p);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, p);
    int rc = 0;
    if (!X || !cov || !Y || !c || !w) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for a regression on %zu responses", n);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        double *row = gsl_matrix_ptr(X, i, 0);
        row[0] = 1.0;
        for (size_t j = 1; j < p; j++)
            row[j] = x[i * k + keep[j - 1]];
        gsl_vector_set(Y, i, y[i]);
    }
    double chisq = 0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int status = gsl_multifit_linear(X, Y, c, cov, &chisq, w);
    gsl_set_error_handler(old);
    if (status != GSL_SUCCESS || !isfinite(chisq)) {
        rc = dg_error_set(err, DG_ECONVERGE, "the regression failed: %s", gsl_strerror(status));
        goto cleanup;
    }
    out->df = n - p;
    out->sigma = sqrt(chisq / (double)out->df);
    out->r2 = 1.0 - chisq / tss;
    out->r2_adj = 1.0 - (1.0 - out->r2) * (double)(n - 1) / (double)out->df;
    double tcrit = gsl_cdf_tdist_Qinv(0.025, (double)out->df);
    for (size_t j = 0; j < p; j++) {
        size_t term = j == 0 ? 0 : keep[j - 1] + 1;
        double b = gsl_vector_get(c, j), v = gsl_matrix_get(cov, j, j);
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
    gsl_multifit_linear_free(w);
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
    size_t n = 0;
    double *x = malloc((a->n ? a->n : 1) * K * sizeof *x);
    double *yy = malloc((a->n ? a->n : 1) * sizeof *yy);
    if (!x || !yy) {
        free(x);
        free(yy);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    for (size_t r = 0; r < a->n; r++) {
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
