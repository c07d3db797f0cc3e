/* VOC reports on ticket text and outcomes (include/dangol/report_voc.h): the most frequent
 * terms per category (dg_voc_terms: josa stripped, bigrams on request; each term counted once
 * per ticket), the FTS5 search of ticket subjects and categories, and the repurchase rate after
 * a complaint by how it was handled, with Wilson intervals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/report_voc.h"
#include "dangol/text.h"
#include "dangol/voc.h"
#include "frame/strmap.h"
#include "store/voc.h"

static int finish(dg_report *out, dg_table *t, int rc, dg_error *err)
{
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}

/* ---- terms ---- */

typedef struct term_count {
    int64_t tickets, last_ticket;
} term_count;

typedef struct terms_ctx {
    dg_table *t;
    const char *only;          /* the category asked for, or NULL */
    int top;
    bool bigrams;
    char category[512];
    int64_t category_tickets, ticket_id;
    dg_dict terms;
    term_count *counts;
    size_t cap;
    bool open;
} terms_ctx;

static int term_seen(void *ctx, const char *term, size_t len)
{
    terms_ctx *c = ctx;
    char buf[256];
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, term, len);
    buf[len] = '\0';
    uint32_t code;
    if (dg__dict_intern(&c->terms, buf, &code) != 0)
        return DG_ENOMEM;
    if (code >= c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        while (cap <= code)
            cap *= 2;
        term_count *grown = realloc(c->counts, cap * sizeof *grown);
        if (!grown)
            return DG_ENOMEM;
        memset(grown + c->cap, 0, (cap - c->cap) * sizeof *grown);
        c->counts = grown;
        c->cap = cap;
    }
    if (c->counts[code].last_ticket != c->ticket_id) {   /* once per ticket */
        c->counts[code].last_ticket = c->ticket_id;
        c->counts[code].tickets++;
    }
    return 0;
}

typedef struct order_ctx {
    const term_count *counts;
    char *const *names;
} order_ctx;

static int cmp_terms(const void *a, const void *b, void *ctx)
{
    const order_ctx *o = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (o->counts[x].tickets != o->counts[y].tickets)
        return o->counts[x].tickets < o->counts[y].tickets ? 1 : -1;
    return strcmp(o->names[x], o->names[y]);
}

/* Writes the top terms of the category just read and starts afresh. */
static int flush(terms_ctx *c)
{
    if (!c->open)
        return 0;
    size_t n = c->terms.n;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return DG_ENOMEM;
    size_t m = 0;
    for (size_t i = 1; i < n; i++)
        order[m++] = (uint32_t)i;
    order_ctx o = { c->counts, c->terms.values };
    qsort_r(order, m, sizeof *order, cmp_terms, &o);
    for (size_t i = 0; i < m && (int)i < c->top; i++) {
        dg_table *t = c->t;
        dg_table_add_row(t);
        if (c->category[0])
            dg_table_set_text(t, 0, c->category);
        dg_table_set_int(t, 1, (int64_t)i + 1);
        dg_table_set_text(t, 2, c->terms.values[order[i]]);
        dg_table_set_int(t, 3, c->counts[order[i]].tickets);
        dg_table_set_percent(t, 4, (double)c->counts[order[i]].tickets /
                                   (double)c->category_tickets);
    }
    free(order);
    dg__dict_free(&c->terms);
    memset(c->counts, 0, c->cap * sizeof *c->counts);
    c->open = false;
    c->category_tickets = 0;
    return dg__dict_init(&c->terms);
}

static int terms_row(void *ctx, const dg__voc_ticket *t)
{
    terms_ctx *c = ctx;
    if (c->only && strcmp(c->only, t->category) != 0)
        return 0;
    int rc = 0;
    if (!c->open || strcmp(c->category, t->category) != 0) {
        if ((rc = flush(c)) != 0)
            return rc;
        snprintf(c->category, sizeof c->category, "%s", t->category);
        c->open = true;
    }
    c->category_tickets++;
    c->ticket_id = t->ticket_id;
    return dg_voc_terms(t->subject, c->bigrams, term_seen, c);
}

