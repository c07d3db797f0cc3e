/* Analysis routes: each takes the frame of the store (the shared snapshot, or a private one as of
 * ?as_of), calls the library's analysis — the calls the CLI command makes — and sends its result
 * table. Query arguments mirror the command's options. */
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "dangol/clv.h"
#include "dangol/cohort.h"
#include "dangol/cube.h"
#include "dangol/frame.h"
#include "dangol/kpi.h"
#include "dangol/loyalty.h"
#include "dangol/rfm.h"
#include "dangol/stage.h"
#include "dangol/text.h"
#include "server/server.h"

/* The page of a per-customer view (?offset, ?limit); other views take no page. False with a 400
 * when the arguments are invalid or given to another view. */
static bool customer_page(dg_request *req, dg_response *res, const char *view,
                          bool per_customer, dg_page *page)
{
    if (!per_customer && (dg_request_query(req, "offset") || dg_request_query(req, "limit"))) {
        dg_reply_error(res, 400, "invalid", "offset and limit page view=customers; view=%s is "
                       "answered whole", view);
        return false;
    }
    return dg_request_page(req, res, page);
}

/* Sends the table of a finished analysis, whole or (page not NULL) the page's rows, and frees
 * it. */
static void reply_result_page(dg_response *res, int rc, dg_table *table, const dg_error *err,
                              const dg_page *page)
{
    if (rc != 0)
        dg_reply_failure(res, err);
    else if (page)
        dg_reply_table_page(res, table, page);
    else
        dg_reply_table(res, table);
    dg_table_free(table);
}

/* Sends the table of a finished analysis (rc, err) and frees it. */
static void reply_result(dg_response *res, int rc, dg_table *table, const dg_error *err)
{
    reply_result_page(res, rc, table, err, NULL);
}

