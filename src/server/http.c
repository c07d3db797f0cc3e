/* The libmicrohttpd side of the server: daemon lifecycle, request bodies (with the size limit and
 * the JSON content-type rule), dispatch to the route table, error bodies, and the dashboard's
 * files (chosen by static.c). Every pool thread lazily opens its own store connection, kept in a
 * pthread key and closed when the server stops: SQLite connections are never shared between
 * threads. Requests in flight are counted, so that stopping can wait for them (drain). */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "dangol/text.h"
#include "dangol/utf8.h"
#include "server/server.h"

struct dg_server {
    struct MHD_Daemon *daemon;
    dg_server_options opt;
    char *web_real;               /* realpath of the web directory, or NULL */
    unsigned port;
    int minor_digits;             /* of the store currency (fixed for a store's life) */
    dg_snapshot_cache *snapshots;
    dg_auth *auth;                /* sessions and sign-in throttling */
    bool authenticates;           /* the store had users at start */
    pthread_key_t store_key;
    bool key_made;
    pthread_mutex_t stores_lock;  /* guards stores: every connection opened, closed at stop */
    dg_store **stores;
    size_t n_stores, cap_stores;
    pthread_mutex_t write_lock;   /* held by a write route: this server's writers queue here,
                                     not in SQLite's busy handler, whose sleeps (up to 100 ms
                                     each) would be most of a contended write's latency */
    dg_store *writer;             /* the one connection the write routes and the audit queue
                                     write on, under write_lock: no other connection of this
                                     server writes, so its page cache stays valid from one
                                     write to the next (a connection whose store another one
                                     wrote to re-reads every page it needs) */
    dg_audit_queue audit_queue;   /* the read routes' audit entries (audit.c) */
    dg_write_queue write_queue;   /* the group-commit writes (write_queue.c) */
    dg_checkpointer checkpointer; /* copies the writer's log into the store (checkpoint.c) */
    pthread_mutex_t flight_lock;  /* guards in_flight */
    pthread_cond_t flight_done;   /* signalled when in_flight drops to 0 */
    size_t in_flight;             /* requests whose headers arrived and that are not finished */
};

/* One request, from its request line (on_uri) to its completion (on_completed). */
typedef struct request_ctx {
    char *raw_path;     /* the URL as sent, before libmicrohttpd percent-decodes it */
    bool started;       /* headers received: the handler has been called once */
    char *body;
    size_t len, cap;
    bool too_large;
    dg_api_call *call;  /* a write in the write queue: answered when the connection resumes */
} request_ctx;

/* ---- bind address ------------------------------------------------------------------------- */

static int parse_bind(const char *bind, struct sockaddr_storage *addr, socklen_t *addr_len,
                      dg_error *err)
{
    memset(addr, 0, sizeof *addr);
    if (strcmp(bind, "localhost") == 0)
        bind = "127.0.0.1";
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        *addr_len = sizeof *v4;
        return 0;
    }
    if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        *addr_len = sizeof *v6;
        return 0;
    }
    return dg_error_set(err, DG_EINVAL, "--bind \"%s\" is not an IPv4 or IPv6 address", bind);
}

static bool is_loopback(const struct sockaddr_storage *addr)
{
    if (addr->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)addr;
        return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    }
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)addr;
    return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

