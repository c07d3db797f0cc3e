/* MOT routes (docs/mot.md): the report views of the moments of truth (the report layer's
 * tables, as `dangol mot` prints them) and the write of one visit with its ratings. The body of
 * a write is {visit_id, customer_id, visited_on, nps, staff_id, ratings: {MOMENT: SCORE, ...}}
 * with moments by code or English or Korean name; the visit and its ratings are written in one
 * transaction; an Idempotency-Key header makes a retried request answer the first one's result
 * without writing again. A visit recorded twice or a key reused for another request answer 409.
 * The cycle is the server's (dangol serve --mot-cycle FILE) or the built-in one. */
#include <stdio.h>
#include <string.h>

#include "dangol/mot.h"
#include "dangol/text.h"
#include "server/server.h"

static const dg_mot_cycle *cycle_of(const dg_request *req, dg_mot_cycle *builtin)
{
    if (req->options->mot_cycle)
        return req->options->mot_cycle;
    dg_mot_cycle_default(builtin);
    return builtin;
}

static void report(dg_request *req, dg_response *res, dg_mot_view view)
{
    int32_t as_of = DG_DAY_NONE;
    long long top = view == DG_MOT_VIEW_VISITS
                        ? dg_request_query_count(req, res, "top", 20, DG_PAGE_MAX) : 0;
    if (top < 0 || !dg_request_query_day(req, res, "as_of", &as_of))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_mot_cycle builtin;
    dg_reply_report_tables(res,
                           dg_report_mot_store(&rep, req->store, cycle_of(req, &builtin), view,
                                               as_of, (size_t)top, &err),
                           &rep, &err);
}

void dg_api_mot_cycle(dg_request *req, dg_response *res) { report(req, res, DG_MOT_VIEW_CYCLE); }
void dg_api_mot_score(dg_request *req, dg_response *res) { report(req, res, DG_MOT_VIEW_SCORE); }
void dg_api_mot_weakest(dg_request *req, dg_response *res)
{
    report(req, res, DG_MOT_VIEW_WEAKEST);
}
void dg_api_mot_visits(dg_request *req, dg_response *res) { report(req, res, DG_MOT_VIEW_VISITS); }
void dg_api_mot_drivers(dg_request *req, dg_response *res)
{
    report(req, res, DG_MOT_VIEW_DRIVERS);
}

/* A whole number member within lo..hi, or -1 when absent and optional; false with a 400. */
static bool small_int(json_t *body, const char *name, int lo, int hi, bool required, int *out,
                      dg_response *res)
{
    json_t *v = json_object_get(body, name);
    *out = -1;
    if (!v || json_is_null(v)) {
        if (required)
            dg_reply_error(res, 400, "invalid", "field \"%s\" is required", name);
        return !required;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        dg_reply_error(res, 400, "invalid", "field \"%s\" must be a whole number %d-%d", name, lo,
                       hi);
        return false;
    }
    *out = (int)json_integer_value(v);
    return true;
}

/* The ratings object {MOMENT: SCORE, ...} into ratings; false with a 400. */
static bool ratings_field(json_t *body, dg_mot_rating_in *ratings, size_t *n, dg_response *res)
{
    json_t *obj = json_object_get(body, "ratings");
    *n = 0;
    if (!json_is_object(obj) || json_object_size(obj) == 0) {
        dg_reply_error(res, 400, "invalid", "field \"ratings\" must be an object of MOMENT: "
                       "SCORE, at least one");
        return false;
    }
    if (json_object_size(obj) > DG_MOT_MAX_MOMENTS) {
        dg_reply_error(res, 400, "invalid", "more than %d ratings", DG_MOT_MAX_MOMENTS);
        return false;
    }
    const char *moment;
    json_t *score;
    json_object_foreach(obj, moment, score) {
        if (!json_is_integer(score) || json_integer_value(score) < 0 ||
            json_integer_value(score) > DG_MOT_SCALE_LIMIT) {
            dg_reply_error(res, 400, "invalid", "ratings.%s must be a whole number 0-%d", moment,
                           DG_MOT_SCALE_LIMIT);
            return false;
        }
        ratings[(*n)++] = (dg_mot_rating_in){ moment, (int32_t)json_integer_value(score) };
    }
    return true;
}

void dg_api_mot_record(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "visit_id", "customer_id", "visited_on", "nps",
                                          "staff_id", "ratings", NULL };
    const char *key;
    if (!dg_request_idempotency_key(req, res, &key))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_mot_rating_in ratings[DG_MOT_MAX_MOMENTS];
    dg_mot_visit_request r = { .visited_on = DG_MOT_TODAY, .ratings = ratings,
                               .idempotency_key = key };
    const char *date = NULL;
    bool ok = dg_json_text_field(body, "visit_id", &r.visit_id, res) &&
              dg_json_text_field(body, "customer_id", &r.customer_id, res) &&
              dg_json_text_field(body, "staff_id", &r.staff_id, res) &&
              dg_json_text_field(body, "visited_on", &date, res) &&
              small_int(body, "nps", 0, 10, false, &r.nps, res) &&
              ratings_field(body, ratings, &r.n_ratings, res);
    if (ok && date && dg_date_parse(date, strlen(date), &r.visited_on, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "visited_on: %s", err.message);
        ok = false;
    }
    if (!ok) {
        json_decref(body);
        return;
    }
    dg_mot_cycle builtin;
    dg_mot_visit_result result;
    int rc = dg_mot_visit_record(&result, req->store, cycle_of(req, &builtin), &r, &err);
    json_decref(body);
    if (rc != 0)
        dg_reply_failure(res, &err);
    else
        dg_reply_json(res, 201, json_pack("{s:s,s:I,s:b}", "visit_id", result.visit_id,
                                          "ratings", (json_int_t)result.n_ratings, "replayed",
                                          result.replayed));
}

json_t *dg_api_mot_visit_schema(void)
{
    return json_pack(
        "{s:s,s:b,s:[s,s,s],s:{s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:s,s:i,s:i},s:{s:s},"
        "s:{s:s,s:s,s:{s:s,s:i,s:i}}}}", "type", "object", "additionalProperties", 0,
        "required", "visit_id", "customer_id", "ratings", "properties",
        "visit_id", "type", "string", "customer_id", "type", "string",
        "visited_on", "type", "string", "description", "YYYY-MM-DD (default: today, UTC)",
        "nps", "type", "integer", "minimum", 0, "maximum", 10,
        "staff_id", "type", "string",
        "ratings", "type", "object", "description", "MOMENT: SCORE, a moment of the cycle by its "
        "code or English or Korean name, the score on that moment's scale",
        "additionalProperties", "type", "integer", "minimum", 0, "maximum", DG_MOT_SCALE_LIMIT);
}
