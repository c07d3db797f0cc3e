/* VOC reports on ticket text and outcomes (include/dangol/report_voc.h): the most frequent
 * terms per category (dg_voc_terms: josa stripped, bigrams on request; each term counted once
 * per ticket), the FTS5 search of ticket subjects, categories and event comments, and the
 * repurchase rate after
 * a complaint by how it was handled, with Wilson intervals. */
#include <stdint.h>
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

/* One pass over the tickets in id order: every (category, term) pair is a key of one
 * dictionary ("category\x1fterm"), counted once per ticket; the categories' ticket counts in
 * another. The top terms per category are sorted out at the end. */
typedef struct term_count {
    int64_t tickets, last_ticket;
    uint32_t category;
} term_count;

typedef struct terms_ctx {
    const char *only;          /* the category asked for, or NULL */
    bool bigrams;
    int64_t ticket_id;
    uint32_t category;
    dg_dict terms, categories;
    term_count *counts;
    int64_t *category_tickets;
    size_t cap, category_cap;
    char key[512];
    size_t prefix;             /* bytes of "category\x1f" in key */
} terms_ctx;

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need < *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n <= need)
        n *= 2;
    char *g = realloc(*v, n * size);
    if (!g)
        return DG_ENOMEM;
    memset(g + *cap * size, 0, (n - *cap) * size);
    *v = g;
    *cap = n;
    return 0;
}

static int term_seen(void *ctx, const char *term, size_t len)
{
    terms_ctx *c = ctx;
    if (c->prefix + len >= sizeof c->key)
        return 0;
    memcpy(c->key + c->prefix, term, len);
    c->key[c->prefix + len] = '\0';
    uint32_t code;
    if (dg__dict_intern(&c->terms, c->key, &code) != 0 ||
        grow((void **)&c->counts, &c->cap, code, sizeof *c->counts) != 0)
        return DG_ENOMEM;
    term_count *k = &c->counts[code];
    if (k->tickets == 0 || k->last_ticket != c->ticket_id) {   /* once per ticket */
        k->last_ticket = c->ticket_id;
        k->category = c->category;
        k->tickets++;
    }
    return 0;
}

static int terms_row(void *ctx, const dg__voc_ticket *t)
{
    terms_ctx *c = ctx;
    if (c->only && strcmp(c->only, t->category) != 0)
        return 0;
    size_t len = strlen(t->category);
    if (len + 2 >= sizeof c->key)
        return 0;
    if (dg__dict_intern(&c->categories, t->category, &c->category) != 0 ||
        grow((void **)&c->category_tickets, &c->category_cap, c->category,
             sizeof *c->category_tickets) != 0)
        return DG_ENOMEM;
    c->category_tickets[c->category]++;
    memcpy(c->key, t->category, len);
    c->key[len] = '\x1f';
    c->prefix = len + 1;
    c->ticket_id = t->ticket_id;
    return dg_voc_terms(t->subject, c->bigrams, term_seen, c);
}

static int cmp_terms(const void *a, const void *b, void *ctx)
{
    const terms_ctx *c = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const term_count *p = &c->counts[x], *q = &c->counts[y];
    int by_category = strcmp(c->categories.values[p->category],
                             c->categories.values[q->category]);
    if (by_category)
        return by_category;
    if (p->tickets != q->tickets)
        return p->tickets < q->tickets ? 1 : -1;
    return strcmp(c->terms.values[x], c->terms.values[y]);
}

/* The rows: each category's top terms, categories in order. */
static int terms_rows(terms_ctx *c, dg_table *t, int top)
{
    size_t n = c->terms.n ? c->terms.n - 1 : 0, rank = 0;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return DG_ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)(i + 1);
    qsort_r(order, n, sizeof *order, cmp_terms, c);
    for (size_t i = 0; i < n; i++) {
        const term_count *k = &c->counts[order[i]];
        rank = i && k->category == c->counts[order[i - 1]].category ? rank + 1 : 1;
        if ((int)rank > top)
            continue;
        const char *category = c->categories.values[k->category];
        dg_table_add_row(t);
        if (*category)
            dg_table_set_text(t, 0, category);
        dg_table_set_int(t, 1, (int64_t)rank);
        dg_table_set_text(t, 2, strchr(c->terms.values[order[i]], '\x1f') + 1);
        dg_table_set_int(t, 3, k->tickets);
        dg_table_set_percent(t, 4, (double)k->tickets /
                                   (double)c->category_tickets[k->category]);
    }
    free(order);
    return 0;
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
    c.only = category && *category ? category : NULL;
    c.bigrams = bigrams;
    int rc = dg__dict_init(&c.terms) || dg__dict_init(&c.categories) ? DG_ENOMEM : 0;
    if (rc == 0 && (rc = dg_store_read_begin(store, err)) == 0) {
        rc = dg__voc_scan(store, 0, as_of, true, terms_row, &c, err);
        dg_store_read_end(store);
    }
    if (rc == 0)
        rc = terms_rows(&c, t, top > 0 ? top : 10);
    if (rc == DG_ENOMEM)
        dg_error_set(err, rc, "out of memory");
    dg__dict_free(&c.terms);
    dg__dict_free(&c.categories);
    free(c.counts);
    free(c.category_tickets);
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
