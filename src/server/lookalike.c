/* Lookalike routes: GET /api/lookalike/report (the model's summary, the lift curve of the
 * held-out buyers, the attributes) and GET /api/lookalike/scores (the prospects, most alike
 * first, a page at a time). The best customers are the top tenth of the buyers by the snapshot's
 * cached CLV fit (the customer card's); every table comes from the report layer, as
 * `dangol lookalike` prints it. */
#include <stdbool.h>

#include "dangol/report.h"
#include "server/server.h"

typedef struct lookalike_job {
    dg_report *report;
    dg_lookalike_view view;
    bool ran;        /* run was called: the CLV fit succeeded */
} lookalike_job;

static int run(void *ctx, const dg_frame *frame, const dg_clv_report *fit, dg_error *err)
{
    lookalike_job *job = ctx;
    job->ran = true;
    dg_report_lookalike_options opt;
    dg_report_lookalike_options_init(&opt);
    opt.fit = fit;
    return dg_report_lookalike(job->report, frame, job->view, &opt, err);
}

static void lookalike(dg_request *req, dg_response *res, dg_lookalike_view view)
{
    dg_page page;
    if (view == DG_LOOKALIKE_VIEW_SCORES && !dg_request_page(req, res, &page))
        return;
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    lookalike_job job = { &rep, view, false };
    dg_clv_options clv;
    dg_report_card_clv_options(&clv);   /* the card's fit: one cached report serves all */
    int rc = dg_snapshot_clv(snap, &clv, run, &job, &err);
    if (rc != 0 && err.code != DG_ENOMEM && !job.ran) {
        /* no CLV fit (too few customers): the report ranks the buyers by spend, as it says */
        dg_error_clear(&err);
        dg_report_clear(&rep);
        rc = run(&job, dg_snapshot_frame(snap), NULL, &err);
    }
    dg_snapshot_release(req, snap);
    if (view == DG_LOOKALIKE_VIEW_SCORES)
        dg_reply_report(res, rc, &rep, &err, &page);
    else
        dg_reply_report_tables(res, rc, &rep, &err);
}

void dg_api_lookalike_report(dg_request *req, dg_response *res)
{
    lookalike(req, res, DG_LOOKALIKE_VIEW_REPORT);
}

void dg_api_lookalike_scores(dg_request *req, dg_response *res)
{
    lookalike(req, res, DG_LOOKALIKE_VIEW_SCORES);
}
