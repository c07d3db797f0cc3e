/* The consent reports (include/dangol/report.h), as `dangol consent show|list` and
 * /api/customers/{id}/consent and /api/consent show them: one customer's consent per purpose
 * with its history, and the send list of a purpose. Each reads in one consistent read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/consent.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "dangol/vocab.h"
#include "store/consent.h"

#define MAX_PURPOSES 64

static int32_t resolve_day(int32_t day)
{
    return day == DG_CONSENT_TODAY ? dg_consent_today() : day;
}

static dg_table *new_table(const char *title, const char *const *names,
                           const dg_cell_type *types)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; t && names[i]; i++)
        dg_table_add_column(t, names[i], types[i], 0);
    return t;
}

static void event_cells(dg_table *t, size_t first, const dg__consent_event *e)
{
    dg_table_set_text(t, first, e->action);
    dg_table_set_int(t, first + 1, e->effective_on);
    dg_table_set_text(t, first + 2, e->source);
    if (e->event_id > 0)
        dg_table_set_int(t, first + 3, e->event_id);
}

/* ---- one customer ---- */

typedef struct latest {
    const char *purpose;
    dg__consent_event event;     /* latest on or before the day; event_id 0: none */
    char action[16], source[32];
} latest;

typedef struct customer_ctx {
    dg_table *history;
    latest purposes[MAX_PURPOSES];
    size_t n;
    int32_t day;
} customer_ctx;

static int history_row(void *ctx, const dg__consent_event *e)
{
    customer_ctx *c = ctx;
    char when[32];
    dg_table_add_row(c->history);
    dg_table_set_int(c->history, 0, e->event_id);
    dg_table_set_text(c->history, 1, e->purpose);
    dg_table_set_text(c->history, 2, e->action);
    dg_table_set_int(c->history, 3, e->effective_on);
    dg_table_set_text(c->history, 4, e->source);
    dg_table_set_text(c->history, 5, e->actor);
    dg_table_set_text(c->history, 6, dg_timestamp_format(e->recorded_at, when));
    for (size_t i = 0; i < c->n; i++) {
        latest *l = &c->purposes[i];
        if (strcmp(l->purpose, e->purpose) != 0 || e->effective_on > c->day)
            continue;
        if (l->event.event_id == 0 || e->effective_on >= l->event.effective_on) {
            l->event = *e;   /* events come in id order: a later one wins a tie */
            snprintf(l->action, sizeof l->action, "%s", e->action);
            snprintf(l->source, sizeof l->source, "%s", e->source);
            l->event.action = l->action;
            l->event.source = l->source;
        }
    }
    return 0;
}

static int customer_tables(dg_report *out, dg_store *store, const char *customer_id,
                           int32_t day, dg_error *err)
{
    static const char *const hnames[] = { "event", "purpose", "action", "effective_on",
                                          "source", "actor", "recorded_at", NULL };
    static const dg_cell_type htypes[] = { DG_CELL_ID, DG_CELL_TEXT, DG_CELL_TEXT,
                                           DG_CELL_DATE, DG_CELL_TEXT, DG_CELL_TEXT,
                                           DG_CELL_TEXT };
    static const char *const names[] = { "purpose", "action", "since", "source", "event", NULL };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_DATE,
                                          DG_CELL_TEXT, DG_CELL_ID };
    char date[16], title[160];
    customer_ctx c = { .day = day };
    const dg_vocab_entry *v;
    for (size_t i = 0; (v = dg_vocab_at(i)) != NULL && c.n < MAX_PURPOSES; i++)
        if (strcmp(v->domain, "consent_purpose") == 0)
            c.purposes[c.n++].purpose = v->code;
    snprintf(title, sizeof title, "Consent of %s on %s", customer_id, dg_date_format(day, date));
    dg_table *now = new_table(title, names, types);
    c.history = new_table("Consent history", hnames, htypes);
    bool erased = false;
    int64_t erased_at;
    int rc = dg__consent_history(store, customer_id, history_row, &c, err);
    if (rc == 0)
        rc = dg__erasure_get(store, customer_id, &erased, &erased_at, err);
    if (rc == 0 && erased)
        dg_table_add_note(now, "the customer was erased: no consent applies (the history stays "
                               "as the record of what was given)");
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        latest *l = &c.purposes[i];
        dg_table_add_row(now);
        dg_table_set_text(now, 0, l->purpose);
        if (erased)
            continue;
        if (l->event.event_id > 0) {
            event_cells(now, 1, &l->event);
            continue;
        }
        bool found, granted;   /* no event: the record's imported flag, if any */
        rc = dg__consent_state(store, customer_id, l->purpose, day, &found, &granted, err);
        if (rc == 0 && granted) {   /* undated: the record's flag has no day */
            dg_table_set_text(now, 1, "grant");
            dg_table_set_text(now, 3, "import");
        }
    }
    if (rc == 0)
        rc = dg_report_add(out, now, err);
    else
        dg_table_free(now);
    if (rc == 0)
        return dg_report_add(out, c.history, err);
    dg_table_free(c.history);
    return rc;
}

int dg_report_consent_customer(dg_report *out, dg_store *store, const char *customer_id,
                               int32_t day, dg_error *err)
{
    day = resolve_day(day);
    int rc = dg_store_read_begin(store, err);
    if (rc != 0)
        return rc;
    bool found = false;
    rc = dg_store_exists(store, dg_entity_find("customers"), customer_id, &found, err);
    if (rc == 0 && !found)
        rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", customer_id);
    if (rc == 0)
        rc = customer_tables(out, store, customer_id, day, err);
    dg_store_read_end(store);
    return rc;
}

/* ---- the send list ---- */

static int granted_row(void *ctx, const dg__consent_event *e)
{
    dg_table *t = ctx;
    dg_table_add_row(t);
    dg_table_set_text(t, 0, e->customer_id);
    dg_table_set_int(t, 1, e->effective_on);
    dg_table_set_text(t, 2, e->source);
    if (e->event_id > 0)
        dg_table_set_int(t, 3, e->event_id);
    return 0;
}

int dg_report_consent_list(dg_report *out, dg_store *store, const char *purpose, int32_t day,
                           dg_error *err)
{
    static const char *const names[] = { "customer_id", "since", "source", "event", NULL };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_DATE, DG_CELL_TEXT,
                                          DG_CELL_ID };
    const char *code;
    int rc = dg_consent_purpose_parse(&code, purpose, err);
    if (rc != 0)
        return rc;
    day = resolve_day(day);
    char date[16], title[160];
    snprintf(title, sizeof title, "Customers with consent to %s on %s", code,
             dg_date_format(day, date));
    dg_table *t = new_table(title, names, types);
    if ((rc = dg_store_read_begin(store, err)) == 0) {
        rc = dg__consent_granted(store, code, day, granted_row, t, err);
        dg_store_read_end(store);
    }
    if (rc == 0 && dg_table_rows(t) > 0)
        dg_table_add_note(t, "since is the effective day of the latest grant; source import with "
                             "no event is the customer record's imported consent flag, dated "
                             "by the customer's acquisition day");
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}
