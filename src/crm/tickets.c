/* VOC tickets' writes (include/dangol/ticket.h): open, the workflow actions, escalation and
 * service recovery. Each is one BEGIN IMMEDIATE transaction (dg_store_begin) that reads the
 * ticket, checks the version, the transition and the time, then writes the ticket and its
 * event together, so a concurrent writer waits and then sees the new version: two agents acting
 * on what they read cannot both pass the version check. Each write's audit entry (ticket.open,
 * .change, .escalate, .recover) is written in the same transaction; it names the customer and
 * the ticket, never the subject or a note (free texts erasure empties). The SQL is in
 * src/store/tickets_sqlite.c. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit_write.h"
#include "dangol/id.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "dangol/ticket.h"
#include "dangol/vocab.h"
#include "store/tickets.h"

#define FINGERPRINT_MAX 1600

static const char *actor_of(const char *actor)
{
    return actor && *actor ? actor : "system";
}

/* The state an action leads to from state, or -1 when it is not allowed. */
static int next_state(dg_ticket_state state, dg_ticket_action action)
{
    switch (action) {
    case DG_TICKET_ACT_ASSIGN:
        return state == DG_TICKET_OPEN || state == DG_TICKET_ASSIGNED ? DG_TICKET_ASSIGNED
             : state == DG_TICKET_IN_PROGRESS ? DG_TICKET_IN_PROGRESS : -1;
    case DG_TICKET_ACT_START:
        return state == DG_TICKET_ASSIGNED ? DG_TICKET_IN_PROGRESS : -1;
    case DG_TICKET_ACT_RESOLVE:
        return state == DG_TICKET_IN_PROGRESS ? DG_TICKET_RESOLVED : -1;
    case DG_TICKET_ACT_CLOSE:
        return state == DG_TICKET_RESOLVED ? DG_TICKET_CLOSED : -1;
    case DG_TICKET_ACT_REOPEN:
        return state == DG_TICKET_RESOLVED || state == DG_TICKET_CLOSED ? DG_TICKET_OPEN : -1;
    case DG_TICKET_ACT_COMMENT:
        return (int)state;
    default:
        return -1;
    }
}

bool dg_ticket_allowed(dg_ticket_state state, dg_ticket_action action)
{
    return next_state(state, action) >= 0;
}

/* "assign, comment": the actions allowed from state. */
static void allowed_list(dg_ticket_state state, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (int a = DG_TICKET_ACT_ASSIGN; a <= DG_TICKET_ACT_COMMENT; a++)
        if (next_state(state, (dg_ticket_action)a) >= 0)
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? ", " : "",
                     dg_ticket_code(DG_TICKET_DOMAIN_ACTION, a));
}

static int state_of(const dg__ticket_row *row, dg_ticket_state *state, dg_error *err)
{
    int v;
    int rc = dg_ticket_code_parse(&v, DG_TICKET_DOMAIN_STATE, row->state, err);
    if (rc == 0)
        *state = (dg_ticket_state)v;
    return rc;
}

static int check_text(const char *what, const char *text, size_t max, dg_error *err)
{
    if (text && strlen(text) >= max)
        return dg_error_set(err, DG_EINVAL, "%s is longer than %zu bytes", what, max - 1);
    return 0;
}

/* Answers from the idempotency key inside the open transaction: 1 when answered (replayed, or
 * an error for another request), 0 when the key is new. */
static int replay(dg_store *store, const char *key, const char *fingerprint,
                  dg_ticket_result *out, int *rc, dg_error *err)
{
    char seen[FINGERPRINT_MAX], state[16];
    *rc = dg__ticket_request_get(store, key, seen, sizeof seen, &out->ticket_id, &out->version,
                                 &out->event_id, state, err);
    if (*rc == DG_ENOTFOUND) {
        *rc = 0;
        return 0;
    }
    if (*rc == 0 && strcmp(seen, fingerprint) != 0)
        *rc = dg_error_set(err, DG_ECONFLICT, "idempotency key \"%s\" was used for another "
                           "request; use a new key for a new request", key);
    int v = 0;
    if (*rc == 0 && (*rc = dg_ticket_code_parse(&v, DG_TICKET_DOMAIN_STATE, state, err)) == 0) {
        out->state = (dg_ticket_state)v;
        out->replayed = true;
    }
    return 1;
}