int dg_report_voc_terms(dg_report *out, dg_store *store, const char *category, int top,
                        bool bigrams, int64_t as_of, dg_error *err)
{
    static const char *const names[] = { "category", "rank", "term", "tickets", "share" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_INT, DG_CELL_TEXT, DG_CELL_INT,
                                          DG_CELL_PERCENT };
    dg_table *t = dg_table_new("VOC terms by category");
    for (size_t i = 0; i < 5; i++)
        dg_table_add_column(t, names[i], types[i], types[i] == DG_CELL_PERCENT ? 1 : 0);
    terms_ctx c;
    memset(&c, 0, sizeof c);
    c.t = t;
    c.only = category && *category ? category : NULL;
    c.top = top > 0 ? top : 10;
    c.bigrams = bigrams;
    int rc = dg__dict_init(&c.terms) ? dg_error_set(err, DG_ENOMEM, "out of memory") : 0;
    if (rc == 0 && (rc = dg_store_read_begin(store, err)) == 0) {
        rc = dg__voc_scan(store, 0, as_of, true, terms_row, &c, err);
        if (rc == 0)
            rc = flush(&c);
        dg_store_read_end(store);
        if (rc == DG_ENOMEM)
            dg_error_set(err, rc, "out of memory");
    }
    dg__dict_free(&c.terms);
    free(c.counts);
    if (rc == 0)
        dg_table_add_note(t, bigrams ? "terms of ticket subjects, particles (josa) stripped, "
                                       "with syllable bigrams; tickets: how many mention it"
                                     : "terms of ticket subjects, particles (josa) stripped; "
                                       "tickets: how many mention it");
    return finish(out, t, rc, err);
}

/* ---- search ---- */

static const char *const search_columns[] = { "ticket", "customer_id", "ticket_kind",
                                              "category", "ticket_state", "opened_at",
                                              "subject" };

static int search_row(void *ctx, const dg__voc_ticket *r)
{
    dg_table *t = ctx;
    char when[32];
    dg_table_add_row(t);
    dg_table_set_int(t, 0, r->ticket_id);
    dg_table_set_text(t, 1, r->customer_id);
    dg_table_set_text(t, 2, r->kind);
    if (*r->category)
        dg_table_set_text(t, 3, r->category);
    dg_table_set_text(t, 4, r->state);
    dg_table_set_text(t, 5, dg_timestamp_format(r->opened_at, when));
    if (*r->subject)
        dg_table_set_text(t, 6, r->subject);
    return 0;
}

/* The FTS5 query of the user's words: each a quoted string (quotes doubled) with a prefix
 * star, so no word is read as an operator and 배송 finds 배송이. NULL when there is no word. */
static char *match_of(const char *query)
{
    size_t cap = 4 * strlen(query) + 16, len = 0;
    char *m = malloc(cap);
    if (!m)
        return NULL;
    const char *p = query;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        if (len)
            m[len++] = ' ';
        m[len++] = '"';
        for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
            if (*p == '"')
                m[len++] = '"';
            m[len++] = *p;
        }
        m[len++] = '"';
        m[len++] = '*';
    }
    m[len] = '\0';
    if (len == 0) {
        free(m);
        return NULL;
    }
    return m;
}

int dg_report_voc_search(dg_report *out, dg_store *store, const char *query, int limit,
                         dg_error *err)
{
    char *match = match_of(query ? query : "");
    if (!match)
        return dg_error_set(err, DG_EINVAL, "a search needs at least one word");
    char title[160];
    snprintf(title, sizeof title, "Tickets matching \"%.120s\"", query);
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; i < 7; i++)
        dg_table_add_column(t, search_columns[i], i == 0 ? DG_CELL_INT : DG_CELL_TEXT, 0);
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__voc_search(store, match, limit > 0 ? limit : 50, search_row, t, err);
        dg_store_read_end(store);
    }
    free(match);
    return finish(out, t, rc, err);
}

/* ---- recovery ---- */

int dg_report_voc_recovery(dg_report *out, dg_store *store, int64_t as_of, int window_days,
                           dg_error *err)
{
    static const char *const groups[] = { "within_sla", "late", "unresolved", "no_complaint" };
    static const char *const names[] = { "recovery_group", "customers", "repurchased",
                                         "repurchase_rate", "ci_low", "ci_high" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_PERCENT, DG_CELL_PERCENT, DG_CELL_PERCENT };
    char title[96];
    snprintf(title, sizeof title, "%d-day repurchase after a complaint", window_days);
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; i < 6; i++)
        dg_table_add_column(t, names[i], types[i], types[i] == DG_CELL_PERCENT ? 1 : 0);
    int64_t customers[4], bought[4];
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__voc_recovery(store, as_of, window_days, customers, bought, err);
        dg_store_read_end(store);
    }
    for (int g = 0; rc == 0 && g < 4; g++) {
        double lo, hi;
        dg_voc_wilson(&lo, &hi, (long)bought[g], (long)customers[g]);
        dg_table_add_row(t);
        dg_table_set_text(t, 0, groups[g]);
        dg_table_set_int(t, 1, customers[g]);
        dg_table_set_int(t, 2, bought[g]);
        if (customers[g]) {
            dg_table_set_percent(t, 3, (double)bought[g] / (double)customers[g]);
            dg_table_set_percent(t, 4, lo);
            dg_table_set_percent(t, 5, hi);
        }
    }
    if (rc == 0)
        dg_table_add_note(t, "complainants by their first complaint opened at least the window "
                             "before the as-of time, grouped by its resolution then; others from "
                             "their last order by then; repurchase: an order within the window "
                             "after; 95% Wilson score intervals (Wilson 1927)");
    return finish(out, t, rc, err);
}