int dg_server_check_bind(const dg_server_options *opt, dg_error *err)
{
    struct sockaddr_storage addr;
    socklen_t len;
    const char *bind = opt->bind;
    int rc = parse_bind(bind, &addr, &len, err);
    if (rc != 0 || is_loopback(&addr))
        return rc;
    if (opt->behind_tls_proxy)
        return dg_error_set(err, DG_EINVAL,
                            "refusing to listen on %s behind a TLS proxy: the proxy faces the "
                            "network and forwards to dangol on this machine; listen on a "
                            "loopback address (127.0.0.1 or ::1)", bind);
    dg_store *store = NULL;
    bool users = false;
    if (dg_store_open(&store, opt->db_path, DG_STORE_READONLY, NULL) == 0)
        dg_user_any(store, &users, NULL);
    dg_store_close(store);
    if (!users)
        return dg_error_set(err, DG_EINVAL,
                            "refusing to listen on %s: the store has no users, so the API has no "
                            "authentication; add an admin first (`dangol user add NAME --role "
                            "admin`) or use a loopback address (127.0.0.1 or ::1)", bind);
    if (!opt->tls_cert || !opt->tls_key)
        return dg_error_set(err, DG_EINVAL,
                            "refusing to listen on %s without TLS: passwords and personal data "
                            "would cross the network in clear; give --tls-cert FILE and "
                            "--tls-key FILE, or listen on 127.0.0.1 behind a TLS proxy "
                            "(--behind-tls-proxy)", bind);
    return 0;
}

/* ---- replies ------------------------------------------------------------------------------ */

void dg_reply_json(dg_response *res, unsigned status, json_t *value)
{
    free(res->body);
    res->body = value ? json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(value);
    if (res->body)
        dg_json_money_unmark(res->body);   /* money amounts as exact numbers */
    if (!res->body) {   /* no value: out of memory (text is valid UTF-8 before it gets here) */
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
        res->body = strdup(oom);
        status = 500;
    }
    res->len = res->body ? strlen(res->body) : 0;
    res->status = status;
    res->content_type = "application/json; charset=utf-8";
}

void dg_reply_error(dg_response *res, unsigned status, const char *code, const char *fmt, ...)
{
    char message[DG_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    dg_utf8_repair(message);   /* a client's bytes, or a sequence cut at the buffer's end */
    dg_reply_json(res, status, json_pack("{s:{s:s,s:s}}", "error", "code", code,
                                         "message", message));
}

void dg_reply_failure(dg_response *res, const dg_error *err)
{
    unsigned status = 500;
    const char *code = "internal";
    switch (err->code) {
    case DG_EINVAL:
    case DG_EPARSE:
    case DG_ERANGE:    status = 400; code = "invalid"; break;
    case DG_ENOTFOUND: status = 404; code = "not_found"; break;
    case DG_EEXIST:
    case DG_ECONFLICT: status = 409; code = "conflict"; break;
    case DG_ECONVERGE: status = 422; code = "unfittable"; break;   /* the data, not the request */
    case DG_EUNSUPPORTED: status = 501; code = "unsupported"; break;
    case DG_EBUSY:     status = 503; code = "busy"; break;
    default: break;
    }
    dg_reply_error(res, status, code, "%s", err->message[0] ? err->message
                                                            : dg_strerror(err->code));
    if (status == 503)
        res->retry_after = DG_STORE_BUSY_TIMEOUT_MS / 1000;   /* the wait it gave up */
}

void dg_reply_abandon(dg_response *res)
{
    dg_reply_error(res, 500, "internal", "the client has gone");
    res->abandon = true;
}

/* RFC 3986 unreserved characters, the only ones a path segment keeps as they are. */
static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

void dg_reply_location(dg_response *res, const char *const *segments, size_t n_segments)
{
    size_t cap = sizeof "/api";
    for (size_t i = 0; i < n_segments; i++)
        cap += 1 + 3 * strlen(segments[i]);
    char *loc = malloc(cap);
    if (!loc) {
        dg_reply_error(res, 500, "internal", "out of memory");
        return;
    }
    size_t o = (size_t)sprintf(loc, "/api");
    for (size_t i = 0; i < n_segments; i++) {
        loc[o++] = '/';
        for (const unsigned char *c = (const unsigned char *)segments[i]; *c; c++)
            o += is_unreserved(*c) ? (size_t)sprintf(loc + o, "%c", *c)
                                   : (size_t)sprintf(loc + o, "%%%02X", *c);
    }
    free(res->location);
    res->location = loc;
}

bool dg_request_client_gone(const dg_request *req)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!info)
        return false;
    struct pollfd p = { .fd = info->connect_fd, .events = POLLRDHUP };
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

