/* The server's side of the audit trail (include/dangol/audit.h): who asks (user or token, role,
 * client address) as the trail's actor, one entry per request that shows personal fields or
 * writes, the before and after of a write with personal fields masked (so erasing a customer
 * never has to rewrite the chain), and GET /api/audit. Read routes take the server's write lock
 * for their append, so the pool's threads queue in memory instead of in SQLite's busy handler;
 * write routes hold it already. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "dangol/audit.h"
#include "dangol/mask.h"
#include "dangol/report.h"
#include "dangol/text.h"
#include "server/server.h"

void dg_request_client_address(const dg_request *req, char *buf, size_t cap)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, cap, "?");
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                  (socklen_t)cap);
}

void dg_request_audit_actor(const dg_request *req, dg_audit_actor *actor,
                           char address[DG_ADDRESS_TEXT_MAX])
{
    dg_request_client_address(req, address, DG_ADDRESS_TEXT_MAX);
    *actor = (dg_audit_actor){ .kind = "anonymous", .name = "", .origin = address };
    if (req->user) {
        actor->kind = req->token_id ? "token" : "user";
        actor->id = req->token_id ? req->token_id : req->user->user_id;
        actor->name = req->user->name;
        actor->role = req->user->role;
    }
}

int dg_request_audit(dg_request *req, const char *action, const char *const *customers,
                     size_t n_customers, const char *reason, const char *detail, dg_error *err)
{
    char address[DG_ADDRESS_TEXT_MAX];
    dg_audit_actor actor;
    dg_request_audit_actor(req, &actor, address);
    char route[256];
    if (!detail) {
        snprintf(route, sizeof route, "{\"route\":\"%s %s\"}", req->route->method,
                 req->route->path);
        detail = route;
    }
    dg_audit_event ev = { .action = action, .customers = customers, .n_customers = n_customers,
                          .reason = reason, .detail = detail };
    bool lock = !req->route->writes && req->write_lock;
    if (lock)
        pthread_mutex_lock(req->write_lock);
    int rc = dg_audit_append(req->store, &actor, &ev, NULL, err);
    if (lock)
        pthread_mutex_unlock(req->write_lock);
    return rc;
}

/* value as the trail keeps it: masked when col is personal. */
static json_t *kept(const dg_column *col, json_t *value)
{
    if (!col || col->personal == DG_PERSONAL_NONE || !json_is_string(value))
        return json_incref(value);
    char *m = dg_mask_text(col->personal, json_string_value(value));
    json_t *j = m ? json_string(m) : NULL;
    free(m);
    return j;
}

char *dg_audit_change_json(const dg_request *req, const dg_entity *e, json_t *before,
                           json_t *after)
{
    json_t *b = json_object(), *a = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(after ? after : before, key, value) {
        json_t *old = before ? json_object_get(before, key) : NULL;
        json_t *now = after ? json_object_get(after, key) : NULL;
        if (old && now && json_equal(old, now))
            continue;
        int c = dg_entity_column(e, key);
        const dg_column *col = c >= 0 ? &e->columns[c] : NULL;
        if (old)
            json_object_set_new(b, key, kept(col, old));
        if (now)
            json_object_set_new(a, key, kept(col, now));
    }
    char route[256];
    snprintf(route, sizeof route, "%s %s", req->route->method, req->route->path);
    json_t *doc = json_pack("{s:s,s:o,s:o}", "route", route, "before",
                            before ? b : json_null(), "after", a);
    if (!before)
        json_decref(b);
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(doc);
    if (text)
        dg_json_money_unmark(text);
    return text;
}

void dg_api_audit(dg_request *req, dg_response *res)
{
    dg_page page;
    if (!dg_request_page(req, res, &page))
        return;
    dg_audit_filter filter = { .customer_id = dg_request_query(req, "customer"),
                               .user = dg_request_query(req, "user"),
                               .offset = page.offset, .limit = page.limit };
    int32_t since = INT32_MIN;
    if (!dg_request_query_day(req, res, "since", &since))
        return;
    if (since != INT32_MIN)
        filter.since = (int64_t)since * 86400;
    dg_report report = { 0 };
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_report_audit(&report, req->store, &filter, &err);
    dg_reply_report(res, rc, &report, &err, NULL);
}
