/* Segmentation benchmark (BENCHMARKS.md, "Segmentation"): builds a frame of N simulated customers
 * by hand (dg_frame_builder; no store, so the figure is the analysis alone: customers in four
 * latent groups with Poisson order counts, spread-out order days, lognormal amounts, four
 * channels, surveys for one in ten), then times the feature table and the segmentation with
 * k = 8 (log transform, standardising, k-means++ with 4 restarts, profiles, the silhouette of a
 * 3,000-customer sample), and k-means alone on one thread and on all cores. Writes the
 * standardised matrix (int64 n, int64 d, then n x d float64) to OUT.bin and the settings scipy
 * must match to OUT.txt, for bench/segment_scipy.py.
 * usage: segment_bench N OUT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/features.h"
#include "dangol/kmeans.h"
#include "dangol/rng.h"
#include "dangol/segment.h"
#include "dangol/text.h"
#include "bench_clock.h"

#define now bench_now

static int die(const dg_error *err)
{
    fprintf(stderr, "segment bench: %s\n", err->message);
    return 1;
}

static dg_frame *simulate(size_t n, dg_error *err)
{
    int32_t as_of = dg_days_from_civil(2025, 12, 31), start = as_of - 3 * 365;
    const char *channels[] = { "online", "store", "call_centre", "home_shopping" };
    const char *genders[] = { "F", "M" };
    const char *regions[] = { "Seoul", "Busan", "Gyeonggi", "Daegu", "Incheon" };
    const double rate[] = { 0.8, 2.5, 6.0, 15.0 }, spend[] = { 9.5, 10.3, 10.8, 11.5 };
    dg_frame_builder *b = NULL;
    dg_frame *f = NULL;
    if (dg_frame_builder_new(&b, as_of, false, err) != 0)
        return NULL;
    dg_rng rng;
    dg_rng_seed(&rng, 2026);
    char id[24];
    for (size_t c = 0; c < n; c++) {
        snprintf(id, sizeof id, "C%08zu", c);
        int32_t acquired = start + (int32_t)dg_rng_below(&rng, 3 * 365 - 30);
        dg_frame_customer_in in = { .customer_id = id, .birth_year = 1950 + (int)dg_rng_below(&rng, 55),
                                    .has_acquired_day = true, .acquired_day = acquired,
                                    .gender = genders[dg_rng_below(&rng, 2)],
                                    .region = regions[dg_rng_below(&rng, 5)] };
        if (dg_frame_add_customer(b, &in, err) != 0)
            goto fail;
        size_t group = dg_rng_below(&rng, 4);
        int64_t orders = 1 + dg_rng_poisson(&rng, rate[group] * (double)(as_of - acquired) / 1095.0);
        for (int64_t k = 0; k < orders; k++) {
            int32_t day = acquired + (int32_t)dg_rng_below(&rng, (uint64_t)(as_of - acquired + 1));
            dg_frame_order_in o = { .customer_id = id, .ordered_at = (int64_t)day * 86400,
                                    .amount_minor = (int64_t)exp(spend[group] + 0.6 * dg_rng_normal(&rng)),
                                    .channel = channels[dg_rng_below(&rng, group + 1)] };
            if (dg_frame_add_order(b, &o, err) != 0)
                goto fail;
        }
        if (dg_rng_below(&rng, 10) == 0) {
            dg_frame_survey_in s = { .customer_id = id, .day = as_of - 10, .has_nps = true,
                                     .nps = (int)dg_rng_below(&rng, 11),
                                     .csat = 1 + (int)dg_rng_below(&rng, 5) };
            if (dg_frame_add_survey(b, &s, err) != 0)
                goto fail;
        }
    }
    dg_frame_builder_finish(&f, b, err);
fail:
    dg_frame_builder_free(b);
    return f;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s N OUT\n", argv[0]);
        return 2;
    }
    size_t n = strtoul(argv[1], NULL, 10);
    dg_error err;
    dg_error_clear(&err);
    double g0 = now();
    dg_frame *frame = simulate(n, &err);
    if (!frame)
        return die(&err);
    printf("simulated frame: %zu customers, %zu orders, %zu surveys (%.1f s, not timed below)\n",
           frame->n_customers, frame->n_orders, frame->n_surveys, now() - g0);

    dg_features *f = NULL;
    dg_segmentation *seg = NULL;
    dg_segment_options so;
    dg_segment_options_init(&so);
    so.k = 8;
    double t0 = now(), c0 = bench_cpu();
    if (dg_features_compute(&f, frame, NULL, &err) != 0)
        return die(&err);
    double t1 = now(), c1 = bench_cpu();
    if (dg_segment_run(&seg, f, &so, &err) != 0)
        return die(&err);
    double t2 = now(), c2 = bench_cpu();
    printf("features: %zu rows x %zu columns in %.2f s (CPU %.2f s)\n", f->n_rows,
           f->n_features, t1 - t0, c1 - c0);
    printf("segmentation k = 8 on %zu features (%d restarts; kept restart %d, %d iterations; "
           "silhouette %.3f on %zu): %.2f s (CPU %.2f s)\n", seg->n_used, so.n_init,
           seg->km->restart, seg->km->iterations, seg->chosen_silhouette, seg->sample, t2 - t1,
           c2 - c1);
    printf("features + segmentation: %.2f s wall, %.2f s CPU (target < 5 s)\n", t2 - t0,
           c2 - c0);

    for (int threads = 1; threads <= 2; threads++) {
        dg_kmeans_options ko;
        dg_kmeans_options_init(&ko, 8);
        ko.seed = so.seed;
        ko.threads = threads == 1 ? 1 : 0;
        dg_kmeans *km = NULL;
        double k0 = now();
        if (dg_kmeans_fit(&km, seg->z, f->n_rows, seg->n_used, &ko, &err) != 0)
            return die(&err);
        printf("k-means alone (%s): %.2f s, inertia %.6g, %d iterations in the kept restart\n",
               threads == 1 ? "1 thread" : "all cores", now() - k0, km->inertia,
               km->iterations);
        dg_kmeans_free(km);
    }

    char path[1024];
    snprintf(path, sizeof path, "%s.bin", argv[2]);
    FILE *out = fopen(path, "wb");
    int64_t dims[2] = { (int64_t)f->n_rows, (int64_t)seg->n_used };
    if (!out || fwrite(dims, sizeof dims, 1, out) != 1 ||
        fwrite(seg->z, sizeof(double), f->n_rows * seg->n_used, out) != f->n_rows * seg->n_used ||
        fclose(out) != 0)
        return fprintf(stderr, "segment bench: cannot write %s\n", path), 1;
    snprintf(path, sizeof path, "%s.txt", argv[2]);
    out = fopen(path, "w");
    if (!out)
        return 1;
    fprintf(out, "%d %d %.17g\n", so.n_init, seg->km->iterations, seg->km->inertia);
    fclose(out);
    dg_segmentation_free(seg);
    dg_features_free(f);
    dg_frame_free(frame);
    return 0;
}
