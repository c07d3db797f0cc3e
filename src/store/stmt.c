/* Running the store's prepared statements (store/stmt.h). The Idempotency-Keys of a
 * PostgreSQL store go to postgres.c (dg__pg_request_get, dg__pg_request_put). */
#include <stdio.h>
#include <string.h>

#include "store/postgres.h"
#include "store/snapshot.h"
#include "store/stmt.h"

void dg__stmt_bind_text(sqlite3_stmt *st, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

int dg__stmt_step(dg_store *s, sqlite3_stmt *st, const char *what, dg_error *err)
{
    int step = sqlite3_step(st);
    return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : dg__store_error(s, err, what);
}

int dg__stmt_each(dg_store *s, sqlite3_stmt *st, dg__stmt_row_fn fn, void *ctx, const char *what,
                  dg_error *err)
{
    int rc;
    while ((rc = dg__stmt_step(s, st, what, err)) == 1)
        if ((rc = fn(ctx, st)) != 0)
            return rc;
    return rc;
}

int dg__stmt_run(dg_store *s, sqlite3_stmt *st, const char *what, dg_error *err)
{
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        return 0;
    int code = sqlite3_extended_errcode(dg__store_db(s));
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
        return dg_error_set(err, DG_EEXIST, "%s: already recorded", what);
    if (code == SQLITE_CONSTRAINT_TRIGGER)
        return dg_error_set(err, DG_ECONFLICT, "%s: %s", what, sqlite3_errmsg(dg__store_db(s)));
    return dg__store_error(s, err, what);
}

int dg__stmt_exec(dg_store *s, const char *sql, const char *what, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    rc = dg__stmt_run(s, st, what, err);
    dg__store_statement_done(s, st);
    return rc;
}

void dg__stmt_copy_text(char *buf, size_t cap, sqlite3_stmt *st, int column)
{
    const unsigned char *text = sqlite3_column_text(st, column);
    snprintf(buf, cap, "%s", text ? (const char *)text : "");
}

int dg__stmt_request_get(dg_store *s, const char *sql, const char *key, char *fingerprint,
                         size_t cap, dg__stmt_row_fn fn, void *ctx, dg_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading an idempotency key", err);
    if (rc == 1) {
        dg__stmt_copy_text(fingerprint, cap, st, 0);
        rc = fn(ctx, st);
    } else if (rc == 0) {
        rc = DG_ENOTFOUND;
    }
    dg__store_statement_done(s, st);
    return rc;
}

typedef struct request_text {
    char *result;
    size_t cap;
} request_text;

static int read_request_text(void *ctx, sqlite3_stmt *st)
{
    request_text *r = ctx;
    dg__stmt_copy_text(r->result, r->cap, st, 1);
    return 0;
}

static int read_request_id(void *ctx, sqlite3_stmt *st)
{
    *(int64_t *)ctx = sqlite3_column_int64(st, 1);
    return 0;
}

/* The look-up of a stored key in table with its result in column, read by fn. */
static int request_column_get(dg_store *s, const char *table, const char *column,
                              const char *key, char *fingerprint, size_t cap,
                              dg__stmt_row_fn fn, void *ctx, dg_error *err)
{
    char sql[192];
    snprintf(sql, sizeof sql, "SELECT fingerprint, %s FROM %s WHERE idempotency_key = ?", column,
             table);
    return dg__stmt_request_get(s, sql, key, fingerprint, cap, fn, ctx, err);
}

int dg__stmt_request_text_get(dg_store *s, const char *table, const char *column, const char *key,
                              char *fingerprint, size_t cap, char *result, size_t result_cap,
                              dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_request_get(dg__store_pg(s), table, column, key, fingerprint, cap, result,
                                  result_cap, NULL, err);
    request_text r = { result, result_cap };
    return request_column_get(s, table, column, key, fingerprint, cap, read_request_text, &r,
                              err);
}

int dg__stmt_request_id_get(dg_store *s, const char *table, const char *column, const char *key,
                            char *fingerprint, size_t cap, int64_t *id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_request_get(dg__store_pg(s), table, column, key, fingerprint, cap, NULL, 0,
                                  id, err);
    return request_column_get(s, table, column, key, fingerprint, cap, read_request_id, id, err);
}

int dg__stmt_request_put(dg_store *s, const char *table, const char *column, const char *key,
                         const char *fingerprint, const char *text, int64_t id, int64_t now,
                         dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_request_put(dg__store_pg(s), table, column, key, fingerprint, text, id, now,
                                  err);
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO %s (idempotency_key, fingerprint, %s, recorded_at) "
             "VALUES (?, ?, ?, ?)", table, column);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, sql, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, fingerprint, -1, SQLITE_STATIC);
    if (text)
        sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 3, id);
    sqlite3_bind_int64(st, 4, now);
    rc = dg__stmt_run(s, st, "remembering an idempotency key", err);
    dg__store_statement_done(s, st);
    return rc;
}
