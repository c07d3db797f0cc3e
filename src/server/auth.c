/* Who asks the server, and may they (docs/security.md). A store without users has no
 * authentication (loopback only, dg_server_check_bind); once it has one, every route but the
 * public ones needs an API token (Authorization: Bearer) or a session cookie of POST /api/login.
 * Sessions live here, in memory, under one lock: a random 256-bit id in the cookie, only its
 * hash kept, a CSRF token that writes by cookie must send back, an idle timeout. Failed sign-ins
 * are counted per account name and per client address in fixed windows. Each route names its
 * least role (routes.c); agents pass only routes open to them, for their own customers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "server/server.h"

#define THROTTLE_SLOTS 1024
#define SECRET_BYTES 32   /* of a session id and of a CSRF token */

typedef struct session {
    unsigned char id_hash[crypto_generichash_BYTES];  /* of the cookie's text */
    char csrf[DG_SECRET_TEXT_MAX];
    int64_t user_id;
    time_t last_seen;
    bool used;
} session;

typedef struct throttle {
    unsigned char key[crypto_generichash_BYTES];  /* hash of "account:NAME" or "address:IP" */
    time_t window_start;
    unsigned failures;
    bool used;
} throttle;

struct dg_auth {
    pthread_mutex_t lock;        /* guards sessions and throttles */
    atomic_bool required;        /* the store has users: set once, never cleared */
    unsigned idle_seconds;
    session sessions[DG_SESSIONS_MAX];
    throttle throttles[THROTTLE_SLOTS];
};

dg_auth *dg_auth_new(unsigned session_idle_seconds)
{
    if (sodium_init() < 0)
        return NULL;
    dg_auth *auth = calloc(1, sizeof *auth);
    if (!auth)
        return NULL;
    pthread_mutex_init(&auth->lock, NULL);
    atomic_init(&auth->required, false);
    auth->idle_seconds = session_idle_seconds ? session_idle_seconds
                                              : DG_SESSION_IDLE_DEFAULT_SECONDS;
    return auth;
}

void dg_auth_free(dg_auth *auth)
{
    if (!auth)
        return;
    pthread_mutex_destroy(&auth->lock);
    sodium_memzero(auth, sizeof *auth);
    free(auth);
}

/* 1 when sign-in is on, 0 when off, or the store's error (in err) when it cannot say. */
static int users_state(dg_auth *auth, dg_store *store, dg_error *err)
{
    if (atomic_load(&auth->required))
        return 1;
    bool any = true;
    int rc = dg_user_any(store, &any, err);
    if (rc != 0)
        return rc;
    if (any)
        atomic_store(&auth->required, true);
    return any;
}

bool dg_auth_required(dg_auth *auth, dg_store *store)
{
    /* a store that cannot say: refuse rather than open up, this time only (a database server
     * that is back says again) */
    return users_state(auth, store, NULL) != 0;
}

static void hash_text(const char *text, unsigned char out[crypto_generichash_BYTES])
{
    crypto_generichash(out, crypto_generichash_BYTES, (const unsigned char *)text, strlen(text),
                       NULL, 0);
}

/* ---- sessions ----------------------------------------------------------------------------- */

void dg_auth_session_open(dg_auth *auth, int64_t user_id, char cookie[DG_SECRET_TEXT_MAX],
                         char csrf[DG_SECRET_TEXT_MAX])
{
    unsigned char secret[SECRET_BYTES];
    time_t now = time(NULL);
    randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(cookie, DG_SECRET_TEXT_MAX, secret, sizeof secret);
    randombytes_buf(secret, sizeof secret);
    sodium_bin2hex(csrf, DG_SECRET_TEXT_MAX, secret, sizeof secret);
    sodium_memzero(secret, sizeof secret);
    pthread_mutex_lock(&auth->lock);
    session *slot = &auth->sessions[0];
    for (size_t i = 0; i < DG_SESSIONS_MAX; i++) {
        session *s = &auth->sessions[i];
        if (s->used && now - s->last_seen > (time_t)auth->idle_seconds)
            s->used = false;
        if (!s->used || (slot->used && s->last_seen < slot->last_seen))
            slot = s;
        if (!slot->used)
            break;
    }
    memset(slot, 0, sizeof *slot);
    hash_text(cookie, slot->id_hash);
    memcpy(slot->csrf, csrf, sizeof slot->csrf);
    slot->user_id = user_id;
    slot->last_seen = now;
    slot->used = true;
    pthread_mutex_unlock(&auth->lock);
}

/* The session of the cookie's text, refreshed: its user id and CSRF token; false when there is
 * none or it has been idle too long (then it ends). */
