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
#include "frame/dict.h"
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

/* One pass over the tickets in id order: every (category, term) pair is a slot of one
 * open-addressing table, keyed by the category's code and the term's bytes (kept in one growing
 * buffer), hashed a word at a time: this runs for every word of a million subjects, where a
 * string dictionary of "category\x1fterm" keys (hashed a byte at a time, compared with strcmp)
 * took a third of the report's time. Each pair is counted once per ticket; the categories' ticket
 * counts in a dictionary. The top terms per category are sorted out at the end. */
typedef struct term_count {
    uint64_t hash;             /* 0: an empty slot */
    int64_t tickets, last_ticket;
    size_t offset;             /* the term's bytes in text */
    uint32_t len, category;
} term_count;

typedef struct terms_ctx {
    const char *only;          /* the category asked for, or NULL */
    bool bigrams;
    int64_t ticket_id;
    uint32_t category;
    dg_dict categories;
    term_count *slots;         /* cap slots, a power of two, at most half full */
    size_t cap, n;
    char *text;                /* the terms' bytes, each followed by a NUL */
    size_t text_len, text_cap;
    int64_t *category_tickets;
    size_t category_cap;
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

/* A 64-bit hash of the category code and the term's bytes, eight at a time (the multiply and
 * shift mix of splitmix64); never 0, which marks an empty slot. */
static uint64_t term_hash(uint32_t category, const char *term, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ ((uint64_t)category << 32) ^ len;
    for (size_t i = 0; i < len; i += 8) {
        uint64_t w = 0;
        memcpy(&w, term + i, len - i < 8 ? len - i : 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
    }
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBu;
    h ^= h >> 31;
    return h ? h : 1;
}

/* Doubles the table, placing every slot again by its hash. */
static int rehash(terms_ctx *c)
{
    size_t cap = c->cap ? 2 * c->cap : 4096;
    term_count *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return DG_ENOMEM;
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].hash)
            continue;
        size_t j = (size_t)c->slots[i].hash & (cap - 1);
        while (slots[j].hash)
            j = (j + 1) & (cap - 1);
        slots[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = slots;
    c->cap = cap;
    return 0;
}

static int term_seen(void *ctx, const char *term, size_t len)
{
    terms_ctx *c = ctx;
    if (2 * (c->n + 1) > c->cap && rehash(c) != 0)
        return DG_ENOMEM;
    uint64_t h = term_hash(c->category, term, len);
    size_t i = (size_t)h & (c->cap - 1);
    term_count *k;
    for (;; i = (i + 1) & (c->cap - 1)) {
        k = &c->slots[i];
        if (!k->hash)
            break;
        if (k->hash == h && k->len == len && k->category == c->category &&
            memcmp(c->text + k->offset, term, len) == 0)
            break;
    }
    if (!k->hash) {   /* a new pair: its bytes to the text buffer */
        if (grow((void **)&c->text, &c->text_cap, c->text_len + len + 1, 1) != 0)
            return DG_ENOMEM;
        memcpy(c->text + c->text_len, term, len);
        c->text[c->text_len + len] = '\0';
        *k = (term_count){ .hash = h, .offset = c->text_len, .len = (uint32_t)len,
                           .category = c->category };
        c->text_len += len + 1;
        c->n++;
    }
    if (k->tickets == 0 || k->last_ticket != c->ticket_id) {   /* once per ticket */
        k->last_ticket = c->ticket_id;
        k->tickets++;
    }
    return 0;
}

static int terms_row(void *ctx, const dg__voc_ticket *t)
{
    terms_ctx *c = ctx;
    if (c->only && strcmp(c->only, t->category) != 0)
        return 0;
    if (dg__dict_intern(&c->categories, t->category, &c->category) != 0 ||
        grow((void **)&c->category_tickets, &c->category_cap, c->category,
             sizeof *c->category_tickets) != 0)
        return DG_ENOMEM;
    c->category_tickets[c->category]++;
    c->ticket_id = t->ticket_id;
    return dg_voc_terms(t->subject, c->bigrams, term_seen, c);
}

static int cmp_terms(const void *a, const void *b, void *ctx)
{
    const terms_ctx *c = ctx;
    const term_count *p = &c->slots[*(const uint32_t *)a], *q = &c->slots[*(const uint32_t *)b];
    int by_category = strcmp(c->categories.values[p->category],
                             c->categories.values[q->category]);
    if (by_category)
        return by_category;
    if (p->tickets != q->tickets)
        return p->tickets < q->tickets ? 1 : -1;
    return strcmp(c->text + p->offset, c->text + q->offset);
}

/* The rows: each category's top terms, categories in order. */
static int terms_rows(terms_ctx *c, dg_table *t, int top)
{
    size_t n = 0, rank = 0;
    uint32_t *order = malloc((c->n ? c->n : 1) * sizeof *order);
    if (!order)
        return DG_ENOMEM;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].hash)
            order[n++] = (uint32_t)i;
    qsort_r(order, n, sizeof *order, cmp_terms, c);
    for (size_t i = 0; i < n; i++) {
        const term_count *k = &c->slots[order[i]];
        rank = i && k->category == c->slots[order[i - 1]].category ? rank + 1 : 1;
        if ((int)rank > top)
            continue;
        const char *category = c->categories.values[k->category];
        dg_table_add_row(t);
        if (*category)
            dg_table_set_text(t, 0, category);
        dg_table_set_int(t, 1, (int64_t)rank);
        dg_table_set_text(t, 2, c->text + k->offset);
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
    int rc = dg__dict_init(&c.categories) != 0 ? DG_ENOMEM : 0;
    if (rc == 0 && (rc = dg_store_read_begin(store, err)) == 0) {
        rc = dg__voc_scan(store, 0, as_of, true, terms_row, &c, err);
        dg_store_read_end(store);
    }
    if (rc == 0)
        rc = terms_rows(&c, t, top > 0 ? top : 10);
    if (rc == DG_ENOMEM)
        dg_error_set(err, rc, "out of memory");
    dg__dict_free(&c.categories);
    free(c.slots);
    free(c.text);
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
