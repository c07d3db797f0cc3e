/* Group commit of the write routes that allow it (DG_ROUTE_WRITES_GROUPED): a pool thread hands
 * such a request to the write queue and suspends its connection (libmicrohttpd's suspend/resume,
 * so the thread goes on serving other connections); the queue's writer thread takes what is
 * queued, opens one transaction on the server's writer connection (dg_store_group_begin), runs
 * each request's handler inside its own savepoint, commits once, and only then resumes the
 * connections, which send their answers. So each write stays atomic and isolated (it runs alone,
 * in its savepoint, seeing the writes before it; one that answers an error, a 409 shortfall or a
 * bad body, is rolled back to its savepoint and the others stay) and no answer leaves before the
 * commit that holds its write; what is shared is the commit, its log writes and its lock, which
 * are most of a small write's cost (a burn's ten pages are mostly the same few pages for the
 * whole batch: the ledger's and the audit trail's last pages, their indexes' last pages). If the
 * commit fails, or the transaction is lost under the batch, every request of the batch is
 * answered with the error and nothing of it is written.
 *
 * This is the group commit of PostgreSQL (src/backend/access/transam/xlog.c, XLogFlush: the
 * backend that gets the WAL write lock flushes the records of every transaction waiting behind
 * it, and commit_delay / commit_siblings let it wait a little for more), and of InnoDB's binary
 * log group commit. Like PostgreSQL with commit_delay = 0, the writer never waits for a batch to
 * fill: a batch is what queued up while the previous one ran, so a quiet server commits each
 * write at once. A batch takes at most DG_WRITE_BATCH_MAX requests and stops taking more once
 * DG_WRITE_BATCH_MICROS have passed since it began, which bounds what a request waits for the
 * others of its batch. */
#include <stdio.h>
#include <stdlib.h>

#include <microhttpd.h>

#include "server/server.h"

/* The next queued call, or NULL. */
static dg_api_call *take(dg_write_queue *q)
{
    pthread_mutex_lock(&q->lock);
    dg_api_call *call = q->head;
    if (call && !(q->head = call->next))
        q->tail = &q->head;
    pthread_mutex_unlock(&q->lock);
    if (call)
        call->next = NULL;
    return call;
}

/* Runs call's handler in its own savepoint: kept when it answers a success, rolled back when it
 * answers an error. Nonzero (with err) when the group's transaction is lost. */
static int run_one(dg_store *store, dg_api_call *call, dg_error *err)
{
    dg_request *req = &call->req;
    dg_response *res = &call->res;
    req->store = store;
    if (dg_request_client_gone(req)) {   /* it left while queued: nothing to write for it */
        dg_reply_abandon(res);
        return 0;
    }
    int rc = dg_store_begin(store, err);
    if (rc != 0) {
        dg_reply_failure(res, err);
        return rc;
    }
    req->route->handler(req, res);
    if (!res->content_type)
        dg_reply_error(res, 500, "internal", "the route produced no answer");
    if (res->status < 400)
        rc = dg_store_commit(store, err);
    else
        dg_store_rollback(store);
    if (rc == 0 && !dg_store_group_intact(store))
        rc = dg_error_set(err, DG_ESTORE, "the transaction of the batch was lost");
    return rc;
}

/* Every request of a batch that was not written answers why (a request whose own answer is an
 * error keeps it: it wrote nothing either way). */
static void fail_batch(dg_api_call *const *batch, size_t n, const dg_error *why)
{
    dg_error err = *why;
    if (n > 1)
        snprintf(err.message, sizeof err.message, "nothing was written: the transaction it "
                 "shared with %zu other writes failed: %s", n - 1, why->message);
    else
        snprintf(err.message, sizeof err.message, "nothing was written: %s", why->message);
    for (size_t i = 0; i < n; i++)
        if (batch[i]->res.status < 400 || !batch[i]->res.content_type)
            dg_reply_failure(&batch[i]->res, &err);
}

/* One batch, from first (taken already): the calls, run and committed under the write lock,
 * then answered. */
static void run_batch(dg_write_queue *q, dg_api_call *first)
{
    dg_api_call *batch[DG_WRITE_BATCH_MAX];
    size_t n = 0;
    dg_error err;
    dg_error_clear(&err);
    uint64_t began = dg_server_micros();
    pthread_mutex_lock(q->write_lock);
    int rc = dg_store_group_begin(q->store, &err);
    batch[n++] = first;
    if (rc == 0)
        rc = run_one(q->store, first, &err);
    dg_api_call *call;
    while (rc == 0 && n < DG_WRITE_BATCH_MAX &&
           dg_server_micros() - began < DG_WRITE_BATCH_MICROS && (call = take(q))) {
        batch[n++] = call;
        rc = run_one(q->store, call, &err);
    }
    if (rc == 0)
        rc = dg_store_group_commit(q->store, &err);
    else
        dg_store_group_rollback(q->store);
    pthread_mutex_unlock(q->write_lock);
    if (rc != 0)
        fail_batch(batch, n, &err);
    for (size_t i = 0; i < n; i++)   /* the answers leave only now, after the commit */
        MHD_resume_connection(batch[i]->req.connection);
}

/* The writer thread: a batch whenever calls wait; it leaves when stopped with none left. */
static void *writer(void *arg)
{
    dg_write_queue *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (!q->head && !q->stop)
            pthread_cond_wait(&q->work, &q->lock);
        bool done = !q->head;
        pthread_mutex_unlock(&q->lock);
        if (done)
            return NULL;
        run_batch(q, take(q));
    }
}

int dg_write_queue_start(dg_write_queue *q, dg_store *store, pthread_mutex_t *write_lock,
                         dg_error *err)
{
    *q = (dg_write_queue){ .tail = &q->head, .store = store, .write_lock = write_lock };
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->work, NULL);
    q->initialized = true;
    if (pthread_create(&q->thread, NULL, writer, q) != 0)
        return dg_error_set(err, DG_ENOMEM, "cannot start the write queue's thread");
    q->started = true;
    return 0;
}

bool dg_write_queue_push(dg_write_queue *q, dg_api_call *call)
{
    if (!q->initialized)
        return false;
    pthread_mutex_lock(&q->lock);
    bool open = q->started && !q->stop;
    if (open) {
        /* suspended before the writer can see it, so its resume always follows the suspend */
        MHD_suspend_connection(call->req.connection);
        call->next = NULL;
        *q->tail = call;
        q->tail = &call->next;
        pthread_cond_signal(&q->work);
    }
    pthread_mutex_unlock(&q->lock);
    return open;
}

void dg_write_queue_stop(dg_write_queue *q)
{
    if (!q->initialized)
        return;
    if (q->started)
        dg_server_thread_stop(&q->lock, &q->work, &q->stop, q->thread);
    pthread_cond_destroy(&q->work);
    pthread_mutex_destroy(&q->lock);
    q->initialized = false;
}
