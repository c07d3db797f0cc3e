/* Pearson's r with its Fisher-z interval (src/analytics/correlation.h). Fisher, R. A. (1921),
 * "On the 'probable error' of a coefficient of correlation deduced from a small sample",
 * Metron 1: 3-32: z = atanh(r) is close to normal with variance 1 / (n - 3). */
#include <math.h>
#include <string.h>

#include "analytics/correlation.h"

#define Z95 1.959963984540054

void dg__pearson_fisher(dg__pearson *out, const double *x, const double *y, size_t n,
                        double var_factor)
{
    memset(out, 0, sizeof *out);
    if (n < 3)
        return;
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (!(sxx > 0.0) || !(syy > 0.0))
        return;
    double r = sxy / sqrt(sxx * syy);
    out->r = r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
    out->defined = true;
    if (n < 4)
        return;
    out->has_interval = true;
    if (fabs(out->r) >= 1.0) {
        out->lo = out->hi = out->r;
        return;
    }
    double z = atanh(out->r), se = sqrt(var_factor / (double)(n - 3));
    out->lo = tanh(z - Z95 * se);
    out->hi = tanh(z + Z95 * se);
}
