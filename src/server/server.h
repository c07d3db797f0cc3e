/* The HTTP server behind `dangol serve`: a libmicrohttpd daemon with a thread pool that answers
 * the JSON API (/api/...) from one route table (routes.c, also the source of the OpenAPI
 * document) and serves the dashboard's files from a web directory (static.c). Each pool thread
 * opens its own store connection on first use for the read routes; the write routes share one
 * writer connection, used by one thread at a time under the server's write lock. */
#ifndef DANGOL_SERVER_H
#define DANGOL_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dangol/auth.h"
#include "dangol/error.h"
#include "dangol/followup.h"
#include "dangol/points.h"
#include "dangol/report.h"
#include "dangol/mot.h"
#include "dangol/ticket.h"
#include "dangol/store.h"
#include "dangol/table.h"

/* The chart library's file the dashboard loads, relative to the web directory (installed by
 * `make web`); served with the dashboard's own top-level files, and nothing else of the
 * directory. */
#define DG_SERVER_CHART_LIBRARY "node_modules/echarts/dist/echarts.min.js"

typedef struct dg_server dg_server;
typedef struct dg_auth dg_auth;
typedef struct dg_snapshot_cache dg_snapshot_cache;
typedef struct dg_snapshot dg_snapshot;

typedef struct dg_server_options {
    const char *db_path;      /* the store; must exist */
    const char *bind;         /* address: 127.0.0.1 (default), ::1, localhost; another only
                                 when the store has users (authentication is on) */
    unsigned port;            /* 0 = a free port chosen by the kernel */
    unsigned threads;         /* pool size; 0 = number of online CPUs */
    const char *web_dir;      /* dashboard files, or NULL for no dashboard */
    size_t max_body;          /* largest accepted request body in bytes */
    bool read_only;           /* refuse writes (POST/PUT/PATCH answer 405) */
    unsigned session_idle_seconds;  /* a session unused this long ends; 0 = the default */
    const dg_points_rules *points_rules; /* earning rules of the points routes (the caller's,
                                            alive while serving); NULL: the built-in ones */
    const dg_calendar *calendar;         /* business calendar and SLA targets of the ticket */
    const dg_ticket_sla *ticket_sla;     /* routes (the caller's); NULL: the built-in ones */
    const char *tls_cert;     /* PEM text of the certificate (chain) and of its private key */
    const char *tls_key;      /* (the caller's, alive while serving): HTTPS; NULL: plain HTTP */
    bool behind_tls_proxy;    /* the operator says a TLS proxy on this machine forwards to the
                                 server: cookies are marked Secure; loopback only */
    const dg_followup_rules *followup_rules; /* of the follow-up routes (the caller's); NULL:
                                                the built-in ones */
    const struct dg_economics_config *economics;   /* settings of the economics routes (the
                                                      caller's); NULL: the built-in ones */
    const dg_mot_cycle *mot_cycle;       /* touchpoint cycle of the MOT routes (the caller's);
                                            NULL: the built-in one */
    const struct dg_consult_types *consult_types;   /* consultation types of the card and the
                                                       type routes (the caller's); NULL: the
                                                       built-in ones */
} dg_server_options;

/* Checks that opt->bind is an address, and a loopback one unless the store at opt->db_path has
 * users (so that every request must authenticate) and the server speaks TLS itself; with
 * behind_tls_proxy, loopback only (the proxy is the one facing the network). */
int dg_server_check_bind(const dg_server_options *opt, dg_error *err);

/* Starts listening and serving in background threads. Caller stops with dg_server_stop. */
int dg_server_start(dg_server **out, const dg_server_options *opt, dg_error *err);
unsigned dg_server_port(const dg_server *server);
/* Did the store have users when the server started (so that every request authenticates)? A
 * store that gets its first user later turns authentication on at that user's first request. */
bool dg_server_authenticates(const dg_server *server);
/* Stops accepting, lets the requests in flight finish (up to DG_SERVER_DRAIN_SECONDS), joins the
 * threads, closes the stores. */
void dg_server_stop(dg_server *server);  /* NULL is a no-op */

/* ---- what routes see ---------------------------------------------------------------------- */

#define DG_ROUTE_MAX_PARAMS 4   /* {captures} of a path */
#define DG_ROUTE_MAX_QUERY 16   /* query arguments of a route */

/* Seconds of silence after which a connection is closed (an idle keep-alive one, or one that
 * sends its request too slowly), and the longest dg_server_stop waits for requests in flight. */
#define DG_SERVER_IDLE_SECONDS 10
#define DG_SERVER_DRAIN_SECONDS 30
/* Connections held at once, at most (fewer when the open-file limit is lower). */
#define DG_SERVER_MAX_CONNECTIONS 10000

typedef struct dg_route dg_route;

