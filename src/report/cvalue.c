/* The customer value survey report (include/dangol/report.h): the answers read from the store
 * into the survey's answer matrix (dg_cvalue_answers_load), the outcome of the drivers (an
 * outcome item, or actual repurchase from the frame's orders), the groups of the grid (RFM
 * segment, tier, relationship stage, consultation type), and the tables of dangol/cvalue.h, as
 * `dangol value` and /api/value/... show them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dangol/cvalue_io.h"
#include "dangol/report.h"
#include "dangol/vocab.h"
#include "store/cvalue.h"
#include "store/tiers.h"

typedef struct load_ctx {
    dg_cvalue_answers *a;
    const dg_cvalue_survey *s;
    int32_t as_of;
    size_t cap, skipped;
    int last_item;
    bool keep;                          /* the current response is answered by as_of */
    dg_error *err;
} load_ctx;

static int grow(load_ctx *c)
{
    dg_cvalue_answers *a = c->a;
    size_t cap = c->cap ? c->cap * 2 : 1024;
    int16_t *answers = realloc(a->answers, cap * a->n_items * sizeof *answers);
    if (answers)
        a->answers = answers;
    char **rid = answers ? realloc(a->response_id, cap * sizeof *rid) : NULL;
    if (rid)
        a->response_id = rid;
    char **cid = rid ? realloc(a->customer_id, cap * sizeof *cid) : NULL;
    if (cid)
        a->customer_id = cid;
    int32_t *day = cid ? realloc(a->day, cap * sizeof *day) : NULL;
    if (!day)
        return dg_error_set(c->err, DG_ENOMEM, "out of memory reading value answers");
    a->day = day;
    c->cap = cap;
    return 0;
}

static int load_row(void *ctx, const char *response_id, const char *customer_id, int32_t day,
                    const char *item, int answer)
{
    load_ctx *c = ctx;
    dg_cvalue_answers *a = c->a;
    if (a->n == 0 || strcmp(a->response_id[a->n - 1], response_id) != 0) {
        c->keep = c->as_of == DG_DAY_NONE || day <= c->as_of;
        if (!c->keep)
            return 0;
        if (a->n == c->cap && grow(c) != 0)
            return DG_ENOMEM;
        size_t r = a->n;
        a->response_id[r] = strdup(response_id);
        a->customer_id[r] = strdup(customer_id);
        if (!a->response_id[r] || !a->customer_id[r]) {
            free(a->response_id[r]);
            free(a->customer_id[r]);
            return dg_error_set(c->err, DG_ENOMEM, "out of memory reading value answers");
        }
        a->day[r] = day;
        for (size_t i = 0; i < a->n_items; i++)
            a->answers[r * a->n_items + i] = DG_CVALUE_NA;
        a->n++;
    } else if (!c->keep) {
        return 0;
    }
    /* answers come by item code: the next item is most often the one after the last */
    int i = c->last_item + 1;
    if (i < 0 || (size_t)i >= c->s->n_items || strcmp(c->s->items[i].code, item) != 0)
        i = dg_cvalue_item_find(c->s, item);
    c->last_item = i;
    if (i < 0 || answer < c->s->items[i].min || answer > c->s->items[i].max) {
        c->skipped++;
        return 0;
    }
    a->answers[(a->n - 1) * a->n_items + (size_t)i] = (int16_t)answer;
    return 0;
}

int dg_cvalue_answers_load(dg_cvalue_answers *out, dg_store *store,
                           const dg_cvalue_survey *survey, const char *customer_id,
                           int32_t as_of, size_t *skipped, dg_error *err)
{
    memset(out, 0, sizeof *out);
    out->n_items = survey->n_items;
    load_ctx c = { .a = out, .s = survey, .as_of = as_of, .last_item = -1, .err = err };
    int rc = dg_store_read_begin(store, err);
    if (rc == 0) {
        rc = dg__cvalue_answers_scan(store, customer_id, load_row, &c, err);
        dg_store_read_end(store);
    }
    if (rc != 0)
        dg_cvalue_answers_clear(out);
    if (skipped)
        *skipped = c.skipped;
    return rc;
}

