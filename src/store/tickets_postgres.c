/* The VOC tickets' rows on a PostgreSQL store (schema/pg/0008_tickets.sql), so tickets can be
 * opened, worked, escalated and listed there as on SQLite (tickets_sqlite.c hands these the
 * calls of a PostgreSQL store). Inside a write transaction a ticket is read locked
 * (dg__pg_lock_clause): a second writer of the same ticket waits for the first to commit, then
 * reads the new version, so its version check refuses it (409) or its comment follows the first
 * one's, as under SQLite's one writer at a time. A recovery run reads the incidents under an
 * advisory lock, so two runs at once open each incident's ticket once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/tickets_postgres.h"
#include "store/tickets_sql.h"

#define RECOVERY_LOCK 0x7265636f76LL   /* pg_advisory_xact_lock key of the recovery runs */
#define ESCALATION_LOCK 0x6573636174LL   /* ... and of the escalations ("escat") */

/* The rows keep "" and 0 for none; the store keeps NULL. */
static const char *text_param(const char *text)
{
    return text && *text ? text : NULL;
}

static const char *time_param(dg__pg_number buf, int64_t t)
{
    return t ? dg__pg_int(buf, t) : NULL;
}

static int64_t int_at(const PGresult *res, int r, int c)
{
    return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

static const char *text_or_null(const PGresult *res, int r, int c)
{
    return PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
}

static void read_row(const PGresult *res, int r, dg__ticket_row *t)
{
    memset(t, 0, sizeof *t);
    t->ticket_id = int_at(res, r, 0);
    struct { char *to; size_t cap; } texts[] = {
        { t->customer_id, sizeof t->customer_id }, { t->kind, sizeof t->kind },
        { t->channel, sizeof t->channel }, { t->priority, sizeof t->priority },
        { t->state, sizeof t->state }, { t->category, sizeof t->category },
        { t->subject, sizeof t->subject }, { t->order_id, sizeof t->order_id },
        { t->staff_id, sizeof t->staff_id }, { t->assignee, sizeof t->assignee },
    };
    for (int i = 0; i < 10; i++)
        snprintf(texts[i].to, texts[i].cap, "%s", PQgetvalue(res, r, 1 + i));
    int64_t *times[] = { &t->opened_at, &t->first_response_at, &t->resolved_at, &t->closed_at,
                         &t->first_response_due, &t->resolution_due, &t->escalated_at,
                         &t->incident_at, &t->reopened, &t->version, &t->updated_at };
    for (int i = 0; i < 11; i++)
        *times[i] = int_at(res, r, 11 + i);
    snprintf(t->source_kind, sizeof t->source_kind, "%s", PQgetvalue(res, r, 22));
    snprintf(t->source_id, sizeof t->source_id, "%s", PQgetvalue(res, r, 23));
}

int dg__pg_ticket_get(dg_pg *pg, int64_t ticket_id, dg__ticket_row *row, dg_error *err)
{
    dg__pg_number id;
    const char *param = dg__pg_int(id, ticket_id);
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT " DG__TICKET_COLUMNS " FROM tickets WHERE "
             "ticket_id = $1%s", dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    /* on a cluster the ticket's node is first read once its previous writer committed */
    int rc = dg__pg_lock_cluster_key(pg, DG__PG_TICKET_LOCK, param, "locking a ticket", err);
    if (rc == 0)
        rc = dg__pg_one_row(pg, sql, 1, &param, &res, "reading a ticket", err);
    if (rc == 0)
        return dg_error_set(err, DG_ENOTFOUND, "no ticket %lld", (long long)ticket_id);
    if (rc < 0)
        return rc;
    read_row(res, 0, row);
    PQclear(res);
    return 0;
}

int dg__pg_ticket_insert(dg_pg *pg, const dg__ticket_row *r, int64_t *id, dg_error *err)
{
    dg__pg_number opened, first_due, resolution_due, incident, version, updated;
    const char *params[] = {
        text_param(r->customer_id), text_param(r->kind), text_param(r->channel),
        text_param(r->priority), text_param(r->state), text_param(r->category),
        text_param(r->subject), text_param(r->order_id), text_param(r->staff_id),
        text_param(r->assignee), dg__pg_int(opened, r->opened_at),
        dg__pg_int(first_due, r->first_response_due),
        dg__pg_int(resolution_due, r->resolution_due), time_param(incident, r->incident_at),
        dg__pg_int(version, r->version), dg__pg_int(updated, r->updated_at),
        text_param(r->source_kind), text_param(r->source_id),
    };
    return dg__pg_scalar(pg, "INSERT INTO tickets (customer_id, kind, channel, priority, state, "
                         "category, subject, order_id, staff_id, assignee, opened_at, "
                         "first_response_due, resolution_due, incident_at, version, updated_at, "
                         "source_kind, source_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                         "$10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING ticket_id", 18,
                         params, id, "opening a ticket", err);
}

int dg__pg_ticket_update(dg_pg *pg, const dg__ticket_row *r, dg_error *err)
{
    dg__pg_number first, resolved, closed, escalated, reopened, version, updated, id;
    const char *params[] = {
        text_param(r->state), text_param(r->priority), text_param(r->assignee),
        time_param(first, r->first_response_at), time_param(resolved, r->resolved_at),
        time_param(closed, r->closed_at), time_param(escalated, r->escalated_at),
        dg__pg_int(reopened, r->reopened), dg__pg_int(version, r->version),
        dg__pg_int(updated, r->updated_at), dg__pg_int(id, r->ticket_id),
    };
    return dg__pg_exec(pg, "UPDATE tickets SET state = $1, priority = $2, assignee = $3, "
                       "first_response_at = $4, resolved_at = $5, closed_at = $6, "
                       "escalated_at = $7, reopened = $8, version = $9, updated_at = $10 "
                       "WHERE ticket_id = $11", 11, params, NULL, "updating a ticket", err);
}

int dg__pg_ticket_event_insert(dg_pg *pg, const dg__ticket_event *e, int64_t *id, dg_error *err)
{
    dg__pg_number ticket, at, version, recorded;
    const char *params[] = {
        dg__pg_int(ticket, e->ticket_id), dg__pg_int(at, e->at), text_param(e->actor),
        text_param(e->action), text_param(e->from_state), text_param(e->to_state),
        text_param(e->detail), dg__pg_int(version, e->version),
        dg__pg_int(recorded, e->recorded_at), e->customer_id,
    };
    return dg__pg_scalar(pg, "INSERT INTO ticket_events (ticket_id, at, actor, action, "
                         "from_state, to_state, detail, version, recorded_at, customer_id) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING event_id",
                         10, params, id,
                         "writing a ticket event", err);
}

/* Inside a write (the escalation's scan of the active tickets) every ticket listed is locked:
 * a second escalation waits, then reads each as the first left it. */
int dg__pg_ticket_scan(dg_pg *pg, const char *customer_id, const char *state, bool active,
                       const dg_user *agent, dg__ticket_row_fn fn, void *ctx, dg_error *err)
{
    const char *params[] = { text_param(customer_id), text_param(state),
                             active ? "true" : "false", agent ? "true" : "false",
                             agent ? agent->staff_id : "", agent ? agent->site : "" };
    char sql[1024];
    /* the agent's customers as dg_user_customer_allowed (users_sqlite.c) decides them */
    snprintf(sql, sizeof sql, "SELECT " DG__TICKET_COLUMNS " FROM tickets WHERE "
             "($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR state = $2) "
             "AND (NOT $3::boolean OR state NOT IN ('resolved', 'closed')) "
             "AND (NOT $4::boolean OR customer_id IN (SELECT c.customer_id FROM customers c "
             "LEFT JOIN staff f ON f.staff_id = c.staff_id WHERE ($5 <> '' AND c.staff_id = $5) "
             "OR ($6 <> '' AND f.site = $6))) ORDER BY ticket_id%s", dg__pg_lock_clause(pg));
    PGresult *res = NULL;
    /* the escalations run one at a time: on a cluster the second reads the nodes only after
     * the first committed (a row lock waited for there would fail it) */
    int rc = *dg__pg_lock_clause(pg) ? dg__pg_lock_job(pg, ESCALATION_LOCK, "waiting for "
                                                       "another escalation", err)
                                     : 0;
    if (rc == 0)
        rc = dg__pg_exec(pg, sql, 6, params, &res, "reading tickets", err);
    dg__ticket_row row;
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        read_row(res, r, &row);
        rc = fn(ctx, &row);
    }
    PQclear(res);
    return rc;
}

