/* The SQLite store: creation, migrations and version refusal, the catalog/schema agreement,
 * upserts by natural key, reference checks, transactions, scans and stats. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/store.h"
#include "support.h"

static char path[64];
static dg_store *store;
static dg_error err;

static void open_fresh(void)
{
    snprintf(path, sizeof path, "/tmp/dangol-test-store-%d.db", (int)getpid());
    unlink(path);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
}

static void close_and_remove(void)
{
    dg_store_close(store);
    store = NULL;
    test_remove_store(path);
}

TestSuite(store, .init = open_fresh, .fini = close_and_remove);

static void null_row(const dg_entity *e, dg_value *row)
{
    for (size_t c = 0; c < e->n_columns; c++)
        row[c] = (dg_value){ .is_null = true };
}

static int put_customer(const char *id, const char *name)
{
    const dg_entity *e = dg_entity_find("customers");
    dg_value row[32];
    null_row(e, row);
    row[0] = (dg_value){ .u.s = id };
    if (name)
        row[dg_entity_column(e, "name")] = (dg_value){ .u.s = name };
    return dg_store_put(store, e, row, &err);
}

static int put_order(const char *id, const char *customer, int64_t at, int64_t total)
{
    const dg_entity *e = dg_entity_find("orders");
    dg_value row[32];
    null_row(e, row);
    row[0] = (dg_value){ .u.s = id };
    row[1] = (dg_value){ .u.s = customer };
    row[dg_entity_column(e, "ordered_at")] = (dg_value){ .u.i = at };
    row[dg_entity_column(e, "total")] = (dg_value){ .u.i = total };
    return dg_store_put(store, e, row, &err);
}

static int count_rows(void *ctx, const dg_value *row)
{
    (void)row;
    ++*(int *)ctx;
    return 0;
}

/* The records a scan with f visits; dg_store_count agrees with it (it ignores the paging). */
static int count(const char *entity, const dg_scan_filter *f)
{
    int n = 0, all = 0;
    dg_scan_filter unpaged = f ? *f : (dg_scan_filter){ 0 };
    unpaged.offset = unpaged.limit = 0;
    int64_t counted = -1;
    const dg_entity *e = dg_entity_find(entity);
    cr_assert_eq(dg_store_scan(store, e, f, count_rows, &n, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_scan(store, e, &unpaged, count_rows, &all, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_count(store, e, f, &counted, &err), 0, "%s", err.message);
    cr_assert_eq(counted, all, "dg_store_count: %lld, a scan: %d", (long long)counted, all);
    return n;
}

Test(store, new_store_is_at_latest_version_with_default_currency)
{
    char code[4];
    int digits;
    cr_assert_eq(dg_store_schema_version(store), dg_store_schema_latest());
    cr_assert_eq(dg_store_currency(store, code, &digits, &err), 0);
    cr_assert_str_eq(code, "KRW");
    cr_assert_eq(digits, 0);
}

Test(store, catalog_matches_schema)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    size_t n;
    const dg_entity *const *all = dg_entity_all(&n);
    for (size_t i = 0; i < n; i++) {
        char sql[128];
        sqlite3_stmt *st;
        snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid",
                 all[i]->name);
        cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        size_t c = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            cr_assert_lt(c, all[i]->n_columns, "%s has extra columns", all[i]->name);
            cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), all[i]->columns[c].name,
                             "%s column %zu", all[i]->name, c);
            c++;
        }
        cr_assert_eq(c, all[i]->n_columns, "%s: schema has %zu columns", all[i]->name, c);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
}

static int copy_name(void *ctx, const dg_value *row)
{
    snprintf(ctx, 64, "%s", row[1].u.s);
    return 0;
}

Test(store, upsert_by_natural_key_is_idempotent)
{
    cr_assert_eq(put_customer("C1", "김민수"), 0, "%s", err.message);
    cr_assert_eq(put_customer("C1", "김민수"), 0);
    cr_assert_eq(put_customer("C1", "Kim Minsu"), 0);
    cr_assert_eq(count("customers", NULL), 1);
    char name[64] = "";
    dg_scan_filter f = { .key = "C1" };
    cr_assert_eq(dg_store_scan(store, dg_entity_find("customers"), &f, copy_name, name, &err), 0);
    cr_assert_str_eq(name, "Kim Minsu");
}

