/* dg_rows(?): an eponymous table-valued function over a batch of rows (sqlite_rows.h),
 * like SQLite's carray extension (not built into the system library) but with several typed
 * columns per row. Rows come out in array order, so an INSERT ... SELECT from it appends them
 * in the caller's order. */
#include <stdint.h>

#include "store/sqlite_rows.h"

#define POINTER_TYPE "dg__rows"
#define ROWS_COLUMN DG__ROWS_MAX_COLUMNS   /* the hidden argument, after c0..c7 */

typedef struct rows_cursor {
    sqlite3_vtab_cursor base;
    const dg__rows *rows;
    size_t at;
} rows_cursor;

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                        sqlite3_vtab **vtab, char **error)
{
    (void)aux, (void)argc, (void)argv, (void)error;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(c0, c1, c2, c3, c4, c5, c6, c7, "
                                      "batch HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    *vtab = sqlite3_malloc(sizeof **vtab);
    if (!*vtab)
        return SQLITE_NOMEM;
    (*vtab)->zErrMsg = NULL;
    return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *vtab)
{
    sqlite3_free(vtab);
    return SQLITE_OK;
}

/* Only with its argument: dg_rows(?) */
static int rows_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info)
{
    (void)vtab;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn == ROWS_COLUMN && c->op == SQLITE_INDEX_CONSTRAINT_EQ && c->usable) {
            info->aConstraintUsage[i].argvIndex = 1;
            info->aConstraintUsage[i].omit = 1;
            info->estimatedCost = 1;
            info->estimatedRows = 1000;
            return SQLITE_OK;
        }
    }
    return SQLITE_CONSTRAINT;
}

static int rows_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **cursor)
{
    (void)vtab;
    rows_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    *c = (rows_cursor){ .rows = NULL };
    *cursor = &c->base;
    return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *cursor)
{
    sqlite3_free(cursor);
    return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cursor, int idx, const char *idx_text, int argc,
                       sqlite3_value **argv)
{
    (void)idx, (void)idx_text;
    rows_cursor *c = (rows_cursor *)cursor;
    c->rows = argc == 1 ? sqlite3_value_pointer(argv[0], POINTER_TYPE) : NULL;
    c->at = 0;
    return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cursor)
{
    ((rows_cursor *)cursor)->at++;
    return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *cursor)
{
    const rows_cursor *c = (const rows_cursor *)cursor;
    return !c->rows || c->at >= c->rows->n;
}

static int rows_column(sqlite3_vtab_cursor *cursor, sqlite3_context *ctx, int i)
{
    const rows_cursor *c = (const rows_cursor *)cursor;
    if (i < 0 || (size_t)i >= c->rows->n_columns)
        return SQLITE_OK;   /* NULL */
    const dg__rows_column *col = &c->rows->columns[i];
    const char *at = (const char *)c->rows->base + c->at * c->rows->size + col->offset;
    switch (col->kind) {
    case DG__ROWS_TEXT: {
        const char *text = *(const char *const *)at;
        if (text)
            sqlite3_result_text(ctx, text, -1, SQLITE_STATIC);
        break;
    }
    case DG__ROWS_INT32:
        sqlite3_result_int(ctx, *(const int32_t *)at);
        break;
    case DG__ROWS_INT64:
        sqlite3_result_int64(ctx, *(const int64_t *)at);
        break;
    }
    return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cursor, sqlite3_int64 *rowid)
{
    *rowid = (sqlite3_int64)((const rows_cursor *)cursor)->at;
    return SQLITE_OK;
}

static const sqlite3_module rows_module = {
    .xConnect = rows_connect,
    .xBestIndex = rows_best_index,
    .xDisconnect = rows_disconnect,
    .xOpen = rows_open,
    .xClose = rows_close,
    .xFilter = rows_filter,
    .xNext = rows_next,
    .xEof = rows_eof,
    .xColumn = rows_column,
    .xRowid = rows_rowid,
};

int dg__rows_register(sqlite3 *db)
{
    return sqlite3_create_module(db, "dg_rows", &rows_module, NULL);
}

int dg__rows_bind(sqlite3_stmt *st, int i, dg__rows *rows)
{
    return sqlite3_bind_pointer(st, i, rows, POINTER_TYPE, NULL);
}
