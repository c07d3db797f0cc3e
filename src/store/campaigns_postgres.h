/* Private to the store: the campaigns' SQL on a PostgreSQL store (campaigns_postgres.c), called
 * by campaigns_sqlite.c's functions of the same names (dg__campaign_* of store/campaigns.h) for
 * a PostgreSQL store, with the same meaning. */
#ifndef DANGOL_STORE_CAMPAIGNS_POSTGRES_H
#define DANGOL_STORE_CAMPAIGNS_POSTGRES_H

#include "store/campaigns.h"
#include "store/postgres.h"

int dg__pg_campaign_insert(dg_pg *pg, const dg_campaign *c, const char *actor, int64_t now,
                           dg_error *err);
int dg__pg_campaign_get(dg_pg *pg, const char *id, dg__campaign_row *out, dg_error *err);
int dg__pg_campaign_set_launched(dg_pg *pg, const char *id, int32_t day, int64_t now,
                                 const char *actor, dg_error *err);
int dg__pg_campaign_member_insert(dg_pg *pg, const char *id, const char *customer_id,
                                  bool control, const char *stratum, const char *code,
                                  int64_t movement, dg_error *err);
int dg__pg_campaign_report_fill(dg_pg *pg, dg_table *t, dg__campaign_query q,
                                const char *const *params, dg_error *err);
int dg__pg_campaign_report_scan(dg_pg *pg, dg__campaign_query q, const char *const *params,
                                dg__coupon_row_fn fn, void *ctx, dg_error *err);

#endif
