/* What the server's background threads (the audit queue's writer, the write queue's, the
 * checkpointer) share: a monotonic clock, and stopping one (set its stop flag under its lock,
 * wake it, wait for it to leave). */
#include <time.h>

#include "server/server.h"

uint64_t dg_server_micros(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

void dg_server_thread_stop(pthread_mutex_t *lock, pthread_cond_t *work, bool *stop,
                           pthread_t thread)
{
    pthread_mutex_lock(lock);
    *stop = true;
    pthread_cond_signal(work);
    pthread_mutex_unlock(lock);
    pthread_join(thread, NULL);
}
