/* Customer features and segmentation: features worked out by hand on a tiny frame; no leakage
 * (orders, answers, complaints and customers after the as-of day change nothing); k-means
 * against an independent numpy/scipy computation from the same starts
 * (tests/helpers/kmeans_reference.py); the silhouette picking the true k of well-separated
 * blobs; determinism for a seed and across thread counts; and the refusals (too few customers,
 * a constant or missing feature) with clear messages and no NaN. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/features.h"
#include "dangol/kmeans.h"
#include "dangol/rng.h"
#include "dangol/segment.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "support.h"

#define DAY 86400

static dg_error err;

static void add_customer(dg_frame_builder *b, const char *id, int32_t acquired, int birth_year,
                         const char *gender, const char *region)
{
    dg_frame_customer_in c = { .customer_id = id, .birth_year = birth_year,
                               .has_acquired_day = acquired != DG_DAY_NONE,
                               .acquired_day = acquired, .gender = gender, .region = region };
    cr_assert_eq(dg_frame_add_customer(b, &c, &err), 0, "%s", err.message);
}

static void add_order(dg_frame_builder *b, const char *id, int32_t day, int64_t amount,
                      const char *channel)
{
    dg_frame_order_in o = { .customer_id = id, .ordered_at = (int64_t)day * DAY,
                            .amount_minor = amount, .channel = channel };
    cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
}

static void add_answer(dg_frame_builder *b, const char *id, int32_t day, int nps, int csat)
{
    dg_frame_survey_in s = { .customer_id = id, .day = day, .has_nps = nps >= 0,
                             .nps = nps < 0 ? 0 : nps, .csat = csat };
    cr_assert_eq(dg_frame_add_survey(b, &s, &err), 0, "%s", err.message);
}

static void add_complaint(dg_frame_builder *b, const char *id, int32_t day)
{
    dg_frame_feedback_in f = { .customer_id = id, .received_at = (int64_t)day * DAY,
                               .kind = "complaint" };
    cr_assert_eq(dg_frame_add_feedback(b, &f, &err), 0, "%s", err.message);
}

static double value(const dg_features *f, size_t row, const char *name)
{
    int j = dg_features_find(f, name);
    cr_assert_geq(j, 0, "no feature %s", name);
    return f->values[row * f->n_features + (size_t)j];
}

Test(features, worked_out_by_hand)
{
    int32_t d0 = dg_days_from_civil(2024, 1, 1), as_of = d0 + 200;
    dg_frame_builder *b;
    cr_assert_eq(dg_frame_builder_new(&b, as_of, false, &err), 0);
    add_customer(b, "A", d0 + 90, 1990, "F", "Seoul");
    add_customer(b, "B", DG_DAY_NONE, 0, "M", NULL);
    add_customer(b, "P", d0 + 10, 0, NULL, NULL);          /* a prospect: no row */
    add_order(b, "A", d0 + 100, 1000, "web");
    add_order(b, "A", d0 + 110, 2000, "store");
    add_order(b, "A", d0 + 130, 3000, "web");
    add_order(b, "A", d0 + 160, 4000, "web");
    add_order(b, "B", d0 + 180, 500, NULL);
    add_answer(b, "A", d0 + 150, 9, 4);
    add_complaint(b, "B", d0 + 185);
    dg_frame *fr = test_frame_finish(b);
    dg_features *f;
    cr_assert_eq(dg_features_compute(&f, fr, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(f->n_rows, 2);
    cr_assert_eq(f->n_without_orders, 1);
    /* A: gaps 10, 20, 30: mean (160 - 100) / 3 = 20, least-squares slope 10 per gap */
    cr_assert_eq(value(f, 0, "recency_days"), 40.0);
    cr_assert_eq(value(f, 0, "frequency"), 4.0);
    cr_assert_eq(value(f, 0, "monetary"), 10000.0);
    cr_assert_eq(value(f, 0, "avg_order_value"), 2500.0);
    cr_assert_eq(value(f, 0, "tenure_days"), 110.0);
    cr_assert_float_eq(value(f, 0, "ipt_mean_days"), 20.0, 1e-12);
    cr_assert_float_eq(value(f, 0, "ipt_trend"), 10.0, 1e-12);
    cr_assert_eq(value(f, 0, "channel_breadth"), 2.0);
    cr_assert_eq(value(f, 0, "nps"), 9.0);
    cr_assert_eq(value(f, 0, "csat"), 4.0);
    cr_assert_eq(value(f, 0, "age"), 34.0);
    cr_assert_eq(value(f, 0, "gender_F"), 1.0);
    cr_assert_eq(value(f, 0, "gender_M"), 0.0);
    cr_assert_eq(value(f, 0, "region_Seoul"), 1.0);
    cr_assert_eq(value(f, 0, "complaints"), 0.0);
    /* B: one order 20 days ago: the open gap; no answer or birth year: the known means */
    cr_assert_eq(value(f, 1, "recency_days"), 20.0);
    cr_assert_eq(value(f, 1, "tenure_days"), 20.0);
    cr_assert_eq(value(f, 1, "ipt_mean_days"), 20.0);
    cr_assert_eq(value(f, 1, "ipt_trend"), 0.0);
    cr_assert_eq(value(f, 1, "channel_breadth"), 0.0);
    cr_assert_eq(value(f, 1, "nps"), 9.0);
    cr_assert_eq(value(f, 1, "age"), 34.0);
    cr_assert_eq(value(f, 1, "complaints"), 1.0);
    cr_assert_eq(value(f, 1, "region_Seoul"), 0.0);
    cr_assert_lt(dg_features_find(f, "category_breadth"), 0, "no order lines: no such feature");
    bool said = false;
    for (size_t i = 0; i < dg_table_notes(f->notes); i++)
        said |= strstr(dg_table_note(f->notes, i), "nps (latest answer): known for 1 of 2") != NULL;
    cr_assert(said, "the imputed NPS is not noted");
    dg_features_free(f);
    dg_frame_free(fr);
}

/* A frame of 30 customers up to day cut; with later, also orders, answers, complaints and a
 * customer after it, the frame running 90 days longer. */
static dg_frame *leak_frame(int32_t cut, bool later)
{
    dg_frame_builder *b;
    cr_assert_eq(dg_frame_builder_new(&b, later ? cut + 90 : cut, false, &err), 0);
    dg_rng rng;
    dg_rng_seed(&rng, 7);
    char id[16];
    const char *regions[] = { "Seoul", "Busan", "Daegu" };
    for (int c = 0; c < 30; c++) {
        snprintf(id, sizeof id, "C%02d", c);
        add_customer(b, id, cut - 400 + c, 1960 + c, c % 2 ? "F" : "M", regions[c % 3]);
        int n = 1 + (int)dg_rng_below(&rng, 6);
        for (int k = 0; k < n; k++)
            add_order(b, id, cut - (int32_t)dg_rng_below(&rng, 380), 1000 + 100 * (int64_t)c,
                      k % 2 ? "web" : "store");
        if (c % 4 == 0)
            add_answer(b, id, cut - 5, c % 11, 1 + c % 5);
    }
    if (later) {
        for (int c = 0; c < 30; c += 3) {
            snprintf(id, sizeof id, "C%02d", c);
            add_order(b, id, cut + 1 + c, 99999, "call_centre");
            add_answer(b, id, cut + 2, 0, 1);
            add_complaint(b, id, cut + 3);
        }
        add_customer(b, "LATE", cut + 10, 2001, "X", "Jeju");
        add_order(b, "LATE", cut + 11, 5000000, "web");
    }
    return test_frame_finish(b);
}

static void assert_same_features(const dg_features *a, const dg_frame *fa, const dg_features *b,
                                 const dg_frame *fb)
{
    cr_assert_eq(a->n_rows, b->n_rows);
    cr_assert_eq(a->n_features, b->n_features);
    cr_assert_eq(a->as_of, b->as_of);
    for (size_t j = 0; j < a->n_features; j++)
        cr_assert_str_eq(a->names[j], b->names[j]);
    for (size_t r = 0; r < a->n_rows; r++) {
        cr_assert_str_eq(fa->customer_id[a->customer[r]], fb->customer_id[b->customer[r]]);
        cr_assert_eq(a->revenue_minor[r], b->revenue_minor[r]);
        for (size_t j = 0; j < a->n_features; j++)
            cr_assert_eq(a->values[r * a->n_features + j], b->values[r * b->n_features + j],
                         "row %zu %s: %g against %g", r, a->names[j],
                         a->values[r * a->n_features + j], b->values[r * b->n_features + j]);
    }
}

/* ---- the programme columns: read from a store, bounded by the day ---- */

/* Programme rows around day cut for customers of leak_frame (SQL on the store file; the tier
 * rules are the built-in ones: basic, silver, gold, vip). later: rows after cut, and the return
 * after cut of a redemption before it. */
static void programme_rows(const char *path, int32_t cut, bool later)
{
    char sql[4096];
    if (!later)
        snprintf(sql, sizeof sql,
            "INSERT INTO tier_runs (run_id, as_of, customers, upgrades, downgrades, actor, "
            "recorded_at) VALUES (1, %d, 0, 0, 0, 't', 0);"
            "INSERT INTO tier_history (customer_id, from_tier, to_tier, changed_on, measure, "
            "reason, run_id) VALUES ('C01', 'basic', 'silver', %d, 0, 'upgrade', 1),"
            "('C02', 'basic', 'silver', %d, 0, 'upgrade', 1),"
            "('C02', 'silver', 'gold', %d, 0, 'upgrade', 1),"
            "('C03', 'basic', 'silver', %d, 0, 'upgrade', 1),"
            "('C03', 'silver', 'basic', %d, 0, 'downgrade_one_step', 1);"
            "INSERT INTO points_movements (customer_id, kind, points, occurred_on, expires_on, "
            "actor, source_kind, recorded_at) VALUES ('C01', 'earn', 500, %d, %d, 't', 'manual', 0),"
            "('C01', 'burn', -200, %d, NULL, 't', 'manual', 0),"
            "('C02', 'earn', 300, %d, %d, 't', 'manual', 0),"
            "('C04', 'earn', 100, %d, %d, 't', 'manual', 0),"
            "('C04', 'expire', -100, %d, NULL, 't', 'lot', 0);"
            "INSERT INTO coupon_redemptions (redemption_id, code, definition_id, customer_id, "
            "order_id, order_total, discount, redeemed_on, recorded_at, actor) VALUES "
            "(1, 'K1', 'D', 'C05', 'O1', 9000, 1000, %d, 0, 't'),"
            "(2, 'K2', 'D', 'C06', 'O2', 9000, 500, %d, 0, 't'),"
            "(3, 'K3', 'D', 'C07', 'O3', 9000, 700, %d, 0, 't');"
            "INSERT INTO order_returns (order_id, customer_id, return_kind, returned_on, "
            "redemption_id, coupon_policy, actor, recorded_at) VALUES "
            "('O3', 'C07', 'returned', %d, 3, 'forfeit', 't', 0);",
            cut - 1, cut - 100, cut - 200, cut - 50, cut - 300, cut - 20, cut - 100, cut + 265,
            cut - 50, cut - 10, cut + 355, cut - 400, cut - 35, cut - 35, cut - 30, cut - 60,
            cut - 70, cut - 10);
    else
        snprintf(sql, sizeof sql,
            "INSERT INTO tier_runs (run_id, as_of, customers, upgrades, downgrades, actor, "
            "recorded_at) VALUES (2, %d, 0, 0, 0, 't', 0);"
            "INSERT INTO tier_history (customer_id, from_tier, to_tier, changed_on, measure, "
            "reason, run_id) VALUES ('C01', 'silver', 'gold', %d, 0, 'upgrade', 2),"
            "('C05', 'basic', 'vip', %d, 0, 'upgrade', 2),"
            "('C02', 'gold', 'silver', %d, 0, 'downgrade_one_step', 2);"
            "INSERT INTO points_movements (customer_id, kind, points, occurred_on, expires_on, "
            "actor, source_kind, recorded_at) VALUES ('C01', 'burn', -300, %d, NULL, 't', "
            "'manual', 0), ('C08', 'earn', 50, %d, %d, 't', 'manual', 0);"
            "INSERT INTO coupon_redemptions (redemption_id, code, definition_id, customer_id, "
            "order_id, order_total, discount, redeemed_on, recorded_at, actor) VALUES "
            "(4, 'K4', 'D', 'C05', 'O4', 9000, 2000, %d, 0, 't');"
            "INSERT INTO order_returns (order_id, customer_id, return_kind, returned_on, "
            "redemption_id, coupon_policy, actor, recorded_at) VALUES "
            "('O2', 'C06', 'returned', %d, 2, 'forfeit', 't', 0);",
            cut + 60, cut + 10, cut + 20, cut + 30, cut + 5, cut + 3, cut + 400, cut + 7,
            cut + 5);
    test_sql(path, sql);
}

/* The programme facts of frame's customers in store as of day. */
static dg_features_programme *programme_as_of(dg_store *store, const dg_frame *frame,
                                              int32_t day)
{
    dg_features_programme *pg;
    cr_assert_eq(dg_features_programme_read(&pg, store, frame, day, &err), 0, "%s", err.message);
    return pg;
}

static dg_features *features_with(const dg_frame *frame, const dg_features_programme *pg,
                                  int32_t as_of)
{
    dg_features_options opt;
    dg_features_options_init(&opt);
    opt.as_of = as_of;
    opt.programme = pg;
    dg_features *f;
    cr_assert_eq(dg_features_compute(&f, frame, &opt, &err), 0, "%s", err.message);
    return f;
}

static double customer_value(const dg_features *f, const dg_frame *fr, const char *id,
                             const char *name)
{
    for (size_t r = 0; r < f->n_rows; r++)
        if (strcmp(fr->customer_id[f->customer[r]], id) == 0)
            return value(f, r, name);
    cr_assert_fail("no row for %s", id);
    return NAN;
}

/* The programme half of the leakage test: tier changes, points movements, coupon redemptions and
 * a return dated after the day change nothing as of it; the values are the hand-worked ones. */
static void programme_later_changes_nothing(int32_t cut, const dg_frame *before,
                                            const dg_frame *after)
{
    char path[256];
    dg_store *store = test_store_create(path, sizeof path, "features-programme");
    programme_rows(path, cut, false);
    dg_features_programme *pa = programme_as_of(store, before, cut);
    dg_features *a = features_with(before, pa, cut);
    static const struct { const char *id, *name; double want; } hand[] = {
        { "C01", "tier_rank", 1 }, { "C02", "tier_rank", 2 }, { "C03", "tier_rank", 0 },
        { "C03", "tier_downgrades", 1 }, { "C02", "tier_downgrades", 0 },
        { "C01", "points_balance", 300 }, { "C01", "points_earned", 500 },
        { "C01", "points_burned", 200 }, { "C04", "points_balance", 0 },
        { "C04", "points_expired", 100 }, { "C09", "points_earned", 0 },
        { "C05", "coupons_redeemed", 1 }, { "C05", "coupon_discount", 1000 },
        { "C06", "coupons_redeemed", 1 }, { "C07", "coupons_redeemed", 0 },
        { "C07", "coupon_discount", 0 },
    };
    for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++)
        cr_expect_eq(customer_value(a, before, hand[i].id, hand[i].name), hand[i].want,
                     "%s %s: %g, expected %g", hand[i].id, hand[i].name,
                     customer_value(a, before, hand[i].id, hand[i].name), hand[i].want);
    size_t c05 = (size_t)dg_frame_customer_index(before, "C05");
    double orders = customer_value(a, before, "C05", "frequency");
    cr_expect_float_eq(customer_value(a, before, "C05", "coupon_order_share"), 1.0 / orders,
                       1e-12, "C05 (frame index %zu)", c05);
    /* later rows in the store, a longer frame: the same table as of cut */
    programme_rows(path, cut, true);
    dg_features_programme *pb = programme_as_of(store, after, cut);
    dg_features *b = features_with(after, pb, cut);
    assert_same_features(a, before, b, after);
    /* the later rows are there, so the test can fail: as of the frame's end they count */
    dg_features_programme *pl = programme_as_of(store, after, after->as_of);
    dg_features *l = features_with(after, pl, after->as_of);
    cr_assert_eq(customer_value(l, after, "C01", "tier_rank"), 2);
    cr_assert_eq(customer_value(l, after, "C01", "points_balance"), 0);
    cr_assert_eq(customer_value(l, after, "C06", "coupons_redeemed"), 0);
    cr_assert_eq(customer_value(l, after, "C05", "coupon_discount"), 3000);
    /* facts of another day are refused, not mixed in */
    dg_features_options opt;
    dg_features_options_init(&opt);
    opt.as_of = cut;
    opt.programme = pl;
    dg_features *none = NULL;
    cr_assert_eq(dg_features_compute(&none, after, &opt, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "the programme facts are of"), "%s", err.message);
    dg_features_free(a);
    dg_features_free(b);
    dg_features_free(l);
    dg_features_programme_free(pa);
    dg_features_programme_free(pb);
    dg_features_programme_free(pl);
    dg_store_close(store);
    test_remove_store(path);
}

