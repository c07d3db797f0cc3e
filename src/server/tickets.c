/* Ticket routes: open a ticket, act on it (assign, start, resolve, close, reopen, comment),
 * show and list tickets, the SLA lists (breached, at-risk), and the jobs (escalate, recover) —
 * the library's operations and the report layer's tables, as `dangol ticket` prints them. A
 * write's body is a JSON object of the fields below; "version" is the version the agent read,
 * and a stale one answers 409, as does a transition the state does not allow. Idempotency-Key
 * makes a retried write answer the first one's result. The actor is the signed-in user. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/audit.h"
#include "dangol/report.h"
#include "dangol/ticket.h"
#include "server/server.h"

/* The calendar and SLA of the server (dangol serve --calendar/--sla), else the built-in. */
static bool config_of(const dg_request *req, dg_response *res, dg_calendar *cal,
                      dg_ticket_sla *sla)
{
    dg_error err;
    dg_error_clear(&err);
    int rc = 0;
    if (req->options->calendar)
        *cal = *req->options->calendar;
    else
        rc = dg_calendar_default(cal, &err);
    if (rc == 0 && req->options->ticket_sla)
        *sla = *req->options->ticket_sla;
    else if (rc == 0)
        rc = dg_ticket_sla_default(sla, &err);
    if (rc != 0)
        dg_reply_failure(res, &err);
    return rc == 0;
}

