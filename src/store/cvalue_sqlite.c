/* The customer value answers' SQL (src/store/cvalue.h, schema/0016_value.sql; the statements are
 * store/cvalue_sql.h's, which a PostgreSQL store runs too, its calls going to cvalue_postgres.c).
 * Every statement binds its values; the callers hold the transaction. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store/cvalue.h"
#include "store/cvalue_postgres.h"
#include "store/cvalue_sql.h"
#include "store/snapshot.h"
#include "store/stmt.h"

int dg__cvalue_response_put(dg_store *s, const char *response_id, const char *customer_id,
                            int32_t day, const char *const *items, const int *answers, size_t n,
                            bool replace, int64_t now, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_cvalue_response_put(dg__store_pg(s), response_id, customer_id, day, items,
                                          answers, n, replace, now, err);
    sqlite3_stmt *st = NULL;
    int rc;
    if (replace) {
        if ((rc = dg__store_statement(s, DG__CVALUE_ANSWERS_DELETE_SQL, &st, err)) != 0)
            return rc;
        sqlite3_bind_text(st, 1, response_id, -1, SQLITE_STATIC);
        rc = dg__stmt_run(s, st, "replacing a value response", err);
        dg__store_statement_done(s, st);
        if (rc != 0)
            return rc;
    }
    rc = dg__store_statement(s, replace ? DG__CVALUE_RESPONSE_UPSERT_SQL
                                        : DG__CVALUE_RESPONSE_INSERT_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, response_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, day);
    sqlite3_bind_int64(st, 4, now);
    rc = dg__stmt_run(s, st, "writing a value response", err);
    dg__store_statement_done(s, st);
    if (rc == DG_EEXIST)
        return dg_error_set(err, DG_EEXIST, "response \"%s\" is already recorded", response_id);
    if (rc != 0)
        return rc;
    if ((rc = dg__store_statement(s, DG__CVALUE_ANSWER_INSERT_SQL, &st, err)) != 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, response_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, items[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, customer_id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, answers[i]);
        rc = dg__stmt_run(s, st, "writing a value answer", err);
    }
    dg__store_statement_done(s, st);
    return rc;
}

typedef struct scan_ctx {
    dg__cvalue_answer_fn fn;
    void *ctx;
} scan_ctx;

static int scan_row(void *ctx, sqlite3_stmt *st)
{
    scan_ctx *c = ctx;
    return c->fn(c->ctx, (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2),
                 (const char *)sqlite3_column_text(st, 3), sqlite3_column_int(st, 4));
}

int dg__cvalue_answers_scan(dg_store *s, const char *customer_id, dg__cvalue_answer_fn fn,
                            void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_cvalue_answers_scan(dg__store_pg(s), customer_id, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, customer_id
                                        ? DG__CVALUE_ANSWERS_SQL(DG__CVALUE_OF_CUSTOMER, "")
                                        : DG__CVALUE_ANSWERS_SQL("", ""), &st, err);
    if (rc != 0)
        return rc;
    if (customer_id)
        sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    scan_ctx c = { fn, ctx };
    rc = dg__stmt_each(s, st, scan_row, &c, "reading value answers", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__cvalue_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                           char *response_id, size_t id_cap, dg_error *err)
{
    return dg__stmt_request_text_get(s, "value_requests", "response_id", key, fingerprint, cap,
                                     response_id, id_cap, err);
}

int dg__cvalue_request_put(dg_store *s, const char *key, const char *fingerprint,
                           const char *response_id, int64_t now, dg_error *err)
{
    return dg__stmt_request_put(s, "value_requests", "response_id", key, fingerprint, response_id,
                                0, now, err);
}
