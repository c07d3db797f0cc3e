/* Campaigns with a control group (docs/campaigns.md). A campaign names its audience as a filter
 * in the cube's where language over the customers and their analytics (region, age, gender,
 * segment, stage, activity, ... of the cube, plus tier, clv_decile, p_alive and consent_email /
 * consent_sms / consent_phone), the share of the audience held back as a control group (drawn
 * per RFM segment from a seed, dangol/uplift.h), the offer (a coupon definition, bonus points,
 * or none), the channel of its send list (a consent purpose) and a response window in days.
 * Launching computes the audience as of the day before the launch day, draws the groups, and in
 * one BEGIN IMMEDIATE transaction freezes them in the store, issues the coupon or grants the
 * points to the treatment group only and writes the campaign.launch audit entry. A campaign is
 * launched once: a second launch (or the losers of concurrent ones) gets DG_ECONFLICT and
 * changes nothing; an idempotency key makes a retried launch answer the first result. */
#ifndef DANGOL_CAMPAIGN_H
#define DANGOL_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dangol/error.h"
#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_store dg_store;
struct dg_audit_actor;
struct dg_points_rules;

#define DG_CAMPAIGN_ID_MAX 256
#define DG_CAMPAIGN_MAX_WINDOW 3660     /* days */
#define DG_CAMPAIGN_TODAY INT32_MIN

typedef enum dg_campaign_offer {
    DG_CAMPAIGN_OFFER_NONE,
    DG_CAMPAIGN_OFFER_COUPON,
    DG_CAMPAIGN_OFFER_POINTS
} dg_campaign_offer;

/* "none", "coupon", "points". */
const char *dg_campaign_offer_code(dg_campaign_offer offer);

typedef struct dg_campaign {
    const char *campaign_id;       /* an id (dangol/id.h) */
    const char *name;              /* free text, or NULL */
    const char *audience;          /* the where filter; NULL or "": every customer */
    int64_t control_share_bp;      /* hundredths of a percent, 1..9999 (10% = 1000) */
    uint64_t seed;
    dg_campaign_offer offer;
    const char *coupon_definition; /* offer coupon */
    int64_t offer_points;          /* offer points: 1..DG_POINTS_MAX_AMOUNT */
    const char *channel;           /* a consent purpose (code or name); NULL: marketing_sms */
    int32_t window_days;           /* 1..DG_CAMPAIGN_MAX_WINDOW */
} dg_campaign;

/* A share as a user writes it: "0.1", "10%", "12.5%"; strictly between 0 and 1 (DG_ERANGE
 * otherwise, DG_EPARSE for text that is not a number), to 1/100 of a percent. */
int dg_campaign_share_parse(const char *text, int64_t *bp, dg_error *err);

typedef struct dg_campaign_write {
    const char *actor;             /* NULL: "system" */
    const char *idempotency_key;   /* NULL: none */
    const struct dg_audit_actor *audit;  /* the write's audit entry commits with it; NULL: none */
} dg_campaign_write;

/* Stores a new campaign after checking it: the id (DG_EINVAL), the share (DG_ERANGE), the
 * window (DG_ERANGE), the channel (DG_EINVAL naming the purposes), the coupon definition
 * (DG_ENOTFOUND; DG_ECONFLICT when voided), the points amount (DG_ERANGE) and the audience,
 * parsed against the store's data (DG_EINVAL with the cube's message naming the dimension or
 * the value). DG_EEXIST when the id exists. */
int dg_campaign_create(bool *replayed, dg_store *store, const dg_campaign *c,
                       const dg_campaign_write *w, dg_error *err);

typedef struct dg_campaign_launch_result {
    int64_t members, treatment, control;
    int64_t coupons_issued;        /* codes issued to the treatment group */
    int64_t points_granted;        /* points granted in all */
    int32_t launched_on;
    int32_t audience_as_of;
    bool replayed;
} dg_campaign_launch_result;

/* Launches campaign_id on day (DG_CAMPAIGN_TODAY: today UTC). rules: the points rules (expiry
 * of granted points); NULL: the built-in ones. DG_ENOTFOUND for an unknown campaign,
 * DG_ECONFLICT when it was launched already, DG_EINVAL when the audience is empty, or for a
 * first-purchase coupon when some of the treatment group have orders, DG_ECONFLICT for a voided
 * or expired coupon definition. */
int dg_campaign_launch(dg_campaign_launch_result *out, dg_store *store, const char *campaign_id,
                       int32_t day, const struct dg_points_rules *rules,
                       const dg_campaign_write *w, dg_error *err);

/* The customers of audience (a where filter) as of as_of (DG_DAY_NONE: the store's last day),
 * calling fn(ctx, customer_id, stratum) for each, by customer id; the stratum is the RFM
 * segment's code. DG_EINVAL for a bad filter. */
typedef int (*dg_campaign_member_fn)(void *ctx, const char *customer_id, const char *stratum);
int dg_campaign_audience_scan(dg_store *store, const char *audience, int32_t as_of,
                              dg_campaign_member_fn fn, void *ctx, dg_error *err);

DG_API_END

#endif
