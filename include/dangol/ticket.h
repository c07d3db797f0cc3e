/* VOC tickets: one ticket per complaint, inquiry, suggestion or compliment, from a channel,
 * about a customer (and optionally an order and the staff member who served), worked through
 * the states open -> assigned -> in_progress -> resolved -> closed, with reopen (resolved or
 * closed -> open). Every change is an append-only event row (who, when, what, from -> to) and
 * bumps the ticket's version; an update that names the version it read is refused with
 * DG_ECONFLICT when the ticket has moved on, so two agents never overwrite each other. Each
 * write is one BEGIN IMMEDIATE transaction; nothing is written when it is refused.
 * SLAs (config/sla.conf) give first-response and resolution targets in business hours of the
 * calendar (dangol/calendar.h) by priority and kind; the due times are fixed when the ticket
 * opens. The first response is the first start, comment or resolve. Service recovery opens one
 * ticket per incident (a survey answer with NPS 0-6 or CSAT 1-2; feedback that is a complaint
 * or rated 1-2), never two, due for a first response within recovery_first_response business
 * hours of the incident. */
#ifndef DANGOL_TICKET_H
#define DANGOL_TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/calendar.h"
#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_store dg_store;
struct dg_audit_actor;

typedef enum dg_ticket_kind {
    DG_TICKET_COMPLAINT, DG_TICKET_INQUIRY, DG_TICKET_SUGGESTION, DG_TICKET_COMPLIMENT,
    DG_TICKET_N_KINDS
} dg_ticket_kind;

typedef enum dg_ticket_channel {
    DG_TICKET_CALL_CENTRE, DG_TICKET_WEB, DG_TICKET_APP, DG_TICKET_STORE, DG_TICKET_EMAIL,
    DG_TICKET_N_CHANNELS
} dg_ticket_channel;

typedef enum dg_ticket_state {
    DG_TICKET_OPEN, DG_TICKET_ASSIGNED, DG_TICKET_IN_PROGRESS, DG_TICKET_RESOLVED,
    DG_TICKET_CLOSED, DG_TICKET_N_STATES
} dg_ticket_state;

typedef enum dg_ticket_priority {
    DG_TICKET_LOW, DG_TICKET_NORMAL, DG_TICKET_HIGH, DG_TICKET_URGENT, DG_TICKET_N_PRIORITIES
} dg_ticket_priority;

/* What an event records. */
typedef enum dg_ticket_action {
    DG_TICKET_ACT_OPEN, DG_TICKET_ACT_ASSIGN, DG_TICKET_ACT_START, DG_TICKET_ACT_RESOLVE,
    DG_TICKET_ACT_CLOSE, DG_TICKET_ACT_REOPEN, DG_TICKET_ACT_COMMENT, DG_TICKET_ACT_ESCALATE,
    DG_TICKET_N_ACTIONS
} dg_ticket_action;

/* The code domains, as the vocabulary names them ("ticket_kind", "channel", ...). */
typedef enum dg_ticket_domain {
    DG_TICKET_DOMAIN_KIND, DG_TICKET_DOMAIN_CHANNEL, DG_TICKET_DOMAIN_STATE,
    DG_TICKET_DOMAIN_PRIORITY, DG_TICKET_DOMAIN_ACTION
} dg_ticket_domain;

/* The stored code of a value ("complaint", "call_centre", "in_progress", ...), "?" if none. */
const char *dg_ticket_code(dg_ticket_domain domain, int value);
/* A value written as its code or its English or Korean name ("불만" = complaint); DG_EINVAL
 * naming the valid codes otherwise. */
int dg_ticket_code_parse(int *value, dg_ticket_domain domain, const char *text, dg_error *err);

/* ---- SLAs ---- */

typedef struct dg_ticket_sla {
    int64_t first_response_s[DG_TICKET_N_KINDS][DG_TICKET_N_PRIORITIES];  /* business seconds */
    int64_t resolution_s[DG_TICKET_N_KINDS][DG_TICKET_N_PRIORITIES];
    int64_t recovery_first_response_s;
    dg_ticket_priority recovery_priority;
    int64_t at_risk_s;
} dg_ticket_sla;

/* The built-in targets: the text of config/sla.conf as shipped. */
int dg_ticket_sla_default(dg_ticket_sla *sla, dg_error *err);
/* Parses "key = value" text over *sla (keys not written keep their value; a priority's target
 * applies to every kind that has no target of its own in the same text). Errors carry
 * name:line:column. */
int dg_ticket_sla_parse(dg_ticket_sla *sla, const char *text, const char *name, dg_error *err);

/* ---- writes ---- */

/* A time argument meaning "now". */
#define DG_TICKET_NOW INT64_MIN

