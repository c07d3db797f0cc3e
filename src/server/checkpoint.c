/* The server's checkpointer: its writer connection (http.c) no longer copies the write-ahead log
 * into the store file after every thousandth commit, which made that commit, and every write
 * queued behind it on the write lock, wait for the copy and a sync. Its commits signal this
 * thread instead once the log is long (dg_store_checkpoint_elsewhere), and the thread copies it
 * on its own connection while the writers go on, then once more holding the write lock, which
 * leaves only what was committed meanwhile to copy: the log is then wholly copied with no write
 * in progress, so the next write starts it again from its beginning and it stays short. */
#include <stdio.h>

#include "server/server.h"

/* The writer's commit (under the write lock): wake the thread. */
static void due(void *ctx)
{
    dg_checkpointer *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->due = true;
    pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->lock);
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
        int rc = dg_store_checkpoint(c->store, &err);
        if (rc == 0) {
            pthread_mutex_lock(c->write_lock);
            rc = dg_store_checkpoint(c->store, &err);
            pthread_mutex_unlock(c->write_lock);
        }
        if (rc != 0)   /* the log stays longer; the next commit asks again */
            fprintf(stderr, "dangol serve: %s\n", err.message);
        pthread_mutex_lock(&c->lock);
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