static const char *const by_codes[] = { "none", "segment", "tier", "stage", "type" };

int dg_report_value_by_parse(const char *text, dg_report_value_by *by, dg_error *err)
{
    for (size_t i = 0; i < sizeof by_codes / sizeof by_codes[0]; i++)
        if (strcasecmp(text, by_codes[i]) == 0) {
            *by = (dg_report_value_by)i;
            return 0;
        }
    if (strcasecmp(text, "all") == 0 || strcasecmp(text, "customer_type") == 0) {
        *by = text[0] == 'a' || text[0] == 'A' ? DG_REPORT_VALUE_ALL : DG_REPORT_VALUE_TYPE;
        return 0;
    }
    return dg_error_set(err, DG_EINVAL, "unknown grouping \"%s\"; valid: none, segment, tier, "
                        "stage, type", text);
}

static bool repurchase_outcome(const dg_report_value_options *opt, const dg_cvalue_survey *s)
{
    const char *o = opt->outcome ? opt->outcome : s->outcome;
    return o && strcmp(o, "repurchase") == 0;
}

bool dg_report_value_needs_frame(const dg_report_value_options *opt)
{
    if (opt->view != DG_REPORT_VALUE_DRIVERS && opt->view != DG_REPORT_VALUE_GRID)
        return false;
    if (opt->view == DG_REPORT_VALUE_GRID && opt->by != DG_REPORT_VALUE_ALL &&
        opt->by != DG_REPORT_VALUE_TIER)
        return true;
    return opt->outcome ? strcmp(opt->outcome, "repurchase") == 0 : false;
}

/* The outcome of every response into y / y_ok; *label names it for the notes. */
static int outcome_of(const dg_cvalue_survey *s, const dg_cvalue_answers *a, const dg_frame *frame,
                      const dg_report_value_options *opt, double *y, bool *y_ok,
                      size_t *unobserved, dg_error *err)
{
    *unobserved = 0;
    const char *o = opt->outcome ? opt->outcome : s->outcome;
    if (!o || !*o)
        return dg_error_set(err, DG_EINVAL, "no outcome: give --outcome ITEM|repurchase or set "
                            "outcome in the survey");
    if (strcmp(o, "repurchase") == 0) {
        if (!frame)
            return dg_error_set(err, DG_EINVAL, "the repurchase outcome needs the orders");
        int window = opt->window_days > 0 ? opt->window_days : 180;
        for (size_t r = 0; r < a->n; r++) {
            y_ok[r] = false;
            y[r] = 0;
            if (a->day[r] > frame->as_of - window) {   /* the window is not over yet */
                (*unobserved)++;
                continue;
            }
            int64_t c = dg_frame_customer_index(frame, a->customer_id[r]);
            if (c < 0)
                continue;
            y_ok[r] = true;
            for (size_t k = frame->order_offset[c]; k < frame->order_offset[c + 1]; k++)
                if (frame->order_day[k] > a->day[r] && frame->order_day[k] <= a->day[r] + window) {
                    y[r] = 1;
                    break;
                }
        }
        return 0;
    }
    int i = dg_cvalue_item_find(s, o);
    if (i < 0)
        return dg_error_set(err, DG_EINVAL, "unknown outcome \"%s\": give an item of the survey "
                            "(component outcome) or repurchase", o);
    for (size_t r = 0; r < a->n; r++) {
        int16_t v = a->answers[r * a->n_items + (size_t)i];
        y_ok[r] = v != DG_CVALUE_NA;
        y[r] = y_ok[r] ? v : 0;
    }
    return 0;
}

/* Dictionary-coded groups for the grid: group[r], labels (owned by the caller's arrays). */
typedef struct groups {
    uint32_t *group;
    char **labels;
    size_t n;
} groups;

static void groups_clear(groups *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->labels[i]);
    free(g->labels);
    free(g->group);
    memset(g, 0, sizeof *g);
}

static int group_code(groups *g, const char *label, uint32_t *code)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->labels[i], label) == 0) {
            *code = (uint32_t)i;
            return 0;
        }
    char **labels = realloc(g->labels, (g->n + 1) * sizeof *labels);
    if (!labels)
        return DG_ENOMEM;
    g->labels = labels;
    if (!(labels[g->n] = strdup(label)))
        return DG_ENOMEM;
    *code = (uint32_t)g->n++;
    return 0;
}

