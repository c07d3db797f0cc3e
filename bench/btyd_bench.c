/* CLV fit benchmark (BENCHMARKS.md, "CLV fits"): BG/NBD + Gamma-Gamma maximum likelihood on the
 * CDNOW sample (2,357 customers; median of repeated runs) and on 1,000,000 simulated customers
 * (times in whole days, weeks as the unit), then the simulated summary's CSV read and the
 * predictions on it. Writes both summaries as CSV for bench/btyd_scipy.py.
 * usage: btyd_bench OUT_DIR [N_CUSTOMERS] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/clv.h"
#include "dangol/clv_io.h"
#include "dangol/text.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double last_cpu;   /* CPU seconds of the last fit_both */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int write_csv(const char *path, size_t n, const double *x, const double *t, const double *T,
                     const double *m)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "frequency,recency,T,monetary_value\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.17g,%.17g,%.17g,%.17g\n", x[i], t[i], T[i], m[i]);
    return fclose(f);
}

/* One BG/NBD + Gamma-Gamma fit; returns seconds. */
static double fit_both(size_t n, double *x, double *t, double *T, double *m, dg_btyd_fit *bf,
                       dg_gg_fit *gf)
{
    dg_error err = {0};
    dg_btyd_data d = {n, x, t, T, NULL, NULL};
    double t0 = now(), c0 = cpu_now();
    if (dg_btyd_fit_data(&d, DG_BTYD_BGNBD, NULL, bf, &err) != 0 ||
        dg_gg_fit_data(&(dg_gg_data){n, x, m, NULL, NULL}, NULL, gf, &err) != 0) {
        fprintf(stderr, "fit failed: %s\n", err.message);
        exit(1);
    }
    last_cpu = cpu_now() - c0;
    return now() - t0;
}

static void report(const char *name, size_t n, double seconds, double cpu, const dg_btyd_fit *bf,
                   const dg_gg_fit *gf)
{
    printf("%s: %zu customers (%zu distinct patterns), BG/NBD + Gamma-Gamma cpu %.2f ms, "
           "wall %.2f ms\n", name, n, bf->n_patterns, cpu * 1e3, seconds * 1e3);
    printf("  bgnbd r=%.4f alpha=%.4f a=%.4f b=%.4f LL=%.2f evals=%d\n", bf->params.p[0],
           bf->params.p[1], bf->params.p[2], bf->params.p[3], bf->loglik, bf->n_evaluations);
    printf("  gammagamma p=%.4f q=%.4f gamma=%.4f LL=%.2f evals=%d\n", gf->params.p,
           gf->params.q, gf->params.gamma, gf->loglik, gf->n_evaluations);
}

/* The summary CSV read (dg_clv_summary_read) and the predictions of `clv predict` on it
 * (dg_clv_predict: P(alive), E[Y(52)], CLV over 52 units undiscounted and at 1 % per unit) on one
 * thread and on the online cores; best of 3 wall times each, with the process CPU time of that
 * run (all threads). */
