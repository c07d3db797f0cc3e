/* The SQL of VOC tickets (src/store/tickets.h, schema/0008_tickets.sql). Every statement binds
 * its values; the callers hold the transaction. A PostgreSQL store's calls go to their twins in
 * tickets_postgres.c. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "dangol/text.h"
#include "store/snapshot.h"
#include "store/stmt.h"
#include "store/tickets.h"
#include "store/tickets_postgres.h"
#include "store/tickets_sql.h"

/* The rows keep "" for none; the store keeps NULL. */
static void bind_text(sqlite3_stmt *st, int i, const char *text)
{
    dg__stmt_bind_text(st, i, text && *text ? text : NULL);
}

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
    if (t)
        sqlite3_bind_int64(st, i, t);
    else
        sqlite3_bind_null(st, i);
}

static void read_row(sqlite3_stmt *st, dg__ticket_row *r)
{
    memset(r, 0, sizeof *r);
    r->ticket_id = sqlite3_column_int64(st, 0);
    dg__stmt_copy_text(r->customer_id, sizeof r->customer_id, st, 1);
    dg__stmt_copy_text(r->kind, sizeof r->kind, st, 2);
    dg__stmt_copy_text(r->channel, sizeof r->channel, st, 3);
    dg__stmt_copy_text(r->priority, sizeof r->priority, st, 4);
    dg__stmt_copy_text(r->state, sizeof r->state, st, 5);
    dg__stmt_copy_text(r->category, sizeof r->category, st, 6);
    dg__stmt_copy_text(r->subject, sizeof r->subject, st, 7);
    dg__stmt_copy_text(r->order_id, sizeof r->order_id, st, 8);
    dg__stmt_copy_text(r->staff_id, sizeof r->staff_id, st, 9);
    dg__stmt_copy_text(r->assignee, sizeof r->assignee, st, 10);
    int64_t *times[] = { &r->opened_at, &r->first_response_at, &r->resolved_at, &r->closed_at,
                         &r->first_response_due, &r->resolution_due, &r->escalated_at,
                         &r->incident_at, &r->reopened, &r->version, &r->updated_at };
    for (int i = 0; i < 11; i++)
        *times[i] = sqlite3_column_int64(st, 11 + i);
    dg__stmt_copy_text(r->source_kind, sizeof r->source_kind, st, 22);
    dg__stmt_copy_text(r->source_id, sizeof r->source_id, st, 23);
}

