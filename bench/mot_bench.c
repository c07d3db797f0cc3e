/* MOT benchmark (BENCHMARKS.md, "MOT"): simulates N visits (default 1,000,000) through the
 * built-in 8-moment cycle in memory — as the demo clinic does: about 90 % of the moments rated,
 * one moment weak, NPS from the ratings, repurchase known for most — and times, in the process,
 * what follows loading: dg_mot_analyse (both cycle scores, the weakest shares, the 16 moment
 * correlations and the 2 cycle-score correlations) and each report view's tables. Prints the
 * figures and the weakest moment found as a check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/mot.h"
#include "dangol/rng.h"

/* CPU seconds of the process: the machine the figures were taken on is shared, and its wall
 * clock counts the other processes' turns too (the wall time is printed at the end). */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int clamp(double x, int lo, int hi)
{
    int v = (int)(x + 0.5 + 100) - 100;
    return v < lo ? lo : v > hi ? hi : v;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    dg_mot_cycle cycle;
    dg_mot_cycle_default(&cycle);
    size_t nm = cycle.n_moments;
    int weak = dg_mot_moment_find(&cycle, "waiting");
    dg_mot_visits v;
    memset(&v, 0, sizeof v);
    v.data.n_visits = n;
    v.data.n_moments = nm;
    v.data.scores = malloc(n * nm * sizeof *v.data.scores);
    v.data.nps = malloc(n);
    v.data.repurchased = malloc(n);
    v.visit_ids = calloc(n, sizeof *v.visit_ids);
    v.customer_ids = calloc(n, sizeof *v.customer_ids);
    v.visited_on = calloc(n, sizeof *v.visited_on);
    if (!v.data.scores || !v.data.nps || !v.data.repurchased || !v.visit_ids ||
        !v.customer_ids || !v.visited_on)
        return 1;
    dg_rng rng;
    dg_rng_seed(&rng, 7);
    char id[32];
    for (size_t i = 0; i < n; i++) {
        double mood = 0.4 * dg_rng_normal(&rng), w = 0.5;
        for (size_t m = 0; m < nm; m++) {
            int16_t s = DG_MOT_UNRATED;
            if (dg_rng_uniform(&rng) < 0.9)
                s = (int16_t)((int)m == weak && dg_rng_uniform(&rng) < 0.3
                                  ? 1 : clamp(4.2 + mood + 0.6 * dg_rng_normal(&rng), 1, 5));
            if ((int)m == weak && s != DG_MOT_UNRATED)
                w = (s - 1) / 4.0;
            v.data.scores[i * nm + m] = s;
        }
        v.data.nps[i] = dg_rng_uniform(&rng) < 0.75
                            ? (int8_t)clamp(6.8 + 3.5 * w + 0.8 * dg_rng_normal(&rng), 0, 10)
                            : -1;
        v.data.repurchased[i] = dg_rng_uniform(&rng) < 0.1 ? -1
                              : dg_rng_uniform(&rng) < 0.4 + 0.3 * w ? 1 : 0;
        snprintf(id, sizeof id, "V%09zu", i);
        v.visit_ids[i] = strdup(id);
        snprintf(id, sizeof id, "C%08zu", i / 3);
        v.customer_ids[i] = strdup(id);
        v.visited_on[i] = 20000 + (int32_t)(i % 700);
    }
    dg_error err;
    dg_error_clear(&err);
    double t0 = now();
    dg_mot_result *r;
    if (dg_mot_analyse(&r, &cycle, &v.data, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double t1 = now();
    printf("visits: %zu, ratings: %.1f M\n", n, (double)n * nm * 0.9 / 1e6);
    printf("dg_mot_analyse: %.3f s CPU (weakest found: %s, rho(waiting, NPS) = %.3f)\n", t1 - t0,
           cycle.moments[r->weakest].code, r->moments[weak].nps.rho);
    free(r);
    static const char *const names[] = { "cycle", "score", "weakest", "visits", "drivers" };
    double total = t1 - t0;
    for (int view = 0; view < 5; view++) {
        dg_report rep = { 0 };
        double a = now();
        if (dg_report_mot(&rep, &cycle, &v, (dg_mot_view)view, 20, &err) != 0) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double b = now();
        total += b - a;
        printf("report %-8s %.3f s CPU\n", names[view], b - a);
        dg_report_clear(&rep);
    }
    printf("analysis + all five views: %.3f s CPU\n", total);
    dg_mot_visits_clear(&v);
    return 0;
}
