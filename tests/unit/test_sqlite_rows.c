/* dg_rows (src/store/sqlite_rows.c, store/rows.h): a batch of C structs read by SQL in their
 * order, text, 32- and 64-bit integers and NULL texts as SQL values, columns past the batch's
 * NULL; an empty batch reads no row; without its argument the function is refused; and the same
 * batch as JSON (rows_json.c, what PostgreSQL is sent). */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/sqlite_rows.h"

typedef struct row {
    const char *name;
    int32_t day;
    int64_t amount;
} row;

static const dg__rows_column columns[] = {
    { offsetof(row, name), DG__ROWS_TEXT },
    { offsetof(row, day), DG__ROWS_INT32 },
    { offsetof(row, amount), DG__ROWS_INT64 },
};

static const row rows3[] = {
    { "b", -5, 9000000000LL },
    { NULL, 7, -1 },
    { "a\"x", 0, 0 },
};

static dg__rows batch(const row *rows, size_t n)
{
    return (dg__rows){ rows, n, sizeof *rows, columns, sizeof columns / sizeof *columns };
}

static sqlite3 *open_db(void)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    cr_assert_eq(dg__rows_register(db), SQLITE_OK);
    return db;
}

Test(sqlite_rows, reads_the_structs_in_order_with_their_types)
{
    sqlite3 *db = open_db();
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT c0, typeof(c0), c1, c2, c3 FROM dg_rows(?)", -1,
                                    &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    dg__rows rows = batch(rows3, 3);
    cr_assert_eq(dg__rows_bind(st, 1, &rows), SQLITE_OK);
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        const unsigned char *name = sqlite3_column_text(st, 0);
        if (rows3[i].name)
            cr_assert_str_eq((const char *)name, rows3[i].name);
        else
            cr_assert_str_eq((const char *)sqlite3_column_text(st, 1), "null");
        cr_assert_eq(sqlite3_column_int(st, 2), rows3[i].day);
        cr_assert_eq(sqlite3_column_int64(st, 3), rows3[i].amount);
        cr_assert_eq(sqlite3_column_type(st, 4), SQLITE_NULL, "a column past the batch's");
    }
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    rows = batch(rows3, 0);
    cr_assert_eq(dg__rows_bind(st, 1, &rows), SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE, "an empty batch reads no row");
    sqlite3_finalize(st);
    cr_assert_neq(sqlite3_prepare_v2(db, "SELECT c0 FROM dg_rows", -1, &st, NULL), SQLITE_OK,
                  "without its argument");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* sqlite3_exec's callback: the first column of the first row, copied into *ctx */
static int first_text(void *ctx, int n, char **values, char **names)
{
    (void)names;
    char **out = ctx;
    if (!*out && n > 0 && values[0])
        *out = sqlite3_mprintf("%s", values[0]);
    return 0;
}

Test(sqlite_rows, an_insert_select_appends_the_batch_in_its_order)
{
    sqlite3 *db = open_db();
    cr_assert_eq(sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, day INTEGER, "
                                  "amount INTEGER)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, "INSERT INTO t (name, day, amount) SELECT c0, c1, c2 "
                                        "FROM dg_rows(?1)", -1, &st, NULL), SQLITE_OK);
    dg__rows rows = batch(rows3, 3);
    dg__rows_bind(st, 1, &rows);
    cr_assert_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    char *got = NULL;
    cr_assert_eq(sqlite3_exec(db, "SELECT group_concat(coalesce(name, '-') || day, ',') FROM "
                                  "(SELECT * FROM t ORDER BY id)", first_text, &got, NULL),
                 SQLITE_OK);
    cr_assert_str_eq(got, "b-5,-7,a\"x0", "the rows in the batch's order");
    sqlite3_free(got);
    sqlite3_close(db);
}

Test(sqlite_rows, the_same_batch_as_json)
{
    char *text = NULL;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    dg__rows rows = batch(rows3, 3);
    dg__rows_json(out, &rows);
    fclose(out);
    cr_assert_str_eq(text, "[[\"b\",-5,9000000000],[null,7,-1],[\"a\\\"x\",0,0]]");
    free(text);
    out = open_memstream(&text, &len);
    rows = batch(rows3, 0);
    dg__rows_json(out, &rows);
    fclose(out);
    cr_assert_str_eq(text, "[]");
    free(text);
}