Test(features, later_data_changes_nothing)
{
    int32_t cut = dg_days_from_civil(2025, 6, 30);
    dg_frame *before = leak_frame(cut, false), *after = leak_frame(cut, true);
    dg_features *a, *b, *c, *full;
    dg_features_options opt;
    dg_features_options_init(&opt);
    opt.as_of = cut;
    cr_assert_eq(dg_features_compute(&a, before, NULL, &err), 0, "%s", err.message);
    cr_assert_eq(dg_features_compute(&b, after, &opt, &err), 0, "%s", err.message);
    cr_assert_eq(dg_features_compute(&full, after, NULL, &err), 0, "%s", err.message);
    assert_same_features(a, before, b, after);
    /* the later data is there, so the test can fail: the full table differs */
    cr_assert_eq(full->n_rows, a->n_rows + 1);
    /* and the frame cut to the day (what the CLI's --as-of uses) gives the same */
    cr_assert_eq(dg_frame_cut(after, cut, &err), 0, "%s", err.message);
    cr_assert_eq(dg_features_compute(&c, after, NULL, &err), 0, "%s", err.message);
    assert_same_features(a, before, c, after);
    /* the segments too */
    dg_segment_options so;
    dg_segment_options_init(&so);
    so.k = 3;
    so.threads = 1;
    dg_segmentation *sa, *sb;
    cr_assert_eq(dg_segment_run(&sa, a, &so, &err), 0, "%s", err.message);
    cr_assert_eq(dg_segment_run(&sb, b, &so, &err), 0, "%s", err.message);
    for (size_t r = 0; r < a->n_rows; r++)
        cr_assert_eq(sa->km->label[r], sb->km->label[r]);
    dg_segmentation_free(sa);
    dg_segmentation_free(sb);
    /* and the programme columns, read from a store as of the day */
    dg_frame *longer = leak_frame(cut, true);
    programme_later_changes_nothing(cut, before, longer);
    dg_frame_free(longer);
    dg_features_free(a);
    dg_features_free(b);
    dg_features_free(c);
    dg_features_free(full);
    dg_frame_free(before);
    dg_frame_free(after);
}

