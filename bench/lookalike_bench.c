/* Lookalike benchmark (BENCHMARKS.md, "Lookalike"): builds a frame of N simulated customers by
 * hand (dg_frame_builder, no store: the figure is the model alone) — 17 regions, 3 genders, 5
 * income bands, 8 acquisition channels, 7 types, birth years over 70 years; 10 % prospects, the
 * buyers with one order whose amount grows with the income band — then times dg_lookalike_fit
 * with the default roles (best = the top tenth of the buyers by spend): the columns, the
 * held-out validation fit, the final fit on every buyer and the scoring of the prospects.
 * Prints the held-out AUC and lift as a sanity check.
 * usage: lookalike_bench N */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dangol/lookalike.h"
#include "dangol/rng.h"
#include "dangol/text.h"
#include "bench_clock.h"

static int die(const dg_error *err)
{
    fprintf(stderr, "lookalike bench: %s\n", err->message);
    return 1;
}

static dg_frame *simulate(size_t n, int32_t as_of, dg_error *err)
{
    static const char *const regions[] = { "R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08",
                                           "R09", "R10", "R11", "R12", "R13", "R14", "R15", "R16",
                                           "R17" };
    static const char *const genders[] = { "F", "M", "X" };
    static const char *const incomes[] = { "<30M", "30-50M", "50-70M", "70-100M", "100M+" };
    static const char *const channels[] = { "walk_in", "search", "online_ad", "sns", "referral",
                                            "home_shopping", "event", "partnership" };
    static const char *const types[] = { "careful", "impatient", "talkative", "reticent",
                                         "skeptical", "indecisive", "demanding" };
    dg_frame_builder *b = NULL;
    dg_frame *f = NULL;
    if (dg_frame_builder_new(&b, as_of, false, err) != 0)
        return NULL;
    dg_rng rng;
    dg_rng_seed(&rng, 2028);
    char id[24];
    for (size_t c = 0; c < n; c++) {
        snprintf(id, sizeof id, "C%08zu", c);
        size_t income = dg_rng_below(&rng, 5), channel = dg_rng_below(&rng, 8);
        dg_frame_customer_in in = { .customer_id = id, .has_acquired_day = true,
                                    .acquired_day = as_of - 400,
                                    .birth_year = 1940 + (int32_t)dg_rng_below(&rng, 70),
                                    .region = regions[dg_rng_below(&rng, 17)],
                                    .gender = genders[dg_rng_below(&rng, 3)],
                                    .income_band = incomes[income],
                                    .acquisition_channel = channels[channel],
                                    .customer_type = types[dg_rng_below(&rng, 7)] };
        if (dg_frame_add_customer(b, &in, err) != 0)
            goto fail;
        if (dg_rng_uniform(&rng) < 0.1)
            continue;   /* a prospect */
        double z = 10.0 + 0.4 * (double)income + (channel == 4 ? 0.3 : 0.0) +
                   0.8 * dg_rng_normal(&rng);
        dg_frame_order_in o = { .customer_id = id, .ordered_at = (int64_t)(as_of - 30) * 86400,
                                .amount_minor = (int64_t)exp(z) };
        if (dg_frame_add_order(b, &o, err) != 0)
            goto fail;
    }
    if (dg_frame_builder_finish(&f, b, err) != 0)
        f = NULL;
fail:
    dg_frame_builder_free(b);
    return f;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    dg_error err;
    dg_error_clear(&err);
    int32_t as_of = dg_days_from_civil(2025, 12, 31);
    double t0 = bench_now();
    dg_frame *f = simulate(n, as_of, &err);
    if (!f)
        return die(&err);
    printf("simulated %zu customers in %.2f s\n", n, bench_now() - t0);
    dg_lookalike_roles roles;
    if (dg_lookalike_roles_default(&roles, f, NULL, &err) != 0)
        return die(&err);
    dg_lookalike *m = NULL;
    double w0 = bench_now(), c0 = bench_cpu();
    if (dg_lookalike_fit(&m, f, &roles, NULL, &err) != 0)
        return die(&err);
    double wall = bench_now() - w0, used = bench_cpu() - c0;
    printf("lookalike fit (columns, validation fit, final fit, scoring %zu prospects): "
           "%.3f s wall, %.3f s CPU\n", m->n_scored, wall, used);
    printf("  %zu buyers, %zu best, %zu attribute values; held-out AUC %.4f, top-decile lift "
           "%.3f\n", m->n_learn, m->n_best, m->n_attributes, m->validation.auc,
           m->validation.lift_top_decile);
    dg_lookalike_free(m);
    dg_lookalike_roles_clear(&roles);
    dg_frame_free(f);
    return 0;
}
