/* The loyalty programme's writes leave the frame snapshot current (docs/snapshot.md): a tier
 * evaluation, a coupon's definition, issue and redemption, a points earn and burn, an order's
 * return write tables the frame does not read, so the next analysis loads the snapshot instead of
 * rebuilding the frame; an order still marks it out of date. A store that has the old triggers on
 * the tier and coupon tables loses them in migration 0022, on the returns' in 0029. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/coupon.h"
#include "dangol/demo.h"
#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "dangol/order_return.h"
#include "dangol/points.h"
#include "dangol/tier.h"
#include "support.h"

static char path[64];
static dg_store *store;
static dg_error err;

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-snapshot-programmes-%d.db", (int)getpid());
    test_remove_store(path);
}

static void teardown(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(snapshot_programmes, .init = setup, .fini = teardown);

/* Is the snapshot of the orders-only frame current? */
static bool current(void)
{
    return test_snapshot_current(store, "orders");
}

/* One row of sql's first two text columns into a and b. */
static void query_two(const char *sql, char *a, char *b, size_t cap)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no row for %s", sql);
    snprintf(a, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(b, cap, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

Test(snapshot_programmes, tier_coupon_and_points_writes_leave_it_current)
{
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.seed = 3;
    opt.n_customers = 80;
    dg_demo_output out = { .store = store };
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), 0, "%s", err.message);
    dg_frame *f = NULL;
    dg_frame_options fo = { .as_of = DG_DAY_NONE };
    cr_assert_eq(dg_frame_from_store(&f, store, &fo, &err), 0, "%s", err.message);
    cr_assert(current(), "the frame was not saved");

    dg_tier_evaluation ev;
    cr_assert_eq(dg_tier_evaluate(store, NULL, NULL, f->as_of, "test", NULL, &ev, &err), 0, "%s",
                 err.message);
    cr_assert_gt(ev.customers, 0);
    cr_assert(current(), "a tier evaluation put the snapshot out of date");

    char order[64], customer[64];
    query_two("SELECT order_id, customer_id FROM orders o WHERE total > 1000 AND NOT EXISTS "
              "(SELECT 1 FROM coupon_redemptions r WHERE r.order_id = o.order_id) "
              "ORDER BY order_id LIMIT 1", order, customer, sizeof order);
    dg_coupon_definition d;
    dg_coupon_definition_init(&d);
    d.definition_id = "SNAP";
    d.kind = DG_COUPON_FIXED;
    d.amount = 500;
    bool replayed;
    cr_assert_eq(dg_coupon_define(&replayed, store, &d, NULL, &err), 0, "%s", err.message);
    dg_coupon_issued *issued;
    size_t n_issued;
    const char *list[] = { customer };
    cr_assert_eq(dg_coupon_issue(&issued, &n_issued, &replayed, store, "SNAP", list, 1, NULL,
                                 &err), 0, "%s", err.message);
    dg_coupon_redemption redemption;
    cr_assert_eq(dg_coupon_redeem(&redemption, store, issued[0].code, order, NULL, &err), 0, "%s",
                 err.message);
    free(issued);
    cr_assert(current(), "a coupon redemption put the snapshot out of date");

    dg_points_rules rules;
    dg_points_rules_default(&rules);
    dg_points_request r = { .customer_id = customer, .points = 300, .day = f->as_of,
                            .source = DG_POINTS_SOURCE_MANUAL };
    dg_points_result res;
    cr_assert_eq(dg_points_earn(store, &rules, &r, &res, &err), 0, "%s", err.message);
    r.points = 200;
    cr_assert_eq(dg_points_burn(store, &r, &res, &err), 0, "%s", err.message);
    cr_assert(current(), "a points burn put the snapshot out of date");

    dg_order_return_request ret = { .order_id = order, .kind = DG_RETURN_RETURNED,
                                    .day = f->as_of, .reason = "too small" };
    dg_order_return_result returned;
    cr_assert_eq(dg_order_return(store, &rules, &ret, &returned, &err), 0, "%s", err.message);
    cr_assert_eq(returned.redemption_id, redemption.redemption_id);
    cr_assert(current(), "an order return put the snapshot out of date");
    dg_frame *after = NULL;
    cr_assert_eq(dg_frame_from_store(&after, store, &fo, &err), 0, "%s", err.message);
    cr_assert_eq(after->n_orders, f->n_orders, "the returned order left the frame");
    dg_frame_free(after);

    /* an order (as an import writes it) still does */
    const dg_entity *orders = dg_entity_find("orders");
    dg_value row[32];
    for (size_t c = 0; c < orders->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
    row[0] = (dg_value){ .u.s = "SNAP-ORDER" };
    row[1] = (dg_value){ .u.s = customer };
    row[dg_entity_column(orders, "ordered_at")] = (dg_value){ .u.i = (int64_t)f->as_of * 86400 };
    row[dg_entity_column(orders, "total")] = (dg_value){ .u.i = 12000 };
    cr_assert_eq(dg_store_put(store, orders, row, &err), 0, "%s", err.message);
    cr_assert(!current(), "an order left the snapshot current");
    dg_frame_free(f);
}

/* A store with the triggers the migrator used to give tables the frame does not read, put back
 * to the schema version before the migration that drops them, loses them when it is opened; the
 * tables the frame reads keep theirs. */
static void old_triggers(const char *const *tables, size_t n, int version)
{
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    dg_store_close(store);
    store = NULL;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    /* every version rewound to here is before 32: the tier tables of 31 (and none of 33, 34) */
    test_exec_sql_file(db, "tests/unit/schema_0031_tiers.sql");
    for (size_t i = 0; i < n; i++) {
        char *sql = sqlite3_mprintf(
            "CREATE TRIGGER frame_snapshot_insert_%w AFTER INSERT ON %w BEGIN UPDATE "
            "frame_snapshot_state SET generation = generation + 1, dirty = 1 WHERE id = 1 AND "
            "dirty = 0; END", tables[i], tables[i]);
        cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
        sqlite3_free(sql);
    }
    /* every version rewound to here is before 31: the customers without its index */
    cr_assert_eq(sqlite3_exec(db, "DROP INDEX customers_acquired_on", NULL, NULL, NULL), SQLITE_OK,
                 "%s", sqlite3_errmsg(db));
    char *sql = sqlite3_mprintf("PRAGMA user_version = %d", version);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    sqlite3_close(db);
}

/* After the open: how many snapshot triggers the tables matching like have, and orders has. */
static void assert_dropped(const char *like)
{
    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_schema_version(store), dg_store_schema_latest());
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *sql = sqlite3_mprintf("SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE "
                                "tbl_name = 'orders') FROM sqlite_master WHERE type = 'trigger' "
                                "AND name LIKE 'frame\\_snapshot\\_%%' ESCAPE '\\'", like);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_free(sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 0, "%s: still triggers", like);
    cr_assert_eq(sqlite3_column_int(st, 1), 3, "orders lost its triggers");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

Test(snapshot_programmes, migration_0022_drops_the_old_triggers)
{
    const char *tables[] = { "tier_rules", "tier_runs", "tier_state", "tier_history",
                             "coupon_definitions", "coupon_codes", "coupon_redemptions",
                             "coupon_requests" };
    old_triggers(tables, sizeof tables / sizeof tables[0], 21);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    /* the points lots as schema 21 had them, so that migration 25 applies again */
    cr_assert_eq(sqlite3_exec(db, "DROP TRIGGER points_lots_open_insert; "
                              "DROP TRIGGER points_lots_open_update; DROP INDEX points_lots_open; "
                              "DROP INDEX points_lots_expiry; "
                              "ALTER TABLE points_lots DROP COLUMN is_open; "
                              "CREATE INDEX points_lots_open ON points_lots "
                              "(customer_id, expires_on, lot_id) WHERE remaining > 0; "
                              "CREATE INDEX points_lots_expiry ON points_lots (expires_on) "
                              "WHERE remaining > 0",
                              NULL, NULL, NULL), SQLITE_OK,
                 "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    assert_dropped("tbl_name LIKE 'tier\\_%' ESCAPE '\\' OR tbl_name LIKE 'coupon\\_%' "
                   "ESCAPE '\\'");
}

Test(snapshot_programmes, migration_0029_drops_the_returns_triggers)
{
    const char *tables[] = { "order_returns", "order_return_requests" };
    old_triggers(tables, 2, 28);
    assert_dropped("tbl_name LIKE 'order\\_return%' ESCAPE '\\'");
}