/* n points around the given centres (d = 3) with spread sd, round-robin. */
static double *blobs(size_t n, const double centres[][3], size_t k, double sd, uint64_t seed)
{
    double *x = malloc(n * 3 * sizeof *x);
    dg_rng rng;
    dg_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < 3; j++)
            x[i * 3 + j] = centres[i % k][j] + sd * dg_rng_normal(&rng);
    return x;
}

/* Reads "tag value ..." lines of the helper's output. */
static bool read_tag(FILE *p, const char *tag, double *value, uint32_t *labels, size_t n)
{
    char word[64];
    if (fscanf(p, "%63s", word) != 1 || strcmp(word, tag) != 0)
        return false;
    if (labels) {
        for (size_t i = 0; i < n; i++) {
            unsigned v;
            if (fscanf(p, "%u", &v) != 1)
                return false;
            labels[i] = v;
        }
        return true;
    }
    if (fscanf(p, "%lf", value) != 1)
        return false;
    if (strcmp(tag, "lloyd") == 0 && fscanf(p, "%*d") != 0)
        return false;
    return true;
}

Test(kmeans, agrees_with_numpy_and_scipy_from_the_same_starts)
{
    const double centres[][3] = { { 0, 0, 0 }, { 2.5, 0.5, 0 }, { 0.5, 2.5, 1 }, { 2, 2, 2.5 } };
    size_t n = 400, d = 3, k = 4;
    double *x = blobs(n, centres, k, 0.8, 11);   /* overlapping: Lloyd has work to do */
    /* starts: points 0, 1, 2 and 5, a poor start on purpose */
    size_t start_rows[] = { 0, 1, 2, 5 };
    double starts[12];
    for (size_t c = 0; c < k; c++)
        memcpy(starts + c * d, x + start_rows[c] * d, d * sizeof *x);
    char path[] = "/tmp/dangol-kmeans-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%zu %zu %zu\n", n, d, k);
    for (size_t i = 0; i < n + k; i++) {
        const double *row = i < n ? x + i * d : starts + (i - n) * d;
        fprintf(f, "%.17g %.17g %.17g\n", row[0], row[1], row[2]);
    }
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/helpers/kmeans_reference.py %s", path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    double lloyd_inertia, kmeans2_inertia, best_pp;
    uint32_t *lloyd_labels = malloc(n * sizeof *lloyd_labels);
    uint32_t *kmeans2_labels = malloc(n * sizeof *kmeans2_labels);
    cr_assert(read_tag(p, "lloyd", &lloyd_inertia, NULL, 0));
    cr_assert(read_tag(p, "lloyd_labels", NULL, lloyd_labels, n));
    cr_assert(read_tag(p, "kmeans2", &kmeans2_inertia, NULL, 0));
    cr_assert(read_tag(p, "kmeans2_labels", NULL, kmeans2_labels, n));
    cr_assert(read_tag(p, "best_plusplus", &best_pp, NULL, 0));
    cr_assert_eq(pclose(p), 0, "the reference helper failed");
    unlink(path);

    dg_kmeans_options opt;
    dg_kmeans_options_init(&opt, k);
    opt.init_centers = starts;
    dg_kmeans *km;
    cr_assert_eq(dg_kmeans_fit(&km, x, n, d, &opt, &err), 0, "%s", err.message);
    cr_assert_gt(km->iterations, 2, "the start should need several iterations");
    cr_assert_float_eq(km->inertia, lloyd_inertia, 1e-9 * lloyd_inertia);
    cr_assert_float_eq(km->inertia, kmeans2_inertia, 1e-6 * kmeans2_inertia);
    size_t differ_lloyd = 0, differ_scipy = 0;
    for (size_t i = 0; i < n; i++) {
        differ_lloyd += km->label[i] != lloyd_labels[i];
        differ_scipy += km->label[i] != kmeans2_labels[i];
    }
    cr_assert_eq(differ_lloyd, 0, "%zu labels differ from numpy's Lloyd", differ_lloyd);
    cr_assert_eq(differ_scipy, 0, "%zu labels differ from scipy's kmeans2", differ_scipy);
    dg_kmeans_free(km);

    /* k-means++ with 10 restarts comes within 0.1% of the best of 20 scipy ++ runs (this
     * overlapping data has several local minima close together) */
    dg_kmeans_options_init(&opt, k);
    opt.n_init = 10;
    cr_assert_eq(dg_kmeans_fit(&km, x, n, d, &opt, &err), 0, "%s", err.message);
    cr_assert_leq(km->inertia, best_pp * (1 + 1e-3), "ours %.10g, scipy's best %.10g",
                  km->inertia, best_pp);
    dg_kmeans_free(km);
    free(lloyd_labels);
    free(kmeans2_labels);
    free(x);
}