int dg__ticket_get(dg_store *s, int64_t ticket_id, dg__ticket_row *row, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_ticket_get(dg__store_pg(s), ticket_id, row, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "SELECT " DG__TICKET_COLUMNS " FROM tickets WHERE "
                                 "ticket_id = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, ticket_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        read_row(st, row);
    else if (step == SQLITE_DONE)
        rc = dg_error_set(err, DG_ENOTFOUND, "no ticket %lld", (long long)ticket_id);
    else
        rc = dg__store_error(s, err, "reading a ticket");
    dg__store_statement_done(s, st);
    return rc;
}

int dg__ticket_insert(dg_store *s, const dg__ticket_row *r, int64_t *id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_ticket_insert(dg__store_pg(s), r, id, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "INSERT INTO tickets (customer_id, kind, channel, priority, "
                                 "state, category, subject, order_id, staff_id, assignee, "
                                 "opened_at, first_response_due, resolution_due, incident_at, "
                                 "version, updated_at, source_kind, source_id) VALUES (?, ?, ?, "
                                 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    bind_text(st, 1, r->customer_id);
    bind_text(st, 2, r->kind);
    bind_text(st, 3, r->channel);
    bind_text(st, 4, r->priority);
    bind_text(st, 5, r->state);
    bind_text(st, 6, r->category);
    bind_text(st, 7, r->subject);
    bind_text(st, 8, r->order_id);
    bind_text(st, 9, r->staff_id);
    bind_text(st, 10, r->assignee);
    sqlite3_bind_int64(st, 11, r->opened_at);
    sqlite3_bind_int64(st, 12, r->first_response_due);
    sqlite3_bind_int64(st, 13, r->resolution_due);
    bind_time(st, 14, r->incident_at);
    sqlite3_bind_int64(st, 15, r->version);
    sqlite3_bind_int64(st, 16, r->updated_at);
    bind_text(st, 17, r->source_kind);
    bind_text(st, 18, r->source_id);
    rc = dg__stmt_run(s, st, "opening a ticket", err);
    dg__store_statement_done(s, st);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(dg__store_db(s));
    return rc;
}

int dg__ticket_update(dg_store *s, const dg__ticket_row *r, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_ticket_update(dg__store_pg(s), r, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "UPDATE tickets SET state = ?, priority = ?, assignee = ?, "
                                 "first_response_at = ?, resolved_at = ?, closed_at = ?, "
                                 "escalated_at = ?, reopened = ?, version = ?, updated_at = ? "
                                 "WHERE ticket_id = ?", &st, err);
    if (rc != 0)
        return rc;
    bind_text(st, 1, r->state);
    bind_text(st, 2, r->priority);
    bind_text(st, 3, r->assignee);
    bind_time(st, 4, r->first_response_at);
    bind_time(st, 5, r->resolved_at);
    bind_time(st, 6, r->closed_at);
    bind_time(st, 7, r->escalated_at);
    sqlite3_bind_int64(st, 8, r->reopened);
    sqlite3_bind_int64(st, 9, r->version);
    sqlite3_bind_int64(st, 10, r->updated_at);
    sqlite3_bind_int64(st, 11, r->ticket_id);
    rc = dg__stmt_run(s, st, "updating a ticket", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__ticket_event_insert(dg_store *s, const dg__ticket_event *e, int64_t *id, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_ticket_event_insert(dg__store_pg(s), e, id, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "INSERT INTO ticket_events (ticket_id, at, actor, action, "
                                 "from_state, to_state, detail, version, recorded_at, "
                                 "customer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, e->ticket_id);
    sqlite3_bind_int64(st, 2, e->at);
    bind_text(st, 3, e->actor);
    bind_text(st, 4, e->action);
    bind_text(st, 5, e->from_state);
    bind_text(st, 6, e->to_state);
    bind_text(st, 7, e->detail);
    sqlite3_bind_int64(st, 8, e->version);
    sqlite3_bind_int64(st, 9, e->recorded_at);
    bind_text(st, 10, e->customer_id);
    rc = dg__stmt_run(s, st, "writing a ticket event", err);
    dg__store_statement_done(s, st);
    if (rc == 0)
        *id = sqlite3_last_insert_rowid(dg__store_db(s));
    return rc;
}

int dg__ticket_scan(dg_store *s, const char *customer_id, const char *state, bool active,
                    const dg_user *agent, dg__ticket_row_fn fn, void *ctx, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_ticket_scan(dg__store_pg(s), customer_id, state, active, agent, fn, ctx,
                                  err);
    sqlite3_stmt *st;
    /* the agent's customers as dg_user_customer_allowed (users_sqlite.c) decides them */
    int rc = dg__store_statement(s, "SELECT " DG__TICKET_COLUMNS " FROM tickets WHERE "
                                 "(?1 IS NULL OR customer_id = ?1) AND (?2 IS NULL OR state = ?2) "
                                 "AND (?3 = 0 OR state NOT IN ('resolved', 'closed')) "
                                 "AND (?4 = 0 OR customer_id IN (SELECT c.customer_id FROM "
                                 "customers c LEFT JOIN staff f ON f.staff_id = c.staff_id WHERE "
                                 "(?5 <> '' AND c.staff_id = ?5) OR (?6 <> '' AND f.site = ?6))) "
                                 "ORDER BY ticket_id", &st, err);
    if (rc != 0)
        return rc;
    bind_text(st, 1, customer_id);
    bind_text(st, 2, state);
    sqlite3_bind_int(st, 3, active);
    sqlite3_bind_int(st, 4, agent != NULL);
    sqlite3_bind_text(st, 5, agent ? agent->staff_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, agent ? agent->site : "", -1, SQLITE_STATIC);
    int step;
    dg__ticket_row row;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, &row);
        if ((rc = fn(ctx, &row)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = dg__store_error(s, err, "reading tickets");
    dg__store_statement_done(s, st);
    return rc;
}

static const char *text_or_null(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

int dg__ticket_events_scan(dg_store *s, int64_t ticket_id, dg__ticket_event_fn fn, void *ctx,
                           dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_ticket_events_scan(dg__store_pg(s), ticket_id, fn, ctx, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "SELECT event_id, ticket_id, at, version, recorded_at, "
                                 "actor, action, from_state, to_state, detail FROM ticket_events "
                                 "WHERE ticket_id = ? ORDER BY event_id", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, ticket_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        dg__ticket_event e = {
            .event_id = sqlite3_column_int64(st, 0), .ticket_id = sqlite3_column_int64(st, 1),
            .at = sqlite3_column_int64(st, 2), .version = sqlite3_column_int64(st, 3),
            .recorded_at = sqlite3_column_int64(st, 4), .actor = text_or_null(st, 5),
            .action = text_or_null(st, 6), .from_state = text_or_null(st, 7),
            .to_state = text_or_null(st, 8), .detail = text_or_null(st, 9),
        };
        if ((rc = fn(ctx, &e)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = dg__store_error(s, err, "reading ticket events");
    dg__store_statement_done(s, st);
    return rc;
}

int dg__ticket_incidents(dg_store *s, int64_t as_of, dg__ticket_incident_fn fn, void *ctx,
                         dg_error *err)
{
    int32_t as_of_day = dg_day_of(as_of);
    if (dg__store_pg(s))
        return dg__pg_ticket_incidents(dg__store_pg(s), as_of, as_of_day, fn, ctx, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, DG__TICKET_INCIDENTS_SQL " ORDER BY 1, 2", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, as_of);
    sqlite3_bind_int(st, 2, as_of_day);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        dg__ticket_incident in = {
            .source_kind = text_or_null(st, 0), .source_id = text_or_null(st, 1),
            .customer_id = text_or_null(st, 2), .channel = text_or_null(st, 3),
            .staff_id = text_or_null(st, 4), .what = text_or_null(st, 5),
            .at = sqlite3_column_int64(st, 6), .at_day = sqlite3_column_int(st, 7),
        };
        if ((rc = fn(ctx, &in)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = dg__store_error(s, err, "reading feedback and surveys");
    dg__store_statement_done(s, st);
    return rc;
}

int dg__ticket_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                           int64_t *ticket_id, int64_t *version, int64_t *event_id, char state[16],
                           dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_ticket_request_get(dg__store_pg(s), key, fingerprint, cap, ticket_id,
                                         version, event_id, state, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "SELECT fingerprint, ticket_id, version, event_id, state FROM "
                                 "ticket_requests WHERE idempotency_key = ?", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        dg__stmt_copy_text(fingerprint, cap, st, 0);
        *ticket_id = sqlite3_column_int64(st, 1);
        *version = sqlite3_column_int64(st, 2);
        *event_id = sqlite3_column_int64(st, 3);
        dg__stmt_copy_text(state, 16, st, 4);
    } else {
        rc = step == SQLITE_DONE ? DG_ENOTFOUND : dg__store_error(s, err, "reading a request");
    }
    dg__store_statement_done(s, st);
    return rc;
}

int dg__ticket_request_put(dg_store *s, const char *key, const char *fingerprint,
                           int64_t ticket_id, int64_t version, int64_t event_id, const char *state,
                           int64_t now, dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_ticket_request_put(dg__store_pg(s), key, fingerprint, ticket_id, version,
                                         event_id, state, now, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "INSERT INTO ticket_requests (idempotency_key, fingerprint, "
                                 "ticket_id, version, event_id, state, recorded_at) VALUES "
                                 "(?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ticket_id);
    sqlite3_bind_int64(st, 4, version);
    sqlite3_bind_int64(st, 5, event_id);
    sqlite3_bind_text(st, 6, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now);
    rc = dg__stmt_run(s, st, "remembering the request", err);
    dg__store_statement_done(s, st);
    return rc;
}

int dg__ticket_order_customer(dg_store *s, const char *order_id, char *customer_id, size_t cap,
                              dg_error *err)
{
    if (dg__store_pg(s))
        return dg__pg_order_customer(dg__store_pg(s), order_id, false, customer_id, cap, err);
    sqlite3_stmt *st;
    int rc = dg__store_statement(s, "SELECT customer_id FROM orders WHERE order_id = ?", &st,
                                 err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, order_id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        dg__stmt_copy_text(customer_id, cap, st, 0);
    else
        rc = step == SQLITE_DONE ? dg_error_set(err, DG_ENOTFOUND, "no order \"%s\"", order_id)
                                 : dg__store_error(s, err, "reading an order");
    dg__store_statement_done(s, st);
    return rc;
}