static int make_groups(groups *g, dg_store *store, const dg_frame *frame,
                       const dg_cvalue_answers *a, dg_report_value_by by, dg_error *err)
{
    memset(g, 0, sizeof *g);
    size_t nc = frame ? frame->n_customers : 0;
    uint8_t *stage = NULL, *activity = NULL;
    dg_rfm_result rfm;
    memset(&rfm, 0, sizeof rfm);
    dg_rfm_segment_map *map = NULL;
    int rc = 0;
    if (!(g->group = malloc((a->n ? a->n : 1) * sizeof *g->group)))
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    if (by == DG_REPORT_VALUE_STAGE) {
        dg_stage_rules rules;
        dg_stage_rules_default(&rules);
        stage = malloc(nc ? nc : 1);
        activity = malloc(nc ? nc : 1);
        rc = !stage || !activity ? dg_error_set(err, DG_ENOMEM, "out of memory")
                                 : dg_stage_at(frame, &rules, frame->as_of, stage, activity, err);
    } else if (by == DG_REPORT_VALUE_SEGMENT) {
        rc = dg_rfm_segment_map_default(&map, err);
        if (rc == 0)
            rc = dg_rfm_compute(&rfm, frame, NULL, map, err);
    }
    for (size_t r = 0; rc == 0 && r < a->n; r++) {
        int64_t c = frame ? dg_frame_customer_index(frame, a->customer_id[r]) : -1;
        char tier[64] = "";
        const char *label = "(none)";
        if (by == DG_REPORT_VALUE_TIER) {
            int32_t day = frame ? frame->as_of : a->day[r];
            rc = dg__tier_at(store, a->customer_id[r], day, tier, sizeof tier, err);
            label = tier[0] ? tier : "(lowest tier)";
        } else if (c >= 0 && by == DG_REPORT_VALUE_STAGE) {
            label = stage[c] < DG_STAGE_COUNT ? dg_stage_name((dg_stage)stage[c]) : "(none)";
        } else if (c >= 0 && by == DG_REPORT_VALUE_SEGMENT) {
            label = rfm.segment[c] == DG_RFM_NO_SEGMENT ? "(no orders)"
                                                        : map->names[rfm.segment[c]];
        } else if (c >= 0 && by == DG_REPORT_VALUE_TYPE) {
            const char *t = dg_dict_value(&frame->customer_types, frame->customer_type[c]);
            label = t && *t ? t : "(none)";
        }
        if (rc == 0 && group_code(g, label, &g->group[r]) != 0)
            rc = dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    free(stage);
    free(activity);
    dg_rfm_result_clear(&rfm);
    dg_rfm_segment_map_free(map);
    if (rc != 0)
        groups_clear(g);
    return rc;
}

static int analyse(dg_report *out, dg_store *store, const dg_frame *frame,
                   const dg_report_value_options *opt, const dg_cvalue_survey *s,
                   const dg_cvalue_answers *a, dg_error *err)
{
    const size_t K = DG_CVALUE_COMPONENTS, n = a->n ? a->n : 1;
    double *score = malloc(n * K * sizeof *score), *value = malloc(n * sizeof *value),
           *y = malloc(n * sizeof *y);
    bool *has = malloc(n * K * sizeof *has), *value_ok = malloc(n * sizeof *value_ok),
         *y_ok = malloc(n * sizeof *y_ok);
    dg_table *t = NULL;
    groups g = { 0 };
    int rc = 0;
    size_t unobserved = 0;
    if (!score || !value || !y || !has || !value_ok || !y_ok) {
        rc = dg_error_set(err, DG_ENOMEM, "out of memory for %zu responses", a->n);
        goto cleanup;
    }
    dg_cvalue_scores(s, a, score, has, value, value_ok);
    const char *outcome = opt->outcome ? opt->outcome : s->outcome;
    switch (opt->view) {
    case DG_REPORT_VALUE_SCORES:
        rc = dg_cvalue_scores_table(&t, a, score, has, value, value_ok, err);
        break;
    case DG_REPORT_VALUE_RELIABILITY:
        rc = dg_cvalue_reliability_table(&t, s, a, score, has, err);
        break;
    case DG_REPORT_VALUE_DRIVERS: {
        dg_cvalue_fit fit;
        rc = outcome_of(s, a, frame, opt, y, y_ok, &unobserved, err);
        if (rc == 0)
            rc = dg_cvalue_drivers(&fit, s, a, score, has, y, y_ok, NULL, 0, err);
        if (rc == 0)
            rc = dg_cvalue_drivers_table(&t, &fit, outcome, err);
        break;
    }
    default:
        rc = outcome_of(s, a, frame, opt, y, y_ok, &unobserved, err);
        if (rc == 0 && opt->by != DG_REPORT_VALUE_ALL)
            rc = make_groups(&g, store, frame, a, opt->by, err);
        if (rc == 0)
            rc = dg_cvalue_grid_table(&t, s, a, score, has, y, y_ok,
                                      opt->by != DG_REPORT_VALUE_ALL ? g.group : NULL,
                                      (const char *const *)g.labels, g.n, by_codes[opt->by],
                                      err);
        break;
    }
    if (rc == 0 && unobserved) {
        char note[160];
        snprintf(note, sizeof note, "%zu responses left out: their repurchase window had not "
                 "ended by the as-of day", unobserved);
        dg_table_add_note(t, note);
    }
    if (rc == 0 && repurchase_outcome(opt, s))
        dg_table_add_note(t, "repurchase (0/1) regressed by OLS: a linear probability model");
cleanup:
    free(score);
    free(value);
    free(y);
    free(has);
    free(value_ok);
    free(y_ok);
    groups_clear(&g);
    if (rc == 0)
        rc = dg_report_add(out, t, err);
    else
        dg_table_free(t);
    return rc;
}

int dg_report_value(dg_report *out, dg_store *store, const dg_frame *frame,
                    const dg_report_value_options *opt, dg_error *err)
{
    dg_cvalue_survey *own = NULL;
    const dg_cvalue_survey *s = opt->survey;
    int rc = 0;
    if (!s) {   /* the store's survey, else the built-in one */
        if (!(own = malloc(sizeof *own)))
            return dg_error_set(err, DG_ENOMEM, "out of memory");
        rc = store ? dg_cvalue_survey_current(own, store, NULL, err)
                   : dg_cvalue_survey_default(own, err);
        if (rc != 0) {
            free(own);
            return rc;
        }
        s = own;
    }
    if (opt->view == DG_REPORT_VALUE_ITEMS) {
        dg_table *t = NULL;
        rc = dg_cvalue_items_table(&t, s, err);
        if (rc == 0)
            rc = dg_report_add(out, t, err);
        free(own);
        return rc;
    }
    if (dg_report_value_needs_frame(opt) && !frame) {
        free(own);
        return dg_error_set(err, DG_EINVAL, "this value report needs the frame");
    }
    if (opt->customer_id && opt->view == DG_REPORT_VALUE_SCORES) {
        bool found = false;
        rc = dg_store_exists(store, dg_entity_find("customers"), opt->customer_id, &found, err);
        if (rc == 0 && !found)
            rc = dg_error_set(err, DG_ENOTFOUND, "no customer \"%s\"", opt->customer_id);
    }
    dg_cvalue_answers a;
    size_t skipped = 0;
    if (rc == 0)
        rc = dg_cvalue_answers_load(&a, store, s,
                                    opt->view == DG_REPORT_VALUE_SCORES ? opt->customer_id : NULL,
                                    frame ? frame->as_of : opt->as_of, &skipped, err);
    if (rc == 0) {
        size_t before = out->n_tables;
        rc = analyse(out, store, frame, opt, s, &a, err);
        if (rc == 0 && skipped && out->n_tables > before) {
            char note[160];
            snprintf(note, sizeof note, "%zu stored answers skipped: their item is not in this "
                     "survey or off its scale", skipped);
            dg_table_add_note(out->tables[out->n_tables - 1], note);
        }
        dg_cvalue_answers_clear(&a);
    }
    free(own);
    return rc;
}
