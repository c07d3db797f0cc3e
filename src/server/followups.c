/* Follow-up and VOC analytics routes: schedule the follow-up tasks, list them, record an
 * outcome (version check: 409 when stale or done already; Idempotency-Key; audited like a
 * consent write), the consent-aware outbox (a bulk export of contacts: manager and up, with a
 * reason, audited), and the VOC reports over tickets (stats, terms, search, recovery) — the
 * library's operations and the report layer's tables, as `dangol followup` and `dangol voc`
 * print them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/consent.h"
#include "dangol/mask.h"
#include "dangol/report_voc.h"
#include "dangol/ticket.h"
#include "dangol/vocab.h"
#include "server/server.h"

/* A time query argument (as the tickets' routes take it) into *out, fallback when absent. */
static bool query_time(const dg_request *req, dg_response *res, const char *name, int64_t *out,
                       int64_t fallback)
{
    const char *text = dg_request_query(req, name);
    *out = fallback;
    dg_error err;
    dg_error_clear(&err);
    if (text && dg_ticket_time_parse(out, text, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s: %s", name, err.message);
        return false;
    }
    return true;
}

void dg_api_followups_schedule(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "as_of", NULL };
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    const char *text = NULL;
    int32_t day = dg_consent_today();
    dg_error err;
    dg_error_clear(&err);
    bool ok = dg_json_text_field(body, "as_of", &text, res);
    if (ok && text && dg_date_parse(text, strlen(text), &day, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "as_of: %s", err.message);
        ok = false;
    }
    json_decref(body);
    if (!ok)
        return;
    dg_followup_rules rules;
    int64_t created = 0;
    int rc = req->options->followup_rules ? (rules = *req->options->followup_rules, 0)
                                          : dg_followup_rules_default(&rules, &err);
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor audit;
    dg_request_audit_actor(req, &audit, address);
    if (rc == 0)
        rc = dg_followup_schedule(&created, req->store, &rules, day, &audit, &err);
    if (rc != 0)
        dg_reply_failure(res, &err);
    else
        dg_reply_json(res, 200, json_pack("{s:I}", "tasks_created", (json_int_t)created));
}

void dg_api_followups_list(dg_request *req, dg_response *res)
{
    dg_followup_list_options opt = { .state = dg_request_query(req, "state"),
                                     .customer_id = dg_request_query(req, "customer_id"),
                                     .due_by = INT32_MAX,
                                     .notes = !(req->user && dg_mask_applies(req->user->role)) };
    const char *state = opt.state;
    if (state && !(opt.state = dg_vocab_code("followup_state", state, strlen(state)))) {
        dg_reply_error(res, 400, "invalid", "state \"%s\": valid: open, done", state);
        return;
    }
    if (!dg_request_query_day(req, res, "due_by", &opt.due_by))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = dg_report_followup_list(&rep, req->store, &opt, &err);
    dg_reply_report_tables(res, rc, &rep, &err);
}

void dg_api_followup_done(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "outcome", "note", "version", "at", NULL };
    dg_followup_done_request r = { .at = DG_FOLLOWUP_NOW };
    char *end;
    long long id = strtoll(req->params[0], &end, 10);
    if (end == req->params[0] || *end || id <= 0) {
        dg_reply_error(res, 400, "invalid", "task id \"%s\": expected a whole number from 1",
                       req->params[0]);
        return;
    }
    r.task_id = id;
    if (!dg_request_idempotency_key(req, res, &r.idempotency_key))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    const char *outcome = NULL, *at = NULL;
    dg_error err;
    dg_error_clear(&err);
    bool ok = dg_json_text_field(body, "outcome", &outcome, res) &&
              dg_json_text_field(body, "note", &r.note, res) &&
              dg_json_text_field(body, "at", &at, res);
    json_t *version = json_object_get(body, "version");
    if (ok && version && !json_is_null(version)) {
        if (!json_is_integer(version) || json_integer_value(version) <= 0) {
            dg_reply_error(res, 400, "invalid", "field \"version\" must be a whole number from 1");
            ok = false;
        } else {
            r.expected_version = json_integer_value(version);
        }
    }
    if (ok && (!outcome || dg_followup_outcome_parse(&r.outcome, outcome, &err) != 0)) {
        dg_reply_error(res, 400, "invalid", "outcome: %s", outcome ? err.message
                       : "required: reached, no_answer, declined, sent, cancelled");
        ok = false;
    }
    if (ok && at && dg_ticket_time_parse(&r.at, at, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "at: %s", err.message);
        ok = false;
    }
    dg_followup_result result;
    r.actor = req->user ? req->user->name : NULL;
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor audit;
    dg_request_audit_actor(req, &audit, address);
    r.audit = &audit;   /* the outcome and its audit entry commit together */
    int rc = ok ? dg_followup_done(&result, req->store, &r, &err) : 0;
    json_decref(body);
    if (!ok)
        return;
    if (rc != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    dg_reply_json(res, 200, json_pack("{s:I,s:I,s:b}", "task_id", (json_int_t)result.task_id,
                                      "version", (json_int_t)result.version, "replayed",
                                      result.replayed));
}

