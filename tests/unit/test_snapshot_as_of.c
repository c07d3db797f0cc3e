/* As-of frames from the one snapshot (dg_frame_cut, docs/snapshot.md): on demo stores with and
 * without order lines, the frame dg_frame_from_store gives as of each of several days (before
 * the first order, through the history, the last day), and the frame dg_frame_cut_copy cuts out
 * of the last day's frame in memory (the server's ?as_of) without changing it, are byte for byte
 * the frame rebuilt from the rows as of that day, so every report over it (rfm, stage, loyalty,
 * cohort, cube, CLV) answers the same; it comes from the snapshot, not the rows (rows deleted behind the snapshot's
 * back do not change it), and a day after the store's last day is still rebuilt. The reports
 * that also read the store answer on a window of the frame (dg_frame_window, the server's
 * ?as_of) what they answer on the frame cut to the day. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/card.h"
#include "dangol/churn.h"
#include "dangol/demo.h"
#include "dangol/frame.h"
#include "dangol/report.h"
#include "dangol/store.h"
#include "frame/snapshot.h"
#include "support.h"

static char path[64];
static dg_store *store;
static dg_error err;

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-as-of-%d.db", (int)getpid());
    test_remove_store(path);
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(snapshot_as_of, .init = setup, .fini = teardown);

static void demo_store(uint64_t seed, bool lines)
{
    test_demo_store(&store, path, seed, 400, lines);
}

/* The frame as of day through dg_frame_from_store (the snapshot, cut). */
static test_frame_bytes from_store(int32_t day, bool lines)
{
    dg_frame *f = NULL;
    dg_frame_options opts = { .as_of = day, .with_lines = lines };
    cr_assert_eq(dg_frame_from_store(&f, store, &opts, &err), 0, "%s", err.message);
    return test_frame_bytes_of(f);
}

/* The frame as of day rebuilt from the rows (the path every as-of question took before). */
static test_frame_bytes from_rows(int32_t day, bool lines)
{
    dg_frame *f = NULL;
    dg_frame_options opts = { .as_of = day, .with_lines = lines };
    cr_assert_eq(dg_store_read_begin(store, &err), 0, "%s", err.message);
    cr_assert_eq(dg__frame_read_store(&f, store, &opts, &err), 0, "%s", err.message);
    dg_store_read_end(store);
    return test_frame_bytes_of(f);
}

static void same_frame(test_frame_bytes cut, test_frame_bytes rebuilt, int32_t day, bool lines)
{
    cr_assert_eq(cut.frame->as_of, day);
    cr_assert_eq(cut.frame->n_customers, rebuilt.frame->n_customers, "day %d: customers", day);
    cr_assert_eq(cut.frame->n_orders, rebuilt.frame->n_orders, "day %d: orders", day);
    cr_assert_eq(cut.frame->n_lines, rebuilt.frame->n_lines, "day %d: lines", day);
    cr_assert_eq(cut.frame->n_surveys, rebuilt.frame->n_surveys, "day %d: surveys", day);
    cr_assert_eq(cut.frame->n_referrals, rebuilt.frame->n_referrals, "day %d: referrals", day);
    cr_assert_eq(cut.frame->n_partner, rebuilt.frame->n_partner, "day %d: partners", day);
    cr_assert(cut.len == rebuilt.len && memcmp(cut.data, rebuilt.data, cut.len) == 0,
              "day %d (lines %d): the cut frame differs from the rebuilt one", day, lines);
    test_frame_bytes_drop(cut);
}

/* The frame as of day from the store, and cut out of whole in memory, equal the rows'. */
static void same_as_rows(const dg_frame *whole, int32_t day, bool lines)
{
    test_frame_bytes rebuilt = from_rows(day, lines);
    same_frame(from_store(day, lines), rebuilt, day, lines);
    dg_frame *copy = NULL;
    cr_assert_eq(dg_frame_cut_copy(&copy, whole, day, &err), 0, "%s", err.message);
    same_frame(test_frame_bytes_of(copy), rebuilt, day, lines);
    test_frame_bytes_drop(rebuilt);
}

/* Days across the store's history: before the first order, ten steps through it, the last. */
static void every_day_equals_a_rebuild(bool lines)
{
    test_frame_bytes whole = from_store(DG_DAY_NONE, lines);
    int32_t first = whole.frame->first_order_day, last = whole.frame->as_of;
    size_t orders = whole.frame->n_orders, customers = whole.frame->n_customers;
    cr_assert(whole.frame->n_surveys && whole.frame->n_feedback && whole.frame->n_interactions &&
              whole.frame->n_referrals && whole.frame->n_partner && (!lines || whole.frame->n_lines),
              "the demo store holds every kind of row the cut must handle");
    cr_assert_lt(first, last);
    same_as_rows(whole.frame, first - 30, lines);
    for (int k = 0; k <= 10; k++)
        same_as_rows(whole.frame, first + (int32_t)((int64_t)(last - first) * k / 10), lines);
    same_as_rows(whole.frame, last - 1, lines);
    /* the copies left the frame they were cut out of as it was */
    test_frame_bytes after = test_frame_bytes_of(whole.frame);
    cr_assert(after.len == whole.len && memcmp(after.data, whole.data, whole.len) == 0,
              "dg_frame_cut_copy changed its source");
    free(after.data);
    test_frame_bytes_drop(whole);
    /* the cuts did not change the saved snapshot: the whole frame is still all of it */
    whole = from_store(DG_DAY_NONE, lines);
    cr_assert_eq(whole.frame->n_orders, orders);
    cr_assert_eq(whole.frame->n_customers, customers);
    test_frame_bytes_drop(whole);
}