typedef struct dg_ticket_open_request {
    const char *customer_id;       /* required, must exist (DG_ENOTFOUND) */
    dg_ticket_kind kind;
    int channel;                   /* a dg_ticket_channel, or -1 for none */
    dg_ticket_priority priority;
    const char *category;          /* free text, or NULL */
    const char *subject;           /* free text, or NULL */
    const char *order_id;          /* NULL or an order of the customer (DG_EINVAL otherwise) */
    const char *staff_id;          /* NULL or a staff member (DG_ENOTFOUND) */
    const char *actor;             /* who; NULL: "system" */
    int64_t at;                    /* when it was opened, UTC seconds; DG_TICKET_NOW */
    const char *idempotency_key;   /* as for the points ledger: a retry answers the first */
    const struct dg_audit_actor *audit; /* who, for the audit trail (dangol/audit.h): the write
                                      and its ticket.open entry commit together; NULL: none */
} dg_ticket_open_request;

typedef struct dg_ticket_update {
    int64_t ticket_id;
    dg_ticket_action action;       /* ASSIGN, START, RESOLVE, CLOSE, REOPEN or COMMENT */
    int64_t expected_version;      /* the version the caller read; 0: whatever is current */
    const char *assignee;          /* ASSIGN: required */
    const char *note;              /* COMMENT: required; others: optional */
    const char *actor;             /* NULL: "system" */
    int64_t at;                    /* DG_TICKET_NOW, or a time not before the ticket opened and
                                      not before its last change (DG_EINVAL) */
    const char *idempotency_key;
    const struct dg_audit_actor *audit; /* as for dg_ticket_open_request: a ticket.change entry */
} dg_ticket_update;

typedef struct dg_ticket_result {
    int64_t ticket_id;
    int64_t version;               /* after the write */
    int64_t event_id;
    dg_ticket_state state;
    bool replayed;                 /* answered from the idempotency key, nothing written */
} dg_ticket_result;

/* Opens a ticket (state open, version 1, an "open" event) with due times from sla on cal. */
int dg_ticket_open(dg_ticket_result *out, dg_store *store, const dg_calendar *cal,
                   const dg_ticket_sla *sla, const dg_ticket_open_request *request,
                   dg_error *err);
/* Applies one action. DG_ENOTFOUND for an unknown ticket; DG_ECONFLICT for a stale
 * expected_version or a transition the state does not allow (the message names the current
 * state and the allowed actions); DG_EINVAL for a time before the ticket opened. */
int dg_ticket_apply(dg_ticket_result *out, dg_store *store, const dg_ticket_update *update,
                    dg_error *err);

/* The customer of ticket ticket_id into customer_id (cap bytes, cut if longer); DG_ENOTFOUND for
 * an unknown ticket. The server asks it to keep an agent to their own customers' tickets. */
int dg_ticket_customer(dg_store *store, int64_t ticket_id, char *customer_id, size_t cap,
                       dg_error *err);

/* Is action allowed from state? (COMMENT always is; ESCALATE is the job's.) */
bool dg_ticket_allowed(dg_ticket_state state, dg_ticket_action action);

/* Escalation: every ticket not resolved or closed at as_of whose first response or resolution
 * was due before as_of and not done, and that was not escalated before, is marked escalated and
 * raised one priority (urgent stays urgent), with an "escalate" event at as_of. Running it again
 * changes nothing. *escalated: how many now. */
int dg_ticket_escalate(int64_t *escalated, dg_store *store, int64_t as_of, const char *actor,
                       const struct dg_audit_actor *audit, dg_error *err);

/* Service recovery: one ticket for every incident up to as_of that has none yet (feedback of
 * kind complaint or rated 1-2: source "feedback"; a survey answer with NPS 0-6 or CSAT 1-2:
 * source "survey"), opened at the incident's time (a survey's answer day at 00:00 local), kind
 * complaint, category "service_recovery", priority sla->recovery_priority, first response due
 * sla->recovery_first_response_s business seconds after the incident. One transaction; a unique
 * index on the source makes a second run, or a concurrent one, open nothing twice. *opened: how
 * many now. The jobs' audit entries (ticket.escalate, ticket.recover, by audit; NULL: none) name
 * the tickets' customers and are written in their transaction when they changed anything. */
int dg_ticket_recover(int64_t *opened, dg_store *store, const dg_calendar *cal,
                      const dg_ticket_sla *sla, int64_t as_of, const char *actor,
                      const struct dg_audit_actor *audit, dg_error *err);

/* A time as the CLI and the API take it: YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] (UTC seconds), or a
 * bare date YYYY-MM-DD meaning the end of that day (23:59:59 UTC), so "as of a day" includes the
 * whole day. DG_EPARSE/DG_EINVAL with the reason otherwise. */
int dg_ticket_time_parse(int64_t *out, const char *text, dg_error *err);

/* Business hours as the CLI and the API take them (--within, within): a number more than 0 and
 * at most 10000, decimals allowed, into seconds; DG_EINVAL naming the text otherwise. */
int dg_ticket_hours_parse(int64_t *seconds, const char *text, dg_error *err);

/* Now, UTC seconds (what DG_TICKET_NOW stands for). */
int64_t dg_ticket_now(void);

DG_API_END

#endif
