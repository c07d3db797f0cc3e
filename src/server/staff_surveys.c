/* Staff routes of the service-profit chain (docs/staff.md): the chain report (as `dangol staff
 * chain`, on the shared snapshot's frame and the store's staff surveys) and the write of one
 * staff satisfaction survey response {response_id, site, staff_id, answered_on, scale_min,
 * scale_max, answers: {ITEM: SCORE}} in one transaction; a response recorded already is 409. */
#include <string.h>

#include "dangol/report.h"
#include "dangol/staff_survey.h"
#include "dangol/text.h"
#include "server/server.h"

/* ?as_of, ?repeat_days=N (1-3650), ?min_responses=N (1-100000). */
void dg_api_staff_chain(dg_request *req, dg_response *res)
{
    long long days = dg_request_query_count(req, res, "repeat_days",
                                            DG_STAFF_DEFAULT_REPEAT_DAYS, 3650);
    long long min = days < 0 ? -1
                  : dg_request_query_count(req, res, "min_responses",
                                           DG_STAFF_CHAIN_DEFAULT_MIN_RESPONSES, 100000);
    if (min < 0)
        return;
    if (min == 0) {
        dg_reply_error(res, 400, "invalid", "min_responses must be a whole number 1-100000");
        return;
    }
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    dg_report report = { 0 };
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_report_staff_chain(&report, dg_snapshot_frame(snap), req->store, (int)days,
                                   (int)min, &err);
    dg_snapshot_release(req, snap);
    dg_reply_report_tables(res, rc, &report, &err);
}

/* A whole number member within lo..hi into *out; false with a 400. */
static bool whole(json_t *body, const char *name, int lo, int hi, int *out, dg_response *res)
{
    json_t *v = json_object_get(body, name);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        dg_reply_error(res, 400, "invalid", "field \"%s\" must be a whole number %d-%d", name,
                       lo, hi);
        return false;
    }
    *out = (int)json_integer_value(v);
    return true;
}

/* The answers object {ITEM: SCORE, ...}; scores are checked against the scale by the service. */
static bool answers_field(json_t *body, dg_staff_survey_answer *answers, size_t *n,
                          dg_response *res)
{
    json_t *obj = json_object_get(body, "answers");
    *n = 0;
    if (!json_is_object(obj) || json_object_size(obj) == 0 ||
        json_object_size(obj) > DG_STAFF_SURVEY_MAX_ITEMS) {
        dg_reply_error(res, 400, "invalid", "field \"answers\" must be an object of ITEM: SCORE, "
                       "1 to %d of them", DG_STAFF_SURVEY_MAX_ITEMS);
        return false;
    }
    const char *item;
    json_t *score;
    json_object_foreach(obj, item, score) {
        if (!json_is_integer(score) || json_integer_value(score) < 0 ||
            json_integer_value(score) > DG_STAFF_SURVEY_SCALE_LIMIT) {
            dg_reply_error(res, 400, "invalid", "answers.%s must be a whole number on the scale "
                           "(at most 0-%d)", item, DG_STAFF_SURVEY_SCALE_LIMIT);
            return false;
        }
        answers[(*n)++] = (dg_staff_survey_answer){ item, (int)json_integer_value(score) };
    }
    return true;
}

void dg_api_staff_survey_record(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "response_id", "site", "staff_id", "answered_on",
                                          "scale_min", "scale_max", "answers", NULL };
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    dg_staff_survey_answer answers[DG_STAFF_SURVEY_MAX_ITEMS];
    dg_staff_survey_request r = { .answers = answers, .answered_on = DG_DAY_NONE };
    const char *date = NULL;
    dg_error err;
    dg_error_clear(&err);
    bool ok = dg_json_text_field(body, "response_id", &r.response_id, res) &&
              dg_json_text_field(body, "site", &r.site, res) &&
              dg_json_text_field(body, "staff_id", &r.staff_id, res) &&
              dg_json_text_field(body, "answered_on", &date, res) &&
              whole(body, "scale_min", 0, 1, &r.scale_min, res) &&
              whole(body, "scale_max", 2, DG_STAFF_SURVEY_SCALE_LIMIT, &r.scale_max, res) &&
              answers_field(body, answers, &r.n_answers, res);
    if (ok && (!date || dg_date_parse(date, strlen(date), &r.answered_on, &err) != 0)) {
        dg_reply_error(res, 400, "invalid", "answered_on: %s",
                       date ? err.message : "a date YYYY-MM-DD is required");
        ok = false;
    }
    int rc = ok ? dg_staff_survey_record(req->store, &r, &err) : 0;
    if (ok && rc != 0)
        dg_reply_failure(res, &err);
    else if (ok)
        dg_reply_json(res, 201, json_pack("{s:s,s:I}", "response_id", r.response_id, "answers",
                                          (json_int_t)r.n_answers));
    json_decref(body);
}

json_t *dg_api_staff_survey_schema(void)
{
    return json_pack(
        "{s:s,s:b,s:[s,s,s,s,s,s],s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:s},"
        "s:{s:s,s:i,s:i},s:{s:s,s:i,s:i},s:{s:s,s:s,s:{s:s,s:i,s:i}}}}", "type", "object",
        "additionalProperties", 0, "required", "response_id", "site", "answered_on",
        "scale_min", "scale_max", "answers", "properties",
        "response_id", "type", "string", "site", "type", "string",
        "staff_id", "type", "string",
        "answered_on", "type", "string", "description", "YYYY-MM-DD",
        "scale_min", "type", "integer", "minimum", 0, "maximum", 1,
        "scale_max", "type", "integer", "minimum", 2, "maximum", DG_STAFF_SURVEY_SCALE_LIMIT,
        "answers", "type", "object", "description", "ITEM: SCORE, every score on "
        "scale_min..scale_max", "additionalProperties", "type", "integer", "minimum", 0,
        "maximum", DG_STAFF_SURVEY_SCALE_LIMIT);
}