/* The read routes' audit entries waiting for their commit (audit.c): a request's thread queues
 * a copy of its entry and answers; the queue's writer thread, on the server's writer
 * connection, writes everything queued in one transaction. Under load it gathers a batch for up to
 * DG_AUDIT_BATCH_MICROS, so commits stay few; a request that finds the writer idle for at least
 * DG_AUDIT_BATCH_MICROS waits for its own entry's commit (a quiet server answers only what is on
 * disk), and so does one that finds DG_AUDIT_QUEUE_MAX entries waiting (a stalled store holds
 * back the readers, not memory). */
#define DG_AUDIT_BATCH_MICROS 5000
#define DG_AUDIT_QUEUE_MAX 65536
typedef struct dg_audit_pending dg_audit_pending;
typedef struct dg_audit_queue {
    pthread_mutex_t lock;
    pthread_cond_t work;            /* signalled when an entry arrives for an idle writer, or stop */
    pthread_cond_t written;         /* broadcast after each batch */
    dg_audit_pending *head, **tail;
    size_t waiting;                 /* entries queued */
    uint64_t queued, done;          /* entries ever queued; entries ever written (or lost) */
    bool busy;                      /* the writer has a batch in hand or will look again */
    bool urgent;                    /* a request waits for the entry that woke the writer */
    uint64_t idle_since;            /* when the writer last went idle (dg_server_micros) */
    bool stop;
    bool started;
    pthread_t thread;
    dg_store *store;                /* the server's writer connection (borrowed) */
    pthread_mutex_t *write_lock;    /* the server's writer lock, held for each batch */
} dg_audit_queue;
void dg_audit_queue_init(dg_audit_queue *queue);
/* Starts the writer thread, which writes on store (the server's writer connection, used only
 * under write_lock; borrowed: it must outlive the queue). */
int dg_audit_queue_start(dg_audit_queue *queue, dg_store *store, pthread_mutex_t *write_lock,
                         dg_error *err);
/* Returns once every entry queued before the call is written (GET /api/audit reads its own). */
void dg_audit_queue_sync(dg_audit_queue *queue);
/* Writes what is left, stops the thread, frees the queue. */
void dg_audit_queue_destroy(dg_audit_queue *queue);

/* The thread that copies the writer connection's write-ahead log into the store file
 * (checkpoint.c), so that no write waits for the copy. A log the writes keep ahead of is let grow
 * to DG_CHECKPOINT_HOLD_PAGES (250 MiB at 4 KiB a page: at the most burns a second measured, one
 * hold every ~5 s), then copied again up to DG_CHECKPOINT_CATCH_UP times, until at most
 * DG_CHECKPOINT_LEFT_SMALL pages are left, and the rest with the writes held off. */
#define DG_CHECKPOINT_HOLD_PAGES (16 * DG_STORE_CHECKPOINT_PAGES)
#define DG_CHECKPOINT_CATCH_UP 4
#define DG_CHECKPOINT_LEFT_SMALL 256
typedef struct dg_checkpointer {
    pthread_mutex_t lock;
    pthread_cond_t work;            /* signalled when the log is long, or stop */
    bool due, stop, started;
    int copied_log;                 /* the log's length (pages) at the last copy */
    pthread_t thread;
    dg_store *store;                /* the thread's own connection */
    dg_store *writer;               /* the connection it checkpoints for (borrowed) */
    pthread_mutex_t *write_lock;    /* the server's writer lock, held for a long log's last copy */
} dg_checkpointer;
/* Opens the thread's connection to db_path and starts it, for writer, whose commits stop
 * checkpointing by themselves. */
int dg_checkpointer_start(dg_checkpointer *checkpointer, const char *db_path, dg_store *writer,
                          pthread_mutex_t *write_lock, dg_error *err);
/* Gives writer its own checkpoints back, stops the thread and closes its connection; a zeroed
 * checkpointer (never started) is a no-op. */
void dg_checkpointer_stop(dg_checkpointer *checkpointer);

typedef struct dg_request {
    const dg_route *route;                    /* the matched route */
    const char *method;
    const char *path;
    const char *params[DG_ROUTE_MAX_PARAMS];  /* {captures} of the route path, in order,
                                                 percent-decoded, valid ids (dangol/id.h) */
    const char *body;                         /* NUL-terminated; NULL when empty */
    size_t body_len;
    dg_store *store;                          /* this thread's connection; a write route's is
                                                 the server's one writer connection */
    int minor_digits;                         /* of the store currency */
    dg_snapshot_cache *snapshots;             /* the server's shared analysis snapshots */
    const dg_server_options *options;
    void *connection;                         /* struct MHD_Connection *, for query arguments */
    dg_auth *auth;                            /* sessions and sign-in throttling (auth.c) */
    const dg_user *user;                      /* who asks (role: the token's), or NULL when the
                                                 store has no users or the route is public */
    const char *csrf;                         /* the session's CSRF token when the request came
                                                 with a session cookie, else NULL */
    int64_t token_id;                         /* the API token sent, 0 for a session or none */
    pthread_mutex_t *write_lock;              /* the server's writer lock (write routes hold it;
                                                 read routes take it to append to the audit) */
    dg_audit_queue *audit_queue;              /* the read routes' audit entries */
} dg_request;