static int check_exists(dg_store *store, const char *entity, const char *what, const char *id,
                        dg_error *err)
{
    bool found = false;
    int rc = dg_id_check(what, id, strlen(id), err);
    if (rc == 0)
        rc = dg_store_exists(store, dg_entity_find(entity), id, &found, err);
    if (rc == 0 && !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no %s \"%s\"", what, id);
    return rc;
}

/* Fills the due times of row (opened_at, kind and priority set) from sla on cal. */
static int set_dues(dg__ticket_row *row, const dg_calendar *cal, const dg_ticket_sla *sla,
                    int kind, int priority, dg_error *err)
{
    int rc = dg_calendar_add(&row->first_response_due, cal, row->opened_at,
                             sla->first_response_s[kind][priority], err);
    if (rc == 0)
        rc = dg_calendar_add(&row->resolution_due, cal, row->opened_at,
                             sla->resolution_s[kind][priority], err);
    return rc;
}

static int write_open(dg_store *store, const dg_calendar *cal, const dg_ticket_sla *sla,
                      const dg_ticket_open_request *r, int64_t at, dg_ticket_result *out,
                      dg_error *err)
{
    if (!r->customer_id || !*r->customer_id)
        return dg_error_set(err, DG_EINVAL, "a customer id is required");
    int rc = check_exists(store, "customers", "customer", r->customer_id, err);
    if (rc == 0 && r->staff_id && *r->staff_id)
        rc = check_exists(store, "staff", "staff member", r->staff_id, err);
    if (rc == 0 && r->order_id && *r->order_id) {
        char owner[DG__TICKET_ID];
        rc = dg__ticket_order_customer(store, r->order_id, owner, sizeof owner, err);
        if (rc == 0 && strcmp(owner, r->customer_id) != 0)
            rc = dg_error_set(err, DG_EINVAL, "order \"%s\" is customer \"%s\"'s, not \"%s\"'s",
                              r->order_id, owner, r->customer_id);
    }
    if (rc != 0)
        return rc;
    dg__ticket_row row;
    memset(&row, 0, sizeof row);
    snprintf(row.customer_id, sizeof row.customer_id, "%s", r->customer_id);
    snprintf(row.kind, sizeof row.kind, "%s", dg_ticket_code(DG_TICKET_DOMAIN_KIND, r->kind));
    if (r->channel >= 0)
        snprintf(row.channel, sizeof row.channel, "%s",
                 dg_ticket_code(DG_TICKET_DOMAIN_CHANNEL, r->channel));
    snprintf(row.priority, sizeof row.priority, "%s",
             dg_ticket_code(DG_TICKET_DOMAIN_PRIORITY, r->priority));
    snprintf(row.state, sizeof row.state, "open");
    snprintf(row.category, sizeof row.category, "%s", r->category ? r->category : "");
    snprintf(row.subject, sizeof row.subject, "%s", r->subject ? r->subject : "");
    snprintf(row.order_id, sizeof row.order_id, "%s", r->order_id ? r->order_id : "");
    snprintf(row.staff_id, sizeof row.staff_id, "%s", r->staff_id ? r->staff_id : "");
    row.opened_at = row.updated_at = at;
    row.version = 1;
    if ((rc = set_dues(&row, cal, sla, r->kind, r->priority, err)) != 0)
        return rc;
    if ((rc = dg__ticket_insert(store, &row, &out->ticket_id, err)) != 0)
        return rc;
    dg__ticket_event e = { .ticket_id = out->ticket_id, .customer_id = row.customer_id,
                           .at = at, .actor = actor_of(r->actor),
                           .action = "open", .to_state = "open", .detail = r->subject,
                           .version = 1, .recorded_at = dg_ticket_now() };
    out->version = 1;
    out->state = DG_TICKET_OPEN;
    rc = dg__ticket_event_insert(store, &e, &out->event_id, err);
    const char *customer = row.customer_id;
    return rc != 0 ? rc : dg__audit_write(store, r->audit, "ticket.open", &customer, 1,
                                         json_pack("{s:I, s:s, s:s}", "ticket",
                                                   (json_int_t)out->ticket_id, "kind", row.kind,
                                                   "priority", row.priority), err);
}