Test(snapshot_as_of, cut_equals_rebuild_without_lines, .timeout = 120)
{
    demo_store(21, false);
    every_day_equals_a_rebuild(false);
}

Test(snapshot_as_of, cut_equals_rebuild_with_lines, .timeout = 120)
{
    demo_store(22, true);
    every_day_equals_a_rebuild(true);
}

/* An as-of frame is the snapshot's: orders deleted behind its back (the trigger dropped, so the
 * snapshot is not told) are still in it, which a rebuild would not show. */
Test(snapshot_as_of, an_as_of_frame_comes_from_the_snapshot)
{
    demo_store(23, false);
    test_frame_bytes whole = from_store(DG_DAY_NONE, false);
    int32_t day = whole.frame->as_of - 60;
    test_frame_bytes_drop(whole);
    test_frame_bytes before = from_store(day, false);
    cr_assert_gt(before.frame->n_orders, 0);
    dg_store_close(store);
    store = NULL;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "DROP TRIGGER frame_snapshot_delete_orders; "
                              "DELETE FROM order_lines; DELETE FROM orders", NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    /* read-only: a read-write open would give the table its trigger back */
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_READONLY, &err), 0, "%s", err.message);
    test_frame_bytes after = from_store(day, false);
    cr_assert(before.len == after.len && memcmp(before.data, after.data, after.len) == 0,
              "the as-of frame was not the snapshot's");
    test_frame_bytes_drop(before);
    test_frame_bytes_drop(after);
}

/* A day after the store's last day may hold partner activities, referrals or acquisitions the
 * snapshot of the last day left out: that frame is rebuilt, and equals the rows'. */
Test(snapshot_as_of, a_day_after_the_last_is_rebuilt)
{
    demo_store(24, false);
    test_frame_bytes whole = from_store(DG_DAY_NONE, false);
    int32_t last = whole.frame->as_of;
    test_frame_bytes_drop(whole);
    test_frame_bytes rebuilt = from_rows(last + 400, false);
    same_frame(from_store(last + 400, false), rebuilt, last + 400, false);
    test_frame_bytes_drop(rebuilt);
    dg_error e;
    test_frame_bytes f = from_rows(last, false);
    cr_assert_eq(dg_frame_cut(f.frame, last + 1, &e), DG_EINVAL);
    cr_assert(strstr(e.message, "later day") != NULL, "%s", e.message);
    dg_frame *copy = (dg_frame *)1;
    cr_assert_eq(dg_frame_cut_copy(&copy, f.frame, last + 1, &e), DG_EINVAL);
    cr_assert_null(copy);
    cr_assert(strstr(e.message, "later day") != NULL, "%s", e.message);
    test_frame_bytes_drop(f);
}

/* The report's tables as CSV text, or the error when it failed, appended to out. */
static void put_report(FILE *out, const char *name, int rc, dg_report *report, dg_error *e)
{
    fprintf(out, "%s: %d %s\n", name, rc, rc ? e->message : "");
    for (size_t i = 0; rc == 0 && i < report->n_tables; i++)
        cr_assert_eq(dg_table_write(report->tables[i], out, DG_FORMAT_CSV), 0);
    dg_report_clear(report);
    dg_error_clear(e);
}

/* Every report of a store and a frame that the server answers for ?as_of, as text (caller
 * frees): segments, economics, tiers, value, a campaign's results, churn scores, the staff
 * chain, a churn model trained as of the day and the customer card of a few customers. */
