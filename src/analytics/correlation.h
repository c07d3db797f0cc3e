/* Private to the analytics: Pearson's r of paired values with its 95% interval by Fisher's z,
 * shared by the MOT drivers (on ranks: Spearman's rho) and the service-profit chain. */
#ifndef DANGOL_ANALYTICS_CORRELATION_H
#define DANGOL_ANALYTICS_CORRELATION_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dg__pearson {
    bool defined;           /* n >= 3 and both sides vary */
    bool has_interval;      /* defined and n >= 4 */
    double r, lo, hi;
} dg__pearson;

/* r of (x[i], y[i]), i < n, clipped to -1..1; the interval tanh(atanh(r) -/+ 1.96 se) with
 * se = sqrt(var_factor / (n - 3)) (Fisher 1921: var_factor 1 for Pearson's r; Fieller, Hartley &
 * Pearson 1957: 1.06 for Spearman's rho); r = +-1 gives the interval [r, r]. Never NaN. */
void dg__pearson_fisher(dg__pearson *out, const double *x, const double *y, size_t n,
                        double var_factor);

#endif
