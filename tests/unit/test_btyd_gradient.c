/* The analytic gradients of the BG/NBD, MBG/NBD, Pareto/NBD, BG/BB and Gamma-Gamma
 * log-likelihoods (what L-BFGS and the Hessian standard errors run on) against central finite
 * differences of the log-likelihood, at several parameter points and customer patterns, x = 0
 * and t_x = T among them, one customer at a time and all together; the analytic Hessians of
 * BG/NBD, MBG/NBD and Gamma-Gamma (Newton's steps and the standard errors) likewise against
 * differences of the analytic gradient (and test_btyd_reference.c against mpmath). Pareto/NBD's points put
 * alpha above, equal to and below beta, and far from it (the series' zeta beyond 0.99, where
 * log K is integrated by quadrature instead); its packed likelihood is also checked against
 * the per-customer form of Fader & Hardie (2005), eq. (19). (Far along the r/alpha ridge,
 * where these differences lose digits, test_btyd_reference.c checks against mpmath.) */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "analytics/btyd/btyd_internal.h"

/* five-point central difference with a relative step h: error ~ h^4 f^(5) + eps f / h, ~1e-12
 * relative (a two-point one at 1e-5 errs by 1e-6 where Pareto/NBD's K(0) - K(T) cancels) */
#define STEP 1e-3
#define TOL 1e-6

static void check_gradient(dg__loglik_fn loglik, void *ctx, const double *p, int k,
                           const char *what)
{
    double grad[4], q[4];
    double ll = loglik(p, grad, ctx);
    cr_assert(isfinite(ll), "%s: LL %g", what, ll);
    for (int i = 0; i < k; i++) {
        double h = STEP * p[i];
        for (int j = 0; j < k; j++)
            q[j] = p[j];
        static const double offset[4] = {2, 1, -1, -2}, weight[4] = {-1, 8, -8, 1};
        double sum = 0;
        for (int m = 0; m < 4; m++) {
            q[i] = p[i] + offset[m] * h;
            sum += weight[m] * loglik(q, NULL, ctx);
        }
        double fd = sum / (12 * h);
        /* scale: the gradient itself, or what one ulp of LL is worth per unit of p[i] */
        double scale = fmax(fabs(fd), (1 + fabs(ll)) / p[i] * 1e-4);
        cr_expect(fabs(grad[i] - fd) <= TOL * scale,
                  "%s, parameter %d (p = %g %g %g %g): analytic %.12g, finite difference %.12g",
                  what, i, p[0], p[1], p[2], k > 3 ? p[3] : 0.0, grad[i], fd);
    }
}

/* The Hessian pass's LL and gradient are the gradient pass's, to the bit; its Hessian is the
 * five-point central difference of the analytic gradient (same STEP and TOL). */
static void check_hessian(dg__hessian_fn hessian, dg__loglik_fn loglik, void *ctx,
                          const double *p, int k, const char *what)
{
    double grad[4], grad_h[4], hess[4][4], fd[4][4], q[4];
    double ll = loglik(p, grad, ctx), ll_h = hessian(p, grad_h, hess, ctx);
    cr_expect(ll_h == ll, "%s: LL %.17g with the Hessian, %.17g without", what, ll_h, ll);
    for (int i = 0; i < k; i++)
        cr_expect(grad_h[i] == grad[i], "%s: d/dp%d %.17g with the Hessian, %.17g without",
                  what, i, grad_h[i], grad[i]);
    for (int j = 0; j < k; j++) {
        double h = STEP * p[j], g[4];
        static const double offset[4] = {2, 1, -1, -2}, weight[4] = {-1, 8, -8, 1};
        for (int i = 0; i < k; i++)
            fd[i][j] = 0.0;
        for (int m = 0; m < 4; m++) {
            for (int i = 0; i < k; i++)
                q[i] = p[i];
            q[j] = p[j] + offset[m] * h;
            loglik(q, g, ctx);
            for (int i = 0; i < k; i++)
                fd[i][j] += weight[m] * g[i] / (12 * h);
        }
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            cr_expect(hess[i][j] == hess[j][i], "%s: Hessian not symmetric", what);
            /* the entry itself, a thousandth of the geometric mean of its diagonal (an
             * off-diagonal entry may be zero, or nearly so, by the model's form), or what one
             * ulp of LL is worth per unit of p[i] p[j] (as check_gradient) */
            double scale = fmax(fmax(fabs(fd[i][j]), 1e-3 * sqrt(fabs(fd[i][i] * fd[j][j]))),
                                (1 + fabs(ll)) / (p[i] * p[j]) * 1e-4);
            cr_expect(fabs(hess[i][j] - fd[i][j]) <= TOL * scale,
                      "%s, entry (%d, %d) (p = %g %g %g %g): analytic %.12g, finite "
                      "difference %.12g", what, i, j, p[0], p[1], p[2], k > 3 ? p[3] : 0.0,
                      hess[i][j], fd[i][j]);
        }
}

static const double patterns[][3] = {
    {0, 0, 38.86}, {0, 0, 0.5}, {1, 0.5, 5}, {2, 30.43, 38.86}, {10, 38.86, 38.86},
    {100, 10, 38.86}, {1000, 500, 1000}, {3, 1e-3, 1e4},
};
#define N_PATTERNS (sizeof patterns / sizeof patterns[0])

static const double bgnbd_points[][4] = {
    {0.2426, 4.4136, 0.7929, 2.4259}, {1.5, 20.0, 2.5, 8.0}, {0.05, 0.5, 0.3, 0.2},
    {10, 100, 5, 50},
};

