/* The ticket reports (include/dangol/report.h), as `dangol ticket show|list|breached|at-risk`
 * and /api/tickets* show them: one ticket with its events, and lists with each ticket's SLA
 * states at an as-of time (met, late, pending, breached) and the business hours left to its
 * next due time on the calendar. Each reads in one consistent read (dg_store_read_begin). */
#include <stdio.h>
#include <string.h>

#include "dangol/report.h"
#include "dangol/text.h"
#include "store/tickets.h"

const char *dg_ticket_sla_status(int64_t done_at, int64_t due, int64_t as_of)
{
    if (done_at)
        return done_at <= due ? "met" : "late";
    return as_of > due ? "breached" : "pending";
}

static void set_time(dg_table *t, size_t col, int64_t seconds)
{
    char buf[32];
    if (seconds)
        dg_table_set_text(t, col, dg_timestamp_format(seconds, buf));
}

static void set_text(dg_table *t, size_t col, const char *text)
{
    if (text && *text)
        dg_table_set_text(t, col, text);
}

static int finish(dg_report *out, dg_table *t, int rc, dg_error *err)
{
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}

/* The resolution's done time: a reopened ticket's earlier resolution does not count. */
static int64_t resolved_at(const dg__ticket_row *r)
{
    return strcmp(r->state, "resolved") == 0 || strcmp(r->state, "closed") == 0
               ? r->resolved_at : 0;
}

/* The next due time still pending at as_of, 0 when none. */
static int64_t next_due(const dg__ticket_row *r, int64_t as_of)
{
    if (resolved_at(r) || r->opened_at > as_of)
        return 0;
    if (!r->first_response_at && as_of <= r->first_response_due)
        return r->first_response_due;
    return as_of <= r->resolution_due ? r->resolution_due : 0;
}

static bool breached(const dg__ticket_row *r, int64_t as_of)
{
    return !resolved_at(r) && r->opened_at <= as_of &&
           ((!r->first_response_at && as_of > r->first_response_due) ||
            as_of > r->resolution_due);
}

static const char *const list_columns[] = {
    "ticket", "customer_id", "ticket_kind", "channel", "priority", "ticket_state", "category",
    "assignee", "opened_at", "first_response_due", "first_response", "resolution_due",
    "resolution", "business_hours_left", "escalated", "version", NULL };

static dg_table *list_table(const char *title)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; list_columns[i]; i++) {
        bool number = i == 0 || i == 15;
        dg_table_add_column(t, list_columns[i],
                            number ? DG_CELL_ID : i == 13 ? DG_CELL_REAL : DG_CELL_TEXT,
                            i == 13 ? 1 : 0);
    }
    return t;
}

typedef struct list_ctx {
    dg_table *t;
    const dg_calendar *cal;
    dg_ticket_view view;
    int64_t as_of, within_s;
} list_ctx;

static int list_row(void *ctx, const dg__ticket_row *r)
{
    list_ctx *c = ctx;
    int64_t due = next_due(r, c->as_of);
    int64_t left = due ? dg_calendar_between(c->cal, c->as_of, due) : 0;
    if (c->view == DG_TICKET_VIEW_BREACHED && !breached(r, c->as_of))
        return 0;
    if (c->view == DG_TICKET_VIEW_AT_RISK &&
        (breached(r, c->as_of) || !due || left > c->within_s))
        return 0;
    dg_table *t = c->t;
    dg_table_add_row(t);
    dg_table_set_int(t, 0, r->ticket_id);
    set_text(t, 1, r->customer_id);
    set_text(t, 2, r->kind);
    set_text(t, 3, r->channel);
    set_text(t, 4, r->priority);
    set_text(t, 5, r->state);
    set_text(t, 6, r->category);
    set_text(t, 7, r->assignee);
    set_time(t, 8, r->opened_at);
    set_time(t, 9, r->first_response_due);
    dg_table_set_text(t, 10, dg_ticket_sla_status(r->first_response_at, r->first_response_due,
                                                  c->as_of));
    set_time(t, 11, r->resolution_due);
    dg_table_set_text(t, 12, dg_ticket_sla_status(resolved_at(r), r->resolution_due, c->as_of));
    if (due)
        dg_table_set_real(t, 13, (double)left / 3600.0);
    dg_table_set_text(t, 14, r->escalated_at ? "yes" : "no");
    dg_table_set_int(t, 15, r->version);
    return 0;
}