Test(store, unknown_reference_names_the_column)
{
    int rc = put_order("O1", "C404", 1000, 500);
    cr_assert_eq(rc, DG_ENOTFOUND);
    cr_assert_str_eq(err.message, "customer_id \"C404\" is not a known customer");
    cr_assert_eq(err.column, 2);
    cr_assert_eq(count("orders", NULL), 0);
}

Test(store, rollback_leaves_nothing)
{
    cr_assert_eq(dg_store_begin(store, &err), 0);
    cr_assert_eq(put_customer("C1", NULL), 0);
    cr_assert_eq(put_order("O1", "C1", 86400, 500), 0);
    dg_store_rollback(store);
    cr_assert_eq(count("customers", NULL), 0);
    cr_assert_eq(count("orders", NULL), 0);
    /* the key cache must not remember C1 after the rollback */
    cr_assert_eq(put_order("O1", "C1", 86400, 500), DG_ENOTFOUND);
}

Test(store, ensure_creates_only_once)
{
    cr_assert_eq(dg_store_ensure(store, dg_entity_find("customers"), "C9", &err), 0);
    cr_assert_eq(put_customer("C9", "이지은"), 0);
    cr_assert_eq(dg_store_ensure(store, dg_entity_find("customers"), "C9", &err), 0);
    cr_assert_eq(count("customers", NULL), 1);
}

Test(store, scan_filters_search_and_paging)
{
    put_customer("C1", "김민수");
    put_customer("C2", "이지은");
    put_customer("C3", "50%_off");
    put_order("O1", "C1", 86400 * 10, 100);
    put_order("O2", "C1", 86400 * 20, 200);
    put_order("O3", "C2", 86400 * 30, 300);
    cr_assert_eq(count("customers", &(dg_scan_filter){ .search = "민" }), 1);
    cr_assert_eq(count("customers", &(dg_scan_filter){ .search = "%" }), 1, "%% is literal");
    cr_assert_eq(count("customers", &(dg_scan_filter){ .search = "_" }), 1, "_ is literal");
    cr_assert_eq(count("orders", &(dg_scan_filter){ .customer_id = "C1" }), 2);
    cr_assert_eq(count("orders", &(dg_scan_filter){ .limit = 2 }), 2);
    cr_assert_eq(count("orders", &(dg_scan_filter){ .offset = 2, .limit = 2 }), 1);
    cr_assert_eq(dg_store_scan(store, dg_entity_find("staff"),
                               &(dg_scan_filter){ .customer_id = "x" }, count_rows, &(int){0},
                               &err), DG_EINVAL);
    cr_assert_eq(dg_store_count(store, dg_entity_find("orders"),
                                &(dg_scan_filter){ .search = "x" }, &(int64_t){0}, &err),
                 DG_EINVAL, "a search applies to customers only");
}

Test(store, stats_and_last_day)
{
    int32_t day;
    cr_assert_eq(dg_store_last_day(store, &day, &err), DG_ENOTFOUND);
    put_customer("C1", NULL);
    put_order("O1", "C1", 86400 * 10 + 5, 100);
    put_order("O2", "C1", 86400 * 20 + 86399, 200);
    dg_entity_stats stats[32];
    cr_assert_eq(dg_store_stats(store, stats, &err), 0);
    const dg_entity_stats *orders = NULL;
    for (int i = 0; i < 32 && !orders; i++)
        if (stats[i].entity == dg_entity_find("orders"))
            orders = &stats[i];
    cr_assert_eq(orders->count, 2);
    cr_assert(orders->has_range);
    cr_assert_eq(orders->first_day, 10);
    cr_assert_eq(orders->last_day, 20);
    cr_assert_eq(dg_store_last_day(store, &day, &err), 0);
    cr_assert_eq(day, 20);
}

