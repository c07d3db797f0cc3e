/* Churn and stored-model routes: GET /api/models (the list), /api/models/{model_id} (one model),
 * /api/churn/report (validation, calibration, importance of a model), /api/churn/scores (the
 * snapshot's customers scored, riskiest first, a page at a time), /api/churn/distribution (how
 * those scores spread over bands of 5 points) and POST /api/churn/train
 * (body: the options of `dangol churn train`; Idempotency-Key as for points). Every table comes
 * from the report layer, as the CLI prints it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "server/server.h"

/* ?model: a stored model id (0 or absent: the latest); -1 after answering 400. */
static long long model_query(dg_request *req, dg_response *res)
{
    return dg_request_query_count(req, res, "model", 0, 9000000000000000LL);
}

void dg_api_models_list(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report(res, dg_report_model_list(&rep, req->store, &err), &rep, &err, NULL);
}

void dg_api_model_show(dg_request *req, dg_response *res)
{
    const char *text = req->params[0];
    char *end = NULL;
    long long id = strtoll(text, &end, 10);
    if (!*text || *end || id < 1) {
        dg_reply_error(res, 400, "invalid", "model id \"%s\" must be a whole number from 1",
                       text);
        return;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res, dg_report_model_show(&rep, req->store, id, &err), &rep, &err);
}

void dg_api_churn_report(dg_request *req, dg_response *res)
{
    long long id = model_query(req, res);
    if (id < 0)
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res, dg_report_churn(&rep, req->store, id, &err), &rep, &err);
}

/* The snapshot's customers scored by the model of ?model on the features of ?as_of: the scores a
 * page at a time, or their distribution. */
static void scores(dg_request *req, dg_response *res, bool distribution)
{
    long long id = model_query(req, res);
    int32_t as_of = DG_DAY_NONE;
    dg_page page;
    if (id < 0 || !dg_request_query_day(req, res, "as_of", &as_of) ||
        (!distribution && !dg_request_page(req, res, &page)))
        return;
    dg_snapshot_report job;
    const dg_frame *frame = dg_snapshot_report_begin(&job, req, res);
    if (!frame)
        return;
    int rc = distribution
        ? dg_report_churn_distribution(&job.report, req->store, frame, id, as_of, &job.err)
        : dg_report_churn_score(&job.report, req->store, frame, id, as_of, 0, &job.err);
    dg_snapshot_report_reply(&job, req, res, rc, distribution ? NULL : &page);
}

void dg_api_churn_scores(dg_request *req, dg_response *res)
{
    scores(req, res, false);
}

void dg_api_churn_distribution(dg_request *req, dg_response *res)
{
    scores(req, res, true);
}

/* Reads a number field within lo..hi (whole when integer) into *out (left as it is when absent);
 * false after answering 400. */
static bool number_field(json_t *body, const char *name, double lo, double hi, bool integer,
                         double *out, dg_response *res)
{
    json_t *v = json_object_get(body, name);
    if (!v || json_is_null(v))
        return true;
    double x = json_is_number(v) ? json_number_value(v) : NAN;
    if (!isfinite(x) || x < lo || x > hi || (integer && x != floor(x))) {
        dg_reply_error(res, 400, "invalid", "field \"%s\" must be %s from %g to %g", name,
                       integer ? "a whole number" : "a number", lo, hi);
        return false;
    }
    *out = x;
    return true;
}

