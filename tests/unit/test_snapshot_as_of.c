/* As-of frames from the one snapshot (dg_frame_cut, docs/snapshot.md): on demo stores with and
 * without order lines, the frame dg_frame_from_store gives as of each of several days (before
 * the first order, through the history, the last day), and the frame dg_frame_cut_copy cuts out
 * of the last day's frame in memory (the server's ?as_of) without changing it, are byte for byte
 * the frame rebuilt from the rows as of that day, so every report over it (rfm, stage, loyalty,
 * cohort, cube, CLV) answers the same; it comes from the snapshot, not the rows (rows deleted behind the snapshot's
 * back do not change it), and a day after the store's last day is still rebuilt. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/demo.h"
#include "dangol/frame.h"
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
