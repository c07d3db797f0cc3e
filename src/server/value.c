/* Customer value survey routes: the reports of `dangol value` (items, scores, reliability,
 * drivers, grid) through dg_report_value on the shared snapshot's frame when the view needs
 * one, and the write of one response (body {response_id, customer_id, answered_on,
 * answers: {item: answer, ...}}; Idempotency-Key as for points) through dg_cvalue_record. The
 * survey is the store's (`dangol value survey FILE`), else the built-in one. */
#include <stdlib.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/cvalue_io.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "server/server.h"

static void report(dg_request *req, dg_response *res, dg_report_value_view view)
{
    dg_report_value_options opt = { .view = view, .as_of = DG_DAY_NONE };
    dg_error err;
    dg_error_clear(&err);
    const char *by = dg_request_query(req, "by");
    if (by && dg_report_value_by_parse(by, &opt.by, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "by: %s", err.message);
        return;
    }
    opt.outcome = dg_request_query(req, "outcome");
    opt.customer_id = dg_request_query(req, "customer_id");
    long long window = dg_request_query_count(req, res, "window_days", 180, 3660);
    if (window < 0)
        return;
    opt.window_days = (int)window;
    if (!dg_request_query_day(req, res, "as_of", &opt.as_of))
        return;
    dg_snapshot *snap = NULL;
    if (dg_report_value_needs_frame(&opt) && !(snap = dg_snapshot_get(req, res)))
        return;
    dg_report rep = { 0 };
    int rc = dg_report_value(&rep, req->store, snap ? dg_snapshot_frame(snap) : NULL, &opt,
                             &err);
    dg_snapshot_release(req, snap);
    dg_reply_report(res, rc, &rep, &err, NULL);
}

void dg_api_value_items(dg_request *req, dg_response *res)
{
    report(req, res, DG_REPORT_VALUE_ITEMS);
}

void dg_api_value_scores(dg_request *req, dg_response *res)
{
    report(req, res, DG_REPORT_VALUE_SCORES);
}

void dg_api_value_reliability(dg_request *req, dg_response *res)
{
    report(req, res, DG_REPORT_VALUE_RELIABILITY);
}

void dg_api_value_drivers(dg_request *req, dg_response *res)
{
    report(req, res, DG_REPORT_VALUE_DRIVERS);
}

void dg_api_value_grid(dg_request *req, dg_response *res)
{
    report(req, res, DG_REPORT_VALUE_GRID);
}

/* answers: an object of item code -> whole number */
static bool answers_field(json_t *body, dg_cvalue_answer_in *out, size_t *n, dg_response *res)
{
    json_t *obj = json_object_get(body, "answers");
    *n = 0;
    if (!obj || !json_is_object(obj) || json_object_size(obj) == 0) {
        dg_reply_error(res, 400, "invalid", "field \"answers\" must be an object of item code "
                       "to answer, with at least one answer");
        return false;
    }
    if (json_object_size(obj) > DG_CVALUE_MAX_ITEMS) {
        dg_reply_error(res, 400, "invalid", "answers: more than %d items", DG_CVALUE_MAX_ITEMS);
        return false;
    }
    const char *item;
    json_t *v;
    json_object_foreach(obj, item, v) {
        double d = json_is_number(v) ? json_number_value(v) : 0.5;
        if (!(d >= -1000 && d <= 1000) || d != (double)(int)d) {
            dg_reply_error(res, 400, "invalid", "answers: %s must be a whole number", item);
            return false;
        }
        out[*n].item = item;
        out[*n].answer = (int)d;
        (*n)++;
    }
    return true;
}

void dg_api_value_record(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "response_id", "customer_id", "answered_on", "answers",
                                          NULL };
    dg_cvalue_request r = { .day = DG_DAY_NONE };
    if (!dg_request_idempotency_key(req, res, &r.idempotency_key))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, DG_BODY_REALS);
    if (!body)
        return;
    const char *day = NULL;
    dg_cvalue_answer_in answers[DG_CVALUE_MAX_ITEMS];
    dg_error err;
    dg_error_clear(&err);
    bool ok = dg_json_text_field(body, "response_id", &r.response_id, res) &&
              dg_json_text_field(body, "customer_id", &r.customer_id, res) &&
              dg_json_text_field(body, "answered_on", &day, res) &&
              answers_field(body, answers, &r.n_answers, res);
    if (ok && (!day || dg_date_parse(day, strlen(day), &r.day, &err) != 0)) {
        dg_reply_error(res, 400, "invalid", "answered_on: %s", day ? err.message
                       : "required, YYYY-MM-DD");
        ok = false;
    }
    r.answers = answers;
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor actor;
    dg_request_audit_actor(req, &actor, address);
    r.audit = &actor;   /* the write and its audit entry commit together */
    dg_cvalue_survey *survey = ok ? malloc(sizeof *survey) : NULL;
    int rc = 0;
    dg_cvalue_result result;
    if (ok) {
        rc = survey ? dg_cvalue_survey_current(survey, req->store, NULL, &err)
                    : dg_error_set(&err, DG_ENOMEM, "out of memory");
        if (rc == 0)
            rc = dg_cvalue_record(&result, req->store, survey, &r, &err);
    }
    free(survey);
    json_decref(body);
    if (!ok)
        return;
    if (rc != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    dg_reply_json(res, 201, json_pack("{s:s,s:I,s:b}", "response_id", result.response_id,
                                      "answers", (json_int_t)result.answers, "replayed",
                                      result.replayed));
}