int dg_ticket_open(dg_ticket_result *out, dg_store *store, const dg_calendar *cal,
                   const dg_ticket_sla *sla, const dg_ticket_open_request *r, dg_error *err)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)r->kind >= DG_TICKET_N_KINDS || (unsigned)r->priority >= DG_TICKET_N_PRIORITIES ||
        r->channel >= DG_TICKET_N_CHANNELS || r->channel < -1)
        return dg_error_set(err, DG_EINVAL, "a ticket's kind, channel or priority is out of range");
    int rc = check_text("the subject", r->subject, DG__TICKET_TEXT, err);
    if (rc == 0)
        rc = check_text("the category", r->category, DG__TICKET_TEXT, err);
    if (rc != 0)
        return rc;
    int64_t at = r->at == DG_TICKET_NOW ? dg_ticket_now() : r->at;
    char fingerprint[FINGERPRINT_MAX];
    snprintf(fingerprint, sizeof fingerprint, "open|%s|%d|%d|%d|%s|%s|%s|%s|%lld",
             r->customer_id ? r->customer_id : "", (int)r->kind, r->channel, (int)r->priority,
             r->category ? r->category : "", r->subject ? r->subject : "",
             r->order_id ? r->order_id : "", r->staff_id ? r->staff_id : "",
             r->at == DG_TICKET_NOW ? 0LL : (long long)r->at);
    const char *key = r->idempotency_key && *r->idempotency_key ? r->idempotency_key : NULL;
    if ((rc = dg_store_begin(store, err)) != 0)
        return rc;
    if (key && replay(store, key, fingerprint, out, &rc, err)) {
        dg_store_rollback(store);
        return rc;
    }
    rc = write_open(store, cal, sla, r, at, out, err);
    if (rc == 0 && key)
        rc = dg__ticket_request_put(store, key, fingerprint, out->ticket_id, out->version,
                                    out->event_id, "open", dg_ticket_now(), err);
    if (rc == 0)
        return dg_store_commit(store, err);
    dg_store_rollback(store);
    return rc;
}