static void predict_bench(const char *path, const dg_btyd_params *bp, const dg_gg_params *gp)
{
    dg_error err = {0};
    double best_read = HUGE_VAL, read_cpu = HUGE_VAL;
    double best[2][2] = {{HUGE_VAL, HUGE_VAL}, {HUGE_VAL, HUGE_VAL}}, cpu[2][2];
    const double rates[2] = {0.0, 0.01};
    size_t n = 0;
    for (int r = 0; r < 3; r++) {
        dg_clv_summary *s = NULL;
        char **ids = NULL;
        double t0 = now(), c0 = cpu_now();
        if (dg_clv_summary_read(&s, &ids, path, &err) != 0) {
            fprintf(stderr, "%s\n", err.message);
            exit(1);
        }
        best_read = fmin(best_read, now() - t0);
        read_cpu = fmin(read_cpu, cpu_now() - c0);
        n = s->n;
        for (int k = 0; k < 2; k++)
            for (int th = 0; th < 2; th++) {
                dg_clv_summary *copy = NULL;
                dg_clv_report *rep = NULL;
                if (dg_clv_summary_alloc(&copy, n, &err) != 0)
                    exit(1);
                memcpy(copy->frequency, s->frequency, n * sizeof *s->frequency);
                memcpy(copy->recency, s->recency, n * sizeof *s->recency);
                memcpy(copy->T, s->T, n * sizeof *s->T);
                memcpy(copy->monetary, s->monetary, n * sizeof *s->monetary);
                t0 = now();
                c0 = cpu_now();
                if (dg_clv_predict(&rep, copy, bp, gp, 52, rates[k], th ? 0 : 1, &err) != 0) {
                    fprintf(stderr, "%s\n", err.message);
                    exit(1);
                }
                if (now() - t0 < best[k][th]) {
                    best[k][th] = now() - t0;
                    cpu[k][th] = cpu_now() - c0;
                }
                dg_clv_report_free(rep);
            }
        dg_clv_summary_free(s);
        dg_clv_ids_free(ids, n);
    }
    printf("summary read: %zu customers, cpu %.2f ms, wall %.2f ms\n", n, read_cpu * 1e3,
           best_read * 1e3);
    for (int k = 0; k < 2; k++)
        printf("predict (52 units, rate %g): 1 thread cpu %.2f ms, wall %.2f ms; online cores "
               "cpu %.2f ms, wall %.2f ms\n", rates[k], cpu[k][0] * 1e3, best[k][0] * 1e3,
               cpu[k][1] * 1e3, best[k][1] * 1e3);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: btyd_bench OUT_DIR [N_CUSTOMERS]\n");
        return 2;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000;
    char path[4096];
    dg_error err = {0};
    dg_btyd_fit bf;
    dg_gg_fit gf;

    /* CDNOW */
    dg_clv_log *log = NULL;
    dg_clv_summary *s = NULL;
    if (dg_clv_log_read(&log, "../shared/data/CDNOW_sample.txt", &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    dg_clv_period per = {dg_days_from_civil(1997, 9, 30), 0, 7.0, 0};
    if (dg_clv_summary_build(&s, &log->tx, &per, &err) != 0)
        return 1;
    enum { RUNS = 41 };
    double times[RUNS], cpus[RUNS];
    for (int r = 0; r < RUNS; r++) {
        times[r] = fit_both(s->n, s->frequency, s->recency, s->T, s->monetary, &bf, &gf);
        cpus[r] = last_cpu;
    }
    qsort(times, RUNS, sizeof times[0], cmp_double);
    qsort(cpus, RUNS, sizeof cpus[0], cmp_double);
    report("cdnow (median of 41 runs)", s->n, times[RUNS / 2], cpus[RUNS / 2], &bf, &gf);
    snprintf(path, sizeof path, "%s/cdnow.csv", argv[1]);
    write_csv(path, s->n, s->frequency, s->recency, s->T, s->monetary);
    dg_clv_summary_free(s);
    dg_clv_log_free(log);

    /* simulated */
    double *x = malloc(n * sizeof *x), *t = malloc(n * sizeof *t), *T = malloc(n * sizeof *T),
           *m = malloc(n * sizeof *m);
    dg_btyd_params truth = {DG_BTYD_BGNBD, {0.25, 4.0, 0.8, 2.5}};
    dg_gg_params spend = {6.25, 3.74, 15.44};
    if (!x || !t || !T || !m ||
        dg_btyd_simulate(&truth, &spend, n, 0.0, 52.0, 2024, x, t, T, m, &err) != 0)
        return 1;
    for (size_t i = 0; i < n; i++) {
        T[i] = round(T[i] * 7) / 7;
        t[i] = fmin(round(t[i] * 7) / 7, T[i]);
        m[i] = round(m[i] * 100) / 100;
    }
    double best = HUGE_VAL, best_cpu = HUGE_VAL;
    for (int r = 0; r < 3; r++) {
        double sec = fit_both(n, x, t, T, m, &bf, &gf);
        best = sec < best ? sec : best;
        best_cpu = last_cpu < best_cpu ? last_cpu : best_cpu;
    }
    report("simulated (best of 3 runs)", n, best, best_cpu, &bf, &gf);
    printf("  truth: r=0.25 alpha=4 a=0.8 b=2.5; p=6.25 q=3.74 gamma=15.44\n");
    snprintf(path, sizeof path, "%s/sim.csv", argv[1]);
    write_csv(path, n, x, t, T, m);
    predict_bench(path, &bf.params, &gf.params);
    /* BG/BB: n customers from the donation fit of Fader, Hardie & Shang (2010), 1 to 52 whole
     * opportunities, for the whole-process fit in bench/btyd.sh (no spend: monetary 0) */
    dg_btyd_params donation = {DG_BTYD_BGBB, {1.204, 0.750, 0.657, 2.783}};
    if (dg_btyd_simulate(&donation, NULL, n, 1.0, 52.0, 2025, x, t, T, NULL, &err) != 0)
        return 1;
    memset(m, 0, n * sizeof *m);
    snprintf(path, sizeof path, "%s/bgbb.csv", argv[1]);
    write_csv(path, n, x, t, T, m);
    free(x);
    free(t);
    free(T);
    free(m);
    return 0;
}