/* The body's options; false after answering 400. */
static bool train_options(json_t *body, dg_churn_options *o, dg_response *res)
{
    dg_churn_params *p = &o->params;
    const char *as_of = NULL, *algorithm = NULL;
    double horizon = o->horizon_days, trees = p->trees, depth = p->depth, threads = p->threads,
           seed = (double)p->seed;
    dg_error err;
    dg_error_clear(&err);
    json_t *validate = json_object_get(body, "validate");
    if (!dg_json_text_field(body, "as_of", &as_of, res) ||
        !dg_json_text_field(body, "algorithm", &algorithm, res) ||
        !dg_json_text_field(body, "features", &o->features, res) ||
        !number_field(body, "horizon_days", 1, 3660, true, &horizon, res) ||
        !number_field(body, "trees", 1, 5000, true, &trees, res) ||
        !number_field(body, "depth", 1, 16, true, &depth, res) ||
        !number_field(body, "eta", 1e-6, 1, false, &p->eta, res) ||
        !number_field(body, "min_child_weight", 0, 1e6, false, &p->min_child_weight, res) ||
        !number_field(body, "subsample", 0.01, 1, false, &p->subsample, res) ||
        !number_field(body, "threads", 1, 2, true, &threads, res) ||
        !number_field(body, "seed", 0, 2147483646, true, &seed, res) ||
        !number_field(body, "cost", 1e-6, 1e6, false, &p->cost, res))
        return false;
    if (validate && !json_is_boolean(validate)) {
        dg_reply_error(res, 400, "invalid", "field \"validate\" must be true or false");
        return false;
    }
    if (as_of && dg_date_parse(as_of, strlen(as_of), &o->as_of, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "as_of: %s", err.message);
        return false;
    }
    if (algorithm && dg_churn_algorithm_parse(&p->algorithm, algorithm, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s", err.message);
        return false;
    }
    o->validate = !validate || json_is_true(validate);
    o->horizon_days = (int32_t)horizon;
    p->trees = (int)trees;
    p->depth = (int)depth;
    p->threads = (int)threads;
    p->seed = (uint64_t)seed;
    return true;
}

void dg_api_churn_train(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "as_of", "horizon_days", "algorithm", "features",
                                          "trees", "depth", "eta", "min_child_weight",
                                          "subsample", "threads", "seed", "cost", "validate",
                                          NULL };
    const char *key = NULL;
    if (!dg_request_idempotency_key(req, res, &key))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, DG_BODY_OPTIONAL);
    if (!body)
        return;
    dg_churn_options opt;
    dg_churn_options_init(&opt);
    if (!train_options(body, &opt, res)) {
        json_decref(body);
        return;
    }
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap) {
        json_decref(body);
        return;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_churn_saved saved;
    dg_churn_model *m = NULL;
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor audit;
    dg_request_audit_actor(req, &audit, address);
    int rc = dg_churn_train_save(&saved, &m, req->store, dg_snapshot_frame(snap), &opt,
                                 req->user ? req->user->name : "api", &audit, key, &err);
    dg_snapshot_release(req, snap);
    json_decref(body);
    if (rc != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    json_t *answer = json_pack("{s:I,s:b}", "model_id", (json_int_t)saved.model_id, "replayed",
                               saved.replayed);
    if (m && m->validated)
        json_object_set_new(answer, "validation_auc",
                            json_real(m->validation[m->params.algorithm].auc));
    dg_churn_model_free(m);
    dg_reply_json(res, 201, answer);
}

json_t *dg_api_churn_schema(const char *name)
{
    if (strcmp(name, DG_CHURN_TRAIN_SCHEMA) != 0)
        return NULL;
    return json_pack(
        "{s:s,s:b,s:{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:[s,s]},s:{s:s,s:s},s:{s:s},s:{s:s},"
        "s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s},s:{s:s},s:{s:s}}}",
        "type", "object", "additionalProperties", 0, "properties",
        "as_of", "type", "string", "description", "YYYY-MM-DD, the last labelled day (default: "
        "the last day in the store)",
        "horizon_days", "type", "integer", "description", "1-3660 (default 180)",
        "algorithm", "type", "string", "enum", "xgboost", "logistic",
        "features", "type", "string", "description", "comma-separated feature names (default: "
        "every feature that is not constant)",
        "trees", "type", "integer", "depth", "type", "integer", "eta", "type", "number",
        "min_child_weight", "type", "number", "subsample", "type", "number",
        "threads", "type", "integer", "description", "1 or 2",
        "seed", "type", "integer", "cost", "type", "number", "validate", "type", "boolean");
}
