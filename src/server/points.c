/* Points routes: a customer's balance and statement, the ranking and the liability (the report
 * layer's tables, as `dangol points` prints them), and the writes earn, burn and adjust. A write's
 * body is a JSON object of the fields below, checked as the CLI checks its options (the same
 * amount parser); an Idempotency-Key header makes a retried request answer the first one's
 * result without writing again (the key is kept in the store, in the write's own transaction).
 * Too few points or a key reused for another request answer 409. A reversal takes back an
 * order's earn (body {"order_id", "reason"}) under the rules' policy for spent points. */
#include <stdio.h>
#include <string.h>

#include "dangol/id.h"
#include "dangol/order_return.h"
#include "dangol/points.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "dangol/audit.h"
#include "server/server.h"

/* The day of ?as_of, or today; false with a 400 answered when it is not a date. */
static bool query_day(dg_request *req, dg_response *res, int32_t *day)
{
    *day = DG_POINTS_TODAY;
    return dg_request_query_day(req, res, "as_of", day);
}

void dg_api_points_balance(dg_request *req, dg_response *res)
{
    int32_t day;
    if (!query_day(req, res, &day))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_points_balance(&rep, req->store, req->params[0], day, 0, &err),
                           &rep, &err);
}

void dg_api_points_statement(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_points_statement(&rep, req->store, req->params[0], &err), &rep,
                           &err);
}

void dg_api_points_ranking(dg_request *req, dg_response *res)
{
    int32_t day;
    long long top = dg_request_query_count(req, res, "top", 20, DG_PAGE_MAX);
    if (top < 0 || !query_day(req, res, &day))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_points_balance(&rep, req->store, NULL, day, (size_t)top, &err),
                           &rep, &err);
}

static const dg_points_rules *rules_of(const dg_request *req, dg_points_rules *builtin)
{
    if (req->options->points_rules)
        return req->options->points_rules;
    dg_points_rules_default(builtin);
    return builtin;
}

void dg_api_points_liability(dg_request *req, dg_response *res)
{
    int32_t day;
    if (!query_day(req, res, &day))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_points_rules builtin;
    dg_reply_report_tables(res,
                           dg_report_points_liability(&rep, req->store, rules_of(req, &builtin),
                                                      day, &err),
                           &rep, &err);
}

/* ---- writes ---- */

typedef enum { WRITE_EARN, WRITE_BURN, WRITE_ADJUST, WRITE_REVERSE } write_op;

/* The points member as written in the body, through the CLI's amount parser. */
static bool amount_field(const dg_request *req, json_t *body, const char *name,
                         bool allow_negative, bool required, int64_t *out, dg_response *res)
{
    json_t *v = json_object_get(body, name);
    *out = 0;
    if (!v || json_is_null(v)) {
        if (required)
            dg_reply_error(res, 400, "invalid", "field \"%s\" is required", name);
        return !required;
    }
    const char *num;
    size_t len;
    char text[64];
    if (!json_is_number(v) || !dg_json_number_text(req->body, req->body_len, name, &num, &len)) {
        dg_reply_error(res, 400, "invalid", "field \"%s\" must be a whole number", name);
        return false;
    }
    snprintf(text, sizeof text, "%.*s", (int)(len < sizeof text ? len : sizeof text - 1), num);
    dg_error err;
    dg_error_clear(&err);
    if (len >= sizeof text ||
        dg_points_amount_parse(text, name, allow_negative, out, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s", err.message[0] ? err.message
                       : "the number is too long");
        return false;
    }
    return true;
}

static void reply_result(dg_response *res, const dg_points_result *r)
{
    json_t *obj = json_pack("{s:I,s:I,s:I,s:I,s:b}", "movement_id", (json_int_t)r->movement_id,
                            "points", (json_int_t)r->points, "balance", (json_int_t)r->balance,
                            "absorbed", (json_int_t)r->absorbed, "replayed", r->replayed);
    dg_reply_json(res, 201, obj);
}

