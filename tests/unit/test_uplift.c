/* Campaign experiments (dangol/uplift.h): the stratified assignment is the same for a seed,
 * differs for another, holds each stratum's share to within half a customer and does not move a
 * stratum's draw when another stratum changes; the Newcombe interval reproduces the published
 * example (Newcombe 1998, table II, 56/70 - 48/80); Newcombe and Welch agree with an independent
 * scipy computation on random data (tests/unit/uplift_reference.py); the share parser. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/campaign.h"
#include "dangol/rng.h"
#include "dangol/uplift.h"

static const char *const labels[4] = { "Champions", "Loyal", "At Risk", "Lost" };

static void draw(uint8_t *control, const uint32_t *stratum, size_t n, uint64_t seed, double share)
{
    dg_error err;
    cr_assert_eq(dg_uplift_assign(control, stratum, n, labels, 4, seed, share, &err), 0, "%s",
                 err.message);
}

Test(uplift, assignment_is_deterministic_and_balanced_per_stratum)
{
    enum { N = 1003 };
    static uint32_t stratum[N];
    static uint8_t a[N], b[N], c[N];
    for (size_t i = 0; i < N; i++)
        stratum[i] = (uint32_t)((i * 7 + i / 3) % 4);
    draw(a, stratum, N, 42, 0.1);
    draw(b, stratum, N, 42, 0.1);
    draw(c, stratum, N, 43, 0.1);
    cr_assert(memcmp(a, b, N) == 0, "the same seed draws the same groups");
    cr_assert(memcmp(a, c, N) != 0, "another seed draws other groups");
    for (uint32_t s = 0; s < 4; s++) {
        size_t n_s = 0, k = 0;
        for (size_t i = 0; i < N; i++)
            if (stratum[i] == s) {
                n_s++;
                k += a[i];
            }
        cr_assert_leq(fabs((double)k - 0.1 * (double)n_s), 0.5, "stratum %u: %zu of %zu", s, k,
                      n_s);
    }
    /* a stratum's draw does not depend on the others: drop stratum 3, the rest stay */
    static uint32_t fewer[N];
    static uint8_t d[N];
    size_t m = 0;
    for (size_t i = 0; i < N; i++)
        if (stratum[i] != 3)
            fewer[m++] = stratum[i];
    draw(d, fewer, m, 42, 0.1);
    for (size_t i = 0, j = 0; i < N; i++)
        if (stratum[i] != 3)
            cr_assert_eq(a[i], d[j++], "member %zu moved", i);
}

Test(uplift, assignment_share_bounds)
{
    uint32_t stratum[10] = { 0 };
    uint8_t control[10];
    dg_error err;
    cr_assert_eq(dg_uplift_assign(control, stratum, 10, labels, 1, 1, 0.0, &err), DG_ERANGE);
    cr_assert_eq(dg_uplift_assign(control, stratum, 10, labels, 1, 1, 1.0, &err), DG_ERANGE);
    cr_assert_eq(dg_uplift_assign(control, stratum, 10, labels, 1, 1, 0.5, &err), 0);
    int k = 0;
    for (int i = 0; i < 10; i++)
        k += control[i];
    cr_assert_eq(k, 5);
}

Test(uplift, newcombe_published_example)
{
    /* Newcombe 1998, Statistics in Medicine 17:873-890, table II, example (a): 56/70 - 48/80,
     * method 10: 0.0524 to 0.3339 */
    dg_uplift_arm t = { .customers = 70, .responders = 56 }, c = { .customers = 80,
                                                                   .responders = 48 };
    dg_uplift u;
    dg_error err;
    cr_assert_eq(dg_uplift_compute(&u, &t, &c, 0.95, &err), 0);
    cr_assert_float_eq(u.rate_diff.estimate, 0.2, 1e-12);
    cr_assert_float_eq(u.rate_diff.low, 0.0524, 5e-5, "%f", u.rate_diff.low);
    cr_assert_float_eq(u.rate_diff.high, 0.3339, 5e-5, "%f", u.rate_diff.high);
    /* the Wilson interval of 0/10: 0 to 0.2775 (Newcombe 1998b, Statistics in Medicine
     * 17:857-872, table I, method 3) */
    dg_uplift_interval w = dg_uplift_wilson(0, 10, 0.95);
    cr_assert_float_eq(w.low, 0.0, 1e-12);
    cr_assert_float_eq(w.high, 0.2775, 5e-5, "%f", w.high);
}

Test(uplift, agrees_with_scipy_on_random_data)
{
    if (access("/usr/bin/python3", X_OK) != 0)
        cr_skip_test("no /usr/bin/python3 for the scipy reference");
    char path[64];
    snprintf(path, sizeof path, "/tmp/dangol-uplift-%d.txt", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    dg_rng rng;
    dg_rng_seed(&rng, 2024);
    dg_uplift_arm arm[2] = { { 0 }, { 0 } };
    const int n[2] = { 487, 61 };
    for (int g = 0; g < 2; g++) {
        for (int i = 0; i < n[g]; i++) {
            double p = g == 0 ? 0.31 : 0.22;
            double revenue = dg_rng_uniform(&rng) < p ? floor(dg_rng_gamma(&rng, 2.0, 1e-4)) + 1
                                                      : 0.0;
            fprintf(f, "%.0f\n", revenue);
            arm[g].customers++;
            arm[g].responders += revenue > 0;
            arm[g].revenue_sum += revenue;
            arm[g].revenue_sumsq += revenue * revenue;
        }
        fprintf(f, "\n");
    }
    fclose(f);
    char cmd[160], line[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/unit/uplift_reference.py %s", path);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    char *got = fgets(line, sizeof line, p);
    int status = pclose(p);
    remove(path);
    if (status != 0 || !got)
        cr_skip_test("the scipy reference did not run (scipy missing?)");
    double rl, rh, ml, mh, df;
    cr_assert_eq(sscanf(line, "%lf %lf %lf %lf %lf", &rl, &rh, &ml, &mh, &df), 5, "%s", line);
    dg_uplift u;
    dg_error err;
    cr_assert_eq(dg_uplift_compute(&u, &arm[0], &arm[1], 0.95, &err), 0);
    cr_assert_float_eq(u.rate_diff.low, rl, 1e-9);
    cr_assert_float_eq(u.rate_diff.high, rh, 1e-9);
    cr_assert_float_eq(u.welch_df, df, 1e-6 * df);
    cr_assert_float_eq(u.rpc_diff.low, ml, 1e-6 * fabs(ml) + 1e-6);
    cr_assert_float_eq(u.rpc_diff.high, mh, 1e-6 * fabs(mh) + 1e-6);
}

Test(uplift, share_parse)
{
    int64_t bp = 0;
    dg_error err;
    cr_assert_eq(dg_campaign_share_parse("0.1", &bp, &err), 0);
    cr_assert_eq(bp, 1000);
    cr_assert_eq(dg_campaign_share_parse("12.5%", &bp, &err), 0);
    cr_assert_eq(bp, 1250);
    cr_assert_eq(dg_campaign_share_parse("0", &bp, &err), DG_ERANGE);
    cr_assert_eq(dg_campaign_share_parse("1", &bp, &err), DG_ERANGE);
    cr_assert_eq(dg_campaign_share_parse("100%", &bp, &err), DG_ERANGE);
    cr_assert_eq(dg_campaign_share_parse("-0.2", &bp, &err), DG_ERANGE);
    cr_assert_eq(dg_campaign_share_parse("ten", &bp, &err), DG_EPARSE);
    cr_assert_eq(dg_campaign_share_parse("0.00001", &bp, &err), DG_EPARSE);
}