typedef struct dg_response {
    unsigned status;
    char *body;                 /* malloc'd; freed by the server */
    size_t len;
    const char *content_type;   /* static string */
    char *location;             /* Location header (201 Created), malloc'd, or NULL */
    unsigned retry_after;       /* Retry-After header in seconds (503, 429), or 0 */
    char *set_cookie;           /* Set-Cookie header, malloc'd, or NULL */
    bool abandon;               /* the client has gone: close the connection, answer nothing */
} dg_response;

/* One API route: the single source for dispatch, the OpenAPI document and the route test. */
typedef struct dg_route_param {
    const char *name;
    const char *type;           /* OpenAPI type: "string", "integer" */
    const char *description;
} dg_route_param;

typedef void (*dg_route_fn)(dg_request *req, dg_response *res);

/* What a route does to the store. */
typedef enum dg_route_writes {
    DG_ROUTE_READS = 0,
    DG_ROUTE_WRITES = 1,           /* on the server's writer connection, under its write lock */
    DG_ROUTE_WRITES_GROUPED = 2,   /* the same, through the write queue: in one transaction with
                                      the writes queued with it, each in its own savepoint
                                      (write_queue.c); for a handler that writes only through
                                      dg_store_begin, commit and rollback (no unchecked
                                      transaction, no bulk load) */
} dg_route_writes;

struct dg_route {
    const char *method;         /* "GET", "POST", "PUT", "PATCH" */
    const char *path;           /* "/api/customers/{customer_id}" */
    dg_route_fn handler;
    const char *tag;            /* OpenAPI tag: "records", "reports", ... */
    const char *summary;
    const dg_route_param *query;/* the only query arguments accepted (others answer 400),
                                   NULL-name terminated, or NULL for none */
    const char *body_entity;    /* request body is a record of this entity, or NULL */
    const char *returns;        /* "record", "page", "table", "object" */
    dg_route_writes writes;     /* changes the store: how (true: DG_ROUTE_WRITES) */
    dg_role role;               /* the least role that may call it (DG_ROLE_NONE: anyone) */
    bool agents;                /* agents may call it too, for their own customers only */
    bool one_read;              /* reads through req->store only, opening no transaction of
                                   its own: then its admission and its answer are read in one
                                   transaction (one state of the store, one begin instead of
                                   two): the customer look-up, the most frequent request */
};

const dg_route *dg_server_routes(size_t *n_routes);
/* Whether the route's handler reads an Idempotency-Key header (the OpenAPI document declares it
 * for these; dg_request_idempotency_key asserts it). */
bool dg_route_takes_idempotency_key(const dg_route *route);

/* A URL path split at '/' and then percent-decoded segment by segment, so that an id holding a
 * '/' is one segment (sent as %2F). */
#define DG_PATH_MAX 4096
#define DG_PATH_SEGMENTS 16
typedef struct dg_path {
    char buf[DG_PATH_MAX];
    const char *segments[DG_PATH_SEGMENTS];
    size_t n_segments;
} dg_path;

/* Splits and decodes the path as the client sent it (raw, up to any '?'). DG_EINVAL (with the
 * reason) when a segment decodes to a NUL or to invalid UTF-8, DG_ERANGE when it is too long. */
int dg_server_path_parse(const char *raw, dg_path *path, dg_error *err);

/* Finds the route for method + path, filling req->params (pointing into path). NULL if none;
 * then *path_known tells a wrong method (405) from an unknown path (404), and allow receives the
 * methods of a known path (only then: a route found stops the search). */
const dg_route *dg_server_route_match(const char *method, const dg_path *path, dg_request *req,
                                      bool *path_known, char *allow, size_t allow_cap);
/* Checks every capture of req against the id rule (dangol/id.h), naming it after the template. */
int dg_server_check_params(const dg_request *req, dg_error *err);

/* The OpenAPI 3 document describing every route. Caller decrefs. */
json_t *dg_server_openapi(void);

/* ---- answering ---------------------------------------------------------------------------- */

/* Query argument (URL-decoded) or NULL. */
const char *dg_request_query(const dg_request *req, const char *name);
/* A date query argument into *day (left as is when absent); false with a 400 when malformed. */
bool dg_request_query_day(const dg_request *req, dg_response *res, const char *name,
                          int32_t *day);
/* Request header (case-insensitive name) or NULL. */
const char *dg_request_header(const dg_request *req, const char *name);
/* Non-negative integer query argument: default if absent; -1 (and a 400 in res) if invalid. */
long long dg_request_query_count(const dg_request *req, dg_response *res, const char *name,
                                 long long fallback, long long max);

/* Pages of lists and of per-customer views: ?offset (default 0) and ?limit (1 to DG_PAGE_MAX,
 * default DG_PAGE_DEFAULT); next_offset in the answer is null on the last page. */
#define DG_PAGE_DEFAULT 50
#define DG_PAGE_MAX 1000