/* A hand-made feature table over points x (linear scale: the blobs stay as they are). */
static dg_features *table_of(const double *x, size_t n, size_t d)
{
    dg_features *f = calloc(1, sizeof *f);
    f->n_rows = n;
    f->n_features = d;
    f->names = calloc(d, sizeof *f->names);
    f->scale = calloc(d, sizeof *f->scale);
    f->behavioural = calloc(d, sizeof *f->behavioural);
    f->decimals = calloc(d, sizeof *f->decimals);
    f->values = malloc(n * d * sizeof *f->values);
    f->customer = calloc(n, sizeof *f->customer);
    f->revenue_minor = calloc(n, sizeof *f->revenue_minor);
    f->notes = dg_table_new(NULL);
    memcpy(f->values, x, n * d * sizeof *x);
    const char *names[] = { "recency_days", "frequency", "monetary", "tenure_days" };
    for (size_t j = 0; j < d; j++) {
        f->names[j] = strdup(names[j]);
        f->scale[j] = DG_FEATURE_LINEAR;
        f->behavioural[j] = true;
    }
    for (size_t i = 0; i < n; i++)
        f->revenue_minor[i] = 100;
    return f;
}

Test(segment, silhouette_picks_the_true_k_of_separated_blobs)
{
    /* every coordinate separates some blobs (standardising would blow a noise-only coordinate
     * up to the scale of the others) */
    const double centres[][3] = { { 0, 0, 0 }, { 20, 0, 20 }, { 0, 20, 20 }, { 20, 20, 0 },
                                  { 10, 35, 10 } };
    for (size_t k_true = 3; k_true <= 5; k_true++) {
        double *x = blobs(300, centres, k_true, 1.0, 5 + k_true);
        for (size_t i = 0; i < 300 * 3; i++)
            x[i] += 30.0;   /* positive, like the features */
        dg_features *f = table_of(x, 300, 3);
        dg_segmentation *seg;
        cr_assert_eq(dg_segment_run(&seg, f, NULL, &err), 0, "%s", err.message);
        cr_assert_eq(seg->k, k_true, "silhouette chose %zu, true %zu", seg->k, k_true);
        cr_assert_eq(seg->n_tried, 9);
        for (size_t i = 0; i < seg->n_tried; i++) {
            cr_assert(isfinite(seg->silhouette[i]));
            cr_assert(seg->k_tried[i] == k_true || seg->silhouette[i] < seg->chosen_silhouette);
        }
        cr_assert_gt(seg->chosen_silhouette, 0.8);
        /* every blob is one segment */
        for (size_t i = k_true; i < 300; i++)
            cr_assert_eq(seg->km->label[i], seg->km->label[i % k_true]);
        dg_segmentation_free(seg);
        dg_features_free(f);
        free(x);
    }
}

