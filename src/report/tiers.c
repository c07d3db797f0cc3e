/* The tier reports (include/dangol/report.h), as `dangol tier show|distribution|migration|
 * crosstab` and /api/tiers* show them: a customer's tier with its measure and history, the
 * customers per tier on a day, the migration matrix between two days, and tier against the
 * relationship stage or the RFM segment (the stage and RFM computations of the report layer on
 * the frame of the day). A customer's tier on a day is the last change of the history on or
 * before it (the lowest tier without one), under the rules kept by the last evaluation. Each
 * report reads in one consistent read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/report.h"
#include "dangol/text.h"
#include "dangol/tier.h"
#include "store/tiers.h"

static int finish(dg_report *out, dg_table *t, int rc, dg_error *err)
{
    if (rc != 0) {
        dg_table_free(t);
        return rc;
    }
    return dg_report_add(out, t, err);
}

/* The day evaluated last, or today when nothing was evaluated. */
static int evaluated_day(dg_store *store, int32_t *day, bool *evaluated, dg_error *err)
{
    int rc = dg__tier_last_run(store, day, err);
    *evaluated = rc == 0;
    if (rc == DG_ENOTFOUND) {
        *day = dg_day_of((int64_t)time(NULL));
        rc = 0;
    }
    return rc;
}

static void note_evaluated(dg_table *t, int32_t day, int32_t last, bool evaluated)
{
    char a[16], b[16], note[160];
    if (!evaluated)
        dg_table_add_note(t, "no tier evaluation yet: every customer is in the lowest tier; run "
                             "`dangol tier evaluate --as-of DATE`");
    else if (day > last) {
        snprintf(note, sizeof note, "tiers are evaluated through %s only, not %s: later "
                 "upgrades are not in yet", dg_date_format(last, a), dg_date_format(day, b));
        dg_table_add_note(t, note);
    }
}

/* ---- every customer's tier on some days ---- */

#define MAX_DAYS 2

typedef struct tier_walk {
    const dg_tier_rules *rules;
    int32_t days[MAX_DAYS];
    size_t n_days;
    char customer[256];
    size_t tier[MAX_DAYS];
    int64_t customers;                  /* with a history */
    int64_t counts[DG_TIER_MAX_LEVELS][DG_TIER_MAX_LEVELS];   /* [tier on days[0]][on days[1]] */
    const dg_frame *frame;              /* crosstab: the frame's customers */
    size_t *frame_tier;                 /* [frame->n_customers] */
    const char *unknown;                /* a tier code the rules lack */
} tier_walk;

static void walk_flush(tier_walk *w)
{
    if (!w->customer[0])
        return;
    w->customers++;
    w->counts[w->tier[0]][w->n_days > 1 ? w->tier[1] : 0]++;
    if (w->frame) {
        int64_t i = dg_frame_customer_index(w->frame, w->customer);
        if (i >= 0)
            w->frame_tier[i] = w->tier[0];
    }
    w->customer[0] = '\0';
}

static int walk_row(void *ctx, const dg__tier_history_row *row)
{
    tier_walk *w = ctx;
    if (strcmp(row->customer_id, w->customer) != 0) {
        walk_flush(w);
        snprintf(w->customer, sizeof w->customer, "%s", row->customer_id);
        memset(w->tier, 0, sizeof w->tier);
    }
    int level = dg_tier_find(w->rules, row->to_tier);
    if (level < 0) {
        w->unknown = row->to_tier;
        return DG_ECONFLICT;
    }
    for (size_t d = 0; d < w->n_days; d++)
        if (row->changed_on <= w->days[d])
            w->tier[d] = (size_t)level;
    return 0;
}

/* Walks the history up to the last of w->days; counts of customers without one go to the
 * lowest tier (of all *total customers). */