void dg_api_followups_outbox(dg_request *req, dg_response *res)
{
    dg_error err;
    dg_error_clear(&err);
    dg_followup_channel channel;
    const char *text = dg_request_query(req, "channel"), *reason = dg_request_query(req,
                                                                                    "reason");
    if (!text || dg_followup_channel_parse(&channel, text, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "channel: %s", text ? err.message
                       : "required: sms, email, call");
        return;
    }
    if (!reason || !*reason || strlen(reason) > DG_AUDIT_REASON_MAX) {
        dg_reply_error(res, 400, "reason_required", "the outbox exports contacts: add "
                       "?reason=WHY (1 to %d bytes, kept in the audit trail)",
                       DG_AUDIT_REASON_MAX);
        return;
    }
    int32_t day = dg_consent_today();
    if (!dg_request_query_day(req, res, "as_of", &day))
        return;
    dg_report rep = { 0 };
    char **customers = NULL;
    size_t n = 0;
    int rc = dg_report_followup_outbox(&rep, req->store, channel, day, &customers, &n, &err);
    if (rc == 0 && n)   /* personal data leaves only with its audit entry written */
        rc = dg_request_audit(req, DG_AUDIT_EXPORT, (const char *const *)customers, n, reason,
                              NULL, &err);
    for (size_t i = 0; i < n; i++)
        free(customers[i]);
    free(customers);
    dg_reply_report_tables(res, rc, &rep, &err);
}

/* ---- VOC analytics ---- */

static bool calendar_of(const dg_request *req, dg_response *res, dg_calendar *cal)
{
    dg_error err;
    dg_error_clear(&err);
    if (req->options->calendar) {
        *cal = *req->options->calendar;
        return true;
    }
    if (dg_calendar_default(cal, &err) == 0)
        return true;
    dg_reply_failure(res, &err);
    return false;
}

void dg_api_voc_stats(dg_request *req, dg_response *res)
{
    dg_calendar cal;
    int64_t from, as_of;
    if (!query_time(req, res, "from", &from, 0) ||
        !query_time(req, res, "as_of", &as_of, dg_ticket_now()) || !calendar_of(req, res, &cal))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = dg_report_voc_stats(&rep, req->store, &cal, from, as_of, &err);
    dg_reply_report_tables(res, rc, &rep, &err);
}

void dg_api_voc_terms(dg_request *req, dg_response *res)
{
    int64_t as_of;
    long long top = dg_request_query_count(req, res, "top", 10, 1000);
    const char *bigrams = dg_request_query(req, "bigrams");
    if (top < 0 || !query_time(req, res, "as_of", &as_of, dg_ticket_now()))
        return;
    if (bigrams && strcmp(bigrams, "true") != 0 && strcmp(bigrams, "false") != 0) {
        dg_reply_error(res, 400, "invalid", "bigrams: true or false");
        return;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = dg_report_voc_terms(&rep, req->store, dg_request_query(req, "category"),
                                 top ? (int)top : 10, bigrams && strcmp(bigrams, "true") == 0,
                                 as_of, &err);
    dg_reply_report_tables(res, rc, &rep, &err);
}

void dg_api_voc_search(dg_request *req, dg_response *res)
{
    long long limit = dg_request_query_count(req, res, "limit", 50, 10000);
    if (limit < 0)
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = dg_report_voc_search(&rep, req->store, dg_request_query(req, "q"),
                                  limit ? (int)limit : 50, &err);
    if (rc == DG_EINVAL) {
        dg_reply_error(res, 400, "invalid", "q: %s", err.message);
        return;
    }
    dg_reply_report_tables(res, rc, &rep, &err);
}

void dg_api_voc_recovery(dg_request *req, dg_response *res)
{
    int64_t as_of;
    long long window = dg_request_query_count(req, res, "window", 90, 3650);
    if (window < 0 || !query_time(req, res, "as_of", &as_of, dg_ticket_now()))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = dg_report_voc_recovery(&rep, req->store, as_of, window ? (int)window : 90, &err);
    dg_reply_report_tables(res, rc, &rep, &err);
}

json_t *dg_api_followup_schema(const char *name)
{
    if (strcmp(name, DG_FOLLOWUP_DONE_SCHEMA) == 0)
        return json_pack("{s:s,s:b,s:[s],s:{s:{s:s,s:[s,s,s,s,s]},s:{s:s},s:{s:s,s:s},"
                         "s:{s:s}}}", "type", "object", "additionalProperties", 0, "required",
                         "outcome", "properties", "outcome", "type", "string", "enum",
                         "reached", "no_answer", "declined", "sent", "cancelled", "note", "type",
                         "string", "version", "type", "integer", "description", "the version "
                         "you read: 409 when the task changed since", "at", "type", "string");
    if (strcmp(name, DG_FOLLOWUP_SCHEDULE_SCHEMA) == 0)
        return json_pack("{s:s,s:b,s:{s:{s:s,s:s}}}", "type", "object", "additionalProperties",
                         0, "properties", "as_of", "type", "string", "description",
                         "YYYY-MM-DD (default today): orders up to that day");
    return NULL;
}
