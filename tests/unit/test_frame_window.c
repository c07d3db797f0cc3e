/* Windows (dg_frame_window, docs/snapshot.md): on random frames built by hand — customers
 * acquired before, after or without a date, orders with and without lines, survey answers,
 * feedback, referrals (some to customers first seen later), partner activities — every
 * analysis that accepts a window answers, on the window of the last day's frame as of a random
 * day, exactly what it answers on that frame cut to the day (dg_frame_cut_copy, itself checked
 * against a rebuild in test_snapshot_as_of.c): the rfm, stage, kpi, cohort, loyalty and CLV
 * (BG/NBD + Gamma-Gamma fit) reports in every view, cube queries, staff and sites, consultation
 * types and look-alikes, compared as CSV text. The window leaves its frame untouched and reads
 * its arrays. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/clv.h"
#include "dangol/cube.h"
#include "dangol/frame.h"
#include "dangol/report.h"
#include "dangol/rng.h"
#include "frame/snapshot.h"

#define FIRST_DAY 19000   /* 2022-01-08 */
#define SPAN_DAYS 700

static dg_error err;

static const char *pick(dg_rng *rng, const char *const *values, size_t n)
{
    size_t i = (size_t)dg_rng_below(rng, n + 1);
    return i < n ? values[i] : NULL;   /* sometimes missing */
}

static int32_t random_day(dg_rng *rng)
{
    return FIRST_DAY + (int32_t)dg_rng_below(rng, SPAN_DAYS);
}

