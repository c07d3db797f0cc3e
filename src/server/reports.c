/* Analysis routes: each takes the frame of the store (the shared snapshot, or the one as of
 * ?as_of, kept for the next requests of that day), calls the report layer's entry (dangol/report.h) — the call the CLI command makes —
 * and sends its result table. Query arguments mirror the command's options. */
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "dangol/kpi.h"
#include "dangol/report.h"
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

void dg_reply_report(dg_response *res, int rc, dg_report *report, const dg_error *err,
                     const dg_page *page)
{
    dg_table *table = NULL;
    if (rc == 0 && report->n_tables > 0) {
        table = report->tables[0];
        report->tables[0] = NULL;
    }
    dg_report_clear(report);
    reply_result_page(res, rc, table, err, page);
}

void dg_reply_report_tables(dg_response *res, int rc, dg_report *report, const dg_error *err)
{
    if (rc != 0)
        dg_reply_failure(res, err);
    else if (report->n_tables == 1)
        dg_reply_table(res, report->tables[0]);
    else
        dg_reply_tables(res, report->tables, report->n_tables);
    dg_report_clear(report);
}


const dg_frame *dg_snapshot_report_begin(dg_snapshot_report *job, dg_request *req,
                                         dg_response *res)
{
    memset(job, 0, sizeof *job);
    job->snapshot = dg_snapshot_get(req, res);
    return job->snapshot ? dg_snapshot_frame(job->snapshot) : NULL;
}

void dg_snapshot_report_reply(dg_snapshot_report *job, dg_request *req, dg_response *res,
                              int rc, const dg_page *page)
{
    dg_snapshot_release(req, job->snapshot);
    job->snapshot = NULL;
    dg_reply_report(res, rc, &job->report, &job->err, page);
}