void dg_reply_json_text(dg_response *res, char *buf, size_t len, int rc)
{
    if (rc != 0) {
        free(buf);
        dg_reply_error(res, 500, "internal", "cannot render the result: %s", dg_strerror(rc));
        return;
    }
    free(res->body);
    res->body = buf;
    res->len = len;
    res->status = 200;
    res->content_type = "application/json; charset=utf-8";
}

/* One table (single) or a list of them as JSON. */
static void reply_rendered(dg_response *res, const dg_table *single, dg_table *const *tables,
                           size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int rc = !mem ? DG_ENOMEM : single ? dg_table_write(single, mem, DG_FORMAT_JSON)
                                       : dg_tables_write(tables, n, mem, DG_FORMAT_JSON);
    if (mem && fclose(mem) != 0)
        rc = DG_ENOMEM;
    dg_reply_json_text(res, buf, len, rc);
}

void dg_reply_table(dg_response *res, const dg_table *table)
{
    reply_rendered(res, table, NULL, 0);
}

void dg_reply_tables(dg_response *res, dg_table *const *tables, size_t n)
{
    reply_rendered(res, NULL, tables, n);
}

const char *dg_request_query(const dg_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->connection, MHD_GET_ARGUMENT_KIND, name);
}

bool dg_request_query_day(const dg_request *req, dg_response *res, const char *name,
                          int32_t *day)
{
    const char *text = dg_request_query(req, name);
    dg_error err;
    if (!text || !*text)
        return true;
    if (dg_date_parse(text, strlen(text), day, &err) != 0) {
        dg_reply_error(res, 400, "invalid", "%s: %s", name, err.message);
        return false;
    }
    return true;
}

const char *dg_request_header(const dg_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND, name);
}

long long dg_request_query_count(const dg_request *req, dg_response *res, const char *name,
                                 long long fallback, long long max)
{
    const char *text = dg_request_query(req, name);
    if (!text)
        return fallback;
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (!*text || *end || errno || value < 0 || value > max) {
        dg_reply_error(res, 400, "invalid", "query argument %s=\"%s\" must be a whole number "
                       "from 0 to %lld", name, text, max);
        return -1;
    }
    return value;
}

/* ---- store per thread --------------------------------------------------------------------- */

static dg_store *thread_store(dg_server *srv, dg_error *err)
{
    dg_store *store = pthread_getspecific(srv->store_key);
    if (store)
        return store;
    int rc = dg_store_open(&store, srv->opt.db_path, srv->opt.read_only ? DG_STORE_READONLY : 0,
                           err);
    if (rc != 0)
        return NULL;
    pthread_mutex_lock(&srv->stores_lock);
    if (srv->n_stores == srv->cap_stores) {
        size_t cap = srv->cap_stores ? srv->cap_stores * 2 : 8;
        dg_store **grown = realloc(srv->stores, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&srv->stores_lock);
            dg_store_close(store);
            dg_error_set(err, DG_ENOMEM, "out of memory");
            return NULL;
        }
        srv->stores = grown;
        srv->cap_stores = cap;
    }
    srv->stores[srv->n_stores++] = store;
    pthread_mutex_unlock(&srv->stores_lock);
    pthread_setspecific(srv->store_key, store);
    return store;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

/* The headers of every answer, API or file: no script but the dashboard's own files, no framing,
 * no MIME sniffing, no referrer. Styles may be inline (the chart library sets them). */