Test(store, newer_schema_is_refused)
{
    dg_store_close(store);
    store = NULL;
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL);
    sqlite3_close(db);
    cr_assert_eq(dg_store_open(&store, path, 0, &err), DG_EVERSION);
    cr_assert(strstr(err.message, "written by a newer dangol"), "%s", err.message);
    /* read-only too, without advice to upgrade the store (that is what a newer dangol did) */
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_READONLY, &err), DG_EVERSION);
    cr_assert(strstr(err.message, "written by a newer dangol"), "%s", err.message);
    cr_assert_null(strstr(err.message, "read-write"), "%s", err.message);
}

static int copy_order(void *ctx, const dg_value *row)
{
    char *out = ctx;
    snprintf(out + strlen(out), 256 - strlen(out), "%s %s %lld %lld;", row[0].u.s, row[1].u.s,
             (long long)row[2].u.i, (long long)row[9].u.i);
    return 0;
}

Test(store, version_1_store_is_upgraded_with_its_data)
{
    dg_store_close(store);
    store = NULL;
    close_and_remove();
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    test_exec_sql_file(db, "src/store/schema/0001_initial.sql");
    cr_assert_eq(sqlite3_exec(db, "PRAGMA user_version = 1; PRAGMA foreign_keys = ON;"
                              "INSERT INTO customers (customer_id, name) VALUES ('c1', 'Kim'), "
                              "('c2', 'Lee');"
                              "INSERT INTO products (product_id) VALUES ('p1');"
                              "INSERT INTO orders (order_id, customer_id, ordered_at, total) "
                              "VALUES ('o2', 'c1', 200, 3000), ('o1', 'c2', 100, 1500);"
                              "INSERT INTO order_lines (order_id, line_no, product_id, amount) "
                              "VALUES ('o2', 1, 'p1', 3000);", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    cr_assert_eq(dg_store_open(&store, path, 0, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_schema_version(store), dg_store_schema_latest());
    cr_assert_gt(dg_store_schema_latest(), 1);
    char orders[256] = "";
    cr_assert_eq(dg_store_scan(store, dg_entity_find("orders"), NULL, copy_order, orders, &err), 0,
                 "%s", err.message);
    cr_assert_str_eq(orders, "o1 c2 100 1500;o2 c1 200 3000;");
    cr_assert_eq(count("order_lines", NULL), 1);
    cr_assert_eq(count("customers", NULL), 2);
    /* the references still hold, and are still enforced */
    cr_assert_eq(put_order("o3", "nobody", 300, 1), DG_ENOTFOUND);
    cr_assert_eq(put_order("o1", "c1", 100, 1600), 0, "%s", err.message);
    dg_scan_filter by_customer = { .customer_id = "c1" };
    cr_assert_eq(count("orders", &by_customer), 2);
    dg_store_close(store);
    store = NULL;

    /* the upgraded store opens read-only (it is at the latest version) with nothing to migrate */
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_READONLY, &err), 0, "%s", err.message);
}

Test(store, foreign_database_is_refused)
{
    dg_store_close(store);
    store = NULL;
    unlink(path);
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
    sqlite3_close(db);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), DG_ESTORE);
    cr_assert(strstr(err.message, "not a dangol store"), "%s", err.message);
}

Test(store, missing_file_without_create)
{
    dg_store *other = NULL;
    cr_assert_eq(dg_store_open(&other, "/tmp/dangol-does-not-exist.db", 0, &err), DG_ENOTFOUND);
    cr_assert_null(other);
}

Test(store, readonly_refuses_writes)
{
    dg_store *ro = NULL;
    cr_assert_eq(dg_store_open(&ro, path, DG_STORE_READONLY, &err), 0, "%s", err.message);
    const dg_entity *e = dg_entity_find("staff");
    dg_value row[8];
    null_row(e, row);
    row[0] = (dg_value){ .u.s = "S1" };
    cr_assert_eq(dg_store_put(ro, e, row, &err), DG_EINVAL);
    dg_store_close(ro);
}

