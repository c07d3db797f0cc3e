/* VOC analytics helpers (docs/tickets.md, "VOC analytics"): the pure parts the reports of
 * src/report/voc.c build on — a percentile, the Wilson score interval, and the splitting of
 * Korean and English ticket text into terms. No I/O, no state. */
#ifndef DANGOL_VOC_H
#define DANGOL_VOC_H

#include <stdbool.h>
#include <stddef.h>

#include "dangol/export.h"

DG_API_BEGIN

/* The p-quantile (0 <= p <= 1) of the n values in v, which it reorders (a selection, not a
 * sort: linear time): linear
 * interpolation between order statistics, Hyndman & Fan (1996) definition 7 (R's default):
 * h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). 0 when n is 0. */
double dg_voc_percentile(double *v, size_t n, double p);

/* The 95% Wilson score interval of k successes in n trials (Wilson 1927, JASA 22:209-212):
 * (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = 1.959964. Both 0 when n is 0. */
void dg_voc_wilson(double *low, double *high, long k, long n);

/* Splits text into terms: words are runs of letters and digits (Latin lower-cased); a Hangul
 * word loses its longest trailing particle (josa) from the built-in list when at least one
 * syllable stays, two for a one-syllable particle (배송이 -> 배송, 고객센터에서 -> 고객센터, 맛이
 * stays); with bigrams, a Hangul word of three or
 * more syllables also gives its overlapping syllable pairs, as Lucene's CJKBigramFilter does
 * (고객센터 -> 고객, 객센, 센터). Words of one character and the stop words are left out. fn is
 * called with each term (not NUL-terminated) and its length; its nonzero return stops. */
typedef int (*dg_voc_term_fn)(void *ctx, const char *term, size_t len);
int dg_voc_terms(const char *text, bool bigrams, dg_voc_term_fn fn, void *ctx);

DG_API_END

#endif