static int walk(dg_store *store, tier_walk *w, int64_t *total, dg_error *err)
{
    int32_t last = w->days[0];
    for (size_t d = 1; d < w->n_days; d++)
        last = w->days[d] > last ? w->days[d] : last;
    int rc = dg__tier_history_scan(store, NULL, last, walk_row, w, err);
    if (rc == DG_ECONFLICT)
        return dg_error_set(err, rc, "the history holds tier \"%s\", which the stored rules do "
                            "not have", w->unknown ? w->unknown : "?");
    walk_flush(w);
    if (rc == 0)
        rc = dg__tier_customer_count(store, total, err);
    if (rc == 0)
        w->counts[0][0] += *total - w->customers;
    return rc;
}

/* ---- one customer ---- */

static int add_activity(void *ctx, const char *customer_id, int32_t day, int64_t value)
{
    (void)customer_id;
    (void)day;
    *(int64_t *)ctx += value;
    return 0;
}

typedef struct history_ctx {
    dg_table *t;
    int32_t since;            /* the day of the last change read */
} history_ctx;

static int history_row(void *ctx, const dg__tier_history_row *row)
{
    history_ctx *c = ctx;
    dg_table *t = c->t;
    c->since = row->changed_on;
    dg_table_add_row(t);
    dg_table_set_int(t, 0, row->changed_on);
    dg_table_set_text(t, 1, row->from_tier);
    dg_table_set_text(t, 2, row->to_tier);
    dg_table_set_int(t, 3, row->measure);
    dg_table_set_text(t, 4, row->reason);
    dg_table_set_int(t, 5, row->run_id);
    return 0;
}

static dg_cell_type measure_type(const dg_tier_rules *rules)
{
    return rules->measure == DG_TIER_MEASURE_SPEND ? DG_CELL_MONEY : DG_CELL_INT;
}

static int minor_digits(dg_store *store, dg_error *err, int *digits)
{
    char code[4];
    return dg_store_currency(store, code, digits, err);
}

