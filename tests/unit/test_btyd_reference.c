/* BTYD per-customer quantities and 2F1 against an independent mpmath computation
 * (tests/helpers/btyd_reference.py, run with Debian's /usr/bin/python3): 1e-6 relative on a grid
 * that includes x = 0, t_x = T, x = 1000, T = 1e5 and horizons of 1e4. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/btyd/btyd_internal.h"
#include "dangol/btyd.h"
#include "dangol/clv.h"

#define REL_TOL 1e-6

static int close_enough(double got, double want)
{
    if (!isfinite(got))
        return 0;
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1e-300;
    return fabs(got - want) <= REL_TOL * scale;
}

Test(btyd_reference, matches_mpmath_on_the_grid, .timeout = 120)
{
    FILE *p = popen("/usr/bin/python3 tests/helpers/btyd_reference.py", "r");
    cr_assert_not_null(p);
    char line[1024];
    int n = 0, bad = 0;
    int per_tag[9] = {0};
    const char *tags[] = {"hyp2f1", "ll", "palive", "expected", "gg_ll", "gg_spend", "clv",
                          "uppergamma", "dert"};
    while (fgets(line, sizeof line, p)) {
        char tag[32], model[32];
        double v[16];
        int k = 0, off = 0;
        if (sscanf(line, "%31s%n", tag, &off) != 1)
            continue;
        char *s = line + off;
        int has_model = strcmp(tag, "ll") == 0 || strcmp(tag, "palive") == 0 ||
                        strcmp(tag, "expected") == 0 || strcmp(tag, "clv") == 0 ||
                        strcmp(tag, "dert") == 0;
        if (has_model) {
            cr_assert_eq(sscanf(s, "%31s%n", model, &off), 1);
            s += off;
        }
        char *end;
        while (k < 16 && (v[k] = strtod(s, &end), end != s)) {
            s = end;
            k++;
        }
        double got = NAN, want = v[k - 1];
        if (strcmp(tag, "hyp2f1") == 0) {
            int sign;
            got = dg__hyp2f1_log(v[0], v[1], v[2], v[3], &sign);
            want = v[4];
            if (sign != (int)v[5])
                got = NAN;
            /* compare log|F| absolutely: F itself to 1e-6 relative means |d log F| <= 1e-6 */
            if (isfinite(got) && fabs(got - want) <= REL_TOL)
                got = want;
        } else if (has_model) {
            dg_btyd_params par;
            cr_assert_eq(dg_btyd_model_parse(model, &par.model), 0);
            memcpy(par.p, v, sizeof par.p);
            if (strcmp(tag, "ll") == 0)
                got = dg_btyd_loglik_one(&par, v[4], v[5], v[6]);
            else if (strcmp(tag, "palive") == 0)
                got = dg_btyd_p_alive(&par, v[4], v[5], v[6]);
            else if (strcmp(tag, "expected") == 0)
                got = dg_btyd_expected(&par, v[4], v[5], v[6], v[7]);
            else if (strcmp(tag, "dert") == 0)
                cr_assert_eq(dg_btyd_dert(&par, v[4], v[5], v[6], v[7], &got), 0);
            else
                got = dg_clv_value(&par, v[4], v[5], v[6], v[7], v[8], v[9]);
        } else if (strcmp(tag, "uppergamma") == 0) {
            got = dg__upper_gamma_log(v[0], v[1]);
            want = v[2];
            if (isfinite(got) && fabs(got - want) <= REL_TOL)   /* log scale, as for 2F1 */
                got = want;
        } else {
            dg_gg_params g = {v[0], v[1], v[2]};
            got = strcmp(tag, "gg_ll") == 0 ? dg_gg_loglik_one(&g, v[3], v[4])
                                           : dg_gg_expected_spend(&g, v[3], v[4]);
        }
        n++;
        for (int t = 0; t < 9; t++)
            if (strcmp(tag, tags[t]) == 0)
                per_tag[t]++;
        if (!close_enough(got, want)) {
            if (bad < 25)
                fprintf(stderr, "mismatch: got %.12g for %s", got, line);
            bad++;
        }
    }
    cr_assert_eq(pclose(p), 0, "the reference helper failed");
    for (int t = 0; t < 9; t++)
        cr_expect_gt(per_tag[t], 0, "no %s reference values", tags[t]);
    cr_assert_gt(n, 1000);
    cr_assert_eq(bad, 0, "%d of %d values differ from mpmath by more than 1e-6 relative", bad, n);
}

/* Pareto/NBD far along the r/alpha ridge, where a small store's fit walks (r, alpha in the
 * thousands, zeta = |alpha-beta|/(alpha+t) -> 1, log K by quadrature): the packed
 * log-likelihood and its analytic gradient against mpmath, and the work per (x, time) pair
 * bounded by the quadrature's nodes whatever r and alpha are. */
