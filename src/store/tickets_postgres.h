/* Private to the store: the VOC tickets' SQL on a PostgreSQL store (tickets_postgres.c), called
 * by tickets_sqlite.c's functions of the same names (dg__ticket_* of store/tickets.h) for a
 * PostgreSQL store, with the same meaning. The workflow's checks (src/crm/tickets.c) stay
 * shared. */
#ifndef DANGOL_STORE_TICKETS_POSTGRES_H
#define DANGOL_STORE_TICKETS_POSTGRES_H

#include "store/postgres.h"
#include "store/tickets.h"

int dg__pg_ticket_get(dg_pg *pg, int64_t ticket_id, dg__ticket_row *row, dg_error *err);
int dg__pg_ticket_insert(dg_pg *pg, const dg__ticket_row *row, int64_t *id, dg_error *err);
int dg__pg_ticket_update(dg_pg *pg, const dg__ticket_row *row, dg_error *err);
int dg__pg_ticket_event_insert(dg_pg *pg, const dg__ticket_event *event, int64_t *id,
                               dg_error *err);
int dg__pg_ticket_scan(dg_pg *pg, const char *customer_id, const char *state, bool active,
                       const dg_user *agent, dg__ticket_row_fn fn, void *ctx, dg_error *err);
int dg__pg_ticket_events_scan(dg_pg *pg, int64_t ticket_id, dg__ticket_event_fn fn, void *ctx,
                              dg_error *err);
/* as_of_day: the day of as_of (the surveys are dated) */
int dg__pg_ticket_incidents(dg_pg *pg, int64_t as_of, int32_t as_of_day,
                            dg__ticket_incident_fn fn, void *ctx, dg_error *err);
int dg__pg_ticket_request_get(dg_pg *pg, const char *key, char *fingerprint, size_t cap,
                              int64_t *ticket_id, int64_t *version, int64_t *event_id,
                              char state[16], dg_error *err);
int dg__pg_ticket_request_put(dg_pg *pg, const char *key, const char *fingerprint,
                              int64_t ticket_id, int64_t version, int64_t event_id,
                              const char *state, int64_t now, dg_error *err);

#endif
