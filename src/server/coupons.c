/* Coupon routes: the reports (definitions, a definition's codes, one code, redemption rates, as
 * `dangol coupon` prints them) and the writes define, issue, redeem and void. A write's body is
 * a JSON object of the fields below, checked with the CLI's parsers (money in the store
 * currency, read exactly from the body's text); an Idempotency-Key header makes a retried
 * request answer the first one's result without writing again. A code redeemed already (also by
 * a concurrent request), a limit reached, a voided coupon or a reused key answer 409; a mistyped
 * code 400, a code never issued 404. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/coupon.h"
#include "dangol/id.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "server/server.h"

void dg_api_coupons_list(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res, dg_report_coupon_list(&rep, req->store, NULL, &err), &rep, &err);
}

void dg_api_coupon_codes(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_coupon_list(&rep, req->store, req->params[0], &err), &rep,
                           &err);
}

void dg_api_coupon_code(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_coupon_show(&rep, req->store, req->params[0], &err), &rep,
                           &err);
}

void dg_api_coupon_rates(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    bool by_campaign;
    if (dg_coupon_rates_by_parse(dg_request_query(req, "by"), &by_campaign, &err) != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_coupon_rates(&rep, req->store, by_campaign, &err), &rep, &err);
}

/* ---- the body of a write ---- */

typedef struct body {
    json_t *json;
    const char *key;            /* Idempotency-Key */
    dg_coupon_write w;
    dg_audit_actor audit;       /* who, in the audit trail */
    char address[DG_ADDRESS_TEXT_MAX];
} body;

/* Reads the body (an object of only the fields listed; no body reads as {}) and the
 * Idempotency-Key header; false with a 400 answered when either is bad. */
static bool body_open(dg_request *req, dg_response *res, const char *const *fields, body *b)
{
    memset(b, 0, sizeof *b);
    if (!dg_request_idempotency_key(req, res, &b->key))
        return false;
    b->json = dg_request_json_fields(req, res, fields, DG_BODY_REALS | DG_BODY_OPTIONAL);
    if (!b->json)
        return false;
    b->w.idempotency_key = b->key;
    b->w.actor = req->user ? req->user->name : NULL;   /* the rows name the signed-in user */
    dg_request_audit_actor(req, &b->audit, b->address);
    b->w.audit = &b->audit;   /* the write and its audit entry commit together */
    return true;
}

/* A number member as written in the body (or a string holding one), into text: 0 when absent,
 * 1 when there, -1 (a 400 answered) when it is not a number. */
