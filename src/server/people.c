/* Routes about people: the staff and sites report (as `dangol staff`) and the consultation
 * types (as `dangol types`), on the frame of the shared snapshot, or of the one as of ?as_of,
 * through the report layer's entries. */
#include <stdlib.h>
#include <string.h>

#include "dangol/report.h"
#include "server/server.h"

/* ?by=staff|site, ?rank=nps|csat|repeat|rating|revenue, ?repeat_days=N (1-3650), ?as_of. */
void dg_api_staff(dg_request *req, dg_response *res)
{
    const char *by = dg_request_query(req, "by"), *rank = dg_request_query(req, "rank");
    dg_staff_options sopts = { .by = DG_STAFF_BY_STAFF, .rank = DG_STAFF_RANK_NPS };
    dg_error err;
    dg_error_clear(&err);
    if ((by && dg_staff_by_parse(by, &sopts.by, &err) != 0) ||
        (rank && dg_staff_rank_parse(rank, &sopts.rank, &err) != 0)) {
        dg_reply_error(res, 400, "invalid", "%s", err.message);
        return;
    }
    long long days = dg_request_query_count(req, res, "repeat_days",
                                            DG_STAFF_DEFAULT_REPEAT_DAYS, 3650);
    if (days < 0)
        return;
    sopts.repeat_days = (int)days;
    dg_snapshot_report job;
    const dg_frame *frame = dg_snapshot_report_begin(&job, req, res);
    if (!frame)
        return;
    int rc = dg_report_staff(&job.report, frame, &sopts, &job.err);
    dg_snapshot_report_reply(&job, req, res, rc, NULL);
}

/* ?view=types (default: conversion, CSAT, spend and complaint rate per consultation type) |
 * suggestions (the built-in type-suggestion rules on the customers), ?as_of. */
void dg_api_types(dg_request *req, dg_response *res)
{
    const char *view = dg_request_query(req, "view");
    if (view && strcmp(view, "types") != 0 && strcmp(view, "suggestions") != 0) {
        dg_reply_error(res, 400, "invalid", "view \"%s\" is not one of: types, suggestions",
                       view);
        return;
    }
    dg_report_types_options topts = { .suggestions = view && strcmp(view, "suggestions") == 0 };
    dg_snapshot_report job;
    const dg_frame *frame = dg_snapshot_report_begin(&job, req, res);
    if (!frame)
        return;
    int rc = dg_report_types(&job.report, frame, &topts, &job.err);
    dg_snapshot_report_reply(&job, req, res, rc, NULL);
}
