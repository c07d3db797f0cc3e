/* VOC analytics over tickets (include/dangol/report_voc.h), as `dangol voc` and the /api/voc routes
 * show them: volume by kind, channel, category and ISO week; first-response and resolution
 * times in business hours (median, p90) with SLA attainment; reopen rate and repeat
 * complainants; the top terms per category; FTS5 search; and the repurchase rate after a
 * complaint by how it was handled. One pass over the tickets per report, in one read. */
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

static dg_table *new_table(const char *title, const char *const *names,
                           const dg_cell_type *types, size_t n)
{
    dg_table *t = dg_table_new(title);
    for (size_t i = 0; i < n; i++)
        dg_table_add_column(t, names[i], types[i], types[i] == DG_CELL_PERCENT ? 1
                            : types[i] == DG_CELL_REAL ? 2 : 0);
    return t;
}

/* A growing array of doubles or of int32 keys. */
typedef struct grow {
    void *v;
    size_t n, cap, size;
} grow;

static int grow_push(grow *g, const void *value)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1024;
        void *v = realloc(g->v, cap * g->size);
        if (!v)
            return DG_ENOMEM;
        g->v = v;
        g->cap = cap;
    }
    memcpy((char *)g->v + g->n++ * g->size, value, g->size);
    return 0;
}

/* ---- stats ---- */

static const char *const kinds[] = { "complaint", "inquiry", "suggestion", "compliment" };
static const char *const channels[] = { "call_centre", "web", "app", "store", "email", "" };
enum { N_KINDS = 4, N_CHANNELS = 6, MEASURES = 2, MET = 0, LATE, BREACHED };

typedef struct stats_ctx {
    const dg_calendar *cal;
    int64_t as_of, tickets, complaints, reopened, ever_resolved;
    int64_t by_kind[N_KINDS], by_channel[N_CHANNELS], sla[MEASURES][3];
    int64_t complainants, repeat_complainants;   /* counted by the store (dg__voc_complainants) */
    dg_dict categories;
    grow category_counts, weeks, hours[MEASURES];
    int32_t first_monday;      /* weeks.v[i]: tickets of the week from first_monday + 7 i */
} stats_ctx;

static int count_code(dg_dict *d, grow *counts, const char *value)
{
    uint32_t code;
    int64_t zero = 0;
    if (dg__dict_intern(d, value, &code) != 0)
        return DG_ENOMEM;
    while (counts->n <= code)
        if (grow_push(counts, &zero) != 0)
            return DG_ENOMEM;
    ((int64_t *)counts->v)[code]++;
    return 0;
}

static int index_of(const char *const *codes, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(codes[i], code) == 0)
            return (int)i;
    return -1;
}

/* Counts the SLA state of one measure of a ticket at as_of, as dg_ticket_sla_status names it
 * (met, late; breached; pending not counted), without its strings: this runs per ticket. */
static void sla_count(stats_ctx *c, int measure, int64_t done, int64_t due)
{
    if (done)
        c->sla[measure][done <= due ? MET : LATE]++;
    else if (c->as_of > due)
        c->sla[measure][BREACHED]++;
}

/* Counts a ticket in the week starting on monday: weeks.v holds one count a week from
 * first_monday, grown at either end. */
static int count_week(stats_ctx *c, int32_t monday)
{
    int64_t zero = 0;
    grow *w = &c->weeks;
    if (w->n == 0)
        c->first_monday = monday;
    if (monday < c->first_monday) {
        size_t more = (size_t)((c->first_monday - monday) / 7);
        for (size_t i = 0; i < more; i++)
            if (grow_push(w, &zero) != 0)
                return DG_ENOMEM;
        memmove((int64_t *)w->v + more, w->v, (w->n - more) * sizeof(int64_t));
        memset(w->v, 0, more * sizeof(int64_t));
        c->first_monday = monday;
    }
    size_t i = (size_t)((monday - c->first_monday) / 7);
    while (w->n <= i)
        if (grow_push(w, &zero) != 0)
            return DG_ENOMEM;
    ((int64_t *)w->v)[i]++;
    return 0;
}