int dg__pg_ticket_events_scan(dg_pg *pg, int64_t ticket_id, dg__ticket_event_fn fn, void *ctx,
                              dg_error *err)
{
    dg__pg_number id;
    const char *param = dg__pg_int(id, ticket_id);
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT event_id, ticket_id, at, version, recorded_at, actor, "
                         "action, from_state, to_state, detail FROM ticket_events WHERE "
                         "ticket_id = $1 ORDER BY event_id", 1, &param, &res,
                         "reading ticket events", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg__ticket_event e = {
            .event_id = int_at(res, r, 0), .ticket_id = int_at(res, r, 1),
            .at = int_at(res, r, 2), .version = int_at(res, r, 3),
            .recorded_at = int_at(res, r, 4), .actor = text_or_null(res, r, 5),
            .action = text_or_null(res, r, 6), .from_state = text_or_null(res, r, 7),
            .to_state = text_or_null(res, r, 8), .detail = text_or_null(res, r, 9),
        };
        rc = fn(ctx, &e);
    }
    PQclear(res);
    return rc;
}

/* The incidents of tickets_sql.h in byte order of the source kind and id, as SQLite orders
 * them, so the recovery tickets are numbered alike on both stores. */
int dg__pg_ticket_incidents(dg_pg *pg, int64_t as_of, int32_t as_of_day,
                            dg__ticket_incident_fn fn, void *ctx, dg_error *err)
{
    dg__pg_number at, day;
    const char *params[] = { dg__pg_int(at, as_of), dg__pg_int(day, as_of_day) };
    int rc = dg__pg_in_transaction(pg)
                 ? dg__pg_lock_job(pg, RECOVERY_LOCK, "waiting for another recovery run", err)
                 : 0;
    PGresult *res = NULL;
    if (rc == 0)
        rc = dg__pg_exec(pg,
            "SELECT * FROM (" DG__TICKET_INCIDENTS_SQL ") i ORDER BY source_kind COLLATE \"C\", "
            "source_id COLLATE \"C\"", 2, params, &res,
            "reading feedback and surveys", err);
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg__ticket_incident in = {
            .source_kind = text_or_null(res, r, 0), .source_id = text_or_null(res, r, 1),
            .customer_id = text_or_null(res, r, 2), .channel = text_or_null(res, r, 3),
            .staff_id = text_or_null(res, r, 4), .what = text_or_null(res, r, 5),
            .at = int_at(res, r, 6), .at_day = (int32_t)int_at(res, r, 7),
        };
        rc = fn(ctx, &in);
    }
    PQclear(res);
    return rc;
}