int dg_report_tier_customer(dg_report *out, dg_store *store, const char *customer_id,
                            int32_t day, dg_error *err)
{
    dg_tier_rules *rules = malloc(sizeof *rules);
    if (!rules)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    int rc = dg_store_read_begin(store, err);
    if (rc != 0) {
        free(rules);
        return rc;
    }
    int32_t last;
    bool evaluated;
    size_t tier = 0;
    int64_t measure = 0;
    int digits = 0;
    rc = evaluated_day(store, &last, &evaluated, err);
    if (day == DG_DAY_NONE)
        day = last;
    if (rc == 0)
        rc = dg_tier_of(store, customer_id, day, rules, &tier, err);
    if (rc == 0)
        rc = dg__tier_activities_scan(store, rules->measure, customer_id,
                                      day - rules->window_days + 1, day, add_activity, &measure,
                                      err);
    if (rc == 0)
        rc = minor_digits(store, err, &digits);
    char date[16], title[320];
    snprintf(title, sizeof title, "Tier of %s on %s", customer_id, dg_date_format(day, date));
    dg_table *t = dg_table_new(title);
    static const char *const names[] = { "customer_id", "tier", "name_en", "name_ko", "since",
                                         "measure", "measure_kind", "next_tier", "to_next",
                                         "earn_per_mille", "discount_percent" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        dg_table_add_column(t, names[i], i == 4 ? DG_CELL_DATE
                                         : i == 5 || i == 8 ? measure_type(rules)
                                         : i >= 9 ? DG_CELL_INT : DG_CELL_TEXT,
                            i == 5 || i == 8 ? (measure_type(rules) == DG_CELL_MONEY ? digits : 0)
                                             : 0);
    snprintf(title, sizeof title, "Tier history of %s", customer_id);
    dg_table *h = dg_table_new(title);
    static const char *const hnames[] = { "changed_on", "from_tier", "to_tier", "measure",
                                          "reason", "run" };
    for (size_t i = 0; i < sizeof hnames / sizeof hnames[0]; i++)
        dg_table_add_column(h, hnames[i], i == 0 ? DG_CELL_DATE : i == 3 ? measure_type(rules)
                                          : i == 5 ? DG_CELL_INT : DG_CELL_TEXT,
                            i == 3 && measure_type(rules) == DG_CELL_MONEY ? digits : 0);
    if (rc == 0) {
        const dg_tier_level *l = &rules->levels[tier];
        history_ctx c = { h, DG_DAY_NONE };
        rc = dg__tier_history_scan(store, customer_id, day, history_row, &c, err);
        dg_table_add_row(t);
        dg_table_set_text(t, 0, customer_id);
        dg_table_set_text(t, 1, l->code);
        dg_table_set_text(t, 2, l->name_en);
        dg_table_set_text(t, 3, l->name_ko);
        dg_table_set_int(t, 5, measure);
        dg_table_set_text(t, 6, dg_tier_measure_code(rules->measure));
        if (tier + 1 < rules->n_levels) {
            dg_table_set_text(t, 7, rules->levels[tier + 1].code);
            int64_t gap = rules->levels[tier + 1].threshold - measure;
            dg_table_set_int(t, 8, gap > 0 ? gap : 0);
        }
        dg_table_set_int(t, 9, l->earn_per_mille);
        dg_table_set_int(t, 10, l->discount_percent);
        if (c.since != DG_DAY_NONE)
            dg_table_set_int(t, 4, c.since);
        note_evaluated(t, day, last, evaluated);
    }
    dg_store_read_end(store);
    free(rules);
    rc = finish(out, t, rc, err);
    if (rc != 0) {
        dg_table_free(h);
        return rc;
    }
    return dg_report_add(out, h, err);
}

/* ---- distribution and migration ---- */

static dg_table *tier_rows_table(const char *title, const dg_tier_rules *rules)
{
    dg_table *t = dg_table_new(title);
    dg_table_add_column(t, "tier", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "name_en", DG_CELL_TEXT, 0);
    dg_table_add_column(t, "name_ko", DG_CELL_TEXT, 0);
    (void)rules;
    return t;
}

static void tier_row(dg_table *t, const dg_tier_level *l)
{
    dg_table_add_row(t);
    dg_table_set_text(t, 0, l->code);
    dg_table_set_text(t, 1, l->name_en);
    dg_table_set_text(t, 2, l->name_ko);
}

int dg_report_tier_distribution(dg_report *out, dg_store *store, int32_t day, dg_error *err)
{
    tier_walk *w = calloc(1, sizeof *w);
    dg_tier_rules *rules = malloc(sizeof *rules);
    int rc = w && rules ? dg_store_read_begin(store, err)
                        : dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc != 0) {
        free(w);
        free(rules);
        return rc;
    }
    int32_t last;
    bool evaluated;
    int64_t total = 0;
    int digits = 0;
    rc = evaluated_day(store, &last, &evaluated, err);
    if (day == DG_DAY_NONE)
        day = last;
    if (rc == 0)
        rc = dg_tier_rules_stored(store, rules, err);
    if (rc == 0)
        rc = minor_digits(store, err, &digits);
    if (rc == 0) {
        w->rules = rules;
        w->days[0] = day;
        w->n_days = 1;
        rc = walk(store, w, &total, err);
    }
    dg_store_read_end(store);
    char date[16], title[128];
    snprintf(title, sizeof title, "Customers by tier on %s", dg_date_format(day, date));
    dg_table *t = tier_rows_table(title, rules);
    dg_table_add_column(t, "threshold", measure_type(rules),
                        measure_type(rules) == DG_CELL_MONEY ? digits : 0);
    dg_table_add_column(t, "customers", DG_CELL_INT, 0);
    dg_table_add_column(t, "share", DG_CELL_PERCENT, 1);
    for (size_t i = 0; rc == 0 && i < rules->n_levels; i++) {
        tier_row(t, &rules->levels[i]);
        dg_table_set_int(t, 3, rules->levels[i].threshold);
        dg_table_set_int(t, 4, w->counts[i][0]);
        if (total > 0)
            dg_table_set_real(t, 5, (double)w->counts[i][0] / (double)total);
    }
    if (rc == 0)
        note_evaluated(t, day, last, evaluated);
    free(w);
    free(rules);
    return finish(out, t, rc, err);
}

