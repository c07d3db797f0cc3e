/* Tier routes: a customer's tier and history, the distribution, the migration matrix and the
 * crosstab against stage or RFM segment (the report layer's tables, as `dangol tier` prints
 * them), and the evaluation, which uses the rules the store keeps from the last evaluation
 * (`dangol tier evaluate --rules FILE` changes them). Evaluating is idempotent by its day: a
 * retried or concurrent request for a day already evaluated writes nothing and says so. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dangol/audit.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "dangol/tier.h"
#include "server/server.h"

/* A day of the query (DG_DAY_NONE when absent); false with a 400 answered. */
static bool query_day(dg_request *req, dg_response *res, const char *name, int32_t *day)
{
    *day = DG_DAY_NONE;
    return dg_request_query_day(req, res, name, day);
}

void dg_api_tier_customer(dg_request *req, dg_response *res)
{
    int32_t day;
    if (!query_day(req, res, "as_of", &day))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_tier_customer(&rep, req->store, req->params[0], day, &err),
                           &rep, &err);
}

void dg_api_tier_distribution(dg_request *req, dg_response *res)
{
    int32_t day;
    if (!query_day(req, res, "as_of", &day))
        return;
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_tier_distribution(&rep, req->store, day, &err), &rep, &err);
}

void dg_api_tier_migration(dg_request *req, dg_response *res)
{
    int32_t from, to;
    if (!query_day(req, res, "from", &from) || !query_day(req, res, "to", &to))
        return;
    if (from == DG_DAY_NONE || to == DG_DAY_NONE) {
        dg_reply_error(res, 400, "invalid", "from and to (YYYY-MM-DD) are required");
        return;
    }
    dg_error err;
    dg_error_clear(&err);
    dg_report rep = { 0 };
    dg_reply_report_tables(res,
                           dg_report_tier_migration(&rep, req->store, from, to, &err), &rep, &err);
}

void dg_api_tier_crosstab(dg_request *req, dg_response *res)
{
    const char *by_text = dg_request_query(req, "by");
    dg_tier_crosstab_by by;
    dg_error err;
    dg_error_clear(&err);
    if (!by_text || dg_tier_crosstab_by_parse(by_text, &by, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "by: %s", by_text ? err.message
                       : "required: stage or segment");
        return;
    }
    dg_snapshot *snap = dg_snapshot_get(req, res);
    if (!snap)
        return;
    dg_report rep = { 0 };
    int rc = dg_report_tier_crosstab(&rep, req->store, dg_snapshot_frame(snap), by, &err);
    dg_snapshot_release(req, snap);
    dg_reply_report_tables(res, rc, &rep, &err);
}

void dg_api_tier_evaluate(dg_request *req, dg_response *res)
{
    int32_t day;
    if (req->body_len > 0) {
        dg_reply_error(res, 400, "invalid", "evaluate takes no body: give the day as the query "
                       "argument as_of");
        return;
    }
    if (!query_day(req, res, "as_of", &day))
        return;
    if (day == DG_DAY_NONE)
        day = dg_day_of((int64_t)time(NULL));
    dg_error err;
    dg_error_clear(&err);
    char *text = NULL;
    dg_tier_evaluation ev;
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor audit;
    dg_request_audit_actor(req, &audit, address);
    /* the rules of the last evaluation; none kept: the built-in ones */
    int rc = dg_tier_rules_stored_text(req->store, &text, &err);
    if (rc == 0)
        rc = dg_tier_evaluate(req->store, text, text ? "the store's tier rules" : NULL, day,
                              req->user ? req->user->name : NULL, &audit, &ev, &err);
    free(text);
    if (rc != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    char as_of[16], previous[16];
    json_t *obj = json_pack("{s:s,s:s?,s:I,s:I,s:I,s:b}", "as_of", dg_date_format(ev.as_of, as_of),
                            "previous", ev.previous == INT32_MIN ? NULL
                                        : dg_date_format(ev.previous, previous),
                            "customers", (json_int_t)ev.customers, "upgrades",
                            (json_int_t)ev.upgrades, "downgrades", (json_int_t)ev.downgrades,
                            "already", ev.already);
    dg_reply_json(res, ev.already ? 200 : 201, obj);
}