int dg_report_ticket_list(dg_report *out, dg_store *store, const dg_calendar *cal,
                          dg_ticket_view view, const char *customer_id, int state, int64_t as_of,
                          int64_t within_s, const dg_user *agent, dg_error *err)
{
    char when[32], title[128];
    dg_timestamp_format(as_of, when);
    snprintf(title, sizeof title, "%s at %s",
             view == DG_TICKET_VIEW_BREACHED ? "Tickets in breach of their SLA"
             : view == DG_TICKET_VIEW_AT_RISK ? "Tickets at risk of breaching their SLA"
                                              : "Tickets", when);
    dg_table *t = list_table(title);
    list_ctx c = { t, cal, view, as_of, within_s };
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__ticket_scan(store, view == DG_TICKET_VIEW_LIST ? customer_id : NULL,
                             view == DG_TICKET_VIEW_LIST && state >= 0
                                 ? dg_ticket_code(DG_TICKET_DOMAIN_STATE, state) : NULL,
                             view != DG_TICKET_VIEW_LIST, agent, list_row, &c, err);
        dg_store_read_end(store);
    }
    if (rc == 0 && view == DG_TICKET_VIEW_AT_RISK) {
        char note[96];
        snprintf(note, sizeof note, "next due time within %.1f business hours",
                 (double)within_s / 3600.0);
        dg_table_add_note(t, note);
    }
    return finish(out, t, rc, err);
}

/* ---- one ticket ---- */

static void field(dg_table *t, const char *name, const char *value)
{
    dg_table_add_row(t);
    dg_table_set_text(t, 0, name);
    set_text(t, 1, value);
}

static void field_time(dg_table *t, const char *name, int64_t seconds)
{
    char buf[32];
    field(t, name, seconds ? dg_timestamp_format(seconds, buf) : NULL);
}

static int event_row(void *ctx, const dg__ticket_event *e)
{
    dg_table *t = ctx;
    dg_table_add_row(t);
    dg_table_set_int(t, 0, e->event_id);
    set_time(t, 1, e->at);
    set_text(t, 2, e->actor);
    set_text(t, 3, e->action);
    set_text(t, 4, e->from_state);
    set_text(t, 5, e->to_state);
    set_text(t, 6, e->detail);
    dg_table_set_int(t, 7, e->version);
    return 0;
}

int dg_report_ticket_show(dg_report *out, dg_store *store, const dg_calendar *cal,
                          int64_t ticket_id, int64_t as_of, dg_error *err)
{
    dg__ticket_row r;
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    rc = dg__ticket_get(store, ticket_id, &r, err);
    char title[64], number[32];
    snprintf(title, sizeof title, "Ticket %lld", (long long)ticket_id);
    dg_table *t = dg_table_new(title);
    dg_table_add_column(t, "field", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "value", DG_CELL_TEXT, 0);
    dg_table *events = dg_table_new("Events");
    static const char *const names[] = { "event", "at", "actor", "ticket_action", "from_state",
                                         "to_state", "detail", "version", NULL };
    for (size_t i = 0; names[i]; i++)
        dg_table_add_column(events, names[i], i == 0 || i == 7 ? DG_CELL_ID : DG_CELL_TEXT, 0);
    if (rc == 0) {
        snprintf(number, sizeof number, "%lld", (long long)r.ticket_id);
        field(t, "ticket", number);
        field(t, "customer_id", r.customer_id);
        field(t, "ticket_kind", r.kind);
        field(t, "channel", r.channel);
        field(t, "priority", r.priority);
        field(t, "ticket_state", r.state);
        field(t, "category", r.category);
        field(t, "subject", r.subject);
        field(t, "order_id", r.order_id);
        field(t, "staff_id", r.staff_id);
        field(t, "assignee", r.assignee);
        field_time(t, "opened_at", r.opened_at);
        field_time(t, "first_response_at", r.first_response_at);
        field_time(t, "first_response_due", r.first_response_due);
        field(t, "first_response", dg_ticket_sla_status(r.first_response_at,
                                                        r.first_response_due, as_of));
        field_time(t, "resolved_at", resolved_at(&r));
        field_time(t, "resolution_due", r.resolution_due);
        field(t, "resolution", dg_ticket_sla_status(resolved_at(&r), r.resolution_due, as_of));
        field_time(t, "closed_at", r.closed_at);
        field_time(t, "escalated_at", r.escalated_at);
        snprintf(number, sizeof number, "%lld", (long long)r.reopened);
        field(t, "reopened", number);
        field(t, "source_kind", r.source_kind);
        field(t, "source_id", r.source_id);
        field_time(t, "incident_at", r.incident_at);
        snprintf(number, sizeof number, "%lld", (long long)r.version);
        field(t, "version", number);
        int64_t due = next_due(&r, as_of);
        if (due)
            snprintf(number, sizeof number, "%.1f",
                     (double)dg_calendar_between(cal, as_of, due) / 3600.0);
        field(t, "business_hours_left", due ? number : NULL);
        rc = dg__ticket_events_scan(store, ticket_id, event_row, events, err);
    }
    dg_store_read_end(store);
    if (rc != 0) {
        dg_table_free(events);
        return finish(out, t, rc, err);
    }
    rc = finish(out, t, 0, err);
    return rc == 0 ? finish(out, events, 0, err) : (dg_table_free(events), rc);
}
