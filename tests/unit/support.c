/* Helpers shared by the unit tests (support.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dangol/demo.h"
#include "dangol/frame.h"
#include "dangol/frame_snapshots.h"
#include "dangol/store.h"
#include "frame/snapshot.h"
#include "support.h"

char *test_render(const dg_table *t, dg_format f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cr_assert_not_null(out);
    cr_assert_eq(dg_table_write(t, out, f), 0);
    cr_assert_eq(fclose(out), 0);
    return text;
}

char *test_render_free(dg_table *t, dg_format f)
{
    char *text = test_render(t, f);
    dg_table_free(t);
    return text;
}

dg_frame *test_frame_finish(dg_frame_builder *b)
{
    dg_error err = {0};
    dg_frame *f = NULL;
    cr_assert_eq(dg_frame_builder_finish(&f, b, &err), 0, "%s", err.message);
    dg_frame_builder_free(b);
    return f;
}

char *test_file_text(const char *path)
{
    FILE *in = fopen(path, "r");
    cr_assert_not_null(in, "%s: run the tests from the repository root", path);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    cr_assert_not_null(mem);
    int ch;
    while ((ch = fgetc(in)) != EOF)
        fputc(ch, mem);
    fclose(in);
    cr_assert_eq(fclose(mem), 0);
    return text;
}

void test_exec_sql_file(struct sqlite3 *db, const char *path)
{
    char *sql = test_file_text(path);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &msg), SQLITE_OK, "%s: %s", path, msg);
    free(sql);
}

void test_undo_after_31(struct sqlite3 *db)
{
    test_exec_sql_file(db, "tests/unit/schema_0031_tiers.sql");
    test_exec_sql_file(db, "tests/unit/schema_0032_points.sql");
    test_exec_sql_file(db, "tests/unit/schema_0033_customers.sql");
}

void test_remove_store(const char *path)
{
    char aux[4096];
    unlink(path);
    snprintf(aux, sizeof aux, "%s-wal", path);
    unlink(aux);
    snprintf(aux, sizeof aux, "%s-shm", path);
    unlink(aux);
}

dg_store *test_store_create(char *path, size_t cap, const char *name)
{
    dg_store *store = NULL;
    dg_error err;
    dg_error_clear(&err);
    snprintf(path, cap, "/tmp/dangol-test-%s-%d.db", name, (int)getpid());
    test_remove_store(path);
    cr_assert_eq(dg_store_open(&store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    return store;
}

void test_sql(const char *path, const char *text)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, text, NULL, NULL, &msg), SQLITE_OK, "%s: %s", text, msg);
    sqlite3_close(db);
}

int64_t test_sql_int(const char *path, const char *text)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, text, -1, &st, NULL), SQLITE_OK, "%s", text);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

void test_demo_store(struct dg_store **store, const char *path, uint64_t seed, int64_t customers,
                     bool lines)
{
    dg_error err;
    dg_error_clear(&err);
    cr_assert_eq(dg_store_open(store, path, DG_STORE_CREATE, &err), 0, "%s", err.message);
    dg_demo_options opt;
    dg_demo_options_init(&opt);
    opt.seed = seed;
    opt.n_customers = customers;
    opt.order_lines = lines;
    dg_demo_output out = { .store = *store };
    cr_assert_eq(dg_demo_generate(&out, &opt, NULL, NULL, NULL, &err), 0, "%s", err.message);
}

bool test_snapshot_current(struct dg_store *store, const char *variant)
{
    dg_frame_snapshot_status status[8];
    int64_t generation;
    bool dirty;
    size_t n;
    dg_error err;
    dg_error_clear(&err);
    cr_assert_eq(dg_frame_snapshots(store, &generation, &dirty, status, 8, &n, &err), 0, "%s",
                 err.message);
    for (size_t i = 0; i < n; i++)
        if (strcmp(status[i].saved.variant, variant) == 0)
            return status[i].current;
    return false;
}

test_frame_bytes test_frame_bytes_of(dg_frame *f)
{
    test_frame_bytes b = { .frame = f };
    cr_assert_eq(dg__frame_serialize(f, &b.data, &b.len), 0);
    return b;
}

void test_frame_bytes_drop(test_frame_bytes b)
{
    free(b.data);
    dg_frame_free(b.frame);
}