static bool session_find(dg_auth *auth, const char *cookie, int64_t *user_id,
                         char csrf[DG_SECRET_TEXT_MAX])
{
    unsigned char id_hash[crypto_generichash_BYTES];
    time_t now = time(NULL);
    bool found = false;
    hash_text(cookie, id_hash);
    pthread_mutex_lock(&auth->lock);
    for (size_t i = 0; i < DG_SESSIONS_MAX && !found; i++) {
        session *s = &auth->sessions[i];
        if (!s->used || sodium_memcmp(s->id_hash, id_hash, sizeof id_hash) != 0)
            continue;
        if (now - s->last_seen > (time_t)auth->idle_seconds) {
            s->used = false;
            break;
        }
        s->last_seen = now;
        *user_id = s->user_id;
        memcpy(csrf, s->csrf, sizeof s->csrf);
        found = true;
    }
    pthread_mutex_unlock(&auth->lock);
    return found;
}

void dg_auth_session_close(dg_auth *auth, const char *cookie)
{
    unsigned char id_hash[crypto_generichash_BYTES];
    hash_text(cookie, id_hash);
    pthread_mutex_lock(&auth->lock);
    for (size_t i = 0; i < DG_SESSIONS_MAX; i++)
        if (auth->sessions[i].used &&
            sodium_memcmp(auth->sessions[i].id_hash, id_hash, sizeof id_hash) == 0)
            memset(&auth->sessions[i], 0, sizeof auth->sessions[i]);
    pthread_mutex_unlock(&auth->lock);
}

/* ---- failed sign-ins ---------------------------------------------------------------------- */

/* The slot of key (made when absent, reusing an expired or the oldest one); lock held. */
static throttle *throttle_slot(dg_auth *auth, const char *kind, const char *value, time_t now)
{
    char text[DG_USER_TEXT_MAX + 80];
    unsigned char key[crypto_generichash_BYTES];
    snprintf(text, sizeof text, "%s:%s", kind, value);
    hash_text(text, key);
    throttle *oldest = &auth->throttles[0];
    for (size_t i = 0; i < THROTTLE_SLOTS; i++) {
        throttle *t = &auth->throttles[i];
        if (t->used && now - t->window_start >= DG_LOGIN_WINDOW_SECONDS)
            t->used = false;
        if (t->used && memcmp(t->key, key, sizeof key) == 0)
            return t;
        if (!t->used || (oldest->used && t->window_start < oldest->window_start))
            oldest = t;
    }
    memset(oldest, 0, sizeof *oldest);
    memcpy(oldest->key, key, sizeof key);
    oldest->window_start = now;
    oldest->used = true;
    return oldest;
}

unsigned dg_auth_throttled(dg_auth *auth, const char *name, const char *address)
{
    time_t now = time(NULL);
    unsigned wait = 0;
    pthread_mutex_lock(&auth->lock);
    throttle *account = throttle_slot(auth, "account", name, now);
    if (account->failures >= DG_LOGIN_FAILURES_PER_ACCOUNT)
        wait = (unsigned)(account->window_start + DG_LOGIN_WINDOW_SECONDS - now);
    throttle *addr = throttle_slot(auth, "address", address, now);
    if (addr->failures >= DG_LOGIN_FAILURES_PER_ADDRESS) {
        unsigned w = (unsigned)(addr->window_start + DG_LOGIN_WINDOW_SECONDS - now);
        wait = w > wait ? w : wait;
    }
    pthread_mutex_unlock(&auth->lock);
    return wait;
}

void dg_auth_login_result(dg_auth *auth, const char *name, const char *address, bool ok)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&auth->lock);
    throttle *account = throttle_slot(auth, "account", name, now);
    if (ok) {
        account->used = false;
    } else {
        account->failures++;
        throttle_slot(auth, "address", address, now)->failures++;
    }
    pthread_mutex_unlock(&auth->lock);
}

/* ---- admission ---------------------------------------------------------------------------- */

static void refuse(dg_response *res, unsigned status, const char *code, const char *message)
{
    dg_reply_error(res, status, code, "%s", message);
}

/* The Bearer token of the Authorization header, or NULL. */
static const char *bearer_token(struct MHD_Connection *conn)
{
    const char *header = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_AUTHORIZATION);
    if (!header || strncasecmp(header, "Bearer ", 7) != 0)
        return NULL;
    header += 7;
    while (*header == ' ')
        header++;
    return header;
}

/* Identifies the sender into user (and the CSRF token of a session into csrf): 1 when known, 0
 * when no credential came, -1 for a bad one (res answered 401) or a store failure (500). */