int dg__pg_ticket_request_get(dg_pg *pg, const char *key, char *fingerprint, size_t cap,
                              int64_t *ticket_id, int64_t *version, int64_t *event_id,
                              char state[16], dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_request_row(pg, "ticket_requests", "ticket_id, version, event_id, state", key,
                                fingerprint, cap, &res, err);
    if (rc != 0)
        return rc;
    *ticket_id = dg__pg_int_at(res, 1);
    *version = dg__pg_int_at(res, 2);
    *event_id = dg__pg_int_at(res, 3);
    snprintf(state, 16, "%s", PQgetvalue(res, 0, 4));
    PQclear(res);
    return 0;
}

int dg__pg_ticket_request_put(dg_pg *pg, const char *key, const char *fingerprint,
                              int64_t ticket_id, int64_t version, int64_t event_id,
                              const char *state, int64_t now, dg_error *err)
{
    dg__pg_number ticket, v, event, at;
    const char *params[] = { key, fingerprint, dg__pg_int(ticket, ticket_id),
                             dg__pg_int(v, version), dg__pg_int(event, event_id), state,
                             dg__pg_int(at, now) };
    return dg__pg_exec(pg, "INSERT INTO ticket_requests (idempotency_key, fingerprint, "
                       "ticket_id, version, event_id, state, recorded_at) VALUES ($1, $2, $3, "
                       "$4, $5, $6, $7)", 7, params, NULL, "remembering the request", err);
}
