/* Campaign routes: the list, one campaign, its results and its send list (as `dangol campaign`
 * prints them), and the writes create and launch. A write's body is a JSON object of the fields
 * below, checked with the CLI's parsers; an Idempotency-Key header makes a retried request
 * answer the first one's result. A second launch (also one that lost a race) answers 409. The
 * launch and its campaign.launch audit entry commit together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/campaign.h"
#include "dangol/mask.h"
#include "dangol/points.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "server/server.h"

void dg_api_campaigns_list(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res, dg_report_campaign_list(&rep, req->store, &err), &rep, &err);
}

void dg_api_customer_campaigns(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    bool whole = !(req->user && dg_mask_applies(req->user->role));
    dg_reply_report_tables(res, dg_report_campaign_customer(&rep, req->store, req->params[0],
                                                            whole, &err), &rep, &err);
}

void dg_api_campaign_show(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res, dg_report_campaign_show(&rep, req->store, req->params[0], &err),
                           &rep, &err);
}

void dg_api_campaign_results(dg_request *req, dg_response *res)
{
    dg_snapshot *snapshot = dg_snapshot_get(req, res);
    if (!snapshot)
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = dg_report_campaign_results(&rep, req->store, dg_snapshot_frame(snapshot),
                                        req->params[0], NULL, &err);
    dg_snapshot_release(req, snapshot);
    dg_reply_report_tables(res, rc, &rep, &err);
}

/* Contacts leave the store: a manager's route, with an export entry and its reason. */
void dg_api_campaign_send_list(dg_request *req, dg_response *res)
{
    int32_t day = DG_CAMPAIGN_TODAY;
    if (!dg_request_query_day(req, res, "as_of", &day))
        return;
    const char *reason = dg_request_query(req, "reason");
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int64_t left_out = 0;
    int rc = dg_report_campaign_send_list(&rep, req->store, req->params[0],
                                          dg_request_query(req, "channel"), day, &left_out, &err);
    if (rc == 0) {
        char detail[160];
        snprintf(detail, sizeof detail, "{\"route\":\"GET send-list\",\"rows\":%zu,"
                 "\"left_out\":%lld}", dg_table_rows(rep.tables[0]), (long long)left_out);
        rc = dg_request_audit(req, DG_AUDIT_EXPORT, NULL, 0,
                              reason && *reason ? reason : "campaign send list", detail, &err);
    }
    dg_reply_report_tables(res, rc, &rep, &err);
}

/* A number member as written (or a string), into text: 0 absent, 1 there, -1 (400 answered). */
static int number_text(const dg_request *req, json_t *body, const char *name, char *text,
                       size_t cap, dg_response *res)
{
    json_t *v = json_object_get(body, name);
    const char *num;
    size_t len;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v) && strlen(json_string_value(v)) < cap) {
        snprintf(text, cap, "%s", json_string_value(v));
        return 1;
    }
    if (!json_is_number(v) || !dg_json_number_text(req->body, req->body_len, name, &num, &len) ||
        len >= cap) {
        dg_reply_error(res, 400, "invalid", "field \"%s\" must be a number", name);
        return -1;
    }
    snprintf(text, cap, "%.*s", (int)len, num);
    return 1;
}