/* A random frame as of the last day of the span, with order lines. */
static dg_frame *random_frame(uint64_t seed, size_t n_customers)
{
    static const char *const regions[] = { "Seoul", "Busan", "Jeju" };
    static const char *const channels[] = { "web", "store", "app" };
    static const char *const products[] = { "P1", "P2", "P3", "P4" };
    static const char *const categories[] = { "skin", "hair" };
    static const char *const kinds[] = { "complaint", "compliment", "question" };
    static const char *const activities[] = { "panel", "co_design", "beta_test" };
    static const char *const staff[] = { "S1", "S2", "S3" };
    static const char *const sites[] = { "Gangnam", "Mapo" };
    static const char *const types[] = { "T1", "T2" };
    dg_rng rng;
    dg_rng_seed(&rng, seed);
    dg_frame_builder *b = NULL;
    cr_assert_eq(dg_frame_builder_new(&b, FIRST_DAY + SPAN_DAYS, true, &err), 0);
    for (size_t p = 0; p < 4; p++) {
        dg_frame_product_in in = { .product_id = products[p],
                                   .category = categories[p % 2], .brand = NULL };
        cr_assert_eq(dg_frame_add_product(b, &in, &err), 0, "%s", err.message);
    }
    char id[32], order_id[32];
    for (size_t c = 0; c < n_customers; c++) {
        snprintf(id, sizeof id, "C%03zu", c);
        uint64_t acquired = dg_rng_below(&rng, 3);   /* 0: none, else a random day */
        dg_frame_customer_in in = {
            .customer_id = id, .birth_year = 1950 + (int32_t)dg_rng_below(&rng, 60),
            .has_acquired_day = acquired != 0, .acquired_day = random_day(&rng),
            .region = pick(&rng, regions, 3), .acquisition_channel = pick(&rng, channels, 3),
            .customer_type = pick(&rng, types, 2),
        };
        cr_assert_eq(dg_frame_add_customer(b, &in, &err), 0, "%s", err.message);
    }
    size_t n_orders = 0;
    for (size_t c = 0; c < n_customers; c++) {
        snprintf(id, sizeof id, "C%03zu", c);
        size_t orders = (size_t)dg_rng_below(&rng, 7);
        for (size_t k = 0; k < orders; k++, n_orders++) {
            snprintf(order_id, sizeof order_id, "O%zu", n_orders);
            dg_frame_order_in o = {
                .customer_id = id, .order_id = order_id,
                .ordered_at = (int64_t)random_day(&rng) * 86400 +
                              (int64_t)dg_rng_below(&rng, 86400),
                .amount_minor = 1000 + (int64_t)dg_rng_below(&rng, 90000),
                .units = (int32_t)dg_rng_below(&rng, 4), .channel = pick(&rng, channels, 3),
                .site = pick(&rng, sites, 2), .staff_id = pick(&rng, staff, 3),
            };
            cr_assert_eq(dg_frame_add_order(b, &o, &err), 0, "%s", err.message);
            for (int32_t l = 0, n_lines = (int32_t)dg_rng_below(&rng, 3); l < n_lines; l++) {
                dg_frame_line_in line = { .order_id = order_id,
                                          .product_id = products[dg_rng_below(&rng, 4)],
                                          .quantity = 1, .amount_minor = 500, .line_no = l };
                cr_assert_eq(dg_frame_add_line(b, &line, &err), 0, "%s", err.message);
            }
        }
        for (uint64_t k = dg_rng_below(&rng, 3); k > 0; k--) {
            dg_frame_survey_in s = { .customer_id = id, .day = random_day(&rng),
                                     .has_nps = dg_rng_below(&rng, 4) != 0,
                                     .nps = (int)dg_rng_below(&rng, 11),
                                     .csat = (int)dg_rng_below(&rng, 6),
                                     .repurchase_intent = (int)dg_rng_below(&rng, 6),
                                     .recommend_intent = (int)dg_rng_below(&rng, 6) };
            cr_assert_eq(dg_frame_add_survey(b, &s, &err), 0, "%s", err.message);
        }
        for (uint64_t k = dg_rng_below(&rng, 2); k > 0; k--) {
            dg_frame_feedback_in f = { .customer_id = id,
                                       .received_at = (int64_t)random_day(&rng) * 86400,
                                       .kind = pick(&rng, kinds, 3),
                                       .rating = (int)dg_rng_below(&rng, 6) };
            cr_assert_eq(dg_frame_add_feedback(b, &f, &err), 0, "%s", err.message);
        }
        for (uint64_t k = dg_rng_below(&rng, 2); k > 0; k--) {
            dg_frame_partner_in p = { .customer_id = id, .activity = pick(&rng, activities, 3),
                                      .day = random_day(&rng) };
            cr_assert_eq(dg_frame_add_partner(b, &p, &err), 0, "%s", err.message);
        }
        if (dg_rng_below(&rng, 4) == 0) {
            char referred[32];
            snprintf(referred, sizeof referred, "C%03zu",
                     (size_t)dg_rng_below(&rng, n_customers));
            dg_frame_referral_in r = { .referrer_id = id, .referred_id = referred,
                                       .day = random_day(&rng) };
            cr_assert_eq(dg_frame_add_referral(b, &r, &err), 0, "%s", err.message);
        }
    }
    dg_frame *f = NULL;
    cr_assert_eq(dg_frame_builder_finish(&f, b, &err), 0, "%s", err.message);
    dg_frame_builder_free(b);
    return f;
}

/* The report's tables as CSV text (caller frees), or the error text when it failed. */
static char *report_text(int rc, dg_report *report)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert(out);
    if (rc != 0)
        fprintf(out, "error %d: %s\n", rc, err.message);
    for (size_t i = 0; rc == 0 && i < report->n_tables; i++)
        cr_assert_eq(dg_table_write(report->tables[i], out, DG_FORMAT_CSV), 0);
    fprintf(out, "flags %u\n", report->flags);
    fclose(out);
    dg_report_clear(report);
    return text;
}

/* The report's text (report_text) after a label, printf-style, into out. */
static void put(FILE *out, int rc, dg_report *report, const char *label, ...)
{
    char *t = report_text(rc, report);
    va_list ap;
    va_start(ap, label);
    vfprintf(out, label, ap);
    va_end(ap);
    fputs(t, out);
    free(t);
}

/* The reports the server once answered from a cut copy: cube queries (order, customer, day and
 * product dimensions, the ladder's), staff and sites, consultation types and look-alikes. */
