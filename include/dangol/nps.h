/* The Net Promoter Score of 0-10 answers: % promoters (9-10) - % detractors (0-6) on -100..100,
 * with the adjusted-Wald 95% interval of Rocks (2016, "Interval estimation for the Net Promoter
 * Score", The American Statistician 70(4)): 3/4 of an answer added to promoters and to
 * detractors, 3/2 to passives, z = 1.959963984540054 (the 0.975 quantile of the standard
 * normal). The one place the thresholds live: loyalty, the KPIs and the card count with it. */
#ifndef DANGOL_NPS_H
#define DANGOL_NPS_H

#include <stddef.h>

#include "dangol/export.h"

DG_API_BEGIN

typedef enum { DG_NPS_DETRACTOR, DG_NPS_PASSIVE, DG_NPS_PROMOTER } dg_nps_class;

/* The class of an answer 0..10: promoter 9-10, passive 7-8, detractor 0-6. No error. */
dg_nps_class dg_nps_class_of(int answer);
/* "promoter", "passive" or "detractor": a static string. */
const char *dg_nps_class_name(dg_nps_class cls);

typedef struct dg_nps {
    size_t n, promoters, passives, detractors;
    double score;                 /* -100..100; 0 when n = 0 */
    double ci_low, ci_high;       /* adjusted-Wald 95%; -100..100 when n = 0 */
} dg_nps;

/* Fills out (the caller's) from the counts. No error, nothing to free. */
void dg_nps_from_counts(size_t promoters, size_t passives, size_t detractors, dg_nps *out);

DG_API_END

#endif
