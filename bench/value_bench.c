/* Customer value benchmark (BENCHMARKS.md, "Customer value"): N responses to the built-in
 * survey (23 items: 21 component items and 2 outcomes) simulated in memory with known effects,
 * then the analysis timed in the process, after loading: component scores and value, Cronbach's
 * alpha of the seven components, the drivers regression (GSL) and the importance-performance
 * grid by 8 groups. usage: value_bench N */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/cvalue.h"
#include "dangol/rng.h"

/* CPU time of the process: on a shared, loaded machine the wall clock also counts the time
 * other processes held the cores; both are printed */
static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int clamp(double x, int lo, int hi)
{
    long v = lround(x);
    return v < lo ? lo : v > hi ? hi : (int)v;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    dg_error err;
    dg_cvalue_survey s;
    if (dg_cvalue_survey_default(&s, &err) != 0)
        return 1;
    const size_t m = s.n_items, K = DG_CVALUE_COMPONENTS;
    static const double effect[DG_CVALUE_COMPONENTS] = { 0.3, 0.55, 0.1, -0.4, -0.15, -0.05,
                                                         -0.2 };
    dg_cvalue_answers a = { .n = n, .n_items = m, .answers = malloc(n * m * sizeof(int16_t)) };
    double *score = malloc(n * K * sizeof *score), *value = malloc(n * sizeof *value),
           *y = malloc(n * sizeof *y);
    bool *has = malloc(n * K * sizeof *has), *ok = malloc(n * sizeof *ok),
         *y_ok = malloc(n * sizeof *y_ok);
    uint32_t *group = malloc(n * sizeof *group);
    if (!a.answers || !score || !value || !y || !has || !ok || !y_ok || !group)
        return 1;
    dg_rng rng;
    dg_rng_seed(&rng, 1);
    int ri = dg_cvalue_item_find(&s, "repurchase_intent");
    for (size_t r = 0; r < n; r++) {
        double level[DG_CVALUE_COMPONENTS], lin = 3;
        for (size_t k = 0; k < K; k++) {
            level[k] = 3 + 0.8 * dg_rng_normal(&rng);
            lin += effect[k] * (level[k] - 3);
        }
        for (size_t i = 0; i < m; i++) {
            const dg_cvalue_item *it = &s.items[i];
            int v = it->component == DG_CVALUE_OUTCOME ? clamp(lin + 0.5 * dg_rng_normal(&rng), 1, 5)
                  : clamp(level[it->component] + 0.6 * dg_rng_normal(&rng), 1, 5);
            a.answers[r * m + i] = (int16_t)(it->reverse ? 6 - v : v);
        }
        group[r] = (uint32_t)(r % 8);
    }
    const char *labels[8] = { "g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7" };
    double c0 = cpu(), t0 = now();
    dg_cvalue_scores(&s, &a, score, has, value, ok);
    double t1 = now();
    dg_cvalue_alpha al[DG_CVALUE_COMPONENTS];
    dg_cvalue_reliability(&s, &a, al);
    double t2 = now();
    for (size_t r = 0; r < n; r++) {
        y[r] = a.answers[r * m + (size_t)ri];
        y_ok[r] = true;
    }
    dg_cvalue_fit fit;
    if (dg_cvalue_drivers(&fit, &s, &a, score, has, y, y_ok, NULL, 0, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double t3 = now(), c3 = cpu();
    dg_table *t = NULL;
    if (dg_cvalue_grid_table(&t, &s, &a, score, has, y, y_ok, group, labels, 8, "group",
                             &err) != 0)
        return 1;
    double t4 = now();
    printf("%zu responses x %zu items = %zu answers\n", n, m, n * m);
    printf("scores and value: %.3f s\nreliability (alpha x 7): %.3f s\n"
           "drivers (OLS, GSL): %.3f s\ngrid by 8 groups (8 OLS): %.3f s\n"
           "scores + reliability + drivers: %.3f s\n",
           t1 - t0, t2 - t1, t3 - t2, t4 - t3, t3 - t0);
    printf("scores + reliability + drivers, CPU time: %.3f s\n", c3 - c0);
    printf("emotional effect %.4f (0.55 on the latent level, attenuated by the items' noise), "
           "R^2 %.3f, alpha(functional) %.3f\n",
           fit.coef[2], fit.r2, al[0].alpha);
    dg_table_free(t);
    return 0;
}