static void write_points(dg_request *req, dg_response *res, write_op op)
{
    static const char *const fields[] = { "points", "reason", "actor", "date", "source",
                                          "source_id", "order_id", "multiplier_per_mille",
                                          NULL };
    dg_error err;
    dg_error_clear(&err);
    const char *key;
    if (!dg_request_idempotency_key(req, res, &key))
        return;
    /* integers read as reals: an amount too large for jansson is still refused by the amount
     * parser, from its text in the body, with the CLI's words */
    json_t *body = dg_request_json_fields(req, res, fields, DG_BODY_REALS);
    if (!body)
        return;
    dg_points_request r = { .customer_id = req->params[0], .day = DG_POINTS_TODAY,
                            .source = DG_POINTS_SOURCE_MANUAL, .idempotency_key = key };
    const char *date = NULL, *source = NULL, *order = NULL;
    int64_t multiplier = 0;
    bool from_order = false;
    bool ok = dg_json_text_field(body, "reason", &r.reason, res) &&
              dg_json_text_field(body, "actor", &r.actor, res) &&
              dg_json_text_field(body, "date", &date, res) &&
              dg_json_text_field(body, "source", &source, res) &&
              dg_json_text_field(body, "source_id", &r.source_id, res) &&
              dg_json_text_field(body, "order_id", &order, res) &&
              amount_field(req, body, "multiplier_per_mille", false, false, &multiplier, res);
    from_order = ok && (op == WRITE_EARN || op == WRITE_REVERSE) && order;
    if (ok && op == WRITE_REVERSE && !order) {
        dg_reply_error(res, 400, "invalid", "field \"order_id\" is required");
        ok = false;
    }
    ok = ok && amount_field(req, body, "points", op == WRITE_ADJUST, !from_order, &r.points, res);
    if (ok && date && dg_date_parse(date, strlen(date), &r.day, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "date: %s", err.message);
        ok = false;
    }
    if (ok && source && dg_points_source_parse(source, &r.source, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "source: %s", err.message);
        ok = false;
    }
    if (ok && order) {
        r.source = DG_POINTS_SOURCE_ORDER;
        r.source_id = order;
    }
    r.multiplier_per_mille = multiplier;
    if (!r.actor && req->user)   /* the ledger names who did it: the signed-in user */
        r.actor = req->user->name;
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor actor;
    dg_request_audit_actor(req, &actor, address);
    r.audit = &actor;   /* the write and its audit entry commit together */
    if (!ok) {
        json_decref(body);
        return;
    }
    dg_points_rules builtin;
    const dg_points_rules *rules = rules_of(req, &builtin);
    dg_points_result result;
    int rc;
    if (from_order && r.points != 0) {
        rc = dg_error_set(&err, DG_EINVAL, "an order's earn takes order_id without points: "
                          "the rules give its points");
    } else if (op == WRITE_REVERSE) {
        rc = dg_points_reverse_order(req->store, rules, &r, &result, &err);
    } else if (from_order) {
        rc = dg_points_earn_order(req->store, rules, &r, &result, &err);
    } else {
        rc = op == WRITE_BURN ? dg_points_burn(req->store, &r, &result, &err)
           : op == WRITE_ADJUST ? dg_points_adjust(req->store, rules, &r, &result, &err)
                                : dg_points_earn(req->store, rules, &r, &result, &err);
    }
    json_decref(body);
    if (rc != 0)
        dg_reply_failure(res, &err);
    else
        reply_result(res, &result);
}

void dg_api_points_earn(dg_request *req, dg_response *res)
{
    write_points(req, res, WRITE_EARN);
}

void dg_api_points_burn(dg_request *req, dg_response *res)
{
    write_points(req, res, WRITE_BURN);
}

void dg_api_points_adjust(dg_request *req, dg_response *res)
{
    write_points(req, res, WRITE_ADJUST);
}

void dg_api_points_reverse(dg_request *req, dg_response *res)
{
    write_points(req, res, WRITE_REVERSE);
}

/* POST /api/orders/{order_id}/return: the order's points and coupon reversed in one write
 * (dangol/order_return.h); body {kind: returned|cancelled, date, reason, actor}. */
void dg_api_order_return(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "kind", "date", "reason", "actor", NULL };
    dg_error err;
    dg_error_clear(&err);
    const char *key, *kind = NULL, *date = NULL;
    if (!dg_request_idempotency_key(req, res, &key))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    dg_order_return_request r = { .order_id = req->params[0], .kind = DG_RETURN_RETURNED,
                                  .day = DG_POINTS_TODAY, .idempotency_key = key };
    bool ok = dg_json_text_field(body, "kind", &kind, res) &&
              dg_json_text_field(body, "date", &date, res) &&
              dg_json_text_field(body, "reason", &r.reason, res) &&
              dg_json_text_field(body, "actor", &r.actor, res);
    if (ok && kind && dg_return_kind_parse(kind, &r.kind, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "kind: %s", err.message);
        ok = false;
    }
    if (ok && date && dg_date_parse(date, strlen(date), &r.day, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "date: %s", err.message);
        ok = false;
    }
    if (!ok) {
        json_decref(body);
        return;
    }
    if (!r.actor && req->user)
        r.actor = req->user->name;
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor actor;
    dg_request_audit_actor(req, &actor, address);
    r.audit = &actor;
    dg_points_rules builtin;
    dg_order_return_result out;
    int rc = dg_order_return(req->store, rules_of(req, &builtin), &r, &out, &err);
    json_decref(body);
    if (rc != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    dg_reply_json(res, 201, json_pack(
        "{s:s,s:s,s:I,s:I,s:I,s:b,s:I,s:s?,s:I,s:s?,s:s?,s:b}", "order_id", r.order_id,
        "customer_id", out.customer_id, "points_movement_id", (json_int_t)out.points_movement_id,
        "points", (json_int_t)out.points, "absorbed", (json_int_t)out.absorbed,
        "points_reversed_before", out.points_reversed_before, "redemption_id",
        (json_int_t)out.redemption_id, "coupon_code", out.coupon_code[0] ? out.coupon_code : NULL,
        "discount", (json_int_t)out.discount, "coupon_policy",
        out.redemption_id ? dg_coupon_return_policy_code(out.coupon_policy) : NULL,
        "replacement_code", out.replacement_code[0] ? out.replacement_code : NULL, "replayed",
        out.replayed));
}
