/* The server's checkpointer: its writer connection (http.c) does not copy the write-ahead log
 * into the store file itself (SQLite's automatic checkpoint makes the committing write, and every
 * write queued behind it, wait for the copy and its two syncs). Its commits signal this thread
 * once the log is long (dg_store_checkpoint_elsewhere), and the thread copies the log on its own
 * connection while the writes go on. A copy that finds nothing committed meanwhile leaves the log
 * wholly copied, and the next write starts it again from its beginning, so a server with pauses
 * between its writes keeps it short without ever holding a write back.
 *
 * Under writes that never pause (the group commit commits every millisecond or so) each copy
 * ends behind the log, which then grows, the copies keeping up with it. Before session 32 the
 * thread then copied once more holding the write lock, every 4,000 pages; measured under
 * bench/points.sh (BENCHMARKS.md "API burns", session 32) that held the writes off for 35-145 ms
 * each time (the copy's two syncs) about three times a second: the 99th percentile of a burn's
 * latency was that wait. Now the writes are held off only once the log passes
 * DG_CHECKPOINT_HOLD_PAGES, and only after a few more copies have made what is left small. */
#include <stdio.h>

#include "server/server.h"

/* The writer's commit (under the write lock), the log log_pages long: wake the thread once the
 * log has grown by DG_STORE_CHECKPOINT_PAGES since the last copy (or since it started again). */
static void due(void *ctx, int log_pages)
{
    dg_checkpointer *c = ctx;
    pthread_mutex_lock(&c->lock);
    int grown = log_pages >= c->copied_log ? log_pages - c->copied_log : log_pages;
    if (grown >= DG_STORE_CHECKPOINT_PAGES) {
        c->due = true;
        pthread_cond_signal(&c->work);
    }
    pthread_mutex_unlock(&c->lock);
}

/* One copy, holding the writes off or not. */
static int copy(dg_checkpointer *c, bool hold_writes, dg_checkpoint_result *done, dg_error *err)
{
    if (hold_writes)
        pthread_mutex_lock(c->write_lock);
    int rc = dg_store_checkpoint(c->store, done, err);
    if (hold_writes)
        pthread_mutex_unlock(c->write_lock);
    return rc;
}

/* Copies the log; one the writes keep ahead of and that is past its bound is copied again until
 * what is left is small (or DG_CHECKPOINT_CATCH_UP copies have not made it so), then once more
 * with the writes held off, after which it starts again at the next write. */
static int checkpoint(dg_checkpointer *c, dg_checkpoint_result *done, dg_error *err)
{
    int rc = copy(c, false, done, err);
    for (int i = 0; rc == 0 && done->left_pages > 0 &&
                    done->log_pages >= DG_CHECKPOINT_HOLD_PAGES; i++) {
        bool last = i >= DG_CHECKPOINT_CATCH_UP || done->left_pages <= DG_CHECKPOINT_LEFT_SMALL;
        rc = copy(c, last, done, err);
        if (last)
            break;
    }
    return rc;
}

static void *run(void *ctx)
{
    dg_checkpointer *c = ctx;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        if (!c->due) {
            pthread_cond_wait(&c->work, &c->lock);
            continue;
        }
        c->due = false;
        pthread_mutex_unlock(&c->lock);
        dg_error err;
        dg_error_clear(&err);
        dg_checkpoint_result done;
        if (checkpoint(c, &done, &err) != 0)   /* the log stays longer; the next commit asks */
            fprintf(stderr, "dangol serve: %s\n", err.message);
        pthread_mutex_lock(&c->lock);
        c->copied_log = done.log_pages;
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int dg_checkpointer_start(dg_checkpointer *c, const char *db_path, dg_store *writer,
                          pthread_mutex_t *write_lock, dg_error *err)
{
    *c = (dg_checkpointer){ .write_lock = write_lock };
    int rc = dg_store_open(&c->store, db_path, 0, err);
    if (rc != 0)
        return rc;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->work, NULL);
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        dg_checkpointer_stop(c);
        return dg_error_set(err, DG_ENOMEM, "cannot start the checkpointer thread");
    }
    c->started = true;
    c->writer = writer;
    dg_store_checkpoint_elsewhere(writer, due, c);
    return 0;
}

void dg_checkpointer_stop(dg_checkpointer *c)
{
    if (c->writer)   /* the writer checkpoints by itself again */
        dg_store_checkpoint_elsewhere(c->writer, NULL, NULL);
    if (c->started) {
        dg_server_thread_stop(&c->lock, &c->work, &c->stop, c->thread);
        c->started = false;
    }
    if (c->store) {
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->work);
    }
    dg_store_close(c->store);
    c->store = NULL;
}
