/* Private to the store: the tiers' SQL on a PostgreSQL store (tiers_postgres.c), called by
 * tiers_sqlite.c's functions of the same names (dg__tier_* of store/tiers.h) for a PostgreSQL
 * store. The evaluation's rules (src/crm/tier.c) stay shared. */
#ifndef DANGOL_STORE_TIERS_POSTGRES_H
#define DANGOL_STORE_TIERS_POSTGRES_H

#include "store/postgres.h"
#include "store/rows.h"
#include "store/tiers.h"

int dg__pg_tier_last_run(dg_pg *pg, int32_t *as_of, dg_error *err);
int dg__pg_tier_rules_text(dg_pg *pg, char **text, dg_error *err);
int dg__pg_tier_rules_put(dg_pg *pg, const char *name, const char *text, int64_t now,
                          dg_error *err);
int dg__pg_tier_run_insert(dg_pg *pg, int32_t as_of, const char *actor, int64_t now,
                           int64_t *run_id, dg_error *err);
int dg__pg_tier_run_counts(dg_pg *pg, int64_t run_id, int64_t customers, int64_t upgrades,
                           int64_t downgrades, dg_error *err);
int dg__pg_tier_states_scan(dg_pg *pg, dg__tier_state_fn fn, void *ctx, dg_error *err);
int dg__pg_tier_activities_scan(dg_pg *pg, dg_tier_measure measure, const char *customer_id,
                                int64_t from, int64_t to, dg__tier_activity_fn fn, void *ctx,
                                dg_error *err);
/* history and states: the rows of dg__tier_changes_put (their columns in its order) */
int dg__pg_tier_changes_put(dg_pg *pg, int64_t run_id, const dg__rows *history,
                            const dg__rows *states, dg_error *err);
int dg__pg_tier_history_scan(dg_pg *pg, const char *customer_id, int32_t to_day,
                             dg__tier_history_fn fn, void *ctx, dg_error *err);
int dg__pg_tier_at(dg_pg *pg, const char *customer_id, int32_t day, char *tier, size_t cap,
                   dg_error *err);
int dg__pg_tier_customer_count(dg_pg *pg, int64_t *n, dg_error *err);

#endif