static int stats_row(void *ctx, const dg__voc_ticket *t)
{
    stats_ctx *c = ctx;
    c->tickets++;
    int k = index_of(kinds, N_KINDS, t->kind), ch = index_of(channels, N_CHANNELS, t->channel);
    if (k >= 0)
        c->by_kind[k]++;
    if (ch >= 0)
        c->by_channel[ch]++;
    int rc = count_code(&c->categories, &c->category_counts, t->category);
    /* the ISO week (ISO 8601: weeks start on Monday) by the Monday of the local day */
    int32_t day = dg_day_of(t->opened_at + c->cal->utc_offset_s);
    int32_t monday = day - (int32_t)(((day + 3) % 7 + 7) % 7);
    if (rc == 0)
        rc = count_week(c, monday);
    c->complaints += k == 0;
    c->reopened += t->reopened > 0;
    c->ever_resolved += t->resolved_at > 0 || t->reopened > 0;
    int64_t done[MEASURES] = { t->first_response_at, t->resolved_at };
    for (int m = 0; m < MEASURES; m++)
        if (done[m] > c->as_of)   /* not done yet at as_of */
            done[m] = 0;
    int64_t due[MEASURES] = { t->first_response_due, t->resolution_due };
    for (int m = 0; rc == 0 && m < MEASURES; m++) {
        sla_count(c, m, done[m], due[m]);
        if (done[m]) {
            double h = (double)dg_calendar_between(c->cal, t->opened_at, done[m]) / 3600.0;
            rc = grow_push(&c->hours[m], &h);
        }
    }
    return rc;
}

static void volume_row(dg_table *t, const char *dimension, const char *value, int64_t n,
                       int64_t total)
{
    dg_table_add_row(t);
    dg_table_set_text(t, 0, dimension);
    if (*value)
        dg_table_set_text(t, 1, value);
    dg_table_set_int(t, 2, n);
    dg_table_set_percent(t, 3, total ? (double)n / (double)total : 0.0);
}

/* "2026-W10" for the week starting on monday (ISO 8601: the week's year is its Thursday's). */
static void week_label(int32_t monday, char buf[16])
{
    char date[16];
    int32_t thursday = monday + 3, jan1 = 0;
    dg_date_format(thursday, date);
    memcpy(date + 4, "-01-01", 7);
    dg_error err;
    dg_date_parse(date, 10, &jan1, &err);   /* YYYY-01-01 of a valid day: always parses */
    snprintf(buf, 16, "%.4s-W%02d", date, (int)((thursday - jan1) / 7 + 1));
}

typedef struct cat_order {
    const int64_t *counts;
    char *const *names;
} cat_order;

static int cmp_category(const void *a, const void *b, void *ctx)
{
    const cat_order *o = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (o->counts[x] != o->counts[y])
        return o->counts[x] < o->counts[y] ? 1 : -1;
    return strcmp(o->names[x], o->names[y]);
}

static dg_table *volume_table(stats_ctx *c)
{
    static const char *const names[] = { "dimension", "value", "tickets", "share" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_TEXT, DG_CELL_INT,
                                          DG_CELL_PERCENT };
    dg_table *t = new_table("VOC volume", names, types, 4);
    for (int i = 0; i < N_KINDS; i++)
        volume_row(t, "ticket_kind", kinds[i], c->by_kind[i], c->tickets);
    for (int i = 0; i < N_CHANNELS; i++)
        if (c->by_channel[i] || i < N_CHANNELS - 1)
            volume_row(t, "channel", channels[i], c->by_channel[i], c->tickets);
    size_t n = c->category_counts.n;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        dg_table_free(t);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    cat_order o = { c->category_counts.v, c->categories.values };
    qsort_r(order, n, sizeof *order, cmp_category, &o);
    for (size_t i = 0; i < n; i++)
        if (o.counts[order[i]])
            volume_row(t, "category", c->categories.values[order[i]], o.counts[order[i]],
                       c->tickets);
    free(order);
    const int64_t *weeks = c->weeks.v;
    for (size_t i = 0; i < c->weeks.n; i++) {
        char label[16];
        if (!weeks[i])
            continue;
        week_label(c->first_monday + 7 * (int32_t)i, label);
        volume_row(t, "week", label, weeks[i], c->tickets);
    }
    dg_table_add_note(t, "category: none for tickets without one; week: ISO 8601 week of the "
                         "opening in the calendar's local time");
    return t;
}