static bool add_security_headers(struct MHD_Response *r)
{
    return MHD_add_response_header(r, "Content-Security-Policy",
                                   "default-src 'self'; script-src 'self'; "
                                   "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                   "object-src 'none'; base-uri 'none'; form-action 'self'; "
                                   "frame-ancestors 'none'") &&
           MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") &&
           MHD_add_response_header(r, "X-Frame-Options", "DENY") &&
           MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result send_response(struct MHD_Connection *conn, dg_response *res,
                                     const char *allow)
{
    struct MHD_Response *r = res->abandon ? NULL
                             : MHD_create_response_from_buffer(res->len, res->body,
                                                               MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(res->body);
        free(res->location);
        free(res->set_cookie);
        return MHD_NO;   /* closes the connection */
    }
    res->body = NULL;
    char retry[16];
    snprintf(retry, sizeof retry, "%u", res->retry_after);
    bool ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type) &&
              MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") &&
              add_security_headers(r) &&
              (res->status != 401 ||
               MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                       "Bearer realm=\"dangol\"")) &&
              (!res->set_cookie ||
               MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, res->set_cookie)) &&
              (!res->location ||
               MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, res->location)) &&
              (!allow || !*allow || MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow)) &&
              (!res->retry_after ||
               MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, retry));
    free(res->location);
    res->location = NULL;
    free(res->set_cookie);
    res->set_cookie = NULL;
    enum MHD_Result queued = ok ? MHD_queue_response(conn, res->status, r) : MHD_NO;
    MHD_destroy_response(r);
    return queued;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, unsigned status, const char *code,
                                  const char *message, const char *allow)
{
    dg_response res = { 0 };
    dg_reply_error(&res, status, code, "%s", message);
    return send_response(conn, &res, allow);
}