Test(kmeans, same_seed_same_result_whatever_the_threads)
{
    const double centres[][3] = { { 0, 0, 0 }, { 3, 0, 0 }, { 0, 3, 0 } };
    size_t n = 20000;   /* several chunks of the parallel sums */
    double *x = blobs(n, centres, 3, 1.5, 3);
    dg_kmeans_options opt;
    dg_kmeans_options_init(&opt, 5);
    opt.seed = 42;
    dg_kmeans *a, *b, *c, *other;
    opt.threads = 1;
    cr_assert_eq(dg_kmeans_fit(&a, x, n, 3, &opt, &err), 0);
    opt.threads = 3;
    cr_assert_eq(dg_kmeans_fit(&b, x, n, 3, &opt, &err), 0);
    cr_assert_eq(dg_kmeans_fit(&c, x, n, 3, &opt, &err), 0);
    opt.seed = 43;
    cr_assert_eq(dg_kmeans_fit(&other, x, n, 3, &opt, &err), 0);
    cr_assert_eq(memcmp(&a->inertia, &b->inertia, sizeof a->inertia), 0, "%.17g vs %.17g",
                 a->inertia, b->inertia);
    cr_assert_eq(memcmp(a->centers, b->centers, 15 * sizeof(double)), 0);
    cr_assert_eq(memcmp(a->label, b->label, n * sizeof *a->label), 0);
    cr_assert_eq(memcmp(b->label, c->label, n * sizeof *a->label), 0);
    size_t sum = 0;
    for (size_t i = 0; i < 5; i++)
        sum += a->size[i];
    cr_assert_eq(sum, n);
    (void)other;   /* another seed may land elsewhere; it must simply run */
    dg_kmeans_free(a);
    dg_kmeans_free(b);
    dg_kmeans_free(c);
    dg_kmeans_free(other);
    free(x);
}

