/* The consent history's SQL (src/store/consent.h, schema/0010_consent.sql). The consent for a
 * purpose on a day is the latest event on or before it, by effective day and then event id;
 * with none, the customer record's imported flag of that channel (consent_email, consent_sms,
 * consent_phone). An erased customer has none. Every statement binds its values. */
#include <stdio.h>
#include <string.h>

#include "store/consent.h"
#include "store/snapshot.h"
#include "store/stmt.h"

/* The record's imported flag for purpose ?P (NULL when the purpose has none), on customers c. */
#define RECORD_FLAG "CASE :purpose WHEN 'marketing_email' THEN c.consent_email " \
                    "WHEN 'marketing_sms' THEN c.consent_sms " \
                    "WHEN 'marketing_phone' THEN c.consent_phone END"

int dg__consent_insert(dg_store *s, const dg__consent_event *e, int64_t *id, dg_error *err)
{
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
    sqlite3_stmt *st = NULL;
    *found = *granted = false;
    int rc = dg__store_statement(s,
        "SELECT coalesce((SELECT action = 'grant' FROM consent_events WHERE customer_id = :id "
        "AND purpose = :purpose AND effective_on <= :day ORDER BY effective_on DESC, event_id "
        "DESC LIMIT 1), " RECORD_FLAG ", 0) AND NOT EXISTS (SELECT 1 FROM customer_erasures e "
        "WHERE e.customer_id = :id) FROM customers c WHERE c.customer_id = :id", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":id"), customer_id, -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":purpose"), purpose, -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":day"), day);
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
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s, "SELECT event_id, customer_id, purpose, action, effective_on, "
                                 "source, actor, recorded_at FROM consent_events WHERE "
                                 "customer_id = ? ORDER BY event_id", &st, err);
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
    sqlite3_stmt *st = NULL;
    int rc = dg__store_statement(s,
        "WITH latest AS (SELECT customer_id, event_id, action, effective_on, source, actor, "
        "recorded_at, row_number() OVER (PARTITION BY customer_id ORDER BY effective_on DESC, "
        "event_id DESC) AS n FROM consent_events WHERE purpose = :purpose AND effective_on <= "
        ":day) "
        "SELECT coalesce(l.event_id, 0), c.customer_id, :purpose, 'grant', "
        "coalesce(l.effective_on, c.acquired_on, 0), coalesce(l.source, 'import'), "
        "coalesce(l.actor, ''), coalesce(l.recorded_at, 0) "
        "FROM customers c LEFT JOIN latest l ON l.customer_id = c.customer_id AND l.n = 1 "
        "WHERE (l.action = 'grant' OR (l.action IS NULL AND " RECORD_FLAG " = 1)) "
        "AND NOT EXISTS (SELECT 1 FROM customer_erasures e WHERE e.customer_id = c.customer_id) "
        "ORDER BY c.customer_id", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":purpose"), purpose, -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":day"), day);
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
    return dg__stmt_request_put(s, "consent_requests", "event_id", key, fingerprint, NULL, event_id, now,
                                err);
}
