/* dg_lgamma: log|Γ(x)| without the C library's lgamma(), which writes the process-wide `signgam`
 * and so races when two threads fit or simulate at once (ThreadSanitizer reported it in the
 * server). lgamma_r returns the sign through an argument instead; the value is the same. */
#ifndef DG_CORE_LGAMMA_H
#define DG_CORE_LGAMMA_H

#include <math.h>

static inline double dg_lgamma(double x)
{
    int sign;
    return lgamma_r(x, &sign);
}

#endif