static int write_update(dg_store *store, const dg_ticket_update *u, dg_ticket_result *out,
                        dg_error *err)
{
    dg__ticket_row row;
    dg_ticket_state state;
    int rc = dg__ticket_get(store, u->ticket_id, &row, err);
    if (rc == 0)
        rc = state_of(&row, &state, err);
    if (rc != 0)
        return rc;
    /* "now" is read once the row is held: a writer that took its time before waiting for the
     * row would otherwise find its own moment before the change it waited for (two servers
     * commenting at once), and a clock behind another server's is not the user's error */
    int64_t at = u->at;
    if (at == DG_TICKET_NOW) {
        int64_t now = dg_ticket_now();
        at = now > row.updated_at ? now : row.updated_at;
    }
    const char *action = dg_ticket_code(DG_TICKET_DOMAIN_ACTION, u->action);
    if (u->expected_version > 0 && u->expected_version != row.version)
        return dg_error_set(err, DG_ECONFLICT, "ticket %lld is at version %lld, not %lld: it "
                            "changed since it was read; show it again and retry",
                            (long long)row.ticket_id, (long long)row.version,
                            (long long)u->expected_version);
    int next = next_state(state, u->action);
    if (next < 0) {
        char allowed[128];
        allowed_list(state, allowed, sizeof allowed);
        return dg_error_set(err, DG_ECONFLICT, "ticket %lld is %s: cannot %s it; allowed from "
                            "%s: %s", (long long)row.ticket_id, row.state, action, row.state,
                            allowed);
    }
    char when[32], then[32];
    if (at < row.opened_at)
        return dg_error_set(err, DG_EINVAL, "%s is before ticket %lld was opened (%s)",
                            dg_timestamp_format(at, when), (long long)row.ticket_id,
                            dg_timestamp_format(row.opened_at, then));
    if (at < row.updated_at)
        return dg_error_set(err, DG_EINVAL, "%s is before ticket %lld's last change (%s)",
                            dg_timestamp_format(at, when), (long long)row.ticket_id,
                            dg_timestamp_format(row.updated_at, then));
    const char *detail = u->note && *u->note ? u->note : NULL;
    if (u->action == DG_TICKET_ACT_ASSIGN) {
        if (!u->assignee || !*u->assignee)
            return dg_error_set(err, DG_EINVAL, "assign needs an assignee");
        if ((rc = check_text("the assignee", u->assignee, DG__TICKET_ID, err)) != 0)
            return rc;
        snprintf(row.assignee, sizeof row.assignee, "%s", u->assignee);
        detail = u->assignee;
    }
    if (u->action == DG_TICKET_ACT_COMMENT && !detail)
        return dg_error_set(err, DG_EINVAL, "a comment needs its text");
    if ((rc = check_text("the note", u->note, 4096, err)) != 0)
        return rc;
    if (!row.first_response_at && (u->action == DG_TICKET_ACT_START ||
                                   u->action == DG_TICKET_ACT_COMMENT ||
                                   u->action == DG_TICKET_ACT_RESOLVE))
        row.first_response_at = at;
    if (u->action == DG_TICKET_ACT_RESOLVE)
        row.resolved_at = at;
    if (u->action == DG_TICKET_ACT_CLOSE)
        row.closed_at = at;
    if (u->action == DG_TICKET_ACT_REOPEN) {
        row.resolved_at = row.closed_at = 0;
        row.reopened++;
    }
    const char *from = dg_ticket_code(DG_TICKET_DOMAIN_STATE, (int)state);
    const char *to = dg_ticket_code(DG_TICKET_DOMAIN_STATE, next);
    snprintf(row.state, sizeof row.state, "%s", to);
    row.version++;
    row.updated_at = at;
    if ((rc = dg__ticket_update(store, &row, err)) != 0)
        return rc;
    dg__ticket_event e = { .ticket_id = row.ticket_id, .customer_id = row.customer_id,
                           .at = at, .actor = actor_of(u->actor),
                           .action = action, .from_state = from, .to_state = to,
                           .detail = detail, .version = row.version,
                           .recorded_at = dg_ticket_now() };
    out->ticket_id = row.ticket_id;
    out->version = row.version;
    out->state = (dg_ticket_state)next;
    rc = dg__ticket_event_insert(store, &e, &out->event_id, err);
    const char *customer = row.customer_id;
    return rc != 0 ? rc : dg__audit_write(store, u->audit, "ticket.change", &customer, 1,
                                         json_pack("{s:I, s:s, s:s, s:s, s:I}", "ticket",
                                                   (json_int_t)row.ticket_id, "action", action,
                                                   "from", from, "to", to, "version",
                                                   (json_int_t)row.version), err);
}

int dg_ticket_customer(dg_store *store, int64_t ticket_id, char *customer_id, size_t cap,
                       dg_error *err)
{
    dg__ticket_row row;
    int rc = dg__ticket_get(store, ticket_id, &row, err);
    if (rc == 0 && cap > 0)
        snprintf(customer_id, cap, "%s", row.customer_id);
    return rc;
}

