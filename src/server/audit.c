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
#include <time.h>

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

/* ---- the read routes' queue ---------------------------------------------------------------
 * A commit per look-up would make the server's look-ups several times slower (each commit
 * writes WAL frames under the write lock), and writing the entries on a pool thread would take
 * that thread from answering. So a read route queues a copy of its entry and answers; the
 * queue's writer thread writes all that is queued in one transaction, then, if more came
 * meanwhile (the server is busy), waits out DG_AUDIT_BATCH_MICROS from the previous batch's
 * start before the next, so a loaded server commits about two hundred times a second whatever
 * its rate (each commit also costs the readers: a WAL connection drops its page cache when it
 * finds another's commit, so fewer commits make the look-ups cheaper too). A request that finds
 * the writer idle for DG_AUDIT_BATCH_MICROS or longer waits for its own entry, written at once
 * (a quiet server, and every test that reads the trail after a request, sees it committed), and
 * so does one that finds the queue full. One that finds it idle for less is under load and is
 * batched like the rest: were it to wait, a thread answering a stream of requests alone (all
 * of a client's connections accepted by one pool thread, or --threads 1) would wait for a
 * commit per request, and its requests would come slower still, so the writer would always be
 * idle when the next came: 2,000 look-ups a second instead of 10,000 (BENCHMARKS.md, "HTTP").
 * The price: under load an answer may leave up to about ten milliseconds before its entry is
 * committed (a crash then loses it), and a failed write (the store locked past its busy
 * timeout) is reported on standard error, not to the client. */

struct dg_audit_pending {
    dg_audit_pending *next;
    dg_audit_actor actor;
    dg_audit_event event;
    const char **customers;
    char *text;                 /* the strings, one block */
};

void dg_audit_queue_init(dg_audit_queue *q)
{
    *q = (dg_audit_queue){ .tail = &q->head };
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->written, NULL);
}

static void pending_free(dg_audit_pending *p)
{
    while (p) {
        dg_audit_pending *next = p->next;
        free(p->customers);
        free(p->text);
        free(p);
        p = next;
    }
}

/* Copies s into the block at *at; NULL stays NULL. */
static const char *put(char **at, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*at, s, n);
    *at += n;
    return *at - n;
}

static dg_audit_pending *pending_copy(const dg_audit_actor *a, const dg_audit_event *e)
{
    size_t len = strlen(a->kind) + strlen(a->name ? a->name : "") + strlen(a->origin) +
                 strlen(e->action) + (e->reason ? strlen(e->reason) : 0) +
                 (e->detail ? strlen(e->detail) : 0) + 6;
    for (size_t i = 0; i < e->n_customers; i++)
        len += strlen(e->customers[i]) + 1;
    dg_audit_pending *p = calloc(1, sizeof *p);
    char *at = p ? (p->text = malloc(len)) : NULL;
    if (at && e->n_customers)
        p->customers = malloc(e->n_customers * sizeof *p->customers);
    if (!at || (e->n_customers && !p->customers)) {
        pending_free(p);
        return NULL;
    }
    p->actor = *a;
    p->actor.kind = put(&at, a->kind);
    p->actor.name = put(&at, a->name ? a->name : "");
    p->actor.origin = put(&at, a->origin);
    p->event = (dg_audit_event){ .action = put(&at, e->action), .reason = put(&at, e->reason),
                                 .detail = put(&at, e->detail), .customers = p->customers,
                                 .n_customers = e->n_customers };
    for (size_t i = 0; i < e->n_customers; i++)
        p->customers[i] = put(&at, e->customers[i]);
    return p;
}

/* Writes the batch in one transaction under the server's write lock. */
static void write_batch(dg_audit_queue *q, dg_audit_pending *batch)
{
    dg_error err;
    dg_error_clear(&err);
    size_t n = 0, i = 0;
    for (dg_audit_pending *p = batch; p; p = p->next)
        n++;
    dg_audit_actor *actors = malloc(n * sizeof *actors);
    dg_audit_event *events = malloc(n * sizeof *events);
    int rc = actors && events ? 0 : dg_error_set(&err, DG_ENOMEM, "out of memory");
    for (dg_audit_pending *p = batch; rc == 0 && p; p = p->next, i++) {
        actors[i] = p->actor;
        events[i] = p->event;
    }
    if (rc == 0) {
        pthread_mutex_lock(q->write_lock);
        rc = dg_audit_append_all(q->store, actors, events, n, NULL, &err);
        pthread_mutex_unlock(q->write_lock);
    }
    free(actors);
    free(events);
    if (rc != 0)
        fprintf(stderr, "dangol serve: %zu audit entries could not be written: %s\n", n,
                err.message);
}

