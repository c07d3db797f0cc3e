/* Test helper, preloaded (LD_PRELOAD) into one dangol process: its time() runs ahead of the real
 * clock by $DANGOL_TEST_CLOCK_AHEAD seconds, so a test can run `audit prune` as if years had
 * passed since the entries were written (their times are in their hashes: they cannot be moved
 * back). Only time() moves; the library reads the wall clock through it. */
#include <stdlib.h>
#include <time.h>

time_t time(time_t *out)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const char *ahead = getenv("DANGOL_TEST_CLOCK_AHEAD");
    time_t t = now.tv_sec + (ahead ? (time_t)atoll(ahead) : 0);
    if (out)
        *out = t;
    return t;
}