static int identify(dg_request *req, dg_response *res, dg_user *user,
                    char csrf[DG_SECRET_TEXT_MAX], int64_t *token_id, bool *by_cookie)
{
    struct MHD_Connection *conn = req->connection;
    dg_error err;
    dg_error_clear(&err);
    *by_cookie = false;
    const char *token = bearer_token(conn);
    if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) &&
        !token) {
        refuse(res, 401, "unauthorized", "the Authorization header must be \"Bearer TOKEN\"");
        return -1;
    }
    if (token) {
        int rc = dg_token_verify(req->store, token, (int64_t)time(NULL), user, token_id, &err);
        if (rc == 0)
            return 1;
        if (rc == DG_EAUTH)
            refuse(res, 401, "unauthorized", "the token is invalid, revoked or expired");
        else
            dg_reply_failure(res, &err);
        return -1;
    }
    const char *cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, DG_SESSION_COOKIE);
    if (!cookie)
        return 0;
    int64_t user_id;
    if (!session_find(req->auth, cookie, &user_id, csrf)) {
        refuse(res, 401, "unauthorized", "the session has ended; sign in again");
        return -1;
    }
    int rc = dg_user_get(req->store, user_id, user, &err);
    if (rc == 0 && !user->disabled) {
        *by_cookie = true;
        return 1;
    }
    dg_auth_session_close(req->auth, cookie);
    if (rc == 0 || rc == DG_ENOTFOUND)
        refuse(res, 401, "unauthorized", "the session has ended; sign in again");
    else
        dg_reply_failure(res, &err);
    return -1;
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* An agent's request about a customer ({customer_id} of the path): is it theirs? */
static bool agent_may(dg_request *req, dg_response *res, const dg_user *user)
{
    size_t i = 0;
    for (const char *p = strchr(req->route->path, '{'); p; p = strchr(p + 1, '{'), i++) {
        if (strncmp(p, "{customer_id}", 13) != 0)
            continue;
        bool allowed = false;
        dg_error err;
        dg_error_clear(&err);
        if (dg_user_customer_allowed(req->store, user, req->params[i], &allowed, &err) != 0) {
            dg_reply_failure(res, &err);
            return false;
        }
        if (!allowed) {
            refuse(res, 403, "forbidden", "this customer is not assigned to you or to your site");
            return false;
        }
        return true;
    }
    refuse(res, 403, "forbidden", "agents may only ask about their own customers");
    return false;
}

bool dg_auth_admit(dg_request *req, dg_response *res, dg_identity *who)
{
    const dg_route *route = req->route;
    dg_user *user = &who->user;
    char *csrf = who->csrf;
    req->user = NULL;
    req->csrf = NULL;
    req->token_id = 0;
    who->token_id = 0;
    dg_error err;
    dg_error_clear(&err);
    int state = users_state(req->auth, req->store, &err);
    if (state < 0) {   /* the store cannot say whether sign-in is on: its error, no answer */
        dg_reply_failure(res, &err);
        return false;
    }
    if (state == 0)
        return true;
    bool by_cookie = false;
    if (route->role == DG_ROLE_NONE) {   /* public: a bad credential does not matter */
        dg_response ignored = { 0 };
        if (identify(req, &ignored, user, csrf, &who->token_id, &by_cookie) == 1) {
            req->user = user;
            req->token_id = who->token_id;
            req->csrf = by_cookie ? csrf : NULL;
        }
        free(ignored.body);
        return true;
    }
    int known = identify(req, res, user, csrf, &who->token_id, &by_cookie);
    if (known == 0)
        refuse(res, 401, "unauthorized", "sign in (POST /api/login) or send an API token as "
               "Authorization: Bearer TOKEN");
    if (known != 1)
        return false;
    if (user->role == DG_ROLE_AGENT ? !(route->role == DG_ROLE_AGENT || route->agents)
                                    : user->role < route->role) {
        char message[160];
        snprintf(message, sizeof message, "%s %s needs the role %s%s; you are %s", route->method,
                 route->path, dg_role_name(route->role), route->agents ? " (or agent)" : "",
                 dg_role_name(user->role));
        refuse(res, 403, "forbidden", message);
        return false;
    }
    if (by_cookie && is_write(req->method)) {
        const char *sent = MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND,
                                                       DG_CSRF_HEADER);
        if (!sent || strlen(sent) != strlen(csrf) ||
            sodium_memcmp(sent, csrf, strlen(csrf)) != 0) {
            refuse(res, 403, "csrf", "a change by session must send the session's csrf_token "
                   "(GET /api/session) in the " DG_CSRF_HEADER " header");
            return false;
        }
    }
    if (user->role == DG_ROLE_AGENT && route->role != DG_ROLE_AGENT && !agent_may(req, res, user))
        return false;
    req->user = user;
    req->csrf = by_cookie ? csrf : NULL;
    req->token_id = who->token_id;
    return true;
}