static void copy_route_reports(FILE *out, const dg_frame *f)
{
    dg_report report = { 0 };
    static const char *const cubes[][9] = {
        { "rows", "month", "cols", "channel", NULL },
        { "rows", "region", "cols", "segment", "where", "stage!=prospect", NULL },
        { "rows", "age", "cols", "activity", "measures", "customers,orders,revenue", NULL },
        { "rows", "category", "cols", "year", "rollup", "1", "measures", "units,share", NULL },
        { "rows", "week", "where", "channel=web", NULL },
        { "rows", "product", "cols", "site", NULL },
    };
    dg_cube *cube = NULL;
    int rc = dg_cube_from_frame(&cube, f, NULL, NULL, &err);
    for (size_t q = 0; q < sizeof cubes / sizeof cubes[0]; q++) {
        put(out, rc ? rc : dg_report_cube(&report, cube, cubes[q], &err), &report, "cube %zu\n",
            q);
    }
    dg_cube_free(cube);
    for (int by = DG_STAFF_BY_STAFF; by <= DG_STAFF_BY_SITE; by++) {
        dg_staff_options o = { .by = (dg_staff_by)by };
        put(out, dg_report_staff(&report, f, &o, &err), &report, "staff %d\n", by);
    }
    for (int suggestions = 0; suggestions < 2; suggestions++) {
        dg_report_types_options o = { .suggestions = suggestions };
        put(out, dg_report_types(&report, f, &o, &err), &report, "types %d\n", suggestions);
    }
    for (int v = DG_LOOKALIKE_VIEW_REPORT; v <= DG_LOOKALIKE_VIEW_SCORES; v++) {
        dg_report_lookalike_options o;
        dg_report_lookalike_options_init(&o);
        put(out, dg_report_lookalike(&report, f, (dg_lookalike_view)v, &o, &err), &report,
            "lookalike %d\n", v);
    }
}

/* Every report that accepts a window, one after the other, as text (caller frees). */
static char *all_reports(const dg_frame *f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert(out);
    dg_report report = { 0 };
    for (int v = DG_RFM_VIEW_SEGMENTS; v <= DG_RFM_VIEW_CUSTOMERS; v++)
        for (int mean = 0; mean < 2; mean++) {
            dg_report_rfm_options o = { .view = (dg_rfm_view)v, .monetary_mean = mean };
            put(out, dg_report_rfm(&report, f, &o, &err), &report, "rfm %d %d\n", v, mean);
        }
    for (int v = DG_STAGE_VIEW_COUNTS; v <= DG_STAGE_VIEW_CUSTOMERS; v++) {
        int32_t days[] = { DG_DAY_NONE, f->as_of - 40 };
        for (size_t d = 0; d < 2; d++) {
            dg_report_stage_options o = { .view = (dg_stage_view)v, .at = days[d],
                                          .from = DG_DAY_NONE };
            put(out, dg_report_stage(&report, f, &o, &err), &report, "stage %d %zu\n", v, d);
        }
    }
    for (int months = 1; months <= 13; months += 12) {
        put(out, dg_report_kpi(&report, f, months, &err), &report, "kpi %d\n", months);
    }
    static const char *const bys[] = { "month", "channel", "category" };
    static const char *const measures[] = { "retention", "revenue_per_customer", "revenue" };
    for (size_t by = 0; by < 3; by++)
        for (size_t m = 0; m < 3; m++) {
            const char *params[] = { "by", bys[by], "measure", measures[m], NULL };
            put(out, dg_report_cohort(&report, f, params, &err), &report, "cohort %s %s\n",
                bys[by], measures[m]);
        }
    for (int v = DG_LOYALTY_VIEW_SUMMARY; v <= DG_LOYALTY_VIEW_STAGES; v++) {
        dg_report_loyalty_options o = { .view = (dg_loyalty_view)v };
        put(out, dg_report_loyalty(&report, f, &o, &err), &report, "loyalty %d\n", v);
    }
    dg_clv_options clv;
    dg_report_card_clv_options(&clv);   /* the server's /api/clv fit */
    dg_clv_period period = { .calibration_end = DG_DAY_NONE, .holdout_end = DG_DAY_NONE,
                             .days_per_unit = 7.0 };
    dg_clv_report *fit = NULL;
    int rc = dg_clv_frame_run(&fit, f, &period, &clv, &err);
    for (int v = DG_CLV_VIEW_TOP; v <= DG_CLV_VIEW_P_ALIVE; v++) {
        put(out, rc ? rc : dg_report_clv(&report, f, fit, (dg_clv_view)v, 10, &err), &report,
            "clv %d\n", v);
    }
    dg_clv_report_free(fit);
    copy_route_reports(out, f);
    fclose(out);
    return text;
}

