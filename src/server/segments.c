/* GET /api/segments: the k-means segmentation of the snapshot's customers (as `dangol segment`):
 * ?view, ?k, ?k_max, ?seed, ?sample, ?restarts, ?features and ?as_of mirror the command's
 * options; view=customers is answered a page at a time. The segmentation is computed for each
 * request (it is not cached with the snapshot). */
#include <string.h>

#include "dangol/report.h"
#include "server/server.h"

void dg_api_segments(dg_request *req, dg_response *res)
{
    const char *view_name = dg_request_query(req, "view");
    dg_segment_view view = DG_SEGMENT_VIEW_PROFILES;
    dg_segment_options sopts;
    dg_segment_options_init(&sopts);
    dg_error err;
    dg_error_clear(&err);
    if (view_name && dg_segment_view_parse(view_name, &view, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s", err.message);
        return;
    }
    long long k = dg_request_query_count(req, res, "k", 0, DG_SEGMENT_K_MAX);
    long long k_max = k < 0 ? -1 : dg_request_query_count(req, res, "k_max", 10, DG_SEGMENT_K_MAX);
    long long seed = k_max < 0 ? -1 : dg_request_query_count(req, res, "seed", 1, INT64_MAX);
    long long sample = seed < 0 ? -1 : dg_request_query_count(req, res, "sample", 3000, 100000);
    long long restarts = sample < 0 ? -1 : dg_request_query_count(req, res, "restarts", 4, 100);
    if (restarts < 0)
        return;
    if (restarts == 0 || sample < 10 || k_max < 2) {
        dg_reply_error(res, 400, "invalid", "restarts must be at least 1, sample at least 10 "
                       "and k_max at least 2");
        return;
    }
    sopts.k = (size_t)k;
    sopts.k_max = (size_t)k_max;
    sopts.seed = (uint64_t)seed;
    sopts.sample = (size_t)sample;
    sopts.n_init = (int)restarts;
    sopts.features = dg_request_query(req, "features");
    bool per_customer = view == DG_SEGMENT_VIEW_CUSTOMERS;
    if (!per_customer && (dg_request_query(req, "offset") || dg_request_query(req, "limit"))) {
        dg_reply_error(res, 400, "invalid", "offset and limit page view=customers; view=%s is "
                       "answered whole", view_name ? view_name : "profiles");
        return;
    }
    dg_page page;
    if (!dg_request_page(req, res, &page))
        return;
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    dg_report report = { 0 };
    int rc = dg_report_segment(&report, req->store, dg_snapshot_frame(snap), view, &sopts,
                               &err);
    dg_snapshot_release(req, snap);
    dg_reply_report(res, rc, &report, &err, per_customer ? &page : NULL);
}