static enum MHD_Result serve_static(dg_server *srv, struct MHD_Connection *conn, const char *url,
                                    const char *method)
{
    struct stat st;
    const char *content_type = NULL;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_error(conn, 405, "method_not_allowed",
                          "the dashboard's files can only be read (GET)", "GET, HEAD");
    int fd = dg_static_open(srv->web_real, url, &st, &content_type);
    if (fd < 0) {
        char message[600];
        snprintf(message, sizeof message, "no page or file at %s", url);
        return send_error(conn, 404, "not_found", message, NULL);
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    enum MHD_Result ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache") &&
                         add_security_headers(r) ? MHD_queue_response(conn, 200, r) : MHD_NO;
    MHD_destroy_response(r);
    return ok;
}

static bool is_json_type(const char *type)
{
    if (!type)
        return false;
    size_t n = strlen("application/json");
    return strncasecmp(type, "application/json", n) == 0 &&
           (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

/* The route's query arguments, as they arrive: each must be in the route's table, once. */
typedef struct query_check {
    const dg_route *route;
    unsigned seen[DG_ROUTE_MAX_QUERY];
    const char *unknown, *repeated;
    bool not_utf8;
} query_check;

static bool is_utf8(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return dg_utf8_invalid_at(s, n) == n;
}

static enum MHD_Result check_argument(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    (void)value;
    query_check *c = cls;
    if (!is_utf8(key) || !is_utf8(value)) {
        c->not_utf8 = true;
        return MHD_NO;
    }
    const dg_route_param *q = c->route->query;
    size_t i = 0;
    while (q && q[i].name && strcmp(q[i].name, key) != 0)
        i++;
    assert(i < DG_ROUTE_MAX_QUERY);
    if (!q || !q[i].name)
        c->unknown = key;
    else if (c->seen[i]++)
        c->repeated = key;
    return c->unknown || c->repeated ? MHD_NO : MHD_YES;
}

/* Answers 400 unless every query argument is one of the route's, given once; true if they are. */
static bool query_arguments_valid(struct MHD_Connection *conn, const dg_route *route,
                                  dg_response *res)
{
    query_check c = { .route = route };
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_argument, &c);
    if (c.not_utf8) {
        dg_reply_error(res, 400, "invalid", "a query argument is not valid UTF-8 once "
                       "percent-decoded; encode text as UTF-8 before percent-encoding it");
        return false;
    }
    if (c.repeated) {
        dg_reply_error(res, 400, "invalid", "query argument \"%s\" is given more than once",
                       c.repeated);
        return false;
    }
    if (!c.unknown)
        return true;
    if (!route->query || !route->query[0].name) {
        dg_reply_error(res, 400, "invalid", "unknown query argument \"%s\": %s %s takes no "
                       "query arguments", c.unknown, route->method, route->path);
        return false;
    }
    char valid[512] = "";
    for (const dg_route_param *q = route->query; q->name; q++)
        snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s",
                 q == route->query ? "" : ", ", q->name);
    dg_reply_error(res, 400, "invalid", "unknown query argument \"%s\" for %s %s; valid: %s",
                   c.unknown, route->method, route->path, valid);
    return false;
}

/* The request of call's known route: who asks (before anything of the request is looked at),
 * its checks, its handler, its answer (or the write queue's, for a group-commit write). */
static enum MHD_Result admit_and_answer(dg_server *srv, struct MHD_Connection *conn,
                                        dg_api_call *call, request_ctx *ctx)
{
    dg_request *req = &call->req;
    dg_response *res = &call->res;
    const dg_route *route = req->route;
    dg_error err;
    dg_error_clear(&err);
    if (!dg_auth_admit(req, res, &call->who))
        return send_response(conn, res, NULL);
    if (dg_server_check_params(req, &err) != 0) {
        dg_reply_failure(res, &err);
        return send_response(conn, res, NULL);
    }
    if (!query_arguments_valid(conn, route, res))
        return send_response(conn, res, NULL);
    if (route->writes && srv->opt.read_only)
        return send_error(conn, 405, "method_not_allowed",
                          "the server was started with --read-only", "GET, HEAD");
    if (ctx->too_large) {
        char message[128];
        snprintf(message, sizeof message, "the request body is larger than the limit of %zu bytes",
                 srv->opt.max_body);
        return send_error(conn, 413, "payload_too_large", message, NULL);
    }
    if (route->body_entity) {
        const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_CONTENT_TYPE);
        if (!is_json_type(type))
            return send_error(conn, 415, "unsupported_media_type",
                              "send the body as JSON with Content-Type: application/json", NULL);
    }
    req->body = ctx->len ? ctx->body : NULL;
    req->body_len = ctx->len;
    if (dg_request_client_gone(req))   /* it waited for a thread, and its client left meanwhile */
        return MHD_NO;
    if (route->writes == DG_ROUTE_WRITES_GROUPED) {
        ctx->call = call;
        if (dg_write_queue_push(&srv->write_queue, call))
            return MHD_YES;
        ctx->call = NULL;   /* the queue has stopped: written here, as any other write */
    }
    if (route->writes) {
        pthread_mutex_lock(&srv->write_lock);
        req->store = srv->writer;
        route->handler(req, res);
        pthread_mutex_unlock(&srv->write_lock);
    } else {
        route->handler(req, res);
    }
    if (!res->content_type)
        dg_reply_error(res, 500, "internal", "the route produced no answer");
    return send_response(conn, res, NULL);
}

/* The API request of call's decoded path: route, checks, handler, answer. A group-commit write
 * goes to the write queue instead, with ctx->call set to call: it is answered when its
 * connection resumes (answer_queued). */