typedef struct dg_page {
    size_t offset, limit;
} dg_page;

/* Reads ?offset and ?limit into page; false (with a 400 in res) if either is invalid. */
bool dg_request_page(const dg_request *req, dg_response *res, dg_page *page);

/* Has the client closed its connection (so the answer would go nowhere)? A look at the socket
 * that never blocks. */
bool dg_request_client_gone(const dg_request *req);
/* Answers nothing and closes the connection: for a client that has gone. */
void dg_reply_abandon(dg_response *res);

/* Sets the Location header to /api/ and the segments, each percent-encoded. */
void dg_reply_location(dg_response *res, const char *const *segments, size_t n_segments);

/* Sends value (reference stolen) as JSON with the status. */
void dg_reply_json(dg_response *res, unsigned status, json_t *value);
/* The text of the number that is member key of the JSON object body[0..len) (already parsed),
 * as written; false if the member is absent or not a number (json_number.c). */
bool dg_json_number_text(const char *body, size_t len, const char *key, const char **num,
                         size_t *num_len);
/* A money amount as an exact JSON number: jansson prints numbers through a double, which cannot
 * hold 12345678901234.57, so the amount travels as a marked string (a NUL byte, then its decimal
 * text, as dg_money_format writes it) that dg_reply_json prints bare (json_number.c). No text
 * value can hold a NUL, so nothing else is ever taken for one. */
json_t *dg_json_money(int64_t minor, int minor_digits);
/* Rewrites the marked money strings of dumped JSON text (NUL-terminated, in place) as bare
 * numbers; returns the new length. */
