/* A share of hits among n (CSAT's 4-5 answers, a repeat or redemption rate) with the Wilson
 * (1927) 95% score interval, z = 1.959963984540054 (the 0.975 quantile of the standard
 * normal). */
#ifndef DANGOL_SHARE_H
#define DANGOL_SHARE_H

#include <stddef.h>

#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_share {
    size_t n, hits;
    double share, ci_low, ci_high;  /* Wilson 95%; share 0 and 0..1 when n = 0 */
} dg_share;

/* Fills out (the caller's) from the counts, hits <= n. No error, nothing to free. */
void dg_share_from_counts(size_t hits, size_t n, dg_share *out);

DG_API_END

#endif