static enum MHD_Result dispatch_path(dg_server *srv, struct MHD_Connection *conn,
                                     dg_api_call *call, const char *url, const char *method,
                                     request_ctx *ctx)
{
    dg_request *req = &call->req;
    dg_response *res = &call->res;
    *req = (dg_request){ .method = method, .path = url, .options = &srv->opt, .connection = conn,
                         .minor_digits = srv->minor_digits, .snapshots = srv->snapshots,
                         .auth = srv->auth, .write_lock = &srv->write_lock,
                         .audit_queue = &srv->audit_queue };
    *res = (dg_response){ .status = 200 };
    bool path_known = false;
    char allow[64] = "";
    bool head = strcmp(method, "HEAD") == 0;
    dg_error err;
    dg_error_clear(&err);
    const dg_route *route = dg_server_route_match(head ? "GET" : method, &call->path, req,
                                                  &path_known, allow, sizeof allow);
    if (!route) {
        if (path_known)
            return send_error(conn, 405, "method_not_allowed",
                              "this resource does not accept that method; see the Allow header",
                              allow);
        return send_error(conn, 404, "not_found", "no such API route; the routes are listed in "
                          "/api/openapi.json", NULL);
    }
    req->route = route;
    if (!(req->store = thread_store(srv, &err))) {
        dg_reply_failure(res, &err);
        res->status = 500;
        return send_response(conn, res, NULL);
    }
    /* a failed begin only costs the saving: each read then has its own transaction */
    dg_store *store = req->store;
    bool one_read = route->one_read && dg_store_read_begin_lazy(store, NULL) == 0;
    enum MHD_Result answered = admit_and_answer(srv, conn, call, ctx);
    if (one_read)   /* never a queued write, whose call the queue owns now */
        dg_store_read_end(store);
    return answered;
}

/* The answer of a write the write queue has run (and committed or failed) and resumed. */
static enum MHD_Result answer_queued(struct MHD_Connection *conn, request_ctx *ctx)
{
    dg_api_call *call = ctx->call;
    ctx->call = NULL;
    enum MHD_Result answered = send_response(conn, &call->res, NULL);
    free(call);
    return answered;
}

static enum MHD_Result dispatch(dg_server *srv, struct MHD_Connection *conn, const char *url,
                                const char *method, request_ctx *ctx)
{
    dg_error err;
    dg_error_clear(&err);
    dg_api_call *call = calloc(1, sizeof *call);   /* > 4 KiB: not on a pool thread's stack */
    if (!call)
        return MHD_NO;
    enum MHD_Result answered;
    if (dg_server_path_parse(ctx->raw_path, &call->path, &err) != 0) {
        dg_response res = { .status = 200 };
        dg_reply_failure(&res, &err);
        answered = send_response(conn, &res, NULL);
    } else {
        answered = dispatch_path(srv, conn, call, url, method, ctx);
    }
    if (ctx->call != call)   /* else the write queue has it */
        free(call);
    return answered;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    dg_server *srv = cls;
    request_ctx *ctx = *con_cls;
    if (!ctx)
        return MHD_NO;   /* on_uri ran out of memory */
    if (!ctx->started) {
        ctx->started = true;
        pthread_mutex_lock(&srv->flight_lock);
        srv->in_flight++;
        pthread_mutex_unlock(&srv->flight_lock);
        const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull(length, NULL, 10) > srv->opt.max_body)
            ctx->too_large = true;   /* answered once the (discarded) body has arrived */
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (ctx->too_large || ctx->len + n > srv->opt.max_body) {
            ctx->too_large = true;
            return MHD_YES;
        }
        if (ctx->len + n + 1 > ctx->cap) {
            size_t cap = ctx->cap ? ctx->cap : 1024;
            while (cap < ctx->len + n + 1)
                cap *= 2;
            char *grown = realloc(ctx->body, cap);
            if (!grown)
                return MHD_NO;
            ctx->body = grown;
            ctx->cap = cap;
        }
        memcpy(ctx->body + ctx->len, upload_data, n);
        ctx->len += n;
        ctx->body[ctx->len] = '\0';
        return MHD_YES;
    }
    if (ctx->call)
        return answer_queued(conn, ctx);
    if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0)
        return dispatch(srv, conn, url, method, ctx);
    if (ctx->too_large)
        return send_error(conn, 413, "payload_too_large", "the request body is too large", NULL);
    return serve_static(srv, conn, url, method);
}

