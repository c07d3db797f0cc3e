/* The benchmarks' clocks: wall time (monotonic) and the CPU time of the whole process (all
 * threads) — on a machine shared with other work the wall clock says more about the neighbours
 * than about the code. */
#ifndef DANGOL_BENCH_CLOCK_H
#define DANGOL_BENCH_CLOCK_H

#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
