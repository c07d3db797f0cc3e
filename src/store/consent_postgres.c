/* The consent history's rows on a PostgreSQL store (schema/pg/0010_consent.sql), so consent can
 * be granted, withdrawn and read there as on SQLite, with the same SQL for the reads
 * (consent_sql.h). Inside a write, a customer's consent is read after their record is locked
 * (lock_customer): a second write for the same customer waits for the first to commit and
 * then sees its event, so whether each event changed the consent is decided one at a time, as
 * under SQLite's one writer at a time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/consent_postgres.h"
#include "store/consent_sql.h"

int dg__pg_consent_insert(dg_pg *pg, const dg__consent_event *e, int64_t *id, dg_error *err)
{
    dg__pg_number day, at;
    const char *params[] = { e->customer_id, e->purpose, e->action,
                             dg__pg_int(day, e->effective_on), e->source, e->actor,
                             dg__pg_int(at, e->recorded_at) };
    return dg__pg_scalar(pg, "INSERT INTO consent_events (customer_id, purpose, action, "
                         "effective_on, source, actor, recorded_at) VALUES ($1, $2, $3, $4, $5, "
                         "$6, $7) RETURNING event_id", 7, params, id, "writing a consent event",
                         err);
}

/* Inside a write, the customer's record locked, so what the next statements read (READ
 * COMMITTED gives each statement the commits before it) includes every write that held the
 * lock before: the events of a consent write, the record of an erasure. */
static int lock_customer(dg_pg *pg, const char *customer_id, const char *what, dg_error *err)
{
    if (!*dg__pg_lock_clause(pg))
        return 0;
    /* on a cluster the coordinator's lock of the customer comes first, so a node is first read
     * after the previous writer's commit */
    int rc = dg__pg_lock_cluster_key(pg, DG__PG_CUSTOMER_LOCK, customer_id, what, err);
    if (rc != 0)
        return rc;
    char lock[128];
    snprintf(lock, sizeof lock, "SELECT 1 FROM customers WHERE customer_id = $1%s",
             dg__pg_lock_clause(pg));
    return dg__pg_exec(pg, lock, 1, &customer_id, NULL, what, err);
}

int dg__pg_consent_state(dg_pg *pg, const char *customer_id, const char *purpose, int32_t day,
                         bool *found, bool *granted, dg_error *err)
{
    dg__pg_number d;
    const char *params[] = { customer_id, purpose, dg__pg_int(d, day) };
    PGresult *res = NULL;
    *found = *granted = false;
    int rc = lock_customer(pg, customer_id, "locking a customer's consent", err);
    if (rc == 0)
        rc = dg__pg_one_row(pg, DG__CONSENT_STATE_SQL, 3, params, &res, "reading a consent",
                            err);
    if (rc <= 0)
        return rc;
    *found = true;
    *granted = dg__pg_int_at(res, 0) != 0;
    PQclear(res);
    return 0;
}

/* Each row of res (the columns of DG__CONSENT_EVENT_COLUMNS) to fn. */
static int each_event(const PGresult *res, dg__consent_fn fn, void *ctx)
{
    int rc = 0;
    for (int r = 0; rc == 0 && r < PQntuples(res); r++) {
        dg__consent_event e = {
            .event_id = strtoll(PQgetvalue(res, r, 0), NULL, 10),
            .customer_id = PQgetvalue(res, r, 1), .purpose = PQgetvalue(res, r, 2),
            .action = PQgetvalue(res, r, 3),
            .effective_on = (int32_t)strtol(PQgetvalue(res, r, 4), NULL, 10),
            .source = PQgetvalue(res, r, 5), .actor = PQgetvalue(res, r, 6),
            .recorded_at = strtoll(PQgetvalue(res, r, 7), NULL, 10),
        };
        rc = fn(ctx, &e);
    }
    return rc;
}

int dg__pg_consent_history(dg_pg *pg, const char *customer_id, dg__consent_fn fn, void *ctx,
                           dg_error *err)
{
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, "SELECT " DG__CONSENT_EVENT_COLUMNS " FROM consent_events WHERE "
                         "customer_id = $1 ORDER BY event_id", 1, &customer_id, &res,
                         "reading the consent history", err);
    if (rc == 0)
        rc = each_event(res, fn, ctx);
    PQclear(res);
    return rc;
}

int dg__pg_consent_granted(dg_pg *pg, const char *purpose, int32_t day, dg__consent_fn fn,
                           void *ctx, dg_error *err)
{
    dg__pg_number d;
    const char *params[] = { purpose, dg__pg_int(d, day) };
    PGresult *res = NULL;
    int rc = dg__pg_exec(pg, DG__CONSENT_GRANTED_SQL " ORDER BY c.customer_id COLLATE \"C\"", 2,
                         params, &res, "listing consents", err);
    if (rc == 0)
        rc = each_event(res, fn, ctx);
    PQclear(res);
    return rc;
}

int dg__pg_erasure_get(dg_pg *pg, const char *customer_id, bool *erased, int64_t *erased_at,
                       dg_error *err)
{
    PGresult *res = NULL;
    *erased = false;
    int rc = lock_customer(pg, customer_id, "locking the customer to erase", err);
    if (rc == 0)
        rc = dg__pg_one_row(pg, "SELECT erased_at FROM customer_erasures WHERE customer_id = $1",
                            1, &customer_id, &res, "reading an erasure", err);
    if (rc <= 0)
        return rc;
    *erased = true;
    *erased_at = dg__pg_int_at(res, 0);
    PQclear(res);
    return 0;
}
