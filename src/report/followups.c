/* The follow-up reports (include/dangol/report_voc.h), as `dangol followup list|outbox` and
 * /api/followups* show them: the task list, and the outbox of a channel for the SMS or e-mail
 * tool, which asks dg_consent_allows for each task and leaves out, and counts, the customers who
 * may not be contacted. Each reads in one consistent read (dg_store_read_begin). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/consent.h"
#include "dangol/report_voc.h"
#include "dangol/text.h"
#include "store/followups.h"

static int finish(dg_report *out, dg_table *t, int rc, dg_error *err)
{
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}

static void set_text(dg_table *t, size_t col, const char *text)
{
    if (text && *text)
        dg_table_set_text(t, col, text);
}

static dg_table *new_table(const char *title, const char *const *names, size_t n)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; i < n; i++) {
        bool number = strcmp(names[i], "task") == 0 || strcmp(names[i], "version") == 0;
        dg_table_add_column(t, names[i], number ? DG_CELL_ID
                            : strcmp(names[i], "due_on") == 0 ? DG_CELL_DATE : DG_CELL_TEXT, 0);
    }
    return t;
}

static const char *const list_columns[] = {
    "task", "followup_rule", "customer_id", "order_id", "product_id", "followup_channel",
    "due_on", "followup_state", "followup_outcome", "done_at", "done_by", "version", "note" };

typedef struct list_ctx {
    dg_table *t;
    bool notes;
} list_ctx;

static int list_row(void *ctx, const dg__followup_task *k)
{
    list_ctx *c = ctx;
    dg_table *t = c->t;
    char when[32];
    dg_table_add_row(t);
    dg_table_set_int(t, 0, k->task_id);
    set_text(t, 1, k->rule);
    set_text(t, 2, k->customer_id);
    set_text(t, 3, k->order_id);
    set_text(t, 4, k->product_id);
    set_text(t, 5, k->channel);
    dg_table_set_int(t, 6, k->due_on);
    set_text(t, 7, k->state);
    set_text(t, 8, k->outcome);
    if (k->done_at)
        dg_table_set_text(t, 9, dg_timestamp_format(k->done_at, when));
    set_text(t, 10, k->done_by);
    dg_table_set_int(t, 11, k->version);
    if (c->notes)
        set_text(t, 12, k->note);
    return 0;
}

int dg_report_followup_list(dg_report *out, dg_store *store, const dg_followup_list_options *opt,
                            dg_error *err)
{
    list_ctx c = { new_table("Follow-up tasks", list_columns, opt->notes ? 13 : 12),
                   opt->notes };
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__followup_scan(store, opt->state, opt->customer_id, NULL, opt->due_by,
                               list_row, &c, err);
        dg_store_read_end(store);
    }
    return finish(out, c.t, rc, err);
}

/* ---- the outbox ---- */

static const char *const outbox_columns[] = {
    "task", "customer_id", "name", "contact", "followup_channel", "followup_rule", "due_on",
    "order_id", "product_id" };

typedef struct outbox_ctx {
    dg_store *store;
    dg_table *t;
    dg_followup_channel channel;
    int32_t day;
    long no_consent, no_contact;
    char **customers;
    size_t n, cap;
    dg_error *err;
} outbox_ctx;

static int remember(outbox_ctx *c, const char *customer_id)
{
    if (c->n && strcmp(c->customers[c->n - 1], customer_id) == 0)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        char **grown = realloc(c->customers, cap * sizeof *grown);
        if (!grown)
            return dg_error_set(c->err, DG_ENOMEM, "out of memory");
        c->customers = grown;
        c->cap = cap;
    }
    if (!(c->customers[c->n] = strdup(customer_id)))
        return dg_error_set(c->err, DG_ENOMEM, "out of memory");
    c->n++;
    return 0;
}

static int outbox_row(void *ctx, const dg__followup_task *k)
{
    outbox_ctx *c = ctx;
    bool allowed = false;
    int rc = dg_consent_allows(&allowed, c->store, k->customer_id,
                               dg_followup_channel_purpose(c->channel), c->day, c->err);
    if (rc != 0 || !allowed) {
        c->no_consent += rc == 0;
        return rc;
    }
    char name[256], phone[256], email[256];
    if ((rc = dg__followup_contact(c->store, k->customer_id, name, phone, email, sizeof name,
                                   c->err)) != 0)
        return rc;
    const char *contact = c->channel == DG_FOLLOWUP_EMAIL ? email : phone;
    if (!*contact) {
        c->no_contact++;
        return 0;
    }
    dg_table *t = c->t;
    dg_table_add_row(t);
    dg_table_set_int(t, 0, k->task_id);
    set_text(t, 1, k->customer_id);
    set_text(t, 2, name);
    set_text(t, 3, contact);
    set_text(t, 4, k->channel);
    set_text(t, 5, k->rule);
    dg_table_set_int(t, 6, k->due_on);
    set_text(t, 7, k->order_id);
    set_text(t, 8, k->product_id);
    return remember(c, k->customer_id);
}

int dg_report_followup_outbox(dg_report *out, dg_store *store, dg_followup_channel channel,
                              int32_t day, char ***customers, size_t *n_customers,
                              dg_error *err)
{
    char title[96], date[16];
    snprintf(title, sizeof title, "Follow-up outbox (%s) on %s",
             dg_followup_channel_code(channel), dg_date_format(day, date));
    outbox_ctx c = { .store = store, .t = new_table(title, outbox_columns, 9),
                     .channel = channel, .day = day, .err = err };
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__followup_scan(store, "open", NULL, dg_followup_channel_code(channel), day,
                               outbox_row, &c, err);
        dg_store_read_end(store);
    }
    if (rc == 0) {
        char note[192];
        snprintf(note, sizeof note, "%ld tasks left out: the customer's consent does not allow "
                 "it; %ld left out: no phone or e-mail", c.no_consent, c.no_contact);
        dg_table_add_coded_note(c.t, "followup_outbox_left_out", note);
        dg_table_note_param(c.t, "no_consent", (double)c.no_consent);
        dg_table_note_param(c.t, "no_contact", (double)c.no_contact);
        dg_table_note_param(c.t, "no_consent", (double)c.no_consent);
        dg_table_note_param(c.t, "no_contact", (double)c.no_contact);
    }
    if (rc == 0 && customers) {
        *customers = c.customers;
        *n_customers = c.n;
    } else {
        for (size_t i = 0; i < c.n; i++)
            free(c.customers[i]);
        free(c.customers);
    }
    return finish(out, c.t, rc, err);
}