/* A whole number member from lo to hi; true when absent or good. */
static bool count_field(const dg_request *req, json_t *body, const char *name, long long lo,
                        long long hi, long long *out, dg_response *res)
{
    char text[64], *end;
    int there = number_text(req, body, name, text, sizeof text, res);
    if (there <= 0)
        return there == 0;
    long long v = strtoll(text, &end, 10);
    if (!text[0] || *end || v < lo || v > hi) {
        dg_reply_error(res, 400, "invalid", "%s \"%s\": expected a whole number from %lld to "
                       "%lld", name, text, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

static void write_of(dg_request *req, dg_campaign_write *w, dg_audit_actor *actor,
                     char address[DG_ADDRESS_TEXT_MAX])
{
    w->actor = req->user ? req->user->name : "api";
    dg_request_audit_actor(req, actor, address);
    w->audit = actor;
}

void dg_api_campaign_create(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "campaign_id", "name", "audience", "control_share",
                                          "seed", "coupon", "points", "channel", "window_days",
                                          NULL };
    dg_campaign_write w = { 0 };
    if (!dg_request_idempotency_key(req, res, &w.idempotency_key))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, DG_BODY_REALS);
    if (!body)
        return;
    dg_campaign c = { .control_share_bp = 1000, .seed = 1, .window_days = 30 };
    char share[64];
    long long seed = 1, points = 0, window = 30;
    int share_there = 0;
    dg_error err;
    dg_error_clear(&err);
    bool ok = dg_json_text_field(body, "campaign_id", &c.campaign_id, res) &&
              dg_json_text_field(body, "name", &c.name, res) &&
              dg_json_text_field(body, "audience", &c.audience, res) &&
              dg_json_text_field(body, "coupon", &c.coupon_definition, res) &&
              dg_json_text_field(body, "channel", &c.channel, res) &&
              (share_there = number_text(req, body, "control_share", share, sizeof share,
                                         res)) >= 0 &&
              count_field(req, body, "seed", 0, 9007199254740991LL, &seed, res) &&
              count_field(req, body, "points", 1, DG_POINTS_MAX_AMOUNT, &points, res) &&
              count_field(req, body, "window_days", 1, DG_CAMPAIGN_MAX_WINDOW, &window, res);
    if (ok && share_there == 1 && dg_campaign_share_parse(share, &c.control_share_bp, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "control_share: %s", err.message);
        ok = false;
    }
    if (ok && c.coupon_definition && points) {
        dg_reply_error(res, 400, "invalid", "the offer is \"coupon\" or \"points\", not both");
        ok = false;
    }
    if (ok && !c.campaign_id) {
        dg_reply_error(res, 400, "invalid", "field \"campaign_id\" is required");
        ok = false;
    }
    if (ok) {
        c.seed = (uint64_t)seed;
        c.window_days = (int32_t)window;
        c.offer = points ? DG_CAMPAIGN_OFFER_POINTS
                : c.coupon_definition ? DG_CAMPAIGN_OFFER_COUPON : DG_CAMPAIGN_OFFER_NONE;
        c.offer_points = points;
        char address[DG_ADDRESS_TEXT_MAX];
        dg_audit_actor actor;
        write_of(req, &w, &actor, address);
        bool replayed = false;
        if (dg_campaign_create(&replayed, req->store, &c, &w, &err) != 0)
            dg_reply_failure(res, &err);
        else
            dg_reply_json(res, 201, json_pack("{s:s,s:b}", "campaign_id", c.campaign_id,
                                              "replayed", replayed));
    }
    json_decref(body);
}

void dg_api_campaign_launch(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "date", NULL };
    dg_campaign_write w = { 0 };
    if (!dg_request_idempotency_key(req, res, &w.idempotency_key))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, DG_BODY_OPTIONAL);
    if (!body)
        return;
    const char *date = NULL;
    int32_t day = DG_CAMPAIGN_TODAY;
    dg_error err;
    dg_error_clear(&err);
    bool ok = dg_json_text_field(body, "date", &date, res);
    if (ok && date && dg_date_parse(date, strlen(date), &day, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "date: %s", err.message);
        ok = false;
    }
    if (ok) {
        char address[DG_ADDRESS_TEXT_MAX];
        dg_audit_actor actor;
        write_of(req, &w, &actor, address);
        dg_campaign_launch_result r;
        char on[16], as_of[16];
        if (dg_campaign_launch(&r, req->store, req->params[0], day, NULL, &w, &err) != 0)
            dg_reply_failure(res, &err);
        else
            dg_reply_json(res, 201, json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:b}",
                                              "campaign_id", req->params[0], "launched_on",
                                              dg_date_format(r.launched_on, on),
                                              "audience_as_of",
                                              dg_date_format(r.audience_as_of, as_of),
                                              "members", (json_int_t)r.members, "treatment",
                                              (json_int_t)r.treatment, "control",
                                              (json_int_t)r.control, "coupons_issued",
                                              (json_int_t)r.coupons_issued, "points_granted",
                                              (json_int_t)r.points_granted, "replayed",
                                              r.replayed));
    }
    json_decref(body);
}

json_t *dg_api_campaign_schema(const char *name)
{
    if (strcmp(name, DG_CAMPAIGN_CREATE_SCHEMA) == 0)
        return json_pack(
            "{s:s,s:b,s:[s],s:{s:{s:s},s:{s:s},s:{s:s,s:s},s:{s:[s,s],s:s},s:{s:s},"
            "s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:{s:s}}}",
            "type", "object", "additionalProperties", 0, "required", "campaign_id",
            "properties", "campaign_id", "type", "string", "name", "type", "string",
            "audience", "type", "string", "description", "the cube's where language over "
            "customers: DIM=V1,V2;DIM!=V;DIM=FROM..TO (docs/campaigns.md)", "control_share",
            "type", "number", "string", "description", "0.1 or \"10%\": strictly between 0 and 1 "
            "(default 0.1)", "seed", "type", "integer", "coupon", "type", "string",
            "description", "a coupon definition to issue to the treatment group", "points",
            "type", "integer", "description", "bonus points granted to the treatment group",
            "channel", "type", "string", "description", "a consent purpose (default "
            "marketing_sms)", "window_days", "type", "integer");
    if (strcmp(name, DG_CAMPAIGN_LAUNCH_SCHEMA) == 0)
        return json_pack("{s:s,s:b,s:{s:{s:s,s:s}}}", "type", "object", "additionalProperties",
                         0, "properties", "date", "type", "string", "description",
                         "launch day, YYYY-MM-DD (default today, UTC); the audience is taken as "
                         "of the day before");
    return NULL;
}
