/* Private to the campaign service (src/crm/campaign*.c) and its reports: a campaign's audience,
 * computed from the frame as of a day through the cube's where language (campaign_audience.c). */
#ifndef DANGOL_CRM_CAMPAIGN_H
#define DANGOL_CRM_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/cube.h"
#include "dangol/frame.h"
#include "dangol/store.h"

#define DG__CAMPAIGN_EXTRA_DIMS 7

typedef struct dg__campaign_audience {
    dg_frame *frame;
    dg_cube *cube;
    uint32_t *extra_codes[DG__CAMPAIGN_EXTRA_DIMS];  /* tier, clv_decile, p_alive, consent_*, lookalike_decile */
    size_t n;              /* members */
    uint32_t *member;      /* [n] frame customer index, in customer id order */
    uint32_t *stratum;     /* [n] code of the member's RFM segment */
    size_t n_strata;
    const char **strata;   /* [n_strata] the segments' labels (borrowed from the cube) */
} dg__campaign_audience;

/* The customers of filter (the cube's where language; "" = all) as of as_of (DG_DAY_NONE: the
 * store's last day). DG_EINVAL naming the dimension or value for a bad filter. Caller empties
 * *a with dg__campaign_audience_clear, also on failure. */
int dg__campaign_audience_build(dg__campaign_audience *a, dg_store *store, const char *filter,
                                int32_t as_of, dg_error *err);
void dg__campaign_audience_clear(dg__campaign_audience *a);

#endif
