/* Independent tasks on several threads, and sums over the rows of a compressed data set with a
 * result that does not depend on how many threads: the rows are cut into fixed chunks of
 * DG__CHUNK_ROWS, each chunk's sums go to its own slot, and the slots are added in chunk order at
 * the end. Threads take the next task (a chunk) from an atomic counter (chunks differ in cost:
 * Pareto/NBD's 2F1 series), and are started for each call and joined before it returns: no
 * state outlives a call. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/parallel.h"
#include "dangol/error.h"

#define MAX_THREADS 64

typedef struct tasks {
    size_t n;
    dg__task_fn fn;
    void *ctx;
    atomic_size_t next;
} tasks;

static void *work(void *arg)
{
    tasks *ts = arg;
    for (;;) {
        size_t t = atomic_fetch_add(&ts->next, 1);
        if (t >= ts->n)
            break;
        ts->fn(t, ts->ctx);
    }
    return NULL;
}

int dg__threads_default(int threads)
{
    if (threads > 0)
        return threads < MAX_THREADS ? threads : MAX_THREADS;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
}

void dg__parallel_tasks(size_t n, dg__task_fn fn, void *ctx, int threads)
{
    tasks ts = {n, fn, ctx, 0};
    atomic_init(&ts.next, 0);
    threads = dg__threads_default(threads);
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;
    pthread_t tid[MAX_THREADS];
    int started = 0;
    while (started < threads - 1 && pthread_create(&tid[started], NULL, work, &ts) == 0)
        started++;
    work(&ts);   /* this thread works too; if no thread could start it does every task */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
}

/* The sums of one chunk of rows into its own slot. */
typedef struct sums {
    size_t n;
    int n_acc;
    dg__rows_fn fn;
    const void *ctx;
    double *partial;         /* n_chunks x n_acc */
} sums;

static void sum_chunk(size_t c, void *ctx)
{
    sums *s = ctx;
    size_t begin = c * DG__CHUNK_ROWS, end = begin + DG__CHUNK_ROWS;
    s->fn(begin, end < s->n ? end : s->n, s->partial + c * (size_t)s->n_acc, s->ctx);
}

int dg__parallel_sum(size_t n, int n_acc, dg__rows_fn fn, const void *ctx, int threads,
                     double *acc)
{
    size_t n_chunks = (n + DG__CHUNK_ROWS - 1) / DG__CHUNK_ROWS;
    sums s = {n, n_acc, fn, ctx, NULL};
    for (int k = 0; k < n_acc; k++)
        acc[k] = 0.0;
    if (n_chunks == 0)
        return 0;
    if (!(s.partial = calloc(n_chunks * (size_t)n_acc, sizeof *s.partial)))
        return DG_ENOMEM;
    dg__parallel_tasks(n_chunks, sum_chunk, &s, threads);
    for (size_t c = 0; c < n_chunks; c++)
        for (int k = 0; k < n_acc; k++)
            acc[k] += s.partial[c * (size_t)n_acc + k];
    free(s.partial);
    return 0;
}