static int count_keys(void *ctx, const char *key, size_t len)
{
    (void)key;
    (void)len;
    ++*(int *)ctx;
    return 0;
}

/* An unchecked transaction lets the caller's own checks stand in for the foreign keys; after it
 * ends (commit or rollback) the store checks references again. */
Test(store, unchecked_transaction_then_checked_again)
{
    cr_assert_eq(put_customer("C1", "a"), 0, "%s", err.message);
    bool found = false;
    cr_assert_eq(dg_store_exists(store, dg_entity_find("customers"), "C1", &found, &err), 0);
    cr_assert(found);
    cr_assert_eq(dg_store_exists(store, dg_entity_find("customers"), "C9", &found, &err), 0);
    cr_assert(!found);
    int n = 0;
    cr_assert_eq(dg_store_keys(store, dg_entity_find("customers"), count_keys, &n, &err), 0);
    cr_assert_eq(n, 1);

    cr_assert_eq(dg_store_begin_unchecked(store, &err), 0, "%s", err.message);
    cr_assert_eq(put_order("O1", "C404", 0, 1), 0, "unchecked: %s", err.message);
    dg_store_rollback(store);
    cr_assert_eq(put_order("O1", "C404", 0, 1), DG_ENOTFOUND, "checked again after a rollback");

    cr_assert_eq(dg_store_begin_unchecked(store, &err), 0, "%s", err.message);
    cr_assert_eq(put_order("O2", "C1", 0, 1), 0, "%s", err.message);
    cr_assert_eq(dg_store_commit(store, &err), 0, "%s", err.message);
    cr_assert_eq(put_order("O3", "C404", 0, 1), DG_ENOTFOUND, "checked again after a commit");
}

Test(store, insert_refuses_an_existing_key_and_keeps_the_first_record)
{
    const dg_entity *e = dg_entity_find("customers");
    dg_value row[32];
    null_row(e, row);
    row[0] = (dg_value){ .u.s = "C1" };
    row[1] = (dg_value){ .u.s = "first" };
    cr_assert_eq(dg_store_insert(store, e, row, &err), 0, "%s", err.message);
    row[1] = (dg_value){ .u.s = "second" };
    cr_assert_eq(dg_store_insert(store, e, row, &err), DG_EEXIST);
    cr_assert(strstr(err.message, "customer \"C1\" exists already"), "%s", err.message);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT name FROM customers WHERE customer_id = 'C1'", -1,
                                    &st, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), "first");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

Test(store, a_write_while_another_connection_holds_the_lock_is_busy)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    cr_assert_eq(dg_store_begin(store, &err), DG_EBUSY, "%s", err.message);   /* after 5 s */
    cr_assert(strstr(err.message, "another process is writing"), "%s", err.message);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
}

/* A lazy read sees the store as its first read found it, whatever another connection commits
 * meanwhile; after its end, the latest state again. */
Test(store, a_lazy_read_keeps_the_state_its_first_read_found)
{
    const dg_entity *customers = dg_entity_find("customers");
    dg_store *other = NULL;
    int64_t n = -1;
    cr_assert_eq(put_customer("C1", "first"), 0, "%s", err.message);
    cr_assert_eq(dg_store_open(&other, path, 0, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_read_begin_lazy(store, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_count(store, customers, NULL, &n, &err), 0, "%s", err.message);
    cr_assert_eq(n, 1);
    dg_value row[32];
    null_row(customers, row);
    row[0] = (dg_value){ .u.s = "C2" };
    cr_assert_eq(dg_store_put(other, customers, row, &err), 0, "%s", err.message);
    cr_assert_eq(dg_store_count(store, customers, NULL, &n, &err), 0, "%s", err.message);
    cr_assert_eq(n, 1, "a commit made after the first read is seen inside the read");
    dg_store_read_end(store);
    cr_assert_eq(dg_store_count(store, customers, NULL, &n, &err), 0, "%s", err.message);
    cr_assert_eq(n, 2);
    dg_store_close(other);
}
