/* Private to the library: the SQL of campaigns (src/store/campaigns_sqlite.c), which the
 * campaign writes (src/crm/campaign.c) and reports (src/report/campaigns.c) call inside the
 * transactions they open. Nothing here decides a rule: these read and write rows. */
#ifndef DANGOL_STORE_CAMPAIGNS_H
#define DANGOL_STORE_CAMPAIGNS_H

#include <stdbool.h>
#include <stdint.h>

#include "dangol/campaign.h"
#include "dangol/error.h"
#include "dangol/store.h"
#include "dangol/table.h"
#include "store/coupons.h"

#define DG__CAMPAIGN_AUDIENCE_MAX 4096

/* A campaign as stored: c's text fields point into the buffers. launched_on is
 * DG_CAMPAIGN_TODAY when it was not launched. */
typedef struct dg__campaign_row {
    dg_campaign c;
    char id[DG_CAMPAIGN_ID_MAX], name[DG_CAMPAIGN_ID_MAX], coupon[DG_CAMPAIGN_ID_MAX];
    char channel[64], actor[DG_CAMPAIGN_ID_MAX], launched_by[DG_CAMPAIGN_ID_MAX];
    char audience[DG__CAMPAIGN_AUDIENCE_MAX];
    int64_t created_at, launched_at;
    int32_t launched_on;
} dg__campaign_row;

/* DG_EEXIST when the id exists. c->channel is the purpose's code. */
int dg__campaign_insert(dg_store *s, const dg_campaign *c, const char *actor, int64_t now,
                        dg_error *err);
/* DG_ENOTFOUND naming the id when there is none. */
int dg__campaign_get(dg_store *s, const char *id, dg__campaign_row *out, dg_error *err);
/* Marks the campaign launched; DG_ECONFLICT when it was launched already. */
int dg__campaign_set_launched(dg_store *s, const char *id, int32_t day, int64_t now,
                              const char *actor, dg_error *err);
/* One member; code and movement may be NULL / 0 (control, or no offer). */
int dg__campaign_member_insert(dg_store *s, const char *id, const char *customer_id,
                               bool control, const char *stratum, const char *code,
                               int64_t movement, dg_error *err);
/* The idempotency key: DG_ENOTFOUND if new; else its fingerprint and result text. */
int dg__campaign_request_get(dg_store *s, const char *key, char *fingerprint, size_t cap,
                             char *result, size_t result_cap, dg_error *err);
int dg__campaign_request_put(dg_store *s, const char *key, const char *fingerprint,
                             const char *result, int64_t now, dg_error *err);

/* The campaign reports' queries (store/campaigns_sql.h). */
typedef enum dg__campaign_query {
    DG__CAMPAIGN_Q_LIST,     /* every campaign, oldest first */
    DG__CAMPAIGN_Q_ONE,      /* $1 one campaign */
    DG__CAMPAIGN_Q_STRATA,   /* $1's members by stratum */
    DG__CAMPAIGN_Q_SEND,     /* $1's treatment group with contacts */
    DG__CAMPAIGN_Q_MEMBERS,  /* $1's members, 1 for control */
    DG__CAMPAIGN_Q_COSTS,    /* $1's codes, redemptions, discount and points */
    DG__CAMPAIGN_Q_HISTORY,  /* customer $1's campaigns; $2 "1": codes whole */
    DG__CAMPAIGN_Q_CONTROLLED, /* launched from day $1 to day $2 with a control group */
    DG__CAMPAIGN_QUERIES
} dg__campaign_query;

/* Runs query q (params NULL-terminated) on either backend, as dg__coupon_table_fill and
 * dg__coupon_scan run their SQL. */
int dg__campaign_report_fill(dg_store *s, dg_table *t, dg__campaign_query q,
                             const char *const *params, dg_error *err);
int dg__campaign_report_scan(dg_store *s, dg__campaign_query q, const char *const *params,
                             dg__coupon_row_fn fn, void *ctx, dg_error *err);

#endif