void dg_api_kpi(dg_request *req, dg_response *res)
{
    long long months = dg_request_query_count(req, res, "months", 12, DG_KPI_MONTHS_MAX);
    if (months < 0)
        return;
    dg_snapshot_report job;
    const dg_frame *frame = dg_snapshot_report_begin(&job, req, res);
    if (!frame)
        return;
    int rc = dg_report_kpi(&job.report, frame, (int)months, &job.err);
    dg_snapshot_report_reply(&job, req, res, rc, NULL);
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
 * snapshot's cube; with it, on the cube of the snapshot as of that day, whose frame holds
 * what dg_report_query (the CLI's call) builds for it. */
void dg_api_cube(dg_request *req, dg_response *res)
{
    const char *params[2 * DG_ROUTE_MAX_QUERY + 1];
    query_pairs(req, params);
    dg_snapshot_report job;
    if (!dg_snapshot_report_begin(&job, req, res))
        return;
    const dg_cube *cube = dg_snapshot_cube(req, job.snapshot, &job.err);
    int rc = cube ? dg_report_cube(&job.report, cube, params, &job.err) : job.err.code;
    dg_snapshot_report_reply(&job, req, res, rc, NULL);
}

/* ?view=segments (default) | bins | grid | customers (a page: ?offset, ?limit), ?monetary=total |
 * mean (as `dangol rfm`). */
void dg_api_rfm(dg_request *req, dg_response *res)
{
    const char *view = dg_request_query(req, "view"), *monetary = dg_request_query(req, "monetary");
    dg_report_rfm_options ropts = { .view = DG_RFM_VIEW_SEGMENTS };
    dg_error err;
    dg_error_clear(&err);
    if (view && dg_rfm_view_parse(view, &ropts.view, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s", err.message);
        return;
    }
    if (monetary && strcmp(monetary, "total") && strcmp(monetary, "mean")) {
        dg_reply_error(res, 400, "invalid", "monetary \"%s\" is not one of: total, mean",
                       monetary);
        return;
    }
    ropts.monetary_mean = monetary && strcmp(monetary, "mean") == 0;
    bool per_customer = ropts.view == DG_RFM_VIEW_CUSTOMERS;
    dg_page page;
    if (!customer_page(req, res, view ? view : "segments", per_customer, &page))
        return;
    dg_snapshot_report job;
    const dg_frame *frame = dg_snapshot_report_begin(&job, req, res);
    if (!frame)
        return;
    int rc = dg_report_rfm(&job.report, frame, &ropts, &job.err);
    dg_snapshot_report_reply(&job, req, res, rc, per_customer ? &page : NULL);
}

/* A stage view of the snapshot: at ?at (counts, funnel) or ?from&to (migration, history;
 * default: a year before to, and the as-of day), as `dangol stage`. */
static void stage_view(dg_request *req, dg_response *res, dg_stage_view view)
{
    dg_report_stage_options sopts = { .view = view, .at = DG_DAY_NONE, .from = DG_DAY_NONE };
    bool between = view == DG_STAGE_VIEW_MIGRATION || view == DG_STAGE_VIEW_HISTORY;
    if (between ? !dg_request_query_day(req, res, "from", &sopts.from) || !dg_request_query_day(req, res, "to", &sopts.at)
                : !dg_request_query_day(req, res, "at", &sopts.at))
        return;
    dg_snapshot_report job;
    const dg_frame *frame = dg_snapshot_report_begin(&job, req, res);
    if (!frame)
        return;
    int rc = dg_report_stage(&job.report, frame, &sopts, &job.err);
    dg_snapshot_report_reply(&job, req, res, rc, NULL);
}

void dg_api_stages(dg_request *req, dg_response *res)
{
    stage_view(req, res, DG_STAGE_VIEW_COUNTS);
}

void dg_api_stages_funnel(dg_request *req, dg_response *res)
{
    stage_view(req, res, DG_STAGE_VIEW_FUNNEL);
}

void dg_api_stages_migration(dg_request *req, dg_response *res)
{
    stage_view(req, res, DG_STAGE_VIEW_MIGRATION);
}

void dg_api_stages_history(dg_request *req, dg_response *res)
{
    stage_view(req, res, DG_STAGE_VIEW_HISTORY);
}

/* ?by&measure&periods&as_of (as `dangol cohort`), on the frame of the shared snapshot, or of the
 * one as of as_of: the frame dg_report_query (the CLI's call) builds, with order lines. */
void dg_api_cohorts(dg_request *req, dg_response *res)
{
    const char *params[2 * DG_ROUTE_MAX_QUERY + 1];
    query_pairs(req, params);
    dg_snapshot_report job;
    const dg_frame *frame = dg_snapshot_report_begin(&job, req, res);
    if (!frame)
        return;
    int rc = dg_report_cohort(&job.report, frame, params, &job.err);
    dg_snapshot_report_reply(&job, req, res, rc, NULL);
}

typedef struct clv_view {
    dg_clv_view view;
    size_t top;
    dg_report report;
} clv_view;

static int clv_table(void *ctx, const dg_frame *frame, const dg_clv_report *fit, dg_error *err)
{
    clv_view *v = ctx;
    return dg_report_clv(&v->report, frame, fit, v->view, v->top, err);
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
    dg_report_card_clv_options(&opt);   /* the card's fit: one cached report serves both */
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
    clv_view v = { .view = strcmp(view, "top") == 0 ? DG_CLV_VIEW_TOP
                           : strcmp(view, "value") == 0 ? DG_CLV_VIEW_VALUE : DG_CLV_VIEW_P_ALIVE,
                   .top = (size_t)top };
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_snapshot_clv(snap, &opt, clv_table, &v, &err);
    dg_snapshot_release(req, snap);
    dg_reply_report(res, rc, &v.report, &err, NULL);
}

/* Behavioural and attitudinal loyalty with the loyalty index (as `dangol loyalty`): ?view=summary
 * (default: the measures with n and 95% intervals) | customers (one row per customer, a page:
 * ?offset, ?limit) | segments (NPS and CSAT per RFM segment) | stages (NPS and CSAT per
 * behavioural stage, before advocacy), ?as_of.
 * The default loyalty weights and RFM segments apply. */
void dg_api_loyalty(dg_request *req, dg_response *res)
{
    const char *view = dg_request_query(req, "view");
    if (!view)
        view = "summary";
    static const char *const views[] = { "summary", "segments", "stages", "customers" };
    static const dg_loyalty_view view_of[] = { DG_LOYALTY_VIEW_SUMMARY, DG_LOYALTY_VIEW_SEGMENTS,
                                               DG_LOYALTY_VIEW_STAGES, DG_LOYALTY_VIEW_CUSTOMERS };
    size_t v = 0;
    while (v < 4 && strcmp(view, views[v]) != 0)
        v++;
    if (v == 4) {
        dg_reply_error(res, 400, "invalid",
                       "view \"%s\" is not one of: summary, segments, stages, customers", view);
        return;
    }
    bool per_customer = v == 3;
    dg_page page;
    if (!customer_page(req, res, view, per_customer, &page))
        return;
    dg_report_loyalty_options lopts = { .view = view_of[v] };
    dg_snapshot_report job;
    const dg_frame *frame = dg_snapshot_report_begin(&job, req, res);
    if (!frame)
        return;
    int rc = dg_report_loyalty(&job.report, frame, &lopts, &job.err);
    dg_snapshot_report_reply(&job, req, res, rc, per_customer ? &page : NULL);
}
