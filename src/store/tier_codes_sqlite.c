/* The tier codes of a SQLite store (store/tier_codes_sqlite.h, schema 32): a handful of rows,
 * read into a small array by each call that writes or reads tier_changes, so a row's code is
 * an integer compared in C instead of a text stored in every row and index entry. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/snapshot.h"
#include "store/stmt.h"
#include "store/tier_codes_sqlite.h"

static int add(dg__tier_codes *codes, int64_t id, const char *code)
{
    dg__tier_code *items = realloc(codes->items, (codes->n + 1) * sizeof *items);
    if (!items)
        return DG_ENOMEM;
    codes->items = items;
    if (!(items[codes->n].code = strdup(code)))
        return DG_ENOMEM;
    items[codes->n++].id = id;
    return 0;
}

static int read_code(void *ctx, sqlite3_stmt *st)
{
    const unsigned char *code = sqlite3_column_text(st, 1);
    return add(ctx, sqlite3_column_int64(st, 0), code ? (const char *)code : "");
}

int dg__tier_codes_read(dg_store *s, dg__tier_codes *codes, dg_error *err)
{
    *codes = (dg__tier_codes){ NULL, 0 };
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "SELECT code_id, code FROM tier_codes", &st, err);
    if (rc != 0)
        return rc;
    rc = dg__stmt_each(s, st, read_code, codes, "reading the tier codes", err);
    dg__store_statement_done(s, st);
    return rc == DG_ENOMEM ? dg_error_set(err, rc, "out of memory") : rc;
}

int dg__tier_code_id(dg_store *s, dg__tier_codes *codes, const char *code, int64_t *id,
                     dg_error *err)
{
    for (size_t i = 0; i < codes->n; i++)
        if (strcmp(codes->items[i].code, code) == 0) {
            *id = codes->items[i].id;
            return 0;
        }
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "INSERT INTO tier_codes (code) VALUES (?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    rc = dg__stmt_run(s, st, "adding a tier code", err);
    dg__store_statement_done(s, st);
    *id = sqlite3_last_insert_rowid(dg__store_db(s));
    if (rc == 0 && add(codes, *id, code) != 0)
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    return rc;
}

const char *dg__tier_code_of(const dg__tier_codes *codes, int64_t id)
{
    for (size_t i = 0; i < codes->n; i++)
        if (codes->items[i].id == id)
            return codes->items[i].code;
    return "";
}

void dg__tier_codes_free(dg__tier_codes *codes)
{
    for (size_t i = 0; i < codes->n; i++)
        free(codes->items[i].code);
    free(codes->items);
    *codes = (dg__tier_codes){ NULL, 0 };
}