static void check_points(dg__loglik_fn loglik, dg__hessian_fn hessian, const char *name,
                         const double (*points)[4], size_t n_points, const double (*pat)[3],
                         size_t n_pat, double (*one)(const double *, double, double, double))
{
    double x[16], t[16], T[16];
    for (size_t i = 0; i < n_pat; i++) {
        x[i] = pat[i][0];
        t[i] = pat[i][1];
        T[i] = pat[i][2];
    }
    dg_error err = {0};
    char what[128];
    for (size_t j = 0; j < n_points; j++) {
        for (size_t i = 0; i <= n_pat; i++) {
            /* i < n_pat: that customer alone; i = n_pat: all of them */
            dg_btyd_data d = i < n_pat ? (dg_btyd_data){1, x + i, t + i, T + i, NULL, NULL}
                                       : (dg_btyd_data){n_pat, x, t, T, NULL, NULL};
            dg__btyd_pack pack;
            cr_assert_eq(dg__btyd_pack_build(&pack, &d, &err), 0, "%s", err.message);
            if (i < n_pat)
                snprintf(what, sizeof what, "%s (x %g, t_x %g, T %g)", name, x[i], t[i], T[i]);
            else
                snprintf(what, sizeof what, "%s (all patterns)", name);
            check_gradient(loglik, &pack, points[j], 4, what);
            if (hessian)
                check_hessian(hessian, loglik, &pack, points[j], 4, what);
            if (one) {
                /* the packed likelihood is the sum of the per-customer form */
                double sum = 0, ll = loglik(points[j], NULL, &pack);
                for (size_t c = 0; c < d.n_customers; c++)
                    sum += one(points[j], d.frequency[c], d.recency[c], d.age[c]);
                cr_expect(fabs(ll - sum) <= 1e-11 * fabs(sum), "%s: packed %.15g, one by one "
                          "%.15g", what, ll, sum);
            }
            dg__btyd_pack_free(&pack);
        }
    }
}

static void check_btyd(dg__loglik_fn loglik, dg__hessian_fn hessian, const char *name)
{
    check_points(loglik, hessian, name, bgnbd_points,
                 sizeof bgnbd_points / sizeof bgnbd_points[0], patterns, N_PATTERNS, NULL);
}

Test(btyd_gradient, bgnbd)
{
    check_btyd(dg__bgnbd_loglik_pack, dg__bgnbd_hessian_pack, "bgnbd");
}

Test(btyd_gradient, mbgnbd)
{
    check_btyd(dg__mbgnbd_loglik_pack, dg__mbgnbd_hessian_pack, "mbgnbd");
}

Test(btyd_gradient, paretonbd)
{
    /* alpha > beta, the CDNOW fit (alpha < beta), alpha = beta, beta far above alpha and alpha
     * far above beta (zeta up to 1 - 1e-3 at t = 0), large r and s */
    const double points[][4] = {
        {0.2426, 4.4136, 0.7929, 2.4259}, {0.5533, 10.5776, 0.6061, 11.6650}, {1, 5, 1, 5},
        {0.5, 0.1, 2, 50}, {0.5, 100, 0.8, 0.1}, {10, 100, 5, 50}, {0.05, 0.5, 30, 2000},
        {0.9, 0.8, 1.3, 700},
    };
    check_points(dg__paretonbd_loglik_pack, NULL, "paretonbd", points,
                 sizeof points / sizeof points[0], patterns, N_PATTERNS,
                 dg__paretonbd_loglik_one);
}

static double bgbb_one(const double *p, double x, double t_x, double n)
{
    return dg__bgbb_loglik_one(p, x, t_x, n);
}

Test(btyd_gradient, bgbb)
{
    /* (x, t_x, n): no repeat, t_x = n, long gaps, n = 2000 (the bound) */
    const double pat[][3] = {{0, 0, 6}, {0, 0, 1}, {1, 1, 6}, {3, 5, 6}, {6, 6, 6},
                             {2, 3, 40}, {100, 150, 2000}, {1, 1, 2000}};
    const double points[][4] = {{1.204, 0.750, 0.657, 2.783}, {0.5, 2, 0.5, 2},
                                {5, 5, 1, 20}, {0.05, 0.3, 3, 0.4}, {30, 80, 1, 1}};
    check_points(dg__bgbb_loglik_pack, NULL, "bgbb", points, sizeof points / sizeof points[0],
                 pat, sizeof pat / sizeof pat[0], bgbb_one);
}

Test(btyd_gradient, gamma_gamma)
{
    /* x = 0 customers are left out of the Gamma-Gamma likelihood; they are in the data */
    const double x[] = {0, 1, 2, 10, 1000, 0, 3, 1};
    const double m[] = {0, 15, 35.7, 0.01, 1e5, 12, 24.5, 1e-3};
    const double points[][3] = {{6.25, 3.74, 15.44}, {0.8, 1.5, 200}, {20, 0.5, 1e4},
                                {0.1, 30, 0.5}};
    dg_error err = {0};
    dg__gg_pack pack;
    dg_gg_data g = {sizeof x / sizeof x[0], x, m, NULL, NULL};
    size_t no_repeat, not_positive;
    cr_assert_eq(dg__gg_pack_build(&pack, &g, &no_repeat, &not_positive, &err), 0, "%s",
                 err.message);
    cr_expect_eq(no_repeat, 2);
    cr_expect_eq(not_positive, 0);
    cr_expect_eq(pack.n_customers, 6);
    for (size_t j = 0; j < sizeof points / sizeof points[0]; j++) {
        check_gradient(dg__gg_loglik_pack, &pack, points[j], 3, "gammagamma");
        check_hessian(dg__gg_hessian_pack, dg__gg_loglik_pack, &pack, points[j], 3,
                      "gammagamma");
    }
    dg__gg_pack_free(&pack);
}