/* The writer thread: a batch whenever entries wait, at most one per DG_AUDIT_BATCH_MICROS while
 * they keep coming; it leaves when stopped with nothing left to write. */
static void *writer(void *arg)
{
    dg_audit_queue *q = arg;
    uint64_t last_start = 0;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->head && !q->stop) {
            if (q->busy)
                q->idle_since = dg_server_micros();
            q->busy = false;
            pthread_cond_wait(&q->work, &q->lock);
        }
        if (!q->head)
            break;
        q->busy = true;
        uint64_t since = dg_server_micros() - last_start;
        if (!q->urgent && !q->stop && q->waiting < DG_AUDIT_QUEUE_MAX &&
            since < DG_AUDIT_BATCH_MICROS) {
            pthread_mutex_unlock(&q->lock);   /* let the batch grow */
            long wait = (long)(DG_AUDIT_BATCH_MICROS - since) * 1000;
            nanosleep(&(struct timespec){ .tv_nsec = wait }, NULL);
            pthread_mutex_lock(&q->lock);
        }
        last_start = dg_server_micros();
        q->urgent = false;
        dg_audit_pending *batch = q->head;
        uint64_t through = q->queued;
        q->head = NULL;
        q->tail = &q->head;
        q->waiting = 0;
        pthread_mutex_unlock(&q->lock);
        write_batch(q, batch);
        pending_free(batch);
        pthread_mutex_lock(&q->lock);
        q->done = through;
        pthread_cond_broadcast(&q->written);
    }
    q->busy = false;
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

int dg_audit_queue_start(dg_audit_queue *q, dg_store *store, pthread_mutex_t *write_lock,
                         dg_error *err)
{
    q->store = store;
    q->write_lock = write_lock;
    if (pthread_create(&q->thread, NULL, writer, q) != 0) {
        q->store = NULL;
        return dg_error_set(err, DG_ENOMEM, "cannot start the audit trail's writer thread");
    }
    q->started = true;
    return 0;
}

void dg_audit_queue_sync(dg_audit_queue *q)
{
    pthread_mutex_lock(&q->lock);
    uint64_t through = q->queued;
    while (q->started && q->done < through)
        pthread_cond_wait(&q->written, &q->lock);
    pthread_mutex_unlock(&q->lock);
}

void dg_audit_queue_destroy(dg_audit_queue *q)
{
    if (q->started)
        dg_server_thread_stop(&q->lock, &q->work, &q->stop, q->thread);
    pending_free(q->head);
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->written);
    pthread_mutex_destroy(&q->lock);
}

/* Queues the entry for the writer; waits for its commit when the writer was idle for
 * DG_AUDIT_BATCH_MICROS or more (or the queue is full). */
static int enqueue(dg_audit_queue *q, const dg_audit_actor *actor, const dg_audit_event *ev,
                   dg_error *err)
{
    dg_audit_pending *p = pending_copy(actor, ev);
    if (!p)
        return dg_error_set(err, DG_ENOMEM, "out of memory");
    pthread_mutex_lock(&q->lock);
    *q->tail = p;
    q->tail = &p->next;
    uint64_t mine = ++q->queued;
    bool wait;
    if (!q->busy) {
        q->busy = true;
        q->waiting = 1;
        q->urgent = wait = dg_server_micros() - q->idle_since >= DG_AUDIT_BATCH_MICROS;
        pthread_cond_signal(&q->work);
    } else {
        wait = ++q->waiting >= DG_AUDIT_QUEUE_MAX;
    }
    while (wait && q->done < mine)
        pthread_cond_wait(&q->written, &q->lock);
    pthread_mutex_unlock(&q->lock);
    return 0;
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
    if (!ev.action || (ev.reason && strlen(ev.reason) > DG_AUDIT_REASON_MAX))
        return dg_error_set(err, DG_EINVAL, "a bad audit entry");
    /* a write route appends inside its own transaction; a read route queues */
    if (req->route->writes || !req->audit_queue || !req->audit_queue->started)
        return dg_audit_append(req->store, &actor, &ev, NULL, err);
    return enqueue(req->audit_queue, &actor, &ev, err);
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
    dg_audit_queue_sync(req->audit_queue);   /* the trail as of this request, read routes' too */
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
