/* Private to the store: the economics report's SQL on a PostgreSQL store (economics_postgres.c),
 * called by economics_sqlite.c's functions of the same names (store/economics.h) for a
 * PostgreSQL store; the SQL text is economics_sql.h's, as SQLite runs it. */
#ifndef DANGOL_STORE_ECONOMICS_POSTGRES_H
#define DANGOL_STORE_ECONOMICS_POSTGRES_H

#include "store/economics.h"
#include "store/postgres.h"

int dg__pg_economics_spend(dg_pg *pg, int32_t as_of, dg__economics_spend_fn fn, void *ctx,
                           dg_error *err);
int dg__pg_economics_customers(dg_pg *pg, int32_t as_of, const dg__economics_tiers *tiers,
                               bool with_margins, dg__economics_customer_fn fn, void *ctx,
                               dg_error *err);
int dg__pg_economics_cohorts(dg_pg *pg, int32_t as_of, dg__economics_cohort_fn fn, void *ctx,
                             dg_error *err);
int dg__pg_economics_programme_get(dg_pg *pg, int32_t from, int32_t to,
                                   const dg__economics_tiers *tiers,
                                   dg__economics_programme *out, dg_error *err);
int dg__pg_economics_unit_costs(dg_pg *pg, dg__economics_unit_cost_fn fn, void *ctx,
                                dg_error *err);

#endif
