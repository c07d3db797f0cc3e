/* Consent and personal-data routes: a customer's consent and history, grants and withdrawals
 * (body {purpose, source, date}; Idempotency-Key as for points), the send list of a purpose,
 * erasure on request (body {reason}) and subject access (the JSON document of
 * dg_customer_export_subject). The actor of a write is the signed-in user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/consent.h"
#include "dangol/erasure.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "server/server.h"

static const char *actor_of(const dg_request *req)
{
    return req->user ? req->user->name : "api";
}

void dg_api_consent_show(dg_request *req, dg_response *res)
{
    int32_t day = DG_CONSENT_TODAY;
    if (!dg_request_query_day(req, res, "as_of", &day))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = dg_report_consent_customer(&rep, req->store, req->params[0], day, &err);
    if (rc != 0)
        dg_reply_failure(res, &err);
    else
        dg_reply_tables(res, rep.tables, rep.n_tables);
    dg_report_clear(&rep);
}

void dg_api_consent_list(dg_request *req, dg_response *res)
{
    int32_t day = DG_CONSENT_TODAY;
    if (!dg_request_query_day(req, res, "as_of", &day))
        return;
    const char *purpose = dg_request_query(req, "purpose");
    if (!purpose) {
        dg_reply_error(res, 400, "invalid", "query argument purpose is required");
        return;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report(res, dg_report_consent_list(&rep, req->store, purpose, day, &err), &rep,
                    &err, NULL);
}

static void record(dg_request *req, dg_response *res, dg_consent_action action)
{
    static const char *const fields[] = { "purpose", "source", "date", NULL };
    dg_consent_request r = { .customer_id = req->params[0], .day = DG_CONSENT_TODAY,
                             .actor = actor_of(req) };
    if (!dg_request_idempotency_key(req, res, &r.idempotency_key))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    const char *date = NULL;
    dg_error err;
    dg_error_clear(&err);
    bool ok = dg_json_text_field(body, "purpose", &r.purpose, res) &&
              dg_json_text_field(body, "source", &r.source, res) &&
              dg_json_text_field(body, "date", &date, res);
    if (ok && date && dg_date_parse(date, strlen(date), &r.day, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "date: %s", err.message);
        ok = false;
    }
    if (ok && !r.source)
        r.source = "api";
    dg_consent_result result;
    int rc = ok ? dg_consent_record(&result, req->store, action, &r, &err) : 0;
    json_decref(body);
    if (!ok)
        return;
    if (rc == 0 && !result.replayed)
        rc = dg_request_audit(req, action == DG_CONSENT_GRANT ? DG_AUDIT_CONSENT_GRANT
                              : DG_AUDIT_CONSENT_WITHDRAW, &req->params[0], 1, NULL, NULL, &err);
    if (rc != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    dg_reply_json(res, 201, json_pack("{s:I,s:b,s:b}", "event_id", (json_int_t)result.event_id,
                                      "changed", result.changed, "replayed", result.replayed));
}

void dg_api_consent_grant(dg_request *req, dg_response *res)
{
    record(req, res, DG_CONSENT_GRANT);
}

void dg_api_consent_withdraw(dg_request *req, dg_response *res)
{
    record(req, res, DG_CONSENT_WITHDRAW);
}

void dg_api_customer_erase(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "reason", NULL };
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    const char *reason = NULL;
    if (!dg_json_text_field(body, "reason", &reason, res)) {
        json_decref(body);
        return;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_erasure_result r;
    int rc = dg_customer_erase(&r, req->store, req->params[0], DG_ERASURE_REQUEST, reason,
                               actor_of(req), &err);
    if (rc == 0 && r.erased)
        rc = dg_request_audit(req, DG_AUDIT_CUSTOMER_ERASE, &req->params[0], 1, reason, NULL,
                              &err);
    json_decref(body);
    if (rc != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    char when[32];
    dg_reply_json(res, 201, json_pack("{s:s,s:b,s:s,s:I,s:b}", "customer_id", req->params[0],
                                      "erased", r.erased, "erased_at",
                                      dg_timestamp_format(r.erased_at, when), "texts",
                                      (json_int_t)r.texts, r.purge, r.purged));
}

void dg_api_customer_subject(dg_request *req, dg_response *res)
{
    char *buf = NULL;
    size_t len = 0;
    dg_error err;
    dg_error_clear(&err);
    FILE *mem = open_memstream(&buf, &len);
    int rc = mem ? dg_customer_export_subject(req->store, req->params[0], mem, "the answer", &err)
                 : dg_error_set(&err, DG_ENOMEM, "out of memory");
    if (mem && fclose(mem) != 0 && rc == 0)
        rc = dg_error_set(&err, DG_ENOMEM, "out of memory");
    if (rc == 0)   /* personal data leaves only with its audit entry written */
        rc = dg_request_audit(req, DG_AUDIT_SUBJECT_ACCESS, &req->params[0], 1, NULL, NULL, &err);
    if (rc != 0) {
        free(buf);
        dg_reply_failure(res, &err);
        return;
    }
    dg_reply_json_text(res, buf, len, 0);
}