static bool query_time(const dg_request *req, dg_response *res, const char *name, int64_t *out)
{
    const char *text = dg_request_query(req, name);
    *out = dg_ticket_now();
    if (!text)
        return true;
    dg_error err;
    dg_error_clear(&err);
    if (dg_ticket_time_parse(out, text, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s: %s", name, err.message);
        return false;
    }
    return true;
}

/* The ticket id of the path; false with a 400 when it is not a positive whole number. */
static bool path_id(const dg_request *req, dg_response *res, int64_t *id)
{
    char *end;
    long long v = strtoll(req->params[0], &end, 10);
    if (end == req->params[0] || *end || v <= 0) {
        dg_reply_error(res, 400, "invalid", "ticket id \"%s\": expected a whole number from 1",
                       req->params[0]);
        return false;
    }
    *id = v;
    return true;
}

/* The signed-in agent (whose lists and tickets are their own customers'), or NULL. */
static const dg_user *agent_of(const dg_request *req)
{
    return req->user && req->user->role == DG_ROLE_AGENT ? req->user : NULL;
}

/* May the request's user act on the tickets of customer_id (or of ticket_id's customer when
 * customer_id is NULL)? Anyone but an agent may; an agent only for a customer assigned to them
 * or their site, else 403, as for the customer routes (an unknown ticket or customer alike, so
 * an agent cannot tell another's from none). */
static bool agent_may(dg_request *req, dg_response *res, const char *customer_id,
                      int64_t ticket_id)
{
    const dg_user *agent = agent_of(req);
    if (!agent)
        return true;
    char owner[256] = "";
    bool allowed = false;
    dg_error err;
    dg_error_clear(&err);
    int rc = customer_id ? 0 : dg_ticket_customer(req->store, ticket_id, owner, sizeof owner,
                                                  &err);
    if (rc == 0)
        rc = dg_user_customer_allowed(req->store, agent, customer_id ? customer_id : owner,
                                      &allowed, &err);
    if (rc != 0 && rc != DG_ENOTFOUND) {
        dg_reply_failure(res, &err);
        return false;
    }
    if (!allowed)
        dg_reply_error(res, 403, "forbidden", "this ticket's customer is not assigned to you "
                       "or to your site");
    return allowed;
}

static void list(dg_request *req, dg_response *res, dg_ticket_view view)
{
    dg_calendar cal;
    dg_ticket_sla sla;
    int64_t as_of;
    int state = -1;
    if (!query_time(req, res, "as_of", &as_of) || !config_of(req, res, &cal, &sla))
        return;
    dg_error err;
    dg_error_clear(&err);
    const char *state_text = dg_request_query(req, "state");
    if (state_text && dg_ticket_code_parse(&state, DG_TICKET_DOMAIN_STATE, state_text, &err)) {
        dg_reply_error(res, 400, "invalid", "state: %s", err.message);
        return;
    }
    int64_t within = sla.at_risk_s;
    const char *within_text = dg_request_query(req, "within");
    if (within_text && dg_ticket_hours_parse(&within, within_text, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "within %s", err.message);
        return;
    }
    dg_report rep = { 0 };
    int rc = dg_report_ticket_list(&rep, req->store, &cal, view,
                                   dg_request_query(req, "customer_id"), state, as_of, within,
                                   agent_of(req), &err);
    dg_reply_report_tables(res, rc, &rep, &err);
}

void dg_api_tickets_list(dg_request *req, dg_response *res)
{
    list(req, res, DG_TICKET_VIEW_LIST);
}

void dg_api_tickets_breached(dg_request *req, dg_response *res)
{
    list(req, res, DG_TICKET_VIEW_BREACHED);
}

void dg_api_tickets_at_risk(dg_request *req, dg_response *res)
{
    list(req, res, DG_TICKET_VIEW_AT_RISK);
}

void dg_api_ticket_show(dg_request *req, dg_response *res)
{
    dg_calendar cal;
    dg_ticket_sla sla;
    int64_t id, as_of;
    if (!path_id(req, res, &id) || !query_time(req, res, "as_of", &as_of) ||
        !config_of(req, res, &cal, &sla) || !agent_may(req, res, NULL, id))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    int rc = dg_report_ticket_show(&rep, req->store, &cal, id, as_of, &err);
    dg_reply_report_tables(res, rc, &rep, &err);
}

/* ---- writes ---- */

static bool code_field(json_t *body, const char *name, dg_ticket_domain domain, int *out,
                       dg_response *res)
{
    const char *text;
    if (!dg_json_text_field(body, name, &text, res))
        return false;
    dg_error err;
    dg_error_clear(&err);
    if (text && dg_ticket_code_parse(out, domain, text, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s: %s", name, err.message);
        return false;
    }
    return true;
}

static bool time_field(json_t *body, const char *name, int64_t *out, dg_response *res)
{
    const char *text;
    *out = DG_TICKET_NOW;
    if (!dg_json_text_field(body, name, &text, res))
        return false;
    dg_error err;
    dg_error_clear(&err);
    if (text && dg_ticket_time_parse(out, text, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s: %s", name, err.message);
        return false;
    }
    return true;
}

static void reply_result(dg_response *res, unsigned status, const dg_ticket_result *r)
{
    dg_reply_json(res, status, json_pack("{s:I,s:s,s:I,s:I,s:b}", "ticket_id",
                                         (json_int_t)r->ticket_id, "state",
                                         dg_ticket_code(DG_TICKET_DOMAIN_STATE, (int)r->state),
                                         "version", (json_int_t)r->version, "event_id",
                                         (json_int_t)r->event_id, "replayed", r->replayed));
}

void dg_api_ticket_open(dg_request *req, dg_response *res)
{
    static const char *const fields[] = { "customer_id", "kind", "channel", "priority",
                                          "category", "subject", "order_id", "staff_id", "at",
                                          NULL };
    dg_calendar cal;
    dg_ticket_sla sla;
    dg_ticket_open_request r = { .channel = -1, .priority = DG_TICKET_NORMAL };
    if (!dg_request_idempotency_key(req, res, &r.idempotency_key) || !config_of(req, res, &cal, &sla))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    int kind = -1, priority = DG_TICKET_NORMAL;
    bool ok = dg_json_text_field(body, "customer_id", &r.customer_id, res) &&
              code_field(body, "kind", DG_TICKET_DOMAIN_KIND, &kind, res) &&
              code_field(body, "channel", DG_TICKET_DOMAIN_CHANNEL, &r.channel, res) &&
              code_field(body, "priority", DG_TICKET_DOMAIN_PRIORITY, &priority, res) &&
              dg_json_text_field(body, "category", &r.category, res) &&
              dg_json_text_field(body, "subject", &r.subject, res) &&
              dg_json_text_field(body, "order_id", &r.order_id, res) &&
              dg_json_text_field(body, "staff_id", &r.staff_id, res) && time_field(body, "at", &r.at, res);
    if (ok && (!r.customer_id || kind < 0)) {
        dg_reply_error(res, 400, "invalid", "fields \"customer_id\" and \"kind\" are required");
        ok = false;
    }
    if (ok && !agent_may(req, res, r.customer_id, 0))
        ok = false;
    if (ok) {
        r.kind = (dg_ticket_kind)kind;
        r.priority = (dg_ticket_priority)priority;
        r.actor = req->user ? req->user->name : NULL;
        char address[DG_ADDRESS_TEXT_MAX];
        dg_audit_actor audit;
        dg_request_audit_actor(req, &audit, address);
        r.audit = &audit;   /* the ticket and its audit entry commit together */
        dg_error err;
        dg_error_clear(&err);
        dg_ticket_result result;
        if (dg_ticket_open(&result, req->store, &cal, &sla, &r, &err) != 0)
            dg_reply_failure(res, &err);
        else
            reply_result(res, 201, &result);
    }
    json_decref(body);
}

static void act(dg_request *req, dg_response *res, dg_ticket_action action)
{
    static const char *const fields[] = { "version", "assignee", "note", "at", NULL };
    dg_ticket_update u = { .action = action };
    if (!path_id(req, res, &u.ticket_id) || !dg_request_idempotency_key(req, res, &u.idempotency_key) ||
        !agent_may(req, res, NULL, u.ticket_id))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    json_t *version = json_object_get(body, "version");
    bool ok = dg_json_text_field(body, "assignee", &u.assignee, res) &&
              dg_json_text_field(body, "note", &u.note, res) && time_field(body, "at", &u.at, res);
    if (ok && version && !json_is_null(version)) {
        if (!json_is_integer(version) || json_integer_value(version) <= 0) {
            dg_reply_error(res, 400, "invalid", "field \"version\" must be a whole number from 1");
            ok = false;
        } else {
            u.expected_version = json_integer_value(version);
        }
    }
    if (ok) {
        u.actor = req->user ? req->user->name : NULL;
        char address[DG_ADDRESS_TEXT_MAX];
        dg_audit_actor audit;
        dg_request_audit_actor(req, &audit, address);
        u.audit = &audit;
        dg_error err;
        dg_error_clear(&err);
        dg_ticket_result result;
        if (dg_ticket_apply(&result, req->store, &u, &err) != 0)
            dg_reply_failure(res, &err);
        else
            reply_result(res, 200, &result);
    }
    json_decref(body);
}

void dg_api_ticket_assign(dg_request *req, dg_response *res) { act(req, res, DG_TICKET_ACT_ASSIGN); }
void dg_api_ticket_start(dg_request *req, dg_response *res) { act(req, res, DG_TICKET_ACT_START); }
void dg_api_ticket_resolve(dg_request *req, dg_response *res) { act(req, res, DG_TICKET_ACT_RESOLVE); }
void dg_api_ticket_close(dg_request *req, dg_response *res) { act(req, res, DG_TICKET_ACT_CLOSE); }
void dg_api_ticket_reopen(dg_request *req, dg_response *res) { act(req, res, DG_TICKET_ACT_REOPEN); }
void dg_api_ticket_comment(dg_request *req, dg_response *res) { act(req, res, DG_TICKET_ACT_COMMENT); }

static void job(dg_request *req, dg_response *res, bool recover)
{
    dg_calendar cal;
    dg_ticket_sla sla;
    static const char *const fields[] = { "as_of", NULL };
    int64_t as_of;
    if (!config_of(req, res, &cal, &sla))
        return;
    json_t *body = dg_request_json_fields(req, res, fields, 0);
    if (!body)
        return;
    bool ok = time_field(body, "as_of", &as_of, res);
    json_decref(body);
    if (!ok)
        return;
    if (as_of == DG_TICKET_NOW)
        as_of = dg_ticket_now();
    dg_error err;
    dg_error_clear(&err);
    int64_t n = 0;
    const char *actor = req->user ? req->user->name : NULL;
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor audit;
    dg_request_audit_actor(req, &audit, address);
    int rc = recover ? dg_ticket_recover(&n, req->store, &cal, &sla, as_of, actor, &audit, &err)
                     : dg_ticket_escalate(&n, req->store, as_of, actor, &audit, &err);
    if (rc != 0)
        dg_reply_failure(res, &err);
    else
        dg_reply_json(res, 200, json_pack("{s:I}", recover ? "recovery_tickets_opened"
                                                           : "tickets_escalated", (json_int_t)n));
}

void dg_api_tickets_escalate(dg_request *req, dg_response *res) { job(req, res, false); }
void dg_api_tickets_recover(dg_request *req, dg_response *res) { job(req, res, true); }

json_t *dg_api_ticket_schema(const char *name)
{
    if (strcmp(name, DG_TICKET_OPEN_SCHEMA) == 0)
        return json_pack("{s:s,s:b,s:[s,s],s:{s:{s:s},s:{s:s,s:[s,s,s,s]},s:{s:s,s:[s,s,s,s,s]},"
                         "s:{s:s,s:[s,s,s,s]},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:s}}}",
                         "type", "object", "additionalProperties", 0, "required", "customer_id",
                         "kind", "properties", "customer_id", "type", "string", "kind", "type",
                         "string", "enum", "complaint", "inquiry", "suggestion", "compliment",
                         "channel", "type", "string", "enum", "call_centre", "web", "app",
                         "store", "email", "priority", "type", "string", "enum", "low", "normal",
                         "high", "urgent", "category", "type", "string", "subject", "type",
                         "string", "order_id", "type", "string", "staff_id", "type", "string",
                         "at", "type", "string", "description", "when it was opened (default "
                         "now): YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]");
    if (strcmp(name, DG_TICKET_ACTION_SCHEMA) == 0)
        return json_pack("{s:s,s:b,s:{s:{s:s,s:s},s:{s:s,s:s},s:{s:s},s:{s:s,s:s}}}", "type",
                         "object", "additionalProperties", 0, "properties", "version", "type",
                         "integer", "description", "the version you read: 409 when the ticket "
                         "changed since", "assignee", "type", "string", "description",
                         "assign: who works the ticket", "note", "type", "string", "at", "type",
                         "string", "description", "when (default now); not before the ticket "
                         "opened or its last change");
    if (strcmp(name, DG_TICKET_JOB_SCHEMA) == 0)
        return json_pack("{s:s,s:b,s:{s:{s:s,s:s}}}", "type", "object", "additionalProperties",
                         0, "properties", "as_of", "type", "string", "description",
                         "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], or YYYY-MM-DD for the end of that "
                         "day (default now)");
    return NULL;
}
