/* The analytic gradients of the BG/NBD, MBG/NBD and Gamma-Gamma log-likelihoods (what L-BFGS
 * and the Hessian standard errors run on) against central finite differences of the
 * log-likelihood, at several parameter points and customer patterns, x = 0 and t_x = T among
 * them, one customer at a time and all together. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "analytics/btyd/btyd_internal.h"

/* central difference with a relative step h: error ~ h^2 f''' + eps f / h, ~1e-10 relative */
#define STEP 1e-5
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
        q[i] = p[i] + h;
        double up = loglik(q, NULL, ctx);
        q[i] = p[i] - h;
        double down = loglik(q, NULL, ctx);
        double fd = (up - down) / (2 * h);
        /* scale: the gradient itself, or what one ulp of LL is worth per unit of p[i] */
        double scale = fmax(fabs(fd), (1 + fabs(ll)) / p[i] * 1e-4);
        cr_expect(fabs(grad[i] - fd) <= TOL * scale,
                  "%s, parameter %d (p = %g %g %g %g): analytic %.12g, finite difference %.12g",
                  what, i, p[0], p[1], p[2], k > 3 ? p[3] : 0.0, grad[i], fd);
    }
}

static const double patterns[][3] = {
    {0, 0, 38.86}, {0, 0, 0.5}, {1, 0.5, 5}, {2, 30.43, 38.86}, {10, 38.86, 38.86},
    {100, 10, 38.86}, {1000, 500, 1000}, {3, 1e-3, 1e4},
};
#define N_PATTERNS (sizeof patterns / sizeof patterns[0])

static void check_btyd(dg__loglik_fn loglik, const char *name)
{
    const double points[][4] = {
        {0.2426, 4.4136, 0.7929, 2.4259}, {1.5, 20.0, 2.5, 8.0}, {0.05, 0.5, 0.3, 0.2},
        {10, 100, 5, 50},
    };
    double x[N_PATTERNS], t[N_PATTERNS], T[N_PATTERNS];
    for (size_t i = 0; i < N_PATTERNS; i++) {
        x[i] = patterns[i][0];
        t[i] = patterns[i][1];
        T[i] = patterns[i][2];
    }
    dg_error err = {0};
    char what[128];
    for (size_t j = 0; j < sizeof points / sizeof points[0]; j++) {
        for (size_t i = 0; i <= N_PATTERNS; i++) {
            /* i < N_PATTERNS: that customer alone; i = N_PATTERNS: all of them */
            dg_btyd_data d = i < N_PATTERNS ? (dg_btyd_data){1, x + i, t + i, T + i, NULL, NULL}
                                            : (dg_btyd_data){N_PATTERNS, x, t, T, NULL, NULL};
            dg__btyd_pack pack;
            cr_assert_eq(dg__btyd_pack_build(&pack, &d, &err), 0, "%s", err.message);
            if (i < N_PATTERNS)
                snprintf(what, sizeof what, "%s (x %g, t_x %g, T %g)", name, x[i], t[i], T[i]);
            else
                snprintf(what, sizeof what, "%s (all patterns)", name);
            check_gradient(loglik, &pack, points[j], 4, what);
            dg__btyd_pack_free(&pack);
        }
    }
}

Test(btyd_gradient, bgnbd)
{
    check_btyd(dg__bgnbd_loglik_pack, "bgnbd");
}

Test(btyd_gradient, mbgnbd)
{
    check_btyd(dg__mbgnbd_loglik_pack, "mbgnbd");
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
    for (size_t j = 0; j < sizeof points / sizeof points[0]; j++)
        check_gradient(dg__gg_loglik_pack, &pack, points[j], 3, "gammagamma");
    dg__gg_pack_free(&pack);
}