Test(kmeans, restarts_on_a_sample_then_all_points)
{
    const double centres[][3] = { { 0, 0, 0 }, { 3, 0, 0 }, { 0, 3, 0 }, { 3, 3, 3 } };
    size_t n = 20000;
    double *x = blobs(n, centres, 4, 1.0, 21);
    dg_kmeans_options opt;
    dg_kmeans_options_init(&opt, 4);
    dg_kmeans *full, *a, *b;
    opt.restart_sample = 0;
    cr_assert_eq(dg_kmeans_fit(&full, x, n, 3, &opt, &err), 0);
    opt.restart_sample = 2000;
    opt.threads = 1;
    cr_assert_eq(dg_kmeans_fit(&a, x, n, 3, &opt, &err), 0);
    opt.threads = 2;
    cr_assert_eq(dg_kmeans_fit(&b, x, n, 3, &opt, &err), 0);
    cr_assert_eq(a->n, n);
    cr_assert_eq(memcmp(a->label, b->label, n * sizeof *a->label), 0);
    cr_assert_eq(memcmp(&a->inertia, &b->inertia, sizeof a->inertia), 0);
    cr_assert_lt(a->inertia, full->inertia * 1.01, "sampled restarts %.8g, all points %.8g",
                 a->inertia, full->inertia);
    /* the inertia is that of the labels and centres returned, on all the points */
    double check = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < 3; j++) {
            double t = x[i * 3 + j] - a->centers[a->label[i] * 3 + j];
            check += t * t;
        }
    cr_assert_float_eq(check, a->inertia, 1e-9 * check);
    dg_kmeans_free(full);
    dg_kmeans_free(a);
    dg_kmeans_free(b);
    free(x);
}

