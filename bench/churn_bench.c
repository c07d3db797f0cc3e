/* Churn benchmark (BENCHMARKS.md, "Churn"): builds a frame of N simulated customers by hand
 * (dg_frame_builder, no store: the figure is the model alone) from a BG/NBD-like process —
 * acquisition over three years, Poisson purchases at a gamma-distributed rate, dropout after each
 * purchase with a beta-distributed probability, lognormal amounts, four channels — then times
 * the training of the setting (XGBoost, 100 trees, depth 6, tree_method hist, 2 threads,
 * H = 180, no validation: features, labels and the fit), and the scoring of every customer on the
 * last day's features (the feature table, then the prediction alone: dangol's walk of the trees,
 * src/analytics/churn_forest.c), then XGBoost's own predictor on the same rows for comparison
 * (the float matrix, the DMatrix and the prediction; the scores must agree), and prints the
 * model's in-sample figures as a sanity check.
 * usage: churn_bench N */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dangol/churn.h"
#include "dangol/rng.h"
#include "dangol/text.h"
#include "../tests/helpers/xgb_reference.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the whole process (all threads): on a machine shared with other work the wall
 * clock says more about the neighbours than about the code */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int die(const dg_error *err)
{
    fprintf(stderr, "churn bench: %s\n", err->message);
    return 1;
}

/* Gamma(shape, 1) by Marsaglia & Tsang (2000), shape >= 1 */
static double gamma1(dg_rng *rng, double shape)
{
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = dg_rng_normal(rng), v = 1.0 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = dg_rng_uniform(rng);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v;
    }
}

static dg_frame *simulate(size_t n, int32_t as_of, dg_error *err)
{
    int32_t start = as_of - 3 * 365;
    const char *channels[] = { "online", "store", "call_centre", "home_shopping" };
    dg_frame_builder *b = NULL;
    dg_frame *f = NULL;
    if (dg_frame_builder_new(&b, as_of, false, err) != 0)
        return NULL;
    dg_rng rng;
    dg_rng_seed(&rng, 2027);
    char id[24];
    for (size_t c = 0; c < n; c++) {
        snprintf(id, sizeof id, "C%08zu", c);
        int32_t day = start + (int32_t)dg_rng_below(&rng, 3 * 365 - 30);
        dg_frame_customer_in in = { .customer_id = id, .has_acquired_day = true,
                                    .acquired_day = day };
        if (dg_frame_add_customer(b, &in, err) != 0)
            goto fail;
        double rate = gamma1(&rng, 2.0) / 60.0;            /* purchases per day, mean 1/30 */
        double p_drop = 0.05 + 0.4 * dg_rng_uniform(&rng);
        size_t channel = dg_rng_below(&rng, 4);
        for (;;) {
            dg_frame_order_in o = { .customer_id = id, .ordered_at = (int64_t)day * 86400,
                                    .amount_minor = (int64_t)exp(10.3 + 0.6 * dg_rng_normal(&rng)),
                                    .channel = channels[dg_rng_below(&rng, 4) == 0
                                                        ? dg_rng_below(&rng, 4) : channel] };
            if (dg_frame_add_order(b, &o, err) != 0)
                goto fail;
            if (dg_rng_uniform(&rng) < p_drop)
                break;
            day += 1 + (int32_t)dg_rng_exponential(&rng, rate);
            if (day > as_of)
                break;
        }
    }
    dg_frame_builder_finish(&f, b, err);
fail:
    dg_frame_builder_free(b);
    return f;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    int32_t as_of = dg_days_from_civil(2025, 12, 31);
    dg_error err;
    dg_error_clear(&err);
    double t0 = now();
    dg_frame *frame = simulate(n, as_of, &err);
    if (!frame)
        return die(&err);
    printf("frame: %zu customers, %zu orders, built in %.1f s\n", frame->n_customers,
           frame->n_orders, now() - t0);
    dg_churn_options opt;
    dg_churn_options_init(&opt);
    opt.params.trees = 100;
    opt.params.depth = 6;
    opt.params.threads = 2;
    opt.validate = false;
    dg_churn_model *m = NULL;
    t0 = now();
    double c0 = cpu();
    if (dg_churn_train(&m, frame, &opt, &err) != 0)
        return die(&err);
    double t_train = now() - t0, c_train = cpu() - c0;
    printf("train (features at as-of - 180, labels, XGBoost 100 trees depth 6 hist, 2 threads): "
           "%.2f s wall, %.2f s CPU, on %zu customers (%zu churned), %zu features\n", t_train,
           c_train, m->n_train, m->n_train_positive, m->n_features);
    t0 = now();
    c0 = cpu();
    dg_features *f = NULL;
    if (dg_features_compute(&f, frame, NULL, &err) != 0)
        return die(&err);
    double t_feat = now() - t0, c_feat = cpu() - c0;
    double *p = NULL;
    t0 = now();
    c0 = cpu();
    if (dg_churn_predict(&p, m, f, &err) != 0)
        return die(&err);
    double t_pred = now() - t0, c_pred = cpu() - c0;
    printf("score %zu customers: features %.2f s + prediction %.2f s = %.2f s wall (CPU %.2f + "
           "%.2f s)\n", f->n_rows, t_feat, t_pred, t_feat + t_pred, c_feat, c_pred);
    /* XGBoost's own predictor on the same rows, as dangol scored before churn_forest.c */
    t0 = now();
    c0 = cpu();
    double *theirs = xgb_reference_predict(m, f, -1e30f, 2);
    if (!theirs) {
        fprintf(stderr, "churn bench: XGBoost: %s\n", XGBGetLastError());
        return 1;
    }
    double t_xgb = now() - t0, c_xgb = cpu() - c0;
    size_t differ = 0;
    for (size_t r = 0; r < f->n_rows; r++)
        differ += p[r] != theirs[r];
    printf("XGBoost's own predictor on the same rows: %.2f s wall, %.2f s CPU; scores that "
           "differ from dangol's: %zu\n", t_xgb, c_xgb, differ);
    free(theirs);
    double mean = 0;
    for (size_t r = 0; r < f->n_rows; r++)
        mean += p[r];
    printf("mean churn probability %.3f\n", mean / (double)f->n_rows);
    free(p);
    dg_features_free(f);
    dg_churn_model_free(m);
    dg_frame_free(frame);
    return 0;
}