size_t dg_json_money_unmark(char *text);
/* {"error": {"code": code, "message": ...}} with the status. */
void dg_reply_error(dg_response *res, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The error of a failed library call, with the HTTP status its dg_status maps to (DG_EBUSY, the
 * store locked by another writer past the busy timeout: 503 with Retry-After). */
void dg_reply_failure(dg_response *res, const dg_error *err);
/* A result table as JSON (dg_table_write's shape). */
void dg_reply_table(dg_response *res, const dg_table *table);
/* The one table of a finished report (rc and err from its entry; whole, or the page's rows when
 * page is not NULL), or its failure; clears the report (reports.c). */
struct dg_report;
void dg_reply_report(dg_response *res, int rc, struct dg_report *report, const dg_error *err,
                     const dg_page *page);
/* Every table of a finished report (one as a table, several as a list of them), or its
 * failure; clears the report (reports.c). */
void dg_reply_report_tables(dg_response *res, int rc, struct dg_report *report,
                            const dg_error *err);
/* A report on the frame of the request's snapshot (reports.c): dg_snapshot_report_begin takes
 * the snapshot (dg_snapshot_get) and returns its frame (NULL after answering, as dg_snapshot_get), with report
 * empty and err clear for the entry to fill; dg_snapshot_report_reply gives the snapshot back and
 * answers with the report as dg_reply_report (rc the entry's). */
typedef struct dg_snapshot_report {
    dg_snapshot *snapshot;
    dg_report report;
    dg_error err;
} dg_snapshot_report;
const struct dg_frame *dg_snapshot_report_begin(dg_snapshot_report *job, dg_request *req,
                                                dg_response *res);
void dg_snapshot_report_reply(dg_snapshot_report *job, dg_request *req, dg_response *res,
                              int rc, const dg_page *page);

/* Answers 200 with buf (malloc'ed JSON of len bytes, taken over) if rendering it returned rc 0,
 * else frees it and answers 500. */
void dg_reply_json_text(dg_response *res, char *buf, size_t len, int rc);
/* The page's rows of a result table: the table's JSON with offset, limit and next_offset. */
void dg_reply_table_page(dg_response *res, const dg_table *table, const dg_page *page);
/* Several result tables as one JSON array. */
void dg_reply_tables(dg_response *res, dg_table *const *tables, size_t n);

/* ---- the dashboard's files (static.c) ---------------------------------------------------- */

struct stat;
/* Opens the dashboard file at the URL path inside web_root (a realpath), setting *st and its
 * *content_type; -1 when the path is not one of the dashboard's files or there is none. */
int dg_static_open(const char *web_root, const char *url, struct stat *st,
                   const char **content_type);

/* ---- analysis snapshots (snapshot.c) ------------------------------------------------------- */

dg_snapshot_cache *dg_snapshot_cache_new(const char *db_path);
void dg_snapshot_cache_free(dg_snapshot_cache *cache);  /* NULL is a no-op */
/* The frame for this request: the shared one of the store's current content, or with ?as_of
 * an earlier day a window of it (dg_frame_window: no copy; every analysis accepts one,
 * docs/snapshot.md; the 4 most recently asked days are kept until the store changes). NULL with the error answered. Give back with dg_snapshot_release. */
dg_snapshot *dg_snapshot_get(dg_request *req, dg_response *res);
const struct dg_frame *dg_snapshot_frame(const dg_snapshot *snapshot);
/* The cube over the snapshot's frame, built on first use; NULL with err on failure. */
const struct dg_cube *dg_snapshot_cube(dg_request *req, dg_snapshot *snapshot, dg_error *err);
void dg_snapshot_release(dg_request *req, dg_snapshot *snapshot);  /* NULL is a no-op */
/* Calls fn with the CLV report of the snapshot's frame for opt (the period ends at the frame's
 * as-of day, in weeks), fitting it only when the options differ from the last call's. */
struct dg_clv_options;
struct dg_clv_report;
typedef int (*dg_clv_fn)(void *ctx, const struct dg_frame *frame,
                         const struct dg_clv_report *report, dg_error *err);
int dg_snapshot_clv(dg_snapshot *snapshot, const struct dg_clv_options *opt, dg_clv_fn fn,
                    void *ctx, dg_error *err);
/* The default segmentation of the snapshot's frame (as `dangol segment`: the customer card's
 * segment), built on first use and kept with the snapshot; NULL with err when it cannot be built
 * (too few customers). Call only inside a dg_snapshot_clv fn: the CLV lock guards it. */
struct dg_segmentation;
const struct dg_segmentation *dg_snapshot_segments(dg_snapshot *snapshot, dg_error *err);

/* ---- who asks (auth.c) ------------------------------------------------------------------- */

/* A session unused this long ends (dg_server_options.session_idle_seconds default). */
#define DG_SESSION_IDLE_DEFAULT_SECONDS 1800
/* Sessions held at once; past it the longest unused one ends. */
#define DG_SESSIONS_MAX 4096
/* Failed sign-ins allowed in DG_LOGIN_WINDOW_SECONDS, per account name and per client address;
 * past them sign-in answers 429 (without looking at the password) until the window ends. */
#define DG_LOGIN_WINDOW_SECONDS 900
#define DG_LOGIN_FAILURES_PER_ACCOUNT 5
#define DG_LOGIN_FAILURES_PER_ADDRESS 20
#define DG_SESSION_COOKIE "dangol_session"
#define DG_CSRF_HEADER "X-CSRF-Token"

#define DG_SECRET_TEXT_MAX 65   /* a session id or CSRF token: 64 hex digits and a NUL */

/* Who asks: the user (with the role of their token when they sent one) and, for a session, its
 * CSRF token. */
typedef struct dg_identity {
    dg_user user;
    char csrf[DG_SECRET_TEXT_MAX];
    int64_t token_id;               /* the token sent, 0 for a session */
} dg_identity;

dg_auth *dg_auth_new(unsigned session_idle_seconds);
void dg_auth_free(dg_auth *auth);  /* NULL is a no-op */
/* Is authentication on: does the store have users? Once on, it stays on. */
bool dg_auth_required(dg_auth *auth, dg_store *store);
/* Who sends req, and may they call its route: true with req->user (and req->csrf) set, or false
 * with the refusal in res: 401 (no or a bad credential), 403 (role too low, a write by session
 * without its CSRF token, an agent asking for a customer not theirs). who holds what req->user
 * and req->csrf point to. */
bool dg_auth_admit(dg_request *req, dg_response *res, dg_identity *who);
/* Opens a session for user_id: the cookie's text and the session's CSRF token. */
void dg_auth_session_open(dg_auth *auth, int64_t user_id, char cookie[DG_SECRET_TEXT_MAX],
                          char csrf[DG_SECRET_TEXT_MAX]);
/* Ends the session of the cookie's text (none: nothing happens). */
void dg_auth_session_close(dg_auth *auth, const char *cookie);
/* Seconds until name may try to sign in again from address, 0 when it may now. */
unsigned dg_auth_throttled(dg_auth *auth, const char *name, const char *address);
/* Counts a failed sign-in against name and address, or forgets name's failures on success. */
void dg_auth_login_result(dg_auth *auth, const char *name, const char *address, bool ok);

/* ---- group commit of the writes (write_queue.c) ------------------------------------------ */

/* One API request from its dispatch to its answer (http.c): its path (req.params point into
 * it), the request, who asks (req.user points into it) and the answer. A group-commit write waits
 * in the write queue with its connection suspended while its pool thread serves others, so a
 * request lives here, not on that thread's stack. */
typedef struct dg_api_call {
    dg_path path;
    dg_request req;
    dg_identity who;
    dg_response res;
    struct dg_api_call *next;       /* in the write queue */
} dg_api_call;

/* A batch takes at most this many writes, and no more once this long has passed since it
 * began. */
#define DG_WRITE_BATCH_MAX 64
#define DG_WRITE_BATCH_MICROS 2000
typedef struct dg_write_queue {
    pthread_mutex_t lock;
    pthread_cond_t work;            /* signalled when a call arrives, or stop */
    dg_api_call *head, **tail;
    bool initialized, started, stop;
    pthread_t thread;
    dg_store *store;                /* the server's writer connection (borrowed) */
    pthread_mutex_t *write_lock;    /* the server's writer lock, held for each batch */
} dg_write_queue;
/* Starts the writer thread, which writes on store (the server's writer connection, used only
 * under write_lock; borrowed: it must outlive the queue). */
int dg_write_queue_start(dg_write_queue *queue, dg_store *store, pthread_mutex_t *write_lock,
                         dg_error *err);
/* Suspends call's connection and queues call, whose answer is in call->res when the connection
 * resumes; false (nothing done) when the queue is not running: the caller runs the write itself
 * under the write lock. Called from the route's access handler. */
bool dg_write_queue_push(dg_write_queue *queue, dg_api_call *call);
/* Writes and answers what is queued, stops the thread; a zeroed queue is a no-op. */
void dg_write_queue_stop(dg_write_queue *queue);

/* A monotonic clock in microseconds; stopping a background thread: *stop set under lock, work
 * signalled, the thread joined (threads.c). */
uint64_t dg_server_micros(void);
void dg_server_thread_stop(pthread_mutex_t *lock, pthread_cond_t *work, bool *stop,
                           pthread_t thread);

/* ---- route handlers ----------------------------------------------------------------------- */

/* meta.c */
void dg_api_openapi(dg_request *req, dg_response *res);
void dg_api_version(dg_request *req, dg_response *res);
void dg_api_stats(dg_request *req, dg_response *res);
void dg_api_vocabulary(dg_request *req, dg_response *res);
void dg_api_cube_dimensions(dg_request *req, dg_response *res);
/* auth_routes.c: signing in and out, who is signed in, the users */
void dg_api_login(dg_request *req, dg_response *res);
void dg_api_logout(dg_request *req, dg_response *res);
void dg_api_session(dg_request *req, dg_response *res);
void dg_api_users(dg_request *req, dg_response *res);
/* records.c: customers, their orders and feedback */
void dg_api_customers_list(dg_request *req, dg_response *res);
void dg_api_customers_create(dg_request *req, dg_response *res);
void dg_api_customer_get(dg_request *req, dg_response *res);
void dg_api_customer_put(dg_request *req, dg_response *res);
void dg_api_customer_patch(dg_request *req, dg_response *res);
void dg_api_customer_card(dg_request *req, dg_response *res);
void dg_api_orders_list(dg_request *req, dg_response *res);
void dg_api_orders_create(dg_request *req, dg_response *res);
void dg_api_feedback_list(dg_request *req, dg_response *res);
void dg_api_feedback_create(dg_request *req, dg_response *res);

/* reports.c: analyses of a frame of the store */
void dg_api_kpi(dg_request *req, dg_response *res);
void dg_api_cube(dg_request *req, dg_response *res);
void dg_api_rfm(dg_request *req, dg_response *res);
void dg_api_stages(dg_request *req, dg_response *res);
void dg_api_stages_funnel(dg_request *req, dg_response *res);
void dg_api_stages_migration(dg_request *req, dg_response *res);
void dg_api_stages_history(dg_request *req, dg_response *res);
void dg_api_cohorts(dg_request *req, dg_response *res);
void dg_api_clv(dg_request *req, dg_response *res);
void dg_api_loyalty(dg_request *req, dg_response *res);

/* people.c: staff and sites, consultation types */
void dg_api_staff(dg_request *req, dg_response *res);
void dg_api_types(dg_request *req, dg_response *res);

/* points.c: the points ledger */
void dg_api_points_balance(dg_request *req, dg_response *res);
void dg_api_points_statement(dg_request *req, dg_response *res);
void dg_api_points_ranking(dg_request *req, dg_response *res);
void dg_api_points_liability(dg_request *req, dg_response *res);
void dg_api_points_earn(dg_request *req, dg_response *res);
void dg_api_points_burn(dg_request *req, dg_response *res);
void dg_api_points_adjust(dg_request *req, dg_response *res);
void dg_api_points_reverse(dg_request *req, dg_response *res);

/* tiers.c: customer tiers */
void dg_api_tier_customer(dg_request *req, dg_response *res);
void dg_api_tier_distribution(dg_request *req, dg_response *res);
void dg_api_tier_migration(dg_request *req, dg_response *res);
void dg_api_tier_crosstab(dg_request *req, dg_response *res);
void dg_api_tier_evaluate(dg_request *req, dg_response *res);

/* tickets.c: VOC tickets */
#define DG_TICKET_OPEN_SCHEMA "TicketOpen"
#define DG_TICKET_ACTION_SCHEMA "TicketAction"
#define DG_TICKET_JOB_SCHEMA "TicketJob"
void dg_api_tickets_list(dg_request *req, dg_response *res);
void dg_api_tickets_breached(dg_request *req, dg_response *res);
void dg_api_tickets_at_risk(dg_request *req, dg_response *res);
void dg_api_ticket_show(dg_request *req, dg_response *res);
void dg_api_ticket_open(dg_request *req, dg_response *res);
void dg_api_ticket_assign(dg_request *req, dg_response *res);
void dg_api_ticket_start(dg_request *req, dg_response *res);
void dg_api_ticket_resolve(dg_request *req, dg_response *res);
void dg_api_ticket_close(dg_request *req, dg_response *res);
void dg_api_ticket_reopen(dg_request *req, dg_response *res);
void dg_api_ticket_comment(dg_request *req, dg_response *res);
void dg_api_tickets_escalate(dg_request *req, dg_response *res);
void dg_api_tickets_recover(dg_request *req, dg_response *res);
/* The OpenAPI schema of a ticket body (DG_TICKET_*_SCHEMA), or NULL for another name. */
json_t *dg_api_ticket_schema(const char *name);
/* followups.c: post-purchase follow-up and VOC analytics (docs/followups.md, docs/tickets.md) */
#define DG_FOLLOWUP_DONE_SCHEMA "FollowupDone"
#define DG_FOLLOWUP_SCHEDULE_SCHEMA "FollowupSchedule"
void dg_api_followups_schedule(dg_request *req, dg_response *res);
void dg_api_followups_list(dg_request *req, dg_response *res);
void dg_api_followup_done(dg_request *req, dg_response *res);
void dg_api_followups_outbox(dg_request *req, dg_response *res);
void dg_api_voc_stats(dg_request *req, dg_response *res);
void dg_api_voc_terms(dg_request *req, dg_response *res);
void dg_api_voc_search(dg_request *req, dg_response *res);
void dg_api_voc_recovery(dg_request *req, dg_response *res);
/* The OpenAPI schema of a follow-up body (DG_FOLLOWUP_*_SCHEMA), or NULL for another name. */
json_t *dg_api_followup_schema(const char *name);
/* consult.c: consultation types (docs/types.md) */
#define DG_CUSTOMER_TYPE_SCHEMA "CustomerType"
void dg_api_consult_types(dg_request *req, dg_response *res);
void dg_api_customer_type(dg_request *req, dg_response *res);
/* The OpenAPI schema of the type body (DG_CUSTOMER_TYPE_SCHEMA), or NULL for another name. */
json_t *dg_api_consult_schema(const char *name);
/* segments.c: k-means segmentation of the customers */
void dg_api_segments(dg_request *req, dg_response *res);

/* audit.c: the audit trail (dangol/audit.h) */
/* The client's address as text ("?" when unknown). */
void dg_request_client_address(const dg_request *req, char *buf, size_t cap);
/* The asker as the audit trail's actor (pointing into req and address). */
#define DG_ADDRESS_TEXT_MAX 48   /* INET6_ADDRSTRLEN and a NUL */
struct dg_audit_actor;
void dg_request_audit_actor(const dg_request *req, struct dg_audit_actor *actor,
                            char address[DG_ADDRESS_TEXT_MAX]);
/* Appends one audit entry for req: the asker (user or token, role; "anonymous" on a store
 * without users) from the client's address. detail NULL: {"route": "METHOD PATH"}. A read
 * route takes the server's write lock around the append. */
int dg_request_audit(dg_request *req, const char *action, const char *const *customers,
                     size_t n_customers, const char *reason, const char *detail, dg_error *err);
/* A write's detail: {route, before, after} with only the fields that changed, personal ones
 * masked (before NULL: a new record, "before": null). malloc'd text, NULL when out of memory. */
char *dg_audit_change_json(const dg_request *req, const dg_entity *e, json_t *before,
                           json_t *after);
void dg_api_audit(dg_request *req, dg_response *res);
/* consent.c: consent per purpose, erasure and subject access (docs/security.md) */
void dg_api_consent_show(dg_request *req, dg_response *res);
void dg_api_consent_list(dg_request *req, dg_response *res);
void dg_api_consent_grant(dg_request *req, dg_response *res);
void dg_api_consent_withdraw(dg_request *req, dg_response *res);
void dg_api_customer_erase(dg_request *req, dg_response *res);
void dg_api_customer_subject(dg_request *req, dg_response *res);
/* json_body.c: the JSON object body of a write that is no catalog record, made only of fields
 * (NULL-terminated), or NULL with the 400 answered; a text member (NULL when absent or null;
 * false with a 400 when not text); the Idempotency-Key header checked as an id (NULL when
 * absent; false with a 400 when bad). how: DG_BODY_* flags, 0 for none. */
#define DG_BODY_REALS 1u      /* integers read as reals: a number too large for jansson is
                                 refused by the field's own parser, from its text in the body */
#define DG_BODY_OPTIONAL 2u   /* no body at all reads as an empty object */
json_t *dg_request_json_fields(const dg_request *req, dg_response *res,
                               const char *const *fields, unsigned how);
bool dg_json_text_field(json_t *body, const char *name, const char **out, dg_response *res);
bool dg_request_idempotency_key(const dg_request *req, dg_response *res, const char **key);
/* coupons.c: coupon definitions, codes and redemptions */
void dg_api_coupons_list(dg_request *req, dg_response *res);
void dg_api_coupon_codes(dg_request *req, dg_response *res);
void dg_api_coupon_code(dg_request *req, dg_response *res);
void dg_api_coupon_rates(dg_request *req, dg_response *res);
void dg_api_coupon_define(dg_request *req, dg_response *res);
void dg_api_coupon_issue(dg_request *req, dg_response *res);
void dg_api_coupon_redeem(dg_request *req, dg_response *res);
void dg_api_coupon_void_definition(dg_request *req, dg_response *res);
void dg_api_coupon_void_code(dg_request *req, dg_response *res);
/* campaigns.c: campaigns with a control group */
#define DG_CAMPAIGN_CREATE_SCHEMA "CampaignCreate"
#define DG_CAMPAIGN_LAUNCH_SCHEMA "CampaignLaunch"
void dg_api_campaigns_list(dg_request *req, dg_response *res);
void dg_api_campaign_show(dg_request *req, dg_response *res);
void dg_api_campaign_results(dg_request *req, dg_response *res);
void dg_api_campaign_send_list(dg_request *req, dg_response *res);
void dg_api_campaign_create(dg_request *req, dg_response *res);
void dg_api_campaign_launch(dg_request *req, dg_response *res);
/* The bodies of the campaign writes, by schema name; NULL for another name. */
json_t *dg_api_campaign_schema(const char *name);
/* economics (economics.c) */
void dg_api_economics_cac(dg_request *req, dg_response *res);
void dg_api_economics_clv_cac(dg_request *req, dg_response *res);
void dg_api_economics_profit(dg_request *req, dg_response *res);
void dg_api_economics_retention(dg_request *req, dg_response *res);

/* churn.c: stored models and churn scores (the body of POST /api/churn/train: ChurnTrain,
 * described by dg_api_churn_schema, NULL for another name) */
#define DG_CHURN_TRAIN_SCHEMA "ChurnTrain"
void dg_api_models_list(dg_request *req, dg_response *res);
void dg_api_model_show(dg_request *req, dg_response *res);
void dg_api_churn_report(dg_request *req, dg_response *res);
void dg_api_churn_scores(dg_request *req, dg_response *res);
void dg_api_churn_distribution(dg_request *req, dg_response *res);
void dg_api_churn_train(dg_request *req, dg_response *res);
json_t *dg_api_churn_schema(const char *name);
/* lookalike.c: prospects scored by their likeness to the best customers */
void dg_api_lookalike_report(dg_request *req, dg_response *res);
void dg_api_lookalike_scores(dg_request *req, dg_response *res);
void dg_api_customer_coupons(dg_request *req, dg_response *res);
void dg_api_customer_campaigns(dg_request *req, dg_response *res);
void dg_api_order_return(dg_request *req, dg_response *res);

/* record_json.c: one store row of e as a JSON object (dates as YYYY-MM-DD, timestamps ISO 8601
 * UTC, money in the major unit, booleans true/false). Caller decrefs; NULL on out-of-memory. */
json_t *dg_record_to_json(const dg_entity *e, const dg_value *row, int minor_digits, bool mask);
/* JSON text in one growing buffer (data NUL-terminated, the caller frees it); failed once out
 * of memory or given invalid UTF-8. */
typedef struct dg_json_text {
    char *data;
    size_t len, cap;
    bool failed;
} dg_json_text;
/* The same row appended to t as text: the bytes jansson's compact dump of dg_record_to_json's
 * object gives after dg_json_money_unmark. */
void dg_record_write_json(dg_json_text *t, const dg_entity *e, const dg_value *row,
                          int minor_digits, bool mask);

/* value.c: the customer value survey reports and the write of one response */
void dg_api_value_items(dg_request *req, dg_response *res);
void dg_api_value_scores(dg_request *req, dg_response *res);
void dg_api_value_reliability(dg_request *req, dg_response *res);
void dg_api_value_drivers(dg_request *req, dg_response *res);
void dg_api_value_grid(dg_request *req, dg_response *res);
void dg_api_value_record(dg_request *req, dg_response *res);
/* mot.c: moments of truth (docs/mot.md) */
#define DG_MOT_VISIT_WRITE "MotVisitWrite"   /* the body schema of POST /api/mot/visits */
void dg_api_mot_cycle(dg_request *req, dg_response *res);
void dg_api_mot_score(dg_request *req, dg_response *res);
void dg_api_mot_weakest(dg_request *req, dg_response *res);
void dg_api_mot_visits(dg_request *req, dg_response *res);
void dg_api_mot_drivers(dg_request *req, dg_response *res);
void dg_api_mot_record(dg_request *req, dg_response *res);
json_t *dg_api_mot_visit_schema(void);
/* staff_surveys.c: the service-profit chain (docs/staff.md) */
#define DG_STAFF_SURVEY_WRITE "StaffSurveyWrite"   /* the body of POST /api/staff/surveys */
void dg_api_staff_chain(dg_request *req, dg_response *res);
void dg_api_staff_survey_record(dg_request *req, dg_response *res);
json_t *dg_api_staff_survey_schema(void);

#endif