int dg_ticket_apply(dg_ticket_result *out, dg_store *store, const dg_ticket_update *u,
                    dg_error *err)
{
    memset(out, 0, sizeof *out);
    if (u->action < DG_TICKET_ACT_ASSIGN || u->action > DG_TICKET_ACT_COMMENT)
        return dg_error_set(err, DG_EINVAL, "not a workflow action: %s",
                            dg_ticket_code(DG_TICKET_DOMAIN_ACTION, u->action));
    char fingerprint[FINGERPRINT_MAX];
    snprintf(fingerprint, sizeof fingerprint, "apply|%lld|%d|%lld|%s|%s|%lld",
             (long long)u->ticket_id, (int)u->action, (long long)u->expected_version,
             u->assignee ? u->assignee : "", u->note ? u->note : "",
             u->at == DG_TICKET_NOW ? 0LL : (long long)u->at);
    const char *key = u->idempotency_key && *u->idempotency_key ? u->idempotency_key : NULL;
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    if (key && replay(store, key, fingerprint, out, &rc, err)) {
        dg_store_rollback(store);
        return rc;
    }
    rc = write_update(store, u, out, err);
    if (rc == 0 && key)
        rc = dg__ticket_request_put(store, key, fingerprint, out->ticket_id, out->version,
                                    out->event_id,
                                    dg_ticket_code(DG_TICKET_DOMAIN_STATE, (int)out->state),
                                    dg_ticket_now(), err);
    if (rc == 0)
        return dg_store_commit(store, err);
    dg_store_rollback(store);
    return rc;
}

/* ---- escalation ---- */

typedef struct id_list {
    int64_t *ids;
    size_t n, cap;
    int64_t as_of;
} id_list;

static int push_id(id_list *l, int64_t id)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        int64_t *grown = realloc(l->ids, cap * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        l->ids = grown;
        l->cap = cap;
    }
    l->ids[l->n++] = id;
    return 0;
}

static int breached_row(void *ctx, const dg__ticket_row *row)
{
    id_list *l = ctx;
    bool breached = row->opened_at <= l->as_of && !row->escalated_at &&
                    ((!row->first_response_at && l->as_of > row->first_response_due) ||
                     l->as_of > row->resolution_due);
    return breached ? push_id(l, row->ticket_id) : 0;
}

/* A job's audit entry: its as-of time, the tickets it changed and their customers. */
static int job_audit(dg_store *store, const dg_audit_actor *audit, const char *action,
                     int64_t as_of, json_t *tickets, const char *const *customers, size_t n,
                     dg_error *err)
{
    if (!audit || n == 0) {
        json_decref(tickets);
        return 0;
    }
    return dg__audit_write(store, audit, action, customers, n,
                           json_pack("{s:I, s:o}", "as_of", (json_int_t)as_of, "tickets",
                                     tickets), err);
}

static int escalate_one(dg_store *store, int64_t id, int64_t as_of, const char *actor,
                        char customer[DG__TICKET_ID], dg_error *err)
{
    dg__ticket_row row;
    int p = 0;
    int rc = dg__ticket_get(store, id, &row, err);
    if (rc == 0)
        rc = dg_ticket_code_parse(&p, DG_TICKET_DOMAIN_PRIORITY, row.priority, err);
    if (rc != 0)
        return rc;
    char detail[64];
    int raised = p + 1 < DG_TICKET_N_PRIORITIES ? p + 1 : p;
    snprintf(detail, sizeof detail, "priority %s -> %s", row.priority,
             dg_ticket_code(DG_TICKET_DOMAIN_PRIORITY, raised));
    snprintf(row.priority, sizeof row.priority, "%s",
             dg_ticket_code(DG_TICKET_DOMAIN_PRIORITY, raised));
    row.escalated_at = as_of;
    row.version++;
    if (as_of > row.updated_at)
        row.updated_at = as_of;
    snprintf(customer, DG__TICKET_ID, "%s", row.customer_id);
    if ((rc = dg__ticket_update(store, &row, err)) != 0)
        return rc;
    int64_t event_id;
    dg__ticket_event e = { .ticket_id = id, .customer_id = row.customer_id,
                           .at = as_of, .actor = actor_of(actor),
                           .action = "escalate", .from_state = row.state, .to_state = row.state,
                           .detail = detail, .version = row.version,
                           .recorded_at = dg_ticket_now() };
    return dg__ticket_event_insert(store, &e, &event_id, err);
}

