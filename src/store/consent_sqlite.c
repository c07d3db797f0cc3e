/* The consent history's SQL (src/store/consent.h, schema/0010_consent.sql). The consent for a
 * purpose on a day is the latest event on or before it, by effective day and then event id;
 * with none, the customer record's imported flag of that channel (consent_email, consent_sms,
 * consent_phone). An erased customer has none. Every statement binds its values. A PostgreSQL
 * store's calls go to their twins in consent_postgres.c; the reads' SQL is shared
 * (consent_sql.h). */
#include <stdio.h>
#include <string.h>

#include "store/consent.h"
#include "store/consent_postgres.h"
#include "store/consent_sql.h"
#include "store/snapshot.h"
#include "store/stmt.h"

int dg__consent_insert(dg_store *s, const dg__consent_event *e, int64_t *id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_consent_insert(dg__store_pg(s), e, id, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "INSERT INTO consent_events (customer_id, purpose, action, "
                                 "effective_on, source, actor, recorded_at) VALUES "
                                 "(?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, e->customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->purpose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->action, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, e->effective_on);
    sqlite3_bind_text(st, 5, e->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e->actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, e->recorded_at);
    rc = dg__stmt_run(s, st, "writing a consent event", err);
    dg__store_statement_done(s, st);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(dg__store_db(s));
    return rc;
}

int dg__consent_state(dg_store *s, const char *customer_id, const char *purpose, int32_t day,
                      bool *found, bool *granted, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_consent_state(dg__store_pg(s), customer_id, purpose, day, found, granted,
                                    err);
    sqlite3_stmt *st = NULL;
    *found = *granted = false;
    int rc = dg__store_statement(s, DG__CONSENT_STATE_SQL, &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, day);
    rc = dg__stmt_step(s, st, "reading a consent", err);
    if (rc == 1) {
        *found = true;
        *granted = sqlite3_column_int(st, 0) != 0;
        rc = 0;
    }
    dg__store_statement_done(s, st);
    return rc;
}

typedef struct event_ctx {
    dg__consent_fn fn;
    void *ctx;
} event_ctx;

static int event_row(void *ctx, sqlite3_stmt *st)
{
    event_ctx *c = ctx;
    dg__consent_event e = {
        .event_id = sqlite3_column_int64(st, 0),
        .customer_id = (const char *)sqlite3_column_text(st, 1),
        .purpose = (const char *)sqlite3_column_text(st, 2),
        .action = (const char *)sqlite3_column_text(st, 3),
        .effective_on = sqlite3_column_int(st, 4),
        .source = (const char *)sqlite3_column_text(st, 5),
        .actor = (const char *)sqlite3_column_text(st, 6),
        .recorded_at = sqlite3_column_int64(st, 7),
    };
    return c->fn(c->ctx, &e);
}

int dg__consent_history(dg_store *s, const char *customer_id, dg__consent_fn fn, void *ctx,
                        dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_consent_history(dg__store_pg(s), customer_id, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT " DG__CONSENT_EVENT_COLUMNS " FROM consent_events "
                                 "WHERE customer_id = ? ORDER BY event_id", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, customer_id, -1, SQLITE_STATIC);
    event_ctx c = { fn, ctx };
    rc = dg__stmt_each(s, st, event_row, &c, "reading the consent history", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__consent_granted(dg_store *s, const char *purpose, int32_t day, dg__consent_fn fn,
                        void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_consent_granted(dg__store_pg(s), purpose, day, fn, ctx, err);
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, DG__CONSENT_GRANTED_SQL " ORDER BY c.customer_id", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, day);
    event_ctx c = { fn, ctx };
    rc = dg__stmt_each(s, st, event_row, &c, "listing consents", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__consent_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                            int64_t *event_id, dg_error *err)
{
    return dg__stmt_request_id_get(s, "consent_requests", "event_id", key, fingerprint, cap,
                                   event_id, err);
}

int dg__consent_request_put(dg_store *s, const char *key, const char *fingerprint,
                            int64_t event_id, int64_t now, dg_error *err)
{
    return dg__stmt_request_put(s, "consent_requests", "event_id", key, fingerprint, NULL,
                                event_id, now, err);
}
