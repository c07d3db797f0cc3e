/* The auth routes: POST /api/login (a session cookie: HttpOnly, SameSite=Strict, Secure over
 * TLS; and its CSRF token), POST /api/logout, GET /api/session (who is asking) and GET
 * /api/users (admins). A failed sign-in says the same for an unknown name, a wrong password and
 * a disabled user, and never repeats the password. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <sodium.h>

#include "server/server.h"

/* Secure when the browser reaches the server over TLS: its own or a proxy's in front. */
static bool set_cookie(const dg_request *req, dg_response *res, const char *value, bool clear)
{
    const dg_server_options *o = req->options;
    bool secure = o->behind_tls_proxy || (o->tls_cert && o->tls_key);
    char *header = NULL;
    if (asprintf(&header, DG_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s%s", value,
                 secure ? "; Secure" : "", clear ? "; Max-Age=0" : "") < 0)
        return false;
    free(res->set_cookie);
    res->set_cookie = header;
    return true;
}

void dg_api_login(dg_request *req, dg_response *res)
{
    const char *type = MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!type || strncasecmp(type, "application/json", 16) != 0) {
        dg_reply_error(res, 415, "unsupported_media_type",
                       "send {\"name\", \"password\"} as JSON with Content-Type: application/json");
        return;
    }
    json_error_t jerr;
    json_t *body = req->body ? json_loadb(req->body, req->body_len, 0, &jerr) : NULL;
    const char *name = json_string_value(json_object_get(body, "name"));
    const char *password = json_string_value(json_object_get(body, "password"));
    if (!name || !password || !*name || strlen(name) >= DG_USER_TEXT_MAX) {
        json_decref(body);
        dg_reply_error(res, 400, "invalid", "the body must be {\"name\": \"...\", \"password\": "
                       "\"...\"}");
        return;
    }
    if (!dg_auth_required(req->auth, req->store)) {
        json_decref(body);
        dg_reply_error(res, 400, "invalid", "the store has no users, so there is nobody to sign in "
                       "as; add one with `dangol user add`");
        return;
    }
    char address[INET6_ADDRSTRLEN + 1];
    dg_request_client_address(req, address, sizeof address);
    unsigned wait = dg_auth_throttled(req->auth, name, address);
    if (wait) {
        json_decref(body);
        dg_reply_error(res, 429, "too_many_attempts", "too many failed sign-ins; try again in "
                       "%u s", wait);
        res->retry_after = wait;
        return;
    }
    dg_user user;
    dg_error err;
    dg_error_clear(&err);
    int rc = dg_user_login(req->store, name, password, &user, &err);
    dg_auth_login_result(req->auth, name, address, rc == 0);
    json_decref(body);   /* the password with it */
    if (rc == DG_EAUTH) {
        dg_reply_error(res, 401, "unauthorized", "unknown user or wrong password");
        return;
    }
    if (rc != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    char cookie[DG_SECRET_TEXT_MAX], csrf[DG_SECRET_TEXT_MAX];
    dg_auth_session_open(req->auth, user.user_id, cookie, csrf);
    bool ok = set_cookie(req, res, cookie, false);
    sodium_memzero(cookie, sizeof cookie);
    if (!ok) {
        dg_reply_error(res, 500, "internal", "out of memory");
        return;
    }
    dg_reply_json(res, 200, json_pack("{s:s,s:s,s:s}", "user", user.name, "role",
                                      dg_role_name(user.role), "csrf_token", csrf));
}

void dg_api_logout(dg_request *req, dg_response *res)
{
    const char *cookie = MHD_lookup_connection_value(req->connection, MHD_COOKIE_KIND,
                                                     DG_SESSION_COOKIE);
    if (cookie && req->csrf)   /* a token's request has no session to end */
        dg_auth_session_close(req->auth, cookie);
    if (!set_cookie(req, res, "", true)) {
        dg_reply_error(res, 500, "internal", "out of memory");
        return;
    }
    dg_reply_json(res, 200, json_pack("{s:b}", "signed_out", cookie && req->csrf));
}

void dg_api_session(dg_request *req, dg_response *res)
{
    if (!req->user) {   /* the store has no users: everyone on this machine may do anything */
        dg_reply_json(res, 200, json_pack("{s:b,s:n,s:s,s:n}", "authentication", 0, "user",
                                          "role", "admin", "csrf_token"));
        return;
    }
    dg_reply_json(res, 200, json_pack("{s:b,s:s,s:s,s:s?}", "authentication", 1, "user",
                                      req->user->name, "role", dg_role_name(req->user->role),
                                      "csrf_token", req->csrf));
}

void dg_api_users(dg_request *req, dg_response *res)
{
    dg_user *users = NULL;
    size_t n = 0;
    dg_error err;
    dg_error_clear(&err);
    if (dg_user_list(req->store, &users, &n, &err) != 0) {
        dg_reply_failure(res, &err);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, json_pack(
            "{s:s,s:s,s:b,s:s?,s:s?}", "name", users[i].name, "role",
            dg_role_name(users[i].role), "disabled", users[i].disabled, "site",
            users[i].site[0] ? users[i].site : NULL, "staff_id",
            users[i].staff_id[0] ? users[i].staff_id : NULL));
    free(users);
    dg_reply_json(res, 200, json_pack("{s:o}", "items", items));
}