static char *store_reports(const dg_frame *f, const char *const *card_ids)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert(out);
    dg_report r = { 0 };
    dg_error e;
    dg_error_clear(&e);
    for (int v = DG_SEGMENT_VIEW_PROFILES; v <= DG_SEGMENT_VIEW_CROSSTAB; v++)
        put_report(out, "segment", dg_report_segment(&r, store, f, (dg_segment_view)v, NULL, &e),
                   &r, &e);
    for (int v = DG_ECONOMICS_VIEW_CAC; v <= DG_ECONOMICS_VIEW_RETENTION; v++) {
        dg_report_economics_options o = { .view = (dg_economics_view)v };
        put_report(out, "economics", dg_report_economics(&r, store, f, NULL, &o, &e), &r, &e);
    }
    for (int by = DG_TIER_BY_STAGE; by <= DG_TIER_BY_SEGMENT; by++)
        put_report(out, "tiers", dg_report_tier_crosstab(&r, store, f, (dg_tier_crosstab_by)by,
                                                         &e), &r, &e);
    for (int by = DG_REPORT_VALUE_ALL; by <= DG_REPORT_VALUE_TYPE; by++) {
        dg_report_value_options o = { .view = DG_REPORT_VALUE_GRID, .outcome = "repurchase",
                                      .by = (dg_report_value_by)by, .as_of = f->as_of };
        put_report(out, "value", dg_report_value(&r, store, f, &o, &e), &r, &e);
    }
    put_report(out, "campaign", dg_report_campaign_results(&r, store, f, "DEMO-WINBACK", NULL,
                                                           &e), &r, &e);
    put_report(out, "churn", dg_report_churn_score(&r, store, f, 0, DG_DAY_NONE, 0, &e), &r, &e);
    put_report(out, "churn", dg_report_churn_distribution(&r, store, f, 0, DG_DAY_NONE, &e), &r,
               &e);
    put_report(out, "staff chain", dg_report_staff_chain(&r, f, store, 0, 0, &e), &r, &e);
    dg_churn_options co;   /* a churn model trained as of the day (POST /api/churn/train) */
    dg_churn_options_init(&co);
    dg_churn_model *m = NULL;
    char *json[3] = { NULL };
    int rc = dg_churn_train(&m, f, &co, &e);
    if (rc == 0)
        rc = dg_churn_model_json(m, &json[0], &json[1], &json[2], &e);
    fprintf(out, "churn train: %d %s\n", rc, rc ? e.message : "");
    for (int i = 0; i < 3; i++)
        fprintf(out, "%s\n", json[i] ? json[i] : "");
    for (int i = 0; i < 3; i++)
        free(json[i]);
    dg_churn_model_free(m);
    dg_error_clear(&e);
    for (const char *const *id = card_ids; *id; id++) {
        dg_card card = { 0 };
        dg_report_card_options o = { .run_segments = true };
        rc = dg_report_card(&card, store, f, *id, &o, &e);
        fprintf(out, "card %s: %d %s\n", *id, rc, rc ? e.message : "");
        for (size_t i = 0; rc == 0 && i < card.n_sections; i++)
            cr_assert_eq(dg_table_write(card.sections[i], out, DG_FORMAT_CSV), 0);
        dg_card_clear(&card);
        dg_error_clear(&e);
    }
    fclose(out);
    return text;
}

/* On a demo store with campaigns, tiers and points and a trained churn model, the reports of
 * the server's other ?as_of routes answer on a window of the last day's frame what they answer
 * on the frame cut to the day. */
Test(snapshot_as_of, store_reports_of_a_window_equal_the_cut, .timeout = 240)
{
    demo_store(25, true);
    dg_demo_campaign_truth truth[DG_DEMO_CAMPAIGNS];
    dg_demo_loyalty_counts counts;
    cr_assert_eq(dg_demo_campaigns(truth, store, 25, &err), 0, "%s", err.message);
    cr_assert_eq(dg_demo_loyalty(store, 25, &counts, &err), 0, "%s", err.message);
    test_frame_bytes held = from_store(DG_DAY_NONE, true);
    const dg_frame *whole = held.frame;
    dg_churn_options co;
    dg_churn_options_init(&co);
    dg_report r = { 0 };
    dg_churn_saved saved;
    cr_assert_eq(dg_report_churn_train(&r, &saved, store, whole, &co, "test", NULL, NULL, &err),
                 0, "%s", err.message);
    dg_report_clear(&r);
    int32_t first = whole->first_order_day, last = whole->as_of;
    int32_t days[] = { first - 30, first + (last - first) / 3, first + (last - first) * 2 / 3,
                       last - 1, last };
    for (size_t d = 0; d < sizeof days / sizeof days[0]; d++) {
        dg_frame *cut = NULL, *window = NULL;
        cr_assert_eq(dg_frame_cut_copy(&cut, whole, days[d], &err), 0, "%s", err.message);
        cr_assert_eq(dg_frame_window(&window, whole, days[d], &err), 0, "%s", err.message);
        /* the first, a middle and the last customer of the cut, and one first seen later */
        const char *ids[5] = { NULL };
        size_t n = 0;
        if (cut->n_customers) {
            ids[n++] = cut->customer_id[0];
            ids[n++] = cut->customer_id[cut->n_customers / 2];
            ids[n++] = cut->customer_id[cut->n_customers - 1];
        }
        for (size_t c = whole->n_customers; c-- > 0;)
            if (dg_frame_customer_index(window, whole->customer_id[c]) < 0) {
                ids[n++] = whole->customer_id[c];
                break;
            }
        char *want = store_reports(cut, ids), *got = store_reports(window, ids);
        cr_assert_str_eq(got, want, "day %d", (int)days[d]);
        free(want);
        free(got);
        dg_frame_free(window);
        dg_frame_free(cut);
    }
    test_frame_bytes_drop(held);
}
