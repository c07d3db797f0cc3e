/* Sums over the rows of a compressed data set on several threads, with a result that does not
 * depend on how many: the rows are cut into fixed chunks of DG__CHUNK_ROWS, each chunk's sums go
 * to its own slot, and the slots are added in chunk order at the end. Threads take the next chunk
 * from an atomic counter (chunks differ in cost: Pareto/NBD's 2F1 series), and are started for
 * each call and joined before it returns: no state outlives a call. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/parallel.h"
#include "dangol/error.h"

#define MAX_THREADS 64

typedef struct job {
    size_t n, n_chunks;
    int n_acc;
    dg__rows_fn fn;
    const void *ctx;
    double *partial;         /* n_chunks x n_acc */
    atomic_size_t next;
} job;

static void *work(void *arg)
{
    job *jb = arg;
    for (;;) {
        size_t c = atomic_fetch_add(&jb->next, 1);
        if (c >= jb->n_chunks)
            break;
        size_t begin = c * DG__CHUNK_ROWS, end = begin + DG__CHUNK_ROWS;
        jb->fn(begin, end < jb->n ? end : jb->n, jb->partial + c * (size_t)jb->n_acc, jb->ctx);
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

int dg__parallel_sum(size_t n, int n_acc, dg__rows_fn fn, const void *ctx, int threads,
                     double *acc)
{
    job jb = {n, (n + DG__CHUNK_ROWS - 1) / DG__CHUNK_ROWS, n_acc, fn, ctx, NULL, 0};
    for (int k = 0; k < n_acc; k++)
        acc[k] = 0.0;
    if (jb.n_chunks == 0)
        return 0;
    if (!(jb.partial = calloc(jb.n_chunks * (size_t)n_acc, sizeof *jb.partial)))
        return DG_ENOMEM;
    atomic_init(&jb.next, 0);
    threads = dg__threads_default(threads);
    if ((size_t)threads > jb.n_chunks)
        threads = (int)jb.n_chunks;
    pthread_t tid[MAX_THREADS];
    int started = 0;
    while (started < threads - 1 && pthread_create(&tid[started], NULL, work, &jb) == 0)
        started++;
    work(&jb);   /* this thread works too; if no thread could start it does every chunk */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    for (size_t c = 0; c < jb.n_chunks; c++)
        for (int k = 0; k < n_acc; k++)
            acc[k] += jb.partial[c * (size_t)n_acc + k];
    free(jb.partial);
    return 0;
}