Test(kmeans, refuses_fewer_distinct_points_than_k)
{
    double x[] = { 1, 1, 1, 1, 2, 2, 2, 2 };   /* 4 points, 2 distinct, d = 2 */
    dg_kmeans_options opt;
    dg_kmeans_options_init(&opt, 3);
    dg_kmeans *km = NULL;
    cr_assert_eq(dg_kmeans_fit(&km, x, 4, 2, &opt, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "only 2 distinct points"), "%s", err.message);
    cr_assert_null(km);
    dg_kmeans_options_init(&opt, 5);
    cr_assert_eq(dg_kmeans_fit(&km, x, 4, 2, &opt, &err), DG_EINVAL);
}

Test(segment, refusals_say_what_is_wrong_and_never_give_nan)
{
    const double centres[][3] = { { 10, 10, 10 }, { 30, 30, 30 } };
    double *x = blobs(40, centres, 2, 1.0, 9);
    dg_features *f = table_of(x, 9, 3);
    dg_segmentation *seg = NULL;
    cr_assert_eq(dg_segment_run(&seg, f, NULL, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "at least 10 customers"), "%s", err.message);
    dg_features_free(f);

    f = table_of(x, 40, 3);
    for (size_t i = 0; i < 40; i++)
        f->values[i * 3 + 1] = 4.0;   /* frequency constant */
    dg_segment_options so;
    dg_segment_options_init(&so);
    so.k = 2;
    cr_assert_eq(dg_segment_run(&seg, f, &so, &err), 0, "%s", err.message);
    cr_assert_eq(seg->n_used, 2, "the constant feature is left out");
    bool noted = false;
    for (size_t i = 0; i < dg_table_notes(seg->notes); i++)
        noted |= strstr(dg_table_note(seg->notes, i), "frequency is the same for every") != NULL;
    cr_assert(noted);
    for (size_t c = 0; c < seg->k; c++)
        for (size_t j = 0; j < f->n_features; j++)
            cr_assert(isfinite(seg->mean[c * f->n_features + j]));
    dg_table *t;
    cr_assert_eq(dg_segment_profile_table(&t, seg, 0, &err), 0);
    char *json = test_render_free(t, DG_FORMAT_JSON);
    cr_assert_null(strstr(json, "nan"), "%s", json);
    cr_assert_null(strstr(json, "inf"), "%s", json);
    free(json);
    dg_segmentation_free(seg);

    so.features = "recency_days,frequency";
    cr_assert_eq(dg_segment_run(&seg, f, &so, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "frequency is the same for every customer"), "%s",
              err.message);
    so.features = "category_breadth";
    cr_assert_eq(dg_segment_run(&seg, f, &so, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "\"category_breadth\" is not in this data"), "%s",
              err.message);
    so.features = "colour";
    cr_assert_eq(dg_segment_run(&seg, f, &so, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "unknown feature \"colour\"; available: recency_days"), "%s",
              err.message);
    so.features = NULL;
    so.k = 41;
    cr_assert_eq(dg_segment_run(&seg, f, &so, &err), DG_EINVAL);
    for (size_t i = 0; i < 40; i++)
        f->values[i * 3] = f->values[i * 3 + 2] = 7.0;
    so.k = 2;
    cr_assert_eq(dg_segment_run(&seg, f, &so, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "every chosen feature is the same"), "%s", err.message);
    dg_features_free(f);
    free(x);
}