static dg_table *times_table(stats_ctx *c)
{
    static const char *const names[] = { "measure", "measured", "median_business_hours",
                                         "p90_business_hours", "sla_met", "sla_late",
                                         "sla_breached", "sla_attainment" };
    static const dg_cell_type types[] = { DG_CELL_TEXT, DG_CELL_INT, DG_CELL_REAL, DG_CELL_REAL,
                                          DG_CELL_INT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_PERCENT };
    static const char *const measures[] = { "first_response", "resolution" };
    dg_table *t = new_table("VOC response times", names, types, 8);
    for (int m = 0; m < MEASURES; m++) {
        double *v = c->hours[m].v;
        size_t n = c->hours[m].n;
        int64_t *s = c->sla[m], judged = s[MET] + s[LATE] + s[BREACHED];
        dg_table_add_row(t);
        dg_table_set_text(t, 0, measures[m]);
        dg_table_set_int(t, 1, (int64_t)n);
        if (n) {
            dg_table_set_real(t, 2, dg_voc_percentile(v, n, 0.5));
            dg_table_set_real(t, 3, dg_voc_percentile(v, n, 0.9));
        }
        for (int i = 0; i < 3; i++)
            dg_table_set_int(t, 4 + (size_t)i, s[i]);
        if (judged)
            dg_table_set_percent(t, 7, (double)s[MET] / (double)judged);
    }
    dg_table_add_note(t, "business hours of the calendar from the opening; percentiles: "
                         "Hyndman & Fan (1996) definition 7; attainment: met / (met + late + "
                         "breached), tickets still within their due time left out");
    return t;
}

static dg_table *summary_table(stats_ctx *c)
{
    static const char *const names[] = { "tickets", "complaints", "reopened", "reopen_rate",
                                         "complainants", "repeat_complainants", "repeat_share" };
    static const dg_cell_type types[] = { DG_CELL_INT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_PERCENT, DG_CELL_INT, DG_CELL_INT,
                                          DG_CELL_PERCENT };
    dg_table *t = new_table("VOC summary", names, types, 7);
    int64_t complainants = c->complainants, repeat = c->repeat_complainants;
    dg_table_add_row(t);
    dg_table_set_int(t, 0, c->tickets);
    dg_table_set_int(t, 1, c->complaints);
    dg_table_set_int(t, 2, c->reopened);
    if (c->ever_resolved)
        dg_table_set_percent(t, 3, (double)c->reopened / (double)c->ever_resolved);
    dg_table_set_int(t, 4, complainants);
    dg_table_set_int(t, 5, repeat);
    if (complainants)
        dg_table_set_percent(t, 6, (double)repeat / (double)complainants);
    dg_table_add_note(t, "reopen rate: tickets reopened at least once among those ever "
                         "resolved; repeat complainants: customers with two or more complaints "
                         "in the period");
    return t;
}

int dg_report_voc_stats(dg_report *out, dg_store *store, const dg_calendar *cal, int64_t from,
                        int64_t as_of, dg_error *err)
{
    stats_ctx c;
    memset(&c, 0, sizeof c);
    c.cal = cal;
    c.as_of = as_of;
    c.category_counts.size = sizeof(int64_t);
    c.weeks.size = sizeof(int64_t);
    c.hours[0].size = c.hours[1].size = sizeof(double);
    int rc = dg__dict_init(&c.categories) ? dg_error_set(err, DG_ENOMEM, "out of memory") : 0;
    if (rc == 0 && (rc = dg_store_read_begin(store, err)) == 0) {
        rc = dg__voc_scan(store, from, as_of, false, stats_row, &c, err);
        if (rc == 0)
            rc = dg__voc_complainants(store, from, as_of, &c.complainants,
                                      &c.repeat_complainants, err);
        dg_store_read_end(store);
        if (rc == DG_ENOMEM)
            dg_error_set(err, rc, "out of memory");
    }
    dg_table *tables[3] = { NULL, NULL, NULL };
    if (rc == 0) {
        tables[0] = summary_table(&c);
        tables[1] = times_table(&c);
        tables[2] = volume_table(&c);
    }
    for (int i = 0; i < 3; i++)
        if (rc == 0)
            rc = finish(out, tables[i], tables[i] ? 0 : dg_error_set(err, DG_ENOMEM, "out of "
                        "memory"), err);
        else
            dg_table_free(tables[i]);
    dg__dict_free(&c.categories);
    free(c.category_counts.v);
    free(c.weeks.v);
    free(c.hours[0].v);
    free(c.hours[1].v);
    return rc;
}