int dg_ticket_escalate(int64_t *escalated, dg_store *store, int64_t as_of, const char *actor,
                       const dg_audit_actor *audit, dg_error *err)
{
    *escalated = 0;
    id_list l = { .as_of = as_of };
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    rc = dg__ticket_scan(store, NULL, NULL, true, NULL, breached_row, &l, err);
    if (rc == DG_ENOMEM)
        dg_error_set(err, DG_ENOMEM, "out of memory");
    char (*customers)[DG__TICKET_ID] = rc == 0 ? calloc(l.n + 1, sizeof *customers) : NULL;
    const char **names = customers ? calloc(l.n + 1, sizeof *names) : NULL;
    json_t *tickets = json_array();
    if (rc == 0 && (!names || !tickets))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        rc = escalate_one(store, l.ids[i], as_of, actor, customers[i], err);
        names[i] = customers[i];
        json_array_append_new(tickets, json_integer(l.ids[i]));
    }
    if (rc == 0)
        rc = job_audit(store, audit, "ticket.escalate", as_of, json_incref(tickets), names,
                       l.n, err);
    json_decref(tickets);
    free(names);
    free(customers);
    free(l.ids);
    if (rc == 0 && (rc = dg_store_commit(store, err)) == 0)
        *escalated = (int64_t)l.n;
    if (rc != 0)
        dg_store_rollback(store);
    return rc;
}

/* ---- service recovery ---- */

typedef struct incident_copy {
    char source_kind[16], source_id[DG__TICKET_ID], customer_id[DG__TICKET_ID];
    char channel[16], staff_id[DG__TICKET_ID], what[64];
    int64_t at;
    int32_t at_day;
} incident_copy;

typedef struct incident_list {
    incident_copy *items;
    size_t n, cap;
} incident_list;

static int collect_incident(void *ctx, const dg__ticket_incident *in)
{
    incident_list *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        incident_copy *grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        l->items = grown;
        l->cap = cap;
    }
    incident_copy *c = &l->items[l->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->source_kind, sizeof c->source_kind, "%s", in->source_kind);
    snprintf(c->source_id, sizeof c->source_id, "%s", in->source_id);
    snprintf(c->customer_id, sizeof c->customer_id, "%s", in->customer_id);
    int channel;
    if (in->channel && dg_ticket_code_parse(&channel, DG_TICKET_DOMAIN_CHANNEL, in->channel,
                                            NULL) == 0)
        snprintf(c->channel, sizeof c->channel, "%s",
                 dg_ticket_code(DG_TICKET_DOMAIN_CHANNEL, channel));
    snprintf(c->staff_id, sizeof c->staff_id, "%s", in->staff_id ? in->staff_id : "");
    snprintf(c->what, sizeof c->what, "%s", in->what ? in->what : "");
    c->at = in->at;
    c->at_day = in->at_day;
    return 0;
}

/* The subject of a recovery ticket, in Korean and in English from the vocabulary's
 * recovery_source and recovery_reason names, so an agent of either language reads it:
 * "서비스 회복: 설문 응답 SV1 (NPS 3) / Service recovery: survey answer SV1 (NPS 3)". The reason
 * is the incident's first word by its name ("complaint", "rating 2"); NPS and CSAT stay as
 * written, as Korean service desks write them. */
static void recovery_subject(char *out, size_t cap, const incident_copy *in)
{
    const dg_vocab_entry *title = dg_vocab_find("ui", "voc_service_recovery");
    const dg_vocab_entry *source = dg_vocab_find("recovery_source", in->source_kind);
    size_t word = strcspn(in->what, " ");
    char first[32];
    snprintf(first, sizeof first, "%.*s", (int)word, in->what);
    const dg_vocab_entry *reason = dg_vocab_find("recovery_reason", first);
    const char *rest = reason ? in->what + word : in->what;
    assert(title && source);
    snprintf(out, cap, "%s: %s %s (%s%s) / %s: %s %s (%s%s)", title->ko, source->ko,
             in->source_id, reason ? reason->ko : "", rest, title->en, source->en, in->source_id,
             reason ? reason->en : "", rest);
}

