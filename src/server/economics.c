/* Economics routes (docs/economics.md): GET /api/economics/cac, /clv-cac, /profit and
 * /retention, the tables of `dangol economics VIEW` from the report layer (dg_report_economics)
 * on the request's snapshot frame and its cached CLV fit (the card's, as /api/clv). The economics
 * settings are the server's (--economics-config), the point value its points rules'. */
#include <string.h>

#include "dangol/points.h"
#include "dangol/report.h"
#include "server/server.h"

typedef struct economics_call {
    dg_store *store;
    dg_report_economics_options opt;
    dg_report report;
} economics_call;

static int run_report(void *ctx, const dg_frame *frame, const dg_clv_report *fit, dg_error *err)
{
    economics_call *c = ctx;
    return dg_report_economics(&c->report, c->store, frame, fit, &c->opt, err);
}

static void economics(dg_request *req, dg_response *res, dg_economics_view view)
{
    economics_call c = { .store = req->store };
    c.opt.view = view;
    c.opt.config = req->options->economics;
    dg_points_rules builtin;
    dg_points_rules_default(&builtin);
    c.opt.point_value_minor = req->options->points_rules
                                  ? req->options->points_rules->point_value_minor
                                  : builtin.point_value_minor;
    if (view == DG_ECONOMICS_VIEW_PROFIT) {
        long long top = dg_request_query_count(req, res, "top", 20, 100000000);
        if (top < 0)
            return;
        c.opt.top = (size_t)top;
    }
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    dg_error err;
    dg_error_clear(&err);
    int rc;
    if (view == DG_ECONOMICS_VIEW_CAC || view == DG_ECONOMICS_VIEW_RETENTION) {
        rc = dg_report_economics(&c.report, c.store, dg_snapshot_frame(snap), NULL, &c.opt, &err);
    } else {
        dg_clv_options clv;
        dg_report_card_clv_options(&clv);   /* the card's fit: one cached report serves all */
        rc = dg_snapshot_clv(snap, &clv, run_report, &c, &err);
        if (rc != 0 && err.code != DG_ENOMEM && c.report.n_tables == 0) {
            /* too few customers to fit: the tables without their CLV columns */
            dg_error_clear(&err);
            rc = dg_report_economics(&c.report, c.store, dg_snapshot_frame(snap), NULL, &c.opt,
                                     &err);
        }
    }
    dg_snapshot_release(req, snap);
    dg_reply_report_tables(res, rc, &c.report, &err);
}

void dg_api_economics_cac(dg_request *req, dg_response *res)
{
    economics(req, res, DG_ECONOMICS_VIEW_CAC);
}

void dg_api_economics_clv_cac(dg_request *req, dg_response *res)
{
    economics(req, res, DG_ECONOMICS_VIEW_CHANNELS);
}

void dg_api_economics_profit(dg_request *req, dg_response *res)
{
    economics(req, res, DG_ECONOMICS_VIEW_PROFIT);
}

void dg_api_economics_retention(dg_request *req, dg_response *res)
{
    economics(req, res, DG_ECONOMICS_VIEW_RETENTION);
}
