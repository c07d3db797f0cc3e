/* Checkpoints off the writer's path (dg_store_checkpoint_elsewhere, dg_store_checkpoint): a
 * writer whose commits leave the write-ahead log long calls its due function instead of copying
 * the log itself; another connection's dg_store_checkpoint copies it, and the next write then
 * starts the log again from its beginning; due NULL gives the writer its own checkpoints back.
 * A log file grown past DG_STORE_WAL_KEEP_BYTES is cut back to it when the log starts again. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dangol/store.h"
#include "support.h"

static char path[64];

static void due(void *ctx, int log_pages)
{
    cr_assert_geq(log_pages, DG_STORE_CHECKPOINT_PAGES);
    (*(int *)ctx)++;
}

/* Writes n customers with name_bytes-long names in one transaction (with 200 bytes about
 * n / 16 pages of the log). */
static void write_customers_named(dg_store *store, int from, int n, size_t name_bytes)
{
    dg_error err;
    const dg_entity *customers = dg_entity_find("customers");
    dg_value row[32];
    char id[32], name[2001];
    cr_assert_lt(name_bytes, sizeof name);
    memset(name, 'n', name_bytes);
    name[name_bytes] = '\0';
    cr_assert_eq(dg_store_begin(store, &err), 0, "%s", err.message);
    for (int i = from; i < from + n; i++) {
        for (size_t c = 0; c < customers->n_columns; c++)
            row[c] = (dg_value){ .is_null = true };
        snprintf(id, sizeof id, "C%08d", i);
        row[0] = (dg_value){ .u.s = id };
        for (size_t c = 0; c < customers->n_columns; c++)
            if (strcmp(customers->columns[c].name, "name") == 0)
                row[c] = (dg_value){ .u.s = name };
        cr_assert_eq(dg_store_put(store, customers, row, &err), 0, "%s", err.message);
    }
    cr_assert_eq(dg_store_commit(store, &err), 0, "%s", err.message);
}

static void write_customers(dg_store *store, int from, int n)
{
    write_customers_named(store, from, n, 200);
}

static long long file_bytes(const char *file)
{
    struct stat st;
    return stat(file, &st) == 0 ? (long long)st.st_size : -1;
}

Test(store_checkpoint, a_long_log_is_left_to_another_connection)
{
    dg_error err;
    dg_store *writer = test_store_create(path, sizeof path, "checkpoint");
    dg_store *checkpointer = NULL;
    cr_assert_eq(dg_store_open(&checkpointer, path, 0, &err), 0, "%s", err.message);
    int calls = 0;
    dg_store_checkpoint_elsewhere(writer, due, &calls);
    write_customers(writer, 0, 100);
    cr_assert_eq(calls, 0, "a short log asked for a checkpoint");
    write_customers(writer, 100, 100000);
    cr_assert_gt(calls, 0, "a log past %d pages did not ask", DG_STORE_CHECKPOINT_PAGES);
    dg_checkpoint_result done;
    cr_assert_eq(dg_store_checkpoint(checkpointer, &done, &err), 0, "%s", err.message);
    cr_assert_gt(done.log_pages, DG_STORE_CHECKPOINT_PAGES);
    cr_assert_eq(done.left_pages, 0, "no write was in progress, yet %d pages were left",
                 done.left_pages);
    int before = calls;
    write_customers(writer, 200000, 10);   /* starts the copied log again: a short log */
    cr_assert_eq(calls, before, "the log did not start again after the checkpoint");
    /* its own checkpoints back: a long log no longer asks */
    dg_store_checkpoint_elsewhere(writer, NULL, NULL);
    write_customers(writer, 300000, 100000);
    cr_assert_eq(calls, before);
    dg_store_close(checkpointer);
    dg_store_close(writer);
    test_remove_store(path);
}

/* A big import into a server's store leaves a long log (the server copies it off the writer's
 * path, and under load may let it reach ~250 MiB); once a checkpoint has copied it all, the next
 * write starts the log again and its file shrinks to DG_STORE_WAL_KEEP_BYTES, not staying at the
 * import's size. */
Test(store_checkpoint, a_long_log_file_is_cut_back_after_its_checkpoint)
{
    dg_error err;
    dg_store *writer = test_store_create(path, sizeof path, "walsize");
    dg_store *checkpointer = NULL;
    cr_assert_eq(dg_store_open(&checkpointer, path, 0, &err), 0, "%s", err.message);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    int calls = 0;
    dg_store_checkpoint_elsewhere(writer, due, &calls);
    write_customers_named(writer, 0, 60000, 1500);   /* about 2 rows a page: ~120 MiB */
    long long imported = file_bytes(wal);
    cr_assert_gt(imported, DG_STORE_WAL_KEEP_BYTES, "the import's log is only %lld bytes",
                 imported);
    dg_checkpoint_result done;
    cr_assert_eq(dg_store_checkpoint(checkpointer, &done, &err), 0, "%s", err.message);
    cr_assert_eq(done.left_pages, 0);
    write_customers(writer, 100000, 10);   /* starts the log again */
    long long after = file_bytes(wal);
    cr_assert_leq(after, DG_STORE_WAL_KEEP_BYTES, "the log file stayed at %lld bytes (the import "
                  "left %lld)", after, imported);
    cr_assert_gt(after, 0);
    dg_store_close(checkpointer);
    dg_store_close(writer);
    test_remove_store(path);
}
