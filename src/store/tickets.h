/* Private to the library: the SQL of VOC tickets (src/store/tickets_sqlite.c), which the ticket
 * operations (src/crm/tickets.c) and reports (src/report/tickets.c) call inside the
 * transactions they open. Nothing here decides a rule: these read and write rows. */
#ifndef DANGOL_STORE_TICKETS_H
#define DANGOL_STORE_TICKETS_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/auth.h"
#include "dangol/error.h"
#include "dangol/store.h"

#define DG__TICKET_TEXT 512
#define DG__TICKET_ID 256

/* A ticket as stored; times are UTC seconds, 0 for none; text "" for none. */
typedef struct dg__ticket_row {
    int64_t ticket_id;
    char customer_id[DG__TICKET_ID], kind[16], channel[16], priority[16], state[16];
    char category[DG__TICKET_TEXT], subject[DG__TICKET_TEXT];
    char order_id[DG__TICKET_ID], staff_id[DG__TICKET_ID], assignee[DG__TICKET_ID];
    int64_t opened_at, first_response_at, resolved_at, closed_at;
    int64_t first_response_due, resolution_due, escalated_at, incident_at;
    int64_t reopened, version, updated_at;
    char source_kind[16], source_id[DG__TICKET_ID];
} dg__ticket_row;

typedef struct dg__ticket_event {
    int64_t event_id, ticket_id, at, version, recorded_at;
    const char *customer_id;   /* the ticket's (written, not read back) */
    const char *actor, *action, *from_state, *to_state, *detail;   /* NULL for none */
} dg__ticket_event;

int dg__ticket_get(dg_store *store, int64_t ticket_id, dg__ticket_row *row, dg_error *err);
/* Inserts row (its ticket_id is ignored); the new id into *id. DG_EEXIST when the unique index
 * on the source refuses it. */
int dg__ticket_insert(dg_store *store, const dg__ticket_row *row, int64_t *id, dg_error *err);
/* Writes the mutable fields of row (state, priority, assignee, times, reopened, version). */
int dg__ticket_update(dg_store *store, const dg__ticket_row *row, dg_error *err);
int dg__ticket_event_insert(dg_store *store, const dg__ticket_event *event, int64_t *id,
                            dg_error *err);

/* Tickets in id order, filtered: customer_id and state NULL for any; active: only those not
 * resolved or closed; agent NULL for anyone's, else only the tickets of the customers the agent
 * may see (dg_user_customer_allowed's rule). fn's nonzero return stops the scan and is
 * returned. */
typedef int (*dg__ticket_row_fn)(void *ctx, const dg__ticket_row *row);
int dg__ticket_scan(dg_store *store, const char *customer_id, const char *state, bool active,
                    const dg_user *agent, dg__ticket_row_fn fn, void *ctx, dg_error *err);
typedef int (*dg__ticket_event_fn)(void *ctx, const dg__ticket_event *event);
int dg__ticket_events_scan(dg_store *store, int64_t ticket_id, dg__ticket_event_fn fn, void *ctx,
                           dg_error *err);

/* Incidents up to as_of without a ticket: feedback of kind complaint or rated 1-2, and survey
 * answers with NPS 0-6 or CSAT 1-2 (answered_on <= as_of's day), in time order. at: the
 * feedback's received_at, or the survey's day (days since the epoch) in at_day with at 0. */
typedef struct dg__ticket_incident {
    const char *source_kind, *source_id, *customer_id, *channel, *staff_id, *what;
    int64_t at;
    int32_t at_day;
} dg__ticket_incident;
typedef int (*dg__ticket_incident_fn)(void *ctx, const dg__ticket_incident *incident);
int dg__ticket_incidents(dg_store *store, int64_t as_of, dg__ticket_incident_fn fn, void *ctx,
                         dg_error *err);

/* Idempotency keys: DG_ENOTFOUND if new. */
int dg__ticket_request_get(dg_store *store, const char *key, char *fingerprint, size_t cap,
                           int64_t *ticket_id, int64_t *version, int64_t *event_id, char state[16],
                           dg_error *err);
int dg__ticket_request_put(dg_store *store, const char *key, const char *fingerprint,
                           int64_t ticket_id, int64_t version, int64_t event_id, const char *state,
                           int64_t now, dg_error *err);

/* Does the order exist, and whose is it (into customer_id)? DG_ENOTFOUND if not. */
int dg__ticket_order_customer(dg_store *store, const char *order_id, char *customer_id,
                              size_t cap, dg_error *err);

#endif
