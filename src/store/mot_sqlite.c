/* The moments of truth's SQL (src/store/mot.h, schema/0014_mot.sql): visits and ratings
 * written by the API's visit write, the idempotency keys, and the one scan the analysis reads
 * (visits joined to their ratings in visit order, with the repurchase flag worked out by two
 * index probes per visit: orders_customer and mot_visits_customer; store/mot_sql.h, which a
 * PostgreSQL store runs too). Every statement binds its values; a PostgreSQL store's calls go
 * to mot_postgres.c. */
#include <stdio.h>
#include <string.h>

#include "dangol/frame.h"
#include "dangol/text.h"
#include "store/mot.h"
#include "store/mot_postgres.h"
#include "store/mot_sql.h"
#include "store/snapshot.h"
#include "store/stmt.h"

int dg__mot_visit_exists(dg_store *s, const char *visit_id, bool *found, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_mot_visit_exists(dg__store_pg(s), visit_id, found, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT 1 FROM mot_visits WHERE visit_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, visit_id, -1, SQLITE_STATIC);
    rc = dg__stmt_step(s, st, "reading a visit", err);
    dg__store_statement_done(s, st);
    *found = rc == 1;
    return rc < 0 ? rc : 0;
}

int dg__mot_visit_insert(dg_store *s, const char *visit_id, const char *customer_id,
                         int32_t visited_on, int nps, const char *staff_id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_mot_visit_insert(dg__store_pg(s), visit_id, customer_id, visited_on, nps,
                                       staff_id, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO mot_visits (visit_id, customer_id, visited_on, "
                                 "nps, staff_id) VALUES (?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, visit_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, visited_on);
    if (nps >= 0)
        sqlite3_bind_int(st, 4, nps);
    else
        sqlite3_bind_null(st, 4);
    dg__stmt_bind_text(st, 5, staff_id);
    rc = dg__stmt_run(s, st, "writing a visit", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__mot_rating_insert(dg_store *s, const char *visit_id, const char *moment, int score,
                          dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_mot_rating_insert(dg__store_pg(s), visit_id, moment, score, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO mot_ratings (visit_id, moment, score) VALUES "
                                 "(?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, visit_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, moment, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, score);
    rc = dg__stmt_run(s, st, "writing a rating", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__mot_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                        char *visit_id, size_t visit_cap, dg_error *err)
{
    return dg__stmt_request_text_get(s, "mot_requests", "visit_id", key, fingerprint, cap,
                                     visit_id, visit_cap, err);
}

int dg__mot_request_put(dg_store *s, const char *key, const char *fingerprint,
                        const char *visit_id, int64_t now, dg_error *err)
{
    return dg__stmt_request_put(s, "mot_requests", "visit_id", key, fingerprint, visit_id, 0, now,
                                err);
}

int dg__mot_last_day(dg_store *s, int32_t *day, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_mot_last_day(dg__store_pg(s), day, err);
    sqlite3_stmt *st = NULL;
    *day = DG_DAY_NONE;
    int rc = dg__store_statement(s, "SELECT max(visited_on) FROM mot_visits", &st, err);
    if (rc != 0)
        return rc;
    rc = dg__stmt_step(s, st, "reading the last visit", err);
    if (rc == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *day = sqlite3_column_int(st, 0);
    dg__store_statement_done(s, st);
    return rc < 0 ? rc : 0;
}

typedef struct scan_ctx {
    dg__mot_row_fn fn;
    void *ctx;
} scan_ctx;

static int scan_row(void *ctx, sqlite3_stmt *st)
{
    scan_ctx *c = ctx;
    dg__mot_row r = {
        .visit_id = (const char *)sqlite3_column_text(st, 0),
        .customer_id = (const char *)sqlite3_column_text(st, 1),
        .visited_on = sqlite3_column_int(st, 2),
        .nps = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3),
        .repurchased = sqlite3_column_int(st, 4),
        .moment = (const char *)sqlite3_column_text(st, 5),
        .score = sqlite3_column_int(st, 6),
    };
    return c->fn(c->ctx, &r);
}

int dg__mot_scan(dg_store *s, int32_t as_of, int32_t window_days, dg__mot_row_fn fn, void *ctx,
                 dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_mot_scan(dg__store_pg(s), as_of, window_days, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__MOT_SCAN_SQL(""), &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int(st, 1, window_days);
    sqlite3_bind_int(st, 2, as_of);
    scan_ctx c = { fn, ctx };
    rc = dg__stmt_each(s, st, scan_row, &c, "reading the visits", err);
    dg__store_statement_done(s, st);
    return rc;
}