int dg_report_tier_migration(dg_report *out, dg_store *store, int32_t from, int32_t to,
                             dg_error *err)
{
    if (from > to)
        return dg_error_set(err, DG_EINVAL, "--from must not be after --to");
    tier_walk *w = calloc(1, sizeof *w);
    dg_tier_rules *rules = malloc(sizeof *rules);
    int rc = w && rules ? dg_store_read_begin(store, err)
                        : dg_error_set(err, DG_ENOMEM, "out of memory");
    if (rc != 0) {
        free(w);
        free(rules);
        return rc;
    }
    int32_t last;
    bool evaluated;
    int64_t total = 0;
    rc = evaluated_day(store, &last, &evaluated, err);
    if (rc == 0)
        rc = dg_tier_rules_stored(store, rules, err);
    if (rc == 0) {
        w->rules = rules;
        w->days[0] = from;
        w->days[1] = to;
        w->n_days = 2;
        rc = walk(store, w, &total, err);
    }
    dg_store_read_end(store);
    char a[16], b[16], title[128];
    snprintf(title, sizeof title, "Tier migration from %s (rows) to %s (columns)",
             dg_date_format(from, a), dg_date_format(to, b));
    dg_table *t = tier_rows_table(title, rules);
    for (size_t j = 0; j < rules->n_levels; j++)
        dg_table_add_column(t, rules->levels[j].code, DG_CELL_INT, 0);
    dg_table_add_column(t, "total", DG_CELL_INT, 0);
    for (size_t i = 0; rc == 0 && i < rules->n_levels; i++) {
        tier_row(t, &rules->levels[i]);
        int64_t row_total = 0;
        for (size_t j = 0; j < rules->n_levels; j++) {
            dg_table_set_int(t, 3 + j, w->counts[i][j]);
            row_total += w->counts[i][j];
        }
        dg_table_set_int(t, 3 + rules->n_levels, row_total);
    }
    if (rc == 0)
        note_evaluated(t, to, last, evaluated);
    free(w);
    free(rules);
    return finish(out, t, rc, err);
}

/* ---- tier x stage, tier x segment ---- */

int dg_tier_crosstab_by_parse(const char *text, dg_tier_crosstab_by *by, dg_error *err)
{
    if (strcmp(text, "stage") == 0 || strcmp(text, "단계") == 0)
        *by = DG_TIER_BY_STAGE;
    else if (strcmp(text, "segment") == 0 || strcmp(text, "세그먼트") == 0)
        *by = DG_TIER_BY_SEGMENT;
    else
        return dg_error_set(err, DG_EINVAL, "unknown crosstab \"%s\"; valid: stage (단계), "
                            "segment (세그먼트)", text);
    return 0;
}