/* A date query argument into *day (left as is when absent); false with a 400 when malformed. */
static bool query_day(dg_request *req, dg_response *res, const char *name, int32_t *day)
{
    const char *text = dg_request_query(req, name);
    dg_error err;
    if (!text || !*text)
        return true;
    if (dg_date_parse(text, strlen(text), day, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s: %s", name, err.message);
        return false;
    }
    return true;
}

void dg_api_kpi(dg_request *req, dg_response *res)
{
    long long months = dg_request_query_count(req, res, "months", 12, DG_KPI_MONTHS_MAX);
    if (months < 0)
        return;
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_kpi_monthly(dg_snapshot_frame(snap), (int)months, &table, &err);
    dg_snapshot_release(req, snap);
    reply_result(res, rc, table, &err);
}

/* The query arguments of the request as key, value, ..., NULL (the route's table names them). */
static void query_pairs(const dg_request *req, const char **pairs)
{
    size_t n = 0;
    for (const dg_route_param *q = req->route->query; q && q->name; q++) {
        const char *value = dg_request_query(req, q->name);
        if (value) {
            pairs[n++] = q->name;
            pairs[n++] = value;
        }
    }
    pairs[n] = NULL;
}

/* The cube's query vocabulary (as `dangol cube`). Without as_of the query runs on the shared
 * snapshot's cube; with it, on the cube of a private snapshot as of that day, whose frame is what
 * dg_cube_store_query (the CLI's call) builds for it. */
void dg_api_cube(dg_request *req, dg_response *res)
{
    const char *params[2 * DG_ROUTE_MAX_QUERY + 1];
    query_pairs(req, params);
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    const dg_cube *cube = dg_snapshot_cube(req, snap, &err);
    dg_cube_query q;
    dg_cube_query_init(&q);
    int rc = cube ? 0 : err.code;
    for (size_t i = 0; rc == 0 && params[i]; i += 2)
        rc = dg_cube_query_set(&q, cube, params[i], params[i + 1], &err);
    if (rc == 0)
        rc = dg_cube_query_table(cube, &q, &table, &err);
    dg_cube_query_clear(&q);
    dg_snapshot_release(req, snap);
    reply_result(res, rc, table, &err);
}

/* ?view=segments (default) | bins | grid | customers (a page: ?offset, ?limit), ?monetary=total |
 * mean (as `dangol rfm`). */
void dg_api_rfm(dg_request *req, dg_response *res)
{
    const char *view = dg_request_query(req, "view"), *monetary = dg_request_query(req, "monetary");
    if (!view)
        view = "segments";
    if (strcmp(view, "segments") && strcmp(view, "bins") && strcmp(view, "grid") &&
        strcmp(view, "customers")) {
        dg_reply_error(res, 400, "invalid", "view \"%s\" is not one of: segments, bins, grid, "
                       "customers", view);
        return;
    }
    if (monetary && strcmp(monetary, "total") && strcmp(monetary, "mean")) {
        dg_reply_error(res, 400, "invalid", "monetary \"%s\" is not one of: total, mean",
                       monetary);
        return;
    }
    bool per_customer = strcmp(view, "customers") == 0;
    dg_page page;
    if (!customer_page(req, res, view, per_customer, &page))
        return;
    dg_rfm_options ropts = { .as_of = DG_DAY_NONE,
                             .monetary_mean = monetary && strcmp(monetary, "mean") == 0 };
    dg_rfm_segment_map *map = NULL;
    dg_rfm_result rfm = { 0 };
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    if (dg_rfm_segment_map_default(&map, &err) != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap) {
        dg_rfm_segment_map_free(map);
        return;
    }
    const dg_frame *frame = dg_snapshot_frame(snap);
    int rc = dg_rfm_compute(frame, &ropts, map, &rfm, &err);
    if (rc == 0)
        rc = strcmp(view, "bins") == 0 ? dg_rfm_bin_table(&rfm, frame->minor_digits, &table, &err)
           : strcmp(view, "grid") == 0 ? dg_rfm_grid_table(&rfm, frame->minor_digits, &table,
                                                            &err)
           : per_customer ? dg_rfm_customer_table(frame, &rfm, map, &table, &err)
           : dg_rfm_segment_table(frame, &rfm, map, &table, &err);
    dg_rfm_result_free(&rfm);
    dg_rfm_segment_map_free(map);
    dg_snapshot_release(req, snap);
    reply_result_page(res, rc, table, &err, per_customer ? &page : NULL);
}

/* Stage counts or the funnel at ?at (default: the as-of day), as `dangol stage [--funnel]`. */
static void stage_counts(dg_request *req, dg_response *res, bool funnel)
{
    int32_t at = DG_DAY_NONE;
    if (!query_day(req, res, "at", &at))
        return;
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    const dg_frame *frame = dg_snapshot_frame(snap);
    dg_stage_rules rules;
    dg_stage_rules_default(&rules);
    dg_stage_counts counts;
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    size_t cap = frame->n_customers ? frame->n_customers : 1;
    uint8_t *stage = malloc(cap), *activity = malloc(cap);
    int rc = stage && activity ? 0 : dg_error_set(&err, DG_ENOMEM, "out of memory");
    if (at == DG_DAY_NONE)
        at = frame->as_of;
    if (rc == 0 && at > frame->as_of)
        rc = dg_error_set(&err, DG_EINVAL, "at is after the as-of day");
    if (rc == 0)
        rc = dg_stage_at(frame, &rules, at, stage, activity, &err);
    if (rc == 0) {
        dg_stage_count(stage, activity, frame->n_customers, at, &counts);
        rc = funnel ? dg_stage_funnel_table(&counts, &table, &err)
                    : dg_stage_table(&counts, &table, &err);
    }
    free(stage);
    free(activity);
    dg_snapshot_release(req, snap);
    reply_result(res, rc, table, &err);
}

void dg_api_stages(dg_request *req, dg_response *res)
{
    stage_counts(req, res, false);
}

void dg_api_stages_funnel(dg_request *req, dg_response *res)
{
    stage_counts(req, res, true);
}

/* ?from&to (default: a year before to, and the as-of day), as `dangol stage --migration` and
 * `--history`. */
static void stage_between(dg_request *req, dg_response *res, bool migration)
{
    int32_t from = DG_DAY_NONE, to = DG_DAY_NONE;
    if (!query_day(req, res, "from", &from) || !query_day(req, res, "to", &to))
        return;
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    const dg_frame *frame = dg_snapshot_frame(snap);
    dg_stage_rules rules;
    dg_stage_rules_default(&rules);
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    if (to == DG_DAY_NONE)
        to = frame->as_of;
    if (from == DG_DAY_NONE)
        from = to - 365;
    int rc = 0;
    if (from > to || to > frame->as_of)
        rc = dg_error_set(&err, DG_EINVAL, "need from <= to <= the as-of day");
    else if (migration)
        rc = dg_stage_migration_table(frame, &rules, from, to, &table, &err);
    else
        rc = dg_stage_history_table(frame, &rules, from, to, &table, &err);
    dg_snapshot_release(req, snap);
    reply_result(res, rc, table, &err);
}

void dg_api_stages_migration(dg_request *req, dg_response *res)
{
    stage_between(req, res, true);
}

void dg_api_stages_history(dg_request *req, dg_response *res)
{
    stage_between(req, res, false);
}

/* ?by&measure&periods&as_of, passed to dg_cohort_store_query (the call `dangol cohort` makes). */
void dg_api_cohorts(dg_request *req, dg_response *res)
{
    const char *params[2 * DG_ROUTE_MAX_QUERY + 1];
    query_pairs(req, params);
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_cohort_store_query(req->store, params, &table, &err);
    reply_result(res, rc, table, &err);
}

typedef struct clv_view {
    const char *view;
    size_t top;
    dg_table *table;
} clv_view;

static int clv_table(void *ctx, const dg_frame *frame, const dg_clv_report *report, dg_error *err)
{
    clv_view *v = ctx;
    if (strcmp(v->view, "top") == 0)
        return dg_clv_rank_table(report, frame->customer_id, v->top, &v->table, err);
    return dg_clv_histogram_table(report, strcmp(v->view, "value") == 0 ? DG_CLV_HIST_VALUE
                                                                        : DG_CLV_HIST_P_ALIVE,
                                  &v->table, err);
}

/* Lifetime value from the BTYD models on the store's orders (dg_clv_frame_run, as
 * `dangol clv predict`): ?view=top (default; ?top=N customers, default 20) | value | p_alive
 * (histograms), ?model=bgnbd|mbgnbd|paretonbd|bgbb, ?horizon (weeks, default 52),
 * ?discount_rate (per week, default 0), ?as_of. */
void dg_api_clv(dg_request *req, dg_response *res)
{
    const char *view = dg_request_query(req, "view"), *model = dg_request_query(req, "model");
    const char *horizon = dg_request_query(req, "horizon");
    const char *discount = dg_request_query(req, "discount_rate");
    dg_clv_options opt;
    memset(&opt, 0, sizeof opt);   /* compared bytewise with the cached report's options */
    opt.model = DG_BTYD_BGNBD;
    opt.spend = 1;
    opt.horizon = 52;
    char *end = NULL;
    if (!view)
        view = "top";
    if (strcmp(view, "top") && strcmp(view, "value") && strcmp(view, "p_alive")) {
        dg_reply_error(res, 400, "invalid", "view \"%s\" is not one of: top, value, p_alive",
                       view);
        return;
    }
    if (model && dg_btyd_model_parse(model, &opt.model) != 0) {
        dg_reply_error(res, 400, "invalid", "model \"%s\" is not one of: bgnbd, mbgnbd, "
                       "paretonbd, bgbb", model);
        return;
    }
    if (horizon && (opt.horizon = strtod(horizon, &end), *end || !isfinite(opt.horizon) ||
                    opt.horizon <= 0 || opt.horizon > 5200)) {
        dg_reply_error(res, 400, "invalid", "horizon \"%s\" must be a number of weeks from 0 "
                       "to 5200", horizon);
        return;
    }
    if (discount && (opt.discount_rate = strtod(discount, &end), *end ||
                     !isfinite(opt.discount_rate) || opt.discount_rate < 0 ||
                     opt.discount_rate > 1)) {
        dg_reply_error(res, 400, "invalid", "discount_rate \"%s\" must be from 0 to 1 (per "
                       "week)", discount);
        return;
    }
    long long top = dg_request_query_count(req, res, "top", 20, 100000);
    if (top < 0)
        return;
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    clv_view v = { view, (size_t)top, NULL };
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_snapshot_clv(snap, &opt, clv_table, &v, &err);
    dg_table *table = v.table;
    dg_snapshot_release(req, snap);
    reply_result(res, rc, table, &err);
}

/* Behavioural and attitudinal loyalty with the loyalty index (as `dangol loyalty`): ?view=summary
 * (default: the measures with n and 95% intervals) | customers (one row per customer, a page:
 * ?offset, ?limit), ?as_of.
 * The default loyalty weights and RFM segments apply. */
void dg_api_loyalty(dg_request *req, dg_response *res)
{
    const char *view = dg_request_query(req, "view");
    if (!view)
        view = "summary";
    if (strcmp(view, "summary") && strcmp(view, "customers")) {
        dg_reply_error(res, 400, "invalid", "view \"%s\" is not one of: summary, customers",
                       view);
        return;
    }
    bool per_customer = strcmp(view, "customers") == 0;
    dg_page page;
    if (!customer_page(req, res, view, per_customer, &page))
        return;
    dg_loyalty_config config;
    dg_loyalty_config_default(&config);
    dg_rfm_segment_map *map = NULL;
    dg_rfm_result rfm = { 0 };
    dg_loyalty_result loyalty = { 0 };
    dg_table *table = NULL;
    dg_error err;
    dg_error_clear(&err);
    if (dg_rfm_segment_map_default(&map, &err) != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap) {
        dg_rfm_segment_map_free(map);
        return;
    }
    const dg_frame *frame = dg_snapshot_frame(snap);
    int rc = dg_rfm_compute(frame, NULL, map, &rfm, &err);
    if (rc == 0)
        rc = dg_loyalty_compute(frame, &rfm, &config, &loyalty, &err);
    if (rc == 0)
        rc = per_customer ? dg_loyalty_customer_table(frame, &loyalty, &table, &err)
                          : dg_loyalty_summary_table(frame, &loyalty, &table, &err);
    dg_loyalty_result_free(&loyalty);
    dg_rfm_result_free(&rfm);
    dg_rfm_segment_map_free(map);
    dg_snapshot_release(req, snap);
    reply_result_page(res, rc, table, &err, per_customer ? &page : NULL);
}