static int number_text(const dg_request *req, const body *b, const char *name, char *text,
                       size_t cap, dg_response *res)
{
    json_t *v = json_object_get(b->json, name);
    const char *num;
    size_t len;
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
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

typedef enum { NUM_MONEY, NUM_MONEY_OR_ZERO, NUM_PERCENT, NUM_COUNT } num_kind;

/* A numeric member through the CLI's parser; true when absent or good. */
static bool number_field(const dg_request *req, const body *b, const char *name, num_kind kind,
                         int64_t *out, dg_response *res)
{
    char text[64];
    int there = number_text(req, b, name, text, sizeof text, res);
    if (there <= 0)
        return there == 0;
    dg_error err;
    dg_error_clear(&err);
    int rc = kind == NUM_PERCENT ? dg_coupon_percent_parse(text, out, &err)
           : kind == NUM_COUNT ? dg_coupon_count_parse(text, name, out, &err)
           : dg_coupon_money_parse(text, name, req->minor_digits, kind == NUM_MONEY_OR_ZERO, out,
                                   &err);
    if (rc != 0)
        dg_reply_error(res, 400, "invalid", "%s", err.message);
    return rc == 0;
}

/* A date member; true when absent or good. */
static bool date_field(const body *b, const char *name, int32_t *day, dg_response *res)
{
    const char *text;
    dg_error err;
    dg_error_clear(&err);
    if (!dg_json_text_field(b->json, name, &text, res))
        return false;
    if (text && dg_date_parse(text, strlen(text), day, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s: %s", name, err.message);
        return false;
    }
    return true;
}

static void body_close(body *b)
{
    json_decref(b->json);
}

/* ---- writes ---- */

void dg_api_coupon_define(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "definition_id", "name", "amount", "percent", "cap",
                                          "min_spend", "valid_from", "valid_until",
                                          "per_customer_limit", "total_limit", "campaign_id",
                                          "audience", NULL };
    body b;
    if (!body_open(req, res, fields, &b))
        return;
    dg_coupon_definition d;
    dg_coupon_definition_init(&d);
    const char *audience = NULL;
    bool ok = dg_json_text_field(b.json, "definition_id", &d.definition_id, res) &&
              dg_json_text_field(b.json, "name", &d.name, res) &&
              dg_json_text_field(b.json, "campaign_id", &d.campaign_id, res) &&
              dg_json_text_field(b.json, "audience", &audience, res) &&
              number_field(req, &b, "amount", NUM_MONEY, &d.amount, res) &&
              number_field(req, &b, "percent", NUM_PERCENT, &d.percent_bp, res) &&
              number_field(req, &b, "cap", NUM_MONEY, &d.cap, res) &&
              number_field(req, &b, "min_spend", NUM_MONEY_OR_ZERO, &d.min_spend, res) &&
              number_field(req, &b, "per_customer_limit", NUM_COUNT, &d.per_customer_limit,
                           res) &&
              number_field(req, &b, "total_limit", NUM_COUNT, &d.total_limit, res) &&
              date_field(&b, "valid_from", &d.valid_from, res) &&
              date_field(&b, "valid_until", &d.valid_until, res);
    dg_error err;
    dg_error_clear(&err);
    int rc = 0;
    if (ok) {
        if (!d.amount == !d.percent_bp)
            rc = dg_error_set(&err, DG_EINVAL, "give \"amount\" (a fixed discount) or "
                              "\"percent\", one of them");
        else if (audience)
            rc = dg_coupon_audience_parse(audience, &d.audience, &err);
        d.kind = d.percent_bp ? DG_COUPON_PERCENT : DG_COUPON_FIXED;
        bool replayed = false;
        if (rc == 0)
            rc = dg_coupon_define(&replayed, req->store, &d, &b.w, &err);
        if (rc != 0)
            dg_reply_failure(res, &err);
        else
            dg_reply_json(res, 201, json_pack("{s:s,s:b}", "definition_id", d.definition_id,
                                              "replayed", replayed));
    }
    body_close(&b);
}

void dg_api_coupon_issue(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "customers", NULL };
    body b;
    if (!body_open(req, res, fields, &b))
        return;
    json_t *list = json_object_get(b.json, "customers");
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0) {
        dg_reply_error(res, 400, "invalid", "field \"customers\" must be a non-empty array of "
                       "customer ids");
        body_close(&b);
        return;
    }
    const char **ids = malloc(n * sizeof *ids);
    dg_error err;
    dg_error_clear(&err);
    int rc = ids ? 0 : dg_error_set(&err, DG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *v = json_array_get(list, i);
        ids[i] = json_string_value(v);
        if (!json_is_string(v) || strlen(ids[i]) != json_string_length(v) ||
            dg_id_check("customer_id", ids[i], strlen(ids[i]), &err) != 0)
            rc = err.code ? err.code : dg_error_set(&err, DG_EINVAL, "customers[%zu] must be a "
                                                    "customer id", i);
    }
    dg_coupon_issued *codes = NULL;
    size_t n_codes = 0;
    bool replayed = false;
    if (rc == 0)
        rc = dg_coupon_issue(&codes, &n_codes, &replayed, req->store, req->params[0], ids, n,
                             &b.w, &err);
    if (rc != 0) {
        dg_reply_failure(res, &err);
    } else {
        json_t *out = json_array();
        for (size_t i = 0; i < n_codes; i++)
            json_array_append_new(out, json_pack("{s:s,s:s}", "customer_id",
                                                 codes[i].customer_id, "code", codes[i].code));
        dg_reply_json(res, 201, json_pack("{s:s,s:o,s:b}", "definition_id", req->params[0],
                                          "codes", out, "replayed", replayed));
    }
    free(codes);
    free(ids);
    body_close(&b);
}

void dg_api_coupon_redeem(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "order_id", NULL };
    body b;
    if (!body_open(req, res, fields, &b))
        return;
    const char *order = NULL;
    if (!dg_json_text_field(b.json, "order_id", &order, res)) {
        body_close(&b);
        return;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_coupon_redemption r;
    int rc = order ? dg_coupon_redeem(&r, req->store, req->params[0], order, &b.w, &err)
                   : dg_error_set(&err, DG_EINVAL, "field \"order_id\" is required");
    if (rc != 0)
        dg_reply_failure(res, &err);
    else {
        char day[16];
        dg_reply_json(res, 201, json_pack(
            "{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:b}", "redemption_id",
            (json_int_t)r.redemption_id, "code", r.code, "definition_id", r.definition_id,
            "customer_id", r.customer_id, "order_id", r.order_id, "order_total",
            dg_json_money(r.order_total, req->minor_digits), "discount",
            dg_json_money(r.discount, req->minor_digits), "redeemed_on",
            dg_date_format(r.redeemed_on, day), "replayed", r.replayed));
    }
    body_close(&b);
}

static void void_target(dg_request *req, dg_response *res, bool is_definition)
{
    static const char *const fields[] = { "reason", NULL };
    body b;
    if (!body_open(req, res, fields, &b))
        return;
    if (dg_json_text_field(b.json, "reason", &b.w.reason, res)) {
        dg_error err;
        dg_error_clear(&err);
        bool replayed = false;
        if (dg_coupon_void(&replayed, req->store, req->params[0], is_definition, &b.w,
                           &err) != 0)
            dg_reply_failure(res, &err);
        else
            dg_reply_json(res, 201, json_pack("{s:s,s:b}", "voided", req->params[0],
                                              "replayed", replayed));
    }
    body_close(&b);
}

void dg_api_coupon_void_definition(dg_request *req, dg_response *res)
{
    void_target(req, res, true);
}

void dg_api_coupon_void_code(dg_request *req, dg_response *res)
{
    void_target(req, res, false);
}
