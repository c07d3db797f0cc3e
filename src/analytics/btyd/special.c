/* Special functions for the BTYD likelihoods, all in log space: digamma, trigamma, log-beta,
 * log-sum-exp, and the Gauss hypergeometric function 2F1(a,b;c;z) for z < 1.
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

double dg__trigamma(double x)
{
    double result = 0.0;
    if (!(x > 0.0))
        return NAN;
    while (x < 10.0) {   /* psi'(x) = psi'(x+1) + 1/x^2 */
        result += 1.0 / (x * x);
        x += 1.0;
    }
    /* asymptotic expansion, A&S 6.4.12: 1/x + 1/(2x^2) + sum B_2k / x^(2k+1), through B_12;
     * the first term left out (B_14/x^15 = 7/6e-15) is 1e-14 of psi'(10) */
    double f = 1.0 / (x * x);
    result += 1.0 / x + 0.5 * f +
              f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * (5.0 / 66 -
              f * (691.0 / 2730))))));
    return result;
}

double dg__lbeta(double a, double b)
{
    return dg_lgamma(a) + dg_lgamma(b) - dg_lgamma(a + b);
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
static double series_log(double a, double b, double c, double z, long max_terms, int *sign,
                         double *tail_out, int *converged)
{
    double term = 1.0, tail = 0.0, log_scale = 0.0;
    int rescaled = 0;
    *sign = 1;
    *converged = 1;
    if (z == 0.0) {
        *tail_out = 0.0;
        return 0.0;
    }
    *converged = 0;
    double ratio = a * b / c * z;   /* term k+1 / term k, one division per term */
    for (long k = 0; k < max_terms; k++) {
        term *= ratio;
        tail += term;
        if (term == 0.0) {
            *converged = 1;
            break;   /* a or b is a non-positive integer: the series is a polynomial */
        }
        double sum = rescaled ? tail : 1.0 + tail;
        double next = (a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2)) * z;
        double rho = fabs(next) > z ? fabs(next) : z;
        /* the tail after this term is at most |term| rho / (1 - rho) while ratios stay <= rho */
        if (rho < 1.0 && fabs(term) * rho <= 1e-17 * fabs(sum) * (1.0 - rho)) {
            *converged = 1;
            break;
        }
        ratio = next;
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

/* The better of the direct series and Euler's form for 0 <= z < 1, within max_terms. */
static double series_best(double a, double b, double c, double z, long max_terms, int *sign,
                          int *converged)
{
    double tail;
    if (growth(c - a, c - b, c) < growth(a, b, c))
        return (c - a - b) * log1p(-z) + series_log(c - a, c - b, c, z, max_terms, sign, &tail,
                                                    converged);
    return series_log(a, b, c, z, max_terms, sign, &tail, converged);
}

static int nonpositive_integer(double v)
{
    return v <= 0 && floor(v) == v;
}

/* log|G(v)| and its sign */
static double lgamma_signed(double v, int *sign)
{
    int s = 1;
    double l = lgamma_r(v, &s);
    *sign = s;
    return l;
}

/* A&S 15.3.6, for c-a-b not an integer and 1-z small:
 *   F(a,b;c;z) = G(c)G(c-a-b)/(G(c-a)G(c-b)) F(a,b;a+b-c+1;1-z)
 *              + (1-z)^(c-a-b) G(c)G(a+b-c)/(G(a)G(b)) F(c-a,c-b;c-a-b+1;1-z) */
static double one_minus_z_log(double a, double b, double c, double z, int *sign, int *converged)
{
    double w = 1.0 - z, m = c - a - b, l1 = -INFINITY, l2 = -INFINITY;
    int s1 = 0, s2 = 0, sg, ok1 = 1, ok2 = 1;
    if (!nonpositive_integer(c - a) && !nonpositive_integer(c - b)) {
        int sf;
        double lf = series_best(a, b, 1 - m, w, 2000000L, &sf, &ok1);
        l1 = lgamma_signed(c, &sg);
        s1 = sg * sf;
        l1 += lgamma_signed(m, &sg);
        s1 *= sg;
        l1 -= lgamma_signed(c - a, &sg);
        s1 *= sg;
        l1 -= lgamma_signed(c - b, &sg);
        s1 *= sg;
        l1 += lf;
    }
    if (!nonpositive_integer(a) && !nonpositive_integer(b)) {
        int sf;
        double lf = series_best(c - a, c - b, m + 1, w, 2000000L, &sf, &ok2);
        l2 = m * log(w) + lgamma_signed(c, &sg);
        s2 = sg * sf;
        l2 += lgamma_signed(-m, &sg);
        s2 *= sg;
        l2 -= lgamma_signed(a, &sg);
        s2 *= sg;
        l2 -= lgamma_signed(b, &sg);
        s2 *= sg;
        l2 += lf;
    }
    *converged = ok1 && ok2;
    if (s1 == 0 || l1 == -INFINITY) {
        *sign = s2;
        return l2;
    }
    if (s2 == 0 || l2 == -INFINITY) {
        *sign = s1;
        return l1;
    }
    if (s1 == s2) {
        *sign = s1;
        return dg__logaddexp(l1, l2);
    }
    if (l1 == l2) {
        *sign = 0;
        return -INFINITY;
    }
    *sign = l1 > l2 ? s1 : s2;
    return l1 > l2 ? dg__logsubexp(l1, l2) : dg__logsubexp(l2, l1);
}

/* The 1-z form, with b moved off an integer c-a-b by +-delta and the two values averaged
 * (the error is O(delta^2); the cancellation between the two terms costs about log10(1/delta)
 * digits). */
static double near_one_log(double a, double b, double c, double z, int *sign, int *converged)
{
    double m = c - a - b, frac = m - nearbyint(m);
    if (fabs(frac) > 1e-5)
        return one_minus_z_log(a, b, c, z, sign, converged);
    double delta = 2e-5, va = 0.0;
    int ok = 1;
    for (int k = -1; k <= 1; k += 2) {
        int sg, okk;
        double l = one_minus_z_log(a, b + k * delta - frac, c, z, &sg, &okk);
        ok = ok && okk;
        va += sg * exp(l);
    }
    *converged = ok && isfinite(va);
    *sign = va > 0 ? 1 : va < 0 ? -1 : 0;
    return log(fabs(va) / 2);
}

double dg__hyp2f1_log(double a, double b, double c, double z, int *sign)
{
    int converged;
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
    /* a quick try with the better of direct and Euler; near z = 1 the 1-z transformation */
    double lf = series_best(a, b, c, z, 20000L, sign, &converged);
    if (converged)
        return lf;
    if (z > 0.5) {
        lf = near_one_log(a, b, c, z, sign, &converged);
        if (converged && isfinite(lf))
            return lf;
    }
    return series_best(a, b, c, z, 50000000L, sign, &converged);
}

/* log Gamma(a, z), the upper incomplete gamma function, for real a and z > 0.
 * z >= 1: Legendre's continued fraction, evaluated by the modified Lentz method (valid for any a):
 *   Gamma(a,z) = e^-z z^a / (z+1-a - 1(1-a)/(z+3-a - 2(2-a)/(z+5-a - ...)))
 * z < 1: Gamma(b, z) = Gamma(b) - gamma(b, z) with the series of the lower function for
 * b = a + n in (0, 1], then the recurrence Gamma(a, z) = (Gamma(a+1, z) - z^a e^-z) / a down to a
 * (A&S 6.5.22). A non-positive integer a is nudged by 1e-9 (the function is continuous in a). */
double dg__upper_gamma_log(double a, double z)
{
    if (a <= 0 && fabs(a - nearbyint(a)) < 1e-9)
        a = nearbyint(a) + 1e-9;
    if (z >= 1.0) {
        const double tiny = 1e-300;
        double b = z + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
        for (int i = 1; i < 100000; i++) {
            double an = -i * (i - a);
            b += 2.0;
            d = an * d + b;
            if (fabs(d) < tiny)
                d = tiny;
            c = b + an / c;
            if (fabs(c) < tiny)
                c = tiny;
            d = 1.0 / d;
            double delta = d * c;
            h *= delta;
            if (fabs(delta - 1.0) < 1e-16)
                break;
        }
        return -z + a * log(z) + log(h);
    }
    int n = 0;
    double b = a;
    while (b <= 0) {
        b += 1;
        n++;
    }
    /* gamma(b, z) = z^b e^-z sum_k z^k / (b (b+1) ... (b+k)) */
    double term = 1.0 / b, sum = term;
    for (int k = 1; k < 1000; k++) {
        term *= z / (b + k);
        sum += term;
        if (term < 1e-17 * sum)
            break;
    }
    double lower = exp(b * log(z) - z) * sum;
    double value = tgamma(b) - lower;   /* b in (0, 1], z < 1: no overflow */
    for (int k = 0; k < n; k++) {
        b -= 1;   /* Gamma(b, z) = (Gamma(b+1, z) - z^b e^-z) / b */
        value = (value - exp(b * log(z) - z)) / b;
    }
    return log(value);
}