Test(btyd_reference, paretonbd_far_on_the_ridge, .timeout = 120)
{
    FILE *p = popen("/usr/bin/python3 tests/helpers/btyd_reference.py pnbd_far", "r");
    cr_assert_not_null(p);
    char line[1024];
    int n = 0;
    dg_error err = {0};
    while (fgets(line, sizeof line, p)) {
        double v[12];
        if (sscanf(line, "pnbd_far %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf", v, v + 1,
                   v + 2, v + 3, v + 4, v + 5, v + 6, v + 7, v + 8, v + 9, v + 10, v + 11) != 12)
            continue;
        dg_btyd_data d = {1, v + 4, v + 5, v + 6, NULL, NULL};
        dg__btyd_pack pack;
        cr_assert_eq(dg__btyd_pack_build(&pack, &d, &err), 0, "%s", err.message);
        double grad[4], ll = dg__paretonbd_loglik_pack(v, grad, &pack);
        cr_expect(fabs(ll - v[7]) <= 1e-10 * fmax(1.0, fabs(v[7])), "LL %.15g for %s", ll, line);
        for (int k = 0; k < 4; k++) {
            /* relative, or what 1e-10 of LL is worth per unit of the parameter */
            double scale = fmax(fabs(v[8 + k]), 1e-10 * (1 + fabs(v[7])) / v[k]);
            cr_expect(fabs(grad[k] - v[8 + k]) <= 1e-8 * scale,
                      "d/dp%d %.15g for %s", k, grad[k], line);
        }
        if (v[1] > 1000 * v[3])   /* zeta > 0.99 at every t here: quadrature only */
            cr_expect(pack.k_terms <= 2 * 129.0, "%g terms for two pairs: %s", pack.k_terms,
                      line);
        dg__btyd_pack_free(&pack);
        n++;
    }
    cr_assert_eq(pclose(p), 0, "the reference helper failed");
    cr_assert_eq(n, 21);
}

/* expect |got - want| <= rel |want| + abs */
static void expect_near(double got, double want, double rel, double abs, const char *what,
                        int i, const char *line)
{
    cr_expect(fabs(got - want) <= rel * fabs(want) + abs, "%s %d: %.17g, sympy %.17g, for %s",
              what, i, got, want, line);
}

/* The analytic Hessians (BG/NBD, MBG/NBD, Gamma-Gamma: Newton's steps and the standard errors)
 * against sympy's symbolic second derivatives of the papers' formulas, at 30 digits: LL to
 * 1e-10, the gradient and the Hessian to 1e-8 of the entry, give or take what 1e-12 of LL is
 * worth per unit of the parameters (and, off the diagonal, 1e-9 of the geometric mean of the
 * diagonal entries) for entries that are zero or nearly so by the model's form. */
Test(btyd_reference, hessians_match_sympy, .timeout = 300)
{
    FILE *p = popen("/usr/bin/python3 tests/helpers/btyd_reference.py hessian", "r");
    cr_assert_not_null(p);
    char line[2048];
    int n_btyd = 0, n_gg = 0;
    dg_error err = {0};
    while (fgets(line, sizeof line, p)) {
        char tag[16], model[16];
        double v[32], grad[4], hess[4][4], ll;
        int off = 0, k = 0, np;
        if (sscanf(line, "%15s%n", tag, &off) != 1)
            continue;
        char *s = line + off, *end;
        int btyd = strcmp(tag, "hess") == 0;
        if (btyd) {
            cr_assert_eq(sscanf(s, "%15s%n", model, &off), 1);
            s += off;
        } else if (strcmp(tag, "gg_hess") != 0) {
            continue;
        }
        while (k < 32 && (v[k] = strtod(s, &end), end != s)) {
            s = end;
            k++;
        }
        if (btyd) {
            np = 4;
            cr_assert_eq(k, 22, "%s", line);
            dg_btyd_data d = {1, v + 4, v + 5, v + 6, NULL, NULL};
            dg__btyd_pack pack;
            cr_assert_eq(dg__btyd_pack_build(&pack, &d, &err), 0, "%s", err.message);
            ll = strcmp(model, "mbgnbd") == 0 ? dg__mbgnbd_hessian_pack(v, grad, hess, &pack)
                                              : dg__bgnbd_hessian_pack(v, grad, hess, &pack);
            dg__btyd_pack_free(&pack);
            n_btyd++;
        } else {
            np = 3;
            cr_assert_eq(k, 15, "%s", line);
            /* one customer weighing 3 (a Gamma-Gamma fit needs 3), then divided by 3 */
            double three = 3.0;
            dg_gg_data d = {1, v + 3, v + 4, &three, NULL};
            dg__gg_pack pack;
            size_t no_repeat, not_positive;
            cr_assert_eq(dg__gg_pack_build(&pack, &d, &no_repeat, &not_positive, &err), 0, "%s",
                         err.message);
            ll = dg__gg_hessian_pack(v, grad, hess, &pack) / 3;
            for (int i = 0; i < 3; i++) {
                grad[i] /= 3;
                for (int j = 0; j < 3; j++)
                    hess[i][j] /= 3;
            }
            dg__gg_pack_free(&pack);
            n_gg++;
        }
        /* after the parameters and the data: LL, the gradient, the Hessian's upper triangle */
        const double *want = v + k - (1 + np + np * (np + 1) / 2);
        double ll_want = want[0], ulp_ll = 1e-12 * (1 + fabs(ll_want));
        expect_near(ll, ll_want, 1e-10, 0.0, "LL", 0, line);
        for (int i = 0; i < np; i++)
            expect_near(grad[i], want[1 + i], 1e-8, ulp_ll / v[i], "d/dp", i, line);
        const double *h = want + 1 + np;
        double diag[4];
        for (int i = 0, m = 0; i < np; i++)
            for (int j = i; j < np; j++, m++)
                if (i == j)
                    diag[i] = h[m];
        for (int i = 0, m = 0; i < np; i++)
            for (int j = i; j < np; j++, m++)
                expect_near(hess[i][j], h[m], 1e-8,
                            ulp_ll / (v[i] * v[j]) + (i == j ? 0.0 : 1e-9 * sqrt(fabs(diag[i] *
                            diag[j]))), "Hessian entry (by rows)", m, line);
    }
    cr_assert_eq(pclose(p), 0, "the reference helper failed");
    cr_assert_eq(n_btyd, 48);
    cr_assert_eq(n_gg, 36);
}