Test(segment, names_follow_the_profile)
{
    /* 30 ordinary customers and 10 who buy often, spend much and recently */
    double x[40 * 4];
    for (size_t i = 0; i < 40; i++) {
        bool best = i >= 30;
        x[i * 4 + 0] = best ? 10 + (double)(i % 3) : 200 + (double)(i % 7);   /* recency */
        x[i * 4 + 1] = best ? 12 + (double)(i % 2) : 1 + (double)(i % 2);      /* frequency */
        x[i * 4 + 2] = best ? 900000 + 1000.0 * (double)i : 30000 + 100.0 * (double)i;
        x[i * 4 + 3] = 400 + (double)(i % 5);                                   /* tenure */
    }
    dg_features *f = table_of(x, 40, 4);
    dg_segment_options so;
    dg_segment_options_init(&so);
    so.k = 2;
    dg_segmentation *seg;
    cr_assert_eq(dg_segment_run(&seg, f, &so, &err), 0, "%s", err.message);
    uint32_t best = seg->km->label[35], rest = seg->km->label[0];
    cr_assert_neq(best, rest);
    cr_assert_eq(seg->km->size[best], 10);
    cr_assert_str_eq(dg_segment_name_code(seg->name[best]), "champions");
    cr_assert_str_neq(dg_segment_name_code(seg->name[rest]), "champions");
    dg_segmentation_free(seg);
    dg_features_free(f);
}