static int open_recovery(dg_store *store, const dg_calendar *cal, const dg_ticket_sla *sla,
                         const incident_copy *in, const char *actor, int64_t *id,
                         dg_error *err)
{
    dg__ticket_row row;
    memset(&row, 0, sizeof row);
    snprintf(row.customer_id, sizeof row.customer_id, "%s", in->customer_id);
    snprintf(row.kind, sizeof row.kind, "complaint");
    snprintf(row.channel, sizeof row.channel, "%s", in->channel);
    snprintf(row.priority, sizeof row.priority, "%s",
             dg_ticket_code(DG_TICKET_DOMAIN_PRIORITY, sla->recovery_priority));
    snprintf(row.state, sizeof row.state, "open");
    snprintf(row.category, sizeof row.category, "service_recovery");
    recovery_subject(row.subject, sizeof row.subject, in);
    snprintf(row.staff_id, sizeof row.staff_id, "%s", in->staff_id);
    snprintf(row.source_kind, sizeof row.source_kind, "%s", in->source_kind);
    snprintf(row.source_id, sizeof row.source_id, "%s", in->source_id);
    /* a survey is dated, not timed: its day starts at local midnight */
    row.incident_at = strcmp(in->source_kind, "survey") == 0
                          ? (int64_t)in->at_day * 86400 - cal->utc_offset_s : in->at;
    row.opened_at = row.updated_at = row.incident_at;
    row.version = 1;
    int rc = dg_calendar_add(&row.first_response_due, cal, row.incident_at,
                             sla->recovery_first_response_s, err);
    if (rc == 0)
        rc = dg_calendar_add(&row.resolution_due, cal, row.opened_at,
                             sla->resolution_s[DG_TICKET_COMPLAINT][sla->recovery_priority], err);
    int64_t event_id;
    if (rc == 0)
        rc = dg__ticket_insert(store, &row, id, err);
    dg__ticket_event e = { .ticket_id = *id, .customer_id = row.customer_id,
                           .at = row.opened_at, .actor = actor_of(actor),
                           .action = "open", .to_state = "open", .detail = row.subject,
                           .version = 1, .recorded_at = dg_ticket_now() };
    if (rc == 0)
        rc = dg__ticket_event_insert(store, &e, &event_id, err);
    return rc;
}

int dg_ticket_recover(int64_t *opened, dg_store *store, const dg_calendar *cal,
                      const dg_ticket_sla *sla, int64_t as_of, const char *actor,
                      const dg_audit_actor *audit, dg_error *err)
{
    *opened = 0;
    incident_list l = { 0 };
    int rc = dg_store_begin(store, err);
    if (rc != 0)
        return rc;
    rc = dg__ticket_incidents(store, as_of, collect_incident, &l, err);
    if (rc == DG_ENOMEM)
        dg_error_set(err, DG_ENOMEM, "out of memory");
    const char **names = rc == 0 ? calloc(l.n + 1, sizeof *names) : NULL;
    json_t *tickets = json_array();
    if (rc == 0 && (!names || !tickets))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        int64_t id = 0;
        rc = open_recovery(store, cal, sla, &l.items[i], actor, &id, err);
        names[i] = l.items[i].customer_id;
        json_array_append_new(tickets, json_integer(id));
    }
    if (rc == 0)
        rc = job_audit(store, audit, "ticket.recover", as_of, json_incref(tickets), names, l.n,
                       err);
    json_decref(tickets);
    free(names);
    free(l.items);
    if (rc == 0 && (rc = dg_store_commit(store, err)) == 0)
        *opened = (int64_t)l.n;
    if (rc != 0)
        dg_store_rollback(store);
    return rc;
}
