/* Special functions for the BTYD likelihoods, all in log space: digamma, log-beta, log-sum-exp,
 * and the Gauss hypergeometric function 2F1(a,b;c;z) for z < 1.
 * 2F1 is summed as its power series with running rescaling (no overflow for huge parameters),
 * after choosing between the direct series and Euler's transformation
 *   2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z)          (Abramowitz & Stegun 15.3.3)
 * whichever has the smaller term ratio, and Pfaff's transformation for z < 0
 *   2F1(a,b;c;z) = (1-z)^(-a) 2F1(a,c-b;c;z/(z-1))          (A&S 15.3.4).
 * For the BTYD uses (a = r+x, b = b+x, c = a+b+x-1, ...) Euler's form has parameters that do not
 * grow with x, so the series needs a few dozen terms even for x in the thousands. */
#include <float.h>
#include <math.h>

#include "analytics/btyd/btyd_internal.h"

double dg__digamma(double x)
{
    double result = 0.0;
    if (x <= 0.0 && floor(x) == x)
        return NAN;
    if (x < 0.0)  /* reflection: psi(1-x) - psi(x) = pi cot(pi x) */
        return dg__digamma(1.0 - x) - M_PI / tan(M_PI * x);
    while (x < 6.0) {
        result -= 1.0 / x;
        x += 1.0;
    }
    /* asymptotic expansion, A&S 6.3.18 */
    double f = 1.0 / (x * x);
    result += log(x) - 0.5 / x
        - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
    return result;
}

double dg__lbeta(double a, double b)
{
    return lgamma(a) + lgamma(b) - lgamma(a + b);
}

double dg__logaddexp(double u, double v)
{
    if (u == -INFINITY)
        return v;
    if (v == -INFINITY)
        return u;
    return u > v ? u + log1p(exp(v - u)) : v + log1p(exp(u - v));
}

double dg__log1mexp(double u)
{
    if (u >= 0.0)
        return -INFINITY;
    /* Maechler (2012): log1p(-exp(u)) for u < -ln 2, log(-expm1(u)) otherwise */
    return u < -M_LN2 ? log1p(-exp(u)) : log(-expm1(u));
}

double dg__logsubexp(double u, double v)
{
    if (v == -INFINITY)
        return u;
    if (v >= u)
        return -INFINITY;
    return u + dg__log1mexp(v - u);
}

/* Power series of 2F1 for 0 <= z < 1. Returns log|sum|, *sign. *tail_out gets sum - 1 when no
 * rescaling happened (for log1p precision), else NAN. */
static double series_log(double a, double b, double c, double z, int *sign, double *tail_out)
{
    const long max_terms = 20000000L;
    double term = 1.0, tail = 0.0, log_scale = 0.0;
    int rescaled = 0;
    *sign = 1;
    if (z == 0.0) {
        *tail_out = 0.0;
        return 0.0;
    }
    for (long k = 0; k < max_terms; k++) {
        double ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
        term *= ratio;
        tail += term;
        if (term == 0.0)
            break;   /* a or b is a non-positive integer: the series is a polynomial */
        double sum = rescaled ? tail : 1.0 + tail;
        double next = fabs((a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2))) * z;
        double rho = next > z ? next : z;
        if (rho < 1.0 && fabs(term) * rho / (1.0 - rho) <= 1e-17 * fabs(sum))
            break;
        if (fabs(tail) > 1e250 || fabs(term) > 1e250) {
            if (!rescaled) {
                tail += 1.0;   /* fold the leading 1 in before scaling */
                rescaled = 1;
            }
            tail *= 1e-250;
            term *= 1e-250;
            log_scale += 250.0 * M_LN10;
        }
    }
    double sum = rescaled ? tail : 1.0 + tail;
    *tail_out = rescaled ? NAN : tail;
    if (sum == 0.0) {
        *sign = 0;
        return -INFINITY;
    }
    *sign = sum > 0 ? 1 : -1;
    if (!rescaled && fabs(tail) < 0.5)
        return log1p(tail);
    return log(fabs(sum)) + log_scale;
}

/* Magnitude of the first term ratio: a cheap estimate of how fast a series gets going. */
static double growth(double a, double b, double c)
{
    return fabs(a * b / c) + fabs((a + 1) * (b + 1) / (2 * (c + 1)));
}

double dg__hyp2f1_log(double a, double b, double c, double z, int *sign)
{
    double tail;
    if (z < 0.0) {
        /* Pfaff (A&S 15.3.4/15.3.5): pick the form whose series starts slower */
        double w = z / (z - 1.0);
        double l1mz = log1p(-z);
        int s;
        double lf;
        if (growth(a, c - b, c) <= growth(b, c - a, c))
            lf = -a * l1mz + dg__hyp2f1_log(a, c - b, c, w, &s);
        else
            lf = -b * l1mz + dg__hyp2f1_log(b, c - a, c, w, &s);
        *sign = s;
        return lf;
    }
    if (growth(c - a, c - b, c) < growth(a, b, c)) {
        /* Euler (A&S 15.3.3) */
        double lf = series_log(c - a, c - b, c, z, sign, &tail);
        return (c - a - b) * log1p(-z) + lf;
    }
    return series_log(a, b, c, z, sign, &tail);
}
