/* The two 95% intervals of survey answers, the one place their formulas live (dangol/nps.h,
 * dangol/share.h): NPS with the adjusted-Wald interval of Rocks (2016), a share (CSAT, a repeat
 * rate) with Wilson's (1927). Loyalty, the KPIs, the card and the coupon rates count with them. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "dangol/nps.h"
#include "dangol/share.h"

/* the 0.975 quantile of the standard normal: both 95% intervals (docs/loyalty.md) */
#define Z95 1.959963984540054

dg_nps_class dg_nps_class_of(int answer)
{
    return answer >= 9 ? DG_NPS_PROMOTER : answer >= 7 ? DG_NPS_PASSIVE : DG_NPS_DETRACTOR;
}

const char *dg_nps_class_name(dg_nps_class cls)
{
    return cls == DG_NPS_PROMOTER ? "promoter" : cls == DG_NPS_PASSIVE ? "passive" : "detractor";
}

void dg_nps_from_counts(size_t promoters, size_t passives, size_t detractors, dg_nps *out)
{
    memset(out, 0, sizeof *out);
    out->promoters = promoters;
    out->passives = passives;
    out->detractors = detractors;
    out->n = promoters + passives + detractors;
    if (out->n == 0) {
        out->ci_low = -100;
        out->ci_high = 100;
        return;
    }
    double n = (double)out->n;
    out->score = 100.0 * ((double)promoters - (double)detractors) / n;
    /* adjusted Wald (Rocks 2016): n + 3 answers, 3/4 added to promoters and to detractors */
    double na = n + 3.0;
    double pp = ((double)promoters + 0.75) / na, pd = ((double)detractors + 0.75) / na;
    double centre = pp - pd;
    double var = (pp + pd - centre * centre) / na;
    double half = Z95 * sqrt(var > 0 ? var : 0);
    out->ci_low = fmax(-100.0, 100.0 * (centre - half));
    out->ci_high = fmin(100.0, 100.0 * (centre + half));
}

void dg_share_from_counts(size_t hits, size_t n, dg_share *out)
{
    memset(out, 0, sizeof *out);
    out->hits = hits;
    out->n = n;
    if (n == 0) {
        out->ci_high = 1;
        return;
    }
    double p = (double)hits / (double)n, z2 = Z95 * Z95, nn = (double)n;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = Z95 * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    out->share = p;
    out->ci_low = fmax(0.0, centre - half);
    out->ci_high = fmin(1.0, centre + half);
}
