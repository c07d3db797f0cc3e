/* Tasks and sums over rows on threads (src/core/parallel.c), with a result that does not depend
 * on the number of threads: the likelihoods of the BTYD models and the k-means passes sum with
 * it, the frame snapshot's reader decodes a column's parts with it. */
#ifndef DG_CORE_PARALLEL_H
#define DG_CORE_PARALLEL_H

#include <stddef.h>

#define DG__CHUNK_ROWS 4096
/* Adds row sums over [begin, end) into acc[0..n_acc) (acc starts at zero). */
typedef void (*dg__rows_fn)(size_t begin, size_t end, double *acc, const void *ctx);
/* acc[k] = sum over rows [0, n) of fn's k-th sum, on `threads` threads (0: the online cores);
 * the same to the last bit whatever the number of threads. DG_ENOMEM or 0. */
int dg__parallel_sum(size_t n, int n_acc, dg__rows_fn fn, const void *ctx, int threads,
                     double *acc);
/* Calls fn(t, ctx) for every task t in [0, n), each once, on `threads` threads (0: the online
 * cores; this thread among them), taking the next task from a shared counter; returns when all
 * are done. With no thread to start, this thread does every task. */
typedef void (*dg__task_fn)(size_t task, void *ctx);
void dg__parallel_tasks(size_t n, dg__task_fn fn, void *ctx, int threads);
/* threads when > 0 (at most 64), else the machine's online cores. */
int dg__threads_default(int threads);

#endif