/* The request line has arrived: the request's context, with the URL as the client sent it (the
 * one libmicrohttpd hands on_request is percent-decoded whole, so %2F would split a segment). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    request_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx && !(ctx->raw_path = strndup(uri, strcspn(uri, "?")))) {
        free(ctx);
        ctx = NULL;
    }
    return ctx;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)conn;
    (void)code;
    dg_server *srv = cls;
    request_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    if (ctx->started) {
        pthread_mutex_lock(&srv->flight_lock);
        if (--srv->in_flight == 0)
            pthread_cond_broadcast(&srv->flight_done);
        pthread_mutex_unlock(&srv->flight_lock);
    }
    free(ctx->raw_path);
    free(ctx->body);
    free(ctx->call);
    free(ctx);
    *con_cls = NULL;
}

/* The most connections the server holds at once: what its open-file limit allows beside the
 * stores (each thread's database and log), the web files and the listening socket. */
static unsigned connection_limit(unsigned threads)
{
    struct rlimit rl;
    rlim_t files = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
    rlim_t reserved = 64 + 4 * (rlim_t)threads;
    if (files == RLIM_INFINITY || files > DG_SERVER_MAX_CONNECTIONS + reserved)
        return DG_SERVER_MAX_CONNECTIONS;
    return files > reserved + 16 ? (unsigned)(files - reserved) : 16;
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

int dg_server_start(dg_server **out, const dg_server_options *opt, dg_error *err)
{
    dg_server *srv = NULL;
    dg_store *probe = NULL;
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int rc;
    *out = NULL;
    if ((rc = dg_server_check_bind(opt, err)) != 0 ||
        (rc = parse_bind(opt->bind, &addr, &addr_len, err)) != 0)
        return rc;
    if (opt->port > 65535)
        return dg_error_set(err, DG_EINVAL, "--port %u is not a port number (0-65535)", opt->port);
    /* Open once here so a missing store or an old schema is reported before listening (and the
     * migration runs once, not in every thread). */
    char currency[4];
    int minor_digits;
    if ((rc = dg_store_open(&probe, opt->db_path, opt->read_only ? DG_STORE_READONLY : 0, err)))
        return rc;
    rc = dg_store_currency(probe, currency, &minor_digits, err);
    bool users = false;
    if (rc == 0)
        rc = dg_user_any(probe, &users, err);
    dg_store_close(probe);
    if (rc != 0)
        return rc;

    if (!(srv = calloc(1, sizeof *srv)))
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    srv->minor_digits = minor_digits;
    if (!(srv->snapshots = dg_snapshot_cache_new(opt->db_path))) {
        free(srv);
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    }
    srv->opt = *opt;
    if (!(srv->auth = dg_auth_new(opt->session_idle_seconds))) {
        dg_snapshot_cache_free(srv->snapshots);
        free(srv);
        return dg_error_set(err, DG_ENOMEM, "out of memory (or libsodium cannot start)");
    }
    srv->authenticates = users;
    pthread_mutex_init(&srv->stores_lock, NULL);
    pthread_mutex_init(&srv->flight_lock, NULL);
    pthread_mutex_init(&srv->write_lock, NULL);
    dg_audit_queue_init(&srv->audit_queue);
    pthread_cond_init(&srv->flight_done, NULL);
    if (pthread_key_create(&srv->store_key, NULL) != 0) {
        rc = dg_error_set(err, DG_ENOMEM, "cannot create thread-local storage");
        goto cleanup;
    }
    srv->key_made = true;
    if ((rc = dg_store_open(&srv->writer, opt->db_path, opt->read_only ? DG_STORE_READONLY : 0,
                            err)) != 0 ||
        (rc = dg_audit_queue_start(&srv->audit_queue, srv->writer, &srv->write_lock, err)) != 0 ||
        (!opt->read_only && (rc = dg_checkpointer_start(&srv->checkpointer, opt->db_path,
                                                        srv->writer, &srv->write_lock, err)) != 0) ||
        (!opt->read_only && (rc = dg_write_queue_start(&srv->write_queue, srv->writer,
                                                       &srv->write_lock, err)) != 0))
        goto cleanup;
    if (opt->web_dir) {
        if (!(srv->web_real = realpath(opt->web_dir, NULL))) {
            rc = dg_error_set(err, DG_ENOTFOUND, "--web %s: %s", opt->web_dir, strerror(errno));
            goto cleanup;
        }
    }
    unsigned threads = opt->threads;
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (unsigned)cpus : 2;
    }
    if (addr.ss_family == AF_INET)
        ((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)opt->port);
    else
        ((struct sockaddr_in6 *)&addr)->sin6_port = htons((uint16_t)opt->port);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;   /* the write queue's */
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    bool tls = opt->tls_cert && opt->tls_key;
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        rc = dg_error_set(err, DG_EINVAL, "this libmicrohttpd was built without TLS support; "
                          "serve behind a TLS proxy instead (--behind-tls-proxy)");
        goto cleanup;
    }
    /* MHD reads the PEM texts when it starts; a bad certificate or key fails the start. With
     * no TLS the two options are skipped: MHD_OPTION_ARRAY ends at the first MHD_OPTION_END. */
    struct MHD_OptionItem tls_options[] = {
        { tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)(uintptr_t)opt->tls_cert },
        { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)opt->tls_key },
        { MHD_OPTION_END, 0, NULL },
    };
    if (tls)
        flags |= MHD_USE_TLS;
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)opt->port, NULL, NULL, on_request, srv,
        MHD_OPTION_ARRAY, tls_options,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)DG_SERVER_IDLE_SECONDS,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit(threads),
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
        MHD_OPTION_END);
    if (!srv->daemon) {
        rc = dg_error_set(err, DG_EIO, tls ? "cannot listen on %s port %u (is the port in use? "
                          "do --tls-cert and --tls-key hold a PEM certificate and its key?)"
                          : "cannot listen on %s port %u (is the port in use?)",
                          opt->bind, opt->port);
        goto cleanup;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon,
                                                           MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : opt->port;
    srv->opt.threads = threads;
    *out = srv;
    return 0;
cleanup:
    dg_server_stop(srv);
    return rc;
}