/* Column of each frame customer (stage or segment) into col[], and the column names. */
static int columns_of(const dg_frame *frame, dg_tier_crosstab_by by, uint16_t *col,
                      char ***names, size_t *n_names, dg_rfm_segment_map **map,
                      dg_error *err)
{
    size_t n = frame->n_customers;
    if (by == DG_TIER_BY_STAGE) {
        uint8_t *stage = malloc(n ? n : 1), *activity = malloc(n ? n : 1);
        dg_stage_rules rules;
        dg_stage_rules_default(&rules);
        int rc = stage && activity ? dg_stage_at(frame, &rules, frame->as_of, stage, activity, err)
                                   : dg_error_set(err, DG_ENOMEM, "out of memory");
        for (size_t i = 0; rc == 0 && i < n; i++)
            col[i] = stage[i] < DG_STAGE_COUNT ? stage[i] : DG_STAGE_COUNT;
        free(stage);
        free(activity);
        *names = NULL;
        *n_names = DG_STAGE_COUNT + 1;
        return rc;
    }
    int rc = dg_rfm_segment_map_default(map, err);
    dg_rfm_result rfm;
    memset(&rfm, 0, sizeof rfm);
    if (rc == 0)
        rc = dg_rfm_compute(&rfm, frame, NULL, *map, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        col[i] = rfm.segment[i] == DG_RFM_NO_SEGMENT ? (uint16_t)(*map)->n_segments
                                                     : rfm.segment[i];
    dg_rfm_result_clear(&rfm);
    *names = rc == 0 ? (*map)->names : NULL;
    *n_names = rc == 0 ? (*map)->n_segments + 1 : 0;
    return rc;
}

int dg_report_tier_crosstab(dg_report *out, dg_store *store, const dg_frame *frame,
                            dg_tier_crosstab_by by, dg_error *err)
{
    size_t n = frame->n_customers;
    tier_walk *w = calloc(1, sizeof *w);
    dg_tier_rules *rules = malloc(sizeof *rules);
    size_t *frame_tier = calloc(n ? n : 1, sizeof *frame_tier);
    uint16_t *col = calloc(n ? n : 1, sizeof *col);
    int64_t *counts = NULL;
    dg_rfm_segment_map *map = NULL;
    char **names = NULL;
    size_t n_names = 0;
    int rc = w && rules && frame_tier && col ? 0 : dg_error_set(err, DG_ENOMEM, "out of memory");
    int32_t last = 0;
    bool evaluated = false;
    int64_t total = 0;
    if (rc == 0 && (rc = dg_store_read_begin(store, err)) == 0) {
        rc = evaluated_day(store, &last, &evaluated, err);
        if (rc == 0)
            rc = dg_tier_rules_stored(store, rules, err);
        if (rc == 0) {
            w->rules = rules;
            w->days[0] = frame->as_of;
            w->n_days = 1;
            w->frame = frame;
            w->frame_tier = frame_tier;
            rc = walk(store, w, &total, err);
        }
        dg_store_read_end(store);
    }
    if (rc == 0)
        rc = columns_of(frame, by, col, &names, &n_names, &map, err);
    if (rc == 0 && !(counts = calloc(rules->n_levels * n_names, sizeof *counts)))
        rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (dg_frame_has_customer(frame, i))   /* a window's later customers are not its */
            counts[frame_tier[i] * n_names + col[i]]++;
    char date[16], title[160];
    snprintf(title, sizeof title, "Customers by tier and %s on %s",
             by == DG_TIER_BY_STAGE ? "stage" : "RFM segment", dg_date_format(frame->as_of, date));
    dg_table *t = dg_table_new(title);
    if (rc == 0) {
        dg_table_add_column(t, "tier", DG_CELL_TEXT, 0);
        dg_table_add_column(t, "name_en", DG_CELL_TEXT, 0);
        dg_table_add_column(t, "name_ko", DG_CELL_TEXT, 0);
        for (size_t j = 0; j < n_names; j++) {
            const char *name = by == DG_TIER_BY_STAGE
                                   ? (j < DG_STAGE_COUNT ? dg_stage_name((dg_stage)j) : "unknown")
                                   : (j + 1 < n_names ? names[j] : "no_orders");
            dg_table_add_column(t, name, DG_CELL_INT, 0);
        }
        dg_table_add_column(t, "total", DG_CELL_INT, 0);
        for (size_t i = 0; i < rules->n_levels; i++) {
            tier_row(t, &rules->levels[i]);
            int64_t row_total = 0;
            for (size_t j = 0; j < n_names; j++) {
                dg_table_set_int(t, 3 + j, counts[i * n_names + j]);
                row_total += counts[i * n_names + j];
            }
            dg_table_set_int(t, 3 + n_names, row_total);
        }
        note_evaluated(t, frame->as_of, last, evaluated);
    }
    free(counts);
    free(col);
    free(frame_tier);
    free(w);
    free(rules);
    dg_rfm_segment_map_free(map);
    return finish(out, t, rc, err);
}