static void check_days(uint64_t seed, size_t n_customers, int n_days)
{
    dg_frame *full = random_frame(seed, n_customers);
    unsigned char *before = NULL, *after = NULL;
    size_t before_len = 0, after_len = 0;
    cr_assert_eq(dg__frame_serialize(full, &before, &before_len), 0);
    dg_rng rng;
    dg_rng_seed(&rng, seed ^ 0x5eedu);
    for (int i = 0; i < n_days; i++) {
        /* before the first day, random days, the last day */
        int32_t day = i == 0 ? FIRST_DAY - 3 : i == n_days - 1 ? full->as_of
                                                                : random_day(&rng);
        dg_frame *cut = NULL, *window = NULL;
        cr_assert_eq(dg_frame_cut_copy(&cut, full, day, &err), 0, "%s", err.message);
        cr_assert_eq(dg_frame_window(&window, full, day, &err), 0, "%s", err.message);
        cr_assert_eq(window->as_of, day);
        cr_assert_eq(window->first_order_day, cut->first_order_day, "seed %llu day %d",
                     (unsigned long long)seed, (int)day);
        cr_assert_eq(dg_frame_customer_count(window), cut->n_customers);
        for (size_t c = 0; c < cut->n_customers; c++)
            cr_assert_eq(dg_frame_customer_index(window, cut->customer_id[c]),
                         dg_frame_customer_index(full, cut->customer_id[c]));
        char *want = all_reports(cut), *got = all_reports(window);
        cr_assert_str_eq(got, want, "seed %llu day %d", (unsigned long long)seed, (int)day);
        free(want);
        free(got);
        dg_frame_free(window);
        dg_frame_free(cut);
    }
    cr_assert_eq(dg__frame_serialize(full, &after, &after_len), 0);
    cr_assert(before_len == after_len && memcmp(before, after, before_len) == 0,
              "the window changed its frame");
    free(before);
    free(after);
    dg_frame_free(full);
}

Test(frame_window, reports_equal_the_cut_frame_on_random_frames_and_days)
{
    for (uint64_t seed = 1; seed <= 12; seed++)
        check_days(seed, 20 + (size_t)seed * 7, 8);
}

Test(frame_window, a_later_customer_is_not_found_and_a_later_day_is_refused)
{
    dg_frame *full = random_frame(3, 40), *window = NULL;
    int32_t day = FIRST_DAY + 100;
    cr_assert_eq(dg_frame_window(&window, full, full->as_of + 1, &err), DG_EINVAL);
    cr_assert_null(window);
    cr_assert_eq(dg_frame_window(&window, full, day, &err), 0);
    size_t later = 0;
    for (size_t c = 0; c < full->n_customers; c++)
        if (full->first_seen_day[c] != DG_DAY_NONE && full->first_seen_day[c] > day) {
            later++;
            cr_assert_eq(dg_frame_customer_index(window, full->customer_id[c]), -1);
            cr_assert_eq(dg_frame_customer_index(full, full->customer_id[c]), (int64_t)c);
        }
    cr_assert_gt(later, 0, "the random frame has customers first seen after the day");
    cr_assert_eq(dg_frame_customer_count(window), full->n_customers - later);
    dg_frame *inner = NULL;   /* a window of a window reads the first frame */
    cr_assert_eq(dg_frame_window(&inner, window, day - 10, &err), 0);
    cr_assert_eq(inner->window_of, full);
    cr_assert_eq(inner->order_day, full->order_day);
    dg_frame_free(inner);
    dg_frame_free(window);
    dg_frame_free(full);
}