bool dg_server_authenticates(const dg_server *srv)
{
    return srv->authenticates;
}

unsigned dg_server_port(const dg_server *srv)
{
    return srv->port;
}

void dg_server_stop(dg_server *srv)
{
    if (!srv)
        return;
    if (srv->daemon) {
        MHD_quiesce_daemon(srv->daemon);   /* stop accepting; the open connections go on */
        /* MHD_stop_daemon closes every connection, answered or not: wait for the requests in
         * flight first (bounded: a client may never finish sending) */
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += DG_SERVER_DRAIN_SECONDS;
        pthread_mutex_lock(&srv->flight_lock);
        while (srv->in_flight > 0 &&
               pthread_cond_timedwait(&srv->flight_done, &srv->flight_lock, &deadline) == 0)
            continue;
        pthread_mutex_unlock(&srv->flight_lock);
        /* the queued writes answered (and their connections resumed): libmicrohttpd must not
         * stop with a connection suspended */
        dg_write_queue_stop(&srv->write_queue);
        MHD_stop_daemon(srv->daemon);
    }
    dg_write_queue_stop(&srv->write_queue);
    dg_snapshot_cache_free(srv->snapshots);
    dg_auth_free(srv->auth);
    dg_audit_queue_destroy(&srv->audit_queue);
    dg_checkpointer_stop(&srv->checkpointer);
    dg_store_close(srv->writer);
    for (size_t i = 0; i < srv->n_stores; i++)
        dg_store_close(srv->stores[i]);
    free(srv->stores);
    if (srv->key_made)
        pthread_key_delete(srv->store_key);
    pthread_mutex_destroy(&srv->stores_lock);
    pthread_mutex_destroy(&srv->flight_lock);
    pthread_mutex_destroy(&srv->write_lock);
    pthread_cond_destroy(&srv->flight_done);
    free(srv->web_real);
    free(srv);
}
